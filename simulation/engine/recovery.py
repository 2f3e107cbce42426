"""Service recovery: complaints about imperfect orders, handled by a desk.

An imperfect order raises a complaint with some probability. The complaint is handled either
at the tier's own order-entry pool (``desk: order_entry``, at the complaint priority, competing
with new calls) or by an own recovery team (``desk: own_team``, on the shift calendar); it
succeeds with some probability and costs a fixed amount. Whether an order would complain,
whether its recovery would succeed and how long it would take are drawn for every order at its
creation (:class:`RecoveryLane`) and used only if the order turns out imperfect. An own team
reports its utilisation and loaded wages, allocated to the tiers by their complaints.
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

__all__ = ["RecoveryDesk", "RecoveryLane"]

MINUTES_PER_HOUR = 60.0


class RecoveryLane:
    """The recovery samplers of one tier, drawn for every order at its creation.

    Attributes
    ----------
    complaint_u : Sampler
        U(0, 1) draws of the complaint (stream ``complaint/<tier>``).
    success_u : Sampler
        U(0, 1) draws of the recovery's success (stream ``recovery/<tier>``).
    handling_h : Sampler
        Handling time of a complaint, hours (stream ``recovery_time/<tier>``).
    success_probability : float
        Probability that a complaint is recovered.
    """

    __slots__ = ("complaint_u", "handling_h", "success_probability", "success_u")

    def __init__(
        self,
        seed: int,
        replication: int,
        tier_name: str,
        handling_min: Distribution,
        success_probability: float,
    ) -> None:
        self.complaint_u = uniform_stream(seed, replication, f"complaint/{tier_name}")
        self.success_u = uniform_stream(seed, replication, f"recovery/{tier_name}")
        self.handling_h: Sampler = make_sampler(
            handling_min,
            stream(seed, replication, f"recovery_time/{tier_name}"),
            1 / MINUTES_PER_HOUR,
        )
        self.success_probability = success_probability

    def draw(self, order: Order) -> None:
        """Draw the complaint, its success and its handling time for a new ``order``.

        Every order draws once from each stream, whether or not it turns out imperfect, so the
        draws of an order do not depend on which other orders complain (common random numbers).
        """
        order.complaint_u = self.complaint_u()
        order.recovery_success = self.success_u() < self.success_probability
        order.recovery_h = self.handling_h()


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
        self.seed = scenario.seed
        self.replication = replication
        self.handling_time_min = rec.handling_time_min

    def lane(self, tier_name: str) -> RecoveryLane:
        """The recovery samplers of ``tier_name``."""
        return RecoveryLane(
            self.seed,
            self.replication,
            tier_name,
            self.handling_time_min,
            self.success_probability,
        )

    def raises_complaint(self, order: Order) -> bool:
        """Whether the (imperfect) ``order`` raises a complaint (by its draw at creation)."""
        return order.complaint_u < self.complaint_probability

    def handle(
        self, order: Order, shared_desk: StaffedPool | None
    ) -> Generator[simpy.Event, Any, None]:
        """Handle the complaint about ``order`` at the own team, else at ``shared_desk``."""
        env, tier = self.env, order.tier
        handling_h = order.recovery_h
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
            tier.acc.recovered += order.recovery_success
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
