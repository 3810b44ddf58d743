#!/usr/bin/env bash
# Installs the platform the app runs on, in dependency order, with the
# versions pinned in spinkube/versions.env. Every step installs or upgrades
# to exactly that version, so the script can run again at any time.
#
#   spinkube/install.sh                 every step
#   spinkube/install.sh dapr monitoring only these steps
#
# Steps: gateway cert-manager shim spin-operator dapr monitoring keda certificate
#
# Settings (environment):
#   PROFILE=doks|local   doks (default): block storage for Dapr's scheduler,
#                        HTTPS certificate. local: in-memory scheduler.
#   LABEL_ALL_NODES=1    label every node spin=true (clusters whose node
#                        pools cannot carry the label, e.g. kind)
#   APP_HOST, ACME_EMAIL the public host name and the Let's Encrypt account
#                        (step certificate)
set -euo pipefail
# shellcheck source=spinkube/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need kubectl helm curl

PROFILE="${PROFILE:-doks}"
manifests="$SPINKUBE_DIR/manifests"

# Gateway API CRDs and their implementation come first: cert-manager's
# Gateway API support needs the CRDs when it starts.
step_gateway() {
    helm_release eg oci://docker.io/envoyproxy/gateway-helm "$ENVOY_GATEWAY_VERSION" envoy-gateway-system
    kubectl apply -f "$manifests/gatewayclass.yaml"
}

step_cert_manager() {
    helm repo add jetstack https://charts.jetstack.io --force-update >/dev/null
    helm_release cert-manager jetstack/cert-manager "$CERT_MANAGER_VERSION" cert-manager \
        --set crds.enabled=true \
        --set config.apiVersion=controller.config.cert-manager.io/v1alpha1 \
        --set config.kind=ControllerConfiguration \
        --set config.enableGatewayAPI=true
}

shim_sha256() {
    local arch="$1" url
    url="https://github.com/spinframework/containerd-shim-spin/releases/download/$SHIM_VERSION/containerd-shim-spin-v2-linux-$arch.tar.gz"
    curl -fsSL "$url" | sha256sum | cut -d' ' -f1
}

step_shim() {
    helm_release runtime-class-manager oci://ghcr.io/spinframework/charts/runtime-class-manager \
        "$RCM_CHART_VERSION" runtime-class-manager
    if [ "${LABEL_ALL_NODES:-0}" = 1 ]; then
        kubectl label node --all spin=true --overwrite
    fi
    if [ -z "$SHIM_SHA256_X86_64" ] || [ -z "$SHIM_SHA256_AARCH64" ]; then
        SHIM_SHA256_X86_64="$(shim_sha256 x86_64)"
        SHIM_SHA256_AARCH64="$(shim_sha256 aarch64)"
        log "pin these in spinkube/versions.env after checking them against the release:"
        log "  SHIM_SHA256_X86_64=\"$SHIM_SHA256_X86_64\""
        log "  SHIM_SHA256_AARCH64=\"$SHIM_SHA256_AARCH64\""
    fi
    subst "$manifests/shim-spin.yaml" | kubectl apply -f -
    local nodes ready i
    nodes="$(kubectl get nodes -l spin=true -o name | wc -l)"
    [ "$nodes" -gt 0 ] || die "no node is labelled spin=true (node pool label, or LABEL_ALL_NODES=1)"
    for i in $(seq 1 90); do
        ready="$(kubectl get shim spin-v2 -o jsonpath='{.status.nodesReady}' 2>/dev/null || true)"
        if [ "${ready:-0}" -ge "$nodes" ]; then
            log "shim ready on $ready of $nodes nodes"
            return
        fi
        [ "$i" -lt 90 ] || die "the shim is ready on ${ready:-0} of $nodes nodes after 15 minutes"
        sleep 10
    done
}

