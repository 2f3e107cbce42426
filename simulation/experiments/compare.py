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

The best strategy (highest total profit per day) is chosen with a multiple-comparison-safe
procedure, :func:`select_best`: Bonferroni multiple comparisons with the best under CRN
(Nelson & Matejcik 1995; the screening step of Nelson, Swann, Goldsman & Song 2001).
Strategy ``i`` stays a candidate unless another strategy ``j`` beats it by more than
``W_ij = t(1 − α/(k − 1), n − 1) · S_ij / √n`` (``S_ij``: standard deviation of the paired
differences ``X_i − X_j``); the true best is among the candidates with probability at least
``1 − α`` (family-wise), and the MCB intervals for ``μ_i − max_{j≠i} μ_j`` hold jointly at the
same level.
"""

from __future__ import annotations

import difflib
import logging
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from tierwise.simulation.engine.results import RunResult
from tierwise.simulation.experiments.replicate import estimate, run_replications
from tierwise.simulation.metrics import METRIC_UNITS, PROFIT, metric_direction
from tierwise.simulation.scenario.schema import Scenario

__all__ = [
    "BEST_METRIC",
    "DEFAULT_METRICS",
    "TOTAL",
    "BestCandidate",
    "BestSelection",
    "Comparison",
    "DifferenceRow",
    "PairedDifference",
    "StrategyRunError",
    "compare_strategies",
    "derived_metrics",
    "paired_difference",
    "select_best",
    "unpaired_half_width",
]

logger = logging.getLogger(__name__)


class StrategyRunError(RuntimeError):
    """Simulating one strategy failed (an engine error); names the strategy and the cause."""

    def __init__(self, strategy: str, cause: BaseException) -> None:
        self.strategy = strategy
        self.cause = cause
        super().__init__(
            f"simulating strategy '{strategy}' failed: {type(cause).__name__}: {cause}"
        )


#: Scope name of the system-wide figures (cost, revenue and profit of all tiers).
TOTAL = "total"
#: What the best strategy maximises.
BEST_METRIC = f"{TOTAL}.{PROFIT}"
#: Metrics compared by default (per tier; cost and profit also in total).
DEFAULT_METRICS: tuple[str, ...] = (
    "perfect_order_rate",
    "on_time_rate",
    "line_fill_rate",
    "answered_within_target_rate",
    "mean_cycle_time_h",
    "cost_per_day_usd",
)
_TOTAL_METRICS = ("cost_per_day_usd", "revenue_per_day_usd", PROFIT)


# ---------------------------------------------------------------------------- statistics


def _finite_pairs(a: ArrayLike, b: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(a, dtype=float)
    y = np.asarray(b, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError(
            f"paired samples need two 1-d arrays of the same length, got shapes {x.shape} "
            f"and {y.shape}"
        )
    keep = np.isfinite(x) & np.isfinite(y)
    return x[keep], y[keep]


@dataclass(frozen=True)
class PairedDifference:
    """Mean paired difference ``strategy − baseline`` with its Student-t interval.

    Attributes
    ----------
    mean : float
        ``D̄``, mean of ``D_r = X_r − Y_r`` over replications (unit of the metric).
    half_width : float
        ``t(1 − α/2, n − 1) · S_D / √n`` (same unit); 0 when every ``D_r`` is equal, NaN
        when ``n < 2``.
    n : int
        Replications with a finite value in both strategies.
    p_value : float
        Two-sided paired t-test of ``E[D] = 0`` (1 when every ``D_r`` is 0, 0 when every
        ``D_r`` is the same non-zero number, NaN when ``n < 2``).
    std : float
        ``S_D``, sample standard deviation of the differences.
    confidence : float
        Level of the interval, e.g. 0.95.
    """

    mean: float
    half_width: float
    n: int
    p_value: float
    std: float
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
    def significant(self) -> bool:
        """Whether the interval excludes 0 (the two-sided test rejects at ``1 − confidence``)."""
        if self.n < 2 or not math.isfinite(self.half_width):
            return False
        return abs(self.mean) > self.half_width


def paired_difference(
    values: ArrayLike, baseline_values: ArrayLike, confidence: float = 0.95
) -> PairedDifference:
    """Paired Student-t estimate of ``E[X − Y]`` from replication-wise pairs.

    Parameters
    ----------
    values, baseline_values : array_like
        ``X_r`` and ``Y_r`` for the same replications ``r`` (same length); pairs with a NaN
        on either side are dropped.
    confidence : float
        Two-sided confidence level in (0, 1).

    Returns
    -------
    PairedDifference
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie in (0, 1), got {confidence}")
    x, y = _finite_pairs(values, baseline_values)
    d = x - y
    n = int(d.size)
    if n == 0:
        return PairedDifference(math.nan, math.nan, 0, math.nan, math.nan, confidence)
    mean = float(d.mean())
    if n < 2:
        return PairedDifference(mean, math.nan, n, math.nan, math.nan, confidence)
    sd = float(d.std(ddof=1))
    # exact zero spread (identical strategies under CRN, or a constant shift)
    if sd <= 1e-12 * max(1.0, float(np.abs(d).max())):
        p_value = 1.0 if mean == 0 else 0.0
        return PairedDifference(mean, 0.0, n, p_value, 0.0, confidence)
    se = sd / math.sqrt(n)
    t_quantile = float(stats.t.ppf(0.5 + confidence / 2.0, n - 1))
    p_value = float(2.0 * stats.t.sf(abs(mean) / se, n - 1))
    return PairedDifference(mean, t_quantile * se, n, p_value, sd, confidence)


