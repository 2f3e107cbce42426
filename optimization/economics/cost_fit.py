"""Smooth, monotone cost-versus-service curve through a tier's simulated frontier points.

The curve is a non-negative combination of increasing basis functions of the service level
``s`` plus a free intercept::

    Ĉ(s) = a + Σ_j b_j · f_j(s),   b_j ≥ 0

with the terms

* ``probit``: ``f(s) = Φ⁻¹(s)`` (standard normal quantile) — the shape of safety-stock and
  queueing-buffer cost, which grows like the normal quantile of the target service;
* ``log_failure``: ``f(s) = x``, ``x = −ln(1 − s)`` — cost growing with the log of the
  failure rate's inverse;
* ``log_failure_squared``: ``f(s) = x²`` — steeper growth towards 100 %.

Every term is increasing in ``s``, so ``Ĉ`` is increasing; ``x`` and ``x²`` are convex on
[0, 1) and ``Φ⁻¹`` is convex on [0.5, 1), so ``Ĉ`` is convex wherever its points are (the
``probit`` term is offered only when every point has ``s ≥ 0.5``).  Each candidate form, a
non-empty set of terms, is fitted by bounded least squares (``b_j ≥ 0``; scipy's BVLS), and
the form with the lowest corrected Akaike criterion

    AICc = n·ln(SSE/n) + 2p + 2p(p + 1)/(n − p − 1),   p = terms + 1,  n points

is chosen (ties: fewer terms; residual sums of squares below round-off count as equal).
AICc needs ``n − p − 1 > 0``, so ``n`` points allow at most ``n − 3`` terms; with fewer than
four points the single term with the lowest SSE is taken.  The criterion trades fit against
flexibility: with exact points the true form wins, with noisy points a spare term must earn
its place.

Fit quality is reported with the fit: ``r_squared``, the largest absolute residual (USD/day)
and the largest residual relative to the points' own cost confidence half-widths (> 1: the
curve leaves some point's interval).
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args, overload

import numpy as np
from scipy import optimize, special

__all__ = [
    "COST_TERMS",
    "CostFit",
    "CostTerm",
    "fit_cost_curve",
]

logger = logging.getLogger(__name__)

FloatOrArray = float | np.ndarray

CostTerm = Literal["probit", "log_failure", "log_failure_squared"]
#: Basis terms of the cost fit, in the order they are listed in a fit.
COST_TERMS: tuple[CostTerm, ...] = get_args(CostTerm)

_S_CLIP = 1e-9  # services closer than this to 1 are left out of the fit (x = inf)
_PROBIT_MIN_SERVICE = 0.5  # Φ⁻¹ is convex from here on
_ROUND_OFF = 1e-7  # residuals below this fraction of the largest cost count as zero


def _term_values(term: CostTerm, s: np.ndarray) -> np.ndarray:
    """``f(s)`` of one term; ``s`` is clipped into (0, 1) so both ends stay finite."""
    s = np.clip(s, _S_CLIP, 1.0 - _S_CLIP)
    if term == "probit":
        return np.asarray(special.ndtri(s), dtype=float)
    x = -np.log1p(-s)
    return x if term == "log_failure" else x * x


def _term_slopes(term: CostTerm, s: np.ndarray) -> np.ndarray:
    """``f'(s)`` of one term, per unit of service."""
    s = np.clip(s, _S_CLIP, 1.0 - _S_CLIP)
    if term == "probit":
        z = special.ndtri(s)
        return np.asarray(math.sqrt(2.0 * math.pi) * np.exp(0.5 * z * z), dtype=float)
    if term == "log_failure":
        return 1.0 / (1.0 - s)
    return 2.0 * -np.log1p(-s) / (1.0 - s)


