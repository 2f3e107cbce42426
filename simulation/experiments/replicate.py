"""Independent replications and Student-t confidence intervals.

:func:`replicate` runs a fixed number of replications, or keeps adding replications until the
relative half-width of every requested metric is under a target (with a cap). Replication ``i``
uses only ``(scenario.seed, i)``, so results are identical whether run serially or on any
number of worker processes.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy import stats

from tierwise.simulation.engine import run
from tierwise.simulation.engine.results import RunResult
from tierwise.simulation.scenario.schema import Scenario

__all__ = ["Estimate", "ReplicationSummary", "estimate", "replicate", "run_replications"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Estimate:
    """Mean of a metric over replications with its confidence-interval half-width.

    Attributes
    ----------
    mean : float
        Sample mean over replications (unit of the metric).
    half_width : float
        Student-t half-width at ``confidence`` (same unit); NaN when n < 2.
    n : int
        Number of replications with a finite value.
    confidence : float
        Confidence level of the interval, e.g. 0.95.
    """

    mean: float
    half_width: float
    n: int
    confidence: float

    @property
    def low(self) -> float:
        """Lower end of the interval."""
        return self.mean - self.half_width

    @property
    def high(self) -> float:
        """Upper end of the interval."""
        return self.mean + self.half_width

    @property
    def relative_half_width(self) -> float:
        """Half-width divided by |mean| (inf when the mean is 0)."""
        if self.mean == 0:
            return 0.0 if self.half_width == 0 else math.inf
        return abs(self.half_width / self.mean)

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies inside the interval."""
        return self.low <= value <= self.high

    def to_dict(self) -> dict[str, float | int]:
        """JSON-able ``{mean, half_width, n}``."""
        return {"mean": self.mean, "half_width": self.half_width, "n": self.n}


def estimate(values: Iterable[float], confidence: float = 0.95) -> Estimate:
    """Student-t estimate from per-replication values (NaNs are ignored)."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie in (0, 1), got {confidence}")
    data = np.asarray([v for v in values if v is not None and math.isfinite(v)], dtype=float)
    n = int(data.size)
    if n == 0:
        return Estimate(math.nan, math.nan, 0, confidence)
    mean = float(data.mean())
    if n < 2:
        return Estimate(mean, math.nan, n, confidence)
    sd = float(data.std(ddof=1))
    t = float(stats.t.ppf(0.5 + confidence / 2.0, n - 1))
    return Estimate(mean, t * sd / math.sqrt(n), n, confidence)


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
    """

    scenario: Scenario
    runs: list[RunResult]
    confidence: float = 0.95

    def estimates(self) -> dict[str, Estimate]:
        """``"A.on_time_rate" → Estimate`` for every flat metric (see ``RunResult.flat``)."""
        rows = [r.flat() for r in self.runs]
        keys = list(dict.fromkeys(k for row in rows for k in row))
        return {k: estimate([row.get(k, math.nan) for row in rows], self.confidence) for k in keys}

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


def _run_one(args: tuple[Scenario, int]) -> RunResult:
    scenario, replication = args
    return run(scenario, replication)


def run_replications(
    scenario: Scenario,
    replications: Sequence[int],
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> list[RunResult]:
    """Run the given replication indices, serially or on ``workers`` processes.

    Results come back in the order of ``replications`` and do not depend on ``workers``.
    """
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    jobs = [(scenario, r) for r in replications]
    results: list[RunResult] = []
    if workers == 1 or len(jobs) == 1:
        for job in jobs:
            results.append(_run_one(job))
            if progress:
                progress(1)
        return results
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for result in pool.map(_run_one, jobs):
            results.append(result)
            if progress:
                progress(1)
    return results


def replicate(
    scenario: Scenario,
    replications: int | None = None,
    precision: float | None = None,
    metrics: Sequence[str] | None = None,
    max_replications: int = 200,
    workers: int = 1,
    confidence: float = 0.95,
    progress: Callable[[int], None] | None = None,
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
        replications are added in batches until it is met or ``max_replications`` is reached.
    metrics : sequence of str, optional
        Flat metric names (``"A.on_time_rate"``) the precision applies to; default: every tier's
        ``perfect_order_rate`` and ``cost_per_day_usd``.
    max_replications : int
        Cap for the sequential procedure.
    workers : int
        Worker processes.
    confidence : float
        Confidence level of the intervals.
    """
    if replications is not None and precision is not None:
        raise ValueError("give either replications or precision, not both")
    if precision is None:
        n = replications if replications is not None else scenario.replications
        if n < 1:
            raise ValueError(f"replications must be >= 1, got {n}")
        runs = run_replications(scenario, range(n), workers, progress)
        return ReplicationSummary(scenario, runs, confidence)
    if not 0 < precision < 1:
        raise ValueError(f"precision must lie in (0, 1) (relative half-width), got {precision}")
    watched = (
        list(metrics)
        if metrics
        else [
            f"{t}.{m}" for t in scenario.tiers for m in ("perfect_order_rate", "cost_per_day_usd")
        ]
    )
    batch = max(workers, 1)
    runs = run_replications(scenario, range(max(5, batch)), workers, progress)
    while True:
        summary = ReplicationSummary(scenario, runs, confidence)
        ests = summary.estimates()
        unknown = [m for m in watched if m not in ests]
        if unknown:
            raise ValueError(f"unknown metric(s) for precision: {', '.join(unknown)}")
        worst = max(
            (ests[m].relative_half_width for m in watched if ests[m].n >= 2), default=math.inf
        )
        if worst <= precision:
            return summary
        if len(runs) >= max_replications:
            logger.warning(
                "precision %.3g not reached after %d replications (worst %.3g)",
                precision,
                len(runs),
                worst,
            )
            return summary
        # estimate how many more replications the worst metric needs (half-width ~ 1/sqrt(n))
        needed = math.ceil(len(runs) * (worst / precision) ** 2) - len(runs)
        more = min(max(needed, batch), max_replications - len(runs), max(len(runs), batch))
        start = len(runs)
        runs = runs + run_replications(scenario, range(start, start + more), workers, progress)
