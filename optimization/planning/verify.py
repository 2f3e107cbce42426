"""Closed loop: re-simulate a plan, compare with its prediction, refine.

The MILP combines per-tier options that were simulated in different variants; tiers sharing a
pool interact, so the combined plan may not deliver what each option promised. :func:`verify_plan`
turns the plan into a scenario, simulates it with common random numbers, and where a tier's
simulated service (or cost) misses the prediction beyond the combined confidence interval,
replaces that option by the simulated point (what the plan really delivers) and re-solves, for
a few rounds at most. A round whose predictions all hold ends the loop (converged).

A miss is rarely the chosen option's alone: a sweep run shorter than the plan's horizon
(``--quick``), or a pool the tiers share, biases the whole tier curve the same way. So the
tier's other options are shifted by the same observed offset (simulated − predicted service
and cost, revenue re-priced at the shifted service): *output space mapping*, the standard
correction of a cheap model by the expensive one at the points where both were evaluated. Each
round's offset is measured against the sweep's own prediction, so corrections never compound.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from tierwise.optimization.milp.problem import PlanProblem, TierOption
from tierwise.optimization.milp.result import PlanResult
from tierwise.optimization.milp.solve import solve
from tierwise.optimization.planning.options import plan_overrides, simulated_option
from tierwise.simulation.analysis.statistics import Estimate
from tierwise.simulation.experiments.executor import Executor
from tierwise.simulation.experiments.replicate import ReplicationSummary, replicate
from tierwise.simulation.scenario.loading import scenario_from_dict
from tierwise.simulation.scenario.overrides import apply_overrides
from tierwise.simulation.scenario.schema import Scenario

__all__ = ["TierCheck", "VerificationRound", "VerifiedPlan", "plan_scenario", "verify_plan"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TierCheck:
    """Predicted vs simulated service and cost of one tier in one round."""

    tier: str
    option_id: str
    predicted_service: float
    predicted_half_width: float
    simulated: Estimate
    predicted_cost_per_day_usd: float
    simulated_cost: Estimate
    minimum_service: float | None = None
    lower_bound_basis: bool = False
    predicted_cost_half_width_usd: float = 0.0

    @property
    def difference(self) -> float:
        """Simulated − predicted service."""
        return self.simulated.mean - self.predicted_service

    @property
    def tolerance(self) -> float:
        """Combined half-width sqrt(h_pred² + h_sim²)."""
        hw = self.simulated.half_width if math.isfinite(self.simulated.half_width) else 0.0
        return math.hypot(self.predicted_half_width, hw)

    @property
    def service_agrees(self) -> bool:
        """The predicted service lies within the combined confidence interval."""
        return abs(self.difference) <= self.tolerance

    @property
    def cost_difference_usd(self) -> float:
        """Simulated − predicted cost, USD/day."""
        return self.simulated_cost.mean - self.predicted_cost_per_day_usd

    @property
    def cost_tolerance_usd(self) -> float:
        """Combined half-width of the predicted and the simulated cost, USD/day.

        ``sqrt(h_pred² + h_sim²)`` with the option's own cost interval; an option that does not
        know its interval (0) is taken as about as wide as the simulated one: ``sqrt(2)·h_sim``.
        """
        hw = self.simulated_cost.half_width
        if not math.isfinite(hw):
            return math.inf
        own = self.predicted_cost_half_width_usd
        return math.hypot(own, hw) if own > 0 else math.sqrt(2.0) * hw

    @property
    def cost_agrees(self) -> bool:
        """The predicted cost lies within the combined confidence interval."""
        return abs(self.cost_difference_usd) <= self.cost_tolerance_usd

    @property
    def agrees(self) -> bool:
        """Service and cost both hold (a tier sharing pools may get a bigger pool than its
        option was simulated with, which changes its cost share)."""
        return self.service_agrees and self.cost_agrees

    @property
    def meets_minimum(self) -> bool:
        """The simulated service meets the tier's minimum (its mean, or its lower bound when
        the problem judges minimums on the lower bound); ``True`` without a minimum.

        A prediction can agree with the simulation within the intervals while the simulated
        service falls below the service agreement: that plan does not hold either.
        """
        if self.minimum_service is None:
            return True
        hw = self.simulated.half_width if math.isfinite(self.simulated.half_width) else 0.0
        value = self.simulated.mean - (hw if self.lower_bound_basis else 0.0)
        return value >= self.minimum_service - 1e-12

    @property
    def holds(self) -> bool:
        """The prediction agrees and the simulated plan meets the tier's minimum."""
        return self.agrees and self.meets_minimum


