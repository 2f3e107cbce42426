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

Staffing by shift block: :func:`block_loads` gives the offered load of each block of a pool
(or of the pickers) from the tiers' hourly profiles, so a planner sees the peak block and the
least stable staff of each (:func:`min_stable_servers_by_block`); a queue staffed by block is
stable when its weekly work is less than its staffed server-hours, and a block whose busiest
hour is at or above its servers is warned about.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tierwise.simulation.scenario.schema import Scenario, Tier
from tierwise.simulation.scenario.shift_blocks import default_block_starts, shift_blocks
from tierwise.simulation.theory.erlang import erlang_a, min_stable_servers

__all__ = [
    "BlockLoad",
    "QueueLoad",
    "UnstableScenarioError",
    "block_loads",
    "check_stability",
    "load_warnings",
    "min_stable_servers_by_block",
    "offered_loads",
    "weekly_orders",
]

HOURS_PER_WEEK = 168


@dataclass(frozen=True)
class BlockLoad:
    """Offered load of one shift block of a resource (averaged over the working days).

    Attributes
    ----------
    block : str
        The block's key, its start hour as two-digit text (``"10"``).
    start_hour, end_hour : float
        Hours of the day the block starts and ends (the last: closing).
    offered_load : float
        Busy servers needed on average in the block's hours of the week, Erlang; the first
        block of the day also gets the work that arrives while the operation is closed (it
        waits for the opening).
    peak_load : float
        The same for the block's busiest hour of the week.
    servers : int
        Servers at work in the block (the block's staff, or the constant staff).
    staffed_hours_per_week : int
        The block's hours in a week (whole hours of the calendar's open hours).
    """

    block: str
    start_hour: float
    end_hour: float
    offered_load: float
    peak_load: float
    servers: int
    staffed_hours_per_week: int

    @property
    def min_stable_servers(self) -> int:
        """Least servers above the block's average load (``floor(A) + 1``)."""
        return min_stable_servers(self.offered_load)

    @property
    def peak_min_stable_servers(self) -> int:
        """Least servers above the block's busiest hour's load."""
        return min_stable_servers(self.peak_load)

    @property
    def utilisation(self) -> float:
        """Offered load / servers of the block (inf with no servers)."""
        return self.offered_load / self.servers if self.servers else math.inf

    @property
    def peak_overloaded(self) -> bool:
        """Whether the block's busiest hour's load is at or above its servers."""
        return self.peak_load > 0 and self.peak_load >= self.servers


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
    blocks : tuple of BlockLoad
        The load of each shift block when the resource is staffed by block (empty otherwise);
        ``servers`` is then the headcount, and :attr:`staffed_servers` the average at work.
    """

    resource: str
    offered_load: float
    peak_load: float
    servers: int
    min_stable_servers: int
    mean_patience_h: float | None = None
    abandon_probability: float | None = None
    peak_abandon_probability: float | None = None
    blocks: tuple[BlockLoad, ...] = ()

    @property
    def staffed_servers(self) -> float:
        """Servers at work on average over the staffed hours: :attr:`servers`, or with blocks
        each block's servers weighted by its hours."""
        if not self.blocks:
            return self.servers
        hours = sum(b.staffed_hours_per_week for b in self.blocks)
        return sum(b.servers * b.staffed_hours_per_week for b in self.blocks) / hours

    @property
    def utilisation(self) -> float:
        """Offered load / servers at work on average (inf with no servers)."""
        servers = self.staffed_servers
        return self.offered_load / servers if servers else math.inf

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
        return self.abandonment or self.offered_load < self.staffed_servers

    @property
    def peak_overloaded(self) -> bool:
        """Whether the busiest hour's load is at or above the capacity (with blocks: of any
        block, against its own servers)."""
        if self.blocks:
            return any(b.peak_overloaded for b in self.blocks)
        return self.peak_load >= self.servers

    @property
    def warnings(self) -> list[str]:
        """What a planner should know about this queue (empty when nothing); one line each.

        A load at or above capacity that only abandonment keeps stable, and a peak hour above
        capacity (work queues up, or callers abandon, in the busiest hours).
        """
        lines: list[str] = []
        if self.abandonment and self.offered_load >= self.staffed_servers:
            lines.append(
                f"{self.resource}: offered load {self.offered_load:.2f} Erlang >= "
                f"{self._servers_text()} (utilisation {self.utilisation:.0%}); a steady "
                f"state only because callers abandon: about {self._abandon_text()}"
            )
        elif self.blocks:
            lines += [self._block_warning(b) for b in self.blocks if b.peak_overloaded]
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

    def _servers_text(self) -> str:
        if not self.blocks:
            return f"{self.servers} server(s)"
        return f"{self.staffed_servers:.2f} server(s) on average over the shift blocks"

    def _block_warning(self, block: BlockLoad) -> str:
        consequence = (
            f"callers abandon in its busiest hour: about {self._abandon_text()}"
            if self.abandonment
            else "work queues up and is worked off later; "
            f"{block.peak_min_stable_servers} would keep up with its peak"
        )
        return (
            f"{self.resource}: block {block.block} ({block.start_hour:g}–{block.end_hour:g} h) "
            f"peak-hour offered load {block.peak_load:.2f} Erlang >= {block.servers} "
            f"server(s) (peak utilisation {block.peak_load / max(block.servers, 1):.0%}); "
            + consequence
        )

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
            f"{q.resource}: offered load {q.offered_load:.2f} >= {q._servers_text()} "
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


