"""Comparing strategies under common random numbers: paired differences and the best strategy.

Every strategy is simulated with the same replication indices ``0 … n−1`` and the same seed,
so replication ``r`` of every strategy sees the same customers, orders and random delays
(common random numbers, CRN). The difference ``D_r = X_r(strategy) − X_r(baseline)`` of a
metric is then a paired sample, and its Student-t interval

``D̄ ± t(1 − α/2, n − 1) · S_D / √n``

is usually far narrower than the unpaired interval of two independent samples, because the
noise both runs share cancels. A difference is *significant* when its interval excludes 0
(equivalently, the two-sided paired t-test has p < α). These intervals are per comparison;
with many tiers × metrics × strategies a few will exclude 0 by chance.

Profit is revenue − cost, with revenue the tier's revenue response at its simulated service
in the replication (not booked revenue): the caller injects the revenue function
(:data:`~tierwise.simulation.experiments.replicate.TierRevenue`, built by
``tierwise.optimization.economics.tiers.scenario_revenue``), so a strategy that raises service
at equal booked revenue earns more.

The best strategy (highest total profit per day) is chosen with Bonferroni multiple
comparisons with the best under CRN (Nelson & Matejcik 1995). The statistics are in
:mod:`tierwise.simulation.analysis.statistics`, the result objects in
:mod:`tierwise.simulation.experiments.comparison`; this module runs the simulations.
"""

from __future__ import annotations

import difflib
import logging
import math
from collections.abc import Callable, Iterable, Mapping, Sequence

import pandas as pd

from tierwise.simulation.analysis.statistics import (
    estimate,
    paired_difference,
    select_best,
    unpaired_half_width,
)
from tierwise.simulation.experiments.comparison import (
    BEST_METRIC,
    DEFAULT_METRICS,
    TOTAL,
    TOTAL_METRICS,
    Comparison,
    DifferenceRow,
)
from tierwise.simulation.experiments.executor import Executor, executor_scope
from tierwise.simulation.experiments.precision import PrecisionRule, run_sequential
from tierwise.simulation.experiments.replicate import (
    TierRevenue,
    derived_metrics,
    run_replications,
)
from tierwise.simulation.metrics import METRIC_UNITS, PROFIT
from tierwise.simulation.scenario.schema import Scenario

__all__ = [
    "INITIAL_REPLICATIONS",
    "StrategyRunError",
    "compare_strategies",
]

logger = logging.getLogger(__name__)

#: First batch of :func:`compare_strategies` with a precision target (at least this many).
INITIAL_REPLICATIONS = 5


class StrategyRunError(RuntimeError):
    """Simulating one strategy failed (an engine error); names the strategy and the cause."""

    def __init__(self, strategy: str, cause: BaseException) -> None:
        self.strategy = strategy
        self.cause = cause
        super().__init__(
            f"simulating strategy '{strategy}' failed: {type(cause).__name__}: {cause}"
        )


