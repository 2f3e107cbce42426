"""Offered load of every queue, computed from the scenario before any simulation.

A queue without abandonment whose offered load is at or above its capacity never reaches a
steady state; such a scenario is reported (with the load and the least stable staffing)
instead of simulated. A queue whose callers abandon (``order_entry.patience_s`` set) has a
steady state at any load: it is an Erlang A queue (M/M/c+M), or with zero patience an
Erlang B loss system, and its expected abandonment is reported instead
(:attr:`QueueLoad.abandon_probability`). Rates are averaged over the staffed hours of a
week (work that arrives while the operation is closed waits for the next opening); the
busiest hour's load is given too (:attr:`QueueLoad.peak_offered_load_erlang`), and
:func:`load_warnings` words what a planner should know: a peak hour above capacity, a load
carried only because callers give up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tierwise.simulation.scenario.schema import Scenario, Tier
from tierwise.simulation.theory.erlang import erlang_a, min_stable_servers

__all__ = [
    "QueueLoad",
    "UnstableScenarioError",
    "check_stability",
    "load_warnings",
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
        (:func:`~tierwise.simulation.theory.erlang.min_stable_servers`), the count a queue
        without abandonment needs.
    mean_patience_h : float or None
        Mean patience of a waiting caller, hours (``None``: nobody abandons; 0: a loss
        system, a caller who finds every agent busy leaves at once).
    abandon_probability : float or None
        Expected fraction of calls that abandon at the average staffed-hour load (Erlang A
        with exponential handling and patience of the scenario's means; Erlang B for zero
        patience); ``None`` without abandonment.
    peak_abandon_probability : float or None
        The same at the busiest hour's load.
    """

    resource: str
    offered_load: float
    peak_load: float
    servers: int
    min_stable_servers: int
    mean_patience_h: float | None = None
    abandon_probability: float | None = None
    peak_abandon_probability: float | None = None

    @property
    def utilisation(self) -> float:
        """Offered load / servers (inf with no servers)."""
        return self.offered_load / self.servers if self.servers else math.inf

    @property
    def peak_offered_load_erlang(self) -> float:
        """Offered load of the busiest hour of the week, Erlang (same as :attr:`peak_load`)."""
        return self.peak_load

    @property
    def peak_utilisation(self) -> float:
        """Peak-hour offered load / servers (inf with no servers)."""
        return self.peak_load / self.servers if self.servers else math.inf

    @property
    def abandonment(self) -> bool:
        """Whether waiting callers abandon (finite patience)."""
        return self.mean_patience_h is not None

    @property
    def stable(self) -> bool:
        """Whether the queue has a steady state.

        With abandonment (finite patience) always: abandonment removes the excess load
        (Erlang A; zero patience: Erlang B). Without it, when the offered load is strictly
        below the capacity.
        """
        return self.abandonment or self.offered_load < self.servers

    @property
    def peak_overloaded(self) -> bool:
        """Whether the busiest hour's load is at or above the capacity."""
        return self.peak_load >= self.servers

    @property
    def warnings(self) -> list[str]:
        """What a planner should know about this queue (empty when nothing); one line each.

        A load at or above capacity that only abandonment keeps stable, and a peak hour above
        capacity (work queues up, or callers abandon, in the busiest hours).
        """
        lines: list[str] = []
        if self.abandonment and self.offered_load >= self.servers:
            lines.append(
                f"{self.resource}: offered load {self.offered_load:.2f} Erlang >= "
                f"{self.servers} server(s) (utilisation {self.utilisation:.0%}); a steady "
                f"state only because callers abandon: about {self._abandon_text()}"
            )
        elif self.peak_overloaded and self.peak_load > 0:
            consequence = (
                f"callers abandon in the busiest hours: about {self._abandon_text()}"
                if self.abandonment
                else "work queues up in the busiest hours and is worked off later; "
                f"{min_stable_servers(self.peak_load)} would keep up with the peak"
            )
            lines.append(
                f"{self.resource}: peak-hour offered load {self.peak_load:.2f} Erlang >= "
                f"{self.servers} server(s) (peak utilisation {self.peak_utilisation:.0%}); "
                + consequence
            )
        return lines

    def _abandon_text(self) -> str:
        mean = self.abandon_probability or 0.0
        peak = self.peak_abandon_probability or 0.0
        kind = "Erlang B, zero patience" if self.mean_patience_h == 0 else "Erlang A"
        return f"{mean:.1%} of calls abandon on average, {peak:.1%} in the peak hour ({kind})"


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
            mean_load = sum(hourly) / staffed_count
            patience = scenario.order_entry.patience_s
            patience_h = patience.expected_value / 3600.0 if patience is not None else None
            loads.append(
                QueueLoad(
                    f"agents.{pool_name}",
                    mean_load,
                    max(hourly),
                    pool.agents,
                    min_stable_servers(mean_load),
                    patience_h,
                    _abandonment(pool.agents, mean_load, handling_h, patience_h),
                    _abandonment(pool.agents, max(hourly), handling_h, patience_h),
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


def _abandonment(
    servers: int, load_erlang: float, handling_h: float, patience_h: float | None
) -> float | None:
    """Expected fraction of calls abandoning (Erlang A; Erlang B at zero patience).

    Falls back to the fluid limit ``max(0, 1 − c/A)`` where the Erlang A sum is too long
    (very long patience at a very high load), and is 1 with no servers or no handling time
    to speak of.
    """
    if patience_h is None:
        return None
    if load_erlang <= 0:
        return 0.0
    if servers < 1 or handling_h <= 0:
        return 1.0
    try:
        return erlang_a(
            servers, load_erlang / handling_h, handling_h, patience_h
        ).abandon_probability
    except ValueError:
        return max(0.0, 1.0 - servers / load_erlang)


def load_warnings(loads: list[QueueLoad]) -> list[str]:
    """Every queue's :attr:`QueueLoad.warnings`, in queue order."""
    return [line for q in loads for line in q.warnings]


def check_stability(scenario: Scenario) -> list[QueueLoad]:
    """Return the loads, raising :class:`UnstableScenarioError` if any queue is overloaded.

    A queue with abandonment (finite patience) is never overloaded: see
    :attr:`QueueLoad.stable`; its expected abandonment is in the returned loads, and
    :func:`load_warnings` words it.
    """
    loads = offered_loads(scenario)
    unstable = [q for q in loads if not q.stable]
    if unstable:
        raise UnstableScenarioError(unstable)
    return loads
