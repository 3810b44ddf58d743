#!/usr/bin/env bash
# Fuzzes the public API with schemathesis against the OpenAPI document the
# app serves, on SQLite and on PostgreSQL, each with a fresh host, database
# and user. Checks: no 5xx, and status codes, content types, headers and
# bodies as the document says. Exits non-zero when any response was a 5xx.
#   scripts/fuzz-api.sh [sqlite|postgres|both]   (default both)
#   FUZZ_EXAMPLES=N  test cases per operation and phase (default 300: 1 to 3
#                    minutes per backend on 2 cores, depending on the load)
#   FUZZ_SEED=N      generation seed (default 1)
# Builds nothing: it runs target/release/spinhost and the built components.
# Reports (JSON; NDJSON of every exchange; pytest replays of failures) go to
# target/fuzz-report/<backend>/.
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

VENV="$ROOT/target/fuzz-venv"
# 4.x (its CLI differs from 3.x's): OpenAPI 3.1, a JSON run report to count
# from, and dictionaries that put real ids into path parameters.
REQUIREMENTS=(schemathesis==4.32.5)
EXAMPLES="${FUZZ_EXAMPLES:-300}" SEED="${FUZZ_SEED:-1}"
HOST="$ROOT/target/release/spinhost" REPORTS="$ROOT/target/fuzz-report"
[ -x "$HOST" ] || { echo "$HOST is missing: build it first (scripts/up.sh)" >&2; exit 1; }

