#!/usr/bin/env bash
# Sets up and runs the whole app on http://127.0.0.1:3000 with the embedded
# defaults: SQLite in .spin/, the embedded Dapr-compatible sidecar on
# 127.0.0.1:3500. Extra arguments go to `spinhost up` (e.g. --db postgres://...).
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
ensure_rust
build_frontend
build_components
build_host
ensure_local_secrets
log "serving on http://127.0.0.1:3000 (Ctrl-C to stop)"
exec target/release/spinhost up "$@"
