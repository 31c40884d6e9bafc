"""A progress bar on a terminal, nothing otherwise (a log file or a pipe stays clean)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")


def on_terminal(stream: Any = None) -> bool:
    """Whether ``stream`` (default: stderr) is an interactive terminal."""
    stream = sys.stderr if stream is None else stream
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # closed or not a file
        return False


def progress_bar(items: Iterable[T], desc: str, total: int | None = None, stream: Any = None) -> Iterator[T]:
    """``items`` with a tqdm bar on stderr when it is a terminal; just ``items`` otherwise.

    Args:
        items: what to iterate.
        desc: the bar's label (Chinese: the person watching reads it).
        total: the number of items, when ``items`` has no length.
        stream: where the bar goes (default stderr).
    Returns:
        An iterator over ``items``.
    """
    stream = sys.stderr if stream is None else stream
    if not on_terminal(stream):
        return iter(items)
    try:
        from tqdm import tqdm
    except ModuleNotFoundError:  # no bar without tqdm; the run itself is the same
        return iter(items)
    return iter(tqdm(items, desc=desc, total=total, file=stream, unit="题", leave=False, dynamic_ncols=True))
