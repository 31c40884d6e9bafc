"""``policy-assistant ui``: serve the browser interface (gradio is imported only when run)."""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import threading


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``ui`` subcommand."""
    p = subparsers.add_parser(
        "ui", help="serve the browser interface (chat, clause browser, calculators, matcher, documents)",
        description="Serve the browser interface. It listens on 127.0.0.1 unless --host says otherwise; "
                    "beyond loopback, POLICY_ASSISTANT_ADMIN_PASSWORD must be set (it guards upload and re-index).",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=7860, help="TCP port (default 7860)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build the index if needed, then serve until interrupted. Returns the exit status."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from assistant.config import Settings
    from assistant.core import Assistant
    from assistant.errors import ConfigError
    from ui.service import AdminGate

    settings = Settings.from_env()
    AdminGate(args.host, settings.admin_password)  # refuse before any slow work
    if not 0 < args.port < 65536:
        raise ConfigError(f"--port {args.port} is not a TCP port; use 1-65535.")
    try:
        import gradio  # noqa: F401
    except ModuleNotFoundError:
        raise ConfigError("the UI needs gradio: pip install 'beilun-policy-assistant[ui]'") from None
    from ui.app import build_app, launch

    assistant = Assistant(settings, progress=lambda msg: print(msg, flush=True))
    assistant.index  # ingest the shipped corpus now, not on the first question
    demo = build_app(assistant, host=args.host)
    print(f"北仑政策助手: http://{args.host}:{args.port}/", flush=True)
    # SIGTERM (a service manager, ``kill``) stops the server as Ctrl+C does, so that the
    # server shuts down and its upload folder is removed; by default it would end the
    # process on the spot and leave the uploads on disk.
    main = threading.current_thread() is threading.main_thread()  # where Python allows handlers
    previous = signal.signal(signal.SIGTERM, _interrupt) if main else None
    try:
        launch(demo, host=args.host, port=args.port, block=True)
    finally:
        if main:
            signal.signal(signal.SIGTERM, previous)
        demo.close(verbose=False)
        shutil.rmtree(demo.upload_dir, ignore_errors=True)
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