def unpaired_half_width(
    values: ArrayLike, baseline_values: ArrayLike, confidence: float = 0.95
) -> float:
    """Welch half-width of ``mean(X) − mean(Y)`` as if the two samples were independent.

    This is the interval one would get without common random numbers (each strategy's own
    spread, no pairing); comparing it with :func:`paired_difference`'s half-width shows the
    variance CRN removed. NaNs are dropped per sample; NaN when a sample has fewer than 2
    values.
    """
    x = np.asarray(values, dtype=float)
    y = np.asarray(baseline_values, dtype=float)
    x = x[np.isfinite(x)]
    y = y[np.isfinite(y)]
    if x.size < 2 or y.size < 2:
        return math.nan
    vx = float(x.var(ddof=1)) / x.size
    vy = float(y.var(ddof=1)) / y.size
    if vx + vy == 0:
        return 0.0
    dof = (vx + vy) ** 2 / (
        (vx**2 / (x.size - 1) if vx else 0.0) + (vy**2 / (y.size - 1) if vy else 0.0)
    )
    return float(stats.t.ppf(0.5 + confidence / 2.0, dof)) * math.sqrt(vx + vy)


@dataclass(frozen=True)
class BestCandidate:
    """One strategy in the best-strategy selection.

    Attributes
    ----------
    strategy : str
        Its name.
    mean : float
        Mean of the selection metric (USD/day for profit).
    gap_low, gap_high : float
        MCB interval for ``μ_i − max_{j≠i} μ_j`` (same unit): how far the strategy is above
        (positive) or below (negative) the best of the others. ``gap_high == 0`` and not a
        candidate: some other strategy is significantly better.
    candidate : bool
        Whether it cannot be ruled out as the best.
    """

    strategy: str
    mean: float
    gap_low: float
    gap_high: float
    candidate: bool


