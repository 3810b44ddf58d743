#!/usr/bin/env bash
# Checks the deployment side of the project:
# - renders every Kubernetes overlay (k8s/render.sh, the command deploys
#   use) and validates every object against the Kubernetes schemas
#   (kubernetes-validate, strict) and the CRD schemas in ../shared/crds;
# - checks the invariants between spin.toml, dapr/ and the manifests
#   (tests/manifests, pytest);
# - checks the alerting and recording rules as `promtool check rules`
#   does (every expression through a PromQL parser, promql-parser);
# - lints the GitHub workflows (actionlint) and the shell scripts
#   (shellcheck).
# Installs what it needs once, in the tests' Python environment (see
# ensure_test_venv in scripts/lib.sh); then runs offline.
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

CRDS_DIR="${CRDS_DIR:-$ROOT/../shared/crds}"
if [ ! -d "$CRDS_DIR" ]; then
    echo "CRD schemas not found: expected the directory $CRDS_DIR (the shared/ folder next to the repository), or set CRDS_DIR" >&2
    exit 1
fi

ensure_test_venv
KUBECTL="$(kubectl_on_machine || echo "$TEST_VENV/bin/kubectl")"
export KUBECTL
CRDS_DIR="$(cd "$CRDS_DIR" && pwd)"
export CRDS_DIR
export PATH="$TEST_VENV/bin:$PATH"

log "Kubernetes manifests, workflows and scripts ($("$KUBECTL" version --client 2>/dev/null | head -n 1))"
# No __pycache__ in the work tree.
PYTHONDONTWRITEBYTECODE=1 "$TEST_VENV/bin/python" -m pytest -q -p no:cacheprovider tests/manifests
