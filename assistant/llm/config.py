"""The model endpoint, read from the environment when asked (never at import time).

| variable | meaning | default |
|---|---|---|
| POLICY_ASSISTANT_LLM_URL | base URL of an OpenAI-compatible endpoint (``http://127.0.0.1:8000/v1``) | unset: extractive answers only |
| POLICY_ASSISTANT_LLM_MODEL | the model name the endpoint serves | required with the URL |
| POLICY_ASSISTANT_LLM_API_KEY | the key sent as a bearer token; never printed | unset |
| POLICY_ASSISTANT_LLM_TIMEOUT | seconds one answer may take, tool rounds included | 60 |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from assistant.config import redact_url
from assistant.errors import ConfigError

LLM_ENV_VARS = (
    "POLICY_ASSISTANT_LLM_URL",
    "POLICY_ASSISTANT_LLM_MODEL",
    "POLICY_ASSISTANT_LLM_API_KEY",
    "POLICY_ASSISTANT_LLM_TIMEOUT",
)


class LLMConfig(BaseModel):
    """Where the model is and how long it may take.

    The key is a :class:`~pydantic.SecretStr` kept out of ``repr``; the URL is shown with any
    user name and password replaced (:meth:`shown_url`).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str
    model: str
    api_key: SecretStr | None = Field(default=None, repr=False)
    timeout_s: float = Field(default=60.0, gt=0, le=3600, description="bound on one whole answer")
    max_tool_rounds: int = Field(default=3, ge=0, le=10, description="model turns that may call tools")
    temperature: float = Field(default=0.0, ge=0, le=2)
    max_tokens: int = Field(default=1024, gt=0)
    max_context_chars: int = Field(default=6000, gt=0, description="clause text sent to the model, at most")
    min_kept_share: float = Field(default=0.5, ge=0, le=1,
                                  description="share of the draft (in characters) that must survive the "
                                              "checks, else the extractive answer is given")

    def __repr_args__(self):
        for key, value in super().__repr_args__():
            yield key, (redact_url(value) if key == "url" else value)

    @property
    def shown_url(self) -> str:
        """The URL as it may be printed (credentials in it replaced by ``***``)."""
        return redact_url(self.url)

    def describe(self) -> str:
        """One Chinese line naming the mode, for ``documents``, ``--help`` and the UI."""
        return f"回答模式：大模型（{self.model} @ {self.shown_url}），每句的引文、引语和数字经核对后才显示"

    def scrub(self, text: str) -> str:
        """``text`` with the key and the raw URL's credentials removed (for notes and logs)."""
        if self.api_key is not None and self.api_key.get_secret_value():
            text = text.replace(self.api_key.get_secret_value(), "***")
        if self.url != self.shown_url:
            text = text.replace(self.url, self.shown_url)
        return text

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "LLMConfig | None":
        """The endpoint configured in the environment, or None when no URL is set.

        Raises:
            ConfigError: a URL that is not http(s), a URL without a model, a bad timeout;
                the message names the variable and says what to set.
        """
        env = os.environ if env is None else env
        url = env.get("POLICY_ASSISTANT_LLM_URL", "").strip()
        if not url:
            return None
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ConfigError(f"POLICY_ASSISTANT_LLM_URL={redact_url(url)!r} 不是 http(s) 地址；"
                              "请设置为 OpenAI 兼容接口的基础地址，例如 http://127.0.0.1:8000/v1")
        model = env.get("POLICY_ASSISTANT_LLM_MODEL", "").strip()
        if not model:
            raise ConfigError("已设置 POLICY_ASSISTANT_LLM_URL，但没有设置 POLICY_ASSISTANT_LLM_MODEL；"
                              "请设置为服务端的模型名（如 vLLM 的 --served-model-name，Ollama 的 qwen2.5:7b）")
        values: dict = {"url": url, "model": model}
        key = env.get("POLICY_ASSISTANT_LLM_API_KEY", "")
        if key.strip():
            values["api_key"] = SecretStr(key.strip())
        timeout = env.get("POLICY_ASSISTANT_LLM_TIMEOUT", "").strip()
        if timeout:
            try:
                values["timeout_s"] = float(timeout)
            except ValueError:
                raise ConfigError(f"POLICY_ASSISTANT_LLM_TIMEOUT={timeout!r} 不是秒数；"
                                  "请写一个正数，例如 60") from None
            if not 0 < values["timeout_s"] <= 3600:
                raise ConfigError(f"POLICY_ASSISTANT_LLM_TIMEOUT={timeout!r} 应在 0 到 3600 秒之间")
        return cls(**values)


def resolve(configured: "LLMConfig | None", wanted: bool | None) -> "LLMConfig | None":
    """The endpoint to use for one answer.

    Args:
        configured: the assistant's endpoint (None: none configured).
        wanted: True (``--llm``: an endpoint is required), False (``--no-llm``), None (use
            one when configured).
    Returns:
        The config, or None for the extractive answer.
    Raises:
        ConfigError: ``wanted`` is True and no endpoint is configured.
    """
    if wanted is False:
        return None
    if wanted and configured is None:
        raise ConfigError("要求用大模型回答（--llm），但没有配置接口：请设置 POLICY_ASSISTANT_LLM_URL "
                          "和 POLICY_ASSISTANT_LLM_MODEL（见 docs/llm-mode.md），或去掉 --llm")
    return configured


def mode_line(env: Mapping[str, str] | None = None) -> str:
    """The answer mode as one Chinese line; a configuration error is named, not raised."""
    try:
        config = LLMConfig.from_env(env)
    except ConfigError as err:
        return f"回答模式：抽取式（大模型配置有误：{err}）"
    if config is None:
        return "回答模式：抽取式（离线；设置 POLICY_ASSISTANT_LLM_URL 可启用大模型回答）"
    return config.describe()
