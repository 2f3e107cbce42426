"""Fitting a scenario distribution to observed counts (lines per order, units per line).

The engine draws a count as ``max(1, round(X))`` with ``X`` from the tier's distribution, so a
count ``k`` has probability ``F(1.5)`` for ``k = 1`` and ``F(k + ½) − F(k − ½)`` above. Each
candidate family (``gamma`` and ``lognormal``: mean and cv; ``exponential``: mean) is fitted by
maximum likelihood of exactly that rounded model; the one with the smallest AIC
(``2·parameters + 2·negative log-likelihood``) wins. Its fit is then tested with a chi-square
goodness-of-fit test on the counts (bins merged until each expects >= 5); when even the best
family is rejected (p < :data:`MIN_P_VALUE`), the observed frequencies are used as an
``empirical`` distribution. Standard errors of the mean and cv come from the inverse of the
numerical Hessian of the negative log-likelihood (the observed information).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

from tierwise.simulation.scenario.distributions import MAX_CV, Distribution

__all__ = ["MIN_P_VALUE", "FittedDistribution", "fit_count_distribution"]

logger = logging.getLogger(__name__)

#: Below this chi-square p-value no family fits and the empirical distribution is used.
MIN_P_VALUE = 0.001
_FAMILIES = ("gamma", "lognormal", "exponential")
_TINY = 1e-300


@dataclass(frozen=True)
class FittedDistribution:
    """A distribution chosen for observed counts, with how well it fits.

    Attributes
    ----------
    distribution : Distribution
        What goes into the scenario.
    family : str
        ``gamma``, ``lognormal``, ``exponential``, ``deterministic`` or ``empirical``.
    mean, cv : float
        Fitted mean and cv of the latent ``X`` (before rounding); for ``empirical`` and
        ``deterministic`` the sample mean and cv.
    mean_se, cv_se : float
        Standard errors (NaN where none applies).
    n : int
        Observations.
    aic : dict
        AIC of every candidate family.
    p_value : float
        Chi-square goodness-of-fit p-value of the chosen family (NaN when not tested).
    note : str
        One line on how it was chosen (for the scenario file's comment).
    """

    distribution: Distribution
    family: str
    mean: float
    cv: float
    mean_se: float
    cv_se: float
    n: int
    aic: dict[str, float]
    p_value: float
    note: str


def _cdf(family: str, mean: float, cv: float, x: np.ndarray) -> np.ndarray:
    if family == "exponential":
        return np.asarray(stats.expon.cdf(x, scale=mean))
    if family == "gamma":
        shape = 1.0 / (cv * cv)
        return np.asarray(stats.gamma.cdf(x, shape, scale=mean / shape))
    sigma2 = math.log1p(cv * cv)
    mu = math.log(mean) - sigma2 / 2.0
    return np.asarray(stats.lognorm.cdf(x, math.sqrt(sigma2), scale=math.exp(mu)))


def _probabilities(family: str, mean: float, cv: float, values: np.ndarray) -> np.ndarray:
    """P(max(1, round(X)) = k) for each integer k in ``values``."""
    upper = _cdf(family, mean, cv, values + 0.5)
    lower = np.where(values <= 1, 0.0, _cdf(family, mean, cv, values - 0.5))
    return np.maximum(upper - lower, _TINY)


def _nll(family: str, theta: np.ndarray, values: np.ndarray, counts: np.ndarray) -> float:
    mean = math.exp(theta[0])
    cv = 1.0 if family == "exponential" else math.exp(theta[1])
    if not (0 < cv <= MAX_CV) or not math.isfinite(mean):
        return math.inf
    return float(-np.dot(counts, np.log(_probabilities(family, mean, cv, values))))


def _hessian(fun: Callable[[np.ndarray], float], x: np.ndarray, step: float = 1e-3) -> np.ndarray:
    """Central-difference Hessian of ``fun`` at ``x``."""
    n = len(x)
    eye = np.eye(n) * step
    h = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            ei, ej = eye[i], eye[j]
            h[i, j] = (
                fun(x + ei + ej) - fun(x + ei - ej) - fun(x - ei + ej) + fun(x - ei - ej)
            ) / (4 * step * step)
    return h


def _fit_family(
    family: str, values: np.ndarray, counts: np.ndarray, mean0: float, cv0: float
) -> tuple[float, float, float, float, float]:
    """(mean, cv, nll, mean_se, cv_se) of one family by maximum likelihood."""
    k = 1 if family == "exponential" else 2
    start = np.array([math.log(mean0), math.log(max(cv0, 0.05))])[:k]

    def fun(theta: np.ndarray) -> float:
        return _nll(family, theta, values, counts)

    result = optimize.minimize(
        fun, start, method="Nelder-Mead", options={"xatol": 1e-7, "fatol": 1e-9, "maxiter": 4000}
    )
    theta = np.asarray(result.x, dtype=float)
    mean = math.exp(theta[0])
    cv = 1.0 if family == "exponential" else math.exp(theta[1])
    mean_se = cv_se = math.nan
    try:
        cov = np.linalg.inv(_hessian(fun, theta))
        # delta method: se(exp(t)) = exp(t) · se(t)
        mean_se = mean * math.sqrt(max(cov[0, 0], 0.0))
        if k == 2:
            cv_se = cv * math.sqrt(max(cov[1, 1], 0.0))
    except np.linalg.LinAlgError:
        logger.info("%s fit: singular information matrix, no standard errors", family)
    return mean, cv, float(result.fun), mean_se, cv_se


def _chi_square_p(expected: np.ndarray, observed: np.ndarray, fitted: int) -> float:
    """Chi-square GOF p-value, adjacent bins merged until each expects >= 5."""
    bins_e: list[float] = []
    bins_o: list[float] = []
    acc_e = acc_o = 0.0
    for e, o in zip(expected, observed, strict=True):
        acc_e += e
        acc_o += o
        if acc_e >= 5.0:
            bins_e.append(acc_e)
            bins_o.append(acc_o)
            acc_e = acc_o = 0.0
    if acc_e > 0 and bins_e:
        bins_e[-1] += acc_e
        bins_o[-1] += acc_o
    dof = len(bins_e) - 1 - fitted
    if dof < 1:
        return math.nan
    e_arr, o_arr = np.array(bins_e), np.array(bins_o)
    statistic = float(np.sum((o_arr - e_arr) ** 2 / e_arr))
    return float(stats.chi2.sf(statistic, dof))


def fit_count_distribution(observed: np.ndarray | list[float], what: str) -> FittedDistribution:
    """Choose and fit the distribution of positive whole counts (see the module docstring).

    Parameters
    ----------
    observed : array-like
        Counts, each >= 1 (lines of each order, units of each line). Non-integers are
        rounded, as the engine rounds its draws.
    what : str
        What is fitted (``"lines per order"``), for the note.

    Returns
    -------
    FittedDistribution

    Raises
    ------
    ValueError
        No observations.
    """
    data = np.maximum(np.rint(np.asarray(observed, dtype=float)), 1.0)
    if data.size == 0:
        raise ValueError(f"{what}: no observations to fit")
    n = int(data.size)
    mean0 = float(data.mean())
    sd0 = float(data.std(ddof=1)) if n > 1 else 0.0
    cv0 = sd0 / mean0
    if sd0 == 0.0:
        return FittedDistribution(
            Distribution(dist="deterministic", mean=mean0),
            "deterministic",
            mean0,
            0.0,
            0.0,
            0.0,
            n,
            {},
            math.nan,
            f"every one of {n} observations is {mean0:g}",
        )
    values, counts = np.unique(data, return_counts=True)
    counts = counts.astype(float)
    fits: dict[str, tuple[float, float, float, float, float]] = {}
    aic: dict[str, float] = {}
    for family in _FAMILIES:
        fits[family] = _fit_family(family, values, counts, mean0, cv0)
        params = 1 if family == "exponential" else 2
        aic[family] = 2 * params + 2 * fits[family][2]
    best = min(aic, key=aic.__getitem__)
    mean, cv, _nll_best, mean_se, cv_se = fits[best]
    # expected counts over the observed support and one bin for everything above it
    support = np.arange(1, values.max() + 1)
    probs = _probabilities(best, mean, cv, support.astype(float))
    expected = np.append(probs, max(1.0 - probs.sum(), 0.0)) * n
    full = np.zeros(len(support) + 1)
    full[(values - 1).astype(int)] = counts
    p_value = _chi_square_p(expected, full, 1 if best == "exponential" else 2)
    ranking = ", ".join(f"{f} {aic[f]:.1f}" for f in sorted(aic, key=aic.__getitem__))
    if math.isfinite(p_value) and p_value < MIN_P_VALUE:
        weights = counts / counts.sum()
        note = (
            f"empirical frequencies of {n} observations: no family fits (best {best}, "
            f"chi-square p = {p_value:.2g} < {MIN_P_VALUE:g}; AIC {ranking})"
        )
        return FittedDistribution(
            Distribution(
                dist="empirical",
                values=tuple(float(v) for v in values),
                weights=tuple(round(float(w), 6) for w in weights),
            ),
            "empirical",
            mean0,
            cv0,
            sd0 / math.sqrt(n),
            math.nan,
            n,
            aic,
            p_value,
            note,
        )
    distribution = (
        Distribution(dist="exponential", mean=round(mean, 4))
        if best == "exponential"
        else Distribution(dist=best, mean=round(mean, 4), cv=round(cv, 4))  # type: ignore[arg-type]
    )
    p_text = f"chi-square p = {p_value:.2g}" if math.isfinite(p_value) else "too few bins for GOF"
    note = f"{best} by AIC of {n} observations ({ranking}), {p_text}; rounded as the engine rounds"
    return FittedDistribution(distribution, best, mean, cv, mean_se, cv_se, n, aic, p_value, note)
