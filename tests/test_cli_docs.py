"""Command-line help generated from the models: profile fields (``match --help``, README,
the example profile), nested calculator fields (``tools``), and eval's progress bar."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.eligibility.profile import EnterpriseProfile, ProfileError, load_profile
from assistant.schema_doc import field_docs, help_lines, markdown_table
from evals.progress import progress_bar

ROOT = Path(__file__).resolve().parents[1]
PROFILE_FIELDS = list(EnterpriseProfile.model_fields)


def _help(*argv: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "assistant.cli", *argv, "--help"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False, env={"PYTHONIOENCODING": "utf-8", "PATH": "/usr/bin:/bin",
                                                                    "HF_HUB_OFFLINE": "1", "COLUMNS": "200"})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_match_help_lists_every_profile_field_with_its_meaning():
    out = _help("match")
    for line in help_lines(field_docs(EnterpriseProfile.model_json_schema())):
        assert line in out
    assert [f for f in PROFILE_FIELDS if not re.search(rf"^\s+\*?\s*{f}: ", out, re.M)] == []
    assert "docs/profile-example.json" in out


def test_readme_profile_table_is_the_generated_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- profile-fields:start -->\n", 1)[1].split("\n<!-- profile-fields:end -->", 1)[0]
    assert block == markdown_table(field_docs(EnterpriseProfile.model_json_schema())), \
        "README's profile table is stale: run python scripts/gen_profile_docs.py"
    assert block.count("\n| `") == len(PROFILE_FIELDS)


def test_the_example_profile_is_valid():
    path = ROOT / "docs" / "profile-example.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    profile = load_profile(path)
    assert set(profile.known()) == set(data) and len(data) >= 10


def test_unknown_profile_keys_are_reported_once_with_the_valid_list_once(tmp_path):
    path = tmp_path / "p.json"
    path.write_text('{"whitelist": true, "landarea": 3, "white_list": true}', encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile(path)
    message = str(err.value)
    assert message.count("known fields:") == 1
    assert message.count("'whitelist'") == 1 and message.count("'landarea'") == 1
    assert "unknown fields 'whitelist', 'landarea'; known fields: " + ", ".join(PROFILE_FIELDS) in message


def test_nested_fields_are_named_with_their_path():
    schema = {"type": "object", "required": ["parcels"], "$defs": {
        "Parcel": {"type": "object", "required": ["name"], "properties": {
            "name": {"type": "string", "title": "Name", "description": "宗地名称"},
            "expiry_date": {"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}],
                            "description": "出让终止日期"}}}},
        "properties": {"parcels": {"type": "array", "items": {"$ref": "#/$defs/Parcel"}, "description": "宗地"},
                       "rate": {"anyOf": [{"type": "number"}, {"type": "string"}, {"type": "null"}], "title": "比例"}}}
    assert help_lines(field_docs(schema)) == [
        "  * parcels: 宗地（对象列表）",
        "  * parcels[].name: 宗地名称（文本）",
        "    parcels[].expiry_date: 出让终止日期（日期 YYYY-MM-DD）",
        "    rate: 比例（数字）",
    ]


def test_tools_lists_nested_fields():
    from assistant.tools.registry import list_tools

    nested = [(s.name, d.path) for s in list_tools() for d in field_docs(s.parameters) if "[]." in d.path]
    assert nested, "no calculator has a list of objects: nothing to check"
    proc = subprocess.run([sys.executable, "-m", "assistant.cli", "tools"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    for _, path in nested:
        assert re.search(rf"^\s+\*?\s*{re.escape(path)}: ", proc.stdout, re.M), path


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_eval_progress_bar_only_on_a_terminal():
    quiet = io.StringIO()
    assert list(progress_bar(range(3), "评测提问", stream=quiet)) == [0, 1, 2]
    assert quiet.getvalue() == ""
    term = _Terminal()
    assert list(progress_bar(range(3), "评测提问", total=3, stream=term)) == [0, 1, 2]
    assert "评测提问" in term.getvalue() and "/3 " in term.getvalue()  # tqdm draws at least the start
