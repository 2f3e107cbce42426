"""The one sequential-precision rule: replicate until every watched interval is tight enough.

Rule
    Start with ``initial`` replications. After each batch, compute the *worst* relative
    half-width of the watched quantities (half-width / |mean|, at the rule's confidence).
    Stop when it is at most ``target`` or ``max_replications`` is reached. Otherwise add

    ``min(max_replications − n, max(min_batch, min(needed, n)))`` replications, with
    ``needed = ⌈n · (worst / target)²⌉ − n``

    (the half-width shrinks like ``1/√n``, so ``needed`` projects what the worst quantity
    lacks; a batch at most doubles ``n``, so a noisy early estimate cannot overshoot far; an
    unknown worst, e.g. fewer than two values, doubles ``n``).

The batch sizes and the stopping decision depend only on the data of replications
``0 … n − 1`` (which depend only on the seed), never on the number of workers: 1 and 8
workers run the same replications. With a data-dependent stop the stated confidence levels
are approximate (the usual caveat of sequential procedures).

Used by :func:`~tierwise.simulation.experiments.replicate.replicate` (``precision=``), the
sweep (per variant, the spec's ``precision:``) and
:func:`~tierwise.simulation.experiments.compare.compare_strategies` (``precision=``, on the
profit differences).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from tierwise.simulation.analysis.statistics import check_confidence, estimate

__all__ = [
    "DEFAULT_MIN_BATCH",
    "PrecisionRule",
    "SequentialOutcome",
    "default_precision_metrics",
    "run_sequential",
    "worst_relative_half_width",
]

logger = logging.getLogger(__name__)

#: Smallest batch added after the first (independent of the number of workers).
DEFAULT_MIN_BATCH = 2
#: Metrics watched by default, per tier.
_DEFAULT_TIER_METRICS = ("perfect_order_rate", "cost_per_day_usd")


def default_precision_metrics(tiers: Iterable[str]) -> list[str]:
    """Every tier's ``perfect_order_rate`` and ``cost_per_day_usd`` (flat metric names)."""
    return [f"{tier}.{metric}" for tier in tiers for metric in _DEFAULT_TIER_METRICS]


@dataclass(frozen=True)
class PrecisionRule:
    """Target, start and cap of a sequential procedure (see the module docstring).

    Attributes
    ----------
    target : float
        Largest acceptable relative half-width in (0, 1), e.g. 0.02 for ±2 %.
    initial : int
        Replications of the first batch (>= 2).
    max_replications : int
        Cap (>= ``initial``).
    confidence : float
        Level of the half-widths.
    min_batch : int
        Smallest later batch (>= 1).
    """

    target: float
    initial: int
    max_replications: int
    confidence: float = 0.95
    min_batch: int = DEFAULT_MIN_BATCH

    def __post_init__(self) -> None:
        if not 0 < self.target < 1:
            raise ValueError(
                f"precision must lie in (0, 1) (relative half-width), got {self.target}"
            )
        if self.initial < 2:
            raise ValueError(f"initial replications must be >= 2, got {self.initial}")
        if self.max_replications < self.initial:
            raise ValueError(
                f"max_replications ({self.max_replications}) must be >= the initial "
                f"replications ({self.initial})"
            )
        if self.min_batch < 1:
            raise ValueError(f"min_batch must be >= 1, got {self.min_batch}")
        check_confidence(self.confidence)

    def reached(self, worst: float) -> bool:
        """Whether a worst relative half-width meets the target."""
        return worst <= self.target

    def next_batch(self, n: int, worst: float) -> int:
        """Replications to add after ``n`` with worst relative half-width ``worst`` (0: stop).

        Parameters
        ----------
        n : int
            Replications so far.
        worst : float
            Largest relative half-width of the watched quantities (``inf`` or NaN: unknown).
        """
        if self.reached(worst) or n >= self.max_replications:
            return 0
        # half-width ~ 1/sqrt(n): n (worst/target)^2 replications would meet the target
        finite = math.isfinite(worst)
        needed = math.ceil(n * (worst / self.target) ** 2) - n if finite else n
        return min(self.max_replications - n, max(self.min_batch, min(needed, n)))


def worst_relative_half_width(
    samples: Mapping[str, Sequence[float]], confidence: float = 0.95
) -> float:
    """Largest relative half-width (half-width / |mean|) over the watched metrics.

    Parameters
    ----------
    samples : mapping
        ``metric → values per replication``; NaNs are ignored, and a metric with fewer than
        two finite values is skipped (it cannot be estimated).
    confidence : float
        Level of the half-widths.

    Returns
    -------
    float
        The worst relative half-width; ``inf`` when no metric can be estimated.
    """
    worst = -math.inf
    for values in samples.values():
        est = estimate(values, confidence)
        if est.n >= 2 and not math.isnan(est.half_width):
            worst = max(worst, est.relative_half_width)
    return worst if worst > -math.inf else math.inf


@dataclass(frozen=True)
class SequentialOutcome:
    """Where a sequential procedure stopped.

    Attributes
    ----------
    replications : int
        Replications run.
    worst : float
        Worst relative half-width at the end.
    reached : bool
        Whether the target was met (else the cap stopped it).
    """

    replications: int
    worst: float
    reached: bool


def run_sequential(
    rule: PrecisionRule,
    extend: Callable[[int, int], None],
    worst: Callable[[], float],
    what: str = "watched metrics",
) -> SequentialOutcome:
    """Apply ``rule``: run replications ``0 … initial − 1``, then batches until it stops.

    Parameters
    ----------
    rule : PrecisionRule
        Target, start, cap.
    extend : callable
        ``extend(start, stop)`` runs replications ``start … stop − 1``.
    worst : callable
        The worst relative half-width of the replications run so far.
    what : str
        Name of the watched quantities, for the warning when the cap is hit.
    """
    n = rule.initial
    extend(0, n)
    while True:
        current = worst()
        more = rule.next_batch(n, current)
        if more == 0:
            break
        extend(n, n + more)
        n += more
    reached = rule.reached(current)
    if not reached:
        logger.warning(
            "precision %.3g not reached after %d replications (worst relative half-width of "
            "the %s: %.3g)",
            rule.target,
            n,
            what,
            current,
        )
    return SequentialOutcome(n, current, reached)
