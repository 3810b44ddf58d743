//! The `spinhost` binary, and the compile cache.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{get, probe_manifest, probe_wasm};
use spinhost::{App, AppOptions};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_spinhost"))
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("spinhost-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write_probe_manifest(dir: &Path) -> PathBuf {
    let path = dir.join("spin.toml");
    std::fs::write(&path, probe_manifest(probe_wasm())).unwrap();
    path
}

const MISSING_IMPORT_WAT: &str = r#"(component
  (import "missing:pkg/iface@1.0.0" (instance (export "f" (func))))
)"#;

fn write_missing_import_manifest(dir: &Path) -> PathBuf {
    std::fs::write(dir.join("missing.wat"), MISSING_IMPORT_WAT).unwrap();
    let path = dir.join("spin.toml");
    std::fs::write(
        &path,
        r#"spin_manifest_version = 2
[application]
name = "broken"
[[trigger.http]]
route = "/..."
component = "broken"
[component.broken]
source = "missing.wat"
"#,
    )
    .unwrap();
    path
}

#[test]
fn routes_prints_the_table() {
    let dir = temp_dir("routes");
    let manifest = write_probe_manifest(&dir);
    let out = bin()
        .arg("routes")
        .arg("-f")
        .arg(&manifest)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let first_exact = text.lines().position(|l| l.starts_with("/exact")).unwrap();
    let wildcard = text
        .lines()
        .position(|l| l.starts_with("/headers/..."))
        .unwrap();
    assert!(first_exact < wildcard, "most specific first:\n{text}");
    assert!(text.contains("/items/:id/files/..."), "{text}");
}

#[test]
fn check_names_a_missing_import() {
    let dir = temp_dir("check");
    let cache = common::workspace_root().join("target/spinhost-cache");
    let good = write_probe_manifest(&dir);
    let out = bin()
        .args(["check", "--cache-dir"])
        .arg(&cache)
        .arg("-f")
        .arg(&good)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("ok      probe"), "{stdout}");

    let broken_dir = temp_dir("check-broken");
    let broken = write_missing_import_manifest(&broken_dir);
    let out = bin().arg("check").arg("-f").arg(&broken).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(stdout.contains("FAILED  broken"), "{stdout}");
    assert!(stdout.contains("missing:pkg/iface@1.0.0"), "{stdout}");

    let err = App::load(&broken, AppOptions::default()).err().unwrap();
    assert!(
        format!("{err:#}").contains("missing:pkg/iface@1.0.0"),
        "{err:#}"
    );
}

#[test]
fn invalid_manifest_is_refused_with_a_clear_message() {
    let dir = temp_dir("invalid");
    let manifest = dir.join("spin.toml");
    std::fs::write(
        &manifest,
        r#"spin_manifest_version = 2
[application]
name = "x"
[variables]
both = { default = "a", required = true }
"#,
    )
    .unwrap();
    let out = bin()
        .arg("routes")
        .arg("-f")
        .arg(&manifest)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("\"both\" must have exactly one of"),
        "{stderr}"
    );
}

/// `spinhost up` with variables from the environment and `--variable`.
#[test]
fn up_serves_with_env_and_cli_variables() {
    let dir = temp_dir("up");
    let manifest = write_probe_manifest(&dir);
    let mut child = bin()
        .arg("up")
        .arg("-f")
        .arg(&manifest)
        .args([
            "--listen",
            "127.0.0.1:0",
            "--dapr-listen",
            "127.0.0.1:0",
            "--variable",
            "overridden=from-cli",
        ])
        .arg("--state-dir")
        .arg(dir.join("state"))
        .arg("--cache-dir")
        .arg(common::workspace_root().join("target/spinhost-cache"))
        .env("SPIN_VARIABLE_FROM_ENV", "from-env")
        .env("SPIN_VARIABLE_OVERRIDDEN", "loses-to-cli")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut addr = None;
    let mut line = String::new();
    while addr.is_none() {
        line.clear();
        if stderr.read_line(&mut line).unwrap() == 0 {
            break;
        }
        if let Some(rest) = line.trim().strip_prefix("spinhost: serving http://") {
            addr = rest.split_whitespace().next().map(|a| a.parse().unwrap());
        }
    }
    let addr = addr.expect("spinhost up did not report its address");
    std::thread::spawn(move || for _ in stderr.lines() {});

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (from_env, overridden, default) = runtime.block_on(async {
        (
            get(addr, "/var?name=from_env").await.body,
            get(addr, "/var?name=overridden").await.body,
            get(addr, "/var?name=greeting").await.body,
        )
    });
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(from_env, "ok:from-env");
    assert_eq!(overridden, "ok:from-cli");
    assert_eq!(default, "ok:hello");
    assert!(dir.join("state").exists());
}

#[test]
fn compile_cache_makes_the_second_start_fast() {
    let dir = temp_dir("cache");
    let manifest = write_probe_manifest(&dir);
    let options = || AppOptions {
        cache_dir: Some(dir.join("cache")),
        log_requests: false,
        ..AppOptions::default()
    };
    let first = App::load(&manifest, options()).unwrap();
    assert!(!first.load_report()[0].from_cache);
    let cold = first.load_report()[0].elapsed;
    drop(first);
    let second = App::load(&manifest, options()).unwrap();
    assert!(second.load_report()[0].from_cache);
    let warm = second.load_report()[0].elapsed;
    println!("probe component: compiled in {cold:?}, loaded from cache in {warm:?}");
    assert!(warm < cold);
    assert!(warm < Duration::from_millis(500));
}
