# Helpers shared by the platform scripts (spinkube/*.sh) and
# k8s/secrets.sh. Every step checks first, so every script can run again.
# shellcheck shell=bash

set -euo pipefail

SPINKUBE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=spinkube/versions.env
source "$SPINKUBE_DIR/versions.env"

# The app's namespace (k8s/base/namespace.yaml).
APP_NAMESPACE="${APP_NAMESPACE:-taskmanager}"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

need() {
    local cmd
    for cmd in "$@"; do
        command -v "$cmd" >/dev/null 2>&1 || die "$cmd is required (see spinkube/README.md)"
    done
}

ensure_namespace() {
    kubectl create namespace "$1" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
}

# helm_release NAME CHART VERSION NAMESPACE [helm args...]: install or
# upgrade to exactly VERSION, waiting for the release to be ready.
helm_release() {
    local name="$1" chart="$2" version="$3" namespace="$4"
    shift 4
    log "helm: $name $version ($chart) in $namespace"
    helm upgrade --install "$name" "$chart" --version "$version" \
        --namespace "$namespace" --create-namespace --wait --timeout 10m "$@"
}

# random_token: 32 random bytes, hex.
random_token() {
    head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'
}

secret_exists() {
    kubectl -n "$APP_NAMESPACE" get secret "$1" >/dev/null 2>&1
}

# ensure_secret NAME KEY=FILE...: creates the Secret from the files unless
# it exists already; an existing Secret is never overwritten (rotate by
# deleting it first). Values travel in files, never on a command line.
ensure_secret() {
    local name="$1"
    shift
    if secret_exists "$name"; then
        log "secret $name exists: kept"
        return
    fi
    local args=() pair
    for pair in "$@"; do
        args+=("--from-file=$pair")
    done
    log "secret $name: created"
    kubectl -n "$APP_NAMESPACE" create secret generic "$name" "${args[@]}" >/dev/null
}

# ensure_generated_secret NAME KEY: a Secret with one random value.
ensure_generated_secret() {
    local name="$1" key="$2"
    if secret_exists "$name"; then
        log "secret $name exists: kept"
        return
    fi
    local dir
    dir="$(mktemp -d)"
    random_token > "$dir/$key"
    ensure_secret "$name" "$key=$dir/$key"
    rm -rf "$dir"
}

# ensure_configmap NAME KEY=VALUE...: non-secret settings; applied every
# time (it is configuration, not a credential).
ensure_configmap() {
    local name="$1"
    shift
    local args=() pair
    for pair in "$@"; do
        args+=("--from-literal=$pair")
    done
    kubectl -n "$APP_NAMESPACE" create configmap "$name" "${args[@]}" \
        --dry-run=client -o yaml | kubectl apply -f - >/dev/null
    log "configmap $name: applied"
}

# subst FILE: prints FILE with ${NAME} replaced by the value of NAME, for
# the few settings the platform manifests take.
subst() {
    local text name
    text="$(cat "$1")"
    for name in SHIM_VERSION SHIM_SHA256_X86_64 SHIM_SHA256_AARCH64 APP_HOST ACME_EMAIL; do
        text="${text//"\${$name}"/${!name:-}}"
    done
    printf '%s\n' "$text"
}

# DigitalOcean settings shared by cluster.sh, database.sh, kafka.sh and
# teardown.sh.
CLUSTER_NAME="${CLUSTER_NAME:-taskmanager}"
REGION="${REGION:-ams3}"
PG_NAME="${PG_NAME:-taskmanager-pg}"
KAFKA_NAME="${KAFKA_NAME:-taskmanager-kafka}"

# do_database_id NAME: the id of a managed database cluster, or nothing.
do_database_id() {
    doctl databases list --format ID,Name --no-header | awk -v n="$1" '$2 == n { print $1 }'
}

do_cluster_id() {
    doctl kubernetes cluster get "$CLUSTER_NAME" --format ID --no-header
}

# do_allow_cluster DB_ID: only the Kubernetes cluster may reach the database.
do_allow_cluster() {
    local db="$1" cluster
    cluster="$(do_cluster_id)"
    if doctl databases firewalls list "$db" --format Type,Value --no-header | grep -q "k8s[[:space:]]*$cluster"; then
        return
    fi
    log "database firewall: allowing cluster $CLUSTER_NAME"
    doctl databases firewalls append "$db" --rule "k8s:$cluster" >/dev/null
}
