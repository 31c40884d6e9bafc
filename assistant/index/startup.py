"""Worker start-up: make an index fit to answer from, importing ingestion only to repair.

Answering a question must stay cheap to start (no document readers, no llama-index), so
this module imports :mod:`assistant.index.ingest` only when something needs writing.
"""

from __future__ import annotations

from collections.abc import Callable

from assistant.config import Settings
from assistant.errors import IndexBusyError, IndexReadOnlyError
from assistant.index.store import ClauseIndex


def prepare_for_questions(index: ClauseIndex, settings: Settings, auto_ingest: bool,
                          progress: Callable[[str], None]) -> None:
    """Make an index fit to answer from, as a worker starts.

    A home that never held an index gets the shipped corpus. A home that holds one is
    never given the shipped corpus: it is only repaired (a killed ingestion, an older
    format, a dense store that disagrees with the clause store). A home that cannot be
    written is served as it is, with a message saying why it was not repaired.

    Args:
        index: the freshly opened index.
        settings: its settings.
        auto_ingest: False to change nothing (only report what is wrong).
        progress: receives messages in Chinese.
    """
    fresh = not index.state
    needs = fresh or index.outdated_format() or index.journal() is not None
    if not needs and index.state.get("embedding") == index.embedding:
        needs = not index.dense_agrees()
        if needs:
            progress(f"向量库与条款库不一致（{settings.home}）")
    if not needs or not auto_ingest:
        return
    if fresh:
        progress(f"索引为空：正在导入内置文件到 {settings.home} …")
    elif index.outdated_format():
        progress(f"索引格式过旧：正在重建 {settings.home} …")
    from assistant.index.ingest import ingest

    try:
        # Several workers may start on one fresh home: the first builds, the others wait.
        report = ingest(None if fresh else [], settings, index=index, progress=progress,
                        wait=600 if fresh else 0)
        if report.changed:
            progress(report.summary())
    except IndexBusyError:
        index.refresh()  # another process is ingesting and will finish the job
    except IndexReadOnlyError as err:
        progress(f"未能修复索引：{err}")
