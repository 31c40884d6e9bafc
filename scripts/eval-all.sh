#!/usr/bin/env bash
# Every gold set, each into reports/<name> (the shipped gold with its gate, the blind and scope
# sets with their targets). Usage: bash scripts/eval-all.sh [extra eval arguments, e.g. --no-baselines]
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
export HF_HUB_OFFLINE=1 ANONYMIZED_TELEMETRY=False
"$VENV/bin/policy-assistant" eval --report reports/eval "$@"
for gold in evals/gold/blind-*.jsonl evals/gold/scope-*.jsonl; do
  name=$(basename "$gold" .jsonl)
  "$VENV/bin/policy-assistant" eval --gold "$gold" --report "reports/$name" "$@"
done
