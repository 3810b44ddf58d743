//! The broker's on-disk log, so a restart of the host loses no message.
//!
//! An append-only JSON-lines file in the state directory: one `pub` line per
//! stored message and one `ack` line per consumer group (app id) once that
//! group is done with it (delivered, dropped, dead-lettered or skipped). On
//! open, the log is replayed, the messages some hosted group has not acked
//! are handed back in publish order with the groups that did, and the file is
//! rewritten with only those (plus the sequence and offset counters). An
//! `ack` without a group (older logs) means every group is done.
//!
//! Each line is written with a single `write` call and no `fsync`: the log
//! survives the process being killed (the data is in the OS page cache),
//! not a power cut. A line torn by a crash is ignored on replay.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use base64::Engine as _;
use serde::{Deserialize, Serialize};

/// A message as written to the log.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StoredMessage {
    pub seq: u64,
    pub pubsub: String,
    pub topic: String,
    pub partition: u32,
    pub offset: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Base64 of the stored bytes.
    pub data: String,
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
    /// Publish time, Unix milliseconds.
    pub ts: i64,
}

impl StoredMessage {
    pub(crate) fn encode_data(data: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(data)
    }

    pub(crate) fn decode_data(&self) -> Vec<u8> {
        base64::engine::general_purpose::STANDARD
            .decode(&self.data)
            .unwrap_or_default()
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
enum Record {
    Pub(StoredMessage),
    Ack {
        seq: u64,
        /// The consumer group (app id); `None` means every group.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        group: Option<String>,
    },
    Meta {
        next_seq: u64,
        /// `[pubsub, topic, partition, next offset]`.
        offsets: Vec<(String, String, u32, u64)>,
    },
}

/// A message some consumer group has not acked yet.
#[derive(Debug, Clone)]
pub(crate) struct PendingMessage {
    pub msg: StoredMessage,
    /// The groups that have acked it.
    pub acked: BTreeSet<String>,
}

/// What survived the previous run.
#[derive(Debug, Default)]
pub(crate) struct Recovered {
    /// In publish order.
    pub pending: Vec<PendingMessage>,
    pub next_seq: u64,
    pub offsets: HashMap<(String, String, u32), u64>,
}

pub(crate) struct Journal {
    path: PathBuf,
    file: Mutex<File>,
}

impl Journal {
    /// Replays and compacts the log of `app_id` in `dir`, then opens it for
    /// appending. The file name carries the sidecar's app id, so sidecars of
    /// different apps may share a state directory. A message every one of
    /// `groups` has acked is done with and dropped.
    pub(crate) fn open(
        dir: &Path,
        app_id: &str,
        groups: &[String],
    ) -> anyhow::Result<(Journal, Recovered)> {
        std::fs::create_dir_all(dir)?;
        let file_name = format!("pubsub-{}.jsonl", crate::safe_file_part(app_id));
        let path = dir.join(&file_name);
        let mut rec = Recovered::default();
        let mut pubs: BTreeMap<u64, PendingMessage> = BTreeMap::new();
        if path.exists() {
            let reader = BufReader::new(File::open(&path)?);
            for line in reader.split(b'\n') {
                let line = line?;
                let Ok(record) = serde_json::from_slice::<Record>(&line) else {
                    continue;
                };
                match record {
                    Record::Pub(m) => {
                        rec.next_seq = rec.next_seq.max(m.seq + 1);
                        let k = (m.pubsub.clone(), m.topic.clone(), m.partition);
                        let o = rec.offsets.entry(k).or_default();
                        *o = (*o).max(m.offset + 1);
                        pubs.insert(
                            m.seq,
                            PendingMessage {
                                msg: m,
                                acked: BTreeSet::new(),
                            },
                        );
                    }
                    Record::Ack { seq, group: None } => {
                        pubs.remove(&seq);
                    }
                    Record::Ack {
                        seq,
                        group: Some(g),
                    } => {
                        if let Some(p) = pubs.get_mut(&seq) {
                            p.acked.insert(g);
                        }
                    }
                    Record::Meta { next_seq, offsets } => {
                        rec.next_seq = rec.next_seq.max(next_seq);
                        for (p, t, part, next) in offsets {
                            let o = rec.offsets.entry((p, t, part)).or_default();
                            *o = (*o).max(next);
                        }
                    }
                }
            }
        }
        rec.pending = pubs
            .into_values()
            .filter(|p| groups.iter().any(|g| !p.acked.contains(g)))
            .collect();

        // Rewrite the file with only what is still pending.
        let tmp = dir.join(format!("{file_name}.tmp"));
        {
            let mut f = File::create(&tmp)?;
            let meta = Record::Meta {
                next_seq: rec.next_seq,
                offsets: rec
                    .offsets
                    .iter()
                    .map(|((p, t, part), n)| (p.clone(), t.clone(), *part, *n))
                    .collect(),
            };
            let mut buf = serde_json::to_vec(&meta)?;
            buf.push(b'\n');
            for p in &rec.pending {
                serde_json::to_writer(&mut buf, &Record::Pub(p.msg.clone()))?;
                buf.push(b'\n');
                for g in &p.acked {
                    let ack = Record::Ack {
                        seq: p.msg.seq,
                        group: Some(g.clone()),
                    };
                    serde_json::to_writer(&mut buf, &ack)?;
                    buf.push(b'\n');
                }
            }
            f.write_all(&buf)?;
            f.sync_all()?;
        }
        std::fs::rename(&tmp, &path)?;
        let file = OpenOptions::new().append(true).open(&path)?;
        Ok((
            Journal {
                path,
                file: Mutex::new(file),
            },
            rec,
        ))
    }

    fn write(&self, record: &Record) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(record)?;
        line.push(b'\n');
        let mut f = self.file.lock().unwrap_or_else(|e| e.into_inner());
        f.write_all(&line)
    }

    pub(crate) fn append(&self, m: &StoredMessage) -> std::io::Result<()> {
        self.write(&Record::Pub(m.clone()))
    }

    /// Records that `group` is done with message `seq`; `None`: every group.
    pub(crate) fn ack(&self, seq: u64, group: Option<&str>) -> std::io::Result<()> {
        self.write(&Record::Ack {
            seq,
            group: group.map(str::to_string),
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(seq: u64, offset: u64) -> StoredMessage {
        StoredMessage {
            seq,
            pubsub: "pubsub".into(),
            topic: "t".into(),
            partition: 1,
            offset,
            key: Some("k".into()),
            data: StoredMessage::encode_data(format!("m{seq}").as_bytes()),
            metadata: BTreeMap::new(),
            ts: 0,
        }
    }

    fn groups(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn replay_keeps_unacked_messages_and_counters() {
        let dir = std::env::temp_dir().join(format!("journal-test-{}", uuid::Uuid::new_v4()));
        let app = groups(&["app"]);
        {
            let (j, rec) = Journal::open(&dir, "app", &app).unwrap();
            assert!(rec.pending.is_empty());
            for i in 0..4 {
                j.append(&msg(i, i)).unwrap();
            }
            j.ack(0, Some("app")).unwrap();
            j.ack(2, None).unwrap();
            // A line torn by a crash is skipped.
            let mut f = j.file.lock().unwrap();
            f.write_all(br#"{"t":"pub","seq":9,"pubs"#).unwrap();
        }
        let (_, rec) = Journal::open(&dir, "app", &app).unwrap();
        let seqs: Vec<u64> = rec.pending.iter().map(|m| m.msg.seq).collect();
        assert_eq!(seqs, [1, 3]);
        assert_eq!(rec.pending[1].msg.decode_data(), b"m3");
        assert_eq!(rec.next_seq, 4);
        assert_eq!(rec.offsets[&("pubsub".into(), "t".into(), 1)], 4);
        // Compaction kept the counters even with nothing pending.
        {
            let (j, _) = Journal::open(&dir, "app", &app).unwrap();
            j.ack(1, Some("app")).unwrap();
            j.ack(3, Some("app")).unwrap();
        }
        let (_, rec) = Journal::open(&dir, "app", &app).unwrap();
        assert!(rec.pending.is_empty());
        assert_eq!(rec.next_seq, 4);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn acks_are_kept_per_group() {
        let dir = std::env::temp_dir().join(format!("journal-test-{}", uuid::Uuid::new_v4()));
        let ab = groups(&["a", "b"]);
        {
            let (j, _) = Journal::open(&dir, "host", &ab).unwrap();
            for i in 0..3 {
                j.append(&msg(i, i)).unwrap();
            }
            j.ack(0, Some("a")).unwrap();
            j.ack(0, Some("b")).unwrap();
            j.ack(1, Some("a")).unwrap();
            j.ack(2, Some("b")).unwrap();
        }
        let (_, rec) = Journal::open(&dir, "host", &ab).unwrap();
        let pending: Vec<(u64, Vec<String>)> = rec
            .pending
            .iter()
            .map(|p| (p.msg.seq, p.acked.iter().cloned().collect()))
            .collect();
        assert_eq!(
            pending,
            [(1, groups(&["a"])), (2, groups(&["b"]))],
            "each message waits for the group that has not acked it"
        );
        // Compaction kept the per-group acks.
        let (_, rec) = Journal::open(&dir, "host", &ab).unwrap();
        assert_eq!(rec.pending.len(), 2);
        assert!(rec.pending[0].acked.contains("a"));
        // With only group a hosted, message 1 is done with.
        let (_, rec) = Journal::open(&dir, "host", &groups(&["a"])).unwrap();
        let seqs: Vec<u64> = rec.pending.iter().map(|m| m.msg.seq).collect();
        assert_eq!(seqs, [2]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
