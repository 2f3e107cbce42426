"""Offered load of every queue, computed from the scenario before any simulation.

A queue whose offered load is at or above its capacity never reaches a steady state; such a
scenario is reported (with the load and the least stable staffing) instead of simulated.
Rates are averaged over the staffed hours of a week: work that arrives while the operation is
closed waits for the next opening.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tierwise.simulation.scenario.schema import Scenario, Tier
from tierwise.simulation.theory.erlang import min_stable_servers

__all__ = [
    "QueueLoad",
    "UnstableScenarioError",
    "check_stability",
    "offered_loads",
    "weekly_orders",
]


@dataclass(frozen=True)
class QueueLoad:
    """Offered load of one resource.

    Attributes
    ----------
    resource : str
        ``agents.<pool>``, ``pickers`` or ``vehicles.<mode>``.
    offered_load : float
        Busy servers needed on average while staffed (Erlang), or for vehicles the orders per
        dispatch divided by orders per vehicle.
    peak_load : float
        The same for the busiest hour of the week.
    servers : int
        Servers (agents, pickers, vehicles) configured.
    min_stable_servers : int
        Smallest count with offered load < servers
        (:func:`~tierwise.simulation.theory.erlang.min_stable_servers`).
    """

    resource: str
    offered_load: float
    peak_load: float
    servers: int
    min_stable_servers: int

    @property
    def utilisation(self) -> float:
        """Offered load / servers (inf with no servers)."""
        return self.offered_load / self.servers if self.servers else math.inf

    @property
    def stable(self) -> bool:
        """Whether the load is strictly below the capacity."""
        return self.offered_load < self.servers


class UnstableScenarioError(ValueError):
    """A queue's offered load is at or above its capacity."""

    def __init__(self, loads: list[QueueLoad]) -> None:
        self.loads = loads
        lines = [
            f"{q.resource}: offered load {q.offered_load:.2f} >= {q.servers} server(s) "
            f"(utilisation {q.utilisation:.0%}); at least {q.min_stable_servers} needed for a "
            "stable queue"
            for q in loads
        ]
        super().__init__("scenario is unstable:\n" + "\n".join(f"  - {line}" for line in lines))


def _hourly_rates(scenario: Scenario, tier: Tier) -> list[float]:
    """Orders per hour for each of the 168 hours of the week."""
    hourly = tier.hourly_profile or (1.0,) * 24
    weekly = tier.weekday_profile or (1.0,) * 7
    return [tier.orders_per_hour * weekly[h // 24] * hourly[h % 24] for h in range(168)]


def weekly_orders(scenario: Scenario, tier_name: str) -> float:
    """Expected orders per week of one tier."""
    return sum(_hourly_rates(scenario, scenario.tiers[tier_name]))


def _staffed_hours_per_week(scenario: Scenario) -> list[int]:
    cal = scenario.calendar
    if cal is None:
        return list(range(168))
    return [
        h
        for h in range(168)
        if (h // 24) in cal.working_days and cal.open_hour <= (h % 24) < cal.close_hour
    ]


def offered_loads(scenario: Scenario) -> list[QueueLoad]:
    """Offered load of agents (per pool), pickers and fleet vehicles."""
    staffed = _staffed_hours_per_week(scenario)
    staffed_count = max(len(staffed), 1)
    loads: list[QueueLoad] = []
    rates = {name: _hourly_rates(scenario, t) for name, t in scenario.tiers.items()}
    if scenario.order_entry.enabled:
        handling_h = scenario.order_entry.handling_time_s.expected_value / 3600.0
        for pool_name, pool in scenario.order_entry.pools.items():
            hourly = [0.0] * 168
            for name, tier in scenario.tiers.items():
                if scenario.pool_of(name) != pool_name:
                    continue
                phone_share = sum(
                    share
                    for ch, share in tier.channel_mix.items()
                    if scenario.channels[ch].uses_order_entry
                )
                for h in range(168):
                    hourly[h] += rates[name][h] * phone_share * handling_h
            loads.append(
                QueueLoad(
                    f"agents.{pool_name}",
                    sum(hourly) / staffed_count,
                    max(hourly),
                    pool.agents,
                    min_stable_servers(sum(hourly) / staffed_count),
                )
            )
    if scenario.picking.enabled:
        pk = scenario.picking
        hourly = [0.0] * 168
        for name, tier in scenario.tiers.items():
            lines = max(1.0, tier.lines_per_order.expected_value)
            pick_h = (
                pk.time_per_order_min.expected_value + lines * pk.time_per_line_min.expected_value
            ) / 60.0
            for h in range(168):
                hourly[h] += rates[name][h] * pick_h
        load = sum(hourly) / staffed_count
        loads.append(QueueLoad("pickers", load, max(hourly), pk.pickers, min_stable_servers(load)))
    if scenario.shipping.enabled:
        cal = scenario.calendar
        days = len(cal.working_days) if cal is not None else 7
        for mode_name, mode in scenario.shipping.modes.items():
            if mode.kind != "fleet":
                continue
            per_week = sum(
                sum(rates[name])
                for name, t in scenario.tiers.items()
                if t.shipping_mode == mode_name
            )
            per_dispatch = per_week / (days * len(mode.cutoff_hours))
            need = per_dispatch / mode.vehicle_capacity_orders
            loads.append(
                QueueLoad(
                    f"vehicles.{mode_name}", need, need, mode.vehicles, min_stable_servers(need)
                )
            )
    return loads


def check_stability(scenario: Scenario) -> list[QueueLoad]:
    """Return the loads, raising :class:`UnstableScenarioError` if any queue is overloaded."""
    loads = offered_loads(scenario)
    unstable = [q for q in loads if not q.stable]
    if unstable:
        raise UnstableScenarioError(unstable)
    return loads
