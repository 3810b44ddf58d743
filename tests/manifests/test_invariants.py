"""The invariants between spin.toml, the shared Dapr resources and the
rendered manifests, for every overlay."""

from __future__ import annotations

import json
import re
import subprocess
import shutil
from pathlib import Path

import pytest
import yaml

import checks
from conftest import OVERLAYS, ROOT

OBS = ROOT / "k8s" / "components" / "observability"


def problems_text(problems):
    return "\n".join(problems)


@pytest.mark.parametrize("overlay", OVERLAYS)
class TestOverlay:
    def test_each_component_runs_in_exactly_one_spinapp(self, overlay, rendered, spin):
        assert not (p := checks.placement_problems(spin, checks.spinapps_of(rendered(overlay)))), problems_text(p)

    def test_app_ids_are_unique(self, overlay, rendered):
        assert not (p := checks.app_id_problems(checks.spinapps_of(rendered(overlay)))), problems_text(p)

    def test_subscriptions_route_to_their_scoped_app(self, overlay, rendered, spin):
        objs = rendered(overlay)
        subs = checks.of_kind(objs, "Subscription", "dapr.io")
        assert subs
        p = checks.subscription_problems(spin, subs, checks.of_kind(objs, "Component", "dapr.io"), checks.spinapps_of(objs))
        assert not p, problems_text(p)

    def test_cron_bindings_run_once(self, overlay, rendered, spin):
        objs = rendered(overlay)
        p = checks.binding_problems(spin, checks.of_kind(objs, "Component", "dapr.io"), checks.spinapps_of(objs),
                                    checks.of_kind(objs, "HorizontalPodAutoscaler"))
        assert not p, problems_text(p)

    def test_jobs_reach_their_scheduler(self, overlay, rendered, spin, job_schedulers):
        p = checks.job_problems(spin, checks.spinapps_of(rendered(overlay)), job_schedulers)
        assert not p, problems_text(p)

    def test_no_internal_route_through_the_gateway(self, overlay, rendered, spin):
        assert not (p := checks.gateway_problems(spin, rendered(overlay))), problems_text(p)

    def test_no_secret_values(self, overlay, rendered, spin):
        assert not (p := checks.secret_value_problems(rendered(overlay), spin.secret_variables())), problems_text(p)

    def test_workloads_have_probes_requests_limits(self, overlay, rendered, spin):
        assert not (p := checks.workload_problems(spin, rendered(overlay))), problems_text(p)

    def test_rolling_updates_keep_every_pod(self, overlay, rendered):
        assert not (p := checks.rollout_problems(rendered(overlay))), problems_text(p)

    def test_dapr_annotations(self, overlay, rendered):
        objs = rendered(overlay)
        assert not (p := checks.dapr_annotation_problems(checks.spinapps_of(objs), objs)), problems_text(p)

    def test_variables_match_components(self, overlay, rendered, spin):
        assert not (p := checks.variable_problems(spin, checks.spinapps_of(rendered(overlay)))), problems_text(p)

    def test_disruption_budgets(self, overlay, rendered):
        assert not (p := checks.disruption_budget_problems(rendered(overlay))), problems_text(p)

    def test_autoscaling(self, overlay, rendered):
        assert not (p := checks.autoscaling_problems(rendered(overlay))), problems_text(p)

    def test_network_policies(self, overlay, rendered, spin):
        assert not (p := checks.network_policy_problems(spin, rendered(overlay))), problems_text(p)

    def test_one_image_and_an_executor(self, overlay, rendered):
        assert not (p := checks.image_problems(rendered(overlay))), problems_text(p)

    def test_referenced_secrets_are_created_by_the_scripts(self, overlay, rendered, provided):
        assert not (p := checks.reference_problems(rendered(overlay), provided)), problems_text(p)

    def test_dapr_resources_are_the_shared_files(self, overlay, rendered, dapr_files):
        """The rendered Dapr objects are the files in dapr/, changed only by
        the namespace, labels and, in an overlay, an explicit patch."""
        objs = {(o["kind"], checks.name_of(o)): o for o in rendered(overlay)}
        patched = {("Component", "pubsub")} if overlay == "local" else set()
        for fname, docs in dapr_files.items():
            for doc in docs:
                key = (doc["kind"], doc["metadata"]["name"])
                assert key in objs, f"{fname}: {key} is not rendered in {overlay}"
                got = objs[key]
                assert got["metadata"].get("namespace") == "taskmanager"
                if key in patched:
                    assert got["spec"]["type"].startswith("pubsub.") and got["spec"]["type"] != doc["spec"]["type"]
                    continue
                assert got.get("spec") == doc.get("spec"), f"{fname}: {key} differs from the shared file"
                assert got.get("scopes") == doc.get("scopes"), f"{fname}: {key} scopes differ"


