"""``policy-assistant tools`` and ``policy-assistant calc``: list and run the calculators."""

from __future__ import annotations

import argparse
import json

from assistant.errors import ToolInputError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``tools`` and ``calc`` subcommands.

    Args:
        subparsers: the parser's subcommand collection.
    """
    p = subparsers.add_parser("tools", help="list the calculators with their argument schemas")
    p.add_argument("--json", action="store_true", help="print the tools and JSON schemas as JSON")
    p.set_defaults(func=cmd_tools)

    p = subparsers.add_parser("calc", help="run one calculator")
    p.add_argument("name", help="calculator name (see `policy-assistant tools`)")
    p.add_argument("--args", default="{}", metavar="JSON",
                   help='arguments as a JSON object, e.g. \'{"price_yuan": "120000000"}\'')
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=cmd_calc)


def cmd_tools(args: argparse.Namespace) -> int:
    """Print every calculator of the indexed documents' packs: name, clause, description and arguments."""
    from assistant.schema_doc import field_docs, help_lines
    from assistant.tools.registry import list_tools

    specs = list_tools()
    if args.json:
        print(json.dumps([s.to_dict() for s in specs], ensure_ascii=False, indent=2))
        return 0
    for s in specs:
        print(f"{s.name}  [{s.clause_id or '单位换算'}]")
        print(f"  {s.description}")
        # Nested fields too (parcels[].expiry_date): an argument a caller must shape.
        for line in help_lines(field_docs(s.parameters), indent="   "):
            print(line)
    return 0


def cmd_calc(args: argparse.Namespace) -> int:
    """Run one calculator with ``--args`` and print the result (sentence + formula, or JSON)."""
    from assistant.tools.registry import get_tool, indexed_clauses, run_tool
    from assistant.tools.render import details, summary

    try:
        arguments = json.loads(args.args)
    except json.JSONDecodeError as err:
        raise ToolInputError(f"--args 不是有效的 JSON（{err.msg}，第{err.pos + 1}个字符）："
                             f"应为对象，如 '{{\"price_yuan\": \"120000000\"}}'。") from None
    clauses = indexed_clauses()
    result = run_tool(args.name, arguments, clauses)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(summary(result, get_tool(args.name, clauses).active))
    for line in details(result):
        print(line)
    if result.get("clause_id"):
        print(f"依据：{result['clause_id']}")
    return 0
