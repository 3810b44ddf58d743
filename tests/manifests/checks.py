"""Invariant checks between spin.toml, the Dapr resources and the rendered
Kubernetes manifests. Every function takes plain data (parsed YAML/TOML)
and returns a list of problems, one readable sentence each: empty means
the invariant holds. test_checks.py feeds each one small bad inputs to
show that it really catches what it is for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# The component every SpinApp includes: the probes and Dapr's app health
# check call it. Every other component runs in exactly one SpinApp.
SHARED_COMPONENTS = {"health"}

# Routes only the Dapr sidecar may call (events, job callbacks, cron
# bindings), Dapr's own app endpoints, and the operators' /admin routes.
INTERNAL_PREFIXES = ("/events", "/job", "/cron", "/dapr", "/admin")

# Paths the gateway must not forward although their component may share a
# group with public routes: /metrics is for Prometheus, which reaches the
# pods directly (a NetworkPolicy of its own).
NEVER_FORWARDED = INTERNAL_PREFIXES + ("/metrics",)

# Variables that must never be set as plain values, besides the ones
# spin.toml marks secret: the database URL carries a password.
ALWAYS_SECRET_VARIABLES = {"db_url"}

SENSITIVE_NAME = re.compile(
    r"(?i)(passw|secret|token|api[-_]?key|access[-_]?key|private[-_]?key|client[-_]?key|"
    r"credential|ca[-_]?cert|client[-_]?cert|db[-_]?url|database[-_]?url|dsn|connection[-_]?string)"
)

_TEMPLATE_VAR = re.compile(r"\{\{\s*([a-z0-9_]+)\s*\}\}")


# ------------------------------------------------------------------ spin.toml


@dataclass
class Spin:
    variables: dict
    components: dict
    routes: list  # (route, component)

    @classmethod
    def from_manifest(cls, manifest: dict) -> "Spin":
        routes = [(t["route"], t["component"]) for t in manifest.get("trigger", {}).get("http", [])]
        return cls(manifest.get("variables", {}), manifest.get("component", {}), routes)

    def variable_refs(self, component: str) -> set:
        """The application variables a component reads (through its own
        variables or its allowed outbound hosts)."""
        comp = self.components.get(component, {})
        texts = list((comp.get("variables") or {}).values()) + list(comp.get("allowed_outbound_hosts") or [])
        refs = set()
        for text in texts:
            refs.update(_TEMPLATE_VAR.findall(str(text)))
        return refs

    def secret_variables(self) -> set:
        return {n for n, d in self.variables.items() if isinstance(d, dict) and d.get("secret")} | ALWAYS_SECRET_VARIABLES

    def required_variables(self) -> set:
        return {n for n, d in self.variables.items() if isinstance(d, dict) and d.get("required")}

    def routes_of(self, components) -> list:
        components = set(components)
        return [(r, c) for r, c in self.routes if c in components]

    def internal_components(self) -> set:
        return {c for r, c in self.routes if is_internal_path(r)}


def is_internal_path(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in INTERNAL_PREFIXES)


def _segments(path: str) -> list:
    return [s for s in path.split("/") if s]


def spin_route_match(route: str, path: str):
    """How Spin's router matches `path` against `route`: None, or a sort
    key (exact routes beat wildcards; more literal segments win)."""
    wildcard = route.endswith("/...")
    rsegs = _segments(route[:-4] if wildcard else route)
    psegs = _segments(path.split("?")[0])
    if (wildcard and len(psegs) < len(rsegs)) or (not wildcard and len(psegs) != len(rsegs)):
        return None
    for r, p in zip(rsegs, psegs):
        if not (r.startswith(":") or r == p):
            return None
    literal = sum(1 for r in rsegs if not r.startswith(":"))
    return (0 if wildcard else 1, len(rsegs), literal)


def resolve_route(path: str, routes: list):
    """The component that serves `path` among `routes`, or None."""
    best = None
    for route, component in routes:
        key = spin_route_match(route, path)
        if key is not None and (best is None or key > best[0]):
            best = (key, component)
    return best[1] if best else None


def sample_path(route: str) -> str:
    """A concrete request path that `route` matches."""
    base = route[:-4] if route.endswith("/...") else route
    segs = ["x" if s.startswith(":") else s for s in _segments(base)]
    if route.endswith("/..."):
        segs.append("x")
    return "/" + "/".join(segs)


# ---------------------------------------------------------------- manifests


def of_kind(objects, kind, group=None):
    out = []
    for o in objects:
        if o.get("kind") != kind:
            continue
        if group is not None and o.get("apiVersion", "").split("/")[0] != group:
            continue
        out.append(o)
    return out


def name_of(o) -> str:
    return (o.get("metadata") or {}).get("name", "")


def spinapps_of(objects) -> list:
    return of_kind(objects, "SpinApp", "core.spinkube.dev")


def app_id(spinapp) -> str | None:
    return (spinapp.get("spec", {}).get("podAnnotations") or {}).get("dapr.io/app-id")


def labels_select(selector: dict, labels: dict) -> bool:
    """Whether a Kubernetes label selector selects the given labels."""
    if selector is None:
        return False
    for k, v in (selector.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr["key"], expr["operator"], expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and labels.get(key) in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


@dataclass
class Workload:
    kind: str
    name: str
    pod_labels: dict
    containers: list = field(default_factory=list)


def workloads_of(objects) -> list:
    """SpinApps and the pod templates of the built-in workload kinds."""
    out = []
    for o in objects:
        kind, spec = o.get("kind"), o.get("spec") or {}
        if kind == "SpinApp":
            out.append(Workload(kind, name_of(o), dict(spec.get("podLabels") or {})))
        elif kind in ("Deployment", "StatefulSet", "DaemonSet"):
            tpl = spec.get("template") or {}
            out.append(Workload(kind, name_of(o), dict((tpl.get("metadata") or {}).get("labels") or {}),
                                (tpl.get("spec") or {}).get("containers") or []))
    return out


# ------------------------------------------------------------------ checks


def placement_problems(spin: Spin, spinapps: list) -> list:
    """Each component of spin.toml runs in exactly one SpinApp (the shared
    health component in all of them; a job callback in every SpinApp that
    schedules jobs, since Dapr delivers a job to the app id that scheduled
    it: `job_problems`); SpinApps name only real components."""
    problems = []
    where = {c: [] for c in spin.components}
    for app in spinapps:
        comps = app.get("spec", {}).get("components")
        if not comps:
            problems.append(f"SpinApp {name_of(app)} has no `components`: it would run every component")
            continue
        for c in comps:
            if c not in spin.components:
                problems.append(f"SpinApp {name_of(app)} lists {c!r}, which spin.toml does not define")
            else:
                where[c].append(name_of(app))
        for shared in SHARED_COMPONENTS:
            if shared not in comps:
                problems.append(f"SpinApp {name_of(app)} lacks the {shared!r} component its probes call")
    job_callbacks = {c for r, c in spin.routes if r == "/job" or r.startswith("/job/")}
    for c, apps in where.items():
        if c in SHARED_COMPONENTS:
            continue
        if c in job_callbacks and apps:
            continue
        if len(apps) != 1:
            problems.append(f"component {c!r} runs in {len(apps)} SpinApps ({', '.join(apps) or 'none'}); expected exactly one")
    return problems


def app_id_problems(spinapps: list) -> list:
    problems, seen = [], {}
    for app in spinapps:
        aid = app_id(app)
        if not aid:
            problems.append(f"SpinApp {name_of(app)} has no dapr.io/app-id in podAnnotations")
        elif aid in seen:
            problems.append(f"SpinApps {seen[aid]} and {name_of(app)} share the Dapr app id {aid!r}")
        else:
            seen[aid] = name_of(app)
    return problems


def _app_by_id(spinapps):
    return {app_id(a): a for a in spinapps if app_id(a)}


def _served_by(spin: Spin, app: dict, path: str):
    """The component of `app` that serves `path`, or None."""
    return resolve_route(path, spin.routes_of(app.get("spec", {}).get("components") or []))


def subscription_problems(spin: Spin, subscriptions: list, components: list, spinapps: list) -> list:
    """Every subscription route exists in spin.toml and is served, in the
    SpinApp of each app id it is scoped to, by the component spin.toml
    routes it to (Dapr drops an event whose route answers 404)."""
    problems = []
    by_id = _app_by_id(spinapps)
    pubsubs = {name_of(c) for c in components if str(c.get("spec", {}).get("type", "")).startswith("pubsub.")}
    topics = {s.get("spec", {}).get("topic") for s in subscriptions}
    for sub in subscriptions:
        n, spec = name_of(sub), sub.get("spec") or {}
        if spec.get("pubsubname") not in pubsubs:
            problems.append(f"subscription {n}: pubsub {spec.get('pubsubname')!r} is not a pub/sub component")
        routes = spec.get("routes") or {}
        paths = [r.get("path") for r in routes.get("rules") or []] + ([routes["default"]] if routes.get("default") else [])
        if spec.get("route"):
            paths.append(spec["route"])
        if not paths:
            problems.append(f"subscription {n} has no route")
        topic = spec.get("topic", "")
        if not topic.endswith("-dlq"):
            dlq = spec.get("deadLetterTopic")
            if not dlq:
                problems.append(f"subscription {n} has no deadLetterTopic")
            elif dlq not in topics:
                problems.append(f"subscription {n}: nobody subscribes to its dead-letter topic {dlq!r}")
        scopes = sub.get("scopes") or []
        if not scopes:
            problems.append(f"subscription {n} is not scoped: every app id would consume {topic!r}")
        for path in paths:
            component = resolve_route(path, spin.routes)
            if component is None:
                problems.append(f"subscription {n}: route {path} is not a route of spin.toml")
                continue
            for scope in scopes:
                app = by_id.get(scope)
                if app is None:
                    problems.append(f"subscription {n}: scope {scope!r} is no SpinApp's Dapr app id")
                elif _served_by(spin, app, path) != component:
                    problems.append(f"subscription {n}: SpinApp {name_of(app)} (app id {scope}) does not serve {path} "
                                    f"with {component!r}; Dapr would drop its events")
    return problems


def binding_problems(spin: Spin, components: list, spinapps: list, hpas: list) -> list:
    """Cron bindings call a route of spin.toml served by the SpinApp of
    their scope, and that SpinApp has exactly one replica (a cron binding
    fires on every replica)."""
    problems = []
    by_id = _app_by_id(spinapps)
    scaled = {h.get("spec", {}).get("scaleTargetRef", {}).get("name") for h in hpas}
    for comp in components:
        spec = comp.get("spec") or {}
        if spec.get("type") != "bindings.cron":
            continue
        n = name_of(comp)
        meta = {m.get("name"): m.get("value") for m in spec.get("metadata") or []}
        path = meta.get("route") or "/" + n
        component = resolve_route(path, spin.routes)
        if component is None:
            problems.append(f"cron binding {n}: route {path} is not a route of spin.toml")
        scopes = comp.get("scopes") or []
        if not scopes:
            problems.append(f"cron binding {n} is not scoped: it would fire in every app")
        for scope in scopes:
            app = by_id.get(scope)
            if app is None:
                problems.append(f"cron binding {n}: scope {scope!r} is no SpinApp's Dapr app id")
                continue
            if component is not None and _served_by(spin, app, path) != component:
                problems.append(f"cron binding {n}: SpinApp {name_of(app)} does not serve {path}")
            aspec = app.get("spec", {})
            if aspec.get("enableAutoscaling") or aspec.get("replicas") != 1 or name_of(app) in scaled:
                problems.append(f"cron binding {n}: SpinApp {name_of(app)} must run exactly one replica, "
                                f"not autoscaled (cron bindings fire on every replica)")
    return problems


def job_problems(spin: Spin, spinapps: list, schedulers: set) -> list:
    """Dapr delivers a job (POST /job/<name>) to the app id that scheduled
    it: the components that schedule jobs and those serving /job/ routes
    run in the same SpinApp."""
    problems = []
    handlers = {c for r, c in spin.routes if r == "/job" or r.startswith("/job/")}
    for app in spinapps:
        comps = set(app.get("spec", {}).get("components") or [])
        if comps & schedulers and not comps & handlers:
            problems.append(f"SpinApp {name_of(app)} schedules Dapr jobs ({sorted(comps & schedulers)}) but serves no /job/ route")
        if comps & handlers and not comps & schedulers:
            problems.append(f"SpinApp {name_of(app)} serves /job/ routes ({sorted(comps & handlers)}) but schedules no job: "
                            f"Dapr would never call them there")
    return problems


# ------------------------------------------------------------------ gateway


def _path_key(match: dict, path: str):
    """Gateway API precedence of a match for `path`, or None if it does not
    match. Exact beats PathPrefix; a longer prefix beats a shorter one. A
    regular expression cannot be reasoned about: it counts as matching."""
    pm = match.get("path") or {"type": "PathPrefix", "value": "/"}
    typ, value = pm.get("type", "PathPrefix"), pm.get("value", "/")
    if typ == "Exact":
        return (2, len(value)) if path == value else None
    if typ == "PathPrefix":
        prefix = value.rstrip("/")
        if prefix == "" or path == prefix or path.startswith(prefix + "/"):
            return (1, len(prefix))
        return None
    return (1, -1)  # RegularExpression and anything else: assume it matches, lowest precedence


def _unconstrained(match: dict) -> bool:
    return not (match.get("headers") or match.get("queryParams") or match.get("method"))


def gateway_problems(spin: Spin, objects: list) -> list:
    """No internal route is reachable through the gateway: the rule that
    wins for an internal path never forwards, and no SpinApp the gateway
    forwards to contains an internal component."""
    problems = []
    spinapps = {name_of(a): a for a in spinapps_of(objects)}
    services = {name_of(s) for s in of_kind(objects, "Service")}
    gateways = {name_of(g) for g in of_kind(objects, "Gateway", "gateway.networking.k8s.io")}
    internal_components = spin.internal_components()
    internal_paths = sorted({sample_path(r) for r, _ in spin.routes if is_internal_path(r)}
                            | {p + "/x" for p in INTERNAL_PREFIXES} | set(NEVER_FORWARDED)
                            | {"/dapr/subscribe", "/dapr/config"})
    candidates = []  # (key, forwards, unconstrained, where)
    routes = of_kind(objects, "HTTPRoute", "gateway.networking.k8s.io")
    for route in routes:
        rn = name_of(route)
        for parent in (route.get("spec") or {}).get("parentRefs") or []:
            if parent.get("kind", "Gateway") == "Gateway" and parent.get("name") not in gateways:
                problems.append(f"HTTPRoute {rn} attaches to Gateway {parent.get('name')!r}, which is not rendered")
        for i, rule in enumerate((route.get("spec") or {}).get("rules") or []):
            refs = rule.get("backendRefs") or []
            for ref in refs:
                target = ref.get("name")
                if ref.get("kind", "Service") != "Service":
                    problems.append(f"HTTPRoute {rn} rule {i}: backend {target!r} is not a Service")
                elif target in spinapps:
                    leaked = set(spinapps[target]["spec"].get("components") or []) & internal_components
                    if leaked:
                        problems.append(f"HTTPRoute {rn} rule {i} forwards to SpinApp {target}, which contains "
                                        f"internal components {sorted(leaked)}")
                elif target not in services:
                    problems.append(f"HTTPRoute {rn} rule {i}: backend {target!r} is neither a SpinApp nor a Service")
                for m in rule.get("matches") or [{}]:
                    if (m.get("path") or {}).get("type") not in (None, "Exact", "PathPrefix"):
                        problems.append(f"HTTPRoute {rn} rule {i}: a {m['path']['type']} path match forwards "
                                        f"requests the checks cannot bound")
            for m in rule.get("matches") or [{}]:
                candidates.append((m, bool(refs), f"HTTPRoute {rn} rule {rule.get('name', i)}"))
    for path in internal_paths:
        matching = [(k, fw, _unconstrained(m), where) for m, fw, where in candidates
                    if (k := _path_key(m, path)) is not None]
        for key, forwards, _, where in matching:
            if not forwards:
                continue
            blocked = any(not f and unc and k > key for k, f, unc, _ in matching)
            if not blocked:
                problems.append(f"internal path {path} reaches a backend through {where}")
    return problems


# ------------------------------------------------------------------ secrets

_PEM = re.compile(r"-----BEGIN [A-Z ]*(PRIVATE KEY|CERTIFICATE)-----")
_URL_USERINFO = re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:([^/\s@]+)@", re.I)
_TOKEN_PREFIXES = re.compile(r"\b(ghp_|gho_|ghs_|github_pat_|dop_v1_|AKIA[0-9A-Z]{16}|xox[bp]-|sk-[A-Za-z0-9]{20})")
_BLOB = re.compile(r"^[A-Za-z0-9+/=_-]{32,}$")


def looks_like_secret(text: str) -> bool:
    """A credential written out: a PEM block, a URL with a password, a
    known token format, or a long random-looking string."""
    if _PEM.search(text) or _TOKEN_PREFIXES.search(text):
        return True
    for m in _URL_USERINFO.finditer(text):
        password = m.group(1)
        # Placeholders in documentation and scripts: $password, %s, <...>,
        # {{ ... }}, PASSWORD.
        if not (password[0] in "$%<{" or password.isupper()):
            return True
    for word in re.split(r"[\s\"',;=()\[\]{}<>`|]+", text):
        if word.startswith("sha256:") or "." in word or "/" in word:
            continue
        if _BLOB.match(word) and re.search(r"[0-9]", word) and re.search(r"[A-Za-z]", word):
            return True
    return False


def _walk_strings(value, path=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk_strings(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk_strings(v, f"{path}[{i}]")
    elif isinstance(value, str):
        yield path, value


def secret_value_problems(objects: list, secret_variables: set) -> list:
    """No secret value in any manifest: Secrets are created outside the
    manifests (k8s/secrets.sh) and everything else only references them."""
    problems = []
    for o in objects:
        kind, n, spec = o.get("kind"), name_of(o), o.get("spec") or {}
        where = f"{kind} {n}"
        if kind == "Secret" and (o.get("data") or o.get("stringData")):
            problems.append(f"{where} carries data: Secrets are created by k8s/secrets.sh, never rendered")
        if kind == "SpinApp":
            for var in spec.get("variables") or []:
                vname = var.get("name", "")
                sensitive = vname in secret_variables or SENSITIVE_NAME.search(vname)
                if sensitive and ("value" in var or "secretKeyRef" not in (var.get("valueFrom") or {})):
                    problems.append(f"{where}: variable {vname} must come from a Secret (valueFrom.secretKeyRef)")
        if kind == "Component" and o.get("apiVersion", "").startswith("dapr.io/"):
            for item in spec.get("metadata") or []:
                if SENSITIVE_NAME.search(item.get("name", "")) and "value" in item:
                    problems.append(f"{where}: metadata {item['name']} has a value; use secretKeyRef")
        for path, text in _walk_strings(o):
            # The env var values and annotations are checked by name above
            # and by shape here.
            if path.endswith(".value") and SENSITIVE_NAME.search(_env_name(o, path)) and text:
                problems.append(f"{where}: {path} sets {_env_name(o, path)} to a literal value; use a secretKeyRef")
            elif looks_like_secret(text):
                problems.append(f"{where}: {path} looks like a credential")
    return problems


def _env_name(obj, path: str) -> str:
    """For a path ending in .env[i].value, the env var's name."""
    m = re.search(r"\.env\[(\d+)\]\.value$", path)
    if not m:
        return ""
    node = obj
    for part in re.findall(r"\.([^.\[]+)|\[(\d+)\]", path[: path.rfind(".value")]):
        key, idx = part
        node = node[int(idx)] if idx else node.get(key, {})
    return node.get("name", "") if isinstance(node, dict) else ""


