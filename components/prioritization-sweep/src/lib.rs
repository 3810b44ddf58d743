//! Prioritization sweep (cron binding, route /cron/prioritization-sweep):
//! re-evaluates the next two weeks of every user with heavy weeks, behind
//! the event-driven prioritization agent.

use domain::suggestion::{week_start, DAY_MS, LOAD_THRESHOLD};
use domain::Error;
use serde_json::json;
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;
use std::collections::BTreeMap;

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    consumer::serve_cron("prioritization-sweep", req, out, |db, now| {
        let candidates = store::tasks::heavy_due_between(db, now, now + 14 * DAY_MS, 5_000)?;
        // Count heavy tasks per (user, week); only full weeks need a look.
        let mut weeks: BTreeMap<(String, i64), (usize, i64)> = BTreeMap::new();
        for (user, due) in candidates {
            let entry = weeks.entry((user, week_start(due))).or_insert((0, due));
            entry.0 += 1;
        }
        let mut created = 0;
        let heavy: Vec<_> = weeks
            .into_iter()
            .filter(|(_, (n, _))| *n >= LOAD_THRESHOLD)
            .collect();
        for ((user, _), (_, due)) in &heavy {
            let effect = db.transaction(|db| agents::check_load(db, user, *due, now))?;
            if effect.verdict == agents::Verdict::Created {
                created += 1;
            }
        }
        Ok::<_, Error>((
            json!({ "heavyWeeks": heavy.len(), "created": created }),
            vec![],
        ))
    })
    .await
}
