"""The page of a ``tierwise run`` folder: sweep, curves and optimum, chosen plan, verification,
profit versus budget, as report blocks."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from tierwise.common.formatting import (
    MISSING,
    compact,
    estimate,
    number,
    pct,
    pct_estimate,
    signed,
    usd,
)
from tierwise.figures.labels import decision_columns
from tierwise.optimization.planning.words import decisions_in_words
from tierwise.report.blocks import (
    Block,
    Box,
    BulletList,
    Cell,
    Column,
    DefinitionList,
    Page,
    Paragraph,
    Preformatted,
    Section,
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
    resource_label,
    short,
)
from tierwise.report.context_scenario import assumptions
from tierwise.report.context_summary import executive_summary
from tierwise.report.scenario_source import AssumedScenario
from tierwise.report.sources import Folder, RunFiles
from tierwise.report.summary import plan_decisions

__all__ = ["run_page"]


def _finite(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _note(text: str) -> Paragraph:
    return Paragraph(rich(text), "note")


def _sweep(files: RunFiles, assumed: AssumedScenario) -> list[Block]:
    blocks: list[Block] = []
    summary = files.summary or {}
    params = files.params()
    if summary:
        facts = [
            ("variants", f"{summary.get('variants', '?')} ({summary.get('runs', '?')} runs)"),
            (
                "runs simulated / from cache / failed",
                f"{summary.get('runs_executed', '?')} / {summary.get('runs_from_cache', '?')} / "
                f"{summary.get('runs_failed', '?')}",
            ),
            ("screened out (analytically)", str(summary.get("variants_screened_out", 0))),
            (
                "elapsed",
                f"{compact(summary.get('elapsed_s'))} s on {summary.get('workers', '?')} "
                f"worker(s), {summary.get('backend', '?')}",
            ),
        ]
        blocks.append(DefinitionList(tuple((term, rich(text)) for term, text in facts)))
    if params:
        rows: list[list[Cell]] = []
        for path, values in params.items():
            label = resource_label(path)
            shown = ", ".join(compact(v) if isinstance(v, int | float) else str(v) for v in values)
            role = "swept" if len(values) > 1 else "fixed"
            if path in ("horizon_days", "warmup_days"):
                own = getattr(assumed.scenario, path)
                role = f"sweep setting (scenario: {compact(own)})"
            rows.append([label if label != path else code(path), shown, role])
        blocks.append(table(["scenario field", "values", "role"], rows, caption="Sweep grid"))
    notes = [*summary.get("screening_notes", []), *summary.get("notes", [])]
    failures = summary.get("failures", [])
    if failures:
        notes.append(f"{len(failures)} run(s) failed; see sweep.summary.json")
    if notes:
        blocks.append(BulletList(tuple(rich(str(n)) for n in notes), "note"))
    if not blocks:
        blocks.append(_note("(sweep.summary.json and sweep.parquet are missing.)"))
    return blocks


def _variant_words(files: RunFiles) -> dict[str, str]:
    """``variant id → its decisions in words`` (the levers that differ between variants)."""
    sweep = files.sweep
    if sweep is None or sweep.empty or "variant_id" not in sweep.columns:
        return {}
    variants = sweep.drop_duplicates("variant_id")
    columns = decision_columns([variants])
    return {
        str(row["variant_id"]): decisions_in_words({c: row[c] for c in columns})
        for _, row in variants.iterrows()
    }


def _optimum(files: RunFiles) -> list[Block]:
    frame = files.optimum
    if frame is None or frame.empty:
        return [_note("(optimum.csv was not produced.)")]
    words = _variant_words(files)
    rows: list[list[Cell]] = []
    for _, r in frame.iterrows():
        smooth = r.get("smooth_service_level")
        edge = r.get("at_boundary")
        where = pct(smooth)
        if where != MISSING and isinstance(edge, str) and edge:
            where += f" (at the {edge} end of the swept range)"
        rows.append(
            [
                strong(r["tier"]),
                words.get(str(r.get("variant_id", ""))) or code(r.get("variant_id", "")),
                pct(r.get("service_level")),
                usd(r.get("revenue_per_day_usd")),
                usd(r.get("cost_per_day_usd")),
                usd(r.get("profit_per_day_usd")),
                f"{usd(r.get('profit_per_day_usd_low'))} … {usd(r.get('profit_per_day_usd_high'))}",
                where,
            ]
        )
    columns: list[Column | str] = [
        "tier",
        "decisions",
        Column(metric_label(files.metric()), True),
        Column("revenue USD/day", True),
        Column("cost USD/day", True),
        Column("profit USD/day", True),
        Column("profit 95% CI", True),
        Column("MR = MC at", True, "where marginal revenue equals marginal cost"),
    ]
    caption = (
        f"Most profitable variant per tier by {metric_label(files.metric()).lower()}, each tier "
        "on its own (before "
        "the plan shares resources between tiers); MR = MC: where the smoothed marginal "
        "revenue equals the marginal cost"
    )
    return [table(columns, rows, caption=caption)]


def _plan_status(plan: Mapping[str, Any]) -> Box:
    status = str(plan.get("status", "?"))
    has_plan = status in ("optimal", "feasible_not_proven")
    gap = plan.get("mip_gap")
    solver_text = (
        f"{plan.get('solver', '?')} ({plan.get('solver_status', '?')}), "
        f"objective: {plan.get('objective', '?')}"
        + (f", MIP gap {pct(gap, 2)}" if _finite(gap) else "")
        + (
            f", solved in {compact(round(float(plan['solve_time_s']), 3))} s"
            if _finite(plan.get("solve_time_s"))
            else ""
        )
    )
    content = lines(
        [
            rich(strong(f"status: {status}"), f" — {plan.get('message') or ''}"),
            styled(f"solver: {solver_text}", "note"),
        ]
    )
    return Box(content, "ok" if status == "optimal" else ("warn" if has_plan else "alert"))


def _plan(files: RunFiles) -> list[Block]:
    plan = files.plan
    if plan is None:
        return [_note("(plan.json was not produced: the run stopped before the plan.)")]
    blocks: list[Block] = [_plan_status(plan)]
    if str(plan.get("status", "?")) not in ("optimal", "feasible_not_proven"):
        explanation = plan.get("explanation") or {}
        messages = explanation.get("messages", []) if isinstance(explanation, Mapping) else []
        violations = [v.get("message", str(v)) for v in plan.get("violations", []) or []]
        if messages or violations:
            blocks.append(BulletList(tuple(rich(str(m)) for m in [*messages, *violations])))
        return blocks
    chosen: Mapping[str, Any] = plan.get("chosen", {}) or {}
    resources = list(plan.get("resource_units", {}) or {})
    rows: list[list[Cell]] = []
    for tier, option in chosen.items():
        revenue, cost = option.get("revenue_per_day_usd"), option.get("cost_per_day_usd")
        profit = float(revenue) - float(cost) if _finite(revenue) and _finite(cost) else None
        rows.append(
            [
                strong(tier),
                decisions_in_words(plan_decisions(plan).get(str(tier), {}))
                or code(option.get("option_id", "")),
                pct_estimate(option.get("service_level"), option.get("service_half_width")),
                number(option.get("orders_per_day")),
                usd(cost),
                usd(revenue),
                usd(profit),
            ]
        )
    foot: list[list[Cell]] = [
        [
            "total",
            "",
            "",
            number(plan.get("total_orders_per_day")),
            usd(plan.get("total_cost_per_day_usd")),
            usd(plan.get("total_revenue_per_day_usd")),
            usd(plan.get("total_profit_per_day_usd")),
        ]
    ]
    columns: list[Column | str] = [
        "tier",
        "decisions",
        Column(f"{metric_label(files.metric())} ± 95% CI", True),
        Column("orders/day", True),
        Column("cost USD/day", True),
        Column("revenue USD/day", True),
        Column("profit USD/day", True),
    ]
    blocks.append(
        table(
            columns,
            rows,
            foot=foot,
            caption="Chosen option per tier (service and cost as predicted from the sweep)",
        )
    )
    if resources:
        units = plan.get("resource_units", {})
        blocks.append(
            table(
                ["resource", Column("units in the plan", True), "scenario field"],
                [[resource_label(r), number(units[r]), code(r)] for r in resources],
                caption="Resources of the plan (a pooled resource is staffed at the largest "
                "level any tier's option needs)",
            )
        )
    binding = plan.get("binding_constraints") or []
    shadow = plan.get("shadow_prices") or {}
    if binding:
        blocks.append(Paragraph(rich("Binding constraints: " + ", ".join(map(str, binding)) + ".")))
    if shadow:
        blocks.append(
            table(
                ["constraint", Column("shadow price (LP relaxation)", True)],
                [[str(k), number(v, 2)] for k, v in shadow.items()],
            )
        )
    return blocks


def _verification(files: RunFiles) -> list[Block]:
    frame = files.verification
    if frame is None:
        return [_note("(verification.csv was not produced: the run was made with --no-verify.)")]
    if frame.empty:
        return [_note("(no verification rounds: there was no plan to verify.)")]
    rows: list[list[Cell]] = []
    classes: list[str] = []
    for _, r in frame.iterrows():
        agrees = str(r.get("agrees")).lower() == "true"
        difference: Any = r.get("difference")
        rows.append(
            [
                str(r.get("round")),
                strong(r.get("tier")),
                pct_estimate(r.get("predicted_service"), r.get("predicted_half_width")),
                pct_estimate(r.get("simulated_service"), r.get("simulated_half_width")),
                signed(100 * float(difference), 1) + " pp" if _finite(difference) else MISSING,
                styled("yes", "good") if agrees else styled("no", "bad"),
                usd(r.get("predicted_cost_per_day_usd")),
                estimate(
                    r.get("simulated_cost_per_day_usd"),
                    r.get("simulated_cost_half_width_usd"),
                    "USD/day",
                ),
            ]
        )
        classes.append("" if agrees else "flag")
    last = frame[frame["round"] == frame["round"].max()] if "round" in frame.columns else frame
    converged = bool(last["agrees"].astype(str).str.lower().eq("true").all())
    rounds = frame["round"].nunique() if "round" in frame.columns else 1
    verdict = (
        f"Converged after {rounds} round(s): in the last round every tier's re-simulated service "
        "lies within the prediction's confidence interval."
        if converged
        else f"Not converged after {rounds} round(s): some tier's re-simulated service differs "
        "from the prediction beyond its confidence interval (shared resources interact); treat "
        "the plan's service levels with care."
    )
    columns: list[Column | str] = [
        Column("round", True),
        "tier",
        Column("predicted ± CI", True),
        Column("simulated ± CI", True),
        Column("difference", True, "simulated − predicted"),
        "within CI",
        Column("cost predicted USD/day", True),
        Column("cost simulated USD/day", True),
    ]
    return [
        Box(rich(verdict), "ok" if converged else "warn"),
        table(
            columns,
            rows,
            row_classes=classes,
            caption="The plan re-simulated as a whole (all tiers sharing the plan's resources) "
            "vs the per-option predictions from the sweep",
        ),
    ]


def _reproduce(files: RunFiles, assumed: AssumedScenario) -> list[Block]:
    overrides = files.plan_overrides
    if not overrides:
        return []
    sets = " ".join(f"--set {k}={short(v).replace(' ', '')}" for k, v in overrides.items())
    return [
        Paragraph(
            rich(
                "The verified plan as scenario overrides (plan_scenario_overrides.json); to "
                "simulate it again:"
            )
        ),
        Preformatted(f"tierwise simulate {assumed.path} {sets}"),
    ]


def _figure(folder: Folder, stem: str, caption: str) -> Block:
    """The run's figure ``stem`` (a PNG), or a note that it was not produced."""
    return figure(folder.figure(stem), caption, f"{stem}.png")


