"""``policy-assistant eval``: score the assistant (or a file of answers) against a gold set."""

from __future__ import annotations

import argparse
from pathlib import Path


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--k {text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"--k {value} must be at least 1")
    return value


def register(subparsers) -> None:
    """Add the ``eval`` subcommand."""
    p = subparsers.add_parser(
        "eval", help="score answers and citations against a gold set",
        description="Run the gold set through the assistant (or score --answers FILE.jsonl in the "
                    "answer-contract shape), compare with retrieval baselines, print a summary "
                    "and exit 1 when a threshold is not met.")
    p.add_argument("--gold", type=Path, metavar="FILE", help="gold set (JSON lines); default: the shipped one")
    p.add_argument("--answers", type=Path, metavar="FILE.jsonl",
                   help="score these answers (one answer-contract object a line, matched by id or question)")
    p.add_argument("--report", type=Path, metavar="DIR", help="write report.md, report.html, results.json and plots here")
    p.add_argument("--json", action="store_true", help="print the full results as JSON instead of the table")
    p.add_argument("--k", type=_positive_int, default=5, help="cut-off for recall@k and MRR (default 5)")
    p.add_argument("--thresholds", type=Path, metavar="FILE",
                   help="bounds to check (default: thresholds.toml beside the gold set)")
    p.add_argument("--baselines", action=argparse.BooleanOptionalAction, default=None,
                   help="also run the BM25, dense, hybrid and LlamaIndex baselines "
                        "(default: on when the assistant runs, off with --answers)")
    p.add_argument("--llm", action="store_true",
                   help="answer through the model at POLICY_ASSISTANT_LLM_URL (each answer checked, the "
                        "extractive one as fallback); without it the extractive answers are scored")
    p.set_defaults(func=run_command)


def run_command(args: argparse.Namespace) -> int:
    """Run the evaluation. Returns 0 when every threshold is met, 1 otherwise."""
    from evals.report import summary_table, write_report
    from evals.runner import run_eval

    run = run_eval(gold_path=args.gold, answers_path=args.answers, k=args.k,
                   baselines=args.baselines, thresholds_path=args.thresholds, llm=args.llm)
    if args.json:
        print(run.model_dump_json(indent=1))
    else:
        print(summary_table(run))
        for note in run.notes:
            print(f"note: {note}")
    if args.report:
        paths = write_report(run, args.report)
        if not args.json:
            print(f"report: {paths['markdown']} and {paths['html']}")
    return 1 if run.violations else 0
