#!/usr/bin/env bash
# Benchmarks; each prints its own figures.
#   scripts/bench.sh api [--backend postgres|sqlite|both] [--mode host|spin|both] [--clients 32]
#                        [--seconds 10] [--large 10000] [--no-native]
#   scripts/bench.sh events [--backend sqlite|postgres|both] [--rate 1000] [--seconds 10] [--users 64]
#   scripts/bench.sh instantiate
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
ensure_rust
what="${1:-api}"; shift || true
build_frontend
build_components
build_host
case "$what" in
    api)
        ensure_postgres
        cargo run --locked --release -q -p integration-tests --bin bench-api -- "$@" ;;
    events)
        ensure_postgres
        cargo run --locked --release -q -p integration-tests --bin bench-events -- "$@" ;;
    instantiate)
        cargo test --locked --release -q -p spinhost --test probe instantiation_cost -- --ignored --nocapture "$@" ;;
    *) echo "unknown benchmark: $what (api, events, instantiate)" >&2; exit 2 ;;
esac
