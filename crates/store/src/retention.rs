//! Retention: what the tables that only ever grow may forget, and when.
//! The retention sweep (cron route /cron/retention) calls `prune_all` every
//! hour.
//!
//! Every prune deletes in bounded batches, each one statement of its own
//! (`DELETE ... WHERE key IN (SELECT key ... ORDER BY time LIMIT n)`, the
//! same text on both backends), so no transaction runs long: writers on
//! PostgreSQL wait on no big lock, and SQLite's single writer is released
//! between batches. A tick stops after `MAX_BATCHES` per table; whatever is
//! left goes on the next tick.
//!
//! Kept for good: unsent outbox rows (the relay still needs them), dead
//! letters (kept for inspection and replay), unread notifications (the user
//! has not seen them yet).

use crate::db::{Db, Value};
use domain::Error;

pub const DAY_MS: i64 = 86_400_000;

/// Sent outbox rows: once the sidecar accepted an event the row is only a
/// record for debugging ("was this published, and when?"); a week covers
/// any incident someone would still look into.
pub const SENT_OUTBOX_MS: i64 = 7 * DAY_MS;

/// Consumer idempotency keys must outlive every redelivery of their event.
/// The resiliency policy (dapr/resiliency.yaml) retries for seconds only
/// (5 retries 500 ms apart, 60 s per attempt), so the bounds that matter
/// are the broker's: spinkube/kafka.sh keeps the main topics' events 14
/// days and the dead-letter topics' 30, and a consumer group that rewinds
/// (a lost offset commit, a rebalance mid-batch, `initialOffset: oldest`
/// after a reset) can be handed any of them again. Kafka deletes whole
/// segments, so an event can outlive its retention by a segment's span:
/// keys are kept a little longer than the longest retention.
pub const PROCESSED_EVENTS_MS: i64 = 35 * DAY_MS;

/// The live-sync feed: a client offline longer than a week reloads
/// everything (the feed answers 410 cursor_expired), which is cheaper than
/// keeping every change forever.
pub const CHANGES_MS: i64 = 7 * DAY_MS;

/// Expired sessions: `sessions::is_active` already refuses them, and a
/// missing row is refused the same way, so they can go at once.
pub const EXPIRED_SESSIONS_MS: i64 = 0;

/// Read notifications, with their delivery attempts, 45 days after they
/// were read. The notifier relies on both rows while it still may see the
/// reminder again (one notification per reminder, the attempts counted
/// against its budget); that is bounded by `PROCESSED_EVENTS_MS`, inside
/// this window. Unread ones stay: the user has not seen them.
pub const READ_NOTIFICATIONS_MS: i64 = 45 * DAY_MS;

/// Sign-in throttle rows whose last attempt is older than the window in
/// which a failure still counts: the claim already treats them as absent.
pub const SIGNIN_THROTTLE_MS: i64 = crate::users::SIGNIN_FORGET_MS;

/// OAuth codes and refresh tokens past their expiry, or spent this long
/// ago: a spent one is kept a while so that presenting it again is seen as
/// the replay it is (and ends its grant) rather than as an unknown token.
pub const SPENT_OAUTH_MS: i64 = 7 * DAY_MS;

/// Registered OAuth clients that no user ever authorized: registration is
/// open to anyone (RFC 7591), so unused ones must not pile up. A client that
/// comes back later registers again (its authorization request is told so).
pub const UNUSED_OAUTH_CLIENTS_MS: i64 = 7 * DAY_MS;

/// The MCP audit trail (Settings, Connected apps): a quarter of a year.
pub const MCP_CALLS_MS: i64 = 90 * DAY_MS;

/// Rows per statement: small enough that one batch takes milliseconds.
pub const BATCH: i64 = 1_000;
/// Batches per table per tick (100 000 rows an hour per table at most).
pub const MAX_BATCHES: u32 = 100;

