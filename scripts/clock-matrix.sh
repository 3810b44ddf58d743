#!/usr/bin/env bash
# Runs the Rust test suite with the system clock moved to just before and
# just after midnight, in a timezone east of UTC and one west of it, so no
# test depends on the hour or the machine's zone. libfaketime (Debian's
# faketime, installed when missing) shifts every process of a run by the
# same offset, so the host, the sidecar and the tests agree on the time.
#   scripts/clock-matrix.sh            # the four runs, Rust tests
#   scripts/clock-matrix.sh --browser  # the browser tests too, in each run
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
ensure_rust
ensure_postgres
browser=false
[ "${1:-}" = "--browser" ] && browser=true
if ! [ -e /usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1 ]; then
    log "installing Debian's faketime"
    apt-get install -y -q faketime >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q faketime >/dev/null; }
fi
build_frontend
build_components
build_host
cargo test --locked --release --workspace --no-run -q

tomorrow=$(date -u -d tomorrow +%F)
failed=0
for zone in Asia/Tokyo America/Los_Angeles; do
    for at in "$tomorrow 23:59:00" "$tomorrow 00:00:30"; do
        # The offset from now to that local time, the same for every process.
        offset=$(( $(TZ=$zone date -d "$at" +%s) - $(date +%s) ))
        fake=$([ "$offset" -ge 0 ] && echo "+$offset" || echo "$offset")
        log "tests at $at $zone (clock shifted ${fake}s)"
        # Only the test binaries run under the shifted clock (cargo's own
        # freshness checks would see files from the future); monotonic
        # clocks stay real, so timeouts keep their length.
        shifted=(env "TZ=$zone" "FAKETIME=$fake" FAKETIME_DONT_FAKE_MONOTONIC=1
                 LD_PRELOAD=/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1)
        if ! CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUNNER="${shifted[*]}" \
                cargo test --locked --release --workspace --no-fail-fast -q 2>&1 | grep -aE "^test result|FAILED|panicked at|^error"; then
            failed=1
        fi
        if $browser && ! "${shifted[@]}" ./scripts/frontend.sh browser; then
            failed=1
        fi
    done
done
exit $failed