step_spin_operator() {
    kubectl apply --server-side -f \
        "https://github.com/spinframework/spin-operator/releases/download/v$SPIN_OPERATOR_VERSION/spin-operator.crds.yaml"
    helm_release spin-operator oci://ghcr.io/spinframework/charts/spin-operator \
        "$SPIN_OPERATOR_VERSION" spin-operator
    # The SpinAppExecutor is namespaced: the app's own is part of k8s/base.
}

step_dapr() {
    local storage=()
    if [ "$PROFILE" = doks ]; then
        # Three scheduler replicas, each on a DigitalOcean block volume.
        storage=(--set dapr_scheduler.cluster.storageClassName=do-block-storage
            --set dapr_scheduler.cluster.storageSize=1Gi
            --set global.ha.enabled=true)
    else
        storage=(--set dapr_scheduler.cluster.inMemoryStorage=true)
    fi
    helm repo add dapr https://dapr.github.io/helm-charts/ --force-update >/dev/null
    helm_release dapr dapr/dapr "$DAPR_VERSION" dapr-system \
        --set global.logAsJson=true "${storage[@]}"
    kubectl -n dapr-system rollout status statefulset/dapr-scheduler-server --timeout=10m
}

step_monitoring() {
    helm repo add prometheus-community https://prometheus-community.github.io/helm-charts --force-update >/dev/null
    # Prometheus picks up every PodMonitor, ServiceMonitor and PrometheusRule
    # (not only those labelled for this release), Alertmanager every
    # AlertmanagerConfig as written (no namespace matcher added: the rules
    # aggregate the namespace label away); Grafana loads dashboards from
    # ConfigMaps labelled grafana_dashboard in any namespace.
    helm_release kube-prometheus-stack prometheus-community/kube-prometheus-stack \
        "$KUBE_PROMETHEUS_STACK_VERSION" monitoring \
        --set prometheus.prometheusSpec.podMonitorSelectorNilUsesHelmValues=false \
        --set prometheus.prometheusSpec.serviceMonitorSelectorNilUsesHelmValues=false \
        --set prometheus.prometheusSpec.ruleSelectorNilUsesHelmValues=false \
        --set-json 'alertmanager.alertmanagerSpec.alertmanagerConfigSelector={}' \
        --set-json 'alertmanager.alertmanagerSpec.alertmanagerConfigNamespaceSelector={}' \
        --set alertmanager.alertmanagerSpec.alertmanagerConfigMatcherStrategy.type=None \
        --set grafana.sidecar.dashboards.enabled=true \
        --set grafana.sidecar.dashboards.searchNamespace=ALL
    kubectl apply -f "$manifests/otel-collector.yaml"
}

# KEDA scales the event consumers on their Kafka lag (the ScaledObjects of
# k8s/components/lag-scaling read it from the Prometheus installed above).
step_keda() {
    helm repo add kedacore https://kedacore.github.io/charts --force-update >/dev/null
    helm_release keda kedacore/keda "$KEDA_VERSION" keda
}

step_certificate() {
    if [ "$PROFILE" != doks ]; then
        log "certificate: skipped (PROFILE=$PROFILE serves plain HTTP)"
        return
    fi
    : "${APP_HOST:?set APP_HOST to the public host name (its DNS record points at the gateway)}"
    : "${ACME_EMAIL:?set ACME_EMAIL to the e-mail of the ACME account}"
    ensure_namespace "$APP_NAMESPACE"
    subst "$manifests/certificate.yaml" | kubectl apply -f -
}

steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(gateway cert-manager shim spin-operator dapr monitoring keda certificate)
for step in "${steps[@]}"; do
    log "step: $step"
    case "$step" in
    gateway) step_gateway ;;
    cert-manager) step_cert_manager ;;
    shim) step_shim ;;
    spin-operator) step_spin_operator ;;
    dapr) step_dapr ;;
    monitoring) step_monitoring ;;
    keda) step_keda ;;
    certificate) step_certificate ;;
    *) die "unknown step $step" ;;
    esac
done
log "platform ready; next: spinkube/database.sh, spinkube/kafka.sh, then k8s/deploy.sh"
