"""The checkers catch what they are for: each gets small bad inputs."""

from __future__ import annotations

import copy

import checks

SPIN = checks.Spin.from_manifest({
    "variables": {"db_url": {"default": ""}, "db_host": {"default": "h"}, "db_port": {"default": "5432"},
                  "auth_secret": {"required": True, "secret": True}, "app_api_token": {"default": "", "secret": True}},
    "trigger": {"http": [
        {"route": "/api/v1/tasks", "component": "tasks"},
        {"route": "/api/v1/tasks/:id", "component": "task"},
        {"route": "/events/overdue", "component": "overdue-agent"},
        {"route": "/cron/sweep", "component": "sweep"},
        {"route": "/health", "component": "health"},
        {"route": "/ready", "component": "health"},
        {"route": "/...", "component": "web"},
    ]},
    "component": {
        "tasks": {"variables": {"db_url": "{{ db_url }}", "auth_secret": "{{ auth_secret }}"},
                  "allowed_outbound_hosts": ["postgres://{{ db_host }}:{{ db_port }}"]},
        "task": {"variables": {"db_url": "{{ db_url }}", "auth_secret": "{{ auth_secret }}"},
                 "allowed_outbound_hosts": ["postgres://{{ db_host }}:{{ db_port }}"]},
        "overdue-agent": {"variables": {"db_url": "{{ db_url }}", "app_api_token": "{{ app_api_token }}"},
                          "allowed_outbound_hosts": ["postgres://{{ db_host }}:{{ db_port }}"]},
        "sweep": {"variables": {"db_url": "{{ db_url }}"}, "allowed_outbound_hosts": ["postgres://{{ db_host }}:{{ db_port }}"]},
        "health": {"variables": {"db_url": "{{ db_url }}"}, "allowed_outbound_hosts": ["postgres://{{ db_host }}:{{ db_port }}"]},
        "web": {},
    },
})

DB_VARS = [
    {"name": "db_url", "valueFrom": {"secretKeyRef": {"name": "db", "key": "url"}}},
    {"name": "db_host", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "db_host"}}},
    {"name": "db_port", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "db_port"}}},
]


def spinapp(name, components, replicas=2, variables=None, **spec):
    return {"apiVersion": "core.spinkube.dev/v1alpha1", "kind": "SpinApp", "metadata": {"name": name},
            "spec": {"image": "img", "executor": "ex", "replicas": replicas, "components": components,
                     "podLabels": {"app.kubernetes.io/name": "tm", "app.kubernetes.io/component": name},
                     "podAnnotations": {"dapr.io/enabled": "true", "dapr.io/app-id": name, "dapr.io/app-port": "80",
                                        "dapr.io/config": "cfg", "dapr.io/enable-metrics": "true"},
                     "variables": variables if variables is not None else list(DB_VARS), **spec}}


def good_apps():
    return [
        spinapp("api", ["tasks", "task", "health"],
                variables=DB_VARS + [{"name": "auth_secret", "valueFrom": {"secretKeyRef": {"name": "auth", "key": "secret"}}}]),
        spinapp("web", ["web", "health"]),
        spinapp("overdue-agent", ["overdue-agent", "health"]),
        spinapp("scheduler", ["sweep", "health"], replicas=1),
    ]


def subscription(path="/events/overdue", scope="overdue-agent", topic="t", dlq="t-dlq"):
    spec = {"pubsubname": "pubsub", "topic": topic, "routes": {"default": path}}
    if dlq:
        spec["deadLetterTopic"] = dlq
    return {"apiVersion": "dapr.io/v2alpha1", "kind": "Subscription", "metadata": {"name": "s"}, "spec": spec,
            "scopes": [scope]}


DLQ_SUB = {"apiVersion": "dapr.io/v2alpha1", "kind": "Subscription", "metadata": {"name": "dlq"},
           "spec": {"pubsubname": "pubsub", "topic": "t-dlq", "routes": {"default": "/events/overdue"}},
           "scopes": ["overdue-agent"]}
PUBSUB = {"apiVersion": "dapr.io/v1alpha1", "kind": "Component", "metadata": {"name": "pubsub"},
          "spec": {"type": "pubsub.kafka", "version": "v1", "metadata": []}}


