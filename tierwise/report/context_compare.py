"""The page of a ``tierwise compare`` folder: strategies, differences to the baseline, profit
with the multiple-comparisons-with-the-best intervals, the verdict and the figures."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tierwise.common.formatting import (
    MISSING,
    decimals_for,
    level,
    number,
    p_value,
    pct,
    signed,
    usd,
)
from tierwise.report.blocks import (
    Block,
    Box,
    Cell,
    Column,
    DefinitionList,
    Page,
    Paragraph,
    Rich,
    Section,
    Span,
    code,
    lines,
    rich,
    strong,
    styled,
    table,
)
from tierwise.report.context_common import (
    figure,
    glossary,
    header_facts,
    metric_label,
    short,
    unit_label,
)
from tierwise.report.context_scenario import assumptions
from tierwise.report.scenario_source import AssumedScenario
from tierwise.report.sources import Folder
from tierwise.simulation.experiments.comparison import TOTAL
from tierwise.simulation.metrics import METRICS, PROFIT

__all__ = ["compare_page"]

#: Changes listed per strategy before "… and N more".
_MAX_CHANGES = 8


def _float(value: Any) -> float:
    """``float(value)``, or NaN when it is missing or not a number."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _flatten_diff(a: Any, b: Any, prefix: str = "") -> list[tuple[str, Any, Any]]:
    """Leaves where ``a`` and ``b`` differ; a key on one side only is one entry."""
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        out: list[tuple[str, Any, Any]] = []
        for key in dict.fromkeys([*a, *b]):
            path = f"{prefix}.{key}" if prefix else str(key)
            if key not in a:
                out.append((path, None, b[key]))
            elif key not in b:
                out.append((path, a[key], None))
            else:
                out += _flatten_diff(a[key], b[key], path)
        return out
    return [] if a == b else [(prefix, a, b)]


def _change(path: str, before: Any, after: Any) -> Rich:
    """``path: 7 → 5``, ``path added: {...}``, ``path removed``."""
    if after is None:
        return rich(code(path), " removed")
    if before is None:
        return rich(code(path), f" added: {short(after)}")
    return rich(code(path), f": {short(before)} → {short(after)}")


def _strategies(document: Mapping[str, Any], assumed: AssumedScenario) -> list[Block]:
    baseline = str(document.get("baseline", ""))
    base = assumed.strategies.get(baseline)
    base_dump = base.model_dump(mode="json") if base is not None else None
    rows: list[list[Cell]] = []
    for entry in document.get("strategies", []):
        name = str(entry.get("name", ""))
        changes: Cell = MISSING
        scen = assumed.strategies.get(name)
        if name == baseline:
            changes = "(baseline)"
        elif scen is not None and base_dump is not None:
            diff = _flatten_diff(base_dump, scen.model_dump(mode="json"))
            if diff:
                listed: list[Cell] = [_change(p, x, y) for p, x, y in diff[:_MAX_CHANGES]]
                if len(diff) > _MAX_CHANGES:
                    listed.append(f"… and {len(diff) - _MAX_CHANGES} more")
                changes = lines(listed)
            else:
                changes = "same as the baseline"
        rows.append(
            [
                strong(name) if name == baseline else name,
                str(entry.get("description", "")),
                changes,
                code(str(entry.get("scenario_hash", ""))[:12]),
            ]
        )
    columns: list[Column | str] = [
        "strategy",
        "description",
        "changes vs the baseline" if assumed.strategies else "changes",
        "scenario hash",
    ]
    blocks: list[Block] = [table(columns, rows, css="strategies")]
    if not assumed.strategies:
        blocks.append(
            Paragraph(
                rich(
                    "(Pass the strategy file with --scenario to list what each strategy changes.)"
                ),
                "note",
            )
        )
    return blocks


