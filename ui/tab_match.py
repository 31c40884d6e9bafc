"""The eligibility tab: the enterprise profile as a form, results grouped with citations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.errors import AssistantError
from ui.forms import UNKNOWN, FieldSpec, model_fields, profile_data
from ui.render import esc
from ui.render_results import match_result
from ui.service import UiService
from ui.widgets import linked_html

# Field groups of the form, in order; fields not listed go to the last group.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("基本情况", ("name", "street", "land_area_mu", "floor_area_m2", "plot_ratio", "evaluation_class",
                "white_list", "state_owned", "in_industrial_control_line", "matches_industry_direction")),
    ("现状", ("land_idle", "high_energy_use", "high_pollution", "safety_hazards", "mixed_use",
            "refuses_renovation", "self_use", "adds_dormitory_area")),
    ("计划", ("plan_self_renovation", "plan_joint_renovation", "plan_acquire_land", "plan_acquire_equity",
            "plan_relocate_small_micro_park", "plan_lease_out_plant", "plan_lease_in_plant", "plan_transfer_land")),
    ("金额与面积（用于测算）", ()),
)


@dataclass
class MatchTab:
    """The eligibility tab's components."""

    button: Any
    result: Any


def run_match(service: UiService, specs: list[FieldSpec], values: list[Any], as_of: str) -> str:
    """Match the profile the form states; the grouped result (or what to fix) as HTML."""
    from pydantic import ValidationError

    from assistant.eligibility import EnterpriseProfile, match
    from assistant.eligibility.chat import known_streets
    from assistant.eligibility.matcher import policy_period
    from assistant.eligibility.profile import field_title
    from assistant.eligibility.rules import pack_rules
    from assistant.packs.loader import pack_dirs
    from assistant.tools.registry import run_tool

    try:
        data = profile_data(specs, values)
        when = date.fromisoformat(as_of.strip()) if as_of and as_of.strip() else None
        # The rules, streets and period of the indexed documents' packs.
        clauses = {c.id: c for c in service.clauses()}
        dirs = pack_dirs(service.assistant.settings.home)
        profile = EnterpriseProfile.model_validate(data, context={"streets": known_streets(clauses, dirs)})
        result = match(profile, rules=pack_rules(clauses, dirs), as_of=when, period=policy_period(clauses, dirs),
                       run_tool=lambda name, arguments: run_tool(name, arguments, clauses, dirs))
    except ValidationError as err:
        parts = [f"{field_title(str(e['loc'][0])) if e['loc'] else '企业情况'}：{e['msg'].removeprefix('Value error, ')}"
                 for e in err.errors()]
        return f'<div class="match-result error"><p>请修改：{esc("；".join(parts))}</p></div>'
    except (ValueError, AssistantError) as err:
        msg = str(err) if not as_of or "“" in str(err) else f"所问日期“{as_of}”应为 YYYY-MM-DD。"
        return f'<div class="match-result error"><p>{esc(msg)}</p></div>'
    titles = {n: field_title(n) for n in EnterpriseProfile.model_fields}
    return match_result(result, service.labels(), titles)


def build(service: UiService) -> MatchTab:
    """Lay out the eligibility tab (inside a ``gr.Tab``) and wire it."""
    import gradio as gr

    from assistant.eligibility import EnterpriseProfile
    from assistant.eligibility.chat import known_streets
    from assistant.packs.loader import pack_dirs

    streets = known_streets({c.id: c for c in service.clauses()}, pack_dirs(service.assistant.settings.home))

    specs = model_fields(EnterpriseProfile)
    by_name = {s.name: s for s in specs}
    listed = {n for _, names in GROUPS for n in names}
    widgets: dict[str, Any] = {}
    gr.HTML('<p class="hint">填写已知情况，不清楚的保持“不清楚”：助手只根据填写的事实判断，不作推测。</p>',
            js_on_load=None)
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            for i, (title, names) in enumerate(GROUPS):
                names = names or tuple(n for n in by_name if n not in listed)
                with gr.Accordion(title, open=i < 3):
                    with gr.Row():
                        for n in names:
                            s = by_name[n]
                            if s.kind == "enum":
                                choices = list(s.choices)
                                if n == "street":
                                    choices = [UNKNOWN, *streets]
                                w = gr.Radio(choices, value=UNKNOWN, label=s.label, elem_id=f"profile-{n}",
                                             min_width=200) if len(choices) <= 5 else \
                                    gr.Dropdown(choices, value=UNKNOWN, label=s.label, elem_id=f"profile-{n}", min_width=200)
                            else:
                                w = gr.Textbox(label=s.label, placeholder=s.placeholder, elem_id=f"profile-{n}",
                                               min_width=200)
                            widgets[n] = w
            as_of = gr.Textbox(label="所问日期（可选，YYYY-MM-DD）", elem_id="profile-as-of")
            button = gr.Button("匹配政策", variant="primary", elem_id="match-run")
        with gr.Column(scale=3):
            result = linked_html('<div class="match-result empty">填写企业情况后点击“匹配政策”。</div>',
                                 elem_id="match-result")
    order = list(widgets)
    ordered_specs = [by_name[n] for n in order]

    def go(*values):
        return run_match(service, ordered_specs, list(values[:-1]), values[-1])

    button.click(go, [widgets[n] for n in order] + [as_of], result, api_visibility="private")
    return MatchTab(button, result)
