//! Prioritization agent: when a task's priority or due date is set or
//! changes, re-evaluate the load of the week it is due in.
//! Route: /events/prioritization (topic tasks-lifecycle).

use consumer::{current_task, Event, Handled};
use domain::event::{TASK_CREATED, TASK_UPDATED};
use domain::Error;
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;
use store::Db;

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    consumer::serve_event("prioritization-agent", req, out, on_event).await
}

/// Only a change of priority or due date can change a week's load.
fn relevant(event: &Event) -> Result<bool, Error> {
    Ok(match event.kind.as_str() {
        TASK_CREATED => true,
        TASK_UPDATED => event.task_data()?.changes.is_some_and(|changes| {
            ["priority", "dueAt", "completed"]
                .iter()
                .any(|f| changes.contains_key(*f))
        }),
        _ => false,
    })
}

fn on_event(db: &Db, event: &Event, now: i64) -> Result<Handled, Error> {
    if !relevant(event)? {
        return Ok(Handled::nothing("ignored"));
    }
    let Some(task) = current_task(db, event)? else {
        return Ok(Handled::nothing("task_gone"));
    };
    let Some(due) = task.due_at.filter(|_| !task.completed) else {
        return Ok(Handled::nothing("no_due_date"));
    };
    let effect = agents::check_load(db, &task.user_id, due, now)?;
    Ok(Handled::nothing(effect.verdict.as_str()))
}
