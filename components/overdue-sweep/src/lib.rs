//! Overdue sweep (cron binding, route /cron/overdue-sweep): the safety net
//! behind the overdue agent. Finds open overdue tasks that have no overdue
//! suggestion yet (events lost, agents switched back on, time simply
//! passing) and runs the same agent logic on them.

use domain::event::Origin;
use domain::Error;
use serde_json::json;
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;

const BATCH: i64 = 200;

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    consumer::serve_cron("overdue-sweep", req, out, |db, now| {
        let origin = Origin {
            source: "overdue-sweep".into(),
            correlation_id: format!("sweep-{}", uuid::Uuid::new_v4()),
            traceparent: String::new(),
        };
        let tasks = store::tasks::overdue_without_suggestion(db, now, BATCH)?;
        let mut created = 0;
        let mut events = vec![];
        for task in &tasks {
            let effect = db.transaction(|db| agents::check_overdue(db, task, &origin, now))?;
            if effect.verdict == agents::Verdict::Created {
                created += 1;
            }
            events.extend(effect.events);
        }
        Ok::<_, Error>((
            json!({ "examined": tasks.len(), "created": created }),
            events,
        ))
    })
    .await
}