@dataclass(frozen=True)
class VerificationRound:
    """One solve → simulate round."""

    index: int
    plan: PlanResult
    overrides: list[tuple[str, Any]]
    checks: list[TierCheck]

    @property
    def agrees(self) -> bool:
        """Every tier's prediction holds and meets its minimum."""
        return all(c.holds for c in self.checks)


@dataclass(frozen=True)
class VerifiedPlan:
    """The final plan and the rounds that led to it.

    ``summary`` is the last round's re-simulation of the plan; ``problem`` the problem the
    final plan was solved on (the sweep's, with the options the rounds corrected).
    """

    plan: PlanResult
    rounds: list[VerificationRound]
    scenario: Scenario
    summary: ReplicationSummary | None = field(default=None, repr=False)
    problem: PlanProblem | None = field(default=None, repr=False)

    @property
    def converged(self) -> bool:
        """The last round's predictions held."""
        return bool(self.rounds) and self.rounds[-1].agrees

    def checks_frame(self) -> pd.DataFrame:
        """One row per round × tier: predicted and simulated service and cost."""
        rows = []
        for rnd in self.rounds:
            for c in rnd.checks:
                rows.append(
                    {
                        "round": rnd.index,
                        "tier": c.tier,
                        "option_id": c.option_id,
                        "predicted_service": c.predicted_service,
                        "predicted_half_width": c.predicted_half_width,
                        "simulated_service": c.simulated.mean,
                        "simulated_half_width": c.simulated.half_width,
                        "difference": c.difference,
                        "service_agrees": c.service_agrees,
                        "cost_agrees": c.cost_agrees,
                        "agrees": c.agrees,
                        "minimum_service": c.minimum_service,
                        "meets_minimum": c.meets_minimum,
                        "predicted_cost_per_day_usd": c.predicted_cost_per_day_usd,
                        "predicted_cost_half_width_usd": c.predicted_cost_half_width_usd,
                        "simulated_cost_per_day_usd": c.simulated_cost.mean,
                        "simulated_cost_half_width_usd": c.simulated_cost.half_width,
                    }
                )
        return pd.DataFrame(rows)


def plan_scenario(base: Scenario, overrides: list[tuple[str, Any]]) -> Scenario:
    """The base scenario with a plan's settings applied (validated)."""
    return scenario_from_dict(
        apply_overrides(base.model_dump(mode="json"), overrides), source="plan scenario"
    )


