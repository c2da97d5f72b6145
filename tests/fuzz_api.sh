#!/usr/bin/env bash
# Fuzz the JSON API with schemathesis against a throwaway demo server, once with the token of the
# communications team's member (kommunikation) and once with an ordinary staff member's
# (medarbejder). Checks: no server error, every status documented in /api/schema/, and every
# response body matching the schema. Bounded so it fits in CI: FUZZ_MAX_EXAMPLES cases per
# operation and FUZZ_MAX_TIME seconds per token.
#
#   tests/fuzz_api.sh            (or: make fuzz)
#
# Everything it makes lives in var/fuzz/ and is removed at the start of the next run; the
# simulator and the web server it starts are stopped when it ends, however it ends.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
ST=${ST:-.venv/bin/st}
MAX_EXAMPLES=${FUZZ_MAX_EXAMPLES:-8}
MAX_TIME=${FUZZ_MAX_TIME:-100}
WORK=var/fuzz

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

rm -rf "$WORK"
mkdir -p "$WORK/celery"
export DATABASE_URL="sqlite:///$PWD/$WORK/db.sqlite3"
export CELERY_BROKER_URL="filesystem://"
export CELERY_FILESYSTEM_DIR="$PWD/$WORK/celery"
export CACHE_URL="locmemcache://"
# The fuzzer sends thousands of requests a minute: rates it never reaches.
export API_THROTTLE_USER="1000000/min" API_THROTTLE_ANON="1000000/min"
SIM_PORT=$(free_port)
WEB_PORT=$(free_port)
export SIMULATOR_URL="http://127.0.0.1:$SIM_PORT"

pids=()
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop EXIT

"$PY" manage.py simulate_platforms --port "$SIM_PORT" >"$WORK/simulator.log" 2>&1 &
pids+=($!)
"$PY" manage.py migrate --noinput >"$WORK/setup.log" 2>&1
"$PY" manage.py demo >>"$WORK/setup.log" 2>&1
# Citizens comment on every simulated account, and one poll brings that into the queue.
"$PY" - "$SIMULATOR_URL" <<'PYTHON' >>"$WORK/setup.log" 2>&1
import json
import sys
import urllib.request

base = sys.argv[1]
accounts = json.load(urllib.request.urlopen(f"{base}/_sim/accounts"))
if isinstance(accounts, dict):
    accounts = accounts.get("accounts", [])
for number, account in enumerate(accounts):
    for turn in range(3):
        body = json.dumps(
            {
                "account_id": account["id"],
                "message": f"Hvornår tømmes containerne? ({number}.{turn})",
                "author_name": f"Borger {number}.{turn}",
            }
        ).encode()
        request = urllib.request.Request(
            f"{base}/_sim/{account['platform']}/comments",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        try:
            urllib.request.urlopen(request)
        except OSError as error:
            print(f"no comment on {account}: {error}")
PYTHON
"$PY" manage.py poll_channels --once >>"$WORK/setup.log" 2>&1
"$PY" manage.py runserver --noreload "127.0.0.1:$WEB_PORT" >"$WORK/server.log" 2>&1 &
pids+=($!)

# A moderating personal token for each person, and a spare one the fuzzer may revoke (its id is
# the one tests/fuzz_config.py gives /api/v1/me/tokens/{id}/), so it never revokes its own.
token() {
  "$PY" manage.py shell -c "
from django.contrib.auth import get_user_model
from governance.token_actions import create_token
user = get_user_model().objects.get(username='$1')
create_token(user, name='Fuzz spare', scope='moderate', acting_user=user)
print(create_token(user, name='Fuzz', scope='moderate', acting_user=user)[1])" | tail -1
}
COMMS_TOKEN=$(token kommunikation)
STAFF_TOKEN=$(token medarbejder)

# Real ids of the demo's objects for the addresses' {id}, so the fuzzer reaches the actions
# instead of a 404 (a missing kind of object leaves the id to the fuzzer).
"$PY" tests/fuzz_config.py >"$WORK/schemathesis.toml"

for _ in $(seq 1 60); do
  curl -fsS -o /dev/null "http://127.0.0.1:$WEB_PORT/api/schema/" && break
  sleep 1
done

status=0
for who in kommunikation medarbejder; do
  key=$COMMS_TOKEN
  [[ $who == medarbejder ]] && key=$STAFF_TOKEN
  echo "== schemathesis as $who"
  # One worker: CPython 3.11's ast.parse is not safe in two threads at once (hypothesis parses
  # lambdas while describing strategies), which ends a run with "AST constructor recursion depth
  # mismatch", a crash of the fuzzer, not a finding about the API.
  "$ST" --config-file "$WORK/schemathesis.toml" run "http://127.0.0.1:$WEB_PORT/api/schema/" \
    --header "Authorization:Bearer $key" \
    --checks not_a_server_error,status_code_conformance,response_schema_conformance \
    --max-examples "$MAX_EXAMPLES" --max-time "$MAX_TIME" --workers 1 \
    --request-timeout 30 --generation-database none --seed 12 \
    --no-color --report junit --report-dir "$WORK/report-$who" || status=1
done
exit $status
