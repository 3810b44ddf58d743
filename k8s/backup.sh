#!/usr/bin/env bash
# Logical backups of the app's PostgreSQL database, taken and restored from
# a short-lived pod in the cluster (the managed database admits only the
# cluster; the pod carries the app's label, so the app's egress policy lets
# it reach the database and nothing else). The dump is pg_dump's custom
# format: compressed, and pg_restore can restore all of it or single tables.
#
#   k8s/backup.sh dump FILE                the app's database (Secret
#                                          taskmanager-db) into FILE
#   k8s/backup.sh restore FILE TARGET_URL  FILE into TARGET_URL, an empty
#                                          database (never the live one)
#
# The managed database's own backups (DigitalOcean: daily, with
# point-in-time recovery over the last 7 days) are the first line; this is
# the copy that leaves the provider. k8s/README.md ("Backups") has the
# whole procedure; tests/retention.rs restores a dump the app wrote and
# checks the app serves the same tasks from it.
set -euo pipefail
# shellcheck source=spinkube/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/spinkube/lib.sh"
need kubectl

# The client matches the server's major version (spinkube/versions.env).
PG_IMAGE="postgres:${DO_PG_VERSION}-alpine"

# Runs COMMAND... in a pod with the app's egress, stdin and stdout attached,
# and DB_URL from the Secret key SECRET/KEY in its environment (Kubernetes
# expands $(DB_URL) in the command; no shell, no URL on a command line).
in_cluster() {
    local secret="$1" key="$2"
    shift 2
    local command_json="" word
    for word in "$@"; do command_json="$command_json\"$word\","; done
    kubectl -n "$APP_NAMESPACE" run "backup-$$" --rm -i --quiet --restart=Never \
        --image="$PG_IMAGE" --labels="app.kubernetes.io/name=taskmanager,app.kubernetes.io/component=backup" \
        --overrides="{\"spec\":{\"automountServiceAccountToken\":false,\"containers\":[{
            \"name\":\"backup-$$\",\"image\":\"$PG_IMAGE\",\"stdin\":true,
            \"command\":[${command_json%,}],
            \"env\":[{\"name\":\"DB_URL\",\"valueFrom\":{\"secretKeyRef\":{\"name\":\"$secret\",\"key\":\"$key\"}}}],
            \"securityContext\":{\"runAsNonRoot\":true,\"runAsUser\":70,\"allowPrivilegeEscalation\":false}}]}}"
}

# Kubernetes, not this shell, expands it in the pod.
# shellcheck disable=SC2016
DB_URL_ARG='--dbname=$(DB_URL)'

case "${1:-}" in
dump)
    file="${2:?k8s/backup.sh dump FILE}"
    log "dumping the app's database to $file"
    in_cluster taskmanager-db url pg_dump --format=custom --no-owner --no-privileges "$DB_URL_ARG" > "$file"
    [ -s "$file" ] || die "the dump is empty"
    log "done: $(wc -c < "$file") bytes"
    ;;
restore)
    file="${2:?k8s/backup.sh restore FILE TARGET_URL}"
    target="${3:?k8s/backup.sh restore FILE TARGET_URL}"
    [ -s "$file" ] || die "$file is missing or empty"
    live="$(kubectl -n "$APP_NAMESPACE" get secret taskmanager-db -o jsonpath='{.data.url}' | base64 -d)"
    [ "$target" != "$live" ] || die "refusing to restore over the live database: restore into an empty one, then point taskmanager-db at it"
    # The target's URL travels in a Secret of its own, never on a command line.
    kubectl -n "$APP_NAMESPACE" create secret generic taskmanager-restore-target \
        --from-literal=url="$target" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
    trap 'kubectl -n "$APP_NAMESPACE" delete secret taskmanager-restore-target --ignore-not-found >/dev/null' EXIT
    log "restoring $file"
    in_cluster taskmanager-restore-target url pg_restore --no-owner --no-privileges --exit-on-error "$DB_URL_ARG" < "$file"
    log "restored; point the Secret taskmanager-db at it and restart the SpinApps (k8s/README.md, Backups)"
    ;;
*)
    sed -n '2,17p' "$0" >&2
    exit 2
    ;;
esac
