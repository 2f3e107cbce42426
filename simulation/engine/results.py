"""Streaming accumulators and the typed result of one simulation run.

Memory stays flat as the horizon grows: per tier the engine keeps counters and a fixed
log-spaced histogram of order-cycle times (for the 95th percentile, relative resolution 0.4 %),
never a list of orders. Metric names, units and definitions are in
:mod:`tierwise.simulation.metrics`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from tierwise.simulation.engine.stages import N_STAGES, Stage

#: Completed orders a tier's accumulator collects before summing them (:meth:`flush`).
FLUSH_EVERY = 1024

__all__ = [
    "FLUSH_EVERY",
    "STAGES",
    "CycleTimeHistogram",
    "RunResult",
    "TierAccumulator",
    "tier_metrics",
]


class CycleTimeHistogram:
    """Log-spaced histogram of positive durations in hours, for streaming quantiles.

    Bins span 1e-4 h … 1e4 h in 4,000 log-equal steps (each bin 0.46 % wide); values outside
    go to under/overflow bins. Quantiles are read at the bin's geometric centre.
    """

    LOW_H = 1e-4
    HIGH_H = 1e4
    BINS = 4000

    def __init__(self) -> None:
        self.counts = [0] * (self.BINS + 2)
        self._log_low = math.log(self.LOW_H)
        self._scale = self.BINS / (math.log(self.HIGH_H) - self._log_low)
        self.total = 0

    def add(self, value_h: float) -> None:
        """Record one duration (hours)."""
        if value_h < self.LOW_H:
            index = 0
        else:
            index = int((math.log(value_h) - self._log_low) * self._scale) + 1
            if index > self.BINS:
                index = self.BINS + 1
        self.counts[index] += 1
        self.total += 1

    def add_many(self, values_h: list[float]) -> None:
        """Record durations (hours), as :meth:`add` one by one."""
        counts, log_low, scale, top = self.counts, self._log_low, self._scale, self.BINS + 1
        low, log = self.LOW_H, math.log
        for value_h in values_h:
            if value_h < low:
                counts[0] += 1
            else:
                index = int((log(value_h) - log_low) * scale) + 1
                counts[index if index < top else top] += 1
        self.total += len(values_h)

    def quantile(self, q: float) -> float:
        """The ``q``-quantile (0 < q < 1) in hours, NaN when empty."""
        if self.total == 0:
            return math.nan
        rank = q * self.total
        running = 0
        for index, count in enumerate(self.counts):
            running += count
            if running >= rank and count:
                if index == 0:
                    return self.LOW_H
                if index == self.BINS + 1:
                    return self.HIGH_H
                return math.exp(self._log_low + (index - 0.5) / self._scale)
        return self.HIGH_H


@dataclass
class TierAccumulator:
    """Counters for the orders of one tier created in the measurement window.

    The quality flags of completed orders are counted as failures (``late``, ``incomplete``,
    ``damaged``, ``inaccurate``, ``misbilled``, ``imperfect``), so that the common perfect
    order adds to none of them; the successes are ``completed`` minus the failures
    (:attr:`on_time`, :attr:`complete`, … read them).
    """

    arrived: int = 0
    completed: int = 0
    lost: int = 0
    sum_cycle_h: float = 0.0
    histogram: CycleTimeHistogram = field(default_factory=CycleTimeHistogram)
    late: int = 0
    lines: int = 0
    lines_filled: int = 0
    incomplete: int = 0
    damaged: int = 0
    inaccurate: int = 0
    misbilled: int = 0
    imperfect: int = 0
    calls_offered: int = 0
    calls_answered: int = 0
    answered_within_target: int = 0
    calls_waited: int = 0
    sum_answer_wait_h: float = 0.0
    abandoned: int = 0
    stage_h: list[float] = field(default_factory=lambda: [0.0] * N_STAGES)  # by Stage
    #: cycle times and stage times of completed orders not yet summed (see :meth:`flush`)
    pending_cycle_h: list[float] = field(default_factory=list)
    pending_stage_h: list[list[float]] = field(default_factory=list)
    complaints: int = 0
    recovered: int = 0
    direct_cost_usd: float = 0.0
    revenue_usd: float = 0.0
    agent_busy_h: float = 0.0
    picker_busy_h: float = 0.0

    def flush(self) -> None:
        """Sum the pending completed orders into ``sum_cycle_h``, ``histogram`` and
        ``stage_h``; the engine flushes every :data:`FLUSH_EVERY` orders (memory stays flat).

        The sums are sequential, in completion order (``numpy.add.accumulate`` adds exactly
        as a loop does), so they equal the order-by-order sums to the last bit.
        """
        cycles = self.pending_cycle_h
        if not cycles:
            return
        self.sum_cycle_h = float(np.add.accumulate(np.array([self.sum_cycle_h, *cycles]))[-1])
        self.histogram.add_many(cycles)
        stages = np.array([self.stage_h, *self.pending_stage_h])
        self.stage_h = np.add.accumulate(stages, axis=0)[-1].tolist()
        self.pending_cycle_h = []
        self.pending_stage_h = []

    @property
    def on_time(self) -> int:
        """Completed orders delivered by their deadline."""
        return self.completed - self.late

    @property
    def complete(self) -> int:
        """Completed orders shipped complete (no line short at allocation)."""
        return self.completed - self.incomplete

    @property
    def damage_free(self) -> int:
        """Completed orders delivered undamaged."""
        return self.completed - self.damaged

    @property
    def accurate(self) -> int:
        """Completed orders keyed and picked right."""
        return self.completed - self.inaccurate

    @property
    def billed_right(self) -> int:
        """Completed orders billed right."""
        return self.completed - self.misbilled

    @property
    def perfect(self) -> int:
        """Perfect completed orders: on time, complete, undamaged, accurate, billed right."""
        return self.completed - self.imperfect


#: Stage names of the ``stage_<name>_h`` metrics, in :class:`Stage` order.
STAGES = tuple(stage.label for stage in Stage)


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else math.nan


@dataclass(frozen=True)
class RunResult:
    """Everything measured in one replication of one scenario.

    Attributes
    ----------
    scenario_hash : str
        sha256 of the scenario's canonical JSON.
    seed, replication : int
        Where the random numbers came from.
    measured_days : float
        Length of the measurement window (horizon − warm-up), days.
    tiers : dict
        ``tier → metric → value``; metric names and units in
        :data:`tierwise.simulation.metrics.METRICS`.
    resources : dict
        ``resource → utilisation`` (busy hours / staffed hours, in [0, 1]).
    costs : dict
        ``line item → USD per calendar day`` over the measurement window, every item of
        :data:`tierwise.simulation.engine.costing.COST_LINE_ITEMS` (wages_agents,
        wages_pickers, vehicles, holding, replenishment, shipping_and_recovery, pickups,
        late_pickup_surcharge, tours, overtime, desk_fixed).
    inventory : dict
        ``family → metric → value`` (line_fill_rate, mean_on_hand_units, …).
    tier_costs : dict
        ``tier → line item → USD per calendar day``: each tier's allocated cost by line item
        (they add up to the tier's ``cost_per_day_usd``); flat keys
        ``"A.cost.pickups_usd_per_day"``.
    """

    scenario_hash: str
    seed: int
    replication: int
    measured_days: float
    tiers: dict[str, dict[str, float]]
    resources: dict[str, float]
    costs: dict[str, float]
    inventory: dict[str, dict[str, float]]
    tier_costs: dict[str, dict[str, float]] = field(default_factory=dict)

    def flat(self) -> dict[str, float]:
        """One flat mapping ``"A.on_time_rate" → value``, ``"cost.holding" → …`` for tables."""
        row: dict[str, float] = {}
        for tier, metrics in self.tiers.items():
            for name, value in metrics.items():
                row[f"{tier}.{name}"] = value
        for name, value in self.resources.items():
            row[f"utilisation.{name}"] = value
        for name, value in self.costs.items():
            row[f"cost.{name}_usd_per_day"] = value
        row["total.cost_per_day_usd"] = sum(self.costs.values())
        for family, metrics in self.inventory.items():
            for name, value in metrics.items():
                row[f"inventory.{family}.{name}"] = value
        for tier, items in self.tier_costs.items():
            for name, value in items.items():
                row[f"{tier}.cost.{name}_usd_per_day"] = value
        return row


def tier_metrics(
    acc: TierAccumulator, in_progress: int, measured_days: float, cost_usd: float
) -> dict[str, float]:
    """Turn one tier's counters into the published metrics (registry: ``metrics.METRICS``);
    sums the pending completed orders first (:meth:`TierAccumulator.flush`)."""
    acc.flush()
    done = acc.completed
    return {
        "orders_arrived": float(acc.arrived),
        "orders_completed": float(done),
        "orders_lost": float(acc.lost),
        "orders_in_progress": float(in_progress),
        "orders_per_day": acc.arrived / measured_days,
        "mean_cycle_time_h": _ratio(acc.sum_cycle_h, done),
        "p95_cycle_time_h": acc.histogram.quantile(0.95),
        "on_time_rate": _ratio(acc.on_time, done),
        "line_fill_rate": _ratio(acc.lines_filled, acc.lines),
        "order_completeness_rate": _ratio(acc.complete, done),
        "damage_free_rate": _ratio(acc.damage_free, done),
        "order_accuracy_rate": _ratio(acc.accurate, done),
        "billing_accuracy_rate": _ratio(acc.billed_right, done),
        # a lost (abandoned) order is a failed order, not a missing one
        "perfect_order_rate": _ratio(acc.perfect, done + acc.lost),
        "calls_offered": float(acc.calls_offered),
        "answered_within_target_rate": _ratio(acc.answered_within_target, acc.calls_offered),
        "wait_probability": _ratio(acc.calls_waited, acc.calls_answered),
        "mean_speed_of_answer_s": _ratio(acc.sum_answer_wait_h * 3600.0, acc.calls_answered),
        "abandonment_rate": _ratio(acc.abandoned, acc.calls_offered),
        **{f"stage_{name}_h": _ratio(acc.stage_h[i], done) for i, name in enumerate(STAGES)},
        "complaints_raised": float(acc.complaints),
        "complaints_recovered": float(acc.recovered),
        "recovery_rate": _ratio(acc.recovered, acc.complaints),
        "cost_per_day_usd": cost_usd / measured_days,
        "cost_per_order_usd": _ratio(cost_usd, acc.arrived),
        # booked revenue; revenue and profit proper come from the tier's revenue response
        "booked_revenue_per_day_usd": acc.revenue_usd / measured_days,
    }