def cron(route="/cron/sweep", scope="scheduler"):
    return {"apiVersion": "dapr.io/v1alpha1", "kind": "Component", "metadata": {"name": "sweep"},
            "spec": {"type": "bindings.cron", "version": "v1",
                     "metadata": [{"name": "schedule", "value": "@every 1m"}, {"name": "route", "value": route}]},
            "scopes": [scope]}


def route(*rules):
    return {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": "r"},
            "spec": {"parentRefs": [{"name": "gw"}], "rules": list(rules)}}


GATEWAY = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "metadata": {"name": "gw"}, "spec": {}}


def prefix(value, backend=None, **match):
    rule = {"matches": [{"path": {"type": "PathPrefix", "value": value}, **match}]}
    if backend:
        rule["backendRefs"] = [{"name": backend, "port": 80}]
    return rule


BLOCK = {"matches": [{"path": {"type": "PathPrefix", "value": p}} for p in checks.NEVER_FORWARDED]}


# ---------------------------------------------------------------- routing


def test_spin_routing():
    assert checks.resolve_route("/api/v1/tasks/42", SPIN.routes) == "task"
    assert checks.resolve_route("/api/v1/tasks", SPIN.routes) == "tasks"
    assert checks.resolve_route("/events/overdue", SPIN.routes) == "overdue-agent"
    assert checks.resolve_route("/anything/else", SPIN.routes) == "web"
    assert checks.resolve_route("/events/overdue", SPIN.routes_of(["web", "health"])) == "web"
    assert checks.resolve_route("/nope", SPIN.routes_of(["tasks"])) is None


# -------------------------------------------------------------- placement


def test_placement_good():
    assert checks.placement_problems(SPIN, good_apps()) == []


def test_placement_catches_a_missing_component():
    apps = good_apps()[:-1]  # the scheduler group, and with it `sweep`, gone
    assert any("'sweep' runs in 0 SpinApps" in p for p in checks.placement_problems(SPIN, apps))


def test_placement_catches_a_duplicated_component():
    apps = good_apps()
    apps[1]["spec"]["components"].append("tasks")
    assert any("'tasks' runs in 2 SpinApps" in p for p in checks.placement_problems(SPIN, apps))


def test_placement_catches_unknown_components_and_missing_health():
    apps = good_apps()
    apps[0]["spec"]["components"] = ["tasks", "task", "ghost"]
    problems = checks.placement_problems(SPIN, apps)
    assert any("'ghost'" in p for p in problems) and any("lacks the 'health'" in p for p in problems)
    apps[0]["spec"].pop("components")
    assert any("no `components`" in p for p in checks.placement_problems(SPIN, apps))


def test_app_ids_must_be_unique():
    apps = good_apps()
    apps[1]["spec"]["podAnnotations"]["dapr.io/app-id"] = "api"
    assert checks.app_id_problems(apps)


# ---------------------------------------------------------- subscriptions


def test_subscriptions_good():
    assert checks.subscription_problems(SPIN, [subscription(), DLQ_SUB], [PUBSUB], good_apps()) == []


def test_subscription_route_missing_from_spin_toml():
    problems = checks.subscription_problems(SPIN, [subscription(path="/events/nope"), DLQ_SUB], [PUBSUB], good_apps())
    # /events/nope falls to the catch-all web component, which the scoped
    # app does not serve: caught either way.
    assert problems


def test_subscription_scoped_to_an_unknown_app_id():
    problems = checks.subscription_problems(SPIN, [subscription(scope="ghost"), DLQ_SUB], [PUBSUB], good_apps())
    assert any("'ghost' is no SpinApp" in p for p in problems)


def test_subscription_scoped_to_an_app_without_the_handler():
    problems = checks.subscription_problems(SPIN, [subscription(scope="api"), DLQ_SUB], [PUBSUB], good_apps())
    assert any("does not serve /events/overdue" in p for p in problems)


def test_subscription_without_dead_letter_topic_or_pubsub():
    problems = checks.subscription_problems(SPIN, [subscription(dlq=None)], [], good_apps())
    assert any("no deadLetterTopic" in p for p in problems) and any("not a pub/sub component" in p for p in problems)
    problems = checks.subscription_problems(SPIN, [subscription()], [PUBSUB], good_apps())
    assert any("nobody subscribes to its dead-letter topic" in p for p in problems)


