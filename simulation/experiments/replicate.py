"""Independent replications of one scenario, a fixed number or to a target precision.

:func:`replicate` runs a fixed number of replications, or follows the sequential rule of
:mod:`tierwise.simulation.experiments.precision` until the relative half-width of every
requested metric is under a target (with a cap). Replication ``i`` uses only
``(scenario.seed, i)``, so results are identical whether run serially or on any number of
worker processes (:mod:`tierwise.simulation.experiments.executor`).

Revenue and profit are not counted by the engine (it counts *booked* revenue, revenue per
order × completed orders): a tier's revenue is its revenue response at the simulated service,
which the optimisation layer defines. The caller injects it as a :data:`TierRevenue` function
(``tierwise.optimization.economics.tiers.scenario_revenue``) and :func:`derived_metrics` adds
revenue and profit per tier and in total to a replication's flat metrics.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tierwise.simulation.analysis.statistics import Estimate, estimate
from tierwise.simulation.engine.results import RunResult
from tierwise.simulation.experiments.executor import Executor, executor_scope
from tierwise.simulation.experiments.precision import (
    PrecisionRule,
    default_precision_metrics,
    run_sequential,
    worst_relative_half_width,
)
from tierwise.simulation.experiments.tasks import run_replication
from tierwise.simulation.metrics import BOOKED_REVENUE, PROFIT, REVENUE
from tierwise.simulation.scenario.schema import Scenario

if TYPE_CHECKING:  # pandas loads when a table is asked for
    import pandas as pd

__all__ = [
    "INITIAL_REPLICATIONS",
    "ReplicationSummary",
    "TierRevenue",
    "derived_metrics",
    "replicate",
    "run_replications",
]

logger = logging.getLogger(__name__)

#: First batch of :func:`replicate` with a precision target.
INITIAL_REPLICATIONS = 5

TierRevenue = Callable[[str, Mapping[str, float]], float]
"""``revenue(tier, metrics) → USD/day``: a tier's revenue in one replication from its per-tier
metrics (``"perfect_order_rate" → 0.93`` …); the application layer builds it from the
scenario's revenue responses."""


def derived_metrics(result: RunResult, revenue: TierRevenue) -> dict[str, float]:
    """Flat metrics of one replication plus revenue and profit per tier and in total (USD/day).

    ``"A.revenue_per_day_usd" = revenue("A", metrics of A)``, ``"A.profit_per_day_usd" =
    "A.revenue_per_day_usd" − "A.cost_per_day_usd"``; ``"total.revenue_per_day_usd"`` and
    ``"total.booked_revenue_per_day_usd"`` are sums over tiers, ``"total.profit_per_day_usd"``
    is total revenue − ``"total.cost_per_day_usd"`` (every cost line item, also costs no tier
    is charged for, e.g. an idle fleet).
    """
    row = dict(result.flat())
    total_revenue = 0.0
    total_booked = 0.0
    for tier, metrics in result.tiers.items():
        tier_revenue = float(revenue(tier, metrics))
        row[f"{tier}.{REVENUE}"] = tier_revenue
        row[f"{tier}.{PROFIT}"] = tier_revenue - metrics.get("cost_per_day_usd", 0.0)
        total_revenue += tier_revenue
        total_booked += metrics.get(BOOKED_REVENUE, 0.0)
    row[f"total.{BOOKED_REVENUE}"] = total_booked
    row[f"total.{REVENUE}"] = total_revenue
    row[f"total.{PROFIT}"] = total_revenue - row["total.cost_per_day_usd"]
    return row


@dataclass(frozen=True)
class ReplicationSummary:
    """Results of several replications of one scenario.

    Attributes
    ----------
    scenario : Scenario
        The simulated scenario.
    runs : list of RunResult
        One per replication, in replication order.
    confidence : float
        Level of the intervals in :meth:`estimates`.
    revenue : TierRevenue, optional
        The scenario's revenue function; with it every replication also has revenue and profit
        per tier and in total (:func:`derived_metrics`), without it only booked revenue.
    """

    scenario: Scenario
    runs: list[RunResult]
    confidence: float = 0.95
    revenue: TierRevenue | None = None

    def rows(self) -> list[dict[str, float]]:
        """One flat mapping per replication (``RunResult.flat`` or :func:`derived_metrics`)."""
        if self.revenue is None:
            return [r.flat() for r in self.runs]
        return [derived_metrics(r, self.revenue) for r in self.runs]

    def estimates(self) -> dict[str, Estimate]:
        """``"A.on_time_rate" → Estimate`` for every flat metric of :meth:`rows`."""
        rows = self.rows()
        keys = list(dict.fromkeys(k for row in rows for k in row))
        return {k: estimate([row.get(k, math.nan) for row in rows], self.confidence) for k in keys}

    def to_frame(self) -> pd.DataFrame:
        """The estimates as a long table: one row per (scope, metric).

        Returns
        -------
        pandas.DataFrame
            Columns ``scope`` (a tier, ``utilisation``, ``cost``, ``total``, ``inventory``),
            ``metric``, ``unit`` (from the metric registry: ``rate``, ``USD/day``, ``h`` …),
            ``mean``, ``half_width`` (of the :attr:`confidence` interval, in the unit; a rate's
            as a fraction) and ``n`` (replications), in the order of :meth:`estimates`.
        """
        import pandas as pd

        from tierwise.simulation.metrics import unit_of_key

        tiers = tuple(self.scenario.tiers)
        rows = []
        for key, est in self.estimates().items():
            scope, _, metric = key.partition(".")
            rows.append(
                {
                    "scope": scope,
                    "metric": metric,
                    "unit": unit_of_key(key, tiers),
                    "mean": est.mean,
                    "half_width": est.half_width,
                    "n": est.n,
                }
            )
        columns = ["scope", "metric", "unit", "mean", "half_width", "n"]
        return pd.DataFrame(rows, columns=columns)

    def to_dict(self) -> dict[str, object]:
        """Machine-readable summary: scenario hash, seed, replications, estimates."""
        ests = self.estimates()
        tiers: dict[str, dict[str, object]] = {}
        other: dict[str, object] = {}
        for key, est in ests.items():
            head, _, metric = key.partition(".")
            if head in self.scenario.tiers:
                tiers.setdefault(head, {})[metric] = est.to_dict()
            else:
                other[key] = est.to_dict()
        return {
            "scenario": self.scenario.name,
            "scenario_hash": self.scenario.content_hash,
            "seed": self.scenario.seed,
            "replications": len(self.runs),
            "confidence": self.confidence,
            "tiers": tiers,
            "system": other,
        }


