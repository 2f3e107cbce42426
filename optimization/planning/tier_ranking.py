"""Is the most valuable tier served best, and if not, why not and what would it cost?

The tiers are ranked by value as the scenario ranks them for service (their ``priority``:
0 first). :func:`answer_tier_ranking` checks whether the plan gives the first tier the highest
service level, and when it does not:

* **why**: the plan's service metric of the top tier against the best-served tier's, broken
  into the parts of a perfect order (on time, complete, damage-free, accurate, billed right),
  each with its simulated rates, together with what differs between the tiers in the scenario
  (the promise, lines per order);
* **the price**: the most profitable plan that serves the top tier best (at least as well as
  every other tier: the best of the MILP's ``tier_order`` chains that start with it), and the
  profit it gives up against the profit-optimal plan; or that no simulated plan does.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from tierwise.optimization.milp.problem import PlanProblem
from tierwise.optimization.milp.result import PlanResult
from tierwise.optimization.milp.solve import solve
from tierwise.simulation.metrics import get_metric
from tierwise.simulation.scenario.schema import Scenario

__all__ = ["PERFECT_ORDER_PARTS", "TIER_RANKING_KEY", "TierRankingAnswer", "answer_tier_ranking"]

logger = logging.getLogger(__name__)

#: Key of the answer in ``plan.json``.
TIER_RANKING_KEY = "tier_ranking"

#: The parts of a perfect order, in the order they are reported (metric names).
PERFECT_ORDER_PARTS = (
    "on_time_rate",
    "order_completeness_rate",
    "damage_free_rate",
    "order_accuracy_rate",
    "billing_accuracy_rate",
)


@dataclass(frozen=True)
class TierRankingAnswer:
    """Whether the plan serves the tiers in their value order.

    Attributes
    ----------
    metric : str
        The plan's service metric.
    order : tuple of str
        The tiers by value (scenario ``priority``), first the one to serve best.
    service : Mapping[str, float]
        The plan's service level per tier (re-simulated when the plan was verified), fraction.
    parts : Mapping[str, Mapping[str, float]]
        Tier → perfect-order part → simulated rate (fraction); empty without simulated values.
    ordered : PlanResult or None
        The most profitable plan serving the top tier best (``None`` when the plan already
        does).
    optimal_profit_per_day_usd : float or None
        The profit-optimal plan's predicted profit, USD/day.
    reasons : tuple of str
        What differs between the top tier and the best-served one in the scenario.
    plan_options : Mapping[str, str]
        The plan's option per tier (to tell when the most profitable plan serving the top tier
        best is the plan itself, as predicted).
    half_widths : Mapping[str, float]
        95 % half-width of each tier's re-simulated service (fraction; empty without).
    """

    metric: str
    order: tuple[str, ...]
    service: Mapping[str, float]
    parts: Mapping[str, Mapping[str, float]]
    ordered: PlanResult | None
    optimal_profit_per_day_usd: float | None
    reasons: tuple[str, ...] = ()
    plan_options: Mapping[str, str] = field(default_factory=dict)
    half_widths: Mapping[str, float] = field(default_factory=dict)

    @property
    def noise(self) -> float:
        """Combined 95 % half-width of the top and the best-served tier's service (fraction;
        0 without simulated values): a gap below it is not a significant difference."""
        a, b = self.half_widths.get(self.top, 0.0), self.half_widths.get(self.best_served, 0.0)
        return math.hypot(a, b)

    @property
    def top(self) -> str:
        """The tier to serve best."""
        return self.order[0]

    @property
    def best_served(self) -> str:
        """The tier with the highest service level in the plan."""
        return max(self.service, key=lambda t: (self.service[t], t == self.top))

    @property
    def top_served_best(self) -> bool:
        """Whether the top tier's service is the plan's highest."""
        return self.best_served == self.top

    @property
    def price_usd_per_day(self) -> float | None:
        """Profit given up to serve the top tier best, USD/day (≥ 0); 0 when the plan does
        already; ``None`` when no simulated plan does."""
        if self.top_served_best:
            return 0.0
        if self.ordered is None or not self.ordered.has_plan:
            return None
        profit = self.ordered.total_profit_per_day_usd
        if profit is None or self.optimal_profit_per_day_usd is None:
            return None
        return max(self.optimal_profit_per_day_usd - profit, 0.0)

    def messages(self) -> list[str]:
        """The answer in sentences."""
        label = get_metric(self.metric).label.lower()
        top, best = self.top, self.best_served
        if self.top_served_best:
            return [
                f"Tier {top} is served best: {label} {_pct(self.service[top])}, the highest of "
                "the tiers."
            ]
        out = [
            f"Tier {top} is not served best: its {label} is {_pct(self.service[top])} against "
            f"{_pct(self.service[best])} for tier {best}"
            + (
                f", a gap within the re-simulation's noise (± {100 * self.noise:.1f} pp)."
                if self.service[best] - self.service[top] <= self.noise
                else "."
            )
        ]
        gaps = [
            f"{get_metric(part).label.lower()} {_pct(self.parts[top][part])} vs "
            f"{_pct(self.parts[best][part])}"
            for part in PERFECT_ORDER_PARTS
            if part in self.parts.get(top, {})
            and part in self.parts.get(best, {})
            and self.parts[top][part] < self.parts[best][part] - 0.001
        ]
        if gaps:
            out.append(f"Where {top} loses against {best}: " + "; ".join(gaps) + ".")
        if self.reasons:
            out.append("The scenario differs: " + "; ".join(self.reasons) + ".")
        price = self.price_usd_per_day
        if price is None:
            out.append(
                f"No simulated plan serves {top} at least as well as every other tier: its "
                f"best options stay below the other tiers' lowest in every simulated "
                "configuration."
            )
        elif self.ordered is not None:
            chosen = {t: o.service_level for t, o in self.ordered.chosen.items()}
            levels = ", ".join(f"{t} {_pct(chosen[t])}" for t in self.order if t in chosen)
            same = {t: o.option_id for t, o in self.ordered.chosen.items()} == dict(
                self.plan_options
            )
            if same:
                out.append(
                    f"As the sweep predicted it ({levels}), the plan itself serves {top} best; "
                    f"re-simulated, tier {best} comes out ahead by "
                    f"{100 * (self.service[best] - self.service[top]):.1f} pp."
                )
                return out
            out.append(
                f"Serving {top} best costs ${price:,.0f}/day of profit (the most profitable "
                f"plan that does, as predicted by the sweep: {levels}), so it does not pay."
                if price > 0
                else f"Serving {top} best costs no profit (the most profitable plan that "
                f"does, as predicted by the sweep: {levels})."
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        """The answer for ``plan.json``."""
        return {
            "metric": self.metric,
            "order": list(self.order),
            "service": dict(self.service),
            "top_served_best": self.top_served_best,
            "best_served": self.best_served,
            "parts": {t: dict(p) for t, p in self.parts.items()},
            "price_usd_per_day": self.price_usd_per_day,
            "messages": self.messages(),
        }


def _pct(value: float) -> str:
    return f"{100 * value:.1f} %"


def _reasons(scenario: Scenario, top: str, best: str) -> tuple[str, ...]:
    """What the scenario sets differently for the two tiers (promise, lines per order)."""
    a, b = scenario.tiers[top], scenario.tiers[best]
    out: list[str] = []
    if _promise_days(a) < _promise_days(b):
        out.append(f"{top}'s promise is tighter ({_promise(a)} against {_promise(b)})")
    lines_a, lines_b = a.lines_per_order.expected_value, b.lines_per_order.expected_value
    if lines_a > lines_b:
        out.append(
            f"{top}'s orders have more lines ({lines_a:g} against {lines_b:g} on average), so more "
            "chances of a short or mis-picked line"
        )
    return tuple(out)


def _promise_days(tier: Any) -> float:
    """A tier's promise in days (business days as given, clock hours / 24)."""
    days = getattr(tier, "promised_business_days", None)
    return float(days) if days else tier.promise_h / 24.0


