#!/usr/bin/env bash
# The Kafka connection the Dapr pub/sub component uses (dapr/pubsub.yaml:
# SASL/SCRAM with SHA-512 over TLS, credentials from the Secret
# kafka-credentials with keys brokers, username, password, ca.crt).
#
#   spinkube/kafka.sh                DigitalOcean Managed Kafka: creates the
#                                    cluster if missing, admits only the
#                                    Kubernetes cluster, creates the topics
#   KAFKA_BROKERS=host:port KAFKA_USERNAME=... KAFKA_PASSWORD=... KAFKA_CA_FILE=ca.crt \
#     spinkube/kafka.sh external     any other Kafka (Redpanda, ...) with
#                                    SCRAM-SHA-512 over TLS: only the Secret
#
# Dapr creates missing topics when the broker allows it; here they are
# created up front with their partition counts (events are keyed by user
# id, so partitions bound how many replicas of one agent work in parallel)
# and their retention, which is set again on every run. Main topics keep
# 14 days: longer than the consumers' window of processed event ids (7
# days), so a redelivery never outlives the record that makes it a no-op.
# Dead-letter topics keep 30 days for triage (`/admin/dead-letters`).
set -euo pipefail
# shellcheck source=spinkube/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need kubectl

KAFKA_SIZE="${KAFKA_SIZE:-db-s-2vcpu-4gb}"
KAFKA_NODES="${KAFKA_NODES:-3}"
# topic:partitions:retention in days
TOPICS=(tasks-lifecycle:12:14 tasks-lifecycle-dlq:3:30 reminders:6:14 reminders-dlq:3:30 lists:3:14)
DAY_MS=86400000

ensure_namespace "$APP_NAMESPACE"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
umask 077

case "${1:-digitalocean}" in
digitalocean)
    need doctl base64
    id="$(do_database_id "$KAFKA_NAME")"
    if [ -z "$id" ]; then
        log "creating Kafka $DO_KAFKA_VERSION cluster $KAFKA_NAME"
        doctl databases create "$KAFKA_NAME" --engine kafka --version "$DO_KAFKA_VERSION" \
            --region "$REGION" --size "$KAFKA_SIZE" --num-nodes "$KAFKA_NODES" --wait >/dev/null
        id="$(do_database_id "$KAFKA_NAME")"
    fi
    do_allow_cluster "$id"
    existing="$(doctl databases topics list "$id" --format Name --no-header || true)"
    for entry in "${TOPICS[@]}"; do
        IFS=: read -r topic partitions days <<<"$entry"
        retention_ms=$((days * DAY_MS))
        if ! grep -qx "$topic" <<<"$existing"; then
            log "topic $topic ($partitions partitions, $days days)"
            doctl databases topics create "$id" "$topic" --partition-count "$partitions" \
                --replication-factor 3 --retention-ms "$retention_ms" >/dev/null
        else
            doctl databases topics update "$id" "$topic" --retention-ms "$retention_ms" >/dev/null
        fi
    done
    if ! secret_exists kafka-credentials; then
        read -r host port user password < <(doctl databases connection "$id" --private \
            --format Host,Port,User,Password --no-header)
        printf '%s:%s' "$host" "$port" > "$work/brokers"
        printf '%s' "$user" > "$work/username"
        printf '%s' "$password" > "$work/password"
        doctl databases get-ca "$id" --format Certificate --no-header | base64 -d > "$work/ca.crt"
    fi
    ;;
external)
    if ! secret_exists kafka-credentials; then
        printf '%s' "${KAFKA_BROKERS:?set KAFKA_BROKERS}" > "$work/brokers"
        printf '%s' "${KAFKA_USERNAME:?set KAFKA_USERNAME}" > "$work/username"
        printf '%s' "${KAFKA_PASSWORD:?set KAFKA_PASSWORD}" > "$work/password"
        cp "${KAFKA_CA_FILE:?set KAFKA_CA_FILE}" "$work/ca.crt"
    fi
    ;;
*)
    die "usage: spinkube/kafka.sh [digitalocean|external]"
    ;;
esac

ensure_secret kafka-credentials \
    "brokers=$work/brokers" "username=$work/username" "password=$work/password" "ca.crt=$work/ca.crt"
