//! The broker's on-disk log, so a restart of the host loses no message.
//!
//! An append-only JSON-lines file in the state directory: one `pub` line per
//! stored message and one `ack` line once a message is done with (delivered,
//! dropped, dead-lettered or skipped). On open, the log is replayed, the
//! messages without an `ack` are handed back in publish order, and the file
//! is rewritten with only those (plus the sequence and offset counters).
//!
//! Each line is written with a single `write` call and no `fsync`: the log
//! survives the process being killed (the data is in the OS page cache),
//! not a power cut. A line torn by a crash is ignored on replay.

use std::collections::{BTreeMap, HashMap};
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
    },
    Meta {
        next_seq: u64,
        /// `[pubsub, topic, partition, next offset]`.
        offsets: Vec<(String, String, u32, u64)>,
    },
}

/// What survived the previous run.
#[derive(Debug, Default)]
pub(crate) struct Recovered {
    pub pending: Vec<StoredMessage>,
    pub next_seq: u64,
    pub offsets: HashMap<(String, String, u32), u64>,
}

pub(crate) struct Journal {
    path: PathBuf,
    file: Mutex<File>,
}

impl Journal {
    /// Replays and compacts the log of `app_id` in `dir`, then opens it for
    /// appending. The file name carries the app id (the consumer group), so
    /// sidecars of different apps may share a state directory.
    pub(crate) fn open(dir: &Path, app_id: &str) -> anyhow::Result<(Journal, Recovered)> {
        std::fs::create_dir_all(dir)?;
        let file_name = format!("pubsub-{}.jsonl", crate::safe_file_part(app_id));
        let path = dir.join(&file_name);
        let mut rec = Recovered::default();
        let mut pubs: BTreeMap<u64, StoredMessage> = BTreeMap::new();
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
                        pubs.insert(m.seq, m);
                    }
                    Record::Ack { seq } => {
                        pubs.remove(&seq);
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
        rec.pending = pubs.into_values().collect();

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
            for m in &rec.pending {
                serde_json::to_writer(&mut buf, &Record::Pub(m.clone()))?;
                buf.push(b'\n');
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

    pub(crate) fn ack(&self, seq: u64) -> std::io::Result<()> {
        self.write(&Record::Ack { seq })
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

    #[test]
    fn replay_keeps_unacked_messages_and_counters() {
        let dir = std::env::temp_dir().join(format!("journal-test-{}", uuid::Uuid::new_v4()));
        {
            let (j, rec) = Journal::open(&dir, "app").unwrap();
            assert!(rec.pending.is_empty());
            for i in 0..4 {
                j.append(&msg(i, i)).unwrap();
            }
            j.ack(0).unwrap();
            j.ack(2).unwrap();
            // A line torn by a crash is skipped.
            let mut f = j.file.lock().unwrap();
            f.write_all(br#"{"t":"pub","seq":9,"pubs"#).unwrap();
        }
        let (_, rec) = Journal::open(&dir, "app").unwrap();
        let seqs: Vec<u64> = rec.pending.iter().map(|m| m.seq).collect();
        assert_eq!(seqs, [1, 3]);
        assert_eq!(rec.pending[1].decode_data(), b"m3");
        assert_eq!(rec.next_seq, 4);
        assert_eq!(rec.offsets[&("pubsub".into(), "t".into(), 1)], 4);
        // Compaction kept the counters even with nothing pending.
        {
            let (j, _) = Journal::open(&dir, "app").unwrap();
            j.ack(1).unwrap();
            j.ack(3).unwrap();
        }
        let (_, rec) = Journal::open(&dir, "app").unwrap();
        assert!(rec.pending.is_empty());
        assert_eq!(rec.next_seq, 4);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