def _difference(row: Mapping[str, Any]) -> Cell:
    """``+1.2 ± 0.4 *`` in green (better), red (worse) or plain (not significant)."""
    unit = str(row.get("unit", ""))
    mean, hw = row.get("difference"), row.get("difference_half_width")
    m = _float(mean) * (100.0 if unit == "rate" else 1.0)
    h = _float(hw) * (100.0 if unit == "rate" else 1.0)
    if not math.isfinite(m):
        return MISSING
    if m == 0 and (h == 0 or not math.isfinite(h)):
        return styled("0 (identical)", "muted")
    digits = decimals_for(h if math.isfinite(h) and h > 0 else abs(m))
    text = signed(m, digits)
    if math.isfinite(h):
        text += f" ± {number(h, digits)}"
    p = p_value(row.get("p_value"))
    tip = "" if p == MISSING else (f"p {p}" if p.startswith("<") else f"p = {p}")
    if not row.get("significant"):
        return styled(text, "ns", tip)
    verdict = str(row.get("verdict", ""))
    return styled(f"{text} *", {"better": "better", "worse": "worse"}.get(verdict, "sig"), tip)


def _differences(document: Mapping[str, Any]) -> list[Block]:
    baseline = str(document.get("baseline", ""))
    names = [str(s.get("name")) for s in document.get("strategies", [])]
    others = [n for n in names if n != baseline]
    tiers = [str(t) for t in document.get("tiers", [])]
    metrics = [str(m) for m in document.get("metrics", [])]
    index: dict[tuple[str, str, str], Mapping[str, Any]] = {}
    for r in document.get("differences", []):
        index[(str(r.get("strategy")), str(r.get("scope")), str(r.get("metric")))] = r
    rows: list[list[Cell]] = []
    classes: list[str] = []
    for scope in (*tiers, TOTAL):
        first = True
        for metric in metrics:
            if metric == PROFIT:
                continue
            found = [index.get((s, scope, metric)) for s in others]
            present = [r for r in found if r is not None]
            if not present:
                continue
            registered = METRICS.get(metric)
            unit = str(present[0].get("unit", registered.unit if registered else ""))
            rows.append(
                [
                    strong(scope) if first else "",
                    metric_label(metric),
                    "pp" if unit == "rate" else unit,
                    level(present[0].get("baseline_mean"), unit),
                    *(MISSING if r is None else _difference(r) for r in found),
                ]
            )
            classes.append("group-start" if first else "")
            first = False
    caption = rich(
        f"Difference to the baseline: strategy − baseline, mean ± "
        f"{pct(document.get('confidence', 0.95), 0)} CI half-width over "
        f"{document.get('replications', '?')} paired replications; ",
        styled("green *", "better"),
        " significantly better, ",
        styled("red *", "worse"),
        " significantly worse, plain: not significant; rates in percentage points.",
    )
    columns: list[Column | str] = [
        "tier",
        "metric",
        "Δ unit",
        Column(f"{baseline} (baseline)", True),
        *[Column(f"Δ {n}", True) for n in others],
    ]
    return [table(columns, rows, row_classes=classes, caption=caption, css="diffs")]


def _profit(document: Mapping[str, Any]) -> list[Block]:
    baseline = str(document.get("baseline", ""))
    names = [str(s.get("name")) for s in document.get("strategies", [])]
    tiers = [str(t) for t in document.get("tiers", [])]
    best_doc: Mapping[str, Any] = document.get("best", {}) or {}
    mcb = {str(r.get("strategy")): r for r in best_doc.get("strategies", [])}
    index = {
        (str(r.get("strategy")), str(r.get("scope"))): r
        for r in document.get("differences", [])
        if r.get("metric") == PROFIT
    }
    rows: list[list[Cell]] = []
    classes: list[str] = []
    for name in names:
        cells: list[Cell] = []
        for scope in (*tiers, TOTAL):
            if name == baseline:
                any_row = next((r for (s, sc), r in index.items() if sc == scope), None)
                value = any_row.get("baseline_mean") if any_row else None
            else:
                row = index.get((name, scope))
                value = row.get("strategy_mean") if row else None
            cells.append(usd(value))
        total_row = index.get((name, TOTAL))
        if name == baseline:
            delta: Cell = "(baseline)"
            p_text = ""
        else:
            delta = _difference(total_row) if total_row else MISSING
            p_text = p_value(total_row.get("p_value")) if total_row else MISSING
        m = mcb.get(name, {})
        interval = (
            f"[{signed(m.get('gap_to_best_of_others_low'))}, "
            f"{signed(m.get('gap_to_best_of_others_high'))}]"
            if m
            else MISSING
        )
        candidate = bool(m.get("candidate")) if m else False
        is_best = name == best_doc.get("best")
        rows.append(
            [
                strong(name) if is_best else name,
                *cells,
                delta,
                p_text,
                interval,
                styled("yes", "good") if candidate else styled("no", "muted"),
            ]
        )
        classes.append("best" if is_best else "")
    conf = pct(document.get("confidence", 0.95), 0)
    columns: list[Column | str] = [
        "strategy",
        *[Column(f"tier {t}", True) for t in tiers],
        Column("total", True),
        Column("Δ total vs baseline", True),
        Column("p", True, "two-sided paired t-test"),
        Column("vs best of the others", True, "MCB interval for total profit − best other"),
        "can be best",
    ]
    caption = (
        "Profit per day (USD/day = revenue − cost, revenue being each tier's revenue response "
        "at its simulated service; mean over replications) and the "
        f"{conf} family-wise MCB interval for total profit − the best of the others"
    )
    return [table(columns, rows, row_classes=classes, caption=caption)]


