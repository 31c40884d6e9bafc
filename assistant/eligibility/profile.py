"""An enterprise's situation as a typed model: every field optional, ``None`` = unknown.

The matcher never guesses a fact: a rule that needs a fact the profile does not state
either does not fire or is reported as "may apply" with the fact named.
"""

from __future__ import annotations

import json
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from assistant.errors import AssistantError

_STREET_SUFFIXES = ("街道办事处", "街道", "区块", "经济发展中心", "区", "岛")

EvaluationClass = Literal["A", "B", "C", "D"]


class ProfileError(AssistantError):
    """An enterprise profile is missing, unreadable, or has an invalid or unknown field."""


class EnterpriseProfile(BaseModel):
    """What is known about one enterprise. Unknown facts stay ``None``."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    name: str | None = Field(default=None, title="企业名称")
    street: str | None = Field(default=None, title="所在街道", description="a row of an indexed table of streets (街道/区块)")
    land_area_mu: Decimal | None = Field(default=None, gt=0, title="用地面积（亩）")
    floor_area_m2: Decimal | None = Field(default=None, gt=0, title="建筑面积（平方米）")
    plot_ratio: Decimal | None = Field(default=None, ge=0, title="容积率")
    evaluation_class: EvaluationClass | None = Field(default=None, title="“亩均论英雄”评价类别")
    white_list: bool | None = Field(default=None, title="列入“白名单”优势企业")
    state_owned: bool | None = Field(default=None, title="国有企业")
    in_industrial_control_line: bool | None = Field(default=None, title="位于工业控制线内")
    matches_industry_direction: bool | None = Field(default=None, title="符合产业导向")
    land_idle: bool | None = Field(default=None, title="土地闲置")
    high_energy_use: bool | None = Field(default=None, title="高耗能")
    high_pollution: bool | None = Field(default=None, title="高污染/污染问题突出")
    safety_hazards: bool | None = Field(default=None, title="安全隐患集中")
    mixed_use: bool | None = Field(default=None, title="业态混杂")
    refuses_renovation: bool | None = Field(default=None, title="拒不配合实施转型提升")
    self_use: bool | None = Field(default=None, title="提高的容积率为企业自用")
    adds_dormitory_area: bool | None = Field(default=None, title="新增宿舍面积")
    plan_self_renovation: bool | None = Field(
        default=None, title="计划自主改造（拆除重建、改扩建、加层、提高容积率）")
    plan_joint_renovation: bool | None = Field(default=None, title="计划与相邻土地使用权人联合改造")
    plan_acquire_land: bool | None = Field(default=None, title="计划收购土地、厂房")
    plan_acquire_equity: bool | None = Field(default=None, title="计划以股权收购方式并购")
    plan_relocate_small_micro_park: bool | None = Field(default=None, title="计划搬迁进入小微企业园区")
    plan_lease_out_plant: bool | None = Field(default=None, title="计划出租厂房")
    plan_lease_in_plant: bool | None = Field(default=None, title="计划承租土地、厂房")
    plan_transfer_land: bool | None = Field(default=None, title="计划转让工业用地")
    acquisition_appraised_value_yuan: Decimal | None = Field(
        default=None, gt=0, title="拟收购宗地的国有土地征收实际评估价（元）")
    equity_price_yuan: Decimal | None = Field(default=None, gt=0, title="股权收购价格（元）")
    ancillary_land_area_m2: Decimal | None = Field(
        default=None, ge=0, title="行政办公及生活服务设施用地面积（平方米）")
    ancillary_floor_area_m2: Decimal | None = Field(
        default=None, ge=0, title="行政办公及生活服务设施建筑面积（平方米）")

    @field_validator("street", mode="before")
    @classmethod
    def _street(cls, value: Any, info: ValidationInfo) -> Any:
        # The streets are rows of an indexed table; a caller that knows them passes them as
        # validation context {"streets": [...]}, and a name outside them is refused.
        if value is None or not isinstance(value, str):
            return value
        known = tuple((info.context or {}).get("streets") or ())
        name = value.strip()
        for suffix in _STREET_SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix) + 1 and (not known or name[: -len(suffix)] in known):
                name = name[: -len(suffix)]
                break
        if known and name not in known:
            raise ValueError(f"unknown street {value!r}; use one of: {'、'.join(known)}")
        return name

    @field_validator("evaluation_class", mode="before")
    @classmethod
    def _evaluation_class(cls, value: Any) -> Any:
        if isinstance(value, str):
            # Accept "d", "Ｄ" (full width) and "D类".
            text = value.strip().upper().translate({0xFF21 + i: 0x41 + i for i in range(4)})
            return text.removesuffix("类")
        return value

    def known(self) -> dict[str, Any]:
        """Return the stated facts (fields that are not ``None``), in field order."""
        return {name: value for name, value in self if value is not None}

    def merged(self, newer: EnterpriseProfile) -> EnterpriseProfile:
        """Return this profile updated with every fact ``newer`` states.

        Args:
            newer: facts that override this profile's.
        Returns:
            A new profile.
        """
        return EnterpriseProfile(**{**self.known(), **newer.known()})


def field_title(name: str) -> str:
    """Return the Chinese title of a profile field (the field name if it has none)."""
    info = EnterpriseProfile.model_fields[name]
    return info.title or name


def describe_validation_error(err: ValidationError, source: str) -> str:
    """Turn a pydantic error into one message naming each bad field and what to do.

    Args:
        err: the validation error.
        source: where the profile came from (a file name), for the message.
    Returns:
        The message.
    """
    parts, unknown = [], []
    for e in err.errors():
        field = ".".join(str(p) for p in e["loc"]) or "(profile)"
        if e["type"] == "extra_forbidden":
            unknown.append(repr(field))
        else:
            msg = e["msg"].removeprefix("Value error, ")
            parts.append(f"field {field!r} = {e.get('input')!r}: {msg}")
    if unknown:
        # Every unknown key once, then the valid ones once (not the whole list per key).
        parts.insert(0, f"unknown field{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}; known fields: "
                        f"{', '.join(EnterpriseProfile.model_fields)} (policy-assistant match --help explains each)")
    return f"{source}: invalid enterprise profile: " + "; ".join(parts)


def profile_from_mapping(data: Any, source: str = "profile", streets: tuple[str, ...] = ()) -> EnterpriseProfile:
    """Validate a mapping into a profile, raising :class:`ProfileError` naming the field.

    Args:
        data: the parsed profile (a dict).
        source: where it came from, for messages.
    Returns:
        The profile.
    """
    if not isinstance(data, dict):
        raise ProfileError(f"{source}: an enterprise profile must be a mapping of fields, "
                           f"got {type(data).__name__}")
    try:
        return EnterpriseProfile.model_validate(data, context={"streets": streets})
    except ValidationError as err:
        raise ProfileError(describe_validation_error(err, source)) from None


def load_profile(path: str | Path, streets: tuple[str, ...] = ()) -> EnterpriseProfile:
    """Read a profile from a JSON, TOML or YAML file.

    Args:
        path: the file; its suffix (.json, .toml, .yaml/.yml) picks the format.
        streets: the street names of the indexed tables; a ``street`` outside them is refused.
    Returns:
        The validated profile.
    Raises:
        ProfileError: the file is missing, unparsable, or has a bad or unknown field.
    """
    path = Path(path)
    if not path.is_file():
        raise ProfileError(f"{path}: profile file not found; give a JSON, TOML or YAML file")
    suffix = path.suffix.lower()
    try:
        text = path.read_text(encoding="utf-8-sig")
        if suffix == ".json":
            data = json.loads(text)
        elif suffix == ".toml":
            data = tomllib.loads(text)
        elif suffix in (".yaml", ".yml"):
            try:
                import yaml
            except ModuleNotFoundError:
                raise ProfileError(f"{path}: reading YAML needs PyYAML (pip install pyyaml); "
                                   "or give the profile as JSON or TOML") from None
            data = yaml.safe_load(text)
        else:
            raise ProfileError(f"{path}: unsupported profile format {suffix or '(none)'!r}; "
                               "use .json, .toml, .yaml or .yml")
    except (UnicodeDecodeError, json.JSONDecodeError, tomllib.TOMLDecodeError) as err:
        raise ProfileError(f"{path}: cannot parse profile: {err}") from None
    except Exception as err:  # yaml.YAMLError, without importing yaml at module level
        if type(err).__module__.startswith("yaml"):
            raise ProfileError(f"{path}: cannot parse profile: {err}") from None
        raise
    return profile_from_mapping(data if data is not None else {}, str(path), streets)