def test_cron_bindings():
    assert checks.binding_problems(SPIN, [cron()], good_apps(), []) == []
    assert any("not a route" in p or "does not serve" in p
               for p in checks.binding_problems(SPIN, [cron(route="/cron/other")], good_apps(), []))
    apps = good_apps()
    apps[3]["spec"]["replicas"] = 2
    assert any("exactly one replica" in p for p in checks.binding_problems(SPIN, [cron()], apps, []))
    hpa = {"kind": "HorizontalPodAutoscaler", "metadata": {"name": "h"}, "spec": {"scaleTargetRef": {"name": "scheduler"}}}
    assert checks.binding_problems(SPIN, [cron()], good_apps(), [hpa])
    assert any("scope 'ghost'" in p for p in checks.binding_problems(SPIN, [cron(scope="ghost")], good_apps(), []))


# ---------------------------------------------------------------- gateway


def gateway_objects(*rules):
    return good_apps() + [GATEWAY, route(*rules)]


def test_gateway_good():
    assert checks.gateway_problems(SPIN, gateway_objects(prefix("/api", "api"), prefix("/", "web"), BLOCK)) == []


def test_gateway_catches_a_route_matching_events():
    problems = checks.gateway_problems(SPIN, gateway_objects(prefix("/api", "api"), prefix("/events", "web"), BLOCK))
    assert any("/events" in p for p in problems)


def test_gateway_catches_a_catch_all_without_blocking_rules():
    problems = checks.gateway_problems(SPIN, gateway_objects(prefix("/api", "api"), prefix("/", "web")))
    assert any("internal path /events/overdue" in p for p in problems)
    assert any("internal path /cron/sweep" in p for p in problems)


def test_gateway_catches_an_exact_internal_match():
    exact = {"matches": [{"path": {"type": "Exact", "value": "/cron/sweep"}}], "backendRefs": [{"name": "web", "port": 80}]}
    problems = checks.gateway_problems(SPIN, gateway_objects(prefix("/", "web"), BLOCK, exact))
    assert any("/cron/sweep" in p for p in problems)


def test_gateway_catches_a_header_match_outranking_the_block():
    sneaky = prefix("/events", "web", headers=[{"name": "x", "value": "y"}])
    assert checks.gateway_problems(SPIN, gateway_objects(prefix("/", "web"), BLOCK, sneaky))


def test_gateway_catches_regular_expressions_and_internal_backends():
    regex = {"matches": [{"path": {"type": "RegularExpression", "value": "/.*"}}], "backendRefs": [{"name": "web", "port": 80}]}
    assert checks.gateway_problems(SPIN, gateway_objects(prefix("/", "web"), BLOCK, regex))
    to_agent = prefix("/api", "overdue-agent")
    problems = checks.gateway_problems(SPIN, gateway_objects(to_agent, prefix("/", "web"), BLOCK))
    assert any("contains internal components" in p for p in problems)


def test_gateway_catches_unknown_backends_and_gateways():
    objs = good_apps() + [route(prefix("/", "nowhere"), BLOCK)]
    problems = checks.gateway_problems(SPIN, objs)
    assert any("'nowhere'" in p for p in problems) and any("Gateway 'gw'" in p for p in problems)


# ---------------------------------------------------------------- secrets


def test_secret_values_good():
    assert checks.secret_value_problems(good_apps() + [PUBSUB], SPIN.secret_variables()) == []


def test_catches_a_secret_variable_with_a_value():
    apps = good_apps()
    apps[0]["spec"]["variables"].append({"name": "auth_secret", "value": "hunter2hunter2"})
    assert any("auth_secret must come from a Secret" in p for p in checks.secret_value_problems(apps, SPIN.secret_variables()))
    apps = good_apps()
    apps[0]["spec"]["variables"][0] = {"name": "db_url", "value": "postgres://app@db:5432/tasks"}
    assert checks.secret_value_problems(apps, SPIN.secret_variables())


def test_catches_a_secret_with_data():
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "stringData": {"password": "x"}}
    assert any("carries data" in p for p in checks.secret_value_problems([secret], set()))