@dataclass(frozen=True)
class CostFit:
    """Monotone cost curve ``Ĉ(s) = a + Σ b_j f_j(s)`` (see the module docstring).

    Attributes
    ----------
    terms : tuple of str
        Basis terms of the chosen form (subset of :data:`COST_TERMS`, in that order).
    intercept_usd_per_day : float
        ``a`` in USD per day.
    coefficients_usd_per_day : tuple of float
        ``b_j ≥ 0`` per term, USD per day per unit of the term.
    service_min, service_max : float
        Range of the fitted frontier services (fraction); the fit is trusted inside it.
    n_points : int
        Points fitted.
    r_squared : float
        Coefficient of determination on the fitted points (NaN if cost is constant).
    max_abs_residual_usd_per_day : float
        Largest ``|C_i − Ĉ(s_i)|``, USD per day.
    max_residual_to_half_width : float
        Largest ``|C_i − Ĉ(s_i)| / h_i`` over points with a cost half-width ``h_i > 0``
        (NaN when no point has one); above 1 the curve leaves a point's interval.
    aicc : float
        Corrected Akaike criterion the form was chosen by (lower is better).
    """

    terms: tuple[CostTerm, ...]
    intercept_usd_per_day: float
    coefficients_usd_per_day: tuple[float, ...]
    service_min: float
    service_max: float
    n_points: int
    r_squared: float
    max_abs_residual_usd_per_day: float
    max_residual_to_half_width: float
    aicc: float

    @property
    def form(self) -> str:
        """The chosen terms joined by ``+`` (e.g. ``probit`` or ``probit+log_failure``)."""
        return "+".join(self.terms)

    @property
    def within_intervals(self) -> bool:
        """Whether the curve passes through every point's cost interval (True without CIs)."""
        ratio = self.max_residual_to_half_width
        return not math.isfinite(ratio) or ratio <= 1.0

    def coefficient(self, term: CostTerm) -> float:
        """``b`` of ``term`` in USD per day (0 when the form does not use it)."""
        for name, value in zip(self.terms, self.coefficients_usd_per_day, strict=True):
            if name == term:
                return value
        return 0.0

    @overload
    def cost(self, s: float) -> float: ...
    @overload
    def cost(self, s: np.ndarray) -> np.ndarray: ...
    def cost(self, s: FloatOrArray) -> FloatOrArray:
        """Fitted cost ``Ĉ(s)`` in USD per day; ``s`` in [0, 1)."""
        arr = np.asarray(s, dtype=float)
        out = np.full(arr.shape, self.intercept_usd_per_day)
        for term, b in zip(self.terms, self.coefficients_usd_per_day, strict=True):
            out = out + b * _term_values(term, arr)
        return float(out) if np.ndim(out) == 0 else out

    @overload
    def marginal_cost(self, s: float) -> float: ...
    @overload
    def marginal_cost(self, s: np.ndarray) -> np.ndarray: ...
    def marginal_cost(self, s: FloatOrArray) -> FloatOrArray:
        """``Ĉ'(s) = Σ b_j f_j'(s)`` in USD per day per unit of service."""
        arr = np.asarray(s, dtype=float)
        out = np.zeros(arr.shape)
        for term, b in zip(self.terms, self.coefficients_usd_per_day, strict=True):
            out = out + b * _term_slopes(term, arr)
        return float(out) if np.ndim(out) == 0 else out


@dataclass(frozen=True)
class _Candidate:
    terms: tuple[CostTerm, ...]
    coefficients: np.ndarray  # intercept first
    residuals: np.ndarray
    sse: float
    aicc: float


def _fit_form(s: np.ndarray, y: np.ndarray, terms: tuple[CostTerm, ...]) -> _Candidate:
    design = np.column_stack([np.ones_like(s)] + [_term_values(t, s) for t in terms])
    lower = [-np.inf] + [0.0] * len(terms)
    sol = optimize.lsq_linear(design, y, bounds=(lower, np.inf), method="bvls")
    resid = y - design @ sol.x
    n, p = s.size, len(terms) + 1
    floor = n * (_ROUND_OFF * max(float(np.max(np.abs(y))), 1.0)) ** 2
    sse = max(float(resid @ resid), floor)
    if n - p - 1 <= 0:  # AICc undefined: only one term is offered, chosen by SSE
        return _Candidate(terms, sol.x, resid, sse, math.inf)
    aicc = n * math.log(sse / n) + 2.0 * p + 2.0 * p * (p + 1) / (n - p - 1)
    return _Candidate(terms, sol.x, resid, sse, aicc)


