"""Service recovery: complaints about imperfect orders, handled by a desk.

An imperfect order raises a complaint with some probability. The complaint is handled either
at the tier's own order-entry pool (``desk: order_entry``, at the complaint priority, competing
with new calls) or by an own recovery team (``desk: own_team``, on the shift calendar); it
succeeds with some probability and costs a fixed amount. An own team reports its utilisation
and loaded wages, allocated to the tiers by their complaints.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import simpy

from tierwise.simulation.engine.costing import CostShare
from tierwise.simulation.engine.order import Order
from tierwise.simulation.engine.rng import stream
from tierwise.simulation.engine.staffing import StaffedPool
from tierwise.simulation.engine.tier import TierRun, uniform_stream
from tierwise.simulation.scenario.distributions import Distribution, Sampler, make_sampler
from tierwise.simulation.scenario.schema import Scenario

__all__ = ["RecoveryDesk"]

MINUTES_PER_HOUR = 60.0


class _RecoveryLane:
    """The recovery samplers of one tier (complaint, handling time, success)."""

    __slots__ = ("complaint_u", "handling_h", "success_u")

    def __init__(
        self, seed: int, replication: int, tier_name: str, handling_min: Distribution
    ) -> None:
        self.complaint_u = uniform_stream(seed, replication, f"complaint/{tier_name}")
        self.success_u = uniform_stream(seed, replication, f"recovery/{tier_name}")
        self.handling_h: Sampler = make_sampler(
            handling_min,
            stream(seed, replication, f"recovery_time/{tier_name}"),
            1 / MINUTES_PER_HOUR,
        )


class RecoveryDesk:
    """Complaint handling of one run (``recovery`` enabled).

    Parameters
    ----------
    env : simpy.Environment
        The simulation clock (hours).
    scenario : Scenario
        The scenario.
    replication : int
        Replication index; selects the random streams.
    window : tuple of float
        Measurement window (start, end), hours.
    """

    def __init__(
        self,
        env: simpy.Environment,
        scenario: Scenario,
        replication: int,
        window: tuple[float, float],
    ) -> None:
        rec = scenario.recovery
        self.env = env
        self.complaint_probability = rec.complaint_probability
        self.success_probability = rec.success_probability
        self.priority = rec.priority
        self.cost_usd_per_recovery = rec.cost_usd_per_recovery
        self.team: StaffedPool | None = (
            StaffedPool(env, "recovery_team", rec.own_team_agents, True, window)
            if rec.desk == "own_team"
            else None
        )
        self._lanes = {
            name: _RecoveryLane(scenario.seed, replication, name, rec.handling_time_min)
            for name in scenario.tiers
        }

    def raises_complaint(self, order: Order) -> bool:
        """Draw whether the (imperfect) ``order`` raises a complaint."""
        return self._lanes[order.tier.name].complaint_u() < self.complaint_probability

    def handle(
        self, order: Order, shared_desk: StaffedPool | None
    ) -> Generator[simpy.Event, Any, None]:
        """Handle the complaint about ``order`` at the own team, else at ``shared_desk``."""
        env, tier = self.env, order.tier
        lane = self._lanes[tier.name]
        handling_h = lane.handling_h()
        success = lane.success_u() < self.success_probability
        desk = self.team if self.team is not None else shared_desk
        if desk is not None:
            with desk.request(self.priority) as request:
                yield request
                desk.start_service(handling_h)
                if order.measured:
                    # agent time of the tier (weights the order desk's wages, also for a team)
                    tier.acc.agent_busy_h += handling_h
                yield env.timeout(handling_h)
        if order.measured:
            tier.acc.complaints += 1
            tier.acc.recovered += success
            tier.acc.direct_cost_usd += self.cost_usd_per_recovery

    def cost_shares(
        self, tiers: dict[str, TierRun], staffed_h: float, wage_usd_per_h: float, loading: float
    ) -> list[CostShare]:
        """Loaded wages of an own team, allocated to the tiers by their complaints."""
        if self.team is None:
            return []
        cost = self.team.wages_usd(staffed_h, wage_usd_per_h, loading)
        complaints = {t: float(run.acc.complaints) for t, run in tiers.items()}
        return [CostShare({"wages_agents": cost}, complaints)]

    def utilisations(self, staffed_h: float) -> dict[str, float]:
        """``recovery_team`` → busy hours / staffed hours (nothing for a shared desk)."""
        if self.team is None:
            return {}
        return {"recovery_team": self.team.utilisation(staffed_h)}
