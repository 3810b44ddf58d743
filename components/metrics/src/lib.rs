//! `GET /metrics`: product and pipeline figures in Prometheus' text format,
//! read from the database (`store::metrics`), for the PodMonitor that
//! presents `metrics_api_token`. Internal: the gateway never forwards it.
//! Every replica answers the same figures, so consumers take the max.

use domain::time::now_ms;
use domain::Error;
use http_api::{check_metrics_token, config, method_not_allowed, Outcome, Reply, Request};
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;
use store::metrics::Figures;
use store::Db;

#[http_component]
async fn handle(req: IncomingRequest, out: ResponseOutparam) {
    http_api::serve("metrics", req, out, scrape).await
}

fn scrape(req: &Request) -> Result<Outcome, Error> {
    if req.method != "GET" {
        return Err(method_not_allowed("GET"));
    }
    check_metrics_token(req)?;
    let db = Db::open(&config::var("db_url")?)?;
    let figures = store::metrics::figures(&db, now_ms())?;
    Ok(Reply::text(
        200,
        "text/plain; version=0.0.4; charset=utf-8",
        exposition(&figures),
    )
    .into())
}

/// One gauge family: `# HELP`, `# TYPE`, then its samples.
fn family(out: &mut String, name: &str, help: &str, samples: &[(&[(&str, &str)], f64)]) {
    out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} gauge\n"));
    for (labels, value) in samples {
        let labels: Vec<String> = labels
            .iter()
            .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
            .collect();
        if labels.is_empty() {
            out.push_str(&format!("{name} {value}\n"));
        } else {
            out.push_str(&format!("{name}{{{}}} {value}\n", labels.join(",")));
        }
    }
}

/// Label values as the text format wants them.
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn exposition(f: &Figures) -> String {
    let mut out = String::new();
    let n = |v: i64| v as f64;
    let seconds = |ms: i64| ms as f64 / 1000.0;
    family(
        &mut out,
        "taskmanager_tasks_created",
        "Tasks created in the window (their tasks.created events).",
        &[
            (&[("window", "1h")], n(f.tasks_created_1h)),
            (&[("window", "24h")], n(f.tasks_created_24h)),
        ],
    );
    family(
        &mut out,
        "taskmanager_tasks_completed",
        "Tasks completed in the window and still complete.",
        &[
            (&[("window", "1h")], n(f.tasks_completed_1h)),
            (&[("window", "24h")], n(f.tasks_completed_24h)),
        ],
    );
    family(
        &mut out,
        "taskmanager_active_users",
        "Users whose data changed in the window.",
        &[
            (&[("window", "1d")], n(f.active_users_1d)),
            (&[("window", "7d")], n(f.active_users_7d)),
        ],
    );
    family(
        &mut out,
        "taskmanager_suggestions_created",
        "Agent suggestions made in the window.",
        &[(&[("window", "1h")], n(f.suggestions_created_1h))],
    );
    family(
        &mut out,
        "taskmanager_outbox_unsent",
        "Events written but not yet accepted by the sidecar.",
        &[(&[], n(f.outbox_unsent))],
    );
    family(
        &mut out,
        "taskmanager_outbox_oldest_unsent_age_seconds",
        "Age of the oldest unsent event (0: none waits).",
        &[(&[], seconds(f.outbox_oldest_unsent_ms))],
    );
    family(
        &mut out,
        "taskmanager_dead_letters",
        "Events kept in dead_letters (see /admin/dead-letters).",
        &[(&[], n(f.dead_letters))],
    );
    family(
        &mut out,
        "taskmanager_reminders_fired",
        "Reminders that made a notification in the window.",
        &[
            (&[("window", "5m")], n(f.reminders_fired_5m)),
            (&[("window", "1h")], n(f.reminders_fired_1h)),
        ],
    );
    family(
        &mut out,
        "taskmanager_reminders_late",
        "Reminders notified more than a minute after their time, in the window.",
        &[
            (&[("window", "5m")], n(f.reminders_late_5m)),
            (&[("window", "1h")], n(f.reminders_late_1h)),
        ],
    );
    family(
        &mut out,
        "taskmanager_reminder_max_lateness_seconds",
        "The most a reminder in the window was notified after its time.",
        &[(&[("window", "1h")], seconds(f.reminder_max_lateness_ms_1h))],
    );
    let deliveries: Vec<([(&str, &str); 3], f64)> = f
        .deliveries_1h
        .iter()
        .map(|(channel, outcome, count)| {
            (
                [
                    ("window", "1h"),
                    ("channel", channel.as_str()),
                    ("outcome", outcome.as_str()),
                ],
                n(*count),
            )
        })
        .collect();
    let samples: Vec<(&[(&str, &str)], f64)> = deliveries
        .iter()
        .map(|(labels, v)| (&labels[..], *v))
        .collect();
    family(
        &mut out,
        "taskmanager_notification_deliveries",
        "Notification delivery attempts in the window, by channel and outcome.",
        &samples,
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposition_is_prometheus_text() {
        let text = exposition(&Figures {
            tasks_created_1h: 3,
            outbox_oldest_unsent_ms: 1500,
            deliveries_1h: vec![("webhook".into(), "fail\"ed".into(), 2)],
            ..Figures::default()
        });
        assert!(text.contains("# TYPE taskmanager_tasks_created gauge\n"));
        assert!(text.contains("taskmanager_tasks_created{window=\"1h\"} 3\n"));
        assert!(text.contains("taskmanager_outbox_oldest_unsent_age_seconds 1.5\n"));
        assert!(text.contains(
            "taskmanager_notification_deliveries{window=\"1h\",channel=\"webhook\",outcome=\"fail\\\"ed\"} 2\n"
        ));
        // Every line is a comment or `name{labels} value`.
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let value = line.rsplit(' ').next().unwrap();
            assert!(value.parse::<f64>().is_ok(), "{line}");
        }
    }
}