def _pool_hourly_load(
    scenario: Scenario, pool_name: str, rates: dict[str, list[float]]
) -> list[float]:
    """Agents busy (Erlang) that the calls of each hour of the week bring to ``pool_name``."""
    handling_h = scenario.order_entry.handling_time_s.expected_value / 3600.0
    hourly = [0.0] * HOURS_PER_WEEK
    for name, tier in scenario.tiers.items():
        if scenario.pool_of(name) != pool_name:
            continue
        phone_share = sum(
            share
            for ch, share in tier.channel_mix.items()
            if scenario.channels[ch].uses_order_entry
        )
        for h in range(HOURS_PER_WEEK):
            hourly[h] += rates[name][h] * phone_share * handling_h
    return hourly


def _picking_hourly_load(scenario: Scenario, rates: dict[str, list[float]]) -> list[float]:
    """Pickers busy (Erlang) that the orders of each hour of the week bring."""
    pk = scenario.picking
    hourly = [0.0] * HOURS_PER_WEEK
    for name, tier in scenario.tiers.items():
        lines = max(1.0, tier.lines_per_order.expected_value)
        pick_h = (
            pk.time_per_order_min.expected_value + lines * pk.time_per_line_min.expected_value
        ) / 60.0
        for h in range(HOURS_PER_WEEK):
            hourly[h] += rates[name][h] * pick_h
    return hourly


def _hourly_load(scenario: Scenario, resource: str) -> list[float]:
    """Erlang of each hour of the week for ``agents.<pool>`` or ``pickers``."""
    rates = {name: _hourly_rates(scenario, t) for name, t in scenario.tiers.items()}
    if resource == "pickers":
        return _picking_hourly_load(scenario, rates)
    pool = resource.removeprefix("agents.")
    if resource.startswith("agents.") and pool in scenario.order_entry.pools:
        return _pool_hourly_load(scenario, pool, rates)
    known = ", ".join([f"agents.{p}" for p in scenario.order_entry.pools] + ["pickers"])
    raise ValueError(f"resource {resource!r} is not staffed by block (known: {known})")


def _staffing(scenario: Scenario, resource: str) -> tuple[int, dict[str, int] | None]:
    """Headcount and servers by block (``None``: constant) of ``agents.<pool>``/``pickers``."""
    if resource == "pickers":
        return scenario.picking.pickers, scenario.picking.pickers_by_block
    pool = scenario.order_entry.pools[resource.removeprefix("agents.")]
    return pool.agents, pool.agents_by_block


