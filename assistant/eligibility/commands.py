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


def profile_help() -> str:
    """The profile fields for ``match --help``, generated from the profile model."""
    from assistant.eligibility.profile import EnterpriseProfile
    from assistant.schema_doc import field_docs, help_lines

    lines = help_lines(field_docs(EnterpriseProfile.model_json_schema()))
    return ("profile fields (every field optional; leave out what you do not know; "
            "example: docs/profile-example.json):\n" + "\n".join(lines))


def register(subparsers) -> None:
    """Add ``match --profile FILE [--json] [--as-of DATE] [--rules FILE]``."""
    p = subparsers.add_parser(
        "match", help="list the incentives, conditions and obligations that apply to an enterprise",
        description="Match an enterprise profile (JSON, TOML or YAML) against the eligibility rules.",
        epilog=profile_help(), formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--profile", required=True, metavar="FILE",
                   help="enterprise profile: .json, .toml, .yaml or .yml")
    p.add_argument("--json", action="store_true", help="print the result as one JSON object")
    p.add_argument("--as-of", type=_as_of, metavar="DATE",
                   help="the date the question is about (YYYY-MM-DD); noted when outside the plan's period")
    p.add_argument("--rules", metavar="FILE",
                   help="a rules TOML file ([[rules]], full clause ids) instead of the indexed documents' packs")
    p.set_defaults(func=run_match)


def run_match(args: argparse.Namespace) -> int:
    """Run ``match``: print the grouped result (text with citations, or JSON). Returns 0."""
    from assistant.eligibility.chat import compose, known_streets
    from assistant.eligibility.matcher import match, policy_period
    from assistant.eligibility.profile import load_profile
    from assistant.eligibility.rules import load_rules, pack_rules
    from assistant.tools.registry import indexed_clauses, run_tool

    clauses = indexed_clauses()
    profile = load_profile(args.profile, known_streets(clauses))
    rules = load_rules(args.rules, clause_ids=clauses.keys()) if args.rules else pack_rules(clauses)
    result = match(profile, rules=rules, as_of=args.as_of, period=policy_period(clauses),
                   run_tool=lambda name, arguments: run_tool(name, arguments, clauses))
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

