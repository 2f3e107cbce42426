"""The executive summary of a run's report: the plan per tier in words, profit and cost
against the scenario as given, targets met or missed, the price of the targets, and the three
levers that matter most (the numbers come from :mod:`tierwise.report.summary`)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from tierwise.common.formatting import (
    MISSING,
    compact,
    level,
    p_value,
    pct,
    pct_estimate,
    signed,
    usd,
)
from tierwise.optimization.economics.tiers import TierResponse, tier_responses
from tierwise.optimization.planning.targets import PRICE_OF_TARGETS_KEY, TARGETS_KEY
from tierwise.optimization.planning.tier_ranking import TIER_RANKING_KEY
from tierwise.optimization.planning.words import (
    IN_WORDS_KEY,
    decision_phrase,
    decisions_in_words,
    parameter_name,
)
from tierwise.report.blocks import (
    Block,
    Box,
    BulletList,
    Cell,
    Column,
    Heading,
    Paragraph,
    rich,
    strong,
    styled,
    table,
)
from tierwise.report.context_common import metric_label
from tierwise.report.sources import RunFiles
from tierwise.report.summary import (
    BaselineRow,
    baseline_rows,
    lever_effects,
    plan_decisions,
    target_checks,
)
from tierwise.simulation.metrics import METRICS
from tierwise.simulation.scenario.errors import ScenarioError
from tierwise.simulation.scenario.overrides import lookup_path
from tierwise.simulation.scenario.schema import Scenario

__all__ = ["executive_summary"]

logger = logging.getLogger(__name__)

_HAS_PLAN = ("optimal", "feasible_not_proven")


def _unit(metric: str) -> str:
    found = METRICS.get(metric)
    if found is not None:
        return found.unit
    return "USD/day" if metric.endswith("_usd") else ""


def _change(row: BaselineRow) -> str:
    """``+1.2 pp ± 0.4`` / ``+$1,234 ± 210``: the plan's change, with its paired CI."""
    if row.difference is None:
        return MISSING
    rate = _unit(row.metric) == "rate"
    if rate:
        text = signed(100 * row.difference, 1) + " pp"
        if row.half_width is not None:
            text += f" ± {100 * row.half_width:.1f}"
        return text
    sign = "+" if row.difference > 0.5 else ""
    text = sign + usd(row.difference)
    if row.half_width is not None:
        text += f" ± {usd(row.half_width)}"
    return text


def _responses(scenario: Scenario, metric: str) -> dict[str, TierResponse]:
    try:
        return dict(tier_responses(scenario, metric))
    except (ScenarioError, ValueError) as exc:
        logger.info("no revenue responses for the summary: %s", exc)
        return {}


def _headline(plan: Mapping[str, Any]) -> Box:
    status = str(plan.get("status", "?"))
    if status not in _HAS_PLAN:
        return Box(
            rich(
                strong("No plan: "),
                str(plan.get("message") or "the optimiser found no plan meeting the limits"),
                ". See the plan section below for why.",
            ),
            "alert",
        )
    return Box(
        rich(
            strong("Recommended plan: "),
            f"profit {usd(plan.get('total_profit_per_day_usd'))}/day, cost "
            f"{usd(plan.get('total_cost_per_day_usd'))}/day, revenue "
            f"{usd(plan.get('total_revenue_per_day_usd'))}/day",
            "" if status == "optimal" else " (best plan found, optimality not proven)",
            ".",
        ),
        "ok" if status == "optimal" else "warn",
    )


def _plan_words(files: RunFiles) -> list[Block]:
    plan = files.plan or {}
    decisions = plan_decisions(plan)
    chosen: Mapping[str, Any] = plan.get("chosen") or {}
    metric = metric_label(files.metric()).lower()
    # the run's own words (changes against the scenario flagged), else each option's decisions
    block = plan.get(IN_WORDS_KEY)
    said: Mapping[str, Any] = block if isinstance(block, Mapping) else {}
    own: Mapping[str, Any] = said.get("by_tier") or {}
    items = []
    for tier, params in decisions.items():
        option = chosen.get(tier, {})
        words = (own.get(tier) if said else decisions_in_words(params)) or (
            "as the scenario gives it"
        )
        service = pct_estimate(option.get("service_level"), option.get("service_half_width"))
        revenue, cost = option.get("revenue_per_day_usd"), option.get("cost_per_day_usd")
        try:
            profit = usd(float(revenue) - float(cost))
        except (TypeError, ValueError):
            profit = MISSING
        items.append(
            rich(
                strong(f"Tier {tier}: "),
                words,
                styled(f" — {metric} {service}, profit {profit}/day", "note"),
            )
        )
    return [BulletList(tuple(items), "plan")] if items else []


def _today_in_words(scenario: Scenario, files: RunFiles) -> str:
    """The scenario's own values of the levers the plan decides."""
    document = scenario.model_dump(mode="json")
    paths: dict[str, None] = {}
    for params in plan_decisions(files.plan or {}).values():
        paths.update(dict.fromkeys(params))
    phrases = [
        decision_phrase(path, value)
        for path in paths
        if (value := lookup_path(document, path)) is not None
    ]
    return ", ".join(phrases)


