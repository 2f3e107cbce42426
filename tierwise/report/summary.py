"""What the executive summary of a run says, as numbers: the plan per tier, the scenario as
given (today) against the plan, targets met or missed, and the levers that matter most.

Everything is read from the run folder's files; nothing is simulated here.

* **Plan per tier**: the chosen option's decisions (``plan.json``: each option's ``params``,
  else its ``resources``).
* **Today versus plan**: the run's baseline comparison (``Kind.BASELINE_COMPARISON``: paired
  common-random-number differences per tier) when the run wrote one; else the sweep variant
  whose decisions equal the scenario as given, if the sweep simulated it (the same sweep, so
  the same random numbers, but no paired interval); else nothing.
* **Targets**: every ``tiers.<T>.targets`` value of the scenario against the chosen option's
  simulated mean ± 95 % CI (the option's rows of the sweep table), and the run's
  ``--min-service`` floors as the verification checked them.
* **Levers that matter most**: per swept lever, the spread of the mean total profit over its
  values (the main effect, each value's mean over every other lever's values), largest first.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from tierwise.optimization.economics.tiers import TierResponse
from tierwise.optimization.planning.racing import replication_profit
from tierwise.optimization.planning.targets import TARGETS_KEY, Verdict, target_verdict
from tierwise.optimization.planning.words import is_decision
from tierwise.report.sources import RunFiles
from tierwise.simulation.analysis.statistics import student_t_half_width
from tierwise.simulation.scenario.overrides import lookup_path
from tierwise.simulation.scenario.schema import Scenario

__all__ = [
    "BaselineRow",
    "LeverEffect",
    "TargetCheck",
    "baseline_rows",
    "lever_effects",
    "plan_decisions",
    "target_checks",
]

_PREFIX = "param."


def _finite(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _minus(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def plan_decisions(plan: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``tier → {field path → value}``: each tier's chosen option's decisions.

    Simulation settings (horizon, warm-up …) are left out; an option without ``params``
    falls back on its ``resources``.
    """
    chosen: Mapping[str, Any] = plan.get("chosen") or {}
    result: dict[str, dict[str, Any]] = {}
    for tier, option in chosen.items():
        params = option.get("params") or option.get("resources") or {}
        result[str(tier)] = {
            str(k).removeprefix(_PREFIX): v for k, v in params.items() if is_decision(str(k))
        }
    return result


@dataclass(frozen=True)
class BaselineRow:
    """One metric of one scope (a tier or ``total``): today, with the plan, the change.

    Attributes
    ----------
    scope : str
        Tier name or ``"total"``.
    metric : str
        Registry name (a service rate or a USD/day metric).
    today, plan, difference : float or None
        The scenario as given, the plan, plan − today (unit of the metric).
    half_width : float or None
        95 % CI half-width of the difference (paired, common random numbers); ``None`` when
        not measured paired.
    p_value : float or None
        Two-sided p-value of the difference, when recorded.
    """

    scope: str
    metric: str
    today: float | None
    plan: float | None
    difference: float | None
    half_width: float | None = None
    p_value: float | None = None


BaselineSource = Literal["paired", "sweep", "none"]


def _rows_from_artifact(frame: pd.DataFrame) -> list[BaselineRow]:
    today = "today" if "today" in frame.columns else "baseline"
    rows: list[BaselineRow] = []
    for record in frame.to_dict("records"):
        base, plan = _finite(record.get(today)), _finite(record.get("plan"))
        difference = _finite(record.get("difference"))
        if difference is None and base is not None and plan is not None:
            difference = plan - base
        rows.append(
            BaselineRow(
                scope=str(record.get("scope", record.get("tier", ""))),
                metric=str(record.get("metric", "")),
                today=base,
                plan=plan,
                difference=difference,
                half_width=_finite(record.get("half_width")),
                p_value=_finite(record.get("p_value")),
            )
        )
    return rows


def _variant_as_given(files: RunFiles, scenario: Scenario) -> str | None:
    """The sweep variant whose swept decisions all equal the scenario's own values."""
    sweep = files.sweep
    if sweep is None or sweep.empty or "variant_id" not in sweep.columns:
        return None
    document = scenario.model_dump(mode="json")
    columns = [c for c in sweep.columns if str(c).startswith(_PREFIX) and is_decision(str(c))]
    if not columns:
        return None
    variants = sweep.drop_duplicates("variant_id")
    for _, row in variants.iterrows():
        if all(_same(row[c], lookup_path(document, str(c).removeprefix(_PREFIX))) for c in columns):
            return str(row["variant_id"])
    return None


def _same(a: Any, b: Any) -> bool:
    x, y = _finite(a), _finite(b)
    if x is not None and y is not None:
        return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)
    return str(a) == str(b)


