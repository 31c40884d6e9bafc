#!/usr/bin/env bash
# Run tests against a chroma server: start `chroma run` on a free loopback port with a
# throwaway data folder, point POLICY_ASSISTANT_CHROMA_URL at it, run scripts/test.sh with
# the given pytest arguments, stop the server.
# Usage: bash scripts/test-chroma-server.sh [pytest args]   (default: the retrieval tests)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
export VENV
# The first run installs the environment (the server binary comes with chromadb).
[ -x "$VENV/bin/chroma" ] || bash scripts/test.sh --co -q >/dev/null
PORT=$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DATA=$(mktemp -d)
LOG="$DATA.log"
"$VENV/bin/chroma" run --path "$DATA" --host 127.0.0.1 --port "$PORT" >"$LOG" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null; rm -rf "$DATA" "$LOG"' EXIT
export POLICY_ASSISTANT_CHROMA_URL="http://127.0.0.1:$PORT"
"$VENV/bin/python" - <<PY
import sys, time, httpx
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    try:
        if httpx.get("$POLICY_ASSISTANT_CHROMA_URL/api/v2/heartbeat", timeout=1).status_code == 200:
            sys.exit(0)
    except httpx.HTTPError:
        time.sleep(0.2)
sys.exit("chroma server did not start on $POLICY_ASSISTANT_CHROMA_URL; see $LOG")
PY
echo "chroma server: $POLICY_ASSISTANT_CHROMA_URL"
if [ "$#" -eq 0 ]; then
  # Against the server, every write step is killed once (test_every_write_step_is_recoverable);
  # the kills at random steps and times run in the main pass.
  set -- tests/test_ask.py tests/test_ingest.py tests/test_crash.py -k "not random"
fi
bash scripts/test.sh "$@"
