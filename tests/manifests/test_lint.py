"""The GitHub workflows pass actionlint, the shell scripts shellcheck."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from conftest import ROOT

# Scripts written with this check in place: every shellcheck severity.
STRICT = sorted([*ROOT.glob("k8s/*.sh"), *ROOT.glob("spinkube/*.sh"), ROOT / "scripts" / "test-manifests.sh"])
# The rest: warnings and errors.
OTHERS = sorted(p for p in [*ROOT.glob("scripts/*.sh"), ROOT / ".ci" / "run"] if p not in STRICT)


def tool(name):
    path = shutil.which(name)
    assert path, f"{name} is not installed (scripts/test-manifests.sh installs it)"
    return path


def run(cmd):
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    return proc.returncode, proc.stdout + proc.stderr


def test_workflows_pass_actionlint():
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert {"ci.yml", "release.yml", "deploy.yml"} <= {w.name for w in workflows}
    code, out = run([tool("actionlint"), "-shellcheck", tool("shellcheck"), *map(str, workflows)])
    assert code == 0, out


def test_workflows_match_the_github_schema():
    """check-jsonschema's bundled (offline) schema of GitHub workflows."""
    workflows = sorted(str(p) for p in (ROOT / ".github" / "workflows").glob("*.yml"))
    code, out = run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *workflows])
    assert code == 0, out


@pytest.mark.parametrize("severity,scripts", [("style", STRICT), ("warning", OTHERS)], ids=["new", "others"])
def test_scripts_pass_shellcheck(severity, scripts):
    assert scripts
    code, out = run([tool("shellcheck"), "--external-sources", "--shell=bash", f"--severity={severity}",
                     *(str(p.relative_to(ROOT)) for p in scripts)])
    assert code == 0, out


def test_scripts_are_executable():
    for path in STRICT:
        if path.name != "lib.sh":
            assert os.access(path, os.X_OK), f"{path.relative_to(ROOT)} is not executable"
