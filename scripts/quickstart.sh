#!/usr/bin/env bash
# Set up a virtualenv, index the shipped corpus into the local chromadb with the bundled
# model, and answer a few questions. Usage: bash scripts/quickstart.sh ["你的问题"]
set -euo pipefail
cd "$(dirname "$0")/.."
export HF_HUB_OFFLINE=1 ANONYMIZED_TELEMETRY=False GRADIO_ANALYTICS_ENABLED=False
VENV="${VENV:-.venv}"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check .
PA="$VENV/bin/policy-assistant"
"$PA" ingest
if [ "$#" -gt 0 ]; then
  "$PA" ask "$*"
else
  for q in "白名单企业收购厂房有什么补助？" "股权收购价格是1.2亿元，最多补助多少？" \
           "大碶街道完成老工业区块改造涉企用地任务是多少亩？" "北仑区人才购房补贴是多少？"; do
    echo "=== $q"
    "$PA" ask "$q"
    echo
  done
fi
