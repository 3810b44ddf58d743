//! Suggestion cleanup: a completed or deleted task's open suggestions are
//! resolved. Route: /events/suggestion-cleanup (topic tasks-lifecycle).

use consumer::{Event, Handled};
use domain::event::{TASK_COMPLETED, TASK_DELETED};
use domain::Error;
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;
use store::Db;

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    consumer::serve_event("suggestion-cleanup", req, out, on_event).await
}

fn on_event(db: &Db, event: &Event, now: i64) -> Result<Handled, Error> {
    if event.kind != TASK_COMPLETED && event.kind != TASK_DELETED {
        return Ok(Handled::nothing("ignored"));
    }
    let ids = event.ids()?;
    let n = agents::resolve(db, &ids.user_id, &ids.task_id, now)?;
    Ok(Handled::nothing(if n > 0 {
        "resolved"
    } else {
        "nothing_open"
    }))
}
