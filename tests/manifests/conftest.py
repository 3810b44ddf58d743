"""Shared fixtures: the repository's spin.toml and Dapr resources, the CRD
schemas, and every overlay rendered once with k8s/render.sh."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).parent))

import checks  # noqa: E402
import schemas  # noqa: E402

# Kubernetes reads YAML 1.2, where a bare `=` (kustomize writes the
# AlertmanagerConfig matcher type so) is a string; PyYAML reads it as YAML
# 1.1's `value` type and has no constructor for it.
yaml.SafeLoader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))

ROOT = Path(__file__).resolve().parents[2]
OVERLAYS = sorted(p.name for p in (ROOT / "k8s" / "overlays").iterdir() if (p / "kustomization.yaml").exists())
KUBECTL = os.environ.get("KUBECTL", "kubectl")


def crds_dir() -> Path:
    return Path(os.environ.get("CRDS_DIR", ROOT.parent / "shared" / "crds"))


def render(overlay: str, image: str | None = None) -> list:
    cmd = [str(ROOT / "k8s" / "render.sh"), overlay] + ([image] if image else [])
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "KUBECTL": KUBECTL})
    if proc.returncode != 0:
        pytest.fail(f"k8s/render.sh {overlay} failed:\n{proc.stderr}")
    return [d for d in yaml.safe_load_all(proc.stdout) if d]


_rendered: dict = {}


@pytest.fixture(scope="session")
def rendered():
    """rendered(overlay) -> list of objects (rendered once per session)."""
    def get(overlay):
        if overlay not in _rendered:
            _rendered[overlay] = render(overlay)
        return _rendered[overlay]
    return get


@pytest.fixture(scope="session")
def crds():
    directory = crds_dir()
    if not directory.is_dir():
        pytest.fail(f"CRD schemas not found at {directory}: the shared/ folder next to the repository "
                    f"(or set CRDS_DIR)", pytrace=False)
    index = schemas.load_crds(directory)
    if not index:
        pytest.fail(f"no CustomResourceDefinition found under {directory}", pytrace=False)
    return index


@pytest.fixture(scope="session")
def spin():
    return checks.Spin.from_manifest(tomllib.loads((ROOT / "spin.toml").read_text()))


@pytest.fixture(scope="session")
def dapr_files():
    """{file name: [objects]} of the shared Dapr resources (the directory's
    kustomization.yaml, which makes it a Kustomize base, is not one)."""
    return {p.name: [d for d in yaml.safe_load_all(p.read_text()) if d]
            for p in sorted((ROOT / "dapr").glob("*.yaml")) if p.name != "kustomization.yaml"}


@pytest.fixture(scope="session")
def provided():
    """The Secrets and ConfigMaps the scripts create."""
    texts = [p.read_text() for d in ("k8s", "spinkube") for p in sorted((ROOT / d).rglob("*"))
             if p.is_file() and p.suffix in (".sh", ".yaml", ".yml")]
    return checks.provided_by_scripts(texts)


@pytest.fixture(scope="session")
def job_schedulers(spin):
    """Components whose source uses the Dapr Jobs API client
    (crates/events/src/jobs.rs: its module, or its methods on Publisher)."""
    uses_jobs = re.compile(r"jobs::|\.run_job_command\(|\.schedule_[a-z_]+\(")
    out = set()
    for name in spin.components:
        src = ROOT / "components" / name / "src"
        if src.is_dir() and any(uses_jobs.search(p.read_text()) for p in src.rglob("*.rs")):
            out.add(name)
    return out
