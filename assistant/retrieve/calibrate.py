"""Measure where the abstention gate should sit, on a gold set, and write ``gate.json``.

Run: ``python -m assistant.retrieve.calibrate [--gold FILE ...] [--max-false-abstain 0.04] [--write]``.
It prints the signal distributions of answerable and out-of-scope questions and the
thresholds that abstain on the most out-of-scope questions while wrongly abstaining on at
most the given share of answerable ones.

Calibrate over questions on several documents: the shipped gold set and the development set
beside this module (``calibration/dev.jsonl``: in-scope and out-of-scope questions on the
regulations in ``evals/documents`` and the shipped document), with all of them indexed
(``POLICY_ASSISTANT_HOME`` pointing at such an index). A gold file written ``FILE=HOME`` is
asked against the index in HOME instead: the shipped gold set over the plan alone, say, and
the development sets over the plan with the regulations, as the evaluation asks them.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from assistant.retrieve.gate import Gate, GateSignals, GateThresholds


def collect(assistant, gold: Path) -> list[tuple[bool, GateSignals]]:
    """Gate signals for every single-turn question of a gold file (uses the assistant's own pipeline)."""
    out = []
    for line in gold.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        if item.get("history"):
            continue
        out.append((bool(item.get("must_abstain")), assistant.gate_signals(item["question"])))
    return out


# How much a wrongly declined answerable question weighs against a wrongly answered out-of-scope one.
FALSE_COST = 2


def choose(rows: list[tuple[bool, GateSignals]], max_false: float) -> tuple[GateThresholds, dict]:
    """Grid-search the thresholds; return them with the figures measured at them.

    Among settings that wrongly abstain on at most ``max_false`` of the answerable questions,
    the one with the largest margin wins: the share of out-of-scope questions declined minus
    :data:`FALSE_COST` times the share of answerable ones declined (refusing a question the
    documents answer was the commonest failure people met, more than answering one they do
    not). Ties go to fewer false abstentions, then to the gate that leans least on vocabulary
    (a higher ``unsupported_min``).
    """
    answerable = [s for a, s in rows if not a]
    outside = [s for a, s in rows if a]
    best = None
    for u in [x / 100 for x in range(20, 101, 4)]:
        for d in [x / 1000 for x in range(700, 921, 8)]:
            for strong in (0.84, 0.86, 0.88, 0.9, 0.92, 1.01):
                for c in (0.0, 0.15, 0.25, 0.35, 0.45, 0.55):
                    # Signals are precomputed; only the thresholds matter here.
                    gate = Gate("", GateThresholds(unsupported_min=u, dense_min=d, dense_strong=strong,
                                                   coverage_min=c))
                    fa = sum(1 for s in answerable if gate.abstain(s)) / max(len(answerable), 1)
                    if fa > max_false:
                        continue
                    ta = sum(1 for s in outside if gate.abstain(s)) / max(len(outside), 1)
                    key = (round(ta - FALSE_COST * fa, 6), -fa, u, -d, c == 0.0, strong)
                    if best is None or key > best[0]:
                        best = (key, u, d, strong, c, ta, fa)
    _, u, d, strong, c, ta, fa = best
    figures = {"answerable": len(answerable), "out_of_scope": len(outside),
               "abstention_recall": round(ta, 4), "false_abstention_rate": round(fa, 4),
               "max_false_abstention": max_false}
    return GateThresholds(unsupported_min=u, dense_min=d, dense_strong=strong, coverage_min=c,
                          measured=figures), figures


def gold_and_home(spec: str) -> tuple[Path, Path | None]:
    """``FILE`` or ``FILE=HOME``: a gold file and the index home to ask it against (None: the configured one)."""
    gold, _, home = spec.partition("=")
    return Path(gold), Path(home) if home else None


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    from assistant.config import Settings
    from assistant.core import Assistant
    from evals.gold import DEFAULT_GOLD

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gold", nargs="+", metavar="FILE[=HOME]",
                        default=[str(DEFAULT_GOLD), str(Path(__file__).resolve().with_name("calibration") / "dev.jsonl")])
    parser.add_argument("--max-false-abstain", type=float, default=0.04)
    parser.add_argument("--write", action="store_true", help="write assistant/retrieve/gate.json")
    args = parser.parse_args(argv)
    specs = [gold_and_home(g) for g in args.gold]
    assistants: dict[Path | None, Assistant] = {}
    for _, home in specs:
        if home not in assistants:
            assistants[home] = Assistant(Settings.from_env(home=home), auto_ingest=False) if home else Assistant()
    rows = [row for gold, home in specs for row in collect(assistants[home], gold)]
    for label, flag in (("answerable", False), ("out of scope", True)):
        sigs = sorted(s.unsupported for a, s in rows if a == flag)
        dens = sorted(s.dense_top for a, s in rows if a == flag)
        q = lambda v, p: v[min(len(v) - 1, int(p * len(v)))] if v else float("nan")  # noqa: E731
        print(f"{label:13s} n={len(sigs):3d}  unsupported p10/p50/p90 = {q(sigs, .1):.3f}/{q(sigs, .5):.3f}/"
              f"{q(sigs, .9):.3f}  dense p10/p50/p90 = {q(dens, .1):.3f}/{q(dens, .5):.3f}/{q(dens, .9):.3f}")
    th, figures = choose(rows, args.max_false_abstain)
    print(f"chosen: unsupported_min={th.unsupported_min} dense_min={th.dense_min} dense_strong={th.dense_strong} "
          f"coverage_min={th.coverage_min} -> {figures}")
    if args.write:
        path = Path(__file__).with_name("gate.json")
        figures["gold"] = [gold.name for gold, _ in specs]
        path.write_text(json.dumps({"unsupported_min": th.unsupported_min, "dense_min": th.dense_min,
                                    "dense_strong": th.dense_strong, "coverage_min": th.coverage_min,
                                    "measured": figures}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
