"""Profit along a tier's cost-service frontier and the profit-maximising service level.

``profit(s) = R(s) − C(s)`` in USD per day, where ``C`` is the simulated cost of the frontier
variants (:func:`tierwise.simulation.analysis.frontier.cost_service_frontier`) and ``R`` a revenue
response
(:mod:`tierwise.optimization.economics.revenue`).

Two answers are given, because the frontier is a handful of simulated points:

* **Discrete optimum** — the frontier variant with the highest mean profit.  This is a plan
  you can run.  Variants whose profit interval overlaps the best one's are listed as
  *near-optimal*: the data cannot tell them apart.
* **Smooth optimum** — the service level where marginal revenue equals marginal cost,
  ``R'(s) = C'(s)``.  ``C`` is replaced by a monotone convex fit in
  ``x = −ln(1 − s)`` (cost of service typically grows like the log of the failure rate's
  inverse, i.e. steeply towards 100 %)::

      Ĉ(s) = a + b·x + c·x²,   b, c ≥ 0   (linear: c = 0)

  ``Ĉ`` is increasing and convex in ``x``, and ``x`` is increasing and convex in ``s``, so
  ``Ĉ`` is increasing and convex in ``s``; ``Ĉ'(s) = (b + 2 c x)/(1 − s)``.  The profit
  ``R − Ĉ`` is maximised on a fine grid over the *simulated* service range (no
  extrapolation) and refined with Brent's method on ``R' − Ĉ' = 0``.  If the maximum lies
  on the edge of the range, MR ≠ MC there and the result says so: simulate variants beyond
  that edge.

Confidence bands: service and cost intervals are the per-variant Student-t intervals.
Revenue bounds are the min/max of ``R`` over the service interval; profit bounds are
``[R_low − C_high, R_high − C_low]`` — conservative (by Bonferroni, at least
``1 − 2α`` coverage if each input interval has ``1 − α``), and valid whatever the
correlation between service and cost across replications.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import Literal, Protocol, overload

import numpy as np
import pandas as pd
from scipy import optimize

from tierwise.simulation.analysis.frontier import (
    COST_HALF_WIDTH,
    COST_MEAN,
    SERVICE_HALF_WIDTH,
    SERVICE_MEAN,
    VARIANT_ID,
    frontier_points,
)

__all__ = [
    "COST_HIGH",
    "COST_LOW",
    "MARGINAL_COST",
    "MARGINAL_REVENUE",
    "PROFIT",
    "PROFIT_HIGH",
    "PROFIT_LOW",
    "REVENUE",
    "REVENUE_HIGH",
    "REVENUE_LOW",
    "SERVICE_HIGH",
    "SERVICE_LOW",
    "CostFit",
    "ProfitOptimum",
    "ResponseLike",
    "fit_cost_curve",
    "optimal_service_level",
    "profit_curve",
]

logger = logging.getLogger(__name__)

FloatOrArray = float | np.ndarray

SERVICE_LOW = "service_low"
SERVICE_HIGH = "service_high"
COST_LOW = "cost_per_day_usd_low"
COST_HIGH = "cost_per_day_usd_high"
REVENUE = "revenue_per_day_usd"
REVENUE_LOW = "revenue_per_day_usd_low"
REVENUE_HIGH = "revenue_per_day_usd_high"
PROFIT = "profit_per_day_usd"
PROFIT_LOW = "profit_per_day_usd_low"
PROFIT_HIGH = "profit_per_day_usd_high"
MARGINAL_REVENUE = "marginal_revenue_per_day_usd"
"""``R'(s)`` in USD per day per unit of service (1.0 = 100 percentage points)."""
MARGINAL_COST = "marginal_cost_per_day_usd"
"""Slope of cost from the previous frontier point, USD per day per unit of service."""

_S_CLIP = 1e-9  # services closer than this to 1 are left out of the cost fit (x = inf)
_GRID = 2001  # grid points for the smooth optimum