def verify_plan(
    problem: PlanProblem,
    base: Scenario,
    responses: Mapping[str, Any],
    metric: str,
    replications: int = 6,
    max_rounds: int = 3,
    workers: int = 1,
    solver: str = "cbc",
    time_limit_s: float = 30.0,
    progress: Callable[[str], None] | None = None,
    executor: Executor | None = None,
) -> VerifiedPlan:
    """Solve, re-simulate the plan, and refine until predictions hold (or ``max_rounds``).

    Parameters
    ----------
    problem : PlanProblem
        The planning problem built from the sweep.
    base : Scenario
        The scenario the sweep varied (the plan's settings are applied to it).
    responses : mapping
        ``tier → revenue response`` (for the revenue of simulated points).
    metric : str
        Service metric of the options.
    replications : int
        Replications per verification run (same seed as the sweep: common random numbers).
    max_rounds : int
        Most solve → simulate rounds.
    workers : int
        Worker processes for the replications (of a pool made per round, when no
        ``executor`` is given).
    executor : Executor, optional
        A running executor to use and leave running (e.g. the pool of the sweep before).
    """
    rounds: list[VerificationRound] = []
    current = problem
    original = {(o.tier, o.option_id): o for o in problem.options}
    exact: dict[tuple[str, str], TierOption] = {}  # simulated points replacing predictions
    offsets: dict[str, tuple[float, float]] = {}  # tier → (service, cost) correction
    summary: ReplicationSummary | None = None
    simulated: dict[str, ReplicationSummary] = {}  # scenario hash → results (same seed: reuse)
    scenario = base
    plan = solve(current, solver=solver, time_limit_s=time_limit_s)
    for index in range(1, max_rounds + 1):
        if not plan.status.has_plan:
            break
        overrides = plan_overrides(current, plan.chosen, plan.resource_units)
        scenario = plan_scenario(base, overrides)
        key = scenario.content_hash
        if key not in simulated:
            if progress:
                progress(f"verification round {index}: simulating the plan")
            simulated[key] = replicate(
                scenario, replications=replications, workers=workers, executor=executor
            )
        summary = simulated[key]
        ests = summary.estimates()
        checks = []
        for tier, option in plan.chosen.items():
            sim = ests[f"{tier}.{metric}"]
            cost = ests[f"{tier}.cost_per_day_usd"]
            check = TierCheck(
                tier,
                option.option_id,
                option.service_level,
                option.service_half_width,
                sim,
                option.cost_per_day_usd,
                cost,
                current.min_service.get(tier),
                current.min_service_basis == "lower_bound",
                option.cost_half_width_usd,
            )
            checks.append(check)
            if not check.holds:
                swept = original[(tier, option.option_id)]
                offsets[tier] = (sim.mean - swept.service_level, cost.mean - swept.cost_per_day_usd)
                exact[(tier, option.option_id)] = simulated_option(
                    tier,
                    option.option_id,
                    service=sim.mean,
                    service_half_width=sim.half_width,
                    cost_per_day_usd=cost.mean,
                    cost_half_width_usd=cost.half_width,
                    response=responses[tier],
                    resources=dict(plan.resource_units),
                    orders_per_day=ests[f"{tier}.orders_per_day"].mean,
                    params=dict(overrides),
                    configuration=option.configuration,
                )
        rounds.append(VerificationRound(index, plan, overrides, checks))
        logger.info(
            "round %d: %d of %d tiers hold", index, sum(c.holds for c in checks), len(checks)
        )
        if all(c.holds for c in checks) or index == max_rounds:
            break
        # the mispredicted options (or those whose plan missed a minimum) did not deliver their
        # promise in this plan: replace them by what the plan really delivered and shift the
        # rest of their tier's curve by the same offset (in place, so tables keep their order)
        options = [
            exact.get((o.tier, o.option_id)) or _shifted(o, offsets.get(o.tier), responses)
            for o in problem.options
        ]
        current = replace(current, options=tuple(options))
        plan = solve(current, solver=solver, time_limit_s=time_limit_s)
    return VerifiedPlan(plan, rounds, scenario, summary, current)


def _shifted(
    option: TierOption, offset: tuple[float, float] | None, responses: Mapping[str, Any]
) -> TierOption:
    """``option`` corrected by a tier's observed ``(service, cost)`` offset (unchanged when
    there is none): service clipped to [0, 1], cost at least 0, revenue re-priced."""
    if offset is None:
        return option
    service = min(max(option.service_level + offset[0], 0.0), 1.0)
    return replace(
        option,
        service_level=service,
        cost_per_day_usd=max(option.cost_per_day_usd + offset[1], 0.0),
        revenue_per_day_usd=max(float(responses[option.tier].revenue(service)), 0.0),
    )
