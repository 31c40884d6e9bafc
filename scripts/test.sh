#!/usr/bin/env bash
# Set up everything the tests need (virtualenv with the test extra, Debian chromium and
# CJK fonts for the browser tests) and run the test suite. Usage: bash scripts/test.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 ANONYMIZED_TELEMETRY=False GRADIO_ANALYTICS_ENABLED=False
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  if [ ! -x /usr/bin/chromium ] || ! fc-list :lang=zh 2>/dev/null | grep -q .; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  fi
fi
VENV="${VENV:-.venv}"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
# torch is pinned in the extra (==2.13.0) so pip takes the CPU build.
"$VENV/bin/pip" install -q --disable-pip-version-check -e '.[test]'
# The whole suite runs on up to four workers, one per core (each module's tests stay in one
# worker: a module builds its index once); PYTEST_WORKERS=0 runs it in one process. Explicit
# pytest arguments run as given, in one process.
if [ "$#" -eq 0 ]; then
  # (getconf, not nproc: nproc reports 1 under OMP_NUM_THREADS=1.)
  WORKERS="${PYTEST_WORKERS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}"
  [ "$WORKERS" -gt 4 ] && WORKERS=4
  [ "$WORKERS" -gt 1 ] && set -- -n "$WORKERS" --dist loadfile
fi
exec "$VENV/bin/python" -m pytest -q "$@"
