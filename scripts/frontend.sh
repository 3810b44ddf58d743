#!/usr/bin/env bash
# The web app (frontend/): build it, test it, measure it.
#
#   scripts/frontend.sh build     npm ci, type-check, vite build into frontend/dist
#   scripts/frontend.sh test      unit tests (vitest)
#   scripts/frontend.sh browser   browser tests (tests/browser/*.test.mjs, node --test)
#                                 in headless Chromium against the project's host
#   scripts/frontend.sh size [URL]
#                                 JavaScript size gzipped and time to first render,
#                                 read from Chromium's performance timings; against
#                                 URL when given, else a host started on a free port
#
# `browser` and `size` install Debian's chromium when it is missing, build
# frontend/dist when it is missing, and rebuild the web component when
# frontend/dist is newer than it (the component embeds frontend/dist).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FRONTEND="$ROOT/frontend"
WEB_WASM="$ROOT/target/wasm32-wasip2/release/web.wasm"
HOST_BIN="$ROOT/target/release/spinhost"
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"

usage() {
  sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

need_node() {
  if ! command -v npm >/dev/null 2>&1; then
    echo "frontend.sh: node and npm are required (node 20 or later)" >&2
    exit 1
  fi
}

# Installs the locked dependencies when node_modules is missing or older than the lock file.
deps() {
  need_node
  if [[ ! -f "$FRONTEND/node_modules/.package-lock.json" ||
    "$FRONTEND/package-lock.json" -nt "$FRONTEND/node_modules/.package-lock.json" ]]; then
    (cd "$FRONTEND" && npm ci --no-audit --no-fund)
  fi
}

build() {
  need_node
  (cd "$FRONTEND" && npm ci --no-audit --no-fund && npm run build)
}

unit_tests() {
  deps
  (cd "$FRONTEND" && npm test)
}

ensure_chromium() {
  if [[ -x "$CHROMIUM" ]]; then
    return
  fi
  echo "frontend.sh: installing Debian's chromium" >&2
  local sudo=()
  if [[ "$(id -u)" != 0 ]]; then
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
}

# A built app (index.html names the hashed assets it needs).
ensure_dist() {
  if [[ ! -f "$FRONTEND/dist/index.html" ]]; then
    build
  fi
}

# The host and a web component that embeds the current frontend/dist.
ensure_host() {
  if [[ ! -x "$HOST_BIN" ]]; then
    (cd "$ROOT" && cargo build --release -p spinhost)
  fi
  if [[ ! -f "$WEB_WASM" || "$FRONTEND/dist/index.html" -nt "$WEB_WASM" ]]; then
    (cd "$ROOT" && cargo build --target wasm32-wasip2 --release -p web)
  fi
}

browser_tests() {
  deps
  ensure_chromium
  ensure_dist
  ensure_host
  cd "$ROOT"
  node --test --test-reporter=spec --test-concurrency=1 tests/browser/*.test.mjs
}

size() {
  deps
  ensure_chromium
  ensure_dist
  if [[ $# -eq 0 ]]; then
    ensure_host
  fi
  cd "$ROOT"
  node tests/browser/size.mjs "$@"
}

cmd="${1:-}"
if [[ $# -gt 0 ]]; then
  shift
fi
case "$cmd" in
  build) build ;;
  test) unit_tests ;;
  browser) browser_tests ;;
  size) size "$@" ;;
  -h | --help | help) usage ;;
  *)
    usage >&2
    exit 2
    ;;
esac
