#!/usr/bin/env bash
# DigitalOcean Managed PostgreSQL for the app: creates the database cluster
# (if missing), lets only the Kubernetes cluster reach it, creates the
# database `tasks` and the user `taskmanager`, then hands the private
# connection string and the cluster's CA to k8s/secrets.sh doks.
#
#   CLUSTER_NAME=taskmanager REGION=ams3 PG_NAME=taskmanager-pg spinkube/database.sh
set -euo pipefail
# shellcheck source=spinkube/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need doctl kubectl base64

PG_SIZE="${PG_SIZE:-db-s-1vcpu-2gb}"
PG_NODES="${PG_NODES:-1}"

id="$(do_database_id "$PG_NAME")"
if [ -z "$id" ]; then
    log "creating PostgreSQL $DO_PG_VERSION cluster $PG_NAME"
    doctl databases create "$PG_NAME" --engine pg --version "$DO_PG_VERSION" \
        --region "$REGION" --size "$PG_SIZE" --num-nodes "$PG_NODES" --wait >/dev/null
    id="$(do_database_id "$PG_NAME")"
fi
do_allow_cluster "$id"

doctl databases db list "$id" --format Name --no-header | grep -qx tasks \
    || doctl databases db create "$id" tasks >/dev/null
doctl databases user get "$id" taskmanager >/dev/null 2>&1 \
    || doctl databases user create "$id" taskmanager >/dev/null

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
umask 077
password="$(doctl databases user get "$id" taskmanager --format Password --no-header)"
read -r host port < <(doctl databases connection "$id" --private --format Host,Port --no-header)
doctl databases get-ca "$id" --format Certificate --no-header | base64 -d > "$work/ca.crt"

# The app's migrations create its tables: the user needs CREATE on the
# schema public of `tasks` (PostgreSQL 15+ no longer grants it to all). Run
# once as doadmin, e.g. with psql on a machine the database firewall admits:
#   GRANT ALL ON SCHEMA public TO taskmanager;
log "grant the user taskmanager CREATE on schema public of database tasks (see the comment above)"

DB_URL="postgres://taskmanager:$password@$host:$port/tasks?sslmode=require" \
    DB_CA_FILE="$work/ca.crt" \
    "$SPINKUBE_DIR/../k8s/secrets.sh" doks
