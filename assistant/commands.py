"""Core subcommands: ingest, ask, clause, clauses, documents."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.errors import AssistantError, EmptyQuestionError


def register(sub: argparse._SubParsersAction) -> None:
    """Add the core subcommands to the ``policy-assistant`` parser."""
    p = sub.add_parser("ingest", help="add or update documents in the index (default: the shipped corpus)")
    p.add_argument("paths", nargs="*", type=Path, help="PDF/DOCX/TXT/MD files or folders")
    p.add_argument("--rebuild", action="store_true", help="rebuild the index from scratch, re-reading every file it holds (after changing the model)")
    p.add_argument("--keep-going", action="store_true", help="skip unreadable files instead of stopping")
    p.add_argument("--wait", type=float, default=300, metavar="SECONDS",
                   help="wait this long for another ingestion of the same index to finish (default 300; 0 fails at once)")
    p.add_argument("--verify", action="store_true",
                   help="compare the vector store with the clause store and repair any difference")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("ask", help="answer a question with cited clauses")
    p.add_argument("question", nargs="?", help="the question (omit with --batch)")
    p.add_argument("--json", action="store_true", help="print the answer contract as JSON")
    p.add_argument("--batch", type=Path, help="file with one question a line; prints JSON lines")
    p.add_argument("--history", action="append", default=[], metavar="Q",
                   help="an earlier question of the conversation (repeatable, oldest first)")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("clause", help="print one clause verbatim")
    p.add_argument("id", help="clause id, e.g. lzb-2024-22:s6.6")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_clause)

    p = sub.add_parser("clauses", help="list clause ids and labels (the table of contents)")
    p.add_argument("--doc", help="only this document (id or 文号)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_clauses)

    p = sub.add_parser("documents", help="list indexed documents with their metadata")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_documents)


def _assistant():
    from assistant.core import Assistant

    return Assistant(progress=lambda msg: print(msg, file=sys.stderr))


def cmd_ingest(args) -> int:
    """``policy-assistant ingest``."""
    from assistant.config import Settings
    from assistant.index.ingest import ingest

    settings = Settings.from_env()
    report = ingest(args.paths or None, settings, rebuild=args.rebuild, strict=not args.keep_going,
                    progress=lambda msg: print(msg, file=sys.stderr), wait=args.wait, verify=args.verify)
    if args.json:
        print(json.dumps(report.__dict__, ensure_ascii=False, default=str))
    else:
        print(report.summary())
        for path, why in report.skipped:
            print(f"  skipped {path}: {why}")
    # A copy of a file already indexed is not a failure; an unreadable file (--keep-going) is.
    return 1 if report.failures else 0


def cmd_ask(args) -> int:
    """``policy-assistant ask``."""
    if args.batch:
        if args.question:
            raise EmptyQuestionError("give either a QUESTION or --batch FILE, not both.")
        from assistant.errors import DocumentNotFoundError

        if not args.batch.is_file():
            raise DocumentNotFoundError(f"{args.batch}: no such file. Give a file with one question a line.")
        from assistant.read.text import decode_text

        # One question a line: split on newlines only (str.splitlines would also split a
        # question at a form feed or U+2028); UTF-8, UTF-16 or GB18030 like any text file.
        text = decode_text(args.batch, args.batch.read_bytes()).replace("\r\n", "\n").replace("\r", "\n")
        lines = [line for line in text.split("\n") if line.strip()]
        if not lines:
            raise EmptyQuestionError(f"{args.batch}: the file has no questions. Put one question on each line.")
        assistant = _assistant()
        failures = 0
        for line in lines:
            try:
                out = assistant.ask(line).model_dump(mode="json")
            except AssistantError as err:  # one bad line must not lose the others
                out, failures = {"question": line, "error": str(err)}, failures + 1
            print(json.dumps(out, ensure_ascii=False), flush=True)
        return 1 if failures else 0
    if args.question is None or not args.question.strip():
        raise EmptyQuestionError("the question is empty. Example: policy-assistant ask \"兼并收购有什么补助？\"")
    answer = _assistant().ask(_argv_text(args.question), history=[_argv_text(h) for h in args.history])
    if args.json:
        print(json.dumps(answer.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        print(render_answer(answer))
    return 0


def _argv_text(value: str) -> str:
    """A command-line argument with bytes that are not UTF-8 (which Python keeps as lone
    surrogates, unprintable and unencodable) replaced by U+FFFD."""
    try:
        raw = value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that is not an escaped byte
        raw = value.encode("utf-8", "replace")
    return raw.decode("utf-8", "replace")


def render_answer(answer) -> str:
    """The answer for a terminal: text, then each cited clause with label, source and page."""
    out = [answer.answer]
    if answer.tool_calls:
        out.append("")
        out.append("计算过程：")
        for call in answer.tool_calls:
            args = ", ".join(f"{k}={v}" for k, v in call.arguments.items())
            out.append(f"  {call.name}({args})")
            if call.result:
                if "formula" in call.result:
                    out.append(f"    公式：{call.result['formula']}")
            if call.error:
                out.append(f"    错误：{call.error}")
    if answer.citations:
        out.append("")
        out.append("引用条款：")
        for i, c in enumerate(answer.citations, start=1):
            where = c.source + (f" 第{c.page}页" if c.page else "")
            out.append(f"  [{i}] {c.label}  ({c.id}; {where})")
    return "\n".join(out)


def cmd_clause(args) -> int:
    """``policy-assistant clause ID``."""
    clause = _assistant().clause(args.id)
    if args.json:
        print(json.dumps(clause.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        where = clause.source + (f" 第{clause.page}页" if clause.page else "")
        print(f"{clause.label}\n({clause.id}; {where})\n")
        print(clause.text)
    return 0


def cmd_clauses(args) -> int:
    """``policy-assistant clauses``."""
    clauses = _assistant().clauses(args.doc)
    if args.json:
        print(json.dumps([{"id": c.id, "label": c.label, "kind": c.kind, "parent_id": c.parent_id,
                           "page": c.page} for c in clauses], ensure_ascii=False, indent=2))
        return 0
    for c in clauses:
        depth = len(c.path)
        print(f"{'  ' * depth}{c.id}\t{c.label}")
    return 0


def cmd_documents(args) -> int:
    """``policy-assistant documents``."""
    docs = _assistant().documents()
    if args.json:
        print(json.dumps([d.model_dump(mode="json") for d in docs], ensure_ascii=False, indent=2))
        return 0
    for d in docs:
        period = f"{d.valid_from} 至 {d.valid_to}" if d.valid_from else "未注明"
        print(f"{d.id}\t{d.short_name}\t{d.title}\n\t发文机关：{'、'.join(d.issuers) or '未注明'}；"
              f"成文日期：{d.signed or '未注明'}；有效期：{period}")
    return 0