def run_replications(
    scenario: Scenario,
    replications: Sequence[int],
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
    executor: Executor | None = None,
) -> list[RunResult]:
    """Run the given replication indices, serially or on worker processes.

    Parameters
    ----------
    scenario : Scenario
        What to simulate.
    replications : sequence of int
        Replication indices.
    workers : int
        Worker processes of the executor made for this call (when ``executor`` is None).
    progress : callable, optional
        Called with 1 after every finished run.
    executor : Executor, optional
        A running executor to use (and leave running).

    Returns
    -------
    list of RunResult
        In the order of ``replications``; independent of the executor and of ``workers``.
    """
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    jobs = [(scenario, r) for r in replications]
    with executor_scope(executor, min(workers, max(len(jobs), 1))) as pool:
        return pool.map(run_replication, jobs, progress)


def replicate(
    scenario: Scenario,
    replications: int | None = None,
    precision: float | None = None,
    metrics: Sequence[str] | None = None,
    max_replications: int = 200,
    workers: int = 1,
    confidence: float = 0.95,
    progress: Callable[[int], None] | None = None,
    executor: Executor | None = None,
    revenue: TierRevenue | None = None,
) -> ReplicationSummary:
    """Replicate a scenario a fixed number of times or to a target precision.

    Parameters
    ----------
    scenario : Scenario
        What to simulate.
    replications : int, optional
        Fixed number of replications (default: ``scenario.replications``).
    precision : float, optional
        Target relative half-width (e.g. 0.02 = ±2 %) for every metric in ``metrics``;
        starting from :data:`INITIAL_REPLICATIONS`, replications are added in batches
        (:class:`~tierwise.simulation.experiments.precision.PrecisionRule`) until it is met
        or ``max_replications`` is reached. The count does not depend on ``workers``.
    metrics : sequence of str, optional
        Flat metric names (``"A.on_time_rate"``) the precision applies to; default: every tier's
        ``perfect_order_rate`` and ``cost_per_day_usd``.
    max_replications : int
        Cap for the sequential procedure (>= 2).
    workers : int
        Worker processes (when no ``executor`` is given).
    confidence : float
        Confidence level of the intervals.
    progress : callable, optional
        Called with 1 after every finished run.
    executor : Executor, optional
        A running executor to use and leave running (e.g. shared by several phases).
    revenue : TierRevenue, optional
        Revenue function of the summary (:class:`ReplicationSummary`); does not change what
        is simulated.
    """
    if replications is not None and precision is not None:
        raise ValueError("give either replications or precision, not both")
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    if precision is None:
        n = replications if replications is not None else scenario.replications
        if n < 1:
            raise ValueError(f"replications must be >= 1, got {n}")
        fixed = run_replications(scenario, range(n), workers, progress, executor)
        return ReplicationSummary(scenario, fixed, confidence, revenue)
    if max_replications < 2:
        raise ValueError(f"max_replications must be >= 2, got {max_replications}")
    rule = PrecisionRule(
        precision, min(INITIAL_REPLICATIONS, max_replications), max_replications, confidence
    )
    watched = list(metrics) if metrics else default_precision_metrics(scenario.tiers)
    runs: list[RunResult] = []
    with executor_scope(executor, workers) as pool:

        def extend(start: int, stop: int) -> None:
            runs.extend(
                run_replications(scenario, range(start, stop), progress=progress, executor=pool)
            )

        def worst() -> float:
            rows = ReplicationSummary(scenario, runs, confidence, revenue).rows()
            unknown = [m for m in watched if not any(m in row for row in rows)]
            if unknown:
                raise ValueError(f"unknown metric(s) for precision: {', '.join(unknown)}")
            samples = {m: [row.get(m, math.nan) for row in rows] for m in watched}
            return worst_relative_half_width(samples, confidence)

        run_sequential(rule, extend, worst)
    return ReplicationSummary(scenario, runs, confidence, revenue)