def test_base_references_every_dapr_file(dapr_files):
    base = yaml.safe_load((ROOT / "k8s" / "base" / "kustomization.yaml").read_text())
    assert "../../dapr" in base["resources"], "k8s/base does not include dapr/"
    listed = set(yaml.safe_load((ROOT / "dapr" / "kustomization.yaml").read_text())["resources"])
    for name in dapr_files:
        assert name in listed, f"dapr/kustomization.yaml does not list {name}"


def test_no_copy_of_the_dapr_resources_in_k8s(dapr_files):
    shared = {(d["kind"], d["metadata"]["name"]) for docs in dapr_files.values() for d in docs}
    for path in sorted((ROOT / "k8s").rglob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if isinstance(doc, dict) and doc.get("apiVersion", "").startswith("dapr.io/"):
                assert (doc["kind"], doc["metadata"]["name"]) not in shared, f"{path}: a copy of a dapr/ resource"


def test_doks_pubsub_is_kafka_over_tls_with_secret_credentials(rendered):
    pubsub = next(o for o in rendered("doks") if o["kind"] == "Component" and checks.name_of(o) == "pubsub")
    meta = {m["name"]: m for m in pubsub["spec"]["metadata"]}
    assert pubsub["spec"]["type"] == "pubsub.kafka"
    assert meta["disableTls"]["value"] == "false"
    assert meta["authType"]["value"] == "password"
    for key in ("brokers", "saslUsername", "saslPassword", "caCert"):
        assert "secretKeyRef" in meta[key], key
    assert "consumerGroup" not in meta, "one consumer group per app id: leave consumerGroup unset"


def test_local_pubsub_keeps_the_component_name(rendered):
    names = [checks.name_of(o) for o in rendered("local") if o["kind"] == "Component"
             and o["spec"]["type"].startswith("pubsub.")]
    assert names == ["pubsub"]


def test_scheduler_runs_one_replica(rendered):
    for overlay in OVERLAYS:
        scheduler = next(a for a in checks.spinapps_of(rendered(overlay)) if checks.name_of(a) == "scheduler")
        assert scheduler["spec"]["replicas"] == 1 and not scheduler["spec"].get("enableAutoscaling")


def test_deploy_sets_zero_unavailable_on_spinapp_deployments():
    text = (ROOT / "k8s" / "deploy.sh").read_text()
    assert '"maxUnavailable":0' in text and "core.spinkube.dev/app-name" in text


def test_deploy_and_tests_render_the_same_way():
    assert "k8s/render.sh" in (ROOT / ".github" / "workflows" / "deploy-environment.yml").read_text() or \
        "k8s/deploy.sh" in (ROOT / ".github" / "workflows" / "deploy-environment.yml").read_text()
    assert '"$here/render.sh"' in (ROOT / "k8s" / "deploy.sh").read_text()
    # Plain kustomize, as `kubectl apply -k` runs it: no loader options.
    assert "load-restrictor" not in (ROOT / "k8s" / "render.sh").read_text()


def test_no_secret_values_in_sources():
    """Besides the rendered output: nothing under k8s/ or spinkube/ holds a
    credential (patches, templates, scripts)."""
    problems = []
    for d in ("k8s", "spinkube", ".github"):
        for path in sorted((ROOT / d).rglob("*")):
            if path.is_file() and path.suffix in (".yaml", ".yml", ".json", ".env", ".sh", ".md"):
                for i, line in enumerate(path.read_text().splitlines(), 1):
                    if checks.looks_like_secret(line):
                        problems.append(f"{path.relative_to(ROOT)}:{i}: {line.strip()}")
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------ observability


def test_dapr_metrics_are_scraped(rendered):
    objs = rendered("doks")
    monitors = checks.of_kind(objs, "PodMonitor", "monitoring.coreos.com")
    sidecars = [m for m in monitors if any(e.get("port") == "dapr-metrics" for e in m["spec"]["podMetricsEndpoints"])]
    assert sidecars, "no PodMonitor scrapes the sidecars' dapr-metrics port"
    for app in checks.spinapps_of(objs):
        labels = app["spec"]["podLabels"]
        assert any(checks.labels_select(m["spec"]["selector"], labels) for m in sidecars), checks.name_of(app)
        assert app["spec"]["podAnnotations"]["dapr.io/metrics-port"] == "9090"
    assert checks.of_kind(objs, "ServiceMonitor", "monitoring.coreos.com"), "consumer lag is not scraped"


def test_alerts_cover_the_failure_modes(rendered):
    rules = [r for pr in checks.of_kind(rendered("doks"), "PrometheusRule", "monitoring.coreos.com")
             for g in pr["spec"]["groups"] for r in g["rules"]]
    exprs = {r["alert"]: r["expr"] for r in rules if "alert" in r}
    for needle in ("kafka_consumergroup_lag", "-dlq", "envoy_response_code_class=\"5\"", "kube_pod_container_status_restarts_total"):
        assert any(needle in e for e in exprs.values()), f"no alert on {needle}"
    for alert, expr in exprs.items():
        assert expr.count("(") == expr.count(")"), f"{alert}: unbalanced parentheses"


def test_tracing_is_configured(rendered):
    for overlay in OVERLAYS:
        config = next(o for o in rendered(overlay) if o["kind"] == "Configuration")
        tracing = config["spec"]["tracing"]
        assert tracing.get("samplingRate") and (tracing.get("otel") or tracing.get("stdout") or tracing.get("zipkin"))


def test_dashboard(rendered):
    cm = next(o for o in rendered("doks") if o["kind"] == "ConfigMap" and checks.name_of(o) == "taskmanager-dashboard")
    assert cm["metadata"]["labels"].get("grafana_dashboard") == "1"
    dashboard = json.loads(cm["data"]["taskmanager.json"])
    titles = " | ".join(p["title"].lower() for p in dashboard["panels"])
    for topic in ("request rate", "latency", "published", "consumed", "lag", "dead letters", "suggestions", "reminders",
                  "tasks created", "active users", "outbox", "deliveries", "cpu", "memory"):
        assert topic in titles, f"the dashboard has no panel on {topic}"
    # Nothing to add by hand: every panel reads the Prometheus the stack installs.
    sources = {t["datasource"]["type"] for p in dashboard["panels"] for t in p["targets"]}
    assert sources == {"prometheus"}, sources
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids))