def _variant_means(
    sweep: pd.DataFrame, variant: str, responses: Mapping[str, TierResponse]
) -> dict[str, dict[str, float]]:
    rows = sweep[sweep["variant_id"].astype(str) == variant]
    result: dict[str, dict[str, float]] = {}
    for tier, response in responses.items():
        service = f"{tier}.{response.service_metric}"
        cost = f"{tier}.cost_per_day_usd"
        if service not in rows.columns or cost not in rows.columns:
            continue
        revenue = [
            response.revenue_of({response.service_metric: s}) for s in rows[service].astype(float)
        ]
        result[tier] = {
            response.service_metric: float(rows[service].mean()),
            "cost_per_day_usd": float(rows[cost].mean()),
            "revenue_per_day_usd": float(pd.Series(revenue).mean()),
        }
        result[tier]["profit_per_day_usd"] = (
            result[tier]["revenue_per_day_usd"] - result[tier]["cost_per_day_usd"]
        )
    return result


def _plan_values(plan: Mapping[str, Any], metric: str) -> dict[str, dict[str, float | None]]:
    chosen: Mapping[str, Any] = plan.get("chosen") or {}
    values: dict[str, dict[str, float | None]] = {}
    for tier, option in chosen.items():
        revenue = _finite(option.get("revenue_per_day_usd"))
        cost = _finite(option.get("cost_per_day_usd"))
        values[str(tier)] = {
            metric: _finite(option.get("service_level")),
            "cost_per_day_usd": cost,
            "revenue_per_day_usd": revenue,
            "profit_per_day_usd": None if revenue is None or cost is None else revenue - cost,
        }
    values["total"] = {
        "cost_per_day_usd": _finite(plan.get("total_cost_per_day_usd")),
        "revenue_per_day_usd": _finite(plan.get("total_revenue_per_day_usd")),
        "profit_per_day_usd": _finite(plan.get("total_profit_per_day_usd")),
    }
    return values


def baseline_rows(
    files: RunFiles, scenario: Scenario, responses: Mapping[str, TierResponse]
) -> tuple[BaselineSource, list[BaselineRow]]:
    """Today (the scenario as given) against the plan, per tier and in total.

    Returns
    -------
    tuple
        ``("paired", rows)`` from the run's baseline comparison; ``("sweep", rows)`` from
        the sweep variant that is the scenario as given (no interval); ``("none", [])``
        when the run has neither (or no plan).
    """
    if files.baseline is not None and not files.baseline.empty:
        return "paired", _rows_from_artifact(files.baseline)
    plan = files.plan
    if plan is None or files.sweep is None or not responses:
        return "none", []
    variant = _variant_as_given(files, scenario)
    if variant is None:
        return "none", []
    today = _variant_means(files.sweep, variant, responses)
    metric = files.metric()
    planned = _plan_values(plan, metric)
    rows: list[BaselineRow] = []
    totals: dict[str, float] = {}
    for tier, values in today.items():
        for name in (metric, "cost_per_day_usd", "revenue_per_day_usd", "profit_per_day_usd"):
            base = values.get(name)
            after = planned.get(tier, {}).get(name)
            if name != metric and base is not None:
                totals[name] = totals.get(name, 0.0) + base
            rows.append(BaselineRow(tier, name, base, after, _minus(after, base)))
    if "total.cost_per_day_usd" in files.sweep.columns:
        chosen = files.sweep[files.sweep["variant_id"].astype(str) == variant]
        shared = float(chosen["total.cost_per_day_usd"].mean())
        totals["profit_per_day_usd"] += totals["cost_per_day_usd"] - shared
        totals["cost_per_day_usd"] = shared
    for name, base in totals.items():
        after = planned["total"].get(name)
        rows.append(BaselineRow("total", name, base, after, _minus(after, base)))
    return "sweep", rows


@dataclass(frozen=True)
class TargetCheck:
    """One target of one tier against the plan's simulated value.

    Attributes
    ----------
    tier, metric : str
        The tier and the registry name of the target's metric.
    target : float
        The target level (a rate).
    value, half_width : float or None
        The plan's simulated mean and its 95 % CI half-width (``None``: not simulated).
    source : str
        ``"scenario"`` (``tiers.<T>.targets``) or ``"--min-service"``.
    """

    tier: str
    metric: str
    target: float
    value: float | None
    half_width: float | None
    source: str

    @property
    def verdict(self) -> Verdict:
        """``met`` (the CI lies at or above the target), ``missed`` (below), ``within noise``
        (the CI contains it): :func:`~tierwise.optimization.planning.targets.target_verdict`."""
        return target_verdict(self.value, self.half_width, self.target)


def _answered_checks(plan: Mapping[str, Any]) -> list[TargetCheck] | None:
    """The scenario targets as the run answered them (``plan.json``'s targets block: the
    verification's simulated values); ``None`` when the run wrote no such block."""
    block = plan.get(TARGETS_KEY)
    if not isinstance(block, Mapping) or not isinstance(block.get("tiers"), Mapping):
        return None
    checks: list[TargetCheck] = []
    for tier, entry in block["tiers"].items():
        for record in entry.get("checks", []) if isinstance(entry, Mapping) else []:
            target = _finite(record.get("target"))
            if target is None:
                continue
            checks.append(
                TargetCheck(
                    str(tier),
                    str(record.get("metric", "")),
                    target,
                    _finite(record.get("value")),
                    _finite(record.get("half_width")),
                    "scenario",
                )
            )
    return checks