# ---------------------------------------------------------------- workloads

SIDECAR_RESOURCES = ("dapr.io/sidecar-cpu-request", "dapr.io/sidecar-cpu-limit",
                     "dapr.io/sidecar-memory-request", "dapr.io/sidecar-memory-limit")


def _resources_problems(where, resources):
    problems = []
    for side in ("requests", "limits"):
        for res in ("cpu", "memory"):
            if not ((resources or {}).get(side) or {}).get(res):
                problems.append(f"{where}: no {res} {side[:-1] if side == 'limits' else 'request'}")
    return problems


def workload_problems(spin: Spin, objects: list) -> list:
    """Every workload has readiness and liveness probes, requests and limits
    (SpinApps: for Spin and, through annotations, for the Dapr sidecar)."""
    problems = []
    for o in objects:
        kind, n, spec = o.get("kind"), name_of(o), o.get("spec") or {}
        if kind == "SpinApp":
            where = f"SpinApp {n}"
            checks = spec.get("checks") or {}
            for probe in ("readiness", "liveness"):
                path = ((checks.get(probe) or {}).get("httpGet") or {}).get("path")
                if not path:
                    problems.append(f"{where}: no {probe} check")
                elif _served_by(spin, o, path) not in SHARED_COMPONENTS:
                    problems.append(f"{where}: {probe} path {path} is not served by its health component")
            problems += _resources_problems(where, spec.get("resources"))
            ann = spec.get("podAnnotations") or {}
            for key in SIDECAR_RESOURCES:
                if not ann.get(key):
                    problems.append(f"{where}: no {key} (the Dapr sidecar's resources)")
        elif kind in ("Deployment", "StatefulSet", "DaemonSet"):
            pod = ((spec.get("template") or {}).get("spec")) or {}
            for c in pod.get("containers") or []:
                where = f"{kind} {n} container {c.get('name')}"
                for probe in ("readinessProbe", "livenessProbe"):
                    if not c.get(probe):
                        problems.append(f"{where}: no {probe}")
                problems += _resources_problems(where, c.get("resources"))
            for c in pod.get("initContainers") or []:
                problems += _resources_problems(f"{kind} {n} init container {c.get('name')}", c.get("resources"))
    return problems


