//! The in-memory broker that stands in for Kafka.
//!
//! Each topic has a fixed number of partitions. A message with a key
//! (`metadata.partitionKey` or `metadata.__key`) goes to
//! `fnv1a32(key) mod N` (sarama's default hash partitioner), an explicit
//! `metadata.partition` picks one directly, and messages without either go
//! round-robin. Each hosted app id is a consumer group that reads every
//! message of every topic: a partition has one queue per group, consumed by
//! one worker, one message at a time. A message stays at the head of a
//! group's queue until that group acks it, which blocks the messages behind
//! it in that group only (Kafka's head-of-line behaviour). The message is
//! stored once; it is done with when every group has acked it.
//!
//! Every stored message is also written to the [`Journal`], and each group's
//! ack is recorded there, so what a group has not handled survives a
//! restart.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use chrono::{DateTime, Utc};
use tokio::sync::{watch, Notify};

use crate::journal::{Journal, PendingMessage, Recovered, StoredMessage};

/// A stored message.
#[derive(Debug)]
pub(crate) struct Message {
    pub seq: u64,
    pub pubsub: String,
    pub topic: String,
    pub partition: u32,
    pub offset: u64,
    pub key: Option<String>,
    pub data: Bytes,
    pub metadata: BTreeMap<String, String>,
    pub published_at: DateTime<Utc>,
    /// Consumer groups that still have it queued.
    unacked: AtomicUsize,
}

/// One partition's queue for one consumer group.
pub(crate) struct Partition {
    /// The consumer group: an index into the hosted app ids.
    pub group: usize,
    queue: Mutex<VecDeque<Arc<Message>>>,
    notify: Notify,
}

impl Partition {
    /// The message at the head, waiting for one if the queue is empty.
    pub(crate) async fn head(&self) -> Arc<Message> {
        loop {
            if let Some(m) = self.lock().front().cloned() {
                return m;
            }
            // notify_one stores a permit when nobody waits, so a push between
            // the check above and this await is not missed.
            self.notify.notified().await;
        }
    }

    /// Removes the head once it has been handled.
    pub(crate) fn pop(&self, seq: u64) {
        let mut q = self.lock();
        if q.front().map(|m| m.seq) == Some(seq) {
            q.pop_front();
        }
    }

    fn push(&self, m: Arc<Message>) {
        self.lock().push_back(m);
        self.notify.notify_one();
    }

    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Arc<Message>>> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }
}

struct TopicState {
    /// `groups[g][p]`: partition `p` as consumer group `g` reads it.
    groups: Vec<Vec<Arc<Partition>>>,
    next_offset: Vec<u64>,
    round_robin: usize,
}

struct State {
    topics: HashMap<(String, String), TopicState>,
    next_seq: u64,
    /// Offsets recovered from the journal, used when a topic is recreated.
    recovered_offsets: HashMap<(String, String, u32), u64>,
}

pub(crate) struct Broker {
    partitions: u32,
    /// The consumer groups (hosted app ids).
    groups: Vec<String>,
    state: Mutex<State>,
    journal: Journal,
    /// Messages stored and not yet acked by every group.
    pending: watch::Sender<usize>,
}

