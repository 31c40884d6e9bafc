"""Write the enterprise-profile field table into README.md, from the profile model.

Usage: python scripts/gen_profile_docs.py   (tests/test_cli_docs.py fails until the README matches)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- profile-fields:start -->", "<!-- profile-fields:end -->"


def profile_table() -> str:
    """The Markdown table of the profile fields."""
    sys.path.insert(0, str(ROOT))
    from assistant.eligibility.profile import EnterpriseProfile
    from assistant.schema_doc import field_docs, markdown_table

    return markdown_table(field_docs(EnterpriseProfile.model_json_schema()))


def main() -> int:
    """Replace the block between the markers in README.md. Returns the exit status."""
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    if START not in text or END not in text:
        print(f"README.md has no {START} … {END} block", file=sys.stderr)
        return 2
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    readme.write_text(f"{head}{START}\n{profile_table()}\n{END}{tail}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