@dataclass(frozen=True)
class BestSelection:
    """Result of :func:`select_best`.

    Attributes
    ----------
    metric : str
        The flat metric maximised (``"total.profit_per_day_usd"``).
    best : str
        The strategy with the best sample mean.
    candidates : tuple of str
        Strategies that cannot be ruled out as the best, best sample mean first; contains the
        true best with probability at least :attr:`confidence`.
    confidence : float
        Family-wise confidence level, e.g. 0.95.
    per_comparison_confidence : float
        One-sided level of each of the ``k − 1`` paired comparisons, ``1 − α/(k − 1)``.
    n : int
        Paired replications used.
    method : str
        Plain-text statement of the procedure.
    rows : tuple of BestCandidate
        One per strategy, in input order.
    higher_is_better : bool
        Direction of the metric.
    """

    metric: str
    best: str
    candidates: tuple[str, ...]
    confidence: float
    per_comparison_confidence: float
    n: int
    method: str
    rows: tuple[BestCandidate, ...]
    higher_is_better: bool = True

    @property
    def decisive(self) -> bool:
        """Whether exactly one strategy remains (it is the best at :attr:`confidence`)."""
        return len(self.candidates) == 1

    def verdict(self) -> str:
        """One sentence: the best strategy, or which strategies tie, and at what confidence."""
        if self.decisive:
            return (
                f"{self.best} is the best strategy by {self.metric} at {self.confidence:.0%} "
                f"family-wise confidence"
            )
        return (
            f"{len(self.candidates)} strategies cannot be ruled out as best by {self.metric} at "
            f"{self.confidence:.0%} family-wise confidence: {', '.join(self.candidates)} "
            f"(highest mean: {self.best}); more replications may separate them"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary."""
        return {
            "metric": self.metric,
            "best": self.best,
            "candidates": list(self.candidates),
            "decisive": self.decisive,
            "confidence": self.confidence,
            "per_comparison_confidence": self.per_comparison_confidence,
            "replications": self.n,
            "higher_is_better": self.higher_is_better,
            "method": self.method,
            "verdict": self.verdict(),
            "strategies": [
                {
                    "strategy": r.strategy,
                    "mean": _json_float(r.mean),
                    "gap_to_best_of_others_low": _json_float(r.gap_low),
                    "gap_to_best_of_others_high": _json_float(r.gap_high),
                    "candidate": r.candidate,
                }
                for r in self.rows
            ],
        }


_METHOD = (
    "Bonferroni multiple comparisons with the best under common random numbers (Nelson & "
    "Matejcik 1995; screening of Nelson, Swann, Goldsman & Song 2001): strategy i is ruled out "
    "when some j has mean_j - mean_i > W_ij = t(1 - alpha/(k-1), n-1) * S_ij / sqrt(n), S_ij the "
    "standard deviation of the paired differences X_i - X_j over replications; the true best "
    "stays among the candidates with probability >= 1 - alpha (family-wise, normal replication "
    "means), and the MCB intervals for mu_i - max_(j != i) mu_j hold jointly at that level"
)


def select_best(
    samples: Mapping[str, ArrayLike],
    confidence: float = 0.95,
    higher_is_better: bool = True,
    metric: str = BEST_METRIC,
) -> BestSelection:
    """Which strategies can be the best? Bonferroni MCB with paired (CRN) samples.

    Parameters
    ----------
    samples : mapping
        ``strategy → values per replication`` (same replications, same length). A
        replication with a NaN in any strategy is dropped for all.
    confidence : float
        Family-wise confidence ``1 − α`` that the true best is among the candidates.
    higher_is_better : bool
        Maximise (profit) or minimise (cost) the metric.
    metric : str
        Name reported in the result.

    Returns
    -------
    BestSelection
        With the candidates, the MCB intervals per strategy and the method statement.

    Notes
    -----
    With ``W_ij = t(1 − α/(k − 1), n − 1) · S_ij / √n``, strategy ``i`` is a candidate iff
    ``X̄_i ≥ X̄_j − W_ij`` for every ``j ≠ i`` (for minimisation the signs flip). The MCB
    interval of ``μ_i − max_{j≠i} μ_j`` is ``[min(D⁻_i, 0), max(D⁺_i, 0)]`` with
    ``D^±_i = min_{j≠i}(X̄_i − X̄_j ± W_ij)``. Both follow from the ``k − 1`` one-sided paired
    comparisons of the (unknown) best with each other strategy holding jointly, which the
    Bonferroni inequality guarantees with probability ``≥ 1 − α``.
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie in (0, 1), got {confidence}")
    names = list(samples)
    if not names:
        raise ValueError("select_best needs at least one strategy")
    matrix = np.vstack([np.asarray(samples[n], dtype=float) for n in names])
    matrix = matrix[:, np.all(np.isfinite(matrix), axis=0)]
    sign = 1.0 if higher_is_better else -1.0
    values = sign * matrix
    k, n = values.shape
    means = values.mean(axis=1) if n else np.full(k, math.nan)
    alpha = 1.0 - confidence
    if k == 1:
        row = BestCandidate(names[0], float(sign * means[0]), 0.0, math.inf, True)
        return BestSelection(
            metric, names[0], (names[0],), confidence, 1.0, n, "only one strategy", (row,),
            higher_is_better,
        )  # fmt: skip
    if n < 2:
        raise ValueError(f"select_best needs at least 2 complete replications, got {n}")
    per_comparison = 1.0 - alpha / (k - 1)
    t_quantile = float(stats.t.ppf(per_comparison, n - 1))
    diffs = values[:, None, :] - values[None, :, :]  # (k, k, n): X_i − X_j
    width = t_quantile * diffs.std(axis=2, ddof=1) / math.sqrt(n)
    gap = means[:, None] - means[None, :]
    others = ~np.eye(k, dtype=bool)
    upper = np.where(others, gap + width, np.inf).min(axis=1)
    lower = np.where(others, gap - width, np.inf).min(axis=1)
    # tolerance for exactly tied strategies (identical runs under CRN)
    scale = max(1.0, float(np.abs(means).max()))
    is_candidate = upper >= -1e-12 * scale
    order = sorted(range(k), key=lambda i: -means[i])
    best = names[order[0]]
    candidates = tuple(names[i] for i in order if is_candidate[i])
    rows = tuple(
        BestCandidate(
            strategy=names[i],
            mean=float(sign * means[i]),
            gap_low=float(min(lower[i], 0.0)),
            gap_high=float(max(upper[i], 0.0)),
            candidate=bool(is_candidate[i]),
        )
        for i in range(k)
    )
    method = _METHOD if higher_is_better else _METHOD + " (metric minimised: signs flipped)"
    return BestSelection(
        metric, best, candidates, confidence, per_comparison, n, method, rows, higher_is_better
    )


# ---------------------------------------------------------------------------- results


def _json_float(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


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
        The best strategy by total profit per day.
    samples : dict
        ``strategy → DataFrame`` (index: replication; columns: flat metrics such as
        ``"A.perfect_order_rate"`` plus ``"A.profit_per_day_usd"``, ``"total.…"``).
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
                {k: (_json_float(v) if isinstance(v, float) else v) for k, v in rec.items()}
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


# ---------------------------------------------------------------------------- running


def derived_metrics(result: RunResult) -> dict[str, float]:
    """Flat metrics of one run plus profit per tier and total cost/revenue/profit (USD/day).

    ``"A.profit_per_day_usd" = "A.revenue_per_day_usd" − "A.cost_per_day_usd"``;
    ``"total.revenue_per_day_usd"`` is the sum over tiers; ``"total.cost_per_day_usd"`` is every
    cost line item (also costs no tier is charged for, e.g. an idle fleet).
    """
    row = dict(result.flat())
    revenue = 0.0
    for tier, metrics in result.tiers.items():
        tier_revenue = metrics.get("revenue_per_day_usd", 0.0)
        revenue += tier_revenue
        row[f"{tier}.{PROFIT}"] = tier_revenue - metrics.get("cost_per_day_usd", 0.0)
    row[f"{TOTAL}.revenue_per_day_usd"] = revenue
    row[f"{TOTAL}.{PROFIT}"] = revenue - row[f"{TOTAL}.cost_per_day_usd"]
    return row


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
                if scope == TOTAL and metric not in _TOTAL_METRICS:
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
        {s: samples[s][BEST_METRIC].to_numpy(dtype=float) for s in names}, confidence
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
        Target relative half-width in (0, 1): replications are added (all strategies, same
        indices) until every profit difference's half-width — per tier and in total — is at
        most ``precision × |baseline profit|``, or ``max_replications`` is reached.
    metrics : sequence of str, optional
        Per-tier metrics to compare (default :data:`DEFAULT_METRICS`);
        ``profit_per_day_usd`` is always added.
    workers : int
        Worker processes; the numbers do not depend on it.
    confidence : float
        Level of the intervals (per comparison) and of the best-strategy selection
        (family-wise).
    descriptions : mapping, optional
        ``strategy → description`` (default: the scenarios' descriptions).
    max_replications : int
        Cap of the precision procedure.
    progress : callable, optional
        Called with the number of runs just finished.

    Returns
    -------
    Comparison

    Raises
    ------
    ValueError
        Fewer than two strategies, unknown baseline or metric, different seeds or tiers
        (common random numbers would not hold), both or invalid ``replications`` /
        ``precision``.

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
    if precision is not None:
        n = min(max(n, 5, workers), max_replications)
    texts = dict(descriptions or {})

    rows_by_strategy: dict[str, list[dict[str, float]]] = {name: [] for name in names}

    def extend(start: int, stop: int) -> None:
        logger.info("simulating replications %d..%d of %d strategies", start, stop - 1, len(names))
        for name in names:
            try:
                runs = run_replications(scenarios[name], range(start, stop), workers, progress)
            except Exception as exc:
                raise StrategyRunError(name, exc) from exc
            rows_by_strategy[name].extend(derived_metrics(r) for r in runs)

    def build(reached: bool | None) -> Comparison:
        samples = {name: pd.DataFrame(rows) for name, rows in rows_by_strategy.items()}
        return _build(
            samples, scenarios, baseline, tiers, chosen, confidence, texts, precision, reached
        )

    extend(0, n)
    if precision is None:
        return build(None)
    while True:
        result = build(None)
        worst = _worst_profit_precision(result)
        if worst <= precision:
            return build(True)
        if n >= max_replications:
            logger.warning(
                "precision %.3g not reached after %d replications (worst profit difference "
                "half-width %.3g of the baseline profit)",
                precision,
                n,
                worst,
            )
            return build(False)
        needed = math.ceil(n * (worst / precision) ** 2) if math.isfinite(worst) else 2 * n
        more = min(max(needed - n, workers), max_replications - n, max(n, workers))
        extend(n, n + more)
        n += more
