"""Targets answered: met or missed, the plans that meet them, their price, what limits them.

A scenario sets service targets per tier (``tiers.<t>.targets.<metric>``). For a plan chosen on
one service metric this module says:

* **met / missed / within noise** for every target of every tier: the plan's value (its
  verification's simulated mean and 95 % interval where the plan was re-simulated, else the
  chosen option's prediction) against the target; *met* when the whole interval lies at or
  above it, *missed* when it lies below, *within noise* when it contains the target
  (:func:`target_verdict`);
* the **cheapest plan meeting every target** on the plan's metric (objective cost, the targets
  as minimum service) and the **most profitable plan meeting them** (objective profit, the same
  minimums), each with every other limit of the run (budget, tier order, floors);
* the **price of the targets**: profit of the profit-optimal plan − profit of the most
  profitable plan meeting the targets, USD/day (what the targets cost in profit);
* for a target no option of the tier reaches, **the lever that limits it**
  (:mod:`tierwise.optimization.planning.limits`): the best service any option reaches and that
  option's levers in words, and each lever's main effect over the tier's options (mean service
  at each of its values, largest spread first), with the levers at the edge of their simulated
  range where the best option sits.

Every solve goes through :func:`tierwise.optimization.milp.solve.solve` (statuses checked, an
infeasible problem explained by its explanation). Nothing here simulates.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from tierwise.common.formatting import pct
from tierwise.optimization.milp.problem import PlanProblem
from tierwise.optimization.milp.result import PlanResult
from tierwise.optimization.milp.solve import solve
from tierwise.optimization.planning.limits import TargetLimit, metric_words, target_limit
from tierwise.simulation.analysis.statistics import Estimate
from tierwise.simulation.scenario.schema import Scenario

__all__ = [
    "PRICE_OF_TARGETS_KEY",
    "TARGETS_KEY",
    "TargetCheck",
    "TargetPlans",
    "TargetsAnswer",
    "Verdict",
    "answer_targets",
    "plans_meeting",
    "scenario_targets",
    "target_checks",
    "target_verdict",
]

logger = logging.getLogger(__name__)

#: Key of ``plan.json`` holding the price of the targets, USD/day: profit of the profit-optimal
#: plan minus that of the most profitable plan meeting every target (absent or ``null`` when no
#: plan meets them).
PRICE_OF_TARGETS_KEY = "price_of_targets_usd_per_day"
#: Key of ``plan.json`` holding :meth:`TargetsAnswer.to_dict`.
TARGETS_KEY = "targets"

Verdict = Literal["met", "missed", "within noise", "not simulated"]


def target_verdict(value: float | None, half_width: float | None, target: float) -> Verdict:
    """``met`` when ``value − half_width ≥ target``, ``missed`` when ``value + half_width <
    target``, ``within noise`` when the interval contains the target; ``not simulated``
    without a value. A missing or non-finite half-width counts as 0."""
    if value is None or not math.isfinite(value):
        return "not simulated"
    width = half_width if half_width is not None and math.isfinite(half_width) else 0.0
    if value - width >= target:
        return "met"
    if value + width < target:
        return "missed"
    return "within noise"


def scenario_targets(scenario: Scenario) -> dict[str, dict[str, float]]:
    """``tier → {metric → target}``: every target the scenario sets (unset ones left out)."""
    return {
        tier: {m: float(v) for m, v in spec.targets.model_dump().items() if v is not None}
        for tier, spec in scenario.tiers.items()
    }


@dataclass(frozen=True)
class TargetCheck:
    """One target of one tier against the plan.

    Attributes
    ----------
    tier, metric : str
        The tier and the registry name of the target's metric (a rate).
    target : float
        The target level (fraction).
    value, half_width : float or None
        The plan's mean and its 95 % CI half-width (fractions); ``None`` when not known.
    basis : {"simulated", "predicted"}
        The plan's verification (re-simulation) or the chosen option's prediction.
    """

    tier: str
    metric: str
    target: float
    value: float | None
    half_width: float | None
    basis: Literal["simulated", "predicted"]

    @property
    def verdict(self) -> Verdict:
        """:func:`target_verdict` of the plan's value."""
        return target_verdict(self.value, self.half_width, self.target)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able, with the verdict."""
        return {
            "tier": self.tier,
            "metric": self.metric,
            "target": self.target,
            "value": self.value,
            "half_width": self.half_width,
            "basis": self.basis,
            "verdict": self.verdict,
        }


def target_checks(
    targets: Mapping[str, Mapping[str, float]],
    plan: PlanResult,
    metric: str,
    simulated: Mapping[str, Estimate] | None = None,
) -> list[TargetCheck]:
    """Every target against ``plan``.

    Parameters
    ----------
    targets : mapping
        ``tier → {metric → target}`` (:func:`scenario_targets`).
    plan : PlanResult
        The chosen plan.
    metric : str
        The plan's service metric (its options' ``service_level``).
    simulated : mapping, optional
        Flat estimates of the plan's re-simulation (``"A.on_time_rate" → Estimate``); used for
        every metric they hold. Without them, a target on ``metric`` is judged on the chosen
        option's prediction and the other targets are ``not simulated``.
    """
    checks: list[TargetCheck] = []
    for tier, wanted in targets.items():
        for name, level in wanted.items():
            found = (simulated or {}).get(f"{tier}.{name}")
            if found is not None and math.isfinite(found.mean):
                hw = found.half_width if math.isfinite(found.half_width) else None
                checks.append(TargetCheck(tier, name, level, found.mean, hw, "simulated"))
                continue
            option = plan.chosen.get(tier)
            if name == metric and option is not None:
                checks.append(
                    TargetCheck(
                        tier,
                        name,
                        level,
                        option.service_level,
                        option.service_half_width,
                        "predicted",
                    )
                )
            else:
                checks.append(TargetCheck(tier, name, level, None, None, "predicted"))
    return checks


@dataclass(frozen=True)
class TargetPlans:
    """The plans meeting a set of minimum service levels.

    Attributes
    ----------
    targets : Mapping[str, float]
        ``tier → minimum service`` asked (fractions; the run's own floors included).
    cheapest : PlanResult
        Least cost plan meeting them (objective cost); its explanation when infeasible.
    best : PlanResult or None
        Most profitable plan meeting them (objective profit); ``None`` when ``cheapest`` found
        no plan (the same constraints).
    """

    targets: Mapping[str, float]
    cheapest: PlanResult
    best: PlanResult | None = None

    @property
    def has_plan(self) -> bool:
        """Whether a plan meets the targets."""
        return self.best is not None and self.best.has_plan

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary of both plans (totals, service per tier, status, message)."""
        return {
            "targets": dict(self.targets),
            "cheapest": _plan_summary(self.cheapest),
            "most_profitable": None if self.best is None else _plan_summary(self.best),
        }


def _plan_summary(plan: PlanResult) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "status": plan.status.value,
        "message": plan.message,
        "cost_per_day_usd": plan.total_cost_per_day_usd,
        "revenue_per_day_usd": plan.total_revenue_per_day_usd,
        "profit_per_day_usd": plan.total_profit_per_day_usd,
        "service": plan.service_by_tier,
        "chosen": {t: o.option_id for t, o in plan.chosen.items()},
    }
    if plan.explanation is not None:
        summary["explanation"] = plan.explanation.messages()
    return summary