/// sarama's default partitioner hashes keys with 32-bit FNV-1a.
fn fnv1a32(data: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in data {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// The record key Kafka would use.
pub(crate) fn message_key(metadata: &BTreeMap<String, String>) -> Option<String> {
    metadata
        .get("partitionKey")
        .or_else(|| metadata.get("__key"))
        .cloned()
}

/// A new topic was created by this call: its partitions need workers.
pub(crate) type NewPartitions = Option<Vec<Arc<Partition>>>;

impl Broker {
    pub(crate) fn new(
        partitions: u32,
        groups: Vec<String>,
        journal: Journal,
        recovered: &Recovered,
    ) -> Broker {
        Broker {
            partitions: partitions.max(1),
            groups,
            state: Mutex::new(State {
                topics: HashMap::new(),
                next_seq: recovered.next_seq,
                recovered_offsets: recovered.offsets.clone(),
            }),
            journal,
            pending: watch::channel(0).0,
        }
    }

    fn topic<'s>(
        &self,
        st: &'s mut State,
        pubsub: &str,
        topic: &str,
        created: &mut NewPartitions,
    ) -> &'s mut TopicState {
        let key = (pubsub.to_string(), topic.to_string());
        if !st.topics.contains_key(&key) {
            let groups: Vec<Vec<Arc<Partition>>> = (0..self.groups.len())
                .map(|group| {
                    (0..self.partitions)
                        .map(|_| {
                            Arc::new(Partition {
                                group,
                                queue: Mutex::new(VecDeque::new()),
                                notify: Notify::new(),
                            })
                        })
                        .collect()
                })
                .collect();
            let next_offset = (0..self.partitions)
                .map(|p| {
                    st.recovered_offsets
                        .get(&(pubsub.to_string(), topic.to_string(), p))
                        .copied()
                        .unwrap_or(0)
                })
                .collect();
            *created = Some(groups.iter().flatten().cloned().collect());
            st.topics.insert(
                key.clone(),
                TopicState {
                    groups,
                    next_offset,
                    round_robin: 0,
                },
            );
        }
        st.topics.get_mut(&key).expect("topic just inserted")
    }

    /// Stores a message: journal first, then the partition queue of every
    /// consumer group.
    pub(crate) fn publish(
        &self,
        pubsub: &str,
        topic: &str,
        data: Bytes,
        metadata: BTreeMap<String, String>,
        now: DateTime<Utc>,
    ) -> std::io::Result<(Arc<Message>, NewPartitions)> {
        let n = self.partitions;
        let key = message_key(&metadata);
        let explicit = metadata
            .get("partition")
            .and_then(|p| p.trim().parse::<i64>().ok())
            .map(|p| p.rem_euclid(i64::from(n)) as u32);
        let mut created = None;
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let seq = st.next_seq;
        let t = self.topic(&mut st, pubsub, topic, &mut created);
        let partition = match (&key, explicit) {
            (_, Some(p)) => p,
            // sarama takes the signed remainder and drops the sign.
            (Some(k), None) => ((fnv1a32(k.as_bytes()) as i32) % n as i32).unsigned_abs(),
            (None, None) => {
                t.round_robin = (t.round_robin + 1) % n as usize;
                t.round_robin as u32
            }
        };
        let offset = t.next_offset[partition as usize];
        let stored = StoredMessage {
            seq,
            pubsub: pubsub.to_string(),
            topic: topic.to_string(),
            partition,
            offset,
            key: key.clone(),
            data: StoredMessage::encode_data(&data),
            metadata: metadata.clone(),
            ts: now.timestamp_millis(),
        };
        self.journal.append(&stored)?;
        t.next_offset[partition as usize] += 1;
        let msg = Arc::new(Message {
            seq,
            pubsub: stored.pubsub,
            topic: stored.topic,
            partition,
            offset,
            key,
            data,
            metadata,
            published_at: now,
            unacked: AtomicUsize::new(t.groups.len()),
        });
        if !t.groups.is_empty() {
            self.pending.send_modify(|p| *p += 1);
        }
        for g in &t.groups {
            g[partition as usize].push(msg.clone());
        }
        st.next_seq += 1;
        Ok((msg, created))
    }

    /// Puts back messages recovered from the journal, in publish order, for
    /// the groups that have not acked them. Returns every partition created,
    /// so workers can be started.
    pub(crate) fn restore(&self, pending: Vec<PendingMessage>) -> Vec<Arc<Partition>> {
        let n = self.partitions;
        let mut all = Vec::new();
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        for PendingMessage { msg: m, acked } in pending {
            let targets: Vec<usize> = (0..self.groups.len())
                .filter(|g| !acked.contains(&self.groups[*g]))
                .collect();
            if targets.is_empty() {
                continue;
            }
            let mut created = None;
            let data = Bytes::from(m.decode_data());
            let t = self.topic(&mut st, &m.pubsub, &m.topic, &mut created);
            // The partition count may have changed since the message was
            // stored; keep it on a stable partition either way.
            let partition = m.partition % n;
            let published_at = DateTime::from_timestamp_millis(m.ts).unwrap_or_default();
            let msg = Arc::new(Message {
                seq: m.seq,
                pubsub: m.pubsub,
                topic: m.topic,
                partition,
                offset: m.offset,
                key: m.key,
                data,
                metadata: m.metadata,
                published_at,
                unacked: AtomicUsize::new(targets.len()),
            });
            for g in targets {
                t.groups[g][partition as usize].push(msg.clone());
            }
            self.pending.send_modify(|p| *p += 1);
            if let Some(c) = created {
                all.extend(c);
            }
        }
        all
    }

    /// Marks a message as handled by the partition's consumer group.
    pub(crate) fn ack(&self, partition: &Partition, msg: &Message) -> std::io::Result<()> {
        let group = self.groups.get(partition.group).map(String::as_str);
        let res = self.journal.ack(msg.seq, group);
        partition.pop(msg.seq);
        if msg.unacked.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.pending.send_modify(|p| *p = p.saturating_sub(1));
        }
        res
    }

    /// Messages queued for consumer group `index` (not yet acked by it).
    pub(crate) fn queued_for(&self, index: usize) -> usize {
        let st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        st.topics
            .values()
            .filter_map(|t| t.groups.get(index))
            .flat_map(|parts| parts.iter().map(|p| p.len()))
            .sum()
    }

    /// The consumer group (app id) at `index`.
    pub(crate) fn group(&self, index: usize) -> &str {
        self.groups
            .get(index)
            .map(String::as_str)
            .unwrap_or_default()
    }

    pub(crate) fn pending(&self) -> watch::Receiver<usize> {
        self.pending.subscribe()
    }

    pub(crate) fn pending_count(&self) -> usize {
        *self.pending.borrow()
    }

    pub(crate) fn journal_path(&self) -> std::path::PathBuf {
        self.journal.path().to_path_buf()
    }

    /// Non-empty queues per consumer group and topic
    /// (`(app id, pubsub, topic) → messages`).
    pub(crate) fn backlog(&self) -> BTreeMap<(String, String, String), usize> {
        let st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = BTreeMap::new();
        for ((pubsub, topic), t) in &st.topics {
            for (g, parts) in t.groups.iter().enumerate() {
                let n: usize = parts.iter().map(|p| p.len()).sum();
                if n > 0 {
                    let k = (self.group(g).to_string(), pubsub.clone(), topic.clone());
                    out.insert(k, n);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_matches_reference_values() {
        assert_eq!(fnv1a32(b""), 0x811c9dc5);
        assert_eq!(fnv1a32(b"a"), 0xe40c292c);
    }
}
