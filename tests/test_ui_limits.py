"""The web UI under hostile input, over real HTTP: body limits, uploads before the password, temp files.

An app with an admin password and a 1 MB request limit is launched in this process on a free
loopback port (over a copy of the built home); raw sockets send what a browser never would.
The temp-folder test runs ``policy-assistant ui`` as a subprocess and stops it with SIGTERM.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import HANG_GUARD_S, ROOT, copy_home, free_port

pytest.importorskip("gradio", reason="gradio is not installed (pip install 'gradio>=6,<7')")
httpx = pytest.importorskip("httpx")

from ui.limits import PASS_COOKIE, UNLOCK_PATH, AdminPass, discard_uploads  # noqa: E402

PW = "pw-limits-5521#"
MB = 1024 * 1024
ASK = "/gradio_api/call/ask"
UPLOAD = "/gradio_api/upload"
POLICY_TXT = "测试政策文件\n\n一、适用范围\n本办法适用于测试企业。\n\n二、补助标准\n每亩补助1万元。\n"


@pytest.fixture(scope="module")
def guarded_app(built_home: Path, tmp_path_factory: pytest.TempPathFactory):
    """(base URL, demo) of an app that wants the admin password and takes bodies up to 1 MB."""
    from assistant.config import Settings
    from assistant.core import Assistant
    from ui.app import build_app, launch

    home = copy_home(built_home, tmp_path_factory.mktemp("limits") / "home")
    assistant = Assistant(Settings.from_env(home=home, admin_password=PW, max_request_mb=1), auto_ingest=False)
    demo = build_app(assistant, host="127.0.0.1")
    port = free_port()
    launch(demo, host="127.0.0.1", port=port, block=False)
    yield f"http://127.0.0.1:{port}", demo
    demo.close()


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def _response(sock: socket.socket) -> tuple[int, str]:
    """Read a whole HTTP/1.1 response (the server closes the connection after it)."""
    data = b""
    sock.settimeout(30)
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body.decode("utf-8")


def _files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _multipart(name: str, content: bytes) -> tuple[bytes, str]:
    boundary = "----policy-assistant-test-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


# -- request bodies -----------------------------------------------------------------------------------------
def test_a_declared_200_mb_body_is_refused_before_any_of_it_is_sent(guarded_app) -> None:
    url, _ = guarded_app
    with socket.create_connection(("127.0.0.1", _port(url)), timeout=30) as sock:
        sock.sendall((f"POST {ASK} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                      f"Content-Length: {200 * MB}\r\n\r\n").encode())
        started = time.monotonic()
        status, body = _response(sock)  # not a byte of the body was sent: the server did not wait for it
    assert status == 413
    assert time.monotonic() - started < 10
    assert body == ("请求内容太大（200 MB）：上限是 1 MB（POLICY_ASSISTANT_MAX_REQUEST_MB）。"
                    "请缩短问题或只发送最近的历史问题；上传文件请用“文件管理”页的上传按钮。")


def test_a_chunked_body_is_refused_as_soon_as_it_passes_the_limit(guarded_app) -> None:
    url, _ = guarded_app
    piece = b"[" + b"0," * (32 * 1024)  # 64 KiB of a JSON array that never ends
    with socket.create_connection(("127.0.0.1", _port(url)), timeout=30) as sock:
        sock.sendall((f"POST {ASK} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                      "Transfer-Encoding: chunked\r\n\r\n").encode())
        for _ in range(17):  # 17 x 64 KiB: just past 1 MB, and the body is never finished
            sock.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        status, body = _response(sock)
    assert status == 413
    assert body.startswith("请求内容太大：上限是 1 MB（POLICY_ASSISTANT_MAX_REQUEST_MB）。")


def test_a_bad_content_length_is_refused_naming_it() -> None:
    # uvicorn refuses such a header itself; behind another server the guard still does.
    import asyncio
    import threading

    from ui.limits import RequestGuard, RequestPolicy

    sent: list[dict] = []
    reached: list[str] = []

    async def app(scope, receive, send):
        reached.append(scope["path"])

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    guard = RequestGuard(app, RequestPolicy(max_request_bytes=MB, max_upload_bytes=MB, upload_needs_pass=False))
    scope = {"type": "http", "path": ASK, "headers": [(b"content-length", b"12abc")]}
    # In a thread of its own: a browser test earlier in the session may leave this thread's
    # event loop running, where asyncio.run refuses to start.
    worker = threading.Thread(target=lambda: asyncio.run(guard(scope, receive, send)))
    worker.start()
    worker.join(timeout=30)
    assert reached == [] and sent[0]["status"] == 400
    assert sent[1]["body"].decode("utf-8") == "请求头 Content-Length 的值“12abc”不是字节数。"


def test_a_question_under_the_limit_is_still_answered(guarded_app) -> None:
    url, _ = guarded_app
    with httpx.Client(base_url=url, timeout=HANG_GUARD_S) as client:
        started = client.post(ASK, json={"data": ["兼并收购有什么补助？", []]})
        assert started.status_code == 200, started.text
        stream = client.get(f"{ASK}/{started.json()['event_id']}")
    assert stream.status_code == 200
    event, data = [line for line in stream.text.splitlines() if line][-2:]
    assert event == "event: complete"
    answer = json.loads(data.removeprefix("data: "))[0]
    assert answer["question"] == "兼并收购有什么补助？" and answer["abstained"] is False
    assert answer["citations"] and "[1]" in answer["answer"]


# -- uploads before the password ----------------------------------------------------------------------------
def test_an_upload_without_the_password_is_refused_and_nothing_is_stored(guarded_app) -> None:
    url, demo = guarded_app
    before = _files_under(demo.upload_dir)
    body, ctype = _multipart("big.pdf", b"%PDF-1.4\n" + b"0" * (5 * MB))
    with httpx.Client(base_url=url, timeout=HANG_GUARD_S) as client:
        refused = client.post(UPLOAD, content=body, headers={"Content-Type": ctype})
    # A forged pass (right shape, wrong signature) is no better.
    with httpx.Client(base_url=url, timeout=HANG_GUARD_S,
                      cookies={PASS_COOKIE: f"{int(time.time()) + 600}.{'0' * 64}"}) as client:
        forged = client.post(UPLOAD, content=body, headers={"Content-Type": ctype})
    for response in (refused, forged):
        assert response.status_code == 401
        assert response.text == ("上传需要管理员密码：请先在“文件管理”页填写管理员密码并点击“验证密码”，"
                                 "再选择文件（验证后 30 分钟内有效）。")
    assert _files_under(demo.upload_dir) == before
    # gradio's own default folder got nothing either: the app stores uploads in its own folder.
    assert demo.upload_dir.name.startswith("policy-assistant-ui-")


def test_a_wrong_password_gets_no_pass(guarded_app) -> None:
    url, demo = guarded_app
    with httpx.Client(base_url=url, timeout=HANG_GUARD_S) as client:
        wrong = client.post(UNLOCK_PATH, json={"password": "not-it"})
        missing = client.post(UNLOCK_PATH, content=b"not json")
        body, ctype = _multipart("policy.txt", POLICY_TXT.encode())
        upload = client.post(UPLOAD, content=body, headers={"Content-Type": ctype})
    assert wrong.status_code == 401 and "set-cookie" not in wrong.headers
    assert wrong.json() == {"ok": False, "message": "管理员密码不正确：上传和重新索引需要 "
                                                     "POLICY_ASSISTANT_ADMIN_PASSWORD 中设置的密码。"}
    assert missing.status_code == 400 and missing.json()["ok"] is False
    assert upload.status_code == 401
    assert not any(p.name == "policy.txt" for p in _files_under(demo.upload_dir))


def test_the_right_password_gives_a_pass_that_opens_uploads(guarded_app) -> None:
    url, demo = guarded_app
    with httpx.Client(base_url=url, timeout=HANG_GUARD_S) as client:
        unlocked = client.post(UNLOCK_PATH, json={"password": PW})
        body, ctype = _multipart("policy.txt", POLICY_TXT.encode())
        upload = client.post(UPLOAD, content=body, headers={"Content-Type": ctype})
    assert unlocked.status_code == 200
    assert unlocked.json() == {"ok": True, "message": "密码正确：30 分钟内可以选择文件上传。"}
    cookie = unlocked.headers["set-cookie"]
    assert cookie.startswith(f"{PASS_COOKIE}=") and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Max-Age=1800" in cookie and PW not in cookie
    assert upload.status_code == 200, upload.text
    [stored] = upload.json()
    assert Path(stored).parent.parent == demo.upload_dir
    assert Path(stored).read_text(encoding="utf-8") == POLICY_TXT
    discard_uploads([stored], demo.upload_dir)
    assert not Path(stored).exists() and not Path(stored).parent.exists() and demo.upload_dir.is_dir()


def _event_id(demo, api_name: str) -> int:
    [fn_id] = [fn._id for fn in demo.fns.values() if fn.api_name == api_name]
    return fn_id


def test_calling_the_upload_event_without_the_password_stores_nothing(guarded_app) -> None:
    url, demo = guarded_app
    # gradio copies or downloads the files an event call names before the event's handler
    # (and its password check) runs; a call naming a URL left a folder behind.
    files = [{"path": f"{url}/gradio_api/info", "orig_name": "info.txt", "meta": {"_type": "gradio.FileData"}}]
    before = sorted(demo.upload_dir.rglob("*"))
    event = _event_id(demo, "do_upload")
    with httpx.Client(base_url=url, timeout=HANG_GUARD_S) as client:
        joined = client.post("/gradio_api/queue/join", json={
            "data": [files, "wrong"], "fn_index": event, "session_hash": "limits-test", "event_data": None})
        as_text = client.post("/gradio_api/queue/join", content=json.dumps({
            "data": [files, "wrong"], "fn_index": str(event), "session_hash": "limits-test"}),
            headers={"Content-Type": "application/json"})
        by_name = client.post("/gradio_api/call/do_upload", json={"data": [files, "wrong"]})
        # Another event is called as before: the guard hands the body it read on unchanged.
        other = client.post("/gradio_api/queue/join", json={
            "data": ["兼并收购有什么补助？", []], "fn_index": _event_id(demo, "ask"), "session_hash": "limits-test"})
        recording = client.post("/gradio_api/process_recording", content=b"x",
                                headers={"Content-Type": "multipart/form-data; boundary=x"})
    for response in (joined, as_text, by_name):
        assert response.status_code == 401, response.text
        assert response.text.startswith("上传需要管理员密码：")
    assert other.status_code == 200 and set(other.json()) == {"event_id"}
    assert recording.status_code == 404 and recording.text == "本服务不提供录屏处理功能。"
    time.sleep(1)
    assert sorted(demo.upload_dir.rglob("*")) == before


def test_an_upload_over_the_total_limit_is_refused_before_it_is_read(guarded_app) -> None:
    url, demo = guarded_app
    limit = demo.request_policy.max_upload_bytes
    with socket.create_connection(("127.0.0.1", _port(url)), timeout=30) as sock:
        sock.sendall((f"POST {UPLOAD} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      "Content-Type: multipart/form-data; boundary=x\r\n"
                      f"Cookie: {PASS_COOKIE}={demo.request_policy.admin_pass.issue()}\r\n"
                      f"Content-Length: {limit + 1}\r\n\r\n").encode())
        status, body = _response(sock)
    assert status == 413
    assert body.startswith("上传内容太大（1001 MB）：一次上传最多 1001 MB（最多 20 个文件")


def test_a_pass_expires_and_cannot_be_forged() -> None:
    issuer, other = AdminPass(ttl_s=60), AdminPass(ttl_s=60)
    token = issuer.issue(now=1_000_000)
    assert issuer.valid(token, now=1_000_059)
    assert not issuer.valid(token, now=1_000_060)  # expired
    assert not other.valid(token, now=1_000_000)  # another process's secret
    expiry, _, signature = token.partition(".")
    assert not issuer.valid(f"{int(expiry) + 3600}.{signature}", now=1_000_000)  # a longer life, same signature
    for bad in (None, "", "abc", "1.2", "x.y", f"{expiry}.{signature}\u00e9"):
        assert not issuer.valid(bad, now=1_000_000)


def test_discard_leaves_files_outside_the_upload_folder_alone(tmp_path: Path) -> None:
    folder, outside = tmp_path / "uploads", tmp_path / "mine.txt"
    (folder / "abc").mkdir(parents=True)
    kept, gone = folder / "abc" / "kept.txt", folder / "abc" / "gone.txt"
    for path in (kept, gone, outside):
        path.write_text("x", encoding="utf-8")
    placeholder, data = folder / "tmp8x_k2", folder / "tmpdata"  # gradio's empty leftover; a file with content
    placeholder.write_bytes(b"")
    data.write_bytes(b"x")
    discard_uploads([gone, outside, folder / ".." / "mine.txt"], folder)
    assert outside.exists() and kept.exists() and not gone.exists()  # the shared folder stays while not empty
    assert not placeholder.exists() and data.exists()
    discard_uploads([kept], folder)
    assert not (folder / "abc").exists() and folder.is_dir()


# -- temp files after shutdown ---------------------------------------------------------------------------------
def test_the_upload_folder_is_removed_when_the_server_is_stopped(built_home: Path, tmp_path: Path) -> None:
    home = copy_home(built_home, tmp_path / "home")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    port = free_port()
    env = {**os.environ, "POLICY_ASSISTANT_HOME": str(home), "TMPDIR": str(tmp), "HF_HUB_OFFLINE": "1",
           "GRADIO_ANALYTICS_ENABLED": "False", "ANONYMIZED_TELEMETRY": "False", "NO_PROXY": "127.0.0.1,localhost"}
    for var in ("POLICY_ASSISTANT_ADMIN_PASSWORD", "GRADIO_TEMP_DIR"):
        env.pop(var, None)
    log = tmp_path / "server.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "ui", "--port", str(port)], cwd=ROOT,
                                env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + HANG_GUARD_S
        while True:
            assert proc.poll() is None, log.read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                    break
            except OSError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.5)
        # On loopback without a configured password, uploads need no pass.
        body, ctype = _multipart("policy.txt", POLICY_TXT.encode())
        response = httpx.post(f"http://127.0.0.1:{port}{UPLOAD}", content=body, headers={"Content-Type": ctype},
                              timeout=HANG_GUARD_S)
        assert response.status_code == 200, response.text
        [stored] = response.json()
        [folder] = list(tmp.glob("policy-assistant-ui-*"))
        assert Path(stored).parent.parent == folder and Path(stored).is_file()
    finally:
        proc.terminate()  # SIGTERM, as a service manager stops it
        code = proc.wait(timeout=60)
    assert code == 0, log.read_text()
    assert list(tmp.glob("policy-assistant-ui-*")) == [], log.read_text()
