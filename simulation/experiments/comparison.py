"""The result of a strategy comparison: difference rows and the :class:`Comparison` document.

:func:`~tierwise.simulation.experiments.compare.compare_strategies` builds a
:class:`Comparison`: for every non-baseline strategy × scope (each tier, and ``total`` for the
system-wide cost, booked revenue, revenue and profit) × metric a :class:`DifferenceRow` with
both strategies' own Student-t estimates, the paired difference under common random numbers
and the unpaired (Welch) half-width, plus the best-strategy selection by total profit
(:func:`~tierwise.simulation.analysis.statistics.select_best`); revenue is the tiers' revenue
response at the simulated service, profit = revenue − cost. The statistics are in
:mod:`tierwise.simulation.analysis.statistics`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tierwise.simulation.analysis.statistics import (
    BestSelection,
    PairedDifference,
    finite_or_none,
)
from tierwise.simulation.metrics import BOOKED_REVENUE, PROFIT, REVENUE, metric_direction

__all__ = [
    "BEST_METRIC",
    "DEFAULT_METRICS",
    "TOTAL",
    "TOTAL_METRICS",
    "Comparison",
    "DifferenceRow",
]

#: Scope name of the system-wide figures (cost, revenue and profit of all tiers).
TOTAL = "total"
#: What the best strategy maximises.
BEST_METRIC = f"{TOTAL}.{PROFIT}"
#: Metrics compared by default (per tier; cost, revenue and profit also in total).
DEFAULT_METRICS: tuple[str, ...] = (
    "perfect_order_rate",
    "on_time_rate",
    "line_fill_rate",
    "answered_within_target_rate",
    "mean_cycle_time_h",
    "cost_per_day_usd",
    REVENUE,
)
#: Metrics that also have a ``total`` scope (revenue is the response's, booked revenue the
#: engine's count; profit = revenue − cost).
TOTAL_METRICS: tuple[str, ...] = ("cost_per_day_usd", BOOKED_REVENUE, REVENUE, PROFIT)


@dataclass(frozen=True)
class DifferenceRow:
    """One strategy × scope × metric: the strategy's value, the baseline's and the difference.

    Attributes
    ----------
    strategy, baseline : str
        The compared strategy and the baseline.
    scope : str
        Tier name, or ``"total"`` for system-wide cost/revenue/profit.
    metric : str
        Metric name (its suffix is the unit: ``_rate`` fraction, ``_h`` hours, ``_usd`` USD).
    unit : str
        Unit of the values (``rate`` = fraction in [0, 1]).
    strategy_mean, strategy_half_width, baseline_mean, baseline_half_width : float
        Each strategy's own mean and Student-t half-width over the replications.
    difference : PairedDifference
        ``strategy − baseline``, paired over replications.
    unpaired_half_width : float
        Welch half-width of the same difference ignoring the pairing (what independent
        sampling would have given).
    """

    strategy: str
    baseline: str
    scope: str
    metric: str
    unit: str
    strategy_mean: float
    strategy_half_width: float
    baseline_mean: float
    baseline_half_width: float
    difference: PairedDifference
    unpaired_half_width: float

    @property
    def direction(self) -> int:
        """``+1`` higher is better, ``-1`` lower is better, ``0`` neither."""
        return metric_direction(self.metric)

    @property
    def verdict(self) -> str:
        """``"better"``, ``"worse"``, ``"higher"``/``"lower"`` (no direction) or ``"n.s."``."""
        if not self.difference.significant:
            return "n.s."
        up = self.difference.mean > 0
        if self.direction == 0:
            return "higher" if up else "lower"
        return "better" if up == (self.direction > 0) else "worse"

    @property
    def relative_difference(self) -> float:
        """Difference / |baseline mean| (NaN when the baseline mean is 0)."""
        if not self.baseline_mean or not math.isfinite(self.baseline_mean):
            return math.nan
        return self.difference.mean / abs(self.baseline_mean)

    def record(self) -> dict[str, Any]:
        """Flat record (one row of :meth:`Comparison.to_frame`)."""
        d = self.difference
        return {
            "strategy": self.strategy,
            "baseline": self.baseline,
            "scope": self.scope,
            "metric": self.metric,
            "unit": self.unit,
            "strategy_mean": self.strategy_mean,
            "strategy_half_width": self.strategy_half_width,
            "baseline_mean": self.baseline_mean,
            "baseline_half_width": self.baseline_half_width,
            "difference": d.mean,
            "difference_half_width": d.half_width,
            "difference_low": d.low,
            "difference_high": d.high,
            "relative_difference": self.relative_difference,
            "unpaired_half_width": self.unpaired_half_width,
            "p_value": d.p_value,
            "significant": d.significant,
            "verdict": self.verdict,
            "n_replications": d.n,
            "confidence": d.confidence,
        }


@dataclass(frozen=True)
class Comparison:
    """Strategies compared with a baseline under common random numbers.

    Attributes
    ----------
    strategies : tuple of str
        All strategies, baseline included, in input order.
    baseline : str
        The reference strategy.
    descriptions : dict
        ``strategy → description``.
    scenario_hashes : dict
        ``strategy → sha256`` of its scenario.
    seed : int
        The shared seed.
    replications : int
        Paired replications per strategy (indices ``0 … n−1``).
    confidence : float
        Level of every interval (per comparison for differences, family-wise for the best).
    tiers : tuple of str
        Tier names.
    metrics : tuple of str
        Compared metrics (``profit_per_day_usd`` always last).
    rows : tuple of DifferenceRow
        One per non-baseline strategy × scope (tiers, then ``total``) × metric.
    best : BestSelection
        The best strategy by total profit per day (revenue response − cost).
    samples : dict
        ``strategy → DataFrame`` (index: replication; columns: flat metrics such as
        ``"A.perfect_order_rate"`` plus ``"A.revenue_per_day_usd"``, ``"A.profit_per_day_usd"``,
        ``"total.…"``).
    precision : float, optional
        Target relative half-width of the profit differences, if one was given.
    precision_reached : bool, optional
        Whether that target was met (``None`` without a target).
    """

    strategies: tuple[str, ...]
    baseline: str
    descriptions: dict[str, str]
    scenario_hashes: dict[str, str]
    seed: int
    replications: int
    confidence: float
    tiers: tuple[str, ...]
    metrics: tuple[str, ...]
    rows: tuple[DifferenceRow, ...]
    best: BestSelection
    samples: dict[str, pd.DataFrame] = field(repr=False)
    precision: float | None = None
    precision_reached: bool | None = None

    @property
    def method(self) -> str:
        """How the differences were estimated (the best-strategy method is in ``best.method``)."""
        return (
            f"paired differences strategy - baseline over {self.replications} common-random-"
            f"number replications (same seed {self.seed}, same replication indices); Student-t "
            f"{self.confidence:.0%} interval of the mean difference (per comparison, not "
            "adjusted for multiplicity); two-sided paired t-test p-value; significant when the "
            "interval excludes 0"
        )

    def row(self, strategy: str, scope: str, metric: str) -> DifferenceRow:
        """The row of one strategy × scope × metric.

        Raises
        ------
        KeyError
            If there is no such row.
        """
        for r in self.rows:
            if (r.strategy, r.scope, r.metric) == (strategy, scope, metric):
                return r
        raise KeyError(f"no comparison row for {strategy} / {scope} / {metric}")

    def values(self, strategy: str, key: str) -> np.ndarray:
        """Per-replication values of a flat metric (``"A.perfect_order_rate"``)."""
        frame = self.samples[strategy]
        if key not in frame.columns:
            raise KeyError(f"no metric {key!r} for strategy {strategy!r}")
        return frame[key].to_numpy(dtype=float)

    def to_frame(self) -> pd.DataFrame:
        """Long table: one row per strategy × scope × metric (see :meth:`DifferenceRow.record`).

        Value columns (``strategy_mean``, ``difference``, ``difference_half_width`` …) are in
        the row's ``unit``; the metric name carries the unit suffix too.
        """
        return pd.DataFrame([r.record() for r in self.rows])

    def to_dict(self) -> dict[str, Any]:
        """JSON-able document: set-up, methods, every difference row and the best strategy."""
        rows = []
        for r in self.rows:
            rec = r.record()
            rows.append(
                {k: (finite_or_none(v) if isinstance(v, float) else v) for k, v in rec.items()}
            )
        return {
            "strategies": [
                {
                    "name": s,
                    "description": self.descriptions.get(s, ""),
                    "scenario_hash": self.scenario_hashes[s],
                }
                for s in self.strategies
            ],
            "baseline": self.baseline,
            "seed": self.seed,
            "replications": self.replications,
            "confidence": self.confidence,
            "precision": self.precision,
            "precision_reached": self.precision_reached,
            "tiers": list(self.tiers),
            "metrics": list(self.metrics),
            "method": self.method,
            "differences": rows,
            "best": self.best.to_dict(),
        }
