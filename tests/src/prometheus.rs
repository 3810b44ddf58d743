//! `/metrics` read the way a Prometheus client reads it: through the text
//! format parser of the official Python client (`prometheus_client`), which
//! refuses what Prometheus would not scrape. scripts/test.sh installs it in
//! the tests' Python environment and names that Python in TEST_PYTHON.

use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};

/// One sample with its family's type and help.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub family: String,
    pub kind: String,
    pub help: String,
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub value: f64,
}

const PARSE: &str = r#"
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = []
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        out.append({"family": family.name, "kind": family.type, "help": family.documentation,
                    "name": s.name, "labels": s.labels, "value": s.value})
json.dump(out, sys.stdout)
"#;

/// Runs `script` in the tests' Python with `args`, `input` on its stdin.
pub(crate) fn run_python(script: &str, args: &[&str], input: &str) -> std::process::Output {
    let mut child = Command::new(python())
        .arg("-c")
        .arg(script)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the tests' Python starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Runs the Python file `path` with `args`; answers its standard output, and
/// panics with both outputs when it fails.
pub fn run_python_file(path: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new(python())
        .arg(path)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("the tests' Python starts");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{} failed ({}):\n{stdout}\n{}",
        path.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// The tests' Python (with prometheus_client and icalendar): TEST_PYTHON, else the environment
/// scripts/test.sh makes.
pub fn python() -> String {
    std::env::var("TEST_PYTHON").unwrap_or_else(|_| {
        let venv = crate::repo_root().join("target/test-venv/bin/python");
        assert!(
            venv.exists(),
            "no Python with prometheus_client: run scripts/test.sh, or set TEST_PYTHON"
        );
        venv.display().to_string()
    })
}

/// Every sample of an exposition; panics with the parser's error when the
/// text is not valid Prometheus text format.
pub fn parse(exposition: &str) -> Vec<Sample> {
    let out = run_python(PARSE, &[], exposition);
    assert!(
        out.status.success(),
        "prometheus_client refuses the exposition: {}\n{exposition}",
        String::from_utf8_lossy(&out.stderr)
    );
    let parsed: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    parsed
        .into_iter()
        .map(|s| Sample {
            family: s["family"].as_str().unwrap().to_string(),
            kind: s["kind"].as_str().unwrap().to_string(),
            help: s["help"].as_str().unwrap().to_string(),
            name: s["name"].as_str().unwrap().to_string(),
            labels: serde_json::from_value(s["labels"].clone()).unwrap(),
            value: s["value"].as_f64().unwrap(),
        })
        .collect()
}

/// The value of the sample `name` with exactly these labels.
pub fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let wanted: BTreeMap<String, String> = labels
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    samples
        .iter()
        .find(|s| s.name == name && s.labels == wanted)
        .map(|s| s.value)
}
