"""Chroma server mode: POLICY_ASSISTANT_CHROMA_URL sends every command to a ``chroma run``
server (started here on loopback), several homes share one server without mixing, and
several workers sharing one home and server see each other's ingestions."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import DATA, free_port, run_cli

from assistant.config import Settings
from assistant.core import Assistant
from assistant.index.store import ClauseIndex, retrieval_text

CHROMA = Path(sys.executable).parent / "chroma"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    """A chroma server on a free loopback port, for this module only."""
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen([str(CHROMA), "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    import httpx

    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"chroma server did not start on {url}")
        time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(timeout=30)


def cli(home: Path, url: str | None, *args: str) -> subprocess.CompletedProcess:
    return run_cli(*args, home=home, env={"POLICY_ASSISTANT_CHROMA_URL": url} if url else None, timeout=300)


def dense_ids(home: Path, url: str) -> set[str]:
    index = ClauseIndex(Settings(home=home, chroma_url=url))
    return set(index.vector_store()._collection.get(include=[])["ids"])


def test_every_command_uses_the_server(server: str, tmp_path: Path) -> None:
    home = tmp_path / "home"
    done = cli(home, server, "ingest", str(DATA / "banfa.txt"))
    assert done.returncode == 0, done.stderr
    assert not (home / "chroma").exists()  # nothing local: the vectors are on the server
    state = json.loads((home / "index.json").read_text(encoding="utf-8"))
    import chromadb

    client = chromadb.HttpClient(host="127.0.0.1", port=int(server.rsplit(":", 1)[1]))
    assert state["collection"] in [c.name for c in client.list_collections()]
    index = ClauseIndex(Settings(home=home, chroma_url=server))
    assert dense_ids(home, server) == {c.id for c in index.clauses().values() if retrieval_text(c)}

    asked = cli(home, server, "ask", "--json", "闲置满两年的土地怎么处理？")
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    lead = answer["citations"][0]["id"]
    assert lead == "test-banfa:art5" or lead.startswith("test-banfa:art5.")  # the article or its item that says it
    assert cli(home, server, "clause", "test-banfa:art4").stdout.strip().endswith("不低于2.0。")
    assert "仑测〔2024〕1号" in cli(home, server, "documents").stdout
    assert not (home / "chroma").exists()


def test_homes_sharing_a_server_do_not_mix(server: str, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert cli(a, server, "ingest", str(DATA / "banfa.txt")).returncode == 0
    assert cli(b, server, "ingest", str(DATA / "st-english.txt")).returncode == 0
    ids_a, ids_b = dense_ids(a, server), dense_ids(b, server)
    assert ids_a and all(i.startswith("test-banfa:") for i in ids_a)
    assert ids_b and all(i.startswith("st-english:") for i in ids_b)
    # Rebuilding one home (adding a document) drops and rebuilds its own collection only.
    rebuilt = cli(b, server, "ingest", "--rebuild", str(DATA / "banfa.txt"))
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert dense_ids(a, server) == ids_a
    assert dense_ids(b, server) == ids_b | ids_a


@pytest.mark.parametrize("mode", ["server", "local"])
def test_workers_sharing_a_home_pick_up_a_new_ingestion(server: str, tmp_path: Path, mode: str) -> None:
    """Two workers on one home (and one server): an ingestion by one is seen by the other,
    in the dense store too, without a restart."""
    url = server if mode == "server" else None
    home = tmp_path / "home"
    assert cli(home, url, "ingest", str(DATA / "banfa.txt")).returncode == 0
    worker = Assistant(Settings(home=home, chroma_url=url), auto_ingest=False)
    question = "什么样的企业会被通报表扬？"
    before = worker.ask(question)
    assert not any(c.id.startswith("extra:") for c in before.citations)
    extra = tmp_path / "extra.txt"
    extra.write_text("北仑区测试补充规定\n\n第一条 对亩均税收连续两年增长的企业，给予通报表扬。\n", encoding="utf-8")
    other = cli(home, url, "ingest", str(extra))  # another process: the other worker's upload
    assert other.returncode == 0, other.stderr
    after = worker.ask(question)
    assert after.citations and after.citations[0].id.startswith("extra:")
    assert "通报表扬" in after.answer
    assert "extra:art1" in [h.clause.id for h in worker.retrieve(question, k=3, mode="dense")]


def test_an_unreachable_server_is_a_clear_error_without_the_password(tmp_path: Path) -> None:
    url = f"http://admin:s3cret-pw@127.0.0.1:{free_port()}"
    done = cli(tmp_path / "home", url, "ask", "兼并收购有什么补助？")
    assert done.returncode == 2
    assert "cannot reach the chroma server at http://***@127.0.0.1:" in done.stderr
    assert "chroma run" in done.stderr
    assert "s3cret-pw" not in done.stdout + done.stderr