def plans_meeting(
    problem: PlanProblem,
    targets: Mapping[str, float],
    solver: str = "cbc",
    time_limit_s: float = 30.0,
) -> TargetPlans:
    """The cheapest and the most profitable plan of ``problem`` meeting ``targets``.

    Each tier's minimum is the larger of its target and the problem's own floor; every other
    limit of ``problem`` (budget, tier order, cost per order) holds. An infeasible problem is
    explained once (the cheapest plan's solve); the most profitable is then not solved.
    """
    floors = dict(problem.min_service)
    for tier, level in targets.items():
        if tier in problem.tiers:
            floors[tier] = max(level, floors.get(tier, 0.0))
    constrained = replace(problem, min_service=floors)
    cheapest = solve(
        replace(constrained, objective="cost"), solver=solver, time_limit_s=time_limit_s
    )
    if not cheapest.has_plan:
        logger.info("no plan meets the targets: %s", cheapest.message)
        return TargetPlans(floors, cheapest, None)
    best = solve(
        replace(constrained, objective="profit"),
        solver=solver,
        time_limit_s=time_limit_s,
        explain=False,
    )
    return TargetPlans(floors, cheapest, best)


@dataclass(frozen=True)
class TargetsAnswer:
    """Targets answered for one plan.

    Attributes
    ----------
    metric : str
        The plan's service metric (the targets the plans are solved for).
    checks : tuple of TargetCheck
        Every target of every tier against the plan.
    optimal : PlanResult
        The profit-optimal plan without the targets (the run's other limits hold).
    meeting : TargetPlans
        The plans meeting every target on ``metric``.
    limits : Mapping[str, TargetLimit]
        ``tier → what limits it``, for the targets on ``metric`` no option reaches.
    reachable : TargetPlans or None
        When some target is out of reach: the plans meeting the reachable ones only.
    """

    metric: str
    checks: tuple[TargetCheck, ...]
    optimal: PlanResult
    meeting: TargetPlans
    limits: Mapping[str, TargetLimit] = field(default_factory=dict)
    reachable: TargetPlans | None = None

    @staticmethod
    def _price(optimal: PlanResult, plans: TargetPlans | None) -> float | None:
        if plans is None or plans.best is None or not (optimal.has_plan and plans.has_plan):
            return None
        profit, constrained = (
            optimal.total_profit_per_day_usd,
            plans.best.total_profit_per_day_usd,
        )
        if profit is None or constrained is None:
            return None
        return max(profit - constrained, 0.0)

    @property
    def price_usd_per_day(self) -> float | None:
        """Profit of :attr:`optimal` − profit of the most profitable plan meeting every target
        on :attr:`metric`, USD/day (never below 0: the optimum is a relaxation); ``None`` when
        no plan meets them."""
        return self._price(self.optimal, self.meeting)

    @property
    def price_of_reachable_usd_per_day(self) -> float | None:
        """The same price for the reachable targets only (``None`` when every target is
        reachable, or none is)."""
        return self._price(self.optimal, self.reachable)

    def _cheapest(self, plans: TargetPlans) -> str:
        """``" (the cheapest plan meeting them costs $16,645/day, the profit-optimal plan
        $17,487/day)"``; ``""`` when either cost is unknown."""
        cheapest = plans.cheapest.total_cost_per_day_usd if plans.cheapest.has_plan else None
        optimal = self.optimal.total_cost_per_day_usd if self.optimal.has_plan else None
        if cheapest is None or optimal is None:
            return ""
        return (
            f" (the cheapest plan meeting them costs ${cheapest:,.0f}/day, the profit-optimal "
            f"plan ${optimal:,.0f}/day)"
        )

    def messages(self) -> list[str]:
        """The answer as sentences: unmet targets, the price, what limits a target."""
        out: list[str] = []
        missed = [c for c in self.checks if c.verdict in ("missed", "within noise")]
        met = sum(c.verdict == "met" for c in self.checks)
        out.append(
            f"{met} of {len(self.checks)} targets met"
            + (
                "; "
                + ", ".join(
                    f"{c.tier} {metric_words(c.metric)} {pct(c.value)} vs {pct(c.target)} "
                    f"({c.verdict})"
                    for c in missed
                )
                if missed
                else ""
            )
            + "."
        )
        price = self.price_usd_per_day
        what = metric_words(self.metric)
        if price is not None:
            out.append(
                f"Meeting every {what} target costs ${price:,.0f}/day of profit"
                f"{self._cheapest(self.meeting)}."
            )
        else:
            out.append(f"No simulated plan meets every {what} target.")
            if self.reachable is not None and self.price_of_reachable_usd_per_day is not None:
                out.append(
                    "Meeting the reachable ones costs "
                    f"${self.price_of_reachable_usd_per_day:,.0f}/day of profit"
                    f"{self._cheapest(self.reachable)}."
                )
        out += [limit.message() for limit in self.limits.values()]
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-able: per tier its checks (and limit), the plans meeting the targets, prices."""
        tiers: dict[str, dict[str, Any]] = {}
        for check in self.checks:
            entry = tiers.setdefault(check.tier, {"checks": []})
            entry["checks"].append(check.to_dict())
        for tier, limit in self.limits.items():
            tiers.setdefault(tier, {"checks": []})["limit"] = limit.to_dict()
        return {
            "metric": self.metric,
            "tiers": tiers,
            "meeting_all": self.meeting.to_dict(),
            "meeting_reachable": None if self.reachable is None else self.reachable.to_dict(),
            PRICE_OF_TARGETS_KEY: self.price_usd_per_day,
            "price_of_reachable_targets_usd_per_day": self.price_of_reachable_usd_per_day,
            "messages": self.messages(),
        }


def answer_targets(
    problem: PlanProblem,
    targets: Mapping[str, Mapping[str, float]],
    plan: PlanResult,
    simulated: Mapping[str, Estimate] | None = None,
    base_values: Mapping[str, Any] | None = None,
    solver: str = "cbc",
    time_limit_s: float = 30.0,
) -> TargetsAnswer:
    """Targets answered for ``plan``, a plan of ``problem``.

    Parameters
    ----------
    problem : PlanProblem
        The problem the plan was solved on (after verification: its corrected problem); its
        service metric is ``problem.metric_name`` of the first tier.
    targets : mapping
        ``tier → {metric → target}`` (:func:`scenario_targets`).
    plan : PlanResult
        The recommended plan (judged against every target).
    simulated : mapping, optional
        Flat estimates of the plan's re-simulation (see :func:`target_checks`).
    base_values : mapping, optional
        The scenario's value of each lever (for the words of a limiting option).
    solver, time_limit_s
        As :func:`~tierwise.optimization.milp.solve.solve`.
    """
    metric = problem.metric_name(problem.tiers[0])
    on_metric = {t: w[metric] for t, w in targets.items() if metric in w and t in problem.tiers}
    checks = tuple(target_checks(targets, plan, metric, simulated))
    optimal = solve(replace(problem, objective="profit"), solver=solver, time_limit_s=time_limit_s)
    meeting = plans_meeting(problem, on_metric, solver, time_limit_s)
    limits: dict[str, TargetLimit] = {}
    for tier, level in on_metric.items():
        limit = target_limit(problem, tier, level, base_values)
        if limit is not None:
            limits[tier] = limit
    reachable = None
    if limits and len(limits) < len(on_metric):
        kept = {t: v for t, v in on_metric.items() if t not in limits}
        reachable = plans_meeting(problem, kept, solver, time_limit_s)
    return TargetsAnswer(metric, checks, optimal, meeting, limits, reachable)
