"""Reports of an evaluation run: a summary table for the terminal, and a Markdown + HTML
report with plots (per-kind metrics, systems side by side, latency histogram) and every
failure listed with question, expected and got.

matplotlib is imported only when plots are written.
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path

from evals.runner import SUMMARY_METRICS, EvalRun, ItemResult, SystemResult

PER_KIND_METRICS = ("clause_recall_at_k", "citation_recall", "fact_accuracy")
SIDE_BY_SIDE_METRICS = ("clause_recall_at_k", "mrr", "fact_accuracy", "abstention_recall")
SHORT = {"clause_recall_at_k": "recall@k", "mrr": "MRR", "citation_recall": "cit.rec",
         "citation_precision": "cit.prec", "dangling_marker_rate": "dangling", "fact_accuracy": "facts",
         "calc_exactness": "calc", "abstention_precision": "abst.P", "abstention_recall": "abst.R",
         "latency_p50_s": "p50 s", "latency_p95_s": "p95 s", "tool_selection": "tool",
         "fully_correct": "full", "false_refusal_rate": "false.ref",
         "article_recall_at_k": "art.rec@k", "article_recall_multi": "art.rec.multi"}


def fmt(value: float | None) -> str:
    """A figure for a table: fractions with 3 decimals, seconds with 3, missing as a dash."""
    return "–" if value is None else f"{value:.3f}"


def summary_rows(run: EvalRun) -> list[list[str]]:
    """Header and one row per system, for the terminal and the Markdown table."""
    header = ["system"] + [SHORT[m].replace("rec@k", f"rec@{run.k}").replace("recall@k", f"recall@{run.k}")
                           for m in SUMMARY_METRICS]
    rows = [header]
    for system in run.systems:
        rows.append([system.name] + [fmt(system.overall.get(m)) for m in SUMMARY_METRICS])
    return rows


def summary_table(run: EvalRun) -> str:
    """A plain-text table of the overall figures, the primary system first."""
    rows = summary_rows(run)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    out = [f"gold: {run.gold_file} ({run.n_items} items), k={run.k}", *lines]
    out.append(threshold_line(run))
    out.append(article_line(run))
    return "\n".join(out)


def article_rows(run: EvalRun) -> list[list[str]]:
    """Article recall@k of every system, over all answerable items and over the items that
    several articles bear on, each with the number of items scored."""
    rows = [["system", f"article recall@{run.k}", "n", f"multi-article recall@{run.k}", "n"]]
    for system in run.systems:
        cells = [system.name]
        for name in ("article_recall_at_k", "article_recall_multi"):
            n = sum(i.scores.get(name) is not None for i in system.items)
            cells += [fmt(system.overall.get(name)), str(n)]
        rows.append(cells)
    return rows


def article_line(run: EvalRun) -> str:
    """One line: multi-article recall@k of the system beside each baseline."""
    figures = [f"{s.name} {fmt(s.overall.get('article_recall_multi'))}" for s in run.systems]
    n = sum(i.scores.get("article_recall_multi") is not None for i in run.primary.items)
    return f"multi-article recall@{run.k} ({n} items): " + ", ".join(figures)


def threshold_line(run: EvalRun) -> str:
    """One line on the bounds: gates broken, or targets and the distance to each."""
    if run.violations:
        return "below thresholds: " + "; ".join(run.violations)
    if run.targets_missed:
        return "targets not reached (reported, not gated): " + "; ".join(target_distances(run))
    return "all thresholds met" if run.thresholds.gate else "all targets met"


def target_distances(run: EvalRun) -> list[str]:
    """Each target of the set beside the figure and its distance (for sets whose bounds are targets)."""
    out = []
    overall = run.primary.overall
    for name, floor in run.thresholds.min.items():
        value = overall.get(name)
        if value is not None:
            gap = f"{floor - value:.3f} short" if value < floor else "met"
            out.append(f"{name} {value:.3f} (target ≥ {floor}: {gap})")
    for name, ceiling in run.thresholds.max.items():
        value = overall.get(name)
        if value is not None:
            gap = f"{value - ceiling:.3f} over" if value > ceiling else "met"
            out.append(f"{name} {value:.3f} (target ≤ {ceiling}: {gap})")
    return out


def _markdown_table(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(lines)


def _breakdown_rows(system: SystemResult, attr: str) -> list[list[str]]:
    groups = getattr(system, attr)
    metrics = [m for m in SUMMARY_METRICS if any(g.get(m) is not None for g in groups.values())]
    rows = [[attr.split("_")[1], "n"] + [SHORT[m] for m in metrics]]
    for key, figures in groups.items():
        rows.append([key, str(int(figures["n"] or 0))] + [fmt(figures.get(m)) for m in metrics])
    return rows


def _expected(item: ItemResult) -> str:
    if item.must_abstain:
        return "abstain"
    parts = []
    if item.expected_clause_ids:
        parts.append("clauses " + ", ".join(c.split(":", 1)[-1] for c in item.expected_clause_ids))
    if item.expected_facts:
        parts.append("facts " + "、".join(item.expected_facts))
    if item.expected_tool:
        parts.append(f"{item.expected_tool} → {json.dumps(item.expected_result, ensure_ascii=False)}")
    return "; ".join(parts)


def _got(item: ItemResult, limit: int = 160) -> str:
    if item.abstained:
        return "abstained"
    cited = ", ".join(c.split(":", 1)[-1] for c in item.cited_ids) or "nothing"
    text = item.answer.replace("\n", " ")
    text = text if len(text) <= limit else text[:limit] + "…"
    tools = ", ".join(t["name"] for t in item.tool_calls)
    return f"cited {cited}" + (f"; tools {tools}" if tools else "") + f"; 「{text}」"


def _grouped_bars(plt, path: Path, groups: list[str], series: list[tuple[str, list[float]]],
                  title: str, rotate: bool = False) -> Path:
    """A bar chart of fractions in [0, 1]: one group of bars per label, one colour per series."""
    fig, ax = plt.subplots(figsize=(10, 4))
    width = 0.8 / max(len(series), 1)
    for j, (name, values) in enumerate(series):
        ax.bar([i + j * width for i in range(len(groups))], values, width, label=name)
    ax.set_xticks([i + width * (len(series) - 1) / 2 for i in range(len(groups))], groups,
                  **({"rotation": 30, "ha": "right"} if rotate else {}))
    ax.set_ylim(0, 1.05)
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_plots(run: EvalRun, out_dir: Path) -> list[Path]:
    """Write the PNG plots; returns their paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = []
    primary = run.primary
    # 1. per-kind metrics of the primary system.
    kinds = list(primary.per_kind)
    paths.append(_grouped_bars(
        plt, out_dir / "per_kind.png", kinds,
        [(SHORT[m], [primary.per_kind[k].get(m) or 0 for k in kinds]) for m in PER_KIND_METRICS],
        f"{primary.name}: metrics per kind of question", rotate=True))
    # 2. systems side by side.
    paths.append(_grouped_bars(
        plt, out_dir / "systems.png", [SHORT[m] for m in SIDE_BY_SIDE_METRICS],
        [(system.name, [system.overall.get(m) or 0 for m in SIDE_BY_SIDE_METRICS]) for system in run.systems],
        "systems side by side"))
    # 3. latency histogram of every system that was timed.
    fig, ax = plt.subplots(figsize=(10, 4))
    timed = False
    for system in run.systems:
        values = [i.latency_s * 1000 for i in system.items if i.latency_s is not None]
        if values:
            ax.hist(values, bins=30, alpha=0.5, label=system.name)
            timed = True
    ax.set_xlabel("latency (ms)")
    ax.set_ylabel("questions")
    ax.set_title("latency per question" if timed else "latency per question (not measured)")
    if timed:
        ax.legend()
    fig.tight_layout()
    paths.append(out_dir / "latency.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)
    return paths


def markdown(run: EvalRun, plots: list[Path]) -> str:
    """The report as Markdown (plots referenced by file name)."""
    primary = run.primary
    out = [f"# Evaluation: {primary.name}", "",
           f"Gold set `{Path(run.gold_file).name}`: {run.n_items} items, k = {run.k}.", "",
           "## Overall", "", _markdown_table(summary_rows(run)), ""]
    for system in run.systems:
        out.append(f"- **{system.name}**: {system.description}")
    out += ["", "Thresholds: " + threshold_line(run), ""]
    out += ["### Article recall (each expected clause cited)", "",
            "The share of expected clauses among the first k citations (retrieved clauses for the "
            "baselines); multi-article: items with two or more expected clauses.", "",
            _markdown_table(article_rows(run)), ""]
    if not run.thresholds.gate:
        out += ["Targets of this set:", ""] + [f"- {line}" for line in target_distances(run)] + [""]
    out += [f"![{p.stem}]({p.name})" for p in plots] + [""]
    out += ["## Per kind", "", _markdown_table(_breakdown_rows(primary, "per_kind")), "",
            "## Per variant", "", _markdown_table(_breakdown_rows(primary, "per_variant")), ""]
    if primary.per_doc:
        out += ["## Per document", "", _markdown_table(_breakdown_rows(primary, "per_doc")), ""]
    if run.notes:
        out += ["## Notes", ""] + [f"- {n}" for n in run.notes] + [""]
    for system in run.systems:
        failures = system.failures
        out += [f"## Failures: {system.name} ({len(failures)} of {len(system.items)})", ""]
        if not failures:
            out += ["None.", ""]
            continue
        rows = [["id", "question", "expected", "got", "problems"]]
        for item in failures:
            rows.append([item.id, _cell(item.question), _cell(_expected(item)), _cell(_got(item)),
                         _cell(" / ".join(item.problems))])
        out += [_markdown_table(rows), ""]
    return "\n".join(out)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def html_report(run: EvalRun, plots: list[Path]) -> str:
    """The report as one self-contained HTML page (plots inlined, all text escaped)."""
    e = html.escape

    def table(rows: list[list[str]]) -> str:
        head = "".join(f"<th>{e(c)}</th>" for c in rows[0])
        body = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>" for r in rows[1:])
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    primary = run.primary
    parts = [f"<h1>Evaluation: {e(primary.name)}</h1>",
             f"<p>Gold set <code>{e(Path(run.gold_file).name)}</code>: {run.n_items} items, k = {run.k}.</p>",
             "<h2>Overall</h2>", table(summary_rows(run)), "<ul>"]
    parts += [f"<li><b>{e(s.name)}</b>: {e(s.description)}</li>" for s in run.systems]
    parts += ["</ul>", f"<p>Thresholds: {e(threshold_line(run))}</p>",
              "<h3>Article recall (each expected clause cited)</h3>", table(article_rows(run))]
    for p in plots:
        data = base64.b64encode(p.read_bytes()).decode("ascii")
        parts.append(f'<p><img alt="{e(p.stem)}" src="data:image/png;base64,{data}"></p>')
    parts += ["<h2>Per kind</h2>", table(_breakdown_rows(primary, "per_kind")),
              "<h2>Per variant</h2>", table(_breakdown_rows(primary, "per_variant"))]
    if primary.per_doc:
        parts += ["<h2>Per document</h2>", table(_breakdown_rows(primary, "per_doc"))]
    if run.notes:
        parts += ["<h2>Notes</h2><ul>"] + [f"<li>{e(n)}</li>" for n in run.notes] + ["</ul>"]
    for system in run.systems:
        failures = system.failures
        parts.append(f"<h2>Failures: {e(system.name)} ({len(failures)} of {len(system.items)})</h2>")
        rows = [["id", "question", "expected", "got", "problems"]]
        rows += [[i.id, i.question, _expected(i), _got(i, 400), " / ".join(i.problems)] for i in failures]
        parts.append(table(rows) if failures else "<p>None.</p>")
    style = ("body{font-family:'Noto Sans CJK SC',sans-serif;margin:2em;max-width:1400px}"
             "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 6px;"
             "vertical-align:top;font-size:13px}th{background:#eee}img{max-width:100%}")
    return (f"<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'><title>Evaluation</title>"
            f"<style>{style}</style></head><body>{''.join(parts)}</body></html>")


def write_report(run: EvalRun, out_dir: str | Path) -> dict[str, Path]:
    """Write ``report.md``, ``report.html``, ``results.json`` and the plots into ``out_dir``.

    Returns:
        The paths written, by name.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    plots = write_plots(run, out_dir)
    paths = {"markdown": out_dir / "report.md", "html": out_dir / "report.html",
             "json": out_dir / "results.json"}
    paths["markdown"].write_text(markdown(run, plots), encoding="utf-8")
    paths["html"].write_text(html_report(run, plots), encoding="utf-8")
    paths["json"].write_text(run.model_dump_json(indent=1), encoding="utf-8")
    for p in plots:
        paths[p.stem] = p
    return paths
