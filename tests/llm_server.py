"""A scripted OpenAI-compatible chat endpoint on loopback, for tests of the model answer mode.

Each request to ``/v1/chat/completions`` takes the next queued reply (a dict, or a function
of the request body returning one) and answers it whole or as a server-sent-event stream,
as the request asks. Replies:

- ``{"text": "…"}``: an answer; ``{"tool": NAME, "arguments": "raw JSON text"}``: a tool call
- ``{"refusal": "…"}``: an OpenAI-style refusal
- ``{"raw": b"…"}``: this body as ``application/json`` (malformed JSON)
- ``{"cut": "…"}``: this much text, then the connection closes mid-reply
- ``{"stall": SECONDS, "text": "…"}``: wait (or until the server stops), then answer
- ``{"status": CODE}``: an HTTP error

Every request body and its Authorization header are recorded in ``requests``.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]]


class ScriptedLLM:
    """The server; use as a context manager or call :meth:`start` / :meth:`stop`."""

    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.requests: list[dict[str, Any]] = []
        self.stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        """The base URL to configure (``http://127.0.0.1:PORT/v1``)."""
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def queue(self, *replies: Reply) -> None:
        """Queue replies for the next requests, in order."""
        self.replies.extend(replies)

    def reset(self) -> None:
        """Forget queued replies and recorded requests."""
        self.replies.clear()
        self.requests.clear()

    def start(self) -> "ScriptedLLM":
        """Start serving on a free loopback port in a daemon thread."""
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet test output
                pass

            def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                owner.requests.append({"path": self.path, "body": body,
                                       "authorization": self.headers.get("Authorization")})
                reply = owner.replies.popleft() if owner.replies else {"text": "（没有排好的回复）"}
                if callable(reply):
                    reply = reply(body)
                owner._respond(self, body, reply)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop serving and release any stalled reply."""
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> "ScriptedLLM":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- replies ---------------------------------------------------------------------
    def _respond(self, handler: BaseHTTPRequestHandler, body: dict[str, Any], reply: dict[str, Any]) -> None:
        if "stall" in reply:
            if self.stopping.wait(reply["stall"]):
                return
        if "status" in reply:
            self._send(handler, reply["status"], json.dumps({"error": {"message": "scripted error"}}).encode())
            return
        if "raw" in reply:
            self._send(handler, 200, reply["raw"])
            return
        stream = bool(body.get("stream"))
        if "cut" in reply:
            if stream:
                handler.send_response(200)
                handler.send_header("Content-Type", "text/event-stream")
                handler.end_headers()
                for piece in _pieces(reply["cut"]):
                    handler.wfile.write(_sse(_chunk({"content": piece}, None)))
                handler.wfile.flush()
            else:
                full = json.dumps(_completion({"content": reply["cut"]}, "stop"), ensure_ascii=False).encode()
                handler.send_response(200)
                handler.send_header("Content-Type", "application/json")
                handler.send_header("Content-Length", str(len(full)))
                handler.end_headers()
                handler.wfile.write(full[: len(full) // 2])
                handler.wfile.flush()
            handler.close_connection = True
            return
        if "tool" in reply:
            call = {"id": f"call_{len(self.requests)}", "type": "function",
                    "function": {"name": reply["tool"], "arguments": reply.get("arguments", "{}")}}
            message, finish = {"content": None, "tool_calls": [call]}, "tool_calls"
        elif "refusal" in reply:
            message, finish = {"content": None, "refusal": reply["refusal"]}, "stop"
        else:
            message, finish = {"content": reply["text"]}, "stop"
        if not stream:
            self._send(handler, 200, json.dumps(_completion(message, finish), ensure_ascii=False).encode())
            return
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.end_headers()
        if message.get("content"):
            for piece in _pieces(message["content"]):
                handler.wfile.write(_sse(_chunk({"content": piece}, None)))
        if "tool_calls" in message:
            call = message["tool_calls"][0]
            args = call["function"]["arguments"]
            handler.wfile.write(_sse(_chunk({"tool_calls": [{"index": 0, "id": call["id"], "type": "function",
                                                             "function": {"name": call["function"]["name"],
                                                                          "arguments": ""}}]}, None)))
            for piece in _pieces(args):
                handler.wfile.write(_sse(_chunk({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]},
                                                None)))
        if message.get("refusal"):
            handler.wfile.write(_sse(_chunk({"refusal": message["refusal"]}, None)))
        handler.wfile.write(_sse(_chunk({}, finish)))
        handler.wfile.write(b"data: [DONE]\n\n")
        handler.wfile.flush()

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, data: bytes) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)


def _pieces(text: str, size: int = 7) -> list[str]:
    return [text[i:i + size] for i in range(0, len(text), size)] or [""]


def _sse(obj: dict[str, Any]) -> bytes:
    return b"data: " + json.dumps(obj, ensure_ascii=False).encode() + b"\n\n"


def _chunk(delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
    return {"id": "chatcmpl-scripted", "object": "chat.completion.chunk", "created": 0, "model": "scripted",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


def _completion(message: dict[str, Any], finish: str) -> dict[str, Any]:
    return {"id": "chatcmpl-scripted", "object": "chat.completion", "created": 0, "model": "scripted",
            "choices": [{"index": 0, "message": {"role": "assistant", **message}, "finish_reason": finish}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}


def clause_number(body: dict[str, Any], clause_id: str) -> int:
    """The number ``[n]`` under which a request's prompt lists ``clause_id`` (0 when absent)."""
    import re

    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    m = re.search(r"^\[(\d+)\] [^\n]*（" + re.escape(clause_id) + "）$", user, re.M)
    return int(m.group(1)) if m else 0