def test_dashboard_schema():
    """check-jsonschema validates the dashboard file against the schema of
    what Grafana needs to import it."""
    tool = shutil.which("check-jsonschema")
    assert tool, "check-jsonschema is not installed (scripts/test-manifests.sh installs it)"
    proc = subprocess.run([tool, "--schemafile", str(Path(__file__).parent / "schemas" / "grafana-dashboard.json"),
                           str(OBS / "dashboards" / "taskmanager.json")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    placeholders = re.findall(r"\$\{(\w+)\}", (OBS / "dashboards" / "taskmanager.json").read_text())
    assert set(placeholders) <= {"prometheus", "postgres"}


def test_every_alert_is_routed_to_a_receiver(rendered):
    """Alerts reach someone: an AlertmanagerConfig whose route matches every
    alert the rules define sends them to a receiver with a destination."""
    objects = rendered("doks")
    alerts = [r["alert"] for pr in checks.of_kind(objects, "PrometheusRule", "monitoring.coreos.com")
              for g in pr["spec"]["groups"] for r in g["rules"] if "alert" in r]
    configs = checks.of_kind(objects, "AlertmanagerConfig", "monitoring.coreos.com")
    assert alerts and configs
    route = configs[0]["spec"]["route"]
    (matcher,) = [m for m in route["matchers"] if m["name"] == "alertname"]
    assert matcher["matchType"] == "=~"
    assert all(re.fullmatch(matcher["value"], a) for a in alerts), alerts
    receivers = {r["name"]: r for r in configs[0]["spec"]["receivers"]}
    for name in {route["receiver"]} | {r["receiver"] for r in route.get("routes", [])}:
        assert any(receivers[name].get(k) for k in ("webhookConfigs", "slackConfigs", "pagerdutyConfigs",
                                                    "emailConfigs")), f"receiver {name} sends nowhere"


def rules_of(objects):
    return [(pr, g, r) for pr in checks.of_kind(objects, "PrometheusRule", "monitoring.coreos.com")
            for g in pr["spec"]["groups"] for r in g["rules"]]


@pytest.mark.parametrize("slo, sli, fast, slow", [
    ("availability", "http_error_ratio", "TaskmanagerErrorBudgetBurnFast", "TaskmanagerErrorBudgetBurnSlow"),
    ("latency", "api_slow_ratio", "TaskmanagerLatencyBudgetBurnFast", "TaskmanagerLatencyBudgetBurnSlow"),
    ("reminder-freshness", "reminder_late_ratio", "TaskmanagerReminderFreshnessBurnFast",
     "TaskmanagerReminderFreshnessBurnSlow"),
])
def test_slo_burn_rate_alerts_use_recorded_ratios(rendered, slo, sli, fast, slow):
    """Each SLO pages on a fast burn and tickets on a slow one, each over a
    long and a short window (the multiwindow, multi-burn-rate alerts of the
    SRE workbook), and every recorded series an alert reads is recorded by
    a rule."""
    rules = [r for _, _, r in rules_of(rendered("doks"))]
    recorded = {r["record"] for r in rules if "record" in r}
    alerts = {r["alert"]: r for r in rules if "alert" in r}
    fast, slow = alerts[fast], alerts[slow]
    assert fast["labels"]["severity"] == "critical" and slow["labels"]["severity"] == "warning"
    assert fast["labels"]["slo"] == slo and slow["labels"]["slo"] == slo
    for rule in alerts.values():
        for series in re.findall(r"taskmanager:[a-z_]+:rate\w+", rule["expr"]):
            assert series in recorded, f"{rule['alert']} reads {series}, which no rule records"
    fast_windows = ("1h", "5m", "6h", "30m")
    slow_windows = ("1d", "2h", "3d", "6h") if slo != "reminder-freshness" else ("6h", "30m")
    for alert, windows in ((fast, fast_windows), (slow, slow_windows)):
        for w in windows:
            assert f"taskmanager:{sli}:rate{w}" in alert["expr"], (alert["alert"], w)
    assert "14.4 *" in fast["expr"] and "6 *" in fast["expr"]


def test_latency_slo_measures_the_quick_api_rule(rendered):
    """The latency SLO reads the gateway cluster of HTTPRoute rule 0, which
    is the API's quick rule; the long-by-design feed and assistant are on a
    rule of their own."""
    route = next(o for o in rendered("doks") if o["kind"] == "HTTPRoute" and checks.name_of(o) == "taskmanager")
    rules = route["spec"]["rules"]
    assert rules[0]["name"] == "api"
    long = next(r for r in rules if r["name"] == "api-long")
    assert {m["path"]["value"] for m in long["matches"]} == {"/api/v1/changes", "/api/v1/chat"}
    exprs = [r["expr"] for _, _, r in rules_of(rendered("doks")) if r.get("record", "").startswith("taskmanager:api_slow")]
    assert exprs and all('envoy_cluster_name="httproute/taskmanager/taskmanager/rule/0"' in e for e in exprs)


RECORD_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
DURATION = re.compile(r"(\d+(ms|s|m|h|d|w|y))+")


def test_rules_pass_what_promtool_check_rules_checks(rendered):
    """What `promtool check rules` checks, for every PrometheusRule: each
    expression parses as PromQL (promql-parser), each rule is an alert or
    a record (not both), record names are metric names, group names are
    unique, `for` is a duration, label names are valid; and a broken
    expression is caught."""
    import promql_parser

    with pytest.raises(ValueError):
        promql_parser.parse("sum(rate(x[5m])")
    problems = []
    groups = []
    for pr, group, rule in rules_of(rendered("doks")):
        if rule is group["rules"][0]:
            groups.append(group["name"])
        name = rule.get("alert") or rule.get("record")
        if ("alert" in rule) == ("record" in rule):
            problems.append(f"{group['name']}: a rule must be an alert or a record: {rule}")
        if "record" in rule:
            if not RECORD_NAME.fullmatch(rule["record"]):
                problems.append(f"{name}: not a metric name")
            if "for" in rule or "annotations" in rule:
                problems.append(f"{name}: a recording rule has no for or annotations")
        if "for" in rule and not DURATION.fullmatch(str(rule["for"])):
            problems.append(f"{name}: for {rule['for']!r} is not a duration")
        for label in list(rule.get("labels") or {}) + list(rule.get("annotations") or {}):
            if not LABEL_NAME.fullmatch(label):
                problems.append(f"{name}: {label!r} is not a label name")
        try:
            promql_parser.parse(rule["expr"])
        except ValueError as e:
            problems.append(f"{name}: {e}")
    duplicates = {g for g in groups if groups.count(g) > 1}
    assert not duplicates, duplicates
    assert not problems, "\n".join(problems)


def kafka_topics():
    """{topic: (partitions, retention days)} as spinkube/kafka.sh creates them."""
    script = (ROOT / "spinkube" / "kafka.sh").read_text()
    entries = re.search(r"^TOPICS=\(([^)]*)\)", script, re.M)
    assert entries, "TOPICS=(...) in spinkube/kafka.sh"
    topics = {}
    for entry in entries.group(1).split():
        name, partitions, days = entry.split(":")
        topics[name] = (int(partitions), int(days))
    return topics


def subscribed_topics():
    """{app id: topics it consumes}, from dapr/subscriptions.yaml."""
    apps = {}
    for doc in yaml.safe_load_all((ROOT / "dapr" / "subscriptions.yaml").read_text()):
        if doc and doc.get("kind") == "Subscription":
            for app in doc.get("scopes") or []:
                apps.setdefault(app, set()).add(doc["spec"]["topic"])
    return apps


def test_consumers_scale_on_their_lag_up_to_their_partitions(rendered):
    """On Kafka (doks), every consumer app id has one KEDA ScaledObject on
    its own consumer group's lag for each topic it reads, never more
    replicas than the smallest of those topics has partitions, a floor of
    two and a fallback; the API keeps its CPU autoscaler."""
    objs = rendered("doks")
    topics = kafka_topics()
    scaled = {(so["spec"]["scaleTargetRef"]["name"]): so for so in checks.of_kind(objs, "ScaledObject", "keda.sh")}
    consumers = subscribed_topics()
    assert set(scaled) == set(consumers), (sorted(scaled), sorted(consumers))
    for app, reads in consumers.items():
        spec = scaled[app]["spec"]
        assert spec["minReplicaCount"] >= 2, app
        assert spec["maxReplicaCount"] <= min(topics[t][0] for t in reads), app
        assert spec["fallback"]["replicas"] >= spec["minReplicaCount"], app
        [trigger] = spec["triggers"]
        query = trigger["metadata"]["query"]
        assert f'consumergroup="{app}"' in query, (app, query)
        for topic in reads:
            assert topic in query, (app, topic, query)
        assert "kafka_consumergroup_lag" in query and int(trigger["metadata"]["threshold"]) > 0
    hpas = {h["spec"]["scaleTargetRef"]["name"] for h in checks.of_kind(objs, "HorizontalPodAutoscaler")}
    assert hpas == {"api"}


def test_kafka_topics_have_their_partitions_and_retention():
    """spinkube/kafka.sh creates every topic the subscriptions use, main
    topics keep at least 14 days, dead-letter topics 30, and consumers keep
    processed event ids longer than any topic keeps its events."""
    script = (ROOT / "spinkube" / "kafka.sh").read_text()
    topics = kafka_topics()
    assert "--retention-ms" in script and "topics update" in script
    used = set()
    for doc in yaml.safe_load_all((ROOT / "dapr" / "subscriptions.yaml").read_text()):
        if doc and doc.get("kind") == "Subscription":
            spec = doc["spec"]
            used.add(spec["topic"])
            if spec.get("deadLetterTopic"):
                used.add(spec["deadLetterTopic"])
    assert used <= set(topics), f"topics used but not created: {used - set(topics)}"
    for name, (partitions, days) in topics.items():
        assert partitions >= 1
        if name.endswith("-dlq"):
            assert days == 30, name
        else:
            assert days >= 14, name
    retention = (ROOT / "crates" / "store" / "src" / "retention.rs").read_text()
    kept = re.search(r"PROCESSED_EVENTS_MS: i64 = (\d+) \* DAY_MS", retention)
    assert kept and int(kept.group(1)) > max(days for _, days in topics.values())