def test_catches_credentials_in_env_and_component_metadata():
    deployment = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": {"template": {"spec": {
        "containers": [{"name": "c", "env": [{"name": "KAFKA_PASSWORD", "value": "plain"},
                                             {"name": "TARGET", "value": "postgres://u:s3cr3t@db/x"}]}]}}}}
    problems = checks.secret_value_problems([deployment], set())
    assert any("KAFKA_PASSWORD" in p for p in problems) and any("looks like a credential" in p for p in problems)
    component = copy.deepcopy(PUBSUB)
    component["spec"]["metadata"] = [{"name": "saslPassword", "value": "plain"}]
    assert any("saslPassword" in p for p in checks.secret_value_problems([component], set()))


def test_looks_like_secret():
    assert checks.looks_like_secret("-----BEGIN PRIVATE KEY-----")
    assert checks.looks_like_secret("token: ghp_abcdefghijklmnopqrstuvwxyz0123456789")
    assert checks.looks_like_secret("3f9a0c1b2d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6")
    assert checks.looks_like_secret("redis://default:s3cret@redis:6379")
    assert not checks.looks_like_secret("ghcr.io/acme/taskmanager@sha256:" + "ab" * 32)
    assert not checks.looks_like_secret("postgres://taskmanager:$password@$host:$port/tasks")
    assert not checks.looks_like_secret("dapr_component_pubsub_ingress_latencies_bucket")


# -------------------------------------------------------------- workloads


def test_workloads():
    assert checks.workload_problems(SPIN, []) == []
    app = spinapp("api", ["tasks", "health"])
    problems = checks.workload_problems(SPIN, [app])
    assert any("no readiness check" in p for p in problems)
    assert any("no cpu request" in p for p in problems) and any("no memory limit" in p for p in problems)
    assert any("sidecar-cpu-limit" in p for p in problems)
    app["spec"]["checks"] = {"readiness": {"httpGet": {"path": "/api/v1/tasks"}}, "liveness": {"httpGet": {"path": "/health"}}}
    assert any("not served by its health component" in p for p in checks.workload_problems(SPIN, [app]))
    deployment = {"kind": "Deployment", "metadata": {"name": "d"}, "spec": {"template": {"spec": {
        "containers": [{"name": "c", "resources": {"requests": {"cpu": "1", "memory": "1Mi"}}}]}}}}
    problems = checks.workload_problems(SPIN, [deployment])
    assert any("no livenessProbe" in p for p in problems) and any("no cpu limit" in p for p in problems)