def rollout_problems(objects: list) -> list:
    """Rolling updates never take a pod down before its replacement is
    ready. (SpinApp Deployments get the same strategy from k8s/deploy.sh:
    the operator sets none.)"""
    problems = []
    for o in of_kind(objects, "Deployment"):
        strategy = (o.get("spec") or {}).get("strategy") or {}
        ru = strategy.get("rollingUpdate") or {}
        if strategy.get("type", "RollingUpdate") != "RollingUpdate" or str(ru.get("maxUnavailable")) != "0":
            problems.append(f"Deployment {name_of(o)}: rolling update must have maxUnavailable 0")
    return problems


def dapr_annotation_problems(spinapps: list, objects: list) -> list:
    problems = []
    configs = {name_of(c) for c in of_kind(objects, "Configuration", "dapr.io")}
    for app in spinapps:
        where = f"SpinApp {name_of(app)}"
        if (app.get("metadata") or {}).get("annotations", {}) and any(
                k.startswith("dapr.io/") for k in app["metadata"]["annotations"]):
            problems.append(f"{where}: Dapr annotations in metadata.annotations never reach the pod; use spec.podAnnotations")
        ann = app.get("spec", {}).get("podAnnotations") or {}
        if ann.get("dapr.io/enabled") != "true":
            problems.append(f"{where}: dapr.io/enabled is not \"true\"")
        if ann.get("dapr.io/app-port") != "80":
            problems.append(f"{where}: dapr.io/app-port must be \"80\" (Spin listens there)")
        if ann.get("dapr.io/config") not in configs:
            problems.append(f"{where}: dapr.io/config {ann.get('dapr.io/config')!r} is not a rendered Configuration")
        if ann.get("dapr.io/enable-metrics") != "true":
            problems.append(f"{where}: Dapr metrics are off")
        variables = {v.get("name"): v for v in app.get("spec", {}).get("variables") or []}
        for var, key in (("dapr_api_token", "dapr.io/api-token-secret"), ("app_api_token", "dapr.io/app-token-secret")):
            if var in variables:
                ref = ((variables[var].get("valueFrom") or {}).get("secretKeyRef")) or {}
                if ann.get(key) != ref.get("name") or ref.get("key") != "token":
                    problems.append(f"{where}: variable {var} and {key} must name the same Secret (key `token`)")
    return problems