def _verdict(document: Mapping[str, Any]) -> list[Block]:
    best: Mapping[str, Any] = document.get("best", {}) or {}
    verdict = str(best.get("verdict", "(no verdict recorded)"))
    methods = (
        ("best-strategy method", rich(str(best.get("method", MISSING)))),
        ("difference method", rich(str(document.get("method", MISSING)))),
    )
    return [
        Box(
            rich(Span("Best strategy:", "strong"), f" {verdict}"),
            "ok" if best.get("decisive") else "warn",
        ),
        DefinitionList(methods, "meta method"),
    ]


def _figures(folder: Folder) -> list[Block]:
    found = [p for p in folder.figures() if p.name.startswith("compare_") and p.suffix == ".png"]
    ordered: list[Path] = sorted(found, key=lambda p: (PROFIT in p.stem, p.stem))
    blocks = [
        figure(
            path,
            f"{metric_label(path.stem.removeprefix('compare_'))}: difference of each strategy "
            "to the baseline per tier, paired 95% CI (filled marker: significant)",
        )
        for path in ordered
    ]
    return blocks or [Paragraph(rich("(no compare_*.png figures were found.)"), "note")]


def compare_page(
    folder: Folder,
    comparison_file: Path,
    document: Mapping[str, Any],
    assumed: AssumedScenario,
    title: str | None,
    now: dt.datetime,
) -> Page:
    """The page of a compare folder."""
    baseline = str(document.get("baseline", ""))
    name = assumed.strategy_set or assumed.scenario.name
    heading = title or f"Tierwise comparison — {name}"
    names = [str(s.get("name")) for s in document.get("strategies", [])]
    precision = document.get("precision")
    reps = f"{document.get('replications', '?')} paired per strategy (common random numbers)"
    if precision is not None:
        reached = "reached" if document.get("precision_reached") else "NOT reached"
        reps += f"; precision {precision} {reached}"
    facts: list[tuple[str, Cell]] = [
        ("seed", str(document.get("seed", assumed.scenario.seed))),
        ("replications", reps),
        ("strategies", f"{len(names)}: {', '.join(names)} (baseline {baseline})"),
    ]
    intro = (
        f"The baseline strategy '{baseline}' as built from {assumed.path}; the strategies "
        "below change it as listed."
        if assumed.strategies
        else f"The scenario in {assumed.path} ({assumed.how})."
    )
    mcb = {
        "MCB interval": (
            unit_label("USD/day"),
            "multiple comparisons with the best: total profit of the strategy − the best of "
            "the others; all intervals hold jointly at the family-wise level",
        )
    }
    sections = (
        Section(
            "assumptions",
            "Assumptions",
            (Paragraph(rich(intro)), *assumptions(assumed.scenario)),
        ),
        Section("strategies", "Strategies", tuple(_strategies(document, assumed))),
        Section("differences", "Differences to the baseline", tuple(_differences(document))),
        Section("best", "Profit and best strategy", (*_profit(document), *_verdict(document))),
        Section("figures", "Figures", tuple(_figures(folder))),
        Section("definitions", "Metric definitions", tuple(glossary(mcb))),
    )
    return Page(
        title=heading,
        lead=assumed.scenario.description or "",
        facts=header_facts("compare", folder.path, assumed, facts, comparison_file, now),
        warnings=tuple(assumed.warnings),
        sections=sections,
    )