def _baseline(files: RunFiles, scenario: Scenario, responses: Mapping[str, TierResponse]) -> list:
    source, rows = baseline_rows(files, scenario, responses)
    today = _today_in_words(scenario, files)
    blocks: list[Block] = [Heading("Today versus the plan")]
    if today:
        blocks.append(Paragraph(rich(strong("Today "), "(the scenario as given): ", today, ".")))
    if source == "none":
        blocks.append(
            Paragraph(
                rich(
                    "This run did not simulate the scenario as given (its values are not among "
                    "the swept variants and no baseline comparison was written), so the "
                    "report cannot say by how much the plan changes profit and cost."
                ),
                "note",
            )
        )
        return blocks
    order = {"profit_per_day_usd": 0, "cost_per_day_usd": 1, "revenue_per_day_usd": 2}
    rows = sorted(
        rows, key=lambda r: (r.scope != "total", r.scope, order.get(r.metric, -1), r.metric)
    )
    paired = source == "paired"
    body: list[list[Cell]] = []
    for row in rows:
        unit = _unit(row.metric)
        cells: list[Cell] = [
            strong("all tiers" if row.scope == "total" else f"Tier {row.scope}"),
            metric_label(row.metric),
            level(row.today, unit),
            level(row.plan, unit),
            _change(row),
        ]
        if paired:
            cells.append(p_value(row.p_value))
        body.append(cells)
    columns: list[Column | str] = [
        "",
        "measure",
        Column("today", True),
        Column("with the plan", True),
        Column("change" + (" ± 95% CI" if paired else ""), True),
    ]
    if paired:
        columns.append(Column("p-value", True))
    caption = (
        "Plan versus the scenario as given, simulated with the same random numbers (paired "
        "differences under common random numbers)"
        if paired
        else "Plan versus the scenario as given: today from the sweep's variant with the "
        "scenario's own values (same random numbers, no paired interval), the plan as predicted"
    )
    blocks.append(table(columns, body, caption=caption, css="compact"))
    return blocks


def _targets(files: RunFiles, scenario: Scenario) -> list[Block]:
    checks = target_checks(files, scenario)
    blocks: list[Block] = [Heading("Targets")]
    if not checks:
        blocks.append(Paragraph(rich("The scenario sets no service targets."), "note"))
    else:
        styles = {"met": "good", "missed": "bad", "within noise": "sig", "not simulated": "note"}
        body: list[list[Cell]] = [
            [
                strong(f"Tier {c.tier}"),
                metric_label(c.metric),
                pct(c.target),
                pct_estimate(c.value, c.half_width),
                styled(c.verdict, styles[c.verdict]),
                "scenario" if c.source == "scenario" else c.source,
            ]
            for c in checks
        ]
        met = sum(c.verdict == "met" for c in checks)
        missed = sum(c.verdict == "missed" for c in checks)
        blocks.append(
            table(
                [
                    "",
                    "target",
                    Column("level", True),
                    Column("plan ± 95% CI", True),
                    "verdict",
                    "set by",
                ],
                body,
                caption=f"{met} of {len(checks)} targets met, {missed} missed; "
                "“within noise”: the interval contains the target",
                css="compact",
            )
        )
    plan = files.plan or {}
    price = plan.get(PRICE_OF_TARGETS_KEY)
    answered = plan.get(TARGETS_KEY)
    if isinstance(price, int | float):
        blocks.append(
            Paragraph(
                rich(
                    strong("Price of the targets: "),
                    f"{usd(price)}/day of profit (the most profitable plan against the "
                    "most profitable plan that meets every target).",
                )
            )
        )
    if isinstance(answered, Mapping):
        # the run's own sentences: what no plan reaches, which lever limits it, the price of
        # the reachable targets
        said = [str(m) for m in answered.get("messages", [])[1:]]
        if said:
            blocks.append(BulletList(tuple(rich(m) for m in said)))
    elif checks and not isinstance(price, int | float):
        blocks.append(
            Paragraph(
                rich("The price of the targets was not computed by this run."),
                "note",
            )
        )
    return blocks


def _tier_ranking(files: RunFiles) -> list[Block]:
    """Whether the most valuable tier is served best, in the run's own sentences."""
    answer = (files.plan or {}).get(TIER_RANKING_KEY)
    if not isinstance(answer, Mapping) or not answer.get("messages"):
        return []
    said = [str(m) for m in answer["messages"]]
    return [
        Heading("Is the most valuable tier served best?"),
        BulletList(tuple(rich(m) for m in said)),
    ]


def _levers(files: RunFiles, responses: Mapping[str, TierResponse]) -> list[Block]:
    effects = lever_effects(files, responses)
    blocks: list[Block] = [Heading("The levers that matter most")]
    if not effects:
        blocks.append(
            Paragraph(rich("The sweep varied no lever with a profit to compare."), "note")
        )
        return blocks
    items = []
    for effect in effects:
        shown = ", ".join(
            compact(v) if isinstance(v, int | float) else str(v) for v in effect.values
        )
        items.append(
            rich(
                strong(parameter_name(effect.path).capitalize()),
                f" (tried {shown}): the mean profit moves by {usd(effect.spread_usd)}/day; "
                f"highest on average with {decision_phrase(effect.path, effect.best_value)}.",
            )
        )
    blocks.append(BulletList(tuple(items)))
    blocks.append(
        Paragraph(
            rich(
                "Ranked by how far the mean total profit of the sweep's variants moves between "
                "the lever's values (each value averaged over every other lever's values)."
            ),
            "note",
        )
    )
    return blocks


def executive_summary(files: RunFiles, scenario: Scenario) -> list[Block]:
    """The blocks of the executive summary, plan first."""
    plan = files.plan
    if plan is None:
        return [
            Box(
                rich("The run stopped before the plan: there is nothing to recommend yet."), "alert"
            )
        ]
    responses = _responses(scenario, files.metric())
    blocks: list[Block] = [_headline(plan)]
    if str(plan.get("status")) in _HAS_PLAN:
        blocks += _plan_words(files)
        blocks += _baseline(files, scenario, responses)
        blocks += _targets(files, scenario)
        blocks += _tier_ranking(files)
    blocks += _levers(files, responses)
    return blocks