/// Rows deleted per table by one sweep.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pruned {
    pub outbox: u64,
    pub processed_events: u64,
    pub changes: u64,
    pub sessions: u64,
    pub notifications: u64,
    pub notification_attempts: u64,
    pub signin_throttle: u64,
    /// Authorization codes, refresh tokens and clients no one approved.
    pub oauth: u64,
    pub mcp_calls: u64,
}

/// Applies every window above at `now`.
pub fn prune_all(db: &Db, now: i64) -> Result<Pruned, Error> {
    Ok(Pruned {
        outbox: prune_sent_outbox(db, now - SENT_OUTBOX_MS, BATCH, MAX_BATCHES)?,
        processed_events: prune_processed_events(
            db,
            now - PROCESSED_EVENTS_MS,
            BATCH,
            MAX_BATCHES,
        )?,
        changes: prune_changes(db, now - CHANGES_MS, BATCH, MAX_BATCHES)?,
        sessions: prune_expired_sessions(db, now - EXPIRED_SESSIONS_MS, BATCH, MAX_BATCHES)?,
        signin_throttle: prune_signin_throttle(db, now - SIGNIN_THROTTLE_MS, BATCH, MAX_BATCHES)?,
        oauth: prune_spent_oauth(db, now - SPENT_OAUTH_MS, BATCH, MAX_BATCHES)?
            + prune_unused_oauth_clients(db, now - UNUSED_OAUTH_CLIENTS_MS, BATCH, MAX_BATCHES)?,
        mcp_calls: prune_mcp_calls(db, now - MCP_CALLS_MS, BATCH, MAX_BATCHES)?,
        ..prune_read_notifications(db, now - READ_NOTIFICATIONS_MS, BATCH, MAX_BATCHES)?
    })
}

/// Runs a `$1 = cutoff, $2 = batch` delete until a batch comes back short
/// or `max_batches` ran; answers the rows deleted.
fn in_batches(db: &Db, sql: &str, cutoff: i64, batch: i64, max_batches: u32) -> Result<u64, Error> {
    let mut total = 0;
    for _ in 0..max_batches {
        let n = db.execute(sql, &[Value::Int(cutoff), Value::Int(batch)])?;
        total += n;
        if n < batch as u64 {
            break;
        }
    }
    Ok(total)
}

/// Outbox rows published before `cutoff` (unsent rows have no
/// `published_at` and never match).
pub fn prune_sent_outbox(db: &Db, cutoff: i64, batch: i64, max_batches: u32) -> Result<u64, Error> {
    in_batches(
        db,
        "DELETE FROM outbox WHERE id IN (
           SELECT id FROM outbox WHERE published_at < $1 ORDER BY published_at LIMIT $2)",
        cutoff,
        batch,
        max_batches,
    )
}

/// Idempotency keys recorded before `cutoff`.
pub fn prune_processed_events(
    db: &Db,
    cutoff: i64,
    batch: i64,
    max_batches: u32,
) -> Result<u64, Error> {
    in_batches(
        db,
        "DELETE FROM processed_events WHERE (consumer, event_id) IN (
           SELECT consumer, event_id FROM processed_events
           WHERE processed_at < $1 ORDER BY processed_at LIMIT $2)",
        cutoff,
        batch,
        max_batches,
    )
}

/// Feed entries written before `cutoff`. `users.change_seq` keeps the
/// latest cursor, so the feed can still tell a client its cursor is gone
/// (`changes::cursor_expired`).
pub fn prune_changes(db: &Db, cutoff: i64, batch: i64, max_batches: u32) -> Result<u64, Error> {
    in_batches(
        db,
        "DELETE FROM changes WHERE (user_id, seq) IN (
           SELECT user_id, seq FROM changes WHERE created_at < $1 ORDER BY created_at LIMIT $2)",
        cutoff,
        batch,
        max_batches,
    )
}

/// Sessions that expired before `cutoff`.
pub fn prune_expired_sessions(
    db: &Db,
    cutoff: i64,
    batch: i64,
    max_batches: u32,
) -> Result<u64, Error> {
    in_batches(
        db,
        "DELETE FROM sessions WHERE id IN (
           SELECT id FROM sessions WHERE expires_at < $1 ORDER BY expires_at LIMIT $2)",
        cutoff,
        batch,
        max_batches,
    )
}