def variable_problems(spin: Spin, spinapps: list) -> list:
    """Each SpinApp sets exactly the variables its components need: no
    unknown or unread ones, every required one, and the database settings
    wherever a component reads the database (Spin's built-in SQLite would
    give every pod its own database)."""
    problems = []
    for app in spinapps:
        where = f"SpinApp {name_of(app)}"
        comps = app.get("spec", {}).get("components") or []
        needed = set()
        for c in comps:
            needed |= spin.variable_refs(c)
        names = [v.get("name") for v in app.get("spec", {}).get("variables") or []]
        for n in names:
            if n not in spin.variables:
                problems.append(f"{where}: variable {n} is not declared in spin.toml")
            elif n not in needed:
                problems.append(f"{where}: variable {n} is read by none of its components")
            if n and n.upper().startswith("SPIN_VARIABLE_"):
                problems.append(f"{where}: variable {n}: the operator adds the SPIN_VARIABLE_ prefix itself")
        for n in sorted((needed & spin.required_variables()) - set(names)):
            problems.append(f"{where}: required variable {n} is not set")
        if "db_url" in needed:
            for n in ("db_url", "db_host", "db_port"):
                if n not in names:
                    problems.append(f"{where}: {n} is not set; its components read the database")
    return problems


def disruption_budget_problems(objects: list) -> list:
    """Every workload has exactly one PodDisruptionBudget."""
    problems = []
    pdbs = of_kind(objects, "PodDisruptionBudget")
    for w in workloads_of(objects):
        covering = [name_of(p) for p in pdbs if labels_select((p.get("spec") or {}).get("selector"), w.pod_labels)]
        if len(covering) != 1:
            problems.append(f"{w.kind} {w.name}: {len(covering)} PodDisruptionBudgets select its pods; expected one")
    return problems


