"""Run a ``policy-assistant`` command and kill this process (SIGKILL) at one chosen write step.

Usage: ``python crash_child.py STEP LOG -- ARGS...``

Every write the index makes is a numbered step, before and after it: JSON writes and the
renames inside them (the embedding cache's batch files too), dense-store deletes and adds,
collection drops, the journal removal and the pruning of old snapshots.
``CRASH_EMBED_BATCH`` sets the texts embedded per batch. Each step is appended to LOG as it is reached, and at
step STEP the process kills itself the way ``kill -9`` would: no cleanup, no ``finally``.
STEP 0 runs to the end and only records the steps (to count them).
"""

from __future__ import annotations

import os
import re
import signal
import sys
from pathlib import Path


def main() -> int:
    step_at, log_path = int(sys.argv[1]), sys.argv[2]
    args = sys.argv[sys.argv.index("--") + 1:]

    from llama_index.vector_stores.chroma import ChromaVectorStore

    from assistant import cli
    from assistant.index import store

    log = open(log_path, "a", encoding="utf-8")
    count = 0

    # CRASH_AT="LABEL:N": die at the N-th step whose name starts with LABEL instead.
    at_label, _, at_nth = os.environ.get("CRASH_AT", "").rpartition(":")
    seen = 0

    def step(name: str) -> None:
        nonlocal count, seen
        count += 1
        log.write(f"{count} {name}\n")
        log.flush()
        if at_label and name.startswith(at_label):
            seen += 1
            if seen == int(at_nth):
                os.kill(os.getpid(), signal.SIGKILL)
        if count == step_at:
            os.kill(os.getpid(), signal.SIGKILL)

    def wrap(owner, attr: str, label) -> None:
        original = getattr(owner, attr)

        def instrumented(*a, **kw):
            name = label(*a) if callable(label) else label
            step(f"before {name}")
            out = original(*a, **kw)
            step(f"after {name}")
            return out

        setattr(owner, attr, instrumented)

    def file_label(path, *_):
        return "write " + re.sub(r"-\d+\.json$", "-N.json", Path(path).name)

    wrap(store, "atomic_write_json", file_label)
    wrap(os, "replace", lambda src, dst, *_: "rename to " + re.sub(r"-\d+\.json$", "-N.json", Path(dst).name))
    wrap(ChromaVectorStore, "add", "dense add")
    wrap(store.ClauseIndex, "_delete_doc", "dense delete")
    if os.environ.get("CRASH_EMBED_BATCH"):
        # Small embedding batches, so that a kill can land between two of them.
        store.ClauseIndex.embed_batch = int(os.environ["CRASH_EMBED_BATCH"])
    wrap(store.ClauseIndex, "clear_journal", "journal removal")
    wrap(store.ClauseIndex, "_prune_snapshots", "snapshot pruning")
    wrap(store.ClauseIndex, "drop_collections", "collection drop")
    return cli.main(args)


if __name__ == "__main__":
    sys.exit(main())
