#!/usr/bin/env bash
# Removes what the other scripts created, in reverse order. Each part can
# run again; what is already gone is skipped.
#
#   spinkube/teardown.sh app          the app's objects and namespace
#   spinkube/teardown.sh platform     monitoring, Dapr, spin-operator (and its
#                                     CRDs), the shim, cert-manager, the gateway;
#                                     CRDs that Helm charts installed stay, as
#                                     Helm never deletes CRDs
#   CONFIRM=yes spinkube/teardown.sh cloud
#                                     DigitalOcean: the Kafka and PostgreSQL
#                                     clusters (their data!) and the DOKS cluster
#   CONFIRM=yes spinkube/teardown.sh all
set -euo pipefail
# shellcheck source=spinkube/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

uninstall() {
    local name="$1" namespace="$2"
    if helm status "$name" --namespace "$namespace" >/dev/null 2>&1; then
        log "helm: uninstalling $name"
        helm uninstall "$name" --namespace "$namespace" --wait
    fi
}

teardown_app() {
    need kubectl
    log "app: deleting namespace $APP_NAMESPACE"
    # SpinApps first, so the operator removes their Deployments and Services.
    kubectl -n "$APP_NAMESPACE" delete spinapps --all --ignore-not-found --wait=true 2>/dev/null || true
    kubectl delete namespace "$APP_NAMESPACE" --ignore-not-found --wait=true
    kubectl delete clusterissuer letsencrypt --ignore-not-found 2>/dev/null || true
}

teardown_platform() {
    need kubectl helm
    kubectl delete -f "$SPINKUBE_DIR/manifests/otel-collector.yaml" --ignore-not-found
    uninstall kube-prometheus-stack monitoring
    uninstall dapr dapr-system
    uninstall spin-operator spin-operator
    kubectl delete --ignore-not-found -f \
        "https://github.com/spinframework/spin-operator/releases/download/v$SPIN_OPERATOR_VERSION/spin-operator.crds.yaml"
    kubectl delete shim spin-v2 --ignore-not-found 2>/dev/null || true
    uninstall runtime-class-manager runtime-class-manager
    uninstall cert-manager cert-manager
    kubectl delete -f "$SPINKUBE_DIR/manifests/gatewayclass.yaml" --ignore-not-found
    uninstall eg envoy-gateway-system
    local namespace
    for namespace in monitoring dapr-system spin-operator runtime-class-manager cert-manager envoy-gateway-system; do
        kubectl delete namespace "$namespace" --ignore-not-found
    done
}

teardown_cloud() {
    need doctl
    [ "${CONFIRM:-}" = yes ] || die "this deletes the databases and the cluster: run with CONFIRM=yes"
    local name id
    for name in "$KAFKA_NAME" "$PG_NAME"; do
        id="$(do_database_id "$name")"
        if [ -n "$id" ]; then
            log "deleting database cluster $name"
            doctl databases delete "$id" --force
        fi
    done
    if doctl kubernetes cluster get "$CLUSTER_NAME" >/dev/null 2>&1; then
        log "deleting cluster $CLUSTER_NAME"
        doctl kubernetes cluster delete "$CLUSTER_NAME" --dangerous --force
    fi
}

case "${1:-}" in
app) teardown_app ;;
platform) teardown_platform ;;
cloud) teardown_cloud ;;
all)
    [ "${CONFIRM:-}" = yes ] || die "run with CONFIRM=yes"
    teardown_app
    teardown_platform
    teardown_cloud
    ;;
*) die "usage: spinkube/teardown.sh app|platform|cloud|all" ;;
esac
