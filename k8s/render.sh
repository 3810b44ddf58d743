#!/usr/bin/env bash
# Renders an overlay to stdout:
#
#   k8s/render.sh <local|doks> [IMAGE]
#
# IMAGE (e.g. ghcr.io/acme/taskmanager:<sha> or ...@sha256:<digest>) pins the
# Spin app every SpinApp runs. Without IMAGE this is exactly
# `kubectl kustomize k8s/overlays/<overlay>`, what `kubectl apply -k` reads
# (the Dapr resources in ../dapr are a kustomization of their own, so no
# loader option is needed). deploy.sh applies this output; the tests
# (scripts/test-manifests.sh) render through this same script.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
overlay="${1:-}"
image="${2:-}"
kubectl="${KUBECTL:-kubectl}"

if [ -z "$overlay" ] || [ ! -f "$here/overlays/$overlay/kustomization.yaml" ]; then
    overlays=("$here"/overlays/*/)
    overlays=("${overlays[@]%/}")
    echo "usage: k8s/render.sh <overlay> [image]; overlays: ${overlays[*]##*/}" >&2
    exit 2
fi

if [ -z "$image" ]; then
    exec "$kubectl" kustomize "$here/overlays/$overlay"
fi

# The image as kustomize wants it: a name plus a tag or a digest.
name="$image" tag="" digest=""
if [[ "$image" == *@* ]]; then
    name="${image%@*}"
    digest="${image#*@}"
elif [[ "${image##*/}" == *:* ]]; then
    name="${image%:*}"
    tag="${image##*:}"
fi

# A throwaway kustomization on top of the overlay that only pins the image
# (the base names it ghcr.io/example/taskmanager).
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
{
    echo "apiVersion: kustomize.config.k8s.io/v1beta1"
    echo "kind: Kustomization"
    echo "resources:"
    # kustomize takes relative paths only
    echo "  - $(realpath --relative-to="$work" "$here/overlays/$overlay")"
    echo "images:"
    echo "  - name: ghcr.io/example/taskmanager"
    echo "    newName: $name"
    if [ -n "$digest" ]; then
        echo "    digest: $digest"
    elif [ -n "$tag" ]; then
        echo "    newTag: $tag"
    fi
} > "$work/kustomization.yaml"
"$kubectl" kustomize "$work"
