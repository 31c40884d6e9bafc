"""Measure where the abstention gate should sit, on a gold set, and write ``gate.json``.

Run: ``python -m assistant.retrieve.calibrate [--gold FILE] [--max-false-abstain 0.05] [--write]``.
It prints the signal distributions of answerable and out-of-scope questions and the
thresholds that abstain on the most out-of-scope questions while wrongly abstaining on at
most the given share of answerable ones.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from assistant.retrieve.gate import Gate, GateSignals, GateThresholds


def collect(assistant, gold: Path) -> list[tuple[bool, GateSignals]]:
    """Gate signals for every single-turn gold question (uses the assistant's own pipeline)."""
    out = []
    for line in gold.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        if item.get("history"):
            continue
        out.append((bool(item.get("must_abstain")), assistant.gate_signals(item["question"])))
    return out


def choose(rows: list[tuple[bool, GateSignals]], max_false: float) -> tuple[GateThresholds, dict]:
    """Grid-search the two thresholds; return them with the figures measured at them."""
    answerable = [s for a, s in rows if not a]
    outside = [s for a, s in rows if a]
    best = None
    for u in [x / 100 for x in range(20, 101, 2)]:
        for d in [x / 1000 for x in range(700, 921, 4)]:
            # Signals are precomputed; only the thresholds matter here.
            gate = Gate("", GateThresholds(unsupported_min=u, dense_min=d))
            fa = sum(1 for s in answerable if gate.abstain(s)) / max(len(answerable), 1)
            ta = sum(1 for s in outside if gate.abstain(s)) / max(len(outside), 1)
            if fa <= max_false:
                key = (ta, -fa, u, -d)
                if best is None or key > best[0]:
                    best = (key, u, d, ta, fa)
    _, u, d, ta, fa = best
    figures = {"answerable": len(answerable), "out_of_scope": len(outside),
               "abstention_recall": round(ta, 4), "false_abstention_rate": round(fa, 4),
               "max_false_abstention": max_false}
    return GateThresholds(unsupported_min=u, dense_min=d, measured=figures), figures


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    from assistant.core import Assistant

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gold", type=Path, default=Path(__file__).resolve().parents[2] / "evals/gold/lzb-2024-22.jsonl")
    parser.add_argument("--max-false-abstain", type=float, default=0.05)
    parser.add_argument("--write", action="store_true", help="write assistant/retrieve/gate.json")
    args = parser.parse_args(argv)
    rows = collect(Assistant(), args.gold)
    for label, flag in (("answerable", False), ("out of scope", True)):
        sigs = sorted(s.unsupported for a, s in rows if a == flag)
        dens = sorted(s.dense_top for a, s in rows if a == flag)
        q = lambda v, p: v[min(len(v) - 1, int(p * len(v)))] if v else float("nan")  # noqa: E731
        print(f"{label:13s} n={len(sigs):3d}  unsupported p10/p50/p90 = {q(sigs, .1):.3f}/{q(sigs, .5):.3f}/"
              f"{q(sigs, .9):.3f}  dense p10/p50/p90 = {q(dens, .1):.3f}/{q(dens, .5):.3f}/{q(dens, .9):.3f}")
    th, figures = choose(rows, args.max_false_abstain)
    print(f"chosen: unsupported_min={th.unsupported_min} dense_min={th.dense_min} -> {figures}")
    if args.write:
        path = Path(__file__).with_name("gate.json")
        path.write_text(json.dumps({"unsupported_min": th.unsupported_min, "dense_min": th.dense_min,
                                    "measured": figures}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
