//! Overdue agent: when a task is created or changed with a due time in the
//! past, suggest rescheduling it, and publish `tasks.overdue`.
//! Route: /events/overdue (topic tasks-lifecycle).

use consumer::{current_task, Event, Handled};
use domain::event::{Origin, TASK_CREATED, TASK_UPDATED};
use domain::Error;
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;
use store::Db;

const NAME: &str = "overdue-agent";

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    consumer::serve_event(NAME, req, out, on_event).await
}

fn on_event(db: &Db, event: &Event, now: i64) -> Result<Handled, Error> {
    if event.kind != TASK_CREATED && event.kind != TASK_UPDATED {
        return Ok(Handled::nothing("ignored"));
    }
    let Some(task) = current_task(db, event)? else {
        return Ok(Handled::nothing("task_gone"));
    };
    let origin = Origin {
        source: NAME.into(),
        correlation_id: event.correlation_id().into(),
        traceparent: event.traceparent(),
    };
    let effect = agents::check_overdue(db, &task, &origin, now)?;
    Ok(Handled {
        verdict: effect.verdict.as_str(),
        events: effect.events,
    })
}