def autoscaling_problems(objects: list) -> list:
    """Every SpinApp either has its replicas, or enables autoscaling and has
    exactly one scaler (an HPA or a KEDA ScaledObject, which makes its own
    HPA) targeting the Deployment named like it."""
    problems = []
    apps = {name_of(a): a for a in spinapps_of(objects)}
    hpas = of_kind(objects, "HorizontalPodAutoscaler")
    targets = {}
    for so in of_kind(objects, "ScaledObject", "keda.sh"):
        ref = (so.get("spec") or {}).get("scaleTargetRef") or {}
        targets.setdefault(ref.get("name"), []).append(so)
        if ref.get("name") in apps:
            if ref.get("kind") != "Deployment" or ref.get("apiVersion") != "apps/v1":
                problems.append(f"ScaledObject {name_of(so)} must target the apps/v1 Deployment named like the SpinApp")
            if not apps[ref["name"]]["spec"].get("enableAutoscaling"):
                problems.append(f"ScaledObject {name_of(so)} scales SpinApp {ref['name']}, which does not enableAutoscaling")
    for h in hpas:
        ref = (h.get("spec") or {}).get("scaleTargetRef") or {}
        targets.setdefault(ref.get("name"), []).append(h)
        if ref.get("name") in apps:
            if ref.get("kind") != "Deployment":
                problems.append(f"HPA {name_of(h)} must target the Deployment named like the SpinApp")
            if not apps[ref["name"]]["spec"].get("enableAutoscaling"):
                problems.append(f"HPA {name_of(h)} scales SpinApp {ref['name']}, which does not enableAutoscaling")
            for m in (h.get("spec") or {}).get("metrics") or []:
                if m.get("type") == "Resource":
                    problems.append(f"HPA {name_of(h)}: a pod Resource metric mixes Spin with daprd; use ContainerResource")
                if m.get("type") == "ContainerResource" and m["containerResource"].get("container") != ref["name"]:
                    problems.append(f"HPA {name_of(h)}: the Spin container is named {ref['name']}")
    for n, a in apps.items():
        spec = a.get("spec") or {}
        if spec.get("enableAutoscaling"):
            if "replicas" in spec:
                problems.append(f"SpinApp {n}: replicas must be unset with enableAutoscaling")
            if len(targets.get(n, [])) != 1:
                problems.append(f"SpinApp {n} enables autoscaling but {len(targets.get(n, []))} HPAs or ScaledObjects target it")
        elif not isinstance(spec.get("replicas"), int) or spec["replicas"] < 1:
            problems.append(f"SpinApp {n}: replicas must be at least 1 (or enableAutoscaling)")
    return problems


