//! A scripted OpenAI-compatible chat-completions server on 127.0.0.1, for
//! the assistant's model path. Each `POST /v1/chat/completions` gets the
//! next scripted answer (a text once the script is empty) and is recorded.

use serde_json::{json, Value};
use std::collections::VecDeque;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One scripted answer.
#[derive(Debug, Clone)]
pub enum Answer {
    /// An assistant message calling one tool.
    ToolCall { name: String, arguments: Value },
    /// An assistant message with text.
    Text(String),
    /// An HTTP error status with an OpenAI-style error body.
    Status(u16),
    /// The answer, after a delay.
    Slow(Duration, Box<Answer>),
}

impl Answer {
    pub fn tool(name: &str, arguments: Value) -> Answer {
        Answer::ToolCall {
            name: name.to_string(),
            arguments,
        }
    }

    pub fn text(text: &str) -> Answer {
        Answer::Text(text.to_string())
    }
}

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub authorization: Option<String>,
    pub body: Value,
}

#[derive(Default)]
struct State {
    script: VecDeque<Answer>,
    requests: Vec<Recorded>,
    calls: u64,
}

pub struct FakeLlm {
    pub addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

impl FakeLlm {
    /// Starts the server on an ephemeral port; it lives until the process ends.
    pub fn start() -> FakeLlm {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = shared.clone();
                std::thread::spawn(move || serve(stream, state));
            }
        });
        FakeLlm { addr, state }
    }

    /// The `llm_base_url` to configure.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/v1", self.addr.port())
    }

    /// The `llm_allowed_host` to configure.
    pub fn allowed_host(&self) -> String {
        format!("http://127.0.0.1:{}", self.addr.port())
    }

    pub fn push(&self, answer: Answer) {
        self.state.lock().unwrap().script.push_back(answer);
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.state.lock().unwrap().requests.clone()
    }
}

fn serve(mut stream: TcpStream, state: Arc<Mutex<State>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Some((method, path, headers, body)) = read_request(&mut stream) else {
        return;
    };
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let (answer, n) = {
        let mut s = state.lock().unwrap();
        s.requests.push(Recorded {
            method: method.clone(),
            path: path.clone(),
            authorization: header("authorization"),
            body: request.clone(),
        });
        s.calls += 1;
        let answer = s.script.pop_front().unwrap_or_else(|| Answer::text("OK"));
        (answer, s.calls)
    };
    if method != "POST" || path != "/v1/chat/completions" {
        write_response(
            &mut stream,
            404,
            &json!({"error": {"message": "not found"}}),
        );
        return;
    }
    let model = request["model"].clone();
    let mut answer = answer;
    loop {
        match answer {
            Answer::Slow(delay, inner) => {
                std::thread::sleep(delay);
                answer = *inner;
            }
            Answer::Status(status) => {
                write_response(
                    &mut stream,
                    status,
                    &json!({"error": {"message": "scripted failure", "type": "server_error"}}),
                );
                return;
            }
            Answer::Text(text) => {
                let message = json!({"role": "assistant", "content": text});
                write_response(&mut stream, 200, &completion(n, &model, message, "stop"));
                return;
            }
            Answer::ToolCall { name, arguments } => {
                let message = json!({
                    "role": "assistant",
                    "content": null,
                    "tool_calls": [{
                        "id": format!("call_{n}"),
                        "type": "function",
                        "function": { "name": name, "arguments": arguments.to_string() }
                    }]
                });
                write_response(
                    &mut stream,
                    200,
                    &completion(n, &model, message, "tool_calls"),
                );
                return;
            }
        }
    }
}

fn completion(n: u64, model: &Value, message: Value, finish: &str) -> Value {
    json!({
        "id": format!("chatcmpl-fake-{n}"),
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [{ "index": 0, "message": message, "finish_reason": finish }],
        "usage": { "prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2 }
    })
}

type Request = (String, String, Vec<(String, String)>, Vec<u8>);

fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    let head_end = loop {
        let n = stream.read(&mut buf).ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let path = first.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let chunked = headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("transfer-encoding") && v.to_ascii_lowercase().contains("chunked")
    });
    let mut body = data[head_end..].to_vec();
    if chunked {
        while !body.ends_with(b"0\r\n\r\n") {
            let n = stream.read(&mut buf).ok()?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&buf[..n]);
        }
        return Some((method, path, headers, dechunk(&body)));
    }
    while body.len() < length {
        let n = stream.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buf[..n]);
    }
    Some((method, path, headers, body))
}

/// The payload of a chunked body.
fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(i) = raw.windows(2).position(|w| w == b"\r\n") {
        let size_text = String::from_utf8_lossy(&raw[..i]).to_string();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .unwrap_or(0);
        raw = &raw[i + 2..];
        if size == 0 || raw.len() < size {
            break;
        }
        out.extend_from_slice(&raw[..size]);
        raw = raw.get(size + 2..).unwrap_or_default();
    }
    out
}

fn write_response(stream: &mut TcpStream, status: u16, body: &Value) {
    let text = body.to_string();
    let response = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        if status == 200 { "OK" } else { "Error" },
        text.len()
    );
    // The client may have given up (a timeout test): nothing to do then.
    let _ = stream.write_all(response.as_bytes());
    let _ = stream.flush();
}
