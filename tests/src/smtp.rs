//! A real SMTP server for the mail tests: `tests/python/smtp_sink.py`
//! (aiosmtpd) in the tests' Python, which parses each mail it accepts with
//! Python's email package and leaves it as JSON in a directory.

use serde_json::Value;
use std::path::PathBuf;
use std::process::Child;

pub struct SmtpSink {
    child: Child,
    pub dir: tempfile::TempDir,
    /// `smtp://127.0.0.1:<port>`, for the sidecar's `smtp_url`.
    pub url: String,
}

impl SmtpSink {
    /// Starts the server; the first `refuse` mails whose subject contains
    /// `matching` get a temporary error.
    pub fn start(refuse: u32, matching: &str) -> SmtpSink {
        let dir = tempfile::tempdir().unwrap();
        let refuse = refuse.to_string();
        let path = dir.path().display().to_string();
        let (child, port) = crate::start_python_server(
            "smtp_sink.py",
            &[&path, "--refuse", &refuse, "--refuse-matching", matching],
        );
        SmtpSink {
            child,
            dir,
            url: format!("smtp://127.0.0.1:{port}"),
        }
    }

    /// Every mail accepted so far, in order.
    pub fn mails(&self) -> Vec<Value> {
        let mut files: Vec<(u32, PathBuf)> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter_map(|e| {
                let path = e.ok()?.path();
                let n = path
                    .file_name()?
                    .to_str()?
                    .strip_suffix(".json")?
                    .parse()
                    .ok()?;
                Some((n, path))
            })
            .collect();
        files.sort();
        files
            .into_iter()
            .map(|(_, p)| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap())
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
