"""Core subcommands: ingest, remove, ask, clause, clauses, documents."""

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
    p.add_argument("--replace", metavar="DOC_ID",
                   help="the one FILE given replaces this indexed document (its id stays)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("remove", help="remove one document from the index (its source file is not touched)")
    p.add_argument("doc_id", metavar="DOC_ID", help="the document id ('policy-assistant documents' lists them)")
    p.add_argument("--wait", type=float, default=300, metavar="SECONDS",
                   help="wait this long for an ingestion of the same index to finish (default 300)")
    p.set_defaults(func=cmd_remove)

    from assistant.llm.config import mode_line

    p = sub.add_parser("ask", help="answer a question with cited clauses", description=mode_line())
    p.add_argument("question", nargs="?", help="the question (omit with --batch)")
    p.add_argument("--json", action="store_true", help="print the answer contract as JSON")
    p.add_argument("--batch", type=Path, help="file with one question a line; prints JSON lines")
    p.add_argument("--history", action="append", default=[], metavar="Q",
                   help="an earlier question of the conversation (repeatable, oldest first)")
    p.add_argument("--llm", action=argparse.BooleanOptionalAction, default=None,
                   help="write the answer with the model at POLICY_ASSISTANT_LLM_URL (checked sentence by "
                        "sentence; default: on when the URL is set) or not (--no-llm: extractive)")
    p.add_argument("--stream", action="store_true",
                   help="with the model: print its draft to stderr as it comes, then the checked answer")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("clause", help="print one clause verbatim")
    p.add_argument("id", help="clause id, e.g. DOC_ID:s4.3 or DOC_ID:art9 (policy-assistant clauses lists them)")
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


def _embed_bar():
    """A tqdm bar for embedding on a terminal; (None, None) when stderr is not one (the
    per-batch lines would only fill a log: the steps are still printed)."""
    if not sys.stderr.isatty():
        return (lambda done, total: None), None
    from tqdm import tqdm

    bar = tqdm(total=0, unit="条", desc="嵌入向量", file=sys.stderr, leave=False)

    def update(done: int, total: int) -> None:
        if bar.total != total:
            bar.reset(total=total)
        bar.update(done - bar.n)

    return update, bar


def cmd_ingest(args) -> int:
    """``policy-assistant ingest``."""
    from assistant.config import Settings
    from assistant.index.ingest import ingest

    settings = Settings.from_env()
    update, bar = _embed_bar()
    try:
        report = ingest(args.paths or None, settings, rebuild=args.rebuild, strict=not args.keep_going,
                        progress=lambda msg: print(msg, file=sys.stderr), wait=args.wait,
                        verify=args.verify, replace=args.replace, embed_progress=update)
    finally:
        if bar is not None:
            bar.close()
    if args.json:
        print(json.dumps(report.__dict__, ensure_ascii=False, default=str))
    else:
        print(report.summary())
        for note in report.notes:
            print(f"  {note}")
        for path, why in report.skipped:
            print(f"  已跳过 {path}：{why}")
    # A copy of a file already indexed is not a failure; an unreadable file (--keep-going) is.
    return 1 if report.failures else 0


def cmd_remove(args) -> int:
    """``policy-assistant remove DOC_ID``."""
    from assistant.config import Settings
    from assistant.index.ingest import remove_document

    report = remove_document(args.doc_id, Settings.from_env(), wait=args.wait)
    print(f"已移除文档 {args.doc_id}（{'、'.join(report.removed)}）；索引中还有 {report.clauses} 条条款。"
          "源文件未改动。")
    return 0


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
                out = assistant.ask(line, llm=args.llm).model_dump(mode="json")
            except AssistantError as err:  # one bad line must not lose the others
                out, failures = {"question": line, "error": str(err)}, failures + 1
            print(json.dumps(out, ensure_ascii=False), flush=True)
        return 1 if failures else 0
    if args.question is None or not args.question.strip():
        raise EmptyQuestionError("问题是空的。请输入一个问题，例如：policy-assistant ask \"兼并收购有什么补助？\"")
    answer = _assistant().ask(_argv_text(args.question), history=[_argv_text(h) for h in args.history],
                              llm=args.llm, on_token=_draft_printer() if args.stream else None)
    if args.stream:
        print("\n——以上为草稿；核对后的回答——", file=sys.stderr, flush=True)
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


def _draft_printer():
    """Print a model's draft to stderr piece by piece (stdout keeps the checked answer only)."""
    def write(piece: str) -> None:
        sys.stderr.write(piece)
        sys.stderr.flush()

    return write


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
    if getattr(answer, "notes", None):
        out.append("")
        out += [f"注：{note}" for note in answer.notes]
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
    from assistant.config import Settings
    from assistant.documents.validity import describe, state

    docs = _assistant().documents()
    today = Settings.from_env().clock()
    if args.json:
        print(json.dumps([{**d.model_dump(mode="json"), "state": state(d, today, docs)} for d in docs],
                         ensure_ascii=False, indent=2))
        return 0
    from assistant.llm.config import mode_line

    for d in docs:
        print(describe(d, today, docs))
    print(mode_line())
    return 0
