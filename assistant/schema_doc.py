"""Field documentation read from a JSON schema (a pydantic model's): one line per field,
nested fields included, so that help texts and README tables are generated, never copied.

A field inside a list of objects is named ``parcels[].expiry_date``; one inside an object
``outer.inner``. ``$ref`` into ``$defs`` and ``anyOf [X, null]`` (an optional field) are
followed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldDoc:
    """One documented field."""

    path: str
    kind: str
    required: bool
    title: str
    description: str

    @property
    def text(self) -> str:
        """What the field means: its title and description, whichever are given."""
        parts = [p for p in (self.title, self.description) if p]
        if len(parts) == 2 and parts[1].startswith(parts[0]):
            parts = parts[1:]
        return "；".join(parts)


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """Follow ``$ref`` and unwrap ``anyOf``/``oneOf`` with ``null`` (an optional value)."""
    seen = 0
    while seen < 20:
        seen += 1
        if "$ref" in node:
            target = defs.get(node["$ref"].rsplit("/", 1)[-1], {})
            node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
            continue
        options = node.get("anyOf") or node.get("oneOf")
        if options:
            real = [o for o in options if o.get("type") != "null"]
            if len(real) == 1:
                node = {**real[0], **{k: v for k, v in node.items() if k not in ("anyOf", "oneOf")}}
                continue
        break
    return node


def kind_of(node: dict[str, Any]) -> str:
    """A short Chinese name of a value's type: 数字, 文本, 是/否, 日期, one of a set, 列表, 对象."""
    if "enum" in node:
        return " / ".join(str(v) for v in node["enum"])
    if "const" in node:
        return str(node["const"])
    options = node.get("anyOf") or node.get("oneOf")
    if options:
        kinds = list(dict.fromkeys(kind_of(o) for o in options if o.get("type") != "null"))
        if "数字" in kinds and "文本" in kinds:  # a Decimal: a JSON number or numeric text
            kinds.remove("文本")
        return " 或 ".join(kinds)
    kind = node.get("type")
    fmt = node.get("format", "")
    if kind == "string" and fmt == "date":
        return "日期 YYYY-MM-DD"
    if kind == "string" and fmt in ("decimal", "number") or kind in ("number", "integer"):
        return "数字"
    if kind == "string" and node.get("pattern", "").startswith("^(?!^[-+.]*$)"):
        return "数字"
    return {"string": "文本", "boolean": "是/否（true/false）", "array": "列表", "object": "对象"}.get(str(kind), "值")


def field_docs(schema: dict[str, Any]) -> list[FieldDoc]:
    """Every field of ``schema``, nested ones after their parent, in schema order.

    Args:
        schema: a JSON schema of an object (``Model.model_json_schema()``).
    Returns:
        One :class:`FieldDoc` per field; a list of objects gives its items' fields as
        ``name[].field``.
    """
    defs = schema.get("$defs", {})
    out: list[FieldDoc] = []

    def walk(node: dict[str, Any], prefix: str, depth: int) -> None:
        node = _resolve(node, defs)
        required = set(node.get("required", []))
        for name, prop in (node.get("properties") or {}).items():
            prop = _resolve(prop, defs)
            path = f"{prefix}{name}"
            items = _resolve(prop.get("items") or {}, defs) if prop.get("type") == "array" else {}
            kind = kind_of(prop)
            if items.get("properties"):
                kind = "对象列表"
            elif items:
                kind = f"{kind_of(items)}的列表"
            title = str(prop.get("title") or "")
            if title == name.replace("_", " ").title():  # pydantic's default title says nothing new
                title = ""
            out.append(FieldDoc(path, kind, name in required, title, str(prop.get("description") or "")))
            if depth < 4 and items.get("properties"):
                walk(items, f"{path}[].", depth + 1)
            elif depth < 4 and prop.get("properties"):
                walk(prop, f"{path}.", depth + 1)

    walk(schema, "", 0)
    return out


def help_lines(docs: list[FieldDoc], indent: str = "  ") -> list[str]:
    """Fields as lines for a terminal: ``* name: meaning（kind）`` (``*`` = required)."""
    return [f"{indent}{'*' if d.required else ' '} {d.path}: {d.text or d.path}（{d.kind}）" for d in docs]


def markdown_table(docs: list[FieldDoc]) -> str:
    """Fields as a Markdown table: field, type, meaning."""
    rows = ["| 字段 | 类型 | 含义 |", "|---|---|---|"]
    rows += [f"| `{d.path}`{' (必填)' if d.required else ''} | {d.kind} | {d.text} |" for d in docs]
    return "\n".join(rows)
