#!/usr/bin/env bash
# Creates the Secrets and the ConfigMap the manifests reference, in the
# namespace taskmanager. Nothing secret is ever in k8s/: the manifests only
# name these objects.
#
#   k8s/secrets.sh local   everything generated; the database and Redis
#                          run in the namespace (overlay local)
#   k8s/secrets.sh doks    DB_URL=postgres://USER:PASSWORD@HOST:PORT/DB?sslmode=require
#                          DB_CA_FILE=ca.crt (the managed database's CA)
#                          (spinkube/databases.sh sets both and calls this)
#
# An existing Secret is kept as it is: running the script again changes
# nothing. To rotate one, delete it, re-run, then restart the SpinApps'
# Deployments (kubectl -n taskmanager rollout restart deployment).
#
# Secret               keys                 read by
# taskmanager-auth     secret               SpinApp variable auth_secret
# taskmanager-admin    token                SpinApp variable admin_api_token (/admin/dead-letters)
# taskmanager-metrics  token                SpinApp variable metrics_api_token, the app's PodMonitor (/metrics)
# taskmanager-vapid    private_key          SpinApp variable vapid_private_key (Web Push; keep it: a new key
#                                           voids every browser's subscription)
# alert-receiver       url                  doks: the on-call webhook alerts go to (ALERT_WEBHOOK_URL)
# taskmanager-db       url                  SpinApp variable db_url
# taskmanager-llm      api_key              SpinApp variable llm_api_key (LLM_API_KEY; empty: parser only)
# dapr-api-token       token                variable dapr_api_token, dapr.io/api-token-secret
# dapr-app-token       token                variable app_api_token, dapr.io/app-token-secret
# taskmanager-postgres password             local: the PostgreSQL server
# redis-credentials    password             local: Redis and the pubsub component
# spin-ca-bundle       ca-certificates.crt  doks: the executor's CA bundle
# kafka-credentials    brokers, username,   doks: the pubsub component, kafka-exporter
#                      password, ca.crt     (created by spinkube/kafka.sh)
# smtp-credentials     host, port, user,    the email binding (dapr/email.yaml): SMTP_HOST,
#                      password, from       SMTP_PORT (587), SMTP_USER, SMTP_PASSWORD, SMTP_FROM;
#                                           local: a server named localhost that takes nothing
# ConfigMap taskmanager-config: db_host, db_port (Spin's outbound allow list),
#   llm_base_url, llm_model, llm_allowed_host (LLM_BASE_URL, LLM_MODEL, LLM_ALLOWED_HOST),
#   public_base_url (doks: https://$APP_HOST; local: empty, the request's own address)
set -euo pipefail
# shellcheck source=spinkube/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/spinkube/lib.sh"

mode="${1:-}"
need kubectl
ensure_namespace "$APP_NAMESPACE"

ensure_generated_secret taskmanager-auth secret
ensure_generated_secret taskmanager-admin token
ensure_generated_secret taskmanager-metrics token
ensure_generated_secret taskmanager-vapid private_key
ensure_generated_secret dapr-api-token token
ensure_generated_secret dapr-app-token token

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
umask 077

case "$mode" in
local)
    ensure_generated_secret taskmanager-postgres password
    ensure_generated_secret redis-credentials password
    db_host="postgres.$APP_NAMESPACE.svc.cluster.local"
    db_port=5432
    public_base_url=""
    if ! secret_exists taskmanager-db; then
        password="$(kubectl -n "$APP_NAMESPACE" get secret taskmanager-postgres -o jsonpath='{.data.password}' | base64 -d)"
        printf 'postgres://taskmanager:%s@%s:%s/tasks?sslmode=disable' "$password" "$db_host" "$db_port" > "$work/url"
    fi
    ensure_secret taskmanager-db "url=$work/url"
    ;;
doks)
    if secret_exists taskmanager-db; then
        url="$(kubectl -n "$APP_NAMESPACE" get secret taskmanager-db -o jsonpath='{.data.url}' | base64 -d)"
    else
        url="${DB_URL:?set DB_URL (the managed database connection string)}"
        printf '%s' "$url" > "$work/url"
    fi
    ensure_secret taskmanager-db "url=$work/url"
    # Spin matches allowed_outbound_hosts literally: db_host and db_port
    # must be exactly what the URL says.
    hostport="${url#*@}"
    hostport="${hostport%%/*}"
    db_host="${hostport%:*}"
    db_port="${hostport##*:}"
    # The gateway terminates TLS, so the app sees http: OAuth clients
    # compare the issuer and resource with the https address they use.
    public_base_url="https://${APP_HOST:?set APP_HOST (the public host name)}"
    if ! secret_exists spin-ca-bundle; then
        [ -n "${DB_CA_FILE:-}" ] || die "set DB_CA_FILE (the managed database's CA certificate)"
        system_bundle=/etc/ssl/certs/ca-certificates.crt
        [ -f "$system_bundle" ] || die "$system_bundle not found: the public roots must be in the bundle too"
        cat "$system_bundle" "$DB_CA_FILE" > "$work/ca-certificates.crt"
    fi
    ensure_secret spin-ca-bundle "ca-certificates.crt=$work/ca-certificates.crt"
    secret_exists kafka-credentials || log "kafka-credentials is missing: run spinkube/kafka.sh"
    if ! secret_exists alert-receiver; then
        printf '%s' "${ALERT_WEBHOOK_URL:?set ALERT_WEBHOOK_URL (the on-call webhook alerts are sent to)}" > "$work/alert_url"
    fi
    ensure_secret alert-receiver "url=$work/alert_url"
    ;;
*)
    die "usage: k8s/secrets.sh <local|doks>"
    ;;
esac

# Mail (dapr/email.yaml). daprd refuses to start when a component's secret
# is missing, so the Secret always exists; without SMTP_HOST mail fails (and
# each attempt says so in the notification's delivery status) until it is
# replaced with a real server.
if ! secret_exists smtp-credentials; then
    if [ -z "${SMTP_HOST:-}" ]; then
        log "SMTP_HOST is not set: smtp-credentials points at localhost, so no mail is sent"
    fi
    printf '%s' "${SMTP_HOST:-localhost}" > "$work/smtp_host"
    printf '%s' "${SMTP_PORT:-587}" > "$work/smtp_port"
    printf '%s' "${SMTP_USER:-}" > "$work/smtp_user"
    printf '%s' "${SMTP_PASSWORD:-}" > "$work/smtp_password"
    printf '%s' "${SMTP_FROM:-Task Manager <reminders@${APP_HOST:-localhost}>}" > "$work/smtp_from"
fi
ensure_secret smtp-credentials "host=$work/smtp_host" "port=$work/smtp_port" \
    "user=$work/smtp_user" "password=$work/smtp_password" "from=$work/smtp_from"

if ! secret_exists taskmanager-llm; then
    printf '%s' "${LLM_API_KEY:-}" > "$work/llm_api_key"
fi
ensure_secret taskmanager-llm "api_key=$work/llm_api_key"
ensure_configmap taskmanager-config "db_host=$db_host" "db_port=$db_port" \
    "public_base_url=$public_base_url" \
    "llm_base_url=${LLM_BASE_URL:-https://api.openai.com/v1}" \
    "llm_model=${LLM_MODEL:-gpt-4o-mini}" \
    "llm_allowed_host=${LLM_ALLOWED_HOST:-https://api.openai.com}"