def target_checks(files: RunFiles, scenario: Scenario) -> list[TargetCheck]:
    """Every scenario target and ``--min-service`` floor against the chosen plan: as the run
    answered them when ``plan.json`` has its targets block, else from the chosen option's rows
    of the sweep table."""
    plan = files.plan or {}
    answered = _answered_checks(plan)
    if answered is not None:
        return answered + _floor_checks(files)
    chosen: Mapping[str, Any] = plan.get("chosen") or {}
    sweep = files.sweep
    checks: list[TargetCheck] = []
    for tier, spec in scenario.tiers.items():
        option = chosen.get(tier)
        rows = None
        if option is not None and sweep is not None and "variant_id" in sweep.columns:
            rows = sweep[sweep["variant_id"].astype(str) == str(option.get("option_id"))]
        for metric, target in spec.targets.model_dump().items():
            if target is None:
                continue
            column = f"{tier}.{metric}"
            value = width = None
            if rows is not None and not rows.empty and column in rows.columns:
                values = rows[column].astype(float).dropna()
                if len(values):
                    value = float(values.mean())
                    width = float(student_t_half_width(values)) if len(values) > 1 else None
            checks.append(TargetCheck(tier, metric, float(target), value, width, "scenario"))
    checks += _floor_checks(files)
    return checks


def _floor_checks(files: RunFiles) -> list[TargetCheck]:
    """The ``--min-service`` floors as the last verification round re-simulated them."""
    frame = files.verification
    if frame is None or frame.empty or "minimum_service" not in frame.columns:
        return []
    last = frame[frame["round"] == frame["round"].max()] if "round" in frame.columns else frame
    metric = files.metric()
    checks: list[TargetCheck] = []
    for record in last.to_dict("records"):
        floor = _finite(record.get("minimum_service"))
        if floor is None:
            continue
        checks.append(
            TargetCheck(
                str(record.get("tier")),
                metric,
                floor,
                _finite(record.get("simulated_service")),
                _finite(record.get("simulated_half_width")),
                "--min-service",
            )
        )
    return checks


@dataclass(frozen=True)
class LeverEffect:
    """How much one swept lever moves the total profit.

    Attributes
    ----------
    path : str
        The lever's scenario field.
    values : tuple
        Its swept values, sorted.
    best_value : Any
        The value with the highest mean profit.
    spread_usd : float
        Highest minus lowest mean total profit over its values, USD/day.
    """

    path: str
    values: tuple[Any, ...]
    best_value: Any
    spread_usd: float


def _variant_profit(sweep: pd.DataFrame, responses: Mapping[str, TierResponse]) -> pd.Series:
    """Mean total profit (USD/day) per variant over its replications: Σ tier revenue − Σ tier
    cost, by the one rule the main job ranks candidates with
    (:func:`tierwise.optimization.planning.racing.replication_profit`). Empty when the tiers'
    responses read different metrics or a tier's metric is not in the table."""
    metrics = {r.service_metric for r in responses.values()}
    if len(metrics) != 1:
        return pd.Series(dtype=float)
    metric = metrics.pop()
    if any(f"{tier}.{metric}" not in sweep.columns for tier in responses):
        return pd.Series(dtype=float)
    return replication_profit(sweep, responses, metric).mean(axis=1)


def lever_effects(
    files: RunFiles, responses: Mapping[str, TierResponse], top: int | None = 3
) -> list[LeverEffect]:
    """The swept levers ranked by their main effect on total profit, largest first.

    Parameters
    ----------
    files : RunFiles
        The run; its sweep table is used.
    responses : mapping
        Revenue response per tier (:func:`tierwise.optimization.economics.tiers.tier_responses`).
    top : int, optional
        How many to return (default 3; ``None`` for all).
    """
    sweep = files.sweep
    if sweep is None or sweep.empty or not responses:
        return []
    if "error" in sweep.columns:
        sweep = sweep[sweep["error"].isna() | (sweep["error"].astype(str) == "")]
    profit = _variant_profit(sweep, responses)
    if profit.empty:
        return []
    variants = sweep.drop_duplicates("variant_id").set_index("variant_id")
    effects: list[LeverEffect] = []
    for column in variants.columns:
        path = str(column).removeprefix(_PREFIX)
        if not str(column).startswith(_PREFIX) or not is_decision(path):
            continue
        levels = variants[column]
        if levels.dropna().nunique() < 2:
            continue
        means = profit.groupby(levels.reindex(profit.index).astype(str)).mean()
        order = sorted(levels.dropna().unique(), key=lambda v: (str(type(v)), v))
        best_text = str(means.idxmax())
        best = next((v for v in order if str(v) == best_text), best_text)
        effects.append(
            LeverEffect(
                path,
                tuple(_python(v) for v in order),
                _python(best),
                float(means.max() - means.min()),
            )
        )
    effects.sort(key=lambda e: -e.spread_usd)
    return effects if top is None else effects[:top]


def _python(value: Any) -> Any:
    item = getattr(value, "item", None)
    return item() if callable(item) else value
