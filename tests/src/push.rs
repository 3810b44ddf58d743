//! A Web Push service for the push tests: `tests/python/push_service.py`,
//! which verifies each message's VAPID signature with `py_vapid` and
//! decrypts its payload with `http_ece`, the reference implementations.

use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Child;

pub struct PushService {
    child: Child,
    port: u16,
    /// `http://127.0.0.1:<port>`, for the app's `push_services`.
    pub origin: String,
}

impl PushService {
    pub fn start() -> PushService {
        let (child, port) = crate::start_python_server("push_service.py", &[]);
        PushService {
            child,
            port,
            origin: format!("http://127.0.0.1:{port}"),
        }
    }

    /// A new browser, as `PushSubscription.toJSON()` shows it. `answers`:
    /// the statuses its endpoint gives the first messages ("410",
    /// "429:1,201"); 201 after them.
    pub fn browser(&self, answers: &str) -> Value {
        self.call("POST", &format!("/subscriptions?answers={answers}"))
    }

    /// What reached a browser's endpoint, in order.
    pub fn messages(&self, endpoint: &str) -> Vec<Value> {
        let id = endpoint.rsplit('/').next().unwrap();
        match self.call("GET", &format!("/messages/{id}")) {
            Value::Array(items) => items,
            other => panic!("no messages list: {other}"),
        }
    }

    fn call(&self, method: &str, path: &str) -> Value {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let body = response
            .split_once("\r\n\r\n")
            .map(|(_, b)| b)
            .unwrap_or_default();
        serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {response}"))
    }
}

impl Drop for PushService {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
