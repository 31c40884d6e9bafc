"""The ``match`` subcommand: which incentives, conditions and obligations apply to a profile."""

from __future__ import annotations

import argparse
import json
from datetime import date


def _as_of(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--as-of {value!r}: give a date as YYYY-MM-DD") from None


def register(subparsers) -> None:
    """Add ``match --profile FILE [--json] [--as-of DATE] [--rules FILE]``."""
    p = subparsers.add_parser(
        "match", help="list the incentives, conditions and obligations that apply to an enterprise",
        description="Match an enterprise profile (JSON, TOML or YAML) against the eligibility rules.")
    p.add_argument("--profile", required=True, metavar="FILE",
                   help="enterprise profile: .json, .toml, .yaml or .yml")
    p.add_argument("--json", action="store_true", help="print the result as one JSON object")
    p.add_argument("--as-of", type=_as_of, metavar="DATE",
                   help="the date the question is about (YYYY-MM-DD); noted when outside the plan's period")
    p.add_argument("--rules", metavar="FILE", help="a rules TOML file instead of the shipped one")
    p.set_defaults(func=run_match)


def run_match(args: argparse.Namespace) -> int:
    """Run ``match``: print the grouped result (text with citations, or JSON). Returns 0."""
    from assistant.corpus import clause_map
    from assistant.eligibility.chat import compose
    from assistant.eligibility.matcher import match
    from assistant.eligibility.profile import load_profile
    from assistant.eligibility.rules import load_rules

    profile = load_profile(args.profile)
    clauses = clause_map()
    rules = load_rules(args.rules, clause_ids=clauses.keys())
    result = match(profile, rules=rules, as_of=args.as_of)
    text, cites = compose(result, clauses)
    if args.json:
        out = result.model_dump(mode="json")
        out["answer"] = text
        out["citations"] = [c.model_dump(mode="json") for c in cites.citations]
        out["external_documents"] = result.external_documents
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    print(text)
    if cites.citations:
        print()
        for n, c in enumerate(cites.citations, start=1):
            print(f"[{n}] {c.label} ({c.id})")
    if not profile.known():
        print("\n（档案未提供任何情况，以上仅为适用于所有企业的内容。）")
    return 0