# As in test-manifests.sh: made once, reinstalled when the pins change.
ensure_venv() {
    if [ ! -x "$VENV/bin/python" ]; then
        log "creating $VENV"
        python3 -m venv "$VENV" 2>/dev/null || { rm -rf "$VENV"; apt_install python3 python3-venv; python3 -m venv "$VENV"; }
    fi
    if [ "$(cat "$VENV/.requirements" 2>/dev/null)" != "${REQUIREMENTS[*]}" ]; then
        log "installing ${REQUIREMENTS[*]}"
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${REQUIREMENTS[@]}"
        printf '%s' "${REQUIREMENTS[*]}" > "$VENV/.requirements"
    fi
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
random_hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
# An authenticated JSON request; prints the answer's field $4 (default id).
api() { curl -fsS -X "$1" "$BASE$2" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d "$3" | jq -r ".${4:-id}"; }

HOST_PID="" WORK="" DB=""
cleanup() {
    if [ -n "$HOST_PID" ]; then kill "$HOST_PID" 2>/dev/null || true; wait "$HOST_PID" 2>/dev/null || true; fi
    if [ -n "$DB" ]; then psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null || true; fi
    if [ -n "$WORK" ]; then rm -rf "$WORK"; fi
    HOST_PID="" WORK="" DB=""
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fuzz() {
    local backend="$1" port db_args=() started=$SECONDS rc=0 report cases server others
    WORK="$(mktemp -d)" port="$(free_port)"
    if [ "$backend" = postgres ]; then
        ensure_postgres
        DB="fuzz_$(random_hex 6)"
        psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $DB" >/dev/null
        db_args=(--db "postgres://postgres@127.0.0.1:5432/$DB?sslmode=disable")
    fi
    log "$backend: serving on 127.0.0.1:$port"
    "$HOST" up --from spin.toml --listen "127.0.0.1:$port" --dapr-listen "127.0.0.1:$(free_port)" \
        --state-dir "$WORK" "${db_args[@]}" --quiet --variable "auth_secret=$(random_hex 32)" \
        --variable "app_api_token=$(random_hex 32)" --variable "dapr_api_token=$(random_hex 32)" >"$WORK/host.log" 2>&1 &
    HOST_PID=$! BASE="http://127.0.0.1:$port"
    for _ in $(seq 1 150); do curl -fsS "$BASE/health" >/dev/null 2>&1 && break; sleep 0.2; done
    curl -fsS "$BASE/health" >/dev/null || { cat "$WORK/host.log" >&2; exit 1; }

    # A fresh user, and real data for the path parameters: two tasks (one
    # recurring, so a series exists), reminders (one slot per task left
    # free of the 3 allowed) and a chat conversation.
    local pw t1 t2 series r1 r2 r3 r4 conversation; pw="$(random_hex 12)"
    TOKEN="$(curl -fsS -X POST "$BASE/api/v1/auth/signup" -H 'content-type: application/json' \
        -d "{\"email\":\"fuzz-$pw@example.com\",\"password\":\"$pw\",\"name\":\"Fuzz\"}" | jq -r .token)"
    t1="$(api POST /api/v1/tasks '{"title":"Fuzz one","priority":"high","dueAt":"2099-01-01T09:00:00Z","tags":["fuzz"]}')"
    read -r t2 series < <(api POST /api/v1/tasks '{"title":"Fuzz two","dueAt":"2099-01-05T09:00:00Z",
        "recurrence":{"rrule":"FREQ=WEEKLY;BYDAY=MO"}}' 'id + " " + .seriesId')
    r1="$(api POST "/api/v1/tasks/$t1/reminders" '{"before":"1h"}')" r2="$(api POST "/api/v1/tasks/$t1/reminders" '{"before":"1d"}')"
    r3="$(api POST "/api/v1/tasks/$t2/reminders" '{"before":"2h"}')" r4="$(api POST "/api/v1/tasks/$t2/reminders" '{"at":"2098-12-31T12:00:00Z"}')"
    conversation="$(api POST /api/v1/chat '{"message":"list my tasks"}' conversationId)"

    # Half the generated ids are real ones, so requests get past the 404.
    # /changes: `wait` pinned to 0, since a long poll stalls the run for up to
    # 30 s whenever `since` is the latest cursor; the rest of it is fuzzed.
    {
        echo "dictionaries = { tasks = { values = [\"$t1\", \"$t2\"] }, series = { values = [\"$series\"] }," \
            "reminders = { values = [\"$r1\", \"$r2\", \"$r3\", \"$r4\"] }, conversations = { values = [\"$conversation\"] } }"
        echo 'operations = [ { include-path = "/api/v1/changes", parameters = { "query.wait" = 0 } },'
        for pair in tasks:tasks reminders:reminders recurrences:series chat/conversations:conversations; do
            printf '  { include-path-regex = "^/api/v1/%s/\\\\{id\\\\}", parameters = { "path.id" = { dictionary = "%s", probability = 0.5 } } },\n' "${pair%:*}" "${pair#*:}"
        done
        echo ']'
    } > "$WORK/schemathesis.toml"

    log "$backend: schemathesis, $EXAMPLES examples per operation, seed $SEED"
    rm -rf "${REPORTS:?}/$backend"
    # signOut is left out: it would end the session the other requests use.
    # The stateful phase (on links schemathesis infers) takes seconds, so it
    # runs. From $WORK, where schemathesis and Hypothesis leave their caches;
    # no example database, so one run does not depend on the last.
    (cd "$WORK" && "$VENV/bin/schemathesis" --config-file schemathesis.toml run "$BASE/api/v1/openapi.json" \
        -H "Authorization: Bearer $TOKEN" --max-examples "$EXAMPLES" --seed "$SEED" --generation-database none \
        --phases examples,coverage,fuzzing,stateful --exclude-operation-id signOut \
        --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
        --request-timeout 60 --report json,ndjson,pytest --report-dir "$REPORTS/$backend" --no-color) || rc=$?
    cleanup

    # From the JSON report: unique failures, 5xx (ServerError,
    # ContentTypeServerError) apart from every other kind.
    report="$(ls "$REPORTS/$backend"/json-*.json)"
    read -r cases server others < <(jq -r '[.test_cases.generated,
        ([.failures[] | select(.type | endswith("ServerError")) | .count] | add // 0),
        ([.failures[] | select(.type | endswith("ServerError") | not) | .count] | add // 0)] | @tsv' "$report")
    SUMMARY+=("$(printf '%-8s %6s test cases  %3s server errors (5xx)  %3s other failures  exit %s  %ds' \
        "$backend" "$cases" "$server" "$others" "$rc" $((SECONDS - started)))")
    [ "$server" -eq 0 ] || SERVER_ERRORS=1
}

ensure_venv
command -v jq >/dev/null && command -v curl >/dev/null || apt_install jq curl
SUMMARY=() SERVER_ERRORS=0
case "${1:-both}" in
    sqlite|postgres) fuzz "$1" ;;
    both) fuzz sqlite; fuzz postgres ;;
    *) echo "unknown backend: $1 (sqlite, postgres, both)" >&2; exit 2 ;;
esac
log "results (reports in ${REPORTS#"$ROOT"/})"
printf '%s\n' "${SUMMARY[@]}"
exit "$SERVER_ERRORS"
