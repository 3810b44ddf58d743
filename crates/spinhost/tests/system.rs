//! The app with its embedded sidecar: `System` in-process, `spinhost up`'s
//! sidecar and warning, and `spinhost events tail`.

mod common;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::{get, probe_wasm, workspace_root};
use spinhost::dapr_sidecar::{Sidecar, SidecarConfig};
use spinhost::{AppOptions, SidecarSettings, System, SystemOptions};

const WAIT: Duration = Duration::from_secs(20);

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_spinhost"))
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("spinhost-system-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const PUBSUB_YAML: &str = r#"apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: pubsub
spec:
  type: pubsub.in-memory
  version: v1
"#;

/// The probe behind the variables this project's components use to reach
/// the sidecar, with a `dapr/` folder next to the manifest.
fn write_app(dir: &Path) -> PathBuf {
    let manifest = dir.join("spin.toml");
    std::fs::write(
        &manifest,
        format!(
            r#"spin_manifest_version = 2

[application]
name = "with-sidecar"

[variables]
dapr_http_endpoint = {{ default = "http://localhost:3500" }}
app_api_token = {{ default = "" }}
dapr_api_token = {{ default = "" }}

[[trigger.http]]
route = "/..."
component = "probe"

[component.probe]
source = {wasm:?}
allowed_outbound_hosts = ["{{{{ dapr_http_endpoint }}}}"]

[component.probe.variables]
dapr_http_endpoint = "{{{{ dapr_http_endpoint }}}}"
app_api_token = "{{{{ app_api_token }}}}"
"#,
            wasm = probe_wasm()
        ),
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("dapr")).unwrap();
    std::fs::write(dir.join("dapr/pubsub.yaml"), PUBSUB_YAML).unwrap();
    manifest
}

fn app_options(dir: &Path) -> AppOptions {
    AppOptions {
        state_dir: Some(dir.join("state")),
        cache_dir: Some(workspace_root().join("target/spinhost-cache")),
        log_requests: false,
        ..AppOptions::default()
    }
}

fn quiet_sidecar() -> SidecarSettings {
    SidecarSettings {
        log_deliveries: false,
        ..SidecarSettings::default()
    }
}

/// What the probe gets when it calls `url`.
async fn probe_calls(app: SocketAddr, url: &str) -> String {
    get(app, &format!("/outbound?url={url}")).await.body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn system_points_the_app_and_the_sidecar_at_each_other() {
    let dir = temp_dir("pointed");
    let manifest = write_app(&dir);
    let system = System::start(
        &manifest,
        app_options(&dir),
        SystemOptions {
            sidecar: Some(quiet_sidecar()),
            ..SystemOptions::default()
        },
    )
    .await
    .unwrap();
    let sidecar = system.sidecar().expect("a sidecar");
    sidecar
        .wait_ready(WAIT)
        .await
        .expect("the sidecar reaches the app");
    assert!(system.warnings().is_empty(), "{:?}", system.warnings());

    let endpoint = get(system.app_addr(), "/var?name=dapr_http_endpoint")
        .await
        .body;
    assert_eq!(endpoint, format!("ok:{}", sidecar.base_url()));
    // No token was configured, so the run got fresh ones: the sidecar's
    // API refuses a caller without it (secure by default).
    let metadata = probe_calls(
        system.app_addr(),
        &format!("{}/v1.0/metadata", sidecar.base_url()),
    )
    .await;
    assert!(metadata.starts_with("status:401"), "{metadata}");

    let config = system.sidecar_config().unwrap();
    assert_eq!(config.app_url, system.app_url());
    assert_eq!(config.resources_dirs, [dir.join("dapr")]);
    assert_eq!(config.state_dir, dir.join("state/dapr"));
    assert!(sidecar.resources().pubsubs.contains_key("pubsub"));
    let (to_app, to_sidecar) = (
        config.app_api_token.clone().unwrap(),
        config.dapr_api_token.clone().unwrap(),
    );
    assert!(to_app.len() >= 32 && to_sidecar.len() >= 32);
    assert_ne!(to_app, to_sidecar);
    // The app sees the same tokens as its variables.
    let app_token = get(system.app_addr(), "/var?name=app_api_token").await.body;
    assert_eq!(app_token, format!("ok:{to_app}"));
    system.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_come_from_the_app_variables() {
    let dir = temp_dir("tokens");
    let manifest = write_app(&dir);
    let mut options = app_options(&dir);
    options
        .variables
        .insert("dapr_api_token".into(), "to-sidecar".into());
    options
        .variables
        .insert("app_api_token".into(), "to-app".into());
    let system = System::start(
        &manifest,
        options,
        SystemOptions {
            sidecar: Some(quiet_sidecar()),
            ..SystemOptions::default()
        },
    )
    .await
    .unwrap();
    let config = system.sidecar_config().unwrap();
    assert_eq!(config.dapr_api_token.as_deref(), Some("to-sidecar"));
    assert_eq!(config.app_api_token.as_deref(), Some("to-app"));
    // The probe sends no token: the sidecar refuses it.
    let sidecar = system.sidecar().unwrap();
    let metadata = probe_calls(
        system.app_addr(),
        &format!("{}/v1.0/metadata", sidecar.base_url()),
    )
    .await;
    assert!(metadata.starts_with("status:401"), "{metadata}");
    system.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sidecar_can_start_late_and_stop() {
    let dir = temp_dir("late");
    let manifest = write_app(&dir);
    let mut system = System::start(
        &manifest,
        app_options(&dir),
        SystemOptions {
            sidecar: Some(SidecarSettings {
                start_later: true,
                ..quiet_sidecar()
            }),
            ..SystemOptions::default()
        },
    )
    .await
    .unwrap();
    assert!(system.sidecar().is_none());
    let url = format!(
        "http://{}/v1.0/healthz/outbound",
        system.sidecar_addr().unwrap()
    );
    let down = probe_calls(system.app_addr(), &url).await;
    assert!(down.starts_with("send-error"), "{down}");

    system.start_sidecar().await.unwrap();
    assert_eq!(
        probe_calls(system.app_addr(), &url).await,
        "status:204 body:"
    );
    system.stop_sidecar().await;
    assert!(system.sidecar().is_none());
    let down = probe_calls(system.app_addr(), &url).await;
    assert!(down.starts_with("send-error"), "{down}");
    system.start_sidecar().await.unwrap();
    assert_eq!(
        probe_calls(system.app_addr(), &url).await,
        "status:204 body:"
    );
    system.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_sidecar_the_endpoint_is_left_alone() {
    let dir = temp_dir("none");
    let manifest = write_app(&dir);
    let system = System::start(
        &manifest,
        app_options(&dir),
        SystemOptions {
            sidecar: None,
            ..SystemOptions::default()
        },
    )
    .await
    .unwrap();
    assert!(system.sidecar().is_none());
    let endpoint = get(system.app_addr(), "/var?name=dapr_http_endpoint")
        .await
        .body;
    assert_eq!(endpoint, "ok:http://localhost:3500");
    system.shutdown().await.unwrap();
}

/// Reads stderr lines until one starts with `prefix`; the rest of stderr is
/// drained in the background.
fn wait_for_line(stderr: impl std::io::Read + Send + 'static, prefix: &str) -> Vec<String> {
    let (tx, rx) = mpsc::channel();
    let prefix = prefix.to_string();
    std::thread::spawn(move || {
        let mut seen = Vec::new();
        let mut sent = false;
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            seen.push(line.clone());
            if !sent && line.starts_with(&prefix) {
                let _ = tx.send(seen.clone());
                sent = true;
            }
        }
        if !sent {
            let _ = tx.send(seen);
        }
    });
    rx.recv_timeout(WAIT).expect("no such line in time")
}

/// `spinhost up` starts the sidecar, leaves `dapr_http_endpoint` as
/// configured and warns when its port is not the sidecar's.
#[test]
fn up_starts_the_sidecar_and_warns_about_another_port() {
    let dir = temp_dir("up");
    let manifest = write_app(&dir);
    let mut child = bin()
        .arg("up")
        .arg("-f")
        .arg(&manifest)
        .args(["--listen", "127.0.0.1:0", "--dapr-listen", "127.0.0.1:0"])
        .arg("--state-dir")
        .arg(dir.join("state"))
        .arg("--cache-dir")
        .arg(workspace_root().join("target/spinhost-cache"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = wait_for_line(child.stderr.take().unwrap(), "spinhost: serving http://");
    child.kill().unwrap();
    child.wait().unwrap();
    let text = lines.join("\n");
    assert!(
        text.contains("spinhost: Dapr sidecar on http://127.0.0.1:"),
        "{text}"
    );
    assert!(text.contains("app id taskmanager"), "{text}");
    assert!(
        text.contains(&format!("resources from {}", dir.join("dapr").display())),
        "{text}"
    );
    assert!(
        text.contains("warning: the app's dapr_http_endpoint is http://localhost:3500"),
        "{text}"
    );
    assert!(dir.join("state/dapr").is_dir(), "the sidecar's state dir");
}

/// No warning when the variable names the sidecar's port, and `--no-sidecar`
/// starts none.
#[test]
fn up_without_a_warning_or_a_sidecar() {
    let dir = temp_dir("up-quiet");
    let manifest = write_app(&dir);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    for (extra, sidecar) in [
        (
            vec!["--dapr-listen".to_string(), format!("127.0.0.1:{port}")],
            true,
        ),
        (vec!["--no-sidecar".to_string()], false),
    ] {
        let mut child = bin()
            .arg("up")
            .arg("-f")
            .arg(&manifest)
            .args(["--listen", "127.0.0.1:0"])
            .args(&extra)
            .args([
                "--variable",
                &format!("dapr_http_endpoint=http://127.0.0.1:{port}"),
            ])
            .arg("--state-dir")
            .arg(dir.join("state"))
            .arg("--cache-dir")
            .arg(workspace_root().join("target/spinhost-cache"))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let lines = wait_for_line(child.stderr.take().unwrap(), "spinhost: serving http://");
        child.kill().unwrap();
        child.wait().unwrap();
        let text = lines.join("\n");
        assert!(text.contains("spinhost: serving"), "{text}");
        // The host's own warnings (the sidecar may also log that the probe
        // app has no /dapr/subscribe, whenever it gets to ask).
        assert!(!text.contains("spinhost: warning"), "{text}");
        assert_eq!(text.contains("Dapr sidecar on"), sidecar, "{text}");
    }
}

/// `spinhost events tail` prints each event the sidecar sees as one JSON
/// line, and needs the sidecar's token when it has one.
#[test]
fn events_tail_prints_one_json_line_per_event() {
    let dir = temp_dir("tail");
    std::fs::write(dir.join("pubsub.yaml"), PUBSUB_YAML).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sidecar = runtime.block_on(async {
        let mut config = SidecarConfig::new("tail-test", "http://127.0.0.1:9", dir.join("state"))
            .with_resources(&dir)
            .with_listen("127.0.0.1:0".parse().unwrap());
        config.dapr_api_token = Some("tok".into());
        config.log_deliveries = false;
        Sidecar::start(config).await.unwrap()
    });
    let url = sidecar.base_url();

    let refused = bin()
        .args(["events", "tail", "--sidecar", &url])
        .env_remove("DAPR_API_TOKEN")
        .output()
        .unwrap();
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("Dapr API token"), "{stderr}");

    let mut child = bin()
        .args(["events", "tail", "--sidecar", &url])
        .env("DAPR_API_TOKEN", "tok")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_line(child.stderr.take().unwrap(), "spinhost: following events");
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });

    for n in 1..=2 {
        let body = format!(r#"{{"n":{n}}}"#);
        let status = runtime.block_on(post_json(
            sidecar.addr(),
            "/v1.0/publish/pubsub/tail-topic",
            &body,
            "tok",
        ));
        assert_eq!(status, 204);
        let line = rx.recv_timeout(WAIT).expect("a line per event");
        let event: serde_json::Value =
            serde_json::from_str(&line).expect("one JSON object per line");
        assert_eq!(event["record"], "published", "{line}");
        assert_eq!(event["topic"], "tail-topic");
        assert_eq!(event["event"]["data"]["n"], n);
    }
    child.kill().unwrap();
    child.wait().unwrap();
    runtime.block_on(sidecar.shutdown());
}

/// POSTs JSON with a Dapr API token; returns the status.
async fn post_json(addr: SocketAddr, path: &str, body: &str, token: &str) -> u16 {
    use http_body_util::Full;
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .unwrap();
    tokio::spawn(conn);
    let request = http::Request::post(path)
        .header("host", addr.to_string())
        .header("content-type", "application/json")
        .header("dapr-api-token", token)
        .body(Full::new(bytes::Bytes::from(body.to_string())))
        .unwrap();
    sender
        .send_request(request)
        .await
        .unwrap()
        .status()
        .as_u16()
}
