"""Guards in front of the UI's web server: body size, uploads only after the password, temp files.

gradio reads a request body whole before any handler sees it (a 200 MB JSON body was parsed
in memory), and stores every upload sent to its upload route before any event runs (so the
password check of the upload event came after the file was on disk). Three mechanisms close
that, all in front of gradio's own routes:

- :class:`RequestGuard`, an ASGI middleware, refuses a body over the limit with 413 before it
  is read: at once from ``Content-Length``, else by counting the bytes of a chunked body as
  they arrive. When the admin password is required, it refuses (401) anything that makes the
  server store a file unless the request carries a pass cookie: an upload, before a byte of
  its body is read, and a call of an event that takes files (gradio copies, or downloads, the
  files such a call names into its cache before the event's handler could check a password).
  gradio's screen-recording route, which this app never uses, is refused outright.
- :func:`unlock_route` (``POST /admin/unlock``) checks the admin password and sets that
  cookie: HMAC-signed with a secret of this process, short-lived, HttpOnly, SameSite=Strict.
- :func:`upload_temp_dir` gives the process its own upload folder (``GRADIO_TEMP_DIR``),
  :func:`remove_on_shutdown` removes it when the server stops, and :func:`discard_uploads`
  removes an upload's temporary copy once it has been ingested or refused.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

UPLOAD_ROUTE = "/gradio_api/upload"  # gradio's upload route (its API prefix + "/upload")
QUEUE_JOIN_ROUTE = "/gradio_api/queue/join"  # an event call from the page: its body names the event
UNUSED_ROUTES = ("/gradio_api/process_recording",)  # stores a video; no component here records one
# An event called by its API name, whatever its visibility in the API docs.
_API_CALL = re.compile(r"/gradio_api/(?:run|api|call(?:/v2)?)/(?P<name>[^/]+)/?$")
UNLOCK_PATH = "/admin/unlock"
PASS_COOKIE = "policy_admin_pass"
PASS_TTL_S = 30 * 60
TEMP_PREFIX = "policy-assistant-ui-"
MAX_FILES_PER_UPLOAD = 20  # an upload request holds at most this many files of the size limit
MB = 1024 * 1024

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class AdminPass:
    """Short-lived proof that the admin password was given: ``<expiry>.<HMAC of expiry>``.

    The secret lives only in this process, so a restart ends every pass.

    Args:
        ttl_s: how long a pass is valid, in seconds.
    """

    def __init__(self, ttl_s: int = PASS_TTL_S) -> None:
        self.ttl_s = ttl_s
        self._secret = secrets.token_bytes(32)

    def _sign(self, expiry: str) -> str:
        return hmac.new(self._secret, expiry.encode("ascii"), hashlib.sha256).hexdigest()

    def issue(self, now: float | None = None) -> str:
        """A new pass, valid for ``ttl_s`` seconds from ``now`` (default: the current time)."""
        expiry = str(int((time.time() if now is None else now) + self.ttl_s))
        return f"{expiry}.{self._sign(expiry)}"

    def valid(self, token: str | None, now: float | None = None) -> bool:
        """True when ``token`` is a pass this process issued and it has not expired."""
        if not token or "." not in token:
            return False
        expiry, _, signature = token.partition(".")
        if not expiry.isdigit() or not hmac.compare_digest(signature.encode("ascii", "replace"),
                                                           self._sign(expiry).encode("ascii")):
            return False
        return int(expiry) > (time.time() if now is None else now)


@dataclass
class RequestPolicy:
    """What :class:`RequestGuard` enforces.

    Args:
        max_request_bytes: the largest body of any request but an upload.
        max_upload_bytes: the largest body of an upload request (all its files together).
        upload_needs_pass: uploads need a valid pass cookie (the admin password is required).
        admin_pass: issues and checks the passes.
    """

    max_request_bytes: int
    max_upload_bytes: int
    upload_needs_pass: bool
    admin_pass: AdminPass = field(default_factory=AdminPass)
    file_events: frozenset[int] = frozenset()
    file_api_names: frozenset[str] = frozenset()


def file_taking_events(blocks: Any) -> tuple[frozenset[int], frozenset[str]]:
    """The ids and API names of the events of ``blocks`` with a file input (an upload button,
    a file box): calling one makes gradio store the files it names."""
    from gradio.data_classes import FileData, ListFiles

    ids, names = set(), set()
    for fn in blocks.fns.values():
        models = [getattr(block, "data_model", None) for block in fn.inputs]
        if any(isinstance(m, type) and issubclass(m, (FileData, ListFiles)) for m in models):
            ids.add(fn._id)
            if isinstance(fn.api_name, str):
                names.add(fn.api_name)
    return frozenset(ids), frozenset(names)


def policy_for(settings: Any, password_required: bool, blocks: Any = None) -> RequestPolicy:
    """The request policy of a UI with these settings (:class:`assistant.config.Settings`);
    ``blocks``: the app, whose file-taking events then need the pass too."""
    ids, names = file_taking_events(blocks) if blocks is not None else (frozenset(), frozenset())
    return RequestPolicy(max_request_bytes=settings.max_request_bytes,
                         max_upload_bytes=settings.max_file_bytes * MAX_FILES_PER_UPLOAD + MB,
                         upload_needs_pass=password_required, file_events=ids, file_api_names=names)


def is_upload(path: str) -> bool:
    """True for gradio's upload route (under any mount path, with or without a final slash)."""
    return path.rstrip("/").endswith(UPLOAD_ROUTE)


