"""Every overlay renders with the deploy command (k8s/render.sh) and every
object it holds validates against its schema."""

from __future__ import annotations

import subprocess

import pytest
import yaml

import checks
import schemas
from conftest import KUBECTL, OVERLAYS, ROOT, render

# Platform objects whose CRDs are neither in the shared set nor covered by
# a structural schema of ours: only parsed, not schema-validated.
UNVALIDATED_PLATFORM_KINDS = {
    ("runtime.spinkube.dev", "Shim"),  # runtime-class-manager
    ("cert-manager.io", "ClusterIssuer"),
    ("cert-manager.io", "Certificate"),
    ("gateway.envoyproxy.io", "EnvoyProxy"),  # the gateway proxies' Service settings
}


def test_there_are_overlays():
    assert {"local", "doks"} <= set(OVERLAYS)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_validates(overlay, rendered, crds):
    objects = rendered(overlay)
    assert objects, f"{overlay} renders nothing"
    problems = [p for o in objects for p in schemas.validate_object(o, crds)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_apply_k_reads_the_overlay_as_rendered(overlay, rendered):
    """`kubectl apply -k k8s/overlays/<overlay>` works: kustomize with its
    default load restrictions (what apply -k uses) renders the overlay, to
    the same objects the deploy renders, Dapr resources included."""
    proc = subprocess.run([KUBECTL, "kustomize", str(ROOT / "k8s" / "overlays" / overlay)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    objects = [d for d in yaml.safe_load_all(proc.stdout) if d]
    assert objects == rendered(overlay)
    kinds = {o["kind"] for o in objects if o["apiVersion"].startswith("dapr.io/")}
    assert {"Component", "Subscription", "Resiliency"} <= kinds


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_object_is_namespaced_in_the_app_namespace(overlay, rendered):
    cluster_scoped = {"Namespace"}
    wrong = [f"{o['kind']} {checks.name_of(o)}: {o['metadata'].get('namespace')}" for o in rendered(overlay)
             if o["kind"] not in cluster_scoped and o["metadata"].get("namespace") != "taskmanager"]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_image_pinning(overlay):
    image = "ghcr.io/acme/taskmanager@sha256:" + "ab" * 32
    apps = checks.spinapps_of(render(overlay, image))
    assert apps and {a["spec"]["image"] for a in apps} == {image}
    tagged = checks.spinapps_of(render(overlay, "registry.example:5000/tm:0123abc"))
    assert {a["spec"]["image"] for a in tagged} == {"registry.example:5000/tm:0123abc"}


def platform_objects():
    values = {"SHIM_VERSION": "v0.24.0", "SHIM_SHA256_X86_64": "0" * 64, "SHIM_SHA256_AARCH64": "0" * 64,
              "APP_HOST": "tasks.example.com", "ACME_EMAIL": "ops@example.com"}
    for path in sorted((ROOT / "spinkube" / "manifests").glob("*.yaml")):
        text = path.read_text()
        for k, v in values.items():
            text = text.replace("${" + k + "}", v)
        assert "${" not in text, f"{path.name}: a placeholder install.sh does not fill in"
        for doc in yaml.safe_load_all(text):
            if doc:
                yield path.name, doc


def test_platform_manifests_validate(crds):
    problems, seen = [], set()
    for name, obj in platform_objects():
        group = obj["apiVersion"].rpartition("/")[0]
        seen.add((group, obj["kind"]))
        if (group, obj["kind"]) in UNVALIDATED_PLATFORM_KINDS:
            continue
        problems += [f"{name}: {p}" for p in schemas.validate_object(obj, crds)]
    assert not problems, "\n".join(problems)
    assert ("gateway.networking.k8s.io", "GatewayClass") in seen


def test_schema_validation_catches_mistakes(crds):
    """The validators reject unknown fields and wrong types, for built-in
    kinds, custom resources and our structural schemas alike."""
    bad_spinapp = {"apiVersion": "core.spinkube.dev/v1alpha1", "kind": "SpinApp", "metadata": {"name": "x"},
                   "spec": {"image": "i", "executor": "e", "replica": 2}}
    assert any("replica" in p for p in schemas.validate_object(bad_spinapp, crds))
    bad_type = {"apiVersion": "core.spinkube.dev/v1alpha1", "kind": "SpinApp", "metadata": {"name": "x"},
                "spec": {"image": "i", "executor": "e", "replicas": "two"}}
    assert schemas.validate_object(bad_type, crds)
    bad_route = {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": "r"},
                 "spec": {"rules": [{"matches": [{"path": {"type": "Glob", "value": "/"}}]}]}}
    assert schemas.validate_object(bad_route, crds)
    bad_sub = {"apiVersion": "dapr.io/v2alpha1", "kind": "Subscription", "metadata": {"name": "s"},
               "spec": {"pubsubname": "p", "topic": "t", "routes": {"default": "/x"}, "deadLetter": "t-dlq"}}
    assert any("deadLetter" in p for p in schemas.validate_object(bad_sub, crds))
    bad_deployment = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
                      "spec": {"selector": {}, "template": {"spec": {"containers": [{"name": "c", "image": "i", "probe": {}}]}}}}
    assert schemas.validate_object(bad_deployment, crds)
    bad_rule = {"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule", "metadata": {"name": "r"},
                "spec": {"groups": [{"name": "g", "rules": [{"alert": "A", "expr": "up", "for": "ten minutes"}]}]}}
    assert schemas.validate_object(bad_rule, crds)
    unknown = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}
    assert any("no schema" in p for p in schemas.validate_object(unknown, crds))