def _check_metrics(metrics: Iterable[str]) -> tuple[str, ...]:
    chosen: list[str] = []
    problems = []
    for metric in metrics:
        if metric not in METRIC_UNITS:
            close = difflib.get_close_matches(metric, list(METRIC_UNITS), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append(f"unknown metric '{metric}'{hint}")
        elif metric not in chosen and metric != PROFIT:
            chosen.append(metric)
    if problems:
        raise ValueError("; ".join(problems))
    return (*chosen, PROFIT)


def _build(
    samples: dict[str, pd.DataFrame],
    scenarios: Mapping[str, Scenario],
    baseline: str,
    tiers: tuple[str, ...],
    metrics: tuple[str, ...],
    confidence: float,
    descriptions: Mapping[str, str],
    precision: float | None,
    precision_reached: bool | None,
) -> Comparison:
    names = tuple(scenarios)
    base = samples[baseline]
    rows: list[DifferenceRow] = []
    for strategy in names:
        if strategy == baseline:
            continue
        frame = samples[strategy]
        for scope in (*tiers, TOTAL):
            for metric in metrics:
                if scope == TOTAL and metric not in TOTAL_METRICS:
                    continue
                key = f"{scope}.{metric}"
                if key not in frame.columns or key not in base.columns:
                    continue
                x = frame[key].to_numpy(dtype=float)
                y = base[key].to_numpy(dtype=float)
                own = estimate(x, confidence)
                ref = estimate(y, confidence)
                rows.append(
                    DifferenceRow(
                        strategy=strategy,
                        baseline=baseline,
                        scope=scope,
                        metric=metric,
                        unit=METRIC_UNITS.get(metric, ""),
                        strategy_mean=own.mean,
                        strategy_half_width=own.half_width,
                        baseline_mean=ref.mean,
                        baseline_half_width=ref.half_width,
                        difference=paired_difference(x, y, confidence),
                        unpaired_half_width=unpaired_half_width(x, y, confidence),
                    )
                )
    best = select_best(
        {s: samples[s][BEST_METRIC].to_numpy(dtype=float) for s in names},
        confidence,
        metric=BEST_METRIC,
    )
    n = len(base)
    return Comparison(
        strategies=names,
        baseline=baseline,
        descriptions={s: descriptions.get(s, scenarios[s].description) for s in names},
        scenario_hashes={s: scenarios[s].content_hash for s in names},
        seed=scenarios[baseline].seed,
        replications=n,
        confidence=confidence,
        tiers=tiers,
        metrics=metrics,
        rows=tuple(rows),
        best=best,
        samples=samples,
        precision=precision,
        precision_reached=precision_reached,
    )


def _worst_profit_precision(comparison: Comparison) -> float:
    """Largest profit-difference half-width / |baseline profit| over strategies and scopes."""
    worst = 0.0
    for r in comparison.rows:
        if r.metric != PROFIT:
            continue
        hw = r.difference.half_width
        if not math.isfinite(hw):
            return math.inf
        if hw == 0:
            continue
        worst = max(worst, hw / abs(r.baseline_mean) if r.baseline_mean else math.inf)
    return worst


def compare_strategies(
    scenarios: Mapping[str, Scenario],
    baseline: str,
    replications: int | None = None,
    precision: float | None = None,
    metrics: Sequence[str] | None = None,
    workers: int = 1,
    confidence: float = 0.95,
    *,
    descriptions: Mapping[str, str] | None = None,
    max_replications: int = 200,
    progress: Callable[[int], None] | None = None,
    executor: Executor | None = None,
    revenue: TierRevenue | Mapping[str, TierRevenue],
) -> Comparison:
    """Simulate every strategy on the same replications and compare it with the baseline.

    Parameters
    ----------
    scenarios : mapping
        ``strategy name → Scenario``; at least two, all with the same seed and tiers.
    baseline : str
        Name of the reference strategy.
    replications : int, optional
        Paired replications per strategy (≥ 2; default: the baseline scenario's
        ``replications``, at least 2).
    precision : float, optional
        Target relative half-width in (0, 1): starting from ``max(replications or
        INITIAL_REPLICATIONS, INITIAL_REPLICATIONS)``, replications are added (all strategies,
        same indices) by the rule of :mod:`tierwise.simulation.experiments.precision` until
        every profit difference's half-width — per tier and in total — is at most
        ``precision × |baseline profit|``, or ``max_replications`` is reached. The count does
        not depend on ``workers``.
    metrics : sequence of str, optional
        Per-tier metrics to compare (default :data:`DEFAULT_METRICS`);
        ``profit_per_day_usd`` is always added.
    workers : int
        Worker processes (when no ``executor`` is given); the numbers do not depend on it.
    confidence : float
        Level of the intervals (per comparison) and of the best-strategy selection
        (family-wise).
    descriptions : mapping, optional
        ``strategy → description`` (default: the scenarios' descriptions).
    max_replications : int
        Cap of the precision procedure.
    progress : callable, optional
        Called with the number of runs just finished.
    executor : Executor, optional
        A running executor to use and leave running (e.g. shared by several phases).
    revenue : TierRevenue or mapping
        ``revenue(tier, metrics) → USD/day`` of a tier in one replication (one function for
        every strategy, or ``strategy → function``, e.g. when a strategy changes prices);
        profit per tier and in total, and with it the best strategy, is this revenue − cost
        (:func:`~tierwise.simulation.experiments.replicate.derived_metrics`).

    Returns
    -------
    Comparison

    Raises
    ------
    ValueError
        Fewer than two strategies, unknown baseline or metric, different seeds or tiers
        (common random numbers would not hold), both or invalid ``replications`` /
        ``precision``, a strategy without a revenue function.

    Notes
    -----
    With ``precision`` the number of replications depends on the data, so the stated
    confidence levels are approximate (the usual caveat of sequential stopping).
    """
    names = list(scenarios)
    if len(names) < 2:
        raise ValueError(f"compare needs at least two strategies, got {len(names)}")
    if baseline not in scenarios:
        raise ValueError(f"baseline '{baseline}' is not one of the strategies ({', '.join(names)})")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie in (0, 1), got {confidence}")
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    seeds = {name: s.seed for name, s in scenarios.items()}
    if len(set(seeds.values())) > 1:
        listed = ", ".join(f"{k}={v}" for k, v in seeds.items())
        raise ValueError(f"strategies must share one seed for common random numbers, got {listed}")
    tiers = tuple(scenarios[baseline].tiers)
    for name, s in scenarios.items():
        if tuple(s.tiers) != tiers:
            raise ValueError(
                f"strategy '{name}' has tiers {', '.join(s.tiers)}; the baseline has "
                f"{', '.join(tiers)} (strategies must have the same tiers)"
            )
    chosen = _check_metrics(metrics if metrics is not None else DEFAULT_METRICS)
    if replications is not None and precision is not None:
        raise ValueError("give either replications or precision, not both")
    if precision is not None and not 0 < precision < 1:
        raise ValueError(f"precision must lie in (0, 1) (relative half-width), got {precision}")
    if max_replications < 2:
        raise ValueError(f"max_replications must be >= 2, got {max_replications}")
    n = replications if replications is not None else max(2, scenarios[baseline].replications)
    if n < 2:
        raise ValueError(f"replications must be >= 2 for a confidence interval, got {n}")
    texts = dict(descriptions or {})
    if isinstance(revenue, Mapping):
        missing = [name for name in names if name not in revenue]
        if missing:
            raise ValueError(f"no revenue function for strategy(ies) {', '.join(missing)}")
        revenues: dict[str, TierRevenue] = {name: revenue[name] for name in names}
    else:
        revenues = dict.fromkeys(names, revenue)

    rows_by_strategy: dict[str, list[dict[str, float]]] = {name: [] for name in names}

    def build(reached: bool | None) -> Comparison:
        samples = {name: pd.DataFrame(rows) for name, rows in rows_by_strategy.items()}
        return _build(
            samples, scenarios, baseline, tiers, chosen, confidence, texts, precision, reached
        )

    with executor_scope(executor, workers) as pool:

        def extend(start: int, stop: int) -> None:
            logger.info(
                "simulating replications %d..%d of %d strategies", start, stop - 1, len(names)
            )
            for name in names:
                try:
                    runs = run_replications(
                        scenarios[name], range(start, stop), progress=progress, executor=pool
                    )
                except Exception as exc:
                    raise StrategyRunError(name, exc) from exc
                rows_by_strategy[name].extend(derived_metrics(r, revenues[name]) for r in runs)

        if precision is None:
            extend(0, n)
            return build(None)
        rule = PrecisionRule(
            precision,
            min(max(n, INITIAL_REPLICATIONS), max_replications),
            max_replications,
            confidence,
        )
        outcome = run_sequential(
            rule,
            extend,
            lambda: _worst_profit_precision(build(None)),
            "profit differences (relative to the baseline profit)",
        )
    return build(outcome.reached)
