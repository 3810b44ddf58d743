#!/usr/bin/env bash
# The assistant's parser, this working tree against an earlier commit, on
# every development set: the lines each one reads right that the other does
# not, and both totals. The locked set shows only its score (its lines are
# not to be read while rules are written).
#
#   scripts/parser-compare.sh [REV]     REV defaults to HEAD
#
# The earlier commit is built in a git worktree under target/parser-compare.
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
ensure_rust
rev="${1:-HEAD}"
base="$ROOT/target/parser-compare/tree"
git worktree remove --force "$base" >/dev/null 2>&1 || rm -rf "$base"
git worktree prune
git worktree add --detach --force "$base" "$rev" >/dev/null
trap 'git worktree remove --force "$base" >/dev/null 2>&1 || true' EXIT
log "building the parser at $rev and in the working tree"
(cd "$base" && CARGO_TARGET_DIR="$ROOT/target/parser-compare/target" \
    cargo build --locked --release -q -p intent-parser --example accuracy)
cargo build --locked --release -q -p intent-parser --example accuracy
old="$ROOT/target/parser-compare/target/release/examples/accuracy"
new="$ROOT/target/release/examples/accuracy"

# Each reads the report `accuracy` printed for one set.
score() { awk '/^overall/ { split($2, a, "/"); print a[1], a[2] }' <<<"$1"; }
failures() { grep '^- line' <<<"$1" | sort || true; }

total_old=0 total_new=0 total=0
for set in crates/intent-parser/eval/dev*.jsonl; do
    name="$(basename "$set")"
    before="$("$old" "$set")"
    after="$("$new" "$set")"
    diff <(failures "$before") <(failures "$after") \
        | sed -n -e "s/^< /  gained  $name /p" -e "s/^> /  lost    $name /p" || true
    read -r p n < <(score "$before"); total_old=$((total_old + p)); total=$((total + n))
    read -r p _ < <(score "$after"); total_new=$((total_new + p))
done
echo "development sets: $total_old -> $total_new of $total"
locked=crates/intent-parser/eval/locked.jsonl
read -r p n < <(score "$("$old" "$locked")")
read -r q _ < <(score "$("$new" "$locked")")
echo "locked set: $p -> $q of $n"
