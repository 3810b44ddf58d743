#!/usr/bin/env bash
# Deploys an overlay to the cluster of the current kubectl context, waits
# for every SpinApp to roll out, smoke-tests the public URL, and rolls back
# to the previous image when any of that fails.
#
#   k8s/deploy.sh <local|doks> IMAGE [PUBLIC_BASE_URL]
#
# The Secrets must exist (k8s/secrets.sh) and the platform be installed
# (spinkube/). Used by .github/workflows/deploy.yml.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
overlay="${1:?usage: k8s/deploy.sh <overlay> IMAGE [PUBLIC_BASE_URL]}"
image="${2:?usage: k8s/deploy.sh <overlay> IMAGE [PUBLIC_BASE_URL]}"
base_url="${3:-}"
namespace="${APP_NAMESPACE:-taskmanager}"
timeout="${ROLLOUT_TIMEOUT:-300s}"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# The operator builds each SpinApp's Deployment but sets no update strategy,
# and it applies only the fields it owns (server-side apply). A strategy set
# by another field manager therefore stays: no pod is taken down before its
# replacement is ready.
zero_unavailable() {
    local deployment
    for deployment in $(kubectl -n "$namespace" get deployments -l core.spinkube.dev/app-name -o name); do
        kubectl -n "$namespace" patch "$deployment" --field-manager=taskmanager-rollout --type=merge \
            -p '{"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":0,"maxSurge":1}}}}' >/dev/null
    done
}

apply_image() {
    local ref="$1" rendered
    rendered="$(mktemp)"
    # Explicit checks: this runs inside `if`, where set -e does not apply.
    if "$here/render.sh" "$overlay" "$ref" > "$rendered" &&
        kubectl apply --server-side --field-manager=taskmanager-deploy --force-conflicts -f "$rendered"; then
        rm -f "$rendered"
        return 0
    fi
    rm -f "$rendered"
    return 1
}

# wait_rollout REF: every SpinApp's Deployment runs REF and is rolled out.
wait_rollout() {
    local ref="$1" app deadline current
    zero_unavailable
    for app in $(kubectl -n "$namespace" get spinapps -o jsonpath='{.items[*].metadata.name}'); do
        deadline=$((SECONDS + 180))
        # The operator updates the Deployment asynchronously: wait for it to
        # carry the new image before asking for the rollout status.
        until current="$(kubectl -n "$namespace" get deployment "$app" \
                -o jsonpath='{.spec.template.spec.containers[0].image}' 2>/dev/null)" \
            && [ "$current" = "$ref" ]; do
            if [ "$SECONDS" -ge "$deadline" ]; then
                log "deployment $app does not run $ref (it runs '${current:-nothing}')"
                return 1
            fi
            sleep 2
        done
        zero_unavailable
        kubectl -n "$namespace" rollout status "deployment/$app" --timeout="$timeout" || return 1
    done
}

# expect URL METHOD ALLOWED_STATUS_REGEX
expect() {
    local url="$1" method="$2" want="$3" status
    status="$(curl -sS -o /dev/null -w '%{http_code}' -X "$method" --max-time 10 "$url" || echo 000)"
    if [[ "$status" =~ ^($want)$ ]]; then
        log "smoke: $method $url -> $status"
    else
        log "smoke: $method $url -> $status, expected $want"
        return 1
    fi
}

smoke_test() {
    [ -n "$base_url" ] || { log "no PUBLIC_BASE_URL: smoke test skipped"; return 0; }
    local i
    for i in $(seq 1 30); do
        expect "$base_url/health" GET 200 2>/dev/null && break
        [ "$i" -lt 30 ] || return 1
        sleep 2
    done
    expect "$base_url/ready" GET 200 &&
        expect "$base_url/" GET 200 &&
        expect "$base_url/api/v1/tasks" GET 401 &&
        # Internal routes must never be reachable through the gateway.
        expect "$base_url/events/overdue" POST '4[0-9][0-9]|5[0-9][0-9]' &&
        expect "$base_url/cron/outbox-relay" POST '4[0-9][0-9]|5[0-9][0-9]' &&
        expect "$base_url/dapr/subscribe" GET '4[0-9][0-9]|5[0-9][0-9]'
}

previous="$(kubectl -n "$namespace" get spinapp api -o jsonpath='{.spec.image}' 2>/dev/null || true)"
log "deploying $image (overlay $overlay; running now: ${previous:-nothing})"
zero_unavailable
if apply_image "$image" && wait_rollout "$image" && smoke_test; then
    log "deployed $image"
    exit 0
fi

log "deployment of $image failed"
if [ -n "$previous" ] && [ "$previous" != "$image" ]; then
    log "rolling back to $previous"
    if ! { apply_image "$previous" && wait_rollout "$previous"; }; then
        log "rollback did not finish: inspect the cluster"
    fi
else
    log "no previous image to roll back to"
fi
exit 1