def block_loads(
    scenario: Scenario, resource: str, block_starts: Sequence[str] | None = None
) -> tuple[BlockLoad, ...]:
    """Offered load of each shift block of ``resource``, from the tiers' hourly profiles.

    Parameters
    ----------
    scenario : Scenario
        A scenario with a calendar.
    resource : str
        ``agents.<pool>`` or ``pickers``.
    block_starts : sequence of str, optional
        Block keys (two-digit start hours, the first at the opening); default: the
        resource's own blocks, else blocks of
        :data:`~tierwise.simulation.scenario.shift_blocks.DEFAULT_BLOCK_H` hours.

    Returns
    -------
    tuple of BlockLoad
        In time order; ``servers`` is what the scenario staffs at each block's start.

    Raises
    ------
    ValueError
        Without a calendar, or for a resource other than a pool's agents or the pickers.
    """
    cal = scenario.calendar
    if cal is None:
        raise ValueError("shift blocks need a calendar (the blocks cut its open hours)")
    hourly = _hourly_load(scenario, resource)
    headcount, by_block = _staffing(scenario, resource)
    if block_starts is None:
        block_starts = (
            tuple(by_block) if by_block else default_block_starts(cal.open_hour, cal.close_hour)
        )
    spans = shift_blocks(dict.fromkeys(block_starts, 0), cal.close_hour)
    staffed = shift_blocks(by_block, cal.close_hour) if by_block else ()

    def block_at(hour: float, blocks: Sequence[Any]) -> int:
        return max(i for i, b in enumerate(blocks) if b.start_hour <= hour)

    work = [0.0] * len(spans)
    hours: list[list[float]] = [[] for _ in spans]
    for h in range(HOURS_PER_WEEK):
        hour = h % 24
        if (h // 24) in cal.working_days and cal.open_hour <= hour < cal.close_hour:
            i = block_at(hour, spans)
            hours[i].append(hourly[h])
        else:
            i = 0  # waits for the opening
        work[i] += hourly[h]
    return tuple(
        BlockLoad(
            span.key,
            span.start_hour,
            span.end_hour,
            work[i] / max(len(hours[i]), 1),
            max(hours[i], default=0.0),
            staffed[block_at(span.start_hour, staffed)].servers if staffed else headcount,
            len(hours[i]),
        )
        for i, span in enumerate(spans)
    )


def min_stable_servers_by_block(
    scenario: Scenario, resource: str, block_starts: Sequence[str] | None = None
) -> dict[str, int]:
    """Least stable staff of each shift block: ``block key → floor(A) + 1`` of its average
    offered load (:func:`block_loads`; the lower end of a per-block staffing range)."""
    return {b.block: b.min_stable_servers for b in block_loads(scenario, resource, block_starts)}


def offered_loads(scenario: Scenario) -> list[QueueLoad]:
    """Offered load of agents (per pool), pickers and fleet vehicles."""
    staffed = _staffed_hours_per_week(scenario)
    staffed_count = max(len(staffed), 1)
    loads: list[QueueLoad] = []
    rates = {name: _hourly_rates(scenario, t) for name, t in scenario.tiers.items()}
    if scenario.order_entry.enabled:
        handling_h = scenario.order_entry.handling_time_s.expected_value / 3600.0
        patience = scenario.order_entry.patience_s
        patience_h = patience.expected_value / 3600.0 if patience is not None else None
        for pool_name, pool in scenario.order_entry.pools.items():
            hourly = _pool_hourly_load(scenario, pool_name, rates)
            mean_load = sum(hourly) / staffed_count
            blocks = (
                block_loads(scenario, f"agents.{pool_name}")
                if pool.agents_by_block is not None
                else ()
            )
            if blocks:
                mean_abandon, peak_abandon = _block_abandonment(blocks, handling_h, patience_h)
            else:
                mean_abandon = _abandonment(pool.agents, mean_load, handling_h, patience_h)
                peak_abandon = _abandonment(pool.agents, max(hourly), handling_h, patience_h)
            loads.append(
                QueueLoad(
                    f"agents.{pool_name}",
                    mean_load,
                    max(hourly),
                    pool.agents,
                    min_stable_servers(mean_load),
                    patience_h,
                    mean_abandon,
                    peak_abandon,
                    blocks,
                )
            )
    if scenario.picking.enabled:
        pk = scenario.picking
        hourly = _picking_hourly_load(scenario, rates)
        load = sum(hourly) / staffed_count
        blocks = block_loads(scenario, "pickers") if pk.pickers_by_block is not None else ()
        loads.append(
            QueueLoad(
                "pickers",
                load,
                max(hourly),
                pk.pickers,
                min_stable_servers(load),
                blocks=blocks,
            )
        )
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


def _block_abandonment(
    blocks: Sequence[BlockLoad], handling_h: float, patience_h: float | None
) -> tuple[float | None, float | None]:
    """Abandonment of a pool staffed by block: each block's Erlang A at its own load and
    servers, weighted by its calls; and in the busiest hour of the most stretched block
    (largest peak load minus servers)."""
    if patience_h is None:
        return None, None
    work = [b.offered_load * b.staffed_hours_per_week for b in blocks]
    fractions = [_abandonment(b.servers, b.offered_load, handling_h, patience_h) for b in blocks]
    mean = sum(w * (f or 0.0) for w, f in zip(work, fractions, strict=True)) / max(
        sum(work), 1e-300
    )
    peak = max(blocks, key=lambda b: b.peak_load - b.servers)
    return mean, _abandonment(peak.servers, peak.peak_load, handling_h, patience_h)


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
