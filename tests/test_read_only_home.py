"""A home on a really read-only file system, not a faked ``os.access``.

Tests run as root, for whom ``chmod a-w`` stops nothing. A read-only bind mount does stop root
(EROFS): each command runs in its own mount namespace (``unshare -m``) where the home is
bind-mounted read-only over itself, so nothing outside that one process sees the mount.
Skipped where ``unshare``/``mount`` are missing or not permitted.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, HANG_GUARD_S, ROOT, copy_home, index_mtimes

QUESTION = "兼并收购有什么补助？"
# Mount the home read-only over itself, then run the command given after it.
READ_ONLY = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'


def _can_mount_read_only(tmp: Path) -> bool:
    if not (shutil.which("unshare") and shutil.which("mount")):
        return False
    probe = tmp / "probe"
    probe.mkdir()
    proc = subprocess.run(["unshare", "-m", "sh", "-c", READ_ONLY, str(probe), "sh", "-c", f'! touch "{probe}/x"'],
                          capture_output=True, timeout=30, check=False)
    return proc.returncode == 0 and not (probe / "x").exists()


def _cli_read_only(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "POLICY_ASSISTANT_HOME": str(home), "HF_HUB_OFFLINE": "1",
           "ANONYMIZED_TELEMETRY": "False", "PYTHONIOENCODING": "utf-8"}
    env.pop("POLICY_ASSISTANT_ADMIN_PASSWORD", None)
    return subprocess.run(["unshare", "-m", "sh", "-c", READ_ONLY, str(home), sys.executable, "-m", "assistant.cli",
                           *args], cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8",
                          timeout=HANG_GUARD_S, check=False)


@pytest.fixture
def read_only_home(built_home: Path, tmp_path: Path) -> Path:
    if not _can_mount_read_only(tmp_path):
        pytest.skip("a read-only bind mount is not possible here (needs unshare -m and mount)")
    return copy_home(built_home, tmp_path / "home")


def test_ask_answers_from_a_read_only_home(read_only_home: Path) -> None:
    before = index_mtimes(read_only_home)
    proc = _cli_read_only(read_only_home, "ask", QUESTION, "--json")
    assert proc.returncode == 0, proc.stderr[-2000:]
    answer = json.loads(proc.stdout)
    assert answer["question"] == QUESTION and answer["abstained"] is False
    assert answer["citations"] and "[1]" in answer["answer"]
    assert index_mtimes(read_only_home) == before


def test_ingest_into_a_read_only_home_is_refused_in_chinese(read_only_home: Path) -> None:
    before = index_mtimes(read_only_home)
    proc = _cli_read_only(read_only_home, "ingest", str(DATA / "banfa.txt"))
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert proc.stderr.strip().splitlines()[-1] == (
        f"policy-assistant: error: 数据目录 {read_only_home} 是只读的，无法导入或修改索引（提问仍可进行）；"
        f"请运行 chmod u+w {read_only_home}，或设置 POLICY_ASSISTANT_HOME 指向一个可写的文件夹。")
    assert index_mtimes(read_only_home) == before