def network_policy_problems(spin: Spin, objects: list) -> list:
    """Default deny in both directions; pods of SpinApps that serve internal
    routes admit no connection except the metrics scrape."""
    problems = []
    policies = of_kind(objects, "NetworkPolicy")
    if not any((p.get("spec") or {}).get("podSelector") == {} and
               set((p.get("spec") or {}).get("policyTypes") or []) >= {"Ingress", "Egress"} and
               not p["spec"].get("ingress") and not p["spec"].get("egress") for p in policies):
        problems.append("no default-deny NetworkPolicy (podSelector {}, Ingress and Egress, no rules)")
    internal = spin.internal_components()
    for app in spinapps_of(objects):
        if not set(app.get("spec", {}).get("components") or []) & internal:
            continue
        labels = app.get("spec", {}).get("podLabels") or {}
        for p in policies:
            if not labels_select(p["spec"].get("podSelector"), labels):
                continue
            for rule in p["spec"].get("ingress") or []:
                ports = {str(x.get("port")) for x in rule.get("ports") or []}
                if not ports or ports - {"9090", "dapr-metrics"}:
                    problems.append(f"NetworkPolicy {name_of(p)} admits traffic to SpinApp {name_of(app)}, "
                                    f"which serves internal routes (ports {sorted(ports) or 'all'})")
    return problems


