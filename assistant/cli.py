"""The ``policy-assistant`` command line.

Each subcommand lives with the stage it drives and is added by a ``register(subparsers)``
function; ``main`` maps :class:`~assistant.errors.AssistantError` to a one-line message
and a non-zero exit.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from assistant.errors import AssistantError

# Modules that add subcommands. Optional ones (UI, evals) import their heavy
# dependencies only inside the command function, so listing them costs nothing.
COMMAND_MODULES = (
    "assistant.commands",
    "assistant.tools.commands",
    "assistant.eligibility.commands",
    "evals.commands",
    "ui.commands",
)


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every available subcommand."""
    from assistant.llm.config import mode_line

    parser = argparse.ArgumentParser(
        prog="policy-assistant",
        description="北仑政策助手: cited answers over Chinese policy documents.",
        epilog=mode_line(),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as err:
            # A command module that is not there (yet) is skipped; a missing
            # dependency inside one that is there is a real error.
            if err.name and name.startswith(err.name):
                continue
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script. Returns the exit status."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from assistant.index.threads import limit_threads

    limit_threads()  # before any model library loads: they read the thread counts once
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except AssistantError as err:
        print(f"policy-assistant: error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("policy-assistant: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`ask … | head -4`): stop quietly, as Unix tools do. Point
        # stdout at /dev/null so the interpreter's final flush does not raise again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
