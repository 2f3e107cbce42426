"""The statistics of replicated simulation: Student-t estimates, paired differences, the best.

One t-quantile (:func:`t_quantile_at`) serves every interval here.

Estimates
    :func:`estimate` turns independent per-replication values into a mean with the Student-t
    half-width ``t(1 − α/2, n − 1) · s / √n`` (:class:`Estimate`); :func:`student_t_half_width`
    is its half-width alone.
Paired differences (common random numbers)
    When two alternatives are simulated with the same seed and replication indices,
    ``D_r = X_r − Y_r`` is a paired sample; :func:`paired_difference` gives
    ``D̄ ± t(1 − α/2, n − 1) · S_D / √n`` and the two-sided paired t-test. The noise both
    runs share cancels, so the interval is usually far narrower than the Welch interval of
    two independent samples (:func:`unpaired_half_width`), which shows what pairing saved.
The best of several (MCB)
    :func:`select_best`: Bonferroni multiple comparisons with the best under CRN (Nelson &
    Matejcik 1995; the screening step of Nelson, Swann, Goldsman & Song 2001). Alternative
    ``i`` stays a candidate unless another ``j`` beats it by more than
    ``W_ij = t(1 − α/(k − 1), n − 1) · S_ij / √n`` (``S_ij``: standard deviation of the paired
    differences ``X_i − X_j``); the true best is among the candidates with probability at
    least ``1 − α`` (family-wise), and the MCB intervals for ``μ_i − max_{j≠i} μ_j`` hold
    jointly at the same level.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

__all__ = [
    "BestCandidate",
    "BestSelection",
    "Estimate",
    "PairedDifference",
    "check_confidence",
    "estimate",
    "finite_or_none",
    "paired_difference",
    "select_best",
    "student_t_half_width",
    "t_quantile_at",
    "two_sided_t_quantile",
    "unpaired_half_width",
]


def check_confidence(confidence: float) -> None:
    """Raise ``ValueError`` unless ``confidence`` lies strictly between 0 and 1."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie in (0, 1), got {confidence}")


def t_quantile_at(probability: float, dof: float) -> float:
    """Quantile of Student's t distribution: ``t`` with ``P(T <= t) = probability``.

    Parameters
    ----------
    probability : float
        Lower-tail probability in (0, 1).
    dof : float
        Degrees of freedom (> 0; need not be an integer, e.g. Welch's).
    """
    return float(stats.t.ppf(probability, dof))


def two_sided_t_quantile(confidence: float, dof: float) -> float:
    """``t(1 − α/2, dof)`` for a two-sided interval at ``confidence = 1 − α``."""
    return t_quantile_at(0.5 + confidence / 2.0, dof)


# ---------------------------------------------------------------------------- estimates


class _Interval:
    """``mean ± half_width``: the ends of a confidence interval."""

    mean: float
    half_width: float

    @property
    def low(self) -> float:
        """Lower end of the interval."""
        return self.mean - self.half_width

    @property
    def high(self) -> float:
        """Upper end of the interval."""
        return self.mean + self.half_width


@dataclass(frozen=True)
class Estimate(_Interval):
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
    """Student-t estimate of a mean from independent per-replication values.

    Parameters
    ----------
    values : iterable of float
        One value per replication (unit of the metric); NaN, infinite and ``None`` values
        are ignored.
    confidence : float
        Two-sided confidence level in (0, 1).

    Returns
    -------
    Estimate
        Mean and half-width ``t(1 − α/2, n − 1) · s / √n``; NaN half-width when n < 2.
    """
    check_confidence(confidence)
    data = np.asarray([v for v in values if v is not None and math.isfinite(v)], dtype=float)
    n = int(data.size)
    if n == 0:
        return Estimate(math.nan, math.nan, 0, confidence)
    mean = float(data.mean())
    if n < 2:
        return Estimate(mean, math.nan, n, confidence)
    sd = float(data.std(ddof=1))
    return Estimate(
        mean, two_sided_t_quantile(confidence, n - 1) * sd / math.sqrt(n), n, confidence
    )


def student_t_half_width(values: ArrayLike, confidence: float = 0.95) -> float:
    """Half-width of the two-sided Student-t confidence interval for a mean.

    Parameters
    ----------
    values : array-like of float
        Independent observations ``x_1 … x_n`` (NaNs are ignored).
    confidence : float, default 0.95
        Confidence level ``1 − α`` in (0, 1).

    Returns
    -------
    float
        ``t(1 − α/2, n − 1) · s / √n`` in the unit of ``values``; NaN when ``n < 2``.
    """
    return estimate(np.asarray(values, dtype=float).ravel().tolist(), confidence).half_width


# ---------------------------------------------------------------------------- paired samples


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
class PairedDifference(_Interval):
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
    check_confidence(confidence)
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
    t_quantile = two_sided_t_quantile(confidence, n - 1)
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
    return two_sided_t_quantile(confidence, dof) * math.sqrt(vx + vy)


# ---------------------------------------------------------------------------- the best (MCB)


def finite_or_none(value: float) -> float | None:
    """``value`` for JSON: the float itself, or ``None`` for NaN and infinities."""
    return float(value) if math.isfinite(value) else None


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
                    "mean": finite_or_none(r.mean),
                    "gap_to_best_of_others_low": finite_or_none(r.gap_low),
                    "gap_to_best_of_others_high": finite_or_none(r.gap_high),
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
    metric: str = "the metric",
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
    check_confidence(confidence)
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
    t_quantile = t_quantile_at(per_comparison, n - 1)
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