def _route_is(path: str, route: str) -> bool:
    return path.rstrip("/").endswith(route)


def called_api_name(path: str) -> str | None:
    """The event name of a call by API name (``/gradio_api/call/NAME`` and the like), else None."""
    m = _API_CALL.search(path)
    return m.group("name") if m else None


def called_event(body: bytes) -> int | None:
    """The event id a queue-join body names (``fn_index``, read as gradio reads it), else None."""
    from pydantic import TypeAdapter, ValidationError

    try:
        data = json.loads(body)
        return TypeAdapter(int | None).validate_python(data.get("fn_index")) if isinstance(data, dict) else None
    except (ValueError, ValidationError):
        return None  # gradio refuses such a body itself


def _mb(n: int) -> str:
    return f"{n / MB:.1f}".rstrip("0").rstrip(".")


def too_large_message(size: int | None, limit: int, upload: bool) -> str:
    """The Chinese message of a refused body: its size when known, the limit, what to do."""
    got = f"（{_mb(size)} MB）" if size is not None else ""
    if upload:
        return (f"上传内容太大{got}：一次上传最多 {_mb(limit)} MB（最多 {MAX_FILES_PER_UPLOAD} 个文件，"
                "每个不超过 POLICY_ASSISTANT_MAX_FILE_MB）。请分批上传。")
    return (f"请求内容太大{got}：上限是 {_mb(limit)} MB（POLICY_ASSISTANT_MAX_REQUEST_MB）。"
            "请缩短问题或只发送最近的历史问题；上传文件请用“文件管理”页的上传按钮。")


NEEDS_PASS = ("上传需要管理员密码：请先在“文件管理”页填写管理员密码并点击“验证密码”，再选择文件"
              f"（验证后 {PASS_TTL_S // 60} 分钟内有效）。")
UNUSED = "本服务不提供录屏处理功能。"


async def _refuse(send: Send, status: int, message: str) -> None:
    body = message.encode("utf-8")
    # "connection: close": the rest of the body is never read, so the connection cannot be reused.
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class _BodyTooLarge(Exception):
    """Raised into the app when a chunked body passes the limit (the guard answers 413)."""


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def pass_cookie(scope: Scope) -> str | None:
    """The pass cookie a request carries, if any."""
    from starlette.requests import cookie_parser

    raw = _header(scope, b"cookie")
    return cookie_parser(raw).get(PASS_COOKIE) if raw else None


