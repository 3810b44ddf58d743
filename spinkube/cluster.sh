#!/usr/bin/env bash
# Creates the DOKS cluster (if it does not exist) with one node pool whose
# nodes carry the label spin=true, where runtime-class-manager installs the
# Spin shim, and points kubectl at it.
#
#   CLUSTER_NAME=taskmanager REGION=ams3 NODE_SIZE=s-4vcpu-8gb NODE_COUNT=3 spinkube/cluster.sh
#
# The label is set on the node pool, not with `kubectl label`: nodes that
# DigitalOcean replaces or adds keep it.
set -euo pipefail
# shellcheck source=spinkube/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need doctl kubectl

NODE_SIZE="${NODE_SIZE:-s-4vcpu-8gb}"
NODE_COUNT="${NODE_COUNT:-3}"

if doctl kubernetes cluster get "$CLUSTER_NAME" >/dev/null 2>&1; then
    log "cluster $CLUSTER_NAME exists"
else
    version="$(doctl kubernetes options versions --format Slug --no-header \
        | grep "^$DOKS_VERSION_PREFIX\." | sort -V | tail -n 1 || true)"
    [ -n "$version" ] || die "DOKS offers no $DOKS_VERSION_PREFIX.x: update DOKS_VERSION_PREFIX in spinkube/versions.env"
    log "creating cluster $CLUSTER_NAME ($version, $NODE_COUNT x $NODE_SIZE in $REGION)"
    doctl kubernetes cluster create "$CLUSTER_NAME" \
        --region "$REGION" \
        --version "$version" \
        --node-pool "name=spin;size=$NODE_SIZE;count=$NODE_COUNT;label=spin=true" \
        --wait
fi
doctl kubernetes cluster kubeconfig save "$CLUSTER_NAME"
kubectl get nodes -L spin
