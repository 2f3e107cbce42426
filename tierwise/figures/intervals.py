"""Confidence intervals of a rate that stay inside [0, 1] (logit scale, delta method).

A sweep reports a rate (a fraction in [0, 1]) per variant as a mean over replications with a
Student-t half-width ``h``. ``mean ± h`` can run past 0 or 1 (an error bar to 112 %). Figures
draw instead the interval of the same width on the logit scale: with ``p`` the mean,

    logit(p) ± h / (p (1 − p))          (delta method: d logit(p)/dp = 1 / (p (1 − p)))

transformed back with the logistic function. The result lies inside (0, 1), contains ``p``,
is close to ``p ± h`` when ``h`` is small against ``min(p, 1 − p)``, and narrows on the side of
the nearer bound.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["rate_interval"]


def _logistic(z: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """``1 / (1 + exp(−z))`` without overflow."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def rate_interval(
    mean: npt.ArrayLike, half_width: npt.ArrayLike
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Lower and upper end of a rate's confidence interval, inside [0, 1].

    Parameters
    ----------
    mean : array_like
        Rates (fractions in [0, 1]).
    half_width : array_like
        Symmetric (Student-t) half-widths of ``mean`` (fractions, ``≥ 0``); NaN (one
        replication) counts as 0.

    Returns
    -------
    tuple of numpy.ndarray
        ``(low, high)`` with ``0 ≤ low ≤ mean ≤ high ≤ 1``: the logit-scale interval
        (see the module docstring). A mean of exactly 0 or 1 keeps ``mean ± h`` cut to [0, 1]
        (the logit is infinite there). NaN means give NaN ends.
    """
    p = np.asarray(mean, dtype=float)
    h = np.nan_to_num(np.abs(np.asarray(half_width, dtype=float)), nan=0.0)
    p, h = np.broadcast_arrays(p, h)
    low = np.clip(p - h, 0.0, 1.0)
    high = np.clip(p + h, 0.0, 1.0)
    inner = (p > 0.0) & (p < 1.0)
    if inner.any():
        q = p[inner]
        centre = np.log(q / (1.0 - q))
        spread = h[inner] / (q * (1.0 - q))
        low[inner] = _logistic(centre - spread)
        high[inner] = _logistic(centre + spread)
    return low, high
