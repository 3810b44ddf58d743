"""Schema validation of rendered objects: the Kubernetes schemas of
kubernetes-validate for built-in kinds, the CRDs' openAPIV3Schema for
custom resources (strict: unknown fields are errors, as with kubectl's
default field validation), and small structural schemas of our own for
the Prometheus Operator kinds, whose CRDs are not in the shared set.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import jsonschema
import kubernetes_validate
import yaml

# The oldest Kubernetes minor the manifests must be valid for (DOKS 1.34+,
# see spinkube/versions.env).
KUBERNETES_VERSION = "1.34.0"

STRUCTURAL_SCHEMAS_DIR = Path(__file__).parent / "schemas"
# Kinds validated with a structural schema of our own (only the fields the
# manifests use); their CRDs are not among the shared ones.
STRUCTURAL_KINDS = {
    ("monitoring.coreos.com", "PodMonitor"): "podmonitor.json",
    ("monitoring.coreos.com", "ServiceMonitor"): "servicemonitor.json",
    ("monitoring.coreos.com", "PrometheusRule"): "prometheusrule.json",
}

_DNS_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")


class _CrdLoader(yaml.SafeLoader):
    """PyYAML reads a bare `=` as YAML 1.1's `value` type, which it cannot
    build; CRDs use `=` as a plain string (Alertmanager's matcher enum
    `=`, `!=`, `=~`, `!~`), so it is read as one."""


_CrdLoader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))


def load_crds(directory: Path) -> dict:
    """{(group, version, kind): openAPIV3Schema} from every CRD in the
    YAML files under `directory`."""
    index = {}
    for path in sorted(directory.rglob("*.y*ml")):
        for doc in yaml.load_all(path.read_text(), Loader=_CrdLoader):
            if not isinstance(doc, dict) or doc.get("kind") != "CustomResourceDefinition":
                continue
            spec = doc["spec"]
            for version in spec.get("versions", []):
                if not version.get("served", True):
                    continue
                schema = (version.get("schema") or {}).get("openAPIV3Schema")
                if schema:
                    index[(spec["group"], version["name"], spec["names"]["kind"])] = strict_schema(schema)
    return index


def strict_schema(openapi: dict) -> dict:
    """An OpenAPI v3 structural schema as JSON Schema: nullable and
    int-or-string translated, and additionalProperties false wherever the
    schema lists properties and does not preserve unknown fields."""
    schema = copy.deepcopy(openapi)

    def fix(node):
        if isinstance(node, list):
            for n in node:
                fix(n)
            return
        if not isinstance(node, dict):
            return
        if node.pop("x-kubernetes-int-or-string", False):
            node.pop("type", None)
            node["anyOf"] = [{"type": "integer"}, {"type": "string"}]
        if node.pop("nullable", False) and "type" in node:
            node["type"] = [node["type"], "null"]
        if ("properties" in node and "additionalProperties" not in node
                and not node.get("x-kubernetes-preserve-unknown-fields")):
            node["additionalProperties"] = False
        for key, value in list(node.items()):
            if key in ("properties", "patternProperties", "definitions", "$defs"):
                for v in value.values():
                    fix(v)
            elif key in ("items", "additionalProperties", "not") and isinstance(value, (dict, list)):
                fix(value)
            elif key in ("allOf", "anyOf", "oneOf"):
                fix(value)
    fix(schema)
    # metadata is left loose by CRDs; the API server checks it.
    schema.setdefault("properties", {})["metadata"] = {"type": "object"}
    return schema


def _errors(schema: dict, obj: dict) -> list:
    validator = jsonschema.Draft7Validator(schema)
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}"
            for e in sorted(validator.iter_errors(obj), key=lambda e: list(map(str, e.absolute_path)))]


def validate_object(obj: dict, crds: dict) -> list:
    """Problems with one object, against its schema. An object whose kind
    has no schema at all is a problem too."""
    api_version, kind = obj.get("apiVersion", ""), obj.get("kind", "")
    name = (obj.get("metadata") or {}).get("name", "")
    where = f"{kind} {name}"
    problems = []
    if not _DNS_NAME.match(name or "") or len(name) > 253:
        problems.append(f"{where}: invalid metadata.name {name!r}")
    group, _, version = api_version.rpartition("/")
    if (group, version, kind) in crds:
        return problems + [f"{where}: {e}" for e in _errors(crds[(group, version, kind)], obj)]
    if (group, kind) in STRUCTURAL_KINDS:
        schema = json.loads((STRUCTURAL_SCHEMAS_DIR / STRUCTURAL_KINDS[(group, kind)]).read_text())
        return problems + [f"{where}: {e}" for e in _errors(schema, obj)]
    if group and "." in group and not group.endswith(".k8s.io"):
        return problems + [f"{where}: no schema for {api_version} {kind} (no CRD in the shared set, no structural schema)"]
    try:
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.SchemaNotFoundError:
        problems.append(f"{where}: Kubernetes {KUBERNETES_VERSION} has no {api_version} {kind}")
    except kubernetes_validate.ValidationError as e:
        path = "/".join(str(p) for p in e.path) or "(root)"
        problems.append(f"{where}: {path}: {e.message}")
    return problems
