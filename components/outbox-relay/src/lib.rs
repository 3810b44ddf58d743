//! Outbox relay (cron binding, route /cron/outbox-relay): publishes the
//! events the live path could not (sidecar or broker down), oldest first.
//! Answers the tick with how many events it found.

use domain::time::now_ms;
use domain::Error;
use http_api::{Outcome, PostCommit, Reply, Request};
use serde_json::json;
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;
use store::Db;

/// Events younger than this are left to the request that wrote them.
const GRACE_MS: i64 = 2_000;
const BATCH: i64 = 500;

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    http_api::serve("outbox-relay", req, out, tick).await
}

fn tick(req: &Request) -> Result<Outcome, Error> {
    match req.method.as_str() {
        "OPTIONS" => return Ok(Reply::json(200, &json!({ "binding": "outbox-relay" })).into()),
        "POST" => {}
        _ => return Err(http_api::method_not_allowed("OPTIONS, POST")),
    }
    http_api::check_app_token(req)?;
    let db = Db::open(&http_api::config::var("db_url")?)?;
    let rows = store::outbox::unsent(&db, now_ms() - GRACE_MS, BATCH)?;
    let reply = Reply::json(200, &json!({ "unsent": rows.len() }));
    if rows.is_empty() {
        return Ok(reply.into());
    }
    let publish: PostCommit = Box::new(move || {
        Box::pin(async move {
            events::Publisher::from_variables().relay(&db, rows).await;
        })
    });
    Ok(Outcome {
        reply,
        post_commit: vec![publish],
    })
}
