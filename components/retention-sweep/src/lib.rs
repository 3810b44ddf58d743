//! Retention sweep (cron binding, route /cron/retention, hourly): deletes
//! what the growing tables no longer need (sent outbox rows, old consumer
//! idempotency keys, old change-feed entries, expired sessions, long-read
//! notifications, spent OAuth codes and refresh tokens, old MCP calls). The windows and the batching are in
//! `store::retention`; this answers the tick with how many rows went.

use domain::Error;
use serde_json::json;
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    consumer::serve_cron("retention", req, out, |db, now| {
        let p = store::retention::prune_all(db, now)?;
        Ok::<_, Error>((
            json!({
                "outbox": p.outbox,
                "processedEvents": p.processed_events,
                "changes": p.changes,
                "sessions": p.sessions,
                "notifications": p.notifications,
                "notificationAttempts": p.notification_attempts,
                "oauth": p.oauth,
                "mcpCalls": p.mcp_calls,
            }),
            vec![],
        ))
    })
    .await
}