def run_page(
    files: RunFiles, assumed: AssumedScenario, title: str | None, now: dt.datetime
) -> Page:
    """The page of a run folder."""
    s = assumed.scenario
    heading = title or f"Tierwise report — {s.name}"
    replications = files.replications()
    seed = files.seed()
    sweep_params = files.params()
    horizon = sweep_params.get("horizon_days")
    facts: list[tuple[str, Cell]] = [
        ("seed", str(seed if seed is not None else s.seed)),
        (
            "replications",
            f"{replications} per sweep variant" if replications else f"{s.replications}",
        ),
    ]
    if horizon:
        warmup = sweep_params.get("warmup_days", [s.warmup_days])
        facts.append(
            (
                "sweep horizon",
                f"{compact(horizon[0])} d incl. {compact(warmup[0])} d warm-up (scenario: "
                f"{compact(s.horizon_days)} d)",
            )
        )
    facts.append(("service metric", metric_label(files.metric())))
    folder = files.folder
    sections = (
        Section("summary", "Executive summary", tuple(executive_summary(files, s))),
        Section("assumptions", "Assumptions", tuple(assumptions(s))),
        Section(
            "sweep",
            "Sweep",
            (
                Paragraph(
                    rich(
                        "Resource levels simulated to build each tier's cost-versus-service "
                        "curve (variants × replications under common random numbers)."
                    )
                ),
                *_sweep(files, assumed),
            ),
        ),
        Section(
            "curves",
            "Curves per tier",
            (
                _figure(
                    folder,
                    "cost_vs_service",
                    "Cost versus service per tier: every variant with its 95% CIs; the "
                    "noise-aware frontier joined.",
                ),
                _figure(
                    folder,
                    "revenue_cost_profit",
                    "Revenue, cost and profit versus service per tier; the optimum marked.",
                ),
                *_optimum(files),
            ),
        ),
        Section(
            "plan",
            "Chosen plan",
            (
                Paragraph(
                    rich(
                        "One option per tier chosen together (MILP) so that shared resources "
                        "are counted once and the totals are the most profitable."
                    )
                ),
                *_plan(files),
                *_reproduce(files, assumed),
            ),
        ),
        Section("verification", "Verification", tuple(_verification(files))),
        Section(
            "budget",
            "Profit vs budget",
            (
                _figure(
                    folder,
                    "profit_vs_budget",
                    "Best plan profit for a budget ceiling (USD/day): where extra money "
                    "stops paying.",
                ),
            ),
        ),
        Section("definitions", "Metric definitions", tuple(glossary())),
    )
    return Page(
        title=heading,
        lead=s.description or "",
        facts=header_facts("run", files.source, assumed, facts, files.results_file(), now),
        warnings=tuple(assumed.warnings),
        sections=sections,
    )