def _promise(tier: Any) -> str:
    days = getattr(tier, "promised_business_days", None)
    if days:
        return f"{days} business day" + ("s" if days > 1 else "")
    return f"{tier.promise_h:g} h"


def answer_tier_ranking(
    scenario: Scenario,
    problem: PlanProblem,
    plan: PlanResult,
    estimates: Mapping[str, Any] | None = None,
    solver: str = "cbc",
    time_limit_s: float = 30.0,
) -> TierRankingAnswer:
    """Whether ``plan`` serves the tiers in their value order; why not, and at what price.

    Parameters
    ----------
    scenario : Scenario
        The scenario as given (tier priorities, promises, lines per order).
    problem : PlanProblem
        The problem the plan was solved on (its other limits hold for the ordered plan).
    plan : PlanResult
        The recommended plan (with a plan).
    estimates : mapping, optional
        Re-simulated estimates of the plan (``"A.on_time_rate" → Estimate``); without them the
        plan's predicted service is used and the parts are left out.
    solver, time_limit_s
        As the run's solves.
    """
    metric = problem.metric_name(problem.tiers[0])
    order = tuple(
        sorted(problem.tiers, key=lambda t: (scenario.tiers[t].priority, problem.tiers.index(t)))
    )
    service: dict[str, float] = {}
    half_widths: dict[str, float] = {}
    parts: dict[str, dict[str, float]] = {}
    for tier in problem.tiers:
        estimate = (estimates or {}).get(f"{tier}.{metric}")
        service[tier] = (
            float(estimate.mean) if estimate is not None else plan.chosen[tier].service_level
        )
        width = getattr(estimate, "half_width", None)
        if isinstance(width, int | float) and math.isfinite(width):
            half_widths[tier] = float(width)
        if estimates:
            parts[tier] = {
                part: float(estimates[f"{tier}.{part}"].mean)
                for part in PERFECT_ORDER_PARTS
                if f"{tier}.{part}" in estimates
            }
    optimal = plan.total_profit_per_day_usd
    options = {t: o.option_id for t, o in plan.chosen.items()}
    answer = TierRankingAnswer(
        metric, order, service, parts, None, optimal, (), options, half_widths
    )
    if answer.top_served_best:
        return answer
    # "the top tier at least as well served as every other" is the union of the tier-order
    # chains that start with it: solve each (at most 24) and keep the most profitable
    rest = order[1:]
    chains = list(itertools.permutations(rest)) if len(rest) <= 4 else [rest]
    if len(chains) == 1 and len(rest) > 4:
        logger.info(
            "more than 5 tiers: serving %s best is priced on the value-order chain only", order[0]
        )
    best: PlanResult | None = None
    for chain in chains:
        result = solve(
            replace(problem, tier_order=[order[0], *chain], objective="profit"),
            solver=solver,
            time_limit_s=time_limit_s,
            explain=False,
        )
        profit = result.total_profit_per_day_usd if result.has_plan else None
        if profit is not None and (
            best is None or profit > (best.total_profit_per_day_usd or -math.inf)
        ):
            best = result
    logger.info("most profitable plan serving %s best: %s", order[0], best is not None)
    return replace(answer, ordered=best, reasons=_reasons(scenario, order[0], answer.best_served))
