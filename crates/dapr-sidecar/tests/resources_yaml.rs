//! Loading Dapr resource YAML.

mod common;

use std::path::Path;
use std::time::Duration;

use dapr_sidecar::config::resiliency::{BackoffKind, ComponentKind};
use dapr_sidecar::Resources;
use serde_json::json;

#[test]
fn sample_resources_load_for_the_app() {
    let dir = common::resources("basic", "http://127.0.0.1:8099");
    let res = Resources::load_dirs(std::slice::from_ref(&dir.0), "tasks").unwrap();

    // Components: both pubsubs, three cron bindings, two http bindings.
    assert_eq!(
        res.pubsubs.keys().collect::<Vec<_>>(),
        ["pubsub", "restricted"]
    );
    let kafka = &res.pubsubs["pubsub"];
    assert_eq!(kafka.component_type, "pubsub.kafka");
    assert_eq!(kafka.metadata.get("brokers").unwrap(), "kafka-0.kafka:9093");
    assert!(
        !kafka.metadata.contains_key("saslPassword"),
        "secrets are not resolved"
    );
    let restricted = &res.pubsubs["restricted"];
    assert!(restricted.can_publish("open"));
    assert!(!restricted.can_publish("protected"));
    assert!(!restricted.can_publish("elsewhere"));

    let sweep = &res.cron_bindings["sweep"];
    assert_eq!(sweep.route, "/cron/sweep");
    assert!(!sweep.explicit_input);
    let direct = &res.cron_bindings["direct"];
    assert_eq!(
        direct.route, "/direct",
        "route defaults to the binding name"
    );
    assert!(direct.explicit_input);
    assert_eq!(
        res.http_bindings["webhook"].url,
        "http://127.0.0.1:8099/hooks"
    );
    assert!(res.http_bindings["webhook"].error_if_not_2xx);
    assert!(!res.http_bindings["lenient-webhook"].error_if_not_2xx);

    // Subscriptions: the one scoped to another app is gone; v1alpha1 works.
    let names: Vec<_> = res.subscriptions.iter().map(|s| s.name.as_str()).collect();
    assert!(!names.contains(&"not-mine"));
    assert!(names.contains(&"legacy"));
    let legacy = res
        .subscriptions
        .iter()
        .find(|s| s.name == "legacy")
        .unwrap();
    assert_eq!(legacy.rules[0].path, "/events/legacy");

    let lifecycle = res
        .subscriptions
        .iter()
        .find(|s| s.topic == "tasks-lifecycle")
        .unwrap();
    assert_eq!(
        lifecycle.dead_letter_topic.as_deref(),
        Some("tasks-lifecycle-dlq")
    );
    assert_eq!(lifecycle.rules.len(), 3, "two rules and the default");
    let route = |ev| lifecycle.route_for(&ev).unwrap().map(str::to_string);
    assert_eq!(
        route(json!({"type": "tasks.created"})).as_deref(),
        Some("/events/created")
    );
    assert_eq!(
        route(json!({"type": "tasks.completed", "source": "api"})).as_deref(),
        Some("/events/changed")
    );
    assert_eq!(
        route(json!({"type": "tasks.completed", "source": "ignored"})).as_deref(),
        Some("/events/other")
    );
    let only_rules = res
        .subscriptions
        .iter()
        .find(|s| s.name == "only-rules")
        .unwrap();
    assert_eq!(
        only_rules.route_for(&json!({"type": "other"})).unwrap(),
        None
    );

    // Resiliency: the pubsub's inbound policy.
    let policy = res
        .resiliency
        .component_inbound("pubsub", ComponentKind::Pubsub);
    assert_eq!(policy.timeout, Some(Duration::from_secs(2)));
    let retry = policy.retry.unwrap();
    assert_eq!(retry.max_retries, 2);
    assert_eq!(
        retry.backoff,
        BackoffKind::Constant {
            duration: Duration::from_millis(20)
        }
    );
    let none = res
        .resiliency
        .component_inbound("sweep", ComponentKind::Binding);
    assert!(none.retry.is_none() && none.timeout.is_none());
}

#[test]
fn project_resources_load() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../dapr");
    let res = Resources::load_dirs(&[dir], "any-app").unwrap();
    assert!(res.pubsubs.contains_key("pubsub"));
    let policy = res
        .resiliency
        .component_inbound("pubsub", ComponentKind::Pubsub);
    let retry = policy
        .retry
        .expect("an inbound retry policy for the pubsub");
    assert!(retry.max_retries > 0);
    assert!(retry.should_retry_status(503));
    assert!(!retry.should_retry_status(400));
    assert!(policy.timeout.is_some());
}

#[test]
fn other_app_ids_do_not_see_scoped_subscriptions() {
    let dir = common::resources("basic", "http://127.0.0.1:8099");
    let res = Resources::load_dirs(std::slice::from_ref(&dir.0), "some-other-app").unwrap();
    let topics: Vec<_> = res.subscriptions.iter().map(|s| s.topic.as_str()).collect();
    assert!(topics.contains(&"not-mine"));
    assert!(!topics.contains(&"tasks-lifecycle"), "scoped to tasks");
    assert!(
        topics.contains(&"tasks-lifecycle-dlq"),
        "empty scopes mean every app"
    );
}

