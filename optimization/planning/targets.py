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
  (:func:`target_limit`): the best service any option reaches and that option's levers in
  words, and each lever's main effect over the tier's options (mean service at each of its
  values, largest spread first), with the levers at the edge of their simulated range where
  the best option sits.

Every solve goes through :func:`tierwise.optimization.milp.solve.solve` (statuses checked, an
infeasible problem explained by its explanation). Nothing here simulates.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from tierwise.common.formatting import pct
from tierwise.optimization.milp.problem import PlanProblem, TierOption
from tierwise.optimization.milp.result import PlanResult
from tierwise.optimization.milp.solve import solve
from tierwise.optimization.planning.words import (
    decision_phrase,
    decisions_in_words,
    is_decision,
    parameter_name,
    same_value,
    value_in_words,
)
from tierwise.simulation.analysis.statistics import Estimate
from tierwise.simulation.metrics import METRICS
from tierwise.simulation.scenario.schema import Scenario

__all__ = [
    "PRICE_OF_TARGETS_KEY",
    "TARGETS_KEY",
    "LeverServiceEffect",
    "TargetCheck",
    "TargetLimit",
    "TargetPlans",
    "TargetsAnswer",
    "Verdict",
    "answer_targets",
    "lever_service_effects",
    "plans_meeting",
    "scenario_targets",
    "target_checks",
    "target_limit",
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


def _label(metric: str) -> str:
    found = METRICS.get(metric)
    return found.label.lower() if found is not None else metric.replace("_", " ")


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
class LeverServiceEffect:
    """How one lever moves a tier's service over the tier's options (a main effect).

    Attributes
    ----------
    path : str
        The lever's scenario field.
    mean_service : tuple of (value, float)
        Each value the options took, with the mean service of the options at that value, in
        the order of the values (numbers ascending).
    best_value : Any
        The lever's value in the tier's best option.
    edge : {"highest", "lowest"} or None
        Where ``best_value`` sits in the simulated range of a numeric lever when service is
        highest there on average (so it may rise beyond the range) and the lever's spread
        exceeds the noise (the mean service half-width of the tier's options); ``None``:
        inside the range, not a number, service higher elsewhere, or an effect within noise.
    """

    path: str
    mean_service: tuple[tuple[Any, float], ...]
    best_value: Any
    edge: Literal["highest", "lowest"] | None = None

    @property
    def spread(self) -> float:
        """Highest minus lowest mean service over the values (fraction)."""
        means = [m for _, m in self.mean_service]
        return max(means) - min(means)

    def in_words(self) -> str:
        """``"express cut-off hours: 82.3% at 17:00, 86.8% at 13:00 and 17:30"``."""
        shown = ", ".join(
            f"{pct(m)} at {value_in_words(self.path, v)}" for v, m in self.mean_service
        )
        return f"{parameter_name(self.path)}: {shown}"


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _numeric(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _own_or_shared(path: str, tier: str) -> bool:
    return is_decision(path) and (
        not path.startswith("tiers.") or path.startswith(f"tiers.{tier}.")
    )


def lever_service_effects(problem: PlanProblem, tier: str) -> list[LeverServiceEffect]:
    """Each lever's main effect on ``tier``'s service over its options, largest spread first.

    A lever is a ``params`` path of the tier's options (the tier's own levers and the shared
    ones; simulation settings left out) with at least two values among them; its effect at a
    value is the mean service of the options that have that value. The best option is the one
    with the highest service (:meth:`PlanProblem.effective_service`).
    """
    options = problem.options_for(tier)
    best = max(options, key=problem.effective_service)
    noise = sum(o.service_half_width for o in options) / len(options)
    paths = dict.fromkeys(p for o in options for p in o.params if _own_or_shared(p, tier))
    effects: list[LeverServiceEffect] = []
    for path in paths:
        groups: dict[str, tuple[Any, list[float]]] = {}
        for option in options:
            if path not in option.params:
                continue
            value = option.params[path]
            groups.setdefault(_key(value), (value, []))[1].append(option.service_level)
        if len(groups) < 2:
            continue
        values = [v for v, _ in groups.values()]
        numeric = all(_numeric(v) for v in values)
        ordered = sorted(groups.values(), key=lambda g: g[0]) if numeric else list(groups.values())
        means = tuple((v, sum(s) / len(s)) for v, s in ordered)
        best_value = best.params.get(path)
        edge: Literal["highest", "lowest"] | None = None
        top = max(means, key=lambda vm: vm[1])[0]
        spread = max(m for _, m in means) - min(m for _, m in means)
        if numeric and _numeric(best_value) and same_value(best_value, top) and spread > noise:
            if same_value(best_value, max(values)):
                edge = "highest"
            elif same_value(best_value, min(values)):
                edge = "lowest"
        effects.append(LeverServiceEffect(path, means, best_value, edge))
    effects.sort(key=lambda e: -e.spread)
    return effects


@dataclass(frozen=True)
class TargetLimit:
    """Why no option of a tier reaches its target on the plan's metric.

    Attributes
    ----------
    tier, metric : str
        The tier and the plan's service metric.
    target : float
        The target (fraction).
    best : TierOption
        The tier's option with the highest service.
    best_in_words : str
        Its levers in words (changes against the scenario flagged).
    effects : tuple of LeverServiceEffect
        Main effect of each lever over the tier's options, largest first.
    options : int
        How many options the tier has.
    """

    tier: str
    metric: str
    target: float
    best: TierOption
    best_in_words: str
    effects: tuple[LeverServiceEffect, ...]
    options: int

    @property
    def shortfall(self) -> float:
        """Target − best service (fraction, > 0)."""
        return self.target - self.best.service_level

    @property
    def limiting(self) -> LeverServiceEffect | None:
        """The lever that changes the tier's service the most (``None``: no lever varied)."""
        return self.effects[0] if self.effects else None

    @property
    def at_edge(self) -> tuple[LeverServiceEffect, ...]:
        """Levers whose value in the best option is at the edge of their simulated range."""
        return tuple(e for e in self.effects if e.edge is not None)

    def message(self) -> str:
        """The explanation as sentences."""
        label = _label(self.metric)
        text = (
            f"Tier {self.tier}'s {label} target {pct(self.target)} is out of reach of all "
            f"{self.options} simulated options: the best reaches {pct(self.best.service_level)}"
            f" ({100 * self.shortfall:.1f} pp short)"
            + (f" with {self.best_in_words}" if self.best_in_words else "")
            + "."
        )
        if self.limiting is not None:
            text += (
                f" The lever that moves it most is {self.limiting.in_words()} "
                f"(a spread of {100 * self.limiting.spread:.1f} pp)."
            )
        else:
            text += " No lever was varied across its options."
        if self.at_edge:
            edges = "; ".join(
                f"{decision_phrase(e.path, e.best_value)} is the "
                f"{'most' if e.edge == 'highest' else 'least'} simulated"
                for e in self.at_edge
            )
            text += (
                f" The best option sits at the edge of the simulated range, where service is "
                f"highest on average: {edges}; simulate beyond it."
            )
        return text

    def to_dict(self) -> dict[str, Any]:
        """JSON-able: the best option and its levers, each lever's effect, the message."""
        return {
            "tier": self.tier,
            "metric": self.metric,
            "target": self.target,
            "best_service": self.best.service_level,
            "best_half_width": self.best.service_half_width,
            "shortfall": self.shortfall,
            "best_option": self.best.option_id,
            "best_in_words": self.best_in_words,
            "limiting_lever": self.limiting.path if self.limiting else None,
            "effects": [
                {
                    "lever": e.path,
                    "spread": e.spread,
                    "mean_service": [[v, m] for v, m in e.mean_service],
                    "best_value": e.best_value,
                    "edge": e.edge,
                }
                for e in self.effects
            ],
            "message": self.message(),
        }


def target_limit(
    problem: PlanProblem,
    tier: str,
    target: float,
    base_values: Mapping[str, Any] | None = None,
) -> TargetLimit | None:
    """What limits ``tier``'s service below ``target``; ``None`` when an option reaches it.

    Reaching is judged as the problem judges minimum service
    (:meth:`PlanProblem.effective_service`: the mean, or its lower bound).
    """
    options = problem.options_for(tier)
    best = max(options, key=problem.effective_service)
    if problem.effective_service(best) >= target - 1e-12:
        return None
    # the tier's own levers first, then the shared ones
    params = {p: v for p, v in best.params.items() if p.startswith(f"tiers.{tier}.")}
    params.update({p: v for p, v in best.params.items() if _own_or_shared(p, tier)})
    return TargetLimit(
        tier,
        problem.metric_name(tier),
        target,
        best,
        decisions_in_words(params, base_values),
        tuple(lever_service_effects(problem, tier)),
        len(options),
    )


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
                    f"{c.tier} {_label(c.metric)} {pct(c.value)} vs {pct(c.target)} ({c.verdict})"
                    for c in missed
                )
                if missed
                else ""
            )
            + "."
        )
        price = self.price_usd_per_day
        if price is not None:
            out.append(
                f"Meeting every {_label(self.metric)} target costs ${price:,.0f}/day of profit"
                f"{self._cheapest(self.meeting)}."
            )
        else:
            out.append(f"No simulated plan meets every {_label(self.metric)} target.")
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