class ResponseLike(Protocol):
    """Anything with vectorised ``revenue`` and ``marginal_revenue`` on [0, 1]."""

    def revenue(self, s: np.ndarray) -> np.ndarray:
        """Revenue in USD per day."""
        ...

    def marginal_revenue(self, s: np.ndarray) -> np.ndarray:
        """Marginal revenue in USD per day per unit of service."""
        ...


@dataclass(frozen=True)
class CostFit:
    """Monotone convex cost curve ``Ĉ(s) = a + b x + c x²`` with ``x = −ln(1 − s)``.

    Attributes
    ----------
    kind : {"linear", "quadratic"}
        ``linear`` forces ``c = 0``.
    a_usd_per_day, b_usd_per_day, c_usd_per_day : float
        Coefficients (USD per day; ``b, c ≥ 0``).
    service_min, service_max : float
        Range of the fitted frontier services (fraction); the fit is trusted inside it.
    r_squared : float
        Coefficient of determination on the fitted points (NaN if cost is constant).
    """

    kind: Literal["linear", "quadratic"]
    a_usd_per_day: float
    b_usd_per_day: float
    c_usd_per_day: float
    service_min: float
    service_max: float
    r_squared: float

    @overload
    def cost(self, s: float) -> float: ...
    @overload
    def cost(self, s: np.ndarray) -> np.ndarray: ...
    def cost(self, s: FloatOrArray) -> FloatOrArray:
        """Fitted cost ``Ĉ(s)`` in USD per day; ``s`` in [0, 1)."""
        x = -np.log1p(-np.asarray(s, dtype=float))
        out = self.a_usd_per_day + self.b_usd_per_day * x + self.c_usd_per_day * x * x
        return float(out) if np.ndim(out) == 0 else out

    @overload
    def marginal_cost(self, s: float) -> float: ...
    @overload
    def marginal_cost(self, s: np.ndarray) -> np.ndarray: ...
    def marginal_cost(self, s: FloatOrArray) -> FloatOrArray:
        """``Ĉ'(s) = (b + 2 c x)/(1 − s)`` in USD per day per unit of service."""
        arr = np.asarray(s, dtype=float)
        x = -np.log1p(-arr)
        out = (self.b_usd_per_day + 2.0 * self.c_usd_per_day * x) / (1.0 - arr)
        return float(out) if np.ndim(out) == 0 else out


@dataclass(frozen=True)
class ProfitOptimum:
    """Profit-maximising service level of one tier.

    Attributes
    ----------
    variant_id : str
        Frontier variant with the highest mean profit (the discrete optimum).
    service_level : float
        Its mean service (fraction).
    revenue_per_day_usd, cost_per_day_usd, profit_per_day_usd : float
        Its mean revenue, cost and profit (USD/day).
    profit_per_day_usd_low, profit_per_day_usd_high : float
        Conservative profit interval (USD/day).
    near_optimal_variants : tuple of str
        Other frontier variants whose profit interval overlaps the optimum's.
    smooth_service_level : float
        Service level maximising ``R − Ĉ`` over the simulated range (NaN without a fit).
    smooth_profit_per_day_usd : float
        ``R − Ĉ`` there (USD/day).
    smooth_marginal_revenue, smooth_marginal_cost : float
        ``R'`` and ``Ĉ'`` there (USD/day per unit of service).
    mr_equals_mc : bool
        True when the smooth optimum is interior, i.e. ``R' = Ĉ'`` holds there.
    at_boundary : {"low", "high"} or None
        Edge of the simulated range where the smooth optimum sits, if any.
    cost_fit : CostFit or None
        The fitted cost curve (None with fewer than two usable frontier points).
    curve : pandas.DataFrame
        Smooth curves for plotting: ``service``, ``revenue_per_day_usd``,
        ``cost_fit_per_day_usd``, ``profit_fit_per_day_usd`` and ``extrapolated`` (outside
        the simulated range; empty without a fit).
    """

    variant_id: str
    service_level: float
    revenue_per_day_usd: float
    cost_per_day_usd: float
    profit_per_day_usd: float
    profit_per_day_usd_low: float
    profit_per_day_usd_high: float
    near_optimal_variants: tuple[str, ...]
    smooth_service_level: float
    smooth_profit_per_day_usd: float
    smooth_marginal_revenue: float
    smooth_marginal_cost: float
    mr_equals_mc: bool
    at_boundary: Literal["low", "high"] | None
    cost_fit: CostFit | None
    curve: pd.DataFrame = field(repr=False, compare=False)