def image_problems(objects: list) -> list:
    problems = []
    images = {a["spec"].get("image") for a in spinapps_of(objects)}
    if len(images) != 1:
        problems.append(f"SpinApps run {len(images)} different images; they must share one artifact")
    executors = {name_of(e): e for e in of_kind(objects, "SpinAppExecutor")}
    for a in spinapps_of(objects):
        ex = executors.get(a["spec"].get("executor"))
        if ex is None:
            problems.append(f"SpinApp {name_of(a)}: executor {a['spec'].get('executor')!r} is not rendered in its namespace")
        elif not ((ex.get("spec") or {}).get("deploymentConfig") or {}).get("runtimeClassName"):
            problems.append(f"SpinAppExecutor {name_of(ex)} names no runtimeClassName")
    return problems


def referenced_secrets(objects: list) -> dict:
    """{(kind, name): [where, ...]} of the Secrets and ConfigMaps the
    objects reference."""
    refs = {}

    def add(kind, n, where):
        if n:
            refs.setdefault((kind, n), []).append(where)

    for o in objects:
        where = f"{o.get('kind')} {name_of(o)}"
        _collect_refs(o, where, add)
        if o.get("kind") == "SpinApp":
            ann = o["spec"].get("podAnnotations") or {}
            add("Secret", ann.get("dapr.io/api-token-secret"), where)
            add("Secret", ann.get("dapr.io/app-token-secret"), where)
        if o.get("kind") == "SpinAppExecutor":
            add("Secret", ((o.get("spec") or {}).get("deploymentConfig") or {}).get("caCertSecret"), where)
        if o.get("kind") == "Gateway":
            for listener in (o.get("spec") or {}).get("listeners") or []:
                for ref in (listener.get("tls") or {}).get("certificateRefs") or []:
                    add("Secret", ref.get("name"), where)
    return refs


