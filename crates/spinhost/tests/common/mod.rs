//! Shared by the integration tests: the probe guest, a manifest around it,
//! and a minimal HTTP/1.1 client.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Builds the probe guest once per test process (cargo skips the work when
/// nothing changed) and returns the path of its `.wasm`.
pub fn probe_wasm() -> &'static Path {
    static WASM: OnceLock<PathBuf> = OnceLock::new();
    WASM.get_or_init(|| {
        let root = workspace_root();
        let manifest =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/probe/Cargo.toml");
        let target_dir = root.join("target/spinhost-probe");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args([
                "build",
                "--quiet",
                "--release",
                "--target",
                "wasm32-wasip2",
                "--manifest-path",
            ])
            .arg(&manifest)
            .arg("--target-dir")
            .arg(&target_dir)
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .status()
            .expect("cannot run cargo to build the probe guest");
        assert!(status.success(), "building the probe guest failed");
        target_dir.join("wasm32-wasip2/release/probe.wasm")
    })
}

/// A manifest mounting the probe on the routes the tests use.
/// `upstream_port` is where the allowed outbound test server listens.
pub fn probe_manifest(wasm: &Path) -> String {
    format!(
        r#"spin_manifest_version = 2

[application]
name = "probe-app"
version = "0.1.0"

[variables]
greeting = {{ default = "hello" }}
from_env = {{ default = "default-value" }}
overridden = {{ default = "default-value" }}
needed = {{ required = true }}
upstream_port = {{ default = "1" }}

[[trigger.http]]
route = "/headers/..."
component = "probe"

[[trigger.http]]
route = "/exact"
component = "probe"

[[trigger.http]]
route = "/items/:id"
component = "probe"

[[trigger.http]]
route = "/items/:id/files/..."
component = "probe"

[[trigger.http]]
route = "/var"
component = "probe"

[[trigger.http]]
route = "/outbound"
component = "probe"

[[trigger.http]]
route = "/trap"
component = "probe"

[[trigger.http]]
route = "/sqlite"
component = "probe"

[[trigger.http]]
route = "/pg"
component = "probe"

[component.probe]
source = {wasm:?}
allowed_outbound_hosts = ["http://127.0.0.1:{{{{ upstream_port }}}}", "postgres://127.0.0.1:5432"]
sqlite_databases = ["default"]

[component.probe.variables]
greeting = "{{{{ greeting }}}}"
from_env = "{{{{ from_env }}}}"
overridden = "{{{{ overridden }}}}"
needed = "{{{{ needed }}}}"
composite = "{{{{ greeting }}}}-{{{{ overridden }}}}"
"#
    )
}

pub struct Reply {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: String,
}

/// One keep-alive HTTP/1.1 connection.
pub struct Client {
    sender: SendRequest<Empty<Bytes>>,
    addr: SocketAddr,
}

impl Client {
    pub async fn connect(addr: SocketAddr) -> Client {
        let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        stream.set_nodelay(true).unwrap();
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .unwrap();
        tokio::spawn(connection);
        Client { sender, addr }
    }

    pub async fn get(&mut self, path: &str) -> Reply {
        self.get_with(path, &[]).await
    }

    pub async fn get_with(&mut self, path: &str, headers: &[(&str, &str)]) -> Reply {
        let mut builder = http::Request::get(path).header("host", self.addr.to_string());
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        let request = builder.body(Empty::new()).unwrap();
        self.sender.ready().await.unwrap();
        let response = self.sender.send_request(request).await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    }
}

pub async fn get(addr: SocketAddr, path: &str) -> Reply {
    Client::connect(addr).await.get(path).await
}