/// Authorization codes that expired before `cutoff` (used or not), and
/// refresh tokens that expired or were spent before it.
pub fn prune_spent_oauth(db: &Db, cutoff: i64, batch: i64, max_batches: u32) -> Result<u64, Error> {
    let codes = in_batches(
        db,
        "DELETE FROM oauth_codes WHERE hash IN (
           SELECT hash FROM oauth_codes WHERE expires_at < $1 ORDER BY expires_at LIMIT $2)",
        cutoff,
        batch,
        max_batches,
    )?;
    let tokens = in_batches(
        db,
        "DELETE FROM oauth_refresh_tokens WHERE hash IN (
           SELECT hash FROM oauth_refresh_tokens
           WHERE expires_at < $1 OR used_at < $1 LIMIT $2)",
        cutoff,
        batch,
        max_batches,
    )?;
    Ok(codes + tokens)
}

/// OAuth clients registered before `cutoff` that no user has approved
/// (no grant, no code).
pub fn prune_unused_oauth_clients(
    db: &Db,
    cutoff: i64,
    batch: i64,
    max_batches: u32,
) -> Result<u64, Error> {
    in_batches(
        db,
        "DELETE FROM oauth_clients WHERE id IN (
           SELECT c.id FROM oauth_clients c
           WHERE c.created_at < $1
             AND NOT EXISTS (SELECT 1 FROM oauth_grants g WHERE g.client_id = c.id)
             AND NOT EXISTS (SELECT 1 FROM oauth_codes k WHERE k.client_id = c.id)
           LIMIT $2)",
        cutoff,
        batch,
        max_batches,
    )
}

/// MCP tool calls recorded before `cutoff`.
pub fn prune_mcp_calls(db: &Db, cutoff: i64, batch: i64, max_batches: u32) -> Result<u64, Error> {
    in_batches(
        db,
        "DELETE FROM mcp_calls WHERE id IN (
           SELECT id FROM mcp_calls WHERE at < $1 ORDER BY at LIMIT $2)",
        cutoff,
        batch,
        max_batches,
    )
}

/// Sign-in throttle rows last attempted before `cutoff`.
pub fn prune_signin_throttle(
    db: &Db,
    cutoff: i64,
    batch: i64,
    max_batches: u32,
) -> Result<u64, Error> {
    in_batches(
        db,
        "DELETE FROM signin_throttle WHERE (email, client) IN (
           SELECT email, client FROM signin_throttle WHERE last_at < $1 ORDER BY last_at LIMIT $2)",
        cutoff,
        batch,
        max_batches,
    )
}

/// Notifications read before `cutoff`, and their delivery attempts. Each
/// batch deletes the attempts first, then the same notifications, in one
/// short transaction, so no attempt outlives its notification.
pub fn prune_read_notifications(
    db: &Db,
    cutoff: i64,
    batch: i64,
    max_batches: u32,
) -> Result<Pruned, Error> {
    // The same batch both times: read_at never changes once set, and a
    // notification read now is not before the cutoff.
    const PICK: &str =
        "SELECT id FROM notifications WHERE read_at < $1 ORDER BY read_at, id LIMIT $2";
    let mut pruned = Pruned::default();
    for _ in 0..max_batches {
        let (attempts, notifications) = db.transaction(|db| {
            let params = [Value::Int(cutoff), Value::Int(batch)];
            let attempts = db.execute(
                &format!("DELETE FROM notification_attempts WHERE notification_id IN ({PICK})"),
                &params,
            )?;
            let notifications = db.execute(
                &format!("DELETE FROM notifications WHERE id IN ({PICK})"),
                &params,
            )?;
            Ok((attempts, notifications))
        })?;
        pruned.notification_attempts += attempts;
        pruned.notifications += notifications;
        if notifications < batch as u64 {
            break;
        }
    }
    Ok(pruned)
}