def test_rollouts():
    ok = {"kind": "Deployment", "metadata": {"name": "d"},
          "spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}}}}
    assert checks.rollout_problems([ok]) == []
    assert checks.rollout_problems([{"kind": "Deployment", "metadata": {"name": "d"}, "spec": {}}])


def test_dapr_annotations():
    config = {"apiVersion": "dapr.io/v1alpha1", "kind": "Configuration", "metadata": {"name": "cfg"}}
    apps = good_apps()
    assert checks.dapr_annotation_problems(apps, [config]) == []
    apps[0]["spec"]["podAnnotations"]["dapr.io/app-port"] = "3000"
    apps[1]["metadata"]["annotations"] = {"dapr.io/enabled": "true"}
    apps[2]["spec"]["variables"].append({"name": "app_api_token", "valueFrom": {"secretKeyRef": {"name": "tok", "key": "token"}}})
    problems = checks.dapr_annotation_problems(apps, [config])
    assert any("app-port" in p for p in problems)
    assert any("metadata.annotations never reach the pod" in p for p in problems)
    assert any("app_api_token and dapr.io/app-token-secret" in p for p in problems)


def test_variables():
    assert checks.variable_problems(SPIN, good_apps()) == []
    apps = good_apps()
    apps[0]["spec"]["variables"] = DB_VARS[:1]
    problems = checks.variable_problems(SPIN, apps)
    assert any("required variable auth_secret" in p for p in problems) and any("db_host is not set" in p for p in problems)
    apps = good_apps()
    apps[1]["spec"]["variables"].append({"name": "auth_secret", "valueFrom": {"secretKeyRef": {"name": "a", "key": "s"}}})
    apps[1]["spec"]["variables"].append({"name": "nonsense", "value": "1"})
    problems = checks.variable_problems(SPIN, apps)
    assert any("auth_secret is read by none" in p for p in problems) and any("nonsense is not declared" in p for p in problems)


def test_disruption_budgets():
    apps = good_apps()[:1]
    pdb = {"kind": "PodDisruptionBudget", "metadata": {"name": "p"},
           "spec": {"selector": {"matchLabels": {"app.kubernetes.io/component": "api"}}}}
    assert checks.disruption_budget_problems(apps + [pdb]) == []
    assert checks.disruption_budget_problems(apps)
    assert checks.disruption_budget_problems(apps + [pdb, dict(pdb, metadata={"name": "q"})])


def test_autoscaling():
    app = spinapp("api", ["tasks", "health"], replicas=None)
    app["spec"].pop("replicas")
    app["spec"]["enableAutoscaling"] = True
    hpa = {"kind": "HorizontalPodAutoscaler", "metadata": {"name": "api"}, "spec": {
        "scaleTargetRef": {"kind": "Deployment", "name": "api"},
        "metrics": [{"type": "ContainerResource", "containerResource": {"name": "cpu", "container": "api"}}]}}
    assert checks.autoscaling_problems([app, hpa]) == []
    assert any("0 HPAs" in p for p in checks.autoscaling_problems([app]))
    bad = copy.deepcopy(hpa)
    bad["spec"]["metrics"] = [{"type": "Resource", "resource": {"name": "cpu"}}]
    assert checks.autoscaling_problems([app, bad])
    app["spec"]["replicas"] = 3
    assert any("replicas must be unset" in p for p in checks.autoscaling_problems([app, hpa]))


def test_network_policies():
    deny = {"kind": "NetworkPolicy", "metadata": {"name": "deny"},
            "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}}
    assert checks.network_policy_problems(SPIN, good_apps() + [deny]) == []
    assert any("default-deny" in p for p in checks.network_policy_problems(SPIN, good_apps()))
    open_agent = {"kind": "NetworkPolicy", "metadata": {"name": "open"}, "spec": {
        "podSelector": {"matchLabels": {"app.kubernetes.io/component": "overdue-agent"}},
        "ingress": [{"ports": [{"port": 80}]}]}}
    assert any("overdue-agent" in p for p in checks.network_policy_problems(SPIN, good_apps() + [deny, open_agent]))


def test_images_and_executor():
    executor = {"kind": "SpinAppExecutor", "metadata": {"name": "ex"}, "spec": {"deploymentConfig": {"runtimeClassName": "rc"}}}
    assert checks.image_problems(good_apps() + [executor]) == []
    apps = good_apps()
    apps[0]["spec"]["image"] = "other"
    assert checks.image_problems(apps + [executor])
    assert checks.image_problems(good_apps())


def test_references():
    apps = good_apps()
    provided = {("Secret", "db"), ("Secret", "auth"), ("ConfigMap", "cfg")}
    assert checks.reference_problems(apps, provided) == []
    assert any("ConfigMap cfg" in p for p in checks.reference_problems(apps, {("Secret", "db"), ("Secret", "auth")}))
    assert checks.provided_by_scripts(["ensure_secret kafka-credentials \\", "ensure_generated_secret a b",
                                       "ensure_configmap c x=y", "  secretName: tls"]) == {
        ("Secret", "kafka-credentials"), ("Secret", "a"), ("ConfigMap", "c"), ("Secret", "tls")}


def test_jobs():
    spin = checks.Spin.from_manifest({"trigger": {"http": [{"route": "/job/...", "component": "due"},
                                                            {"route": "/events/s", "component": "sched"}]},
                                      "component": {"due": {}, "sched": {}}})
    together = [spinapp("s", ["sched", "due", "health"])]
    assert checks.job_problems(spin, together, {"sched"}) == []
    apart = [spinapp("s", ["sched", "health"]), spinapp("d", ["due", "health"])]
    problems = checks.job_problems(spin, apart, {"sched"})
    assert any("serves no /job/ route" in p for p in problems) and any("schedules no job" in p for p in problems)