def _revenue_bounds(
    response: ResponseLike, low: np.ndarray, high: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Min and max of ``R`` over each interval ``[low_i, high_i]`` (33-point scan + ends)."""
    t = np.linspace(0.0, 1.0, 33)
    grid = low[:, None] + (high - low)[:, None] * t[None, :]
    values = np.asarray(response.revenue(grid), dtype=float)
    return values.min(axis=1), values.max(axis=1)


def profit_curve(frontier: pd.DataFrame, response: ResponseLike) -> pd.DataFrame:
    """Revenue, cost and profit (with confidence bands) at each frontier variant.

    Parameters
    ----------
    frontier : pandas.DataFrame
        Output of :func:`tierwise.simulation.analysis.frontier.cost_service_frontier` (only rows
        with
        ``on_frontier`` are used) or any table with ``variant_id``, ``service_mean``,
        ``service_half_width``, ``cost_per_day_usd_mean`` and ``cost_per_day_usd_half_width``.
    response : ResponseLike
        Revenue response, e.g. from
        :func:`tierwise.optimization.economics.revenue.default_response`.

    Returns
    -------
    pandas.DataFrame
        Frontier rows sorted by service with added columns ``service_low``/``high``
        (fraction, clipped to [0, 1]), ``cost_per_day_usd_low``/``high``,
        ``revenue_per_day_usd`` (+ ``_low``/``_high``), ``profit_per_day_usd``
        (+ ``_low``/``_high``), ``marginal_revenue_per_day_usd`` (``R'`` at the mean) and
        ``marginal_cost_per_day_usd`` (cost slope from the previous frontier point; NaN for
        the first), all in USD per day (marginals per unit of service).
    """
    pts = frontier_points(frontier)
    if pts.empty:
        raise ValueError("frontier has no rows on the frontier; nothing to evaluate")
    s = pts[SERVICE_MEAN].to_numpy(dtype=float)
    hs = np.nan_to_num(pts[SERVICE_HALF_WIDTH].to_numpy(dtype=float), nan=0.0)
    c = pts[COST_MEAN].to_numpy(dtype=float)
    hc_col = pts[COST_HALF_WIDTH] if COST_HALF_WIDTH in pts else pd.Series(0.0, index=pts.index)
    hc = np.nan_to_num(hc_col.to_numpy(dtype=float), nan=0.0)

    s_low = np.clip(s - hs, 0.0, 1.0)
    s_high = np.clip(s + hs, 0.0, 1.0)
    rev = np.asarray(response.revenue(s), dtype=float)
    rev_low, rev_high = _revenue_bounds(response, s_low, s_high)

    out = pts.copy()
    out[SERVICE_LOW] = s_low
    out[SERVICE_HIGH] = s_high
    out[COST_LOW] = c - hc
    out[COST_HIGH] = c + hc
    out[REVENUE] = rev
    out[REVENUE_LOW] = np.minimum(rev_low, rev)
    out[REVENUE_HIGH] = np.maximum(rev_high, rev)
    out[PROFIT] = rev - c
    out[PROFIT_LOW] = out[REVENUE_LOW] - out[COST_HIGH]
    out[PROFIT_HIGH] = out[REVENUE_HIGH] - out[COST_LOW]
    out[MARGINAL_REVENUE] = np.asarray(response.marginal_revenue(s), dtype=float)
    ds = np.diff(s)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = np.where(ds > 0.0, np.diff(c) / np.where(ds > 0.0, ds, 1.0), np.nan)
    out[MARGINAL_COST] = np.concatenate([[np.nan], slope])
    out.attrs = dict(frontier.attrs)
    return out


def fit_cost_curve(
    service: np.ndarray,
    cost_usd_per_day: np.ndarray,
    kind: Literal["auto", "linear", "quadratic"] = "auto",
) -> CostFit:
    """Least-squares fit of ``cost = a + b x + c x²``, ``x = −ln(1 − s)``, with ``b, c ≥ 0``.

    Parameters
    ----------
    service : numpy.ndarray
        Frontier service levels (fractions in [0, 1)); values within 1e-9 of 1 are dropped.
    cost_usd_per_day : numpy.ndarray
        Frontier costs (USD/day).
    kind : {"auto", "linear", "quadratic"}, default "auto"
        ``auto`` uses quadratic with four or more points, linear otherwise.

    Returns
    -------
    CostFit

    Raises
    ------
    ValueError
        With fewer than two usable points or mismatched lengths.
    """
    s = np.asarray(service, dtype=float)
    y = np.asarray(cost_usd_per_day, dtype=float)
    if s.shape != y.shape:
        raise ValueError(f"service {s.shape} and cost {y.shape} must have the same shape")
    keep = s < 1.0 - _S_CLIP
    if not keep.all():
        logger.warning(
            "%d frontier point(s) at service 1.0 left out of the cost fit", int((~keep).sum())
        )
    s, y = s[keep], y[keep]
    if s.size < 2:
        raise ValueError(f"need at least 2 frontier points below service 1 to fit; got {s.size}")
    if kind not in ("auto", "linear", "quadratic"):
        raise ValueError(f"kind={kind!r} is not allowed; use 'auto', 'linear' or 'quadratic'")
    resolved: Literal["linear", "quadratic"] = (
        ("quadratic" if s.size >= 4 else "linear") if kind == "auto" else kind
    )
    x = -np.log1p(-s)
    cols = [np.ones_like(x), x] + ([x * x] if resolved == "quadratic" else [])
    design = np.column_stack(cols)
    lower = [-np.inf] + [0.0] * (len(cols) - 1)
    sol = optimize.lsq_linear(design, y, bounds=(lower, np.inf), method="bvls")
    coef = list(map(float, sol.x)) + [0.0] * (3 - len(cols))
    resid = y - design @ sol.x
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    r2 = 1.0 - float(np.sum(resid**2)) / ss_tot if ss_tot > 0 else math.nan
    return CostFit(
        kind=resolved,
        a_usd_per_day=coef[0],
        b_usd_per_day=coef[1],
        c_usd_per_day=coef[2],
        service_min=float(s.min()),
        service_max=float(s.max()),
        r_squared=r2,
    )


def _smooth_optimum(
    fit: CostFit, response: ResponseLike
) -> tuple[float, float, float, float, bool, Literal["low", "high"] | None]:
    lo, hi = fit.service_min, fit.service_max
    grid = np.linspace(lo, hi, _GRID)
    profit = np.asarray(response.revenue(grid), dtype=float) - fit.cost(grid)
    k = int(np.argmax(profit))
    s_star = float(grid[k])
    at_boundary: Literal["low", "high"] | None = None
    if k == 0:
        at_boundary = "low"
    elif k == _GRID - 1:
        at_boundary = "high"
    else:

        def gap(x: float) -> float:
            return float(response.marginal_revenue(np.asarray(x))) - fit.marginal_cost(x)

        a, b = float(grid[k - 1]), float(grid[k + 1])
        if gap(a) > 0.0 > gap(b):
            s_star = float(optimize.brentq(gap, a, b, xtol=1e-12))
    mr = float(response.marginal_revenue(np.asarray(s_star)))
    mc = fit.marginal_cost(s_star)
    p_star = float(response.revenue(np.asarray(s_star))) - fit.cost(s_star)
    return s_star, p_star, mr, mc, at_boundary is None, at_boundary


def _plot_curve(fit: CostFit | None, response: ResponseLike) -> pd.DataFrame:
    columns = ["service", REVENUE, "cost_fit_per_day_usd", "profit_fit_per_day_usd"]
    if fit is None:
        return pd.DataFrame(columns=[*columns, "extrapolated"])
    span = max(fit.service_max - fit.service_min, 0.01)
    lo = max(0.0, fit.service_min - 0.15 * span)
    hi = min(fit.service_max + 0.6 * (1.0 - fit.service_max), 0.9995)
    grid = np.linspace(lo, hi, 400)
    grid = np.unique(np.concatenate([grid, [fit.service_min, fit.service_max]]))
    rev = np.asarray(response.revenue(grid), dtype=float)
    cost = fit.cost(grid)
    return pd.DataFrame(
        {
            "service": grid,
            REVENUE: rev,
            "cost_fit_per_day_usd": cost,
            "profit_fit_per_day_usd": rev - cost,
            "extrapolated": (grid < fit.service_min) | (grid > fit.service_max),
        }
    )


def optimal_service_level(
    frontier: pd.DataFrame,
    response: ResponseLike,
    cost_fit: Literal["auto", "linear", "quadratic"] = "auto",
) -> ProfitOptimum:
    """Profit-maximising frontier variant and smooth ``MR = MC`` service level.

    Parameters
    ----------
    frontier : pandas.DataFrame
        Output of :func:`tierwise.simulation.analysis.frontier.cost_service_frontier` (or of
        :func:`profit_curve`).
    response : ResponseLike
        Revenue response of the tier.
    cost_fit : {"auto", "linear", "quadratic"}, default "auto"
        Form of the smooth cost fit (see :func:`fit_cost_curve`).

    Returns
    -------
    ProfitOptimum
        See the module docstring for the method.  Without two usable frontier points the
        smooth fields are NaN and ``cost_fit`` is None.
    """
    curve = profit_curve(frontier, response)
    best = int(np.argmax(curve[PROFIT].to_numpy(dtype=float)))
    row = curve.iloc[best]
    overlap = curve[PROFIT_HIGH] >= row[PROFIT_LOW]
    near = tuple(
        str(v) for i, v in enumerate(curve[VARIANT_ID]) if bool(overlap.iloc[i]) and i != best
    )

    fit: CostFit | None
    try:
        fit = fit_cost_curve(
            curve[SERVICE_MEAN].to_numpy(dtype=float),
            curve[COST_MEAN].to_numpy(dtype=float),
            kind=cost_fit,
        )
    except ValueError as exc:
        logger.info("no smooth optimum: %s", exc)
        fit = None
    if fit is not None:
        s_star, p_star, mr, mc, interior, boundary = _smooth_optimum(fit, response)
        if not interior:
            logger.info(
                "smooth optimum at the %s edge of the simulated range (s=%.4f): simulate "
                "variants beyond it to locate MR = MC",
                boundary,
                s_star,
            )
    else:
        s_star = p_star = mr = mc = math.nan
        interior, boundary = False, None

    return ProfitOptimum(
        variant_id=str(row[VARIANT_ID]),
        service_level=float(row[SERVICE_MEAN]),
        revenue_per_day_usd=float(row[REVENUE]),
        cost_per_day_usd=float(row[COST_MEAN]),
        profit_per_day_usd=float(row[PROFIT]),
        profit_per_day_usd_low=float(row[PROFIT_LOW]),
        profit_per_day_usd_high=float(row[PROFIT_HIGH]),
        near_optimal_variants=near,
        smooth_service_level=s_star,
        smooth_profit_per_day_usd=p_star,
        smooth_marginal_revenue=mr,
        smooth_marginal_cost=mc,
        mr_equals_mc=interior,
        at_boundary=boundary,
        cost_fit=fit,
        curve=_plot_curve(fit, response),
    )