def _collect_refs(node, where, add):
    if isinstance(node, dict):
        for key, kind in (("secretKeyRef", "Secret"), ("configMapKeyRef", "ConfigMap")):
            if isinstance(node.get(key), dict):
                add(kind, node[key].get("name"), where)
        # AlertmanagerConfig receivers and PodMonitor authorization name
        # their Secrets as {name, key}.
        for key in ("urlSecret", "apiURL", "routingKey", "serviceKey", "credentials"):
            if isinstance(node.get(key), dict) and "name" in node[key]:
                add("Secret", node[key]["name"], where)
        if isinstance(node.get("secret"), dict) and "secretName" in node["secret"]:
            add("Secret", node["secret"]["secretName"], where)
        if isinstance(node.get("configMap"), dict) and "name" in node["configMap"]:
            add("ConfigMap", node["configMap"]["name"], where)
        for v in node.values():
            _collect_refs(v, where, add)
    elif isinstance(node, list):
        for v in node:
            _collect_refs(v, where, add)


def reference_problems(objects: list, provided: set) -> list:
    """Every Secret and ConfigMap the manifests reference is either rendered
    or created by the project's scripts (`provided`: (kind, name) pairs)."""
    rendered = {(o.get("kind"), name_of(o)) for o in objects if o.get("kind") in ("Secret", "ConfigMap")}
    problems = []
    for (kind, n), where in sorted(referenced_secrets(objects).items()):
        if (kind, n) not in rendered and (kind, n) not in provided:
            problems.append(f"{kind} {n} (referenced by {', '.join(sorted(set(where)))}) is neither rendered nor "
                            f"created by k8s/secrets.sh or spinkube/")
    return problems


def provided_by_scripts(texts: list) -> set:
    """The Secrets and ConfigMaps the scripts create."""
    out = set()
    for text in texts:
        for m in re.finditer(r"\bensure_(?:generated_)?secret\s+([a-z0-9][a-z0-9.-]*)", text):
            out.add(("Secret", m.group(1)))
        for m in re.finditer(r"\bensure_configmap\s+([a-z0-9][a-z0-9.-]*)", text):
            out.add(("ConfigMap", m.group(1)))
        for m in re.finditer(r"^\s*secretName:\s*([a-z0-9][a-z0-9.-]*)\s*$", text, re.M):
            out.add(("Secret", m.group(1)))
    return out