class RequestGuard:
    """ASGI middleware: body limits and the upload pass (see the module docstring).

    Args:
        app: the ASGI app behind it.
        policy: the limits and the pass checker.
    """

    def __init__(self, app: Callable, policy: RequestPolicy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if any(_route_is(path, route) for route in UNUSED_ROUTES):
            await _refuse(send, 404, UNUSED)
            return
        upload = is_upload(path)
        lacks_pass = self.policy.upload_needs_pass and not self.policy.admin_pass.valid(pass_cookie(scope))
        if lacks_pass and (upload or called_api_name(path) in self.policy.file_api_names):
            await _refuse(send, 401, NEEDS_PASS)
            return
        limit = self.policy.max_upload_bytes if upload else self.policy.max_request_bytes
        declared = _header(scope, b"content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                await _refuse(send, 400, f"请求头 Content-Length 的值“{declared[:40]}”不是字节数。")
                return
            if int(declared) > limit:
                await _refuse(send, 413, too_large_message(int(declared), limit, upload))
                return
        state = {"received": 0, "over": False, "started": False}

        async def counted() -> dict[str, Any]:
            message = await receive()
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > limit:
                    state["over"] = True
                    raise _BodyTooLarge()
            return message

        async def guarded_send(message: dict[str, Any]) -> None:
            if state["over"]:
                return  # whatever the app makes of the interrupted body, the answer is 413
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        app_receive: Receive = counted
        if lacks_pass and self.policy.file_events and _route_is(path, QUEUE_JOIN_ROUTE):
            # Which event is called is in the body: read it (it is under the limit, and gradio
            # would read it whole anyway), check, then hand the same bytes on.
            chunks, more = [], True
            while more:
                try:
                    message = await counted()
                except _BodyTooLarge:
                    await _refuse(send, 413, too_large_message(None, limit, upload))
                    return
                if message["type"] != "http.request":
                    return  # the client went away
                chunks.append(message.get("body", b""))
                more = message.get("more_body", False)
            body = b"".join(chunks)
            if called_event(body) in self.policy.file_events:
                await _refuse(send, 401, NEEDS_PASS)
                return
            app_receive = _replay(body, receive)
        try:
            await self.app(scope, app_receive, guarded_send)
        except Exception:
            if not state["over"]:
                raise
        if state["over"] and not state["started"]:
            await _refuse(send, 413, too_large_message(None, limit, upload))


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives ``body`` once, then whatever the client sends next (a disconnect)."""
    sent = False

    async def replayed() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


def unlock_route(check: Callable[[str | None], None], admin_pass: AdminPass, secure: bool = False) -> Any:
    """``POST /admin/unlock`` with ``{"password": "…"}``: sets the pass cookie when the
    password is right (200), else 401; the body says so in Chinese (``{"ok", "message"}``).

    Args:
        check: raises when the password is wrong (:meth:`ui.service.AdminGate.check`).
        admin_pass: issues the pass.
        secure: mark the cookie Secure (the app is served over HTTPS).
    Returns:
        A Starlette ``Route`` for the app's route list.
    """
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from ui.errors import message_for

    async def unlock(request: Any) -> Any:
        try:
            given = json.loads(await request.body() or b"{}").get("password")
        except (ValueError, AttributeError):
            return JSONResponse({"ok": False, "message": "请求格式不对：应为 JSON 对象 {\"password\": \"…\"}。"},
                                status_code=400)
        try:
            check(given if isinstance(given, str) else None)
        except Exception as err:  # noqa: BLE001 - a wrong password, said in Chinese
            return JSONResponse({"ok": False, "message": message_for(err)}, status_code=401)
        response = JSONResponse({"ok": True, "message": f"密码正确：{PASS_TTL_S // 60} 分钟内可以选择文件上传。"})
        response.set_cookie(PASS_COOKIE, admin_pass.issue(), max_age=admin_pass.ttl_s, path="/",
                            httponly=True, samesite="strict", secure=secure)
        return response

    return Route(UNLOCK_PATH, unlock, methods=["POST"])


# The browser side of the unlock: the password goes to UNLOCK_PATH, whose answer sets the
# cookie the upload request then carries; the page shows the answer's message.
UNLOCK_JS = """
async (pw) => {
  let message = '无法连接服务器，请稍后重试。';
  let ok = false;
  try {
    const r = await fetch(new URL('%s'.slice(1), document.baseURI), {
      method: 'POST', credentials: 'same-origin', headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({password: pw || ''})});
    const data = await r.json();
    message = data.message; ok = data.ok === true;
  } catch (e) {}
  return [pw, JSON.stringify({ok: ok, message: message})];
}
""" % UNLOCK_PATH


def upload_temp_dir() -> Path:
    """The folder gradio keeps this process's uploads in, created and set as ``GRADIO_TEMP_DIR``.

    One folder per process, under the system temp folder (or under a ``GRADIO_TEMP_DIR`` the
    user set), so that stopping the server can remove it without touching another process's
    files. gradio reads the variable when components and the server app are made, and checks
    uploaded paths against it while serving, so it stays set for the process.
    """
    current = os.environ.get("GRADIO_TEMP_DIR")
    if current and Path(current).name.startswith(TEMP_PREFIX) and Path(current).is_dir():
        return Path(current)  # this process made it already (a second app in one process)
    base = Path(current) if current else Path(tempfile.gettempdir())
    if current and Path(current).name.startswith(TEMP_PREFIX):
        base = Path(current).parent  # ours, removed by a stopped server: make a fresh one beside it
    base.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=base))
    os.environ["GRADIO_TEMP_DIR"] = str(folder)
    return folder


def remove_on_shutdown(folder: Path) -> Callable[[Any], Any]:
    """A lifespan for the server app: on shutdown, ``folder`` (the uploads) is removed."""

    @asynccontextmanager
    async def lifespan(app: Any):
        try:
            yield
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    return lifespan


def discard_uploads(paths: Iterable[str | Path], folder: Path) -> None:
    """Remove uploaded temporary files under ``folder`` (and their emptied sub-folder).

    A path outside ``folder`` is left alone: only gradio's copies of an upload are ours to delete.
    The empty ``tmp*`` files at the top of ``folder`` go too: gradio's upload button leaves one
    behind for every file it hands to a handler (uploads themselves live in sub-folders).
    """
    root = folder.resolve()
    if root.is_dir():
        for leftover in root.glob("tmp*"):
            try:
                if leftover.is_file() and not leftover.is_symlink() and leftover.stat().st_size == 0:
                    leftover.unlink()
            except OSError:
                pass  # gone already (another upload's handler removed it)
    for raw in paths:
        path = Path(raw).resolve()
        if root not in path.parents:
            continue
        path.unlink(missing_ok=True)
        parent = path.parent
        while parent != root and root in parent.parents:
            try:
                parent.rmdir()  # only when empty: another upload of the same content may be there
            except OSError:
                break
            parent = parent.parent