#[test]
fn multi_document_files_and_unknown_kinds() {
    let yaml = r#"
apiVersion: dapr.io/v1alpha1
kind: Configuration
metadata: {name: config}
spec: {tracing: {samplingRate: "1"}}
---
---
apiVersion: dapr.io/v1alpha1
kind: Component
metadata: {name: statestore}
spec: {type: state.redis, version: v1, metadata: []}
---
apiVersion: dapr.io/v1alpha1
kind: Component
metadata: {name: ps}
spec:
  type: pubsub.redis
  version: v1
  metadata:
    - {name: redisHost, value: "localhost:6379"}
    - {name: maxLen, value: 10}
    - {name: enableTLS, value: false}
scopes: [tasks]
---
apiVersion: dapr.io/v1alpha1
kind: Component
metadata: {name: other-ps}
spec: {type: pubsub.kafka, version: v1, metadata: []}
scopes: [another-app]
"#;
    let res = Resources::from_yaml(yaml, "tasks").unwrap();
    assert_eq!(res.pubsubs.keys().collect::<Vec<_>>(), ["ps"]);
    assert_eq!(res.pubsubs["ps"].metadata["maxLen"], "10");
    assert_eq!(res.pubsubs["ps"].metadata["enableTLS"], "false");
    assert_eq!(
        res.ignored_components,
        vec![("statestore".into(), "state.redis".into())]
    );
    assert!(res.warnings.iter().any(|w| w.contains("Configuration")));
}

#[test]
fn invalid_resources_are_load_errors() {
    let cases = [
        (
            "bad CEL",
            r#"
apiVersion: dapr.io/v1alpha1
kind: Component
metadata: {name: pubsub}
spec: {type: pubsub.kafka, version: v1, metadata: []}
---
apiVersion: dapr.io/v2alpha1
kind: Subscription
metadata: {name: s}
spec:
  pubsubname: pubsub
  topic: t
  routes:
    rules:
      - {match: 'event.type === "x"', path: /x}
"#,
        ),
        (
            "bad cron schedule",
            r#"
apiVersion: dapr.io/v1alpha1
kind: Component
metadata: {name: c}
spec:
  type: bindings.cron
  version: v1
  metadata: [{name: schedule, value: "every minute"}]
"#,
        ),
        (
            "cron without schedule",
            r#"
apiVersion: dapr.io/v1alpha1
kind: Component
metadata: {name: c}
spec: {type: bindings.cron, version: v1, metadata: []}
"#,
        ),
        (
            "unknown retry policy",
            r#"
apiVersion: dapr.io/v1alpha1
kind: Resiliency
metadata: {name: r}
spec:
  policies: {retries: {r1: {policy: linear}}}
  targets: {}
"#,
        ),
        (
            "target names a missing policy",
            r#"
apiVersion: dapr.io/v1alpha1
kind: Resiliency
metadata: {name: r}
spec:
  policies: {}
  targets: {components: {pubsub: {inbound: {retry: nope}}}}
"#,
        ),
        ("not YAML", "key: [unclosed"),
        (
            "duplicate component",
            r#"
apiVersion: dapr.io/v1alpha1
kind: Component
metadata: {name: p}
spec: {type: pubsub.kafka, version: v1, metadata: []}
---
apiVersion: dapr.io/v1alpha1
kind: Component
metadata: {name: p}
spec: {type: pubsub.kafka, version: v1, metadata: []}
"#,
        ),
    ];
    for (what, yaml) in cases {
        assert!(
            Resources::from_yaml(yaml, "tasks").is_err(),
            "{what} should fail"
        );
    }
}

#[test]
fn exponential_policy_defaults() {
    let yaml = r#"
apiVersion: dapr.io/v1alpha1
kind: Resiliency
metadata: {name: r}
spec:
  policies:
    retries:
      expo: {policy: exponential, maxInterval: 10s, maxRetries: 4}
    timeouts: {quick: "250"}
  targets:
    components:
      pubsub: {inbound: {retry: expo, timeout: quick}}
"#;
    let res = Resources::from_yaml(yaml, "tasks").unwrap();
    let p = res
        .resiliency
        .component_inbound("pubsub", ComponentKind::Pubsub);
    assert_eq!(
        p.timeout,
        Some(Duration::from_millis(250)),
        "bare numbers are ms"
    );
    match &p.retry.unwrap().backoff {
        BackoffKind::Exponential {
            initial_interval,
            max_interval,
            multiplier,
            ..
        } => {
            assert_eq!(*initial_interval, Duration::from_millis(500));
            assert_eq!(*max_interval, Duration::from_secs(10));
            assert_eq!(*multiplier, 1.5);
        }
        other => panic!("{other:?}"),
    }
}
