"""The calculators tab: a form per calculator of the indexed documents' packs, generated from its
JSON schema; a table calculator's row and column fields offer the rows and headers of the indexed table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.errors import AssistantError
from ui.forms import FieldSpec, form_arguments, schema_fields
from ui.render_results import calc_result
from ui.service import UiService
from ui.widgets import linked_html


@dataclass
class CalcTab:
    """The calculators tab's components."""

    picker: Any
    result: Any
    forms: dict[str, Any] = field(default_factory=dict)


def run(service: UiService, name: str, specs: list[FieldSpec], values: list[Any]) -> str:
    """Run calculator ``name`` on form values; the result (or the refusal) as HTML."""
    from assistant.packs.loader import pack_dirs
    from assistant.tools.registry import run_tool

    try:
        result = run_tool(name, form_arguments(specs, values), clauses={c.id: c for c in service.clauses()},
                          dirs=pack_dirs(service.assistant.settings.home))
    except AssistantError as err:
        from ui.errors import message_for

        return calc_result(name, error=message_for(err, {f.name: f.label for f in specs}))
    return calc_result(name, result, labels=service.labels())


def table_suggestions(tool: Any, clauses: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """Row names and column headers of the indexed table a table calculator reads ({} for others)."""
    from assistant.errors import AssistantError
    from assistant.tools.calculators.annex2 import load_rows, table_id

    active = getattr(tool, "active", None)
    if active is None or not active.spec.mechanism.startswith("table_"):
        return {}
    try:
        rows = load_rows(clauses, table_id(active))
    except AssistantError:
        return {}
    return {"street": tuple(r.row.key for r in rows), "column": tuple(rows[0].row.columns) if rows else ()}


def _widget(spec: FieldSpec, tool: str):
    import gradio as gr

    elem_id = f"calc-{tool}-{spec.name}"
    if spec.kind == "enum":
        return gr.Dropdown(list(spec.choices), label=spec.label, info=spec.info, elem_id=elem_id,
                           allow_custom_value=spec.allow_custom, value=None)
    if spec.kind == "bool":
        return gr.Checkbox(label=spec.label, info=spec.info, elem_id=elem_id, value=bool(spec.default))
    if spec.kind == "table":
        return gr.Dataframe(headers=list(spec.column_labels), value=[["" for _ in spec.columns]] * 2,
                            type="array", label=spec.label, elem_id=elem_id, interactive=True,
                            row_count=2, datatype="str")
    return gr.Textbox(label=spec.label, info=spec.info, placeholder=spec.placeholder, elem_id=elem_id)


def build(service: UiService) -> CalcTab:
    """Lay out the calculators tab (inside a ``gr.Tab``) and wire it."""
    import gradio as gr

    from assistant.tools.registry import list_tools

    from assistant.packs.loader import pack_dirs

    clauses = {c.id: c for c in service.clauses()}
    tools = list_tools(clauses, pack_dirs(service.assistant.settings.home))
    choices = [(f"{t.description.split('：')[0]}（{t.name}）", t.name) for t in tools]
    picker = gr.Dropdown(choices, value=tools[0].name, label="选择计算工具", elem_id="calc-picker")
    forms: dict[str, Any] = {}
    for i, tool in enumerate(tools):
        specs = schema_fields(tool.parameters, table_suggestions(tool, clauses))
        with gr.Column(visible=i == 0, elem_id=f"calc-form-{tool.name}") as col:
            gr.HTML(f'<p class="calc-desc">{_esc(tool.description)}</p>', js_on_load=None)
            widgets = [_widget(s, tool.name) for s in specs]
            button = gr.Button("计算", variant="primary", elem_id=f"calc-run-{tool.name}")
        forms[tool.name] = (col, specs, widgets, button)
    result = linked_html(calc_result("", None), elem_id="calc-result")
    tab = CalcTab(picker, result, forms)
    for name, (_col, specs, widgets, button) in forms.items():
        def go(*values, _name=name, _specs=specs):
            return run(service, _name, _specs, list(values))
        button.click(go, widgets, result, api_visibility="private")
    cols = [f[0] for f in forms.values()]
    picker.change(lambda name: [gr.Column(visible=n == name) for n in forms] + [calc_result("", None)],
                  picker, cols + [result], api_visibility="private")
    return tab


def _esc(text: str) -> str:
    from ui.render import esc

    return esc(text)
