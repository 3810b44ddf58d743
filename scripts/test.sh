#!/usr/bin/env bash
# Sets up and runs every check and test: formatting, lints, the Wasm
# components, unit tests, the integration tests that drive the compiled
# components through the host against PostgreSQL and SQLite, the web app's
# unit and browser tests, and the Kubernetes manifest checks.
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
ensure_rust
ensure_postgres

log "format"
cargo fmt --all -- --check
log "lint (native)"
cargo clippy --locked --release --workspace --all-targets -- -D warnings
log "lint (wasm32-wasip2)"
packages=()
while IFS= read -r pkg; do packages+=(-p "$pkg"); done < <(component_packages)
cargo clippy --locked --release --target wasm32-wasip2 "${packages[@]}" -- -D warnings

build_frontend
build_components

log "tests"
# The integration tests read /metrics with Prometheus' own text-format
# parser (prometheus_client, in the tests' Python environment).
ensure_test_venv
cargo test --locked --release --workspace

log "web app: unit tests, then browser tests in headless Chromium"
./scripts/frontend.sh test
./scripts/frontend.sh browser

log "Kubernetes manifests, workflows and scripts"
./scripts/test-manifests.sh