def _candidate_forms(s: np.ndarray) -> list[tuple[CostTerm, ...]]:
    allowed = [t for t in COST_TERMS if t != "probit" or s.min() >= _PROBIT_MIN_SERVICE]
    most = max(1, s.size - 3)  # AICc needs n − p − 1 > 0, p = terms + 1
    return [
        combo
        for k in range(1, min(most, len(allowed)) + 1)
        for combo in itertools.combinations(allowed, k)
    ]


def fit_cost_curve(
    service: np.ndarray,
    cost_usd_per_day: np.ndarray,
    cost_half_width_usd_per_day: np.ndarray | None = None,
    terms: Literal["auto"] | Sequence[CostTerm] = "auto",
) -> CostFit:
    """Fit ``Ĉ(s) = a + Σ b_j f_j(s)``, ``b_j ≥ 0``, choosing the form by AICc.

    Parameters
    ----------
    service : numpy.ndarray
        Frontier service levels (fractions in [0, 1)); values within 1e-9 of 1 are dropped.
    cost_usd_per_day : numpy.ndarray
        Frontier costs (USD/day).
    cost_half_width_usd_per_day : numpy.ndarray, optional
        Confidence half-widths of the costs (USD/day; NaN counts as none); only for the
        quality report ``max_residual_to_half_width``.
    terms : "auto" or sequence of str, default "auto"
        ``auto`` chooses among every allowed form (see the module docstring); a sequence of
        :data:`COST_TERMS` fits exactly that form.

    Returns
    -------
    CostFit

    Raises
    ------
    ValueError
        With fewer than two usable points, mismatched lengths or an unknown term.
    """
    s = np.asarray(service, dtype=float)
    y = np.asarray(cost_usd_per_day, dtype=float)
    hw = (
        np.full(s.shape, math.nan)
        if cost_half_width_usd_per_day is None
        else np.asarray(cost_half_width_usd_per_day, dtype=float)
    )
    if s.shape != y.shape or s.shape != hw.shape:
        raise ValueError(
            f"service {s.shape}, cost {y.shape} and half-width {hw.shape} must have the same shape"
        )
    keep = s < 1.0 - _S_CLIP
    if not keep.all():
        logger.warning(
            "%d frontier point(s) at service 1.0 left out of the cost fit", int((~keep).sum())
        )
    s, y, hw = s[keep], y[keep], hw[keep]
    if s.size < 2:
        raise ValueError(f"need at least 2 frontier points below service 1 to fit; got {s.size}")
    if isinstance(terms, str):
        if terms != "auto":
            raise ValueError(f"terms={terms!r} is not allowed; use 'auto' or terms of {COST_TERMS}")
        forms = _candidate_forms(s)
    else:
        unknown = [t for t in terms if t not in COST_TERMS]
        if unknown or not terms:
            raise ValueError(
                f"terms={list(terms)!r}: allowed are non-empty subsets of {COST_TERMS}"
            )
        forms = [tuple(t for t in COST_TERMS if t in terms)]
    candidates = [_fit_form(s, y, form) for form in forms]
    best = min(candidates, key=lambda c: (c.aicc, len(c.terms), c.sse))
    resid = best.residuals
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    r2 = 1.0 - float(resid @ resid) / ss_tot if ss_tot > 0 else math.nan
    has_ci = np.isfinite(hw) & (hw > 0.0)
    ratio = float(np.max(np.abs(resid[has_ci]) / hw[has_ci])) if has_ci.any() else math.nan
    fit = CostFit(
        terms=best.terms,
        intercept_usd_per_day=float(best.coefficients[0]),
        coefficients_usd_per_day=tuple(float(b) for b in best.coefficients[1:]),
        service_min=float(s.min()),
        service_max=float(s.max()),
        n_points=int(s.size),
        r_squared=r2,
        max_abs_residual_usd_per_day=float(np.max(np.abs(resid))),
        max_residual_to_half_width=ratio,
        aicc=best.aicc,
    )
    logger.info(
        "cost fit %s over %d points: R² %.4f, max |residual| %.4g USD/day (%.3g half-widths)",
        fit.form,
        fit.n_points,
        fit.r_squared,
        fit.max_abs_residual_usd_per_day,
        fit.max_residual_to_half_width,
    )
    return fit
