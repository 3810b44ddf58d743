//! Recurrence agent: when an instance of a recurring series is completed,
//! create the next instance, exactly once whatever the redelivery.
//! Route: /events/recurrence (topic tasks-lifecycle).

use consumer::{current_task, Event, Handled};
use domain::event::{Origin, TASK_COMPLETED};
use domain::Error;
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;
use store::Db;

const NAME: &str = "recurrence-agent";

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    consumer::serve_event(NAME, req, out, on_event).await
}

fn on_event(db: &Db, event: &Event, now: i64) -> Result<Handled, Error> {
    if event.kind != TASK_COMPLETED || event.task_data()?.task.series_id.is_none() {
        return Ok(Handled::nothing("ignored"));
    }
    let Some(done) = current_task(db, event)? else {
        return Ok(Handled::nothing("task_gone"));
    };
    let origin = Origin {
        source: NAME.into(),
        correlation_id: event.correlation_id().into(),
        traceparent: event.traceparent(),
    };
    let (next, events) = task_service::recurring::next_instance(db, &done, &origin, now)?;
    Ok(Handled {
        verdict: if next.is_some() {
            "next_instance_created"
        } else {
            "no_next_instance"
        },
        events,
    })
}
