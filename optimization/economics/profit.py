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
  ``R'(s) = C'(s)``.  ``C`` is replaced by a monotone cost curve through the frontier points
  (:func:`tierwise.optimization.economics.cost_fit.fit_cost_curve`: a non-negative
  combination of ``Φ⁻¹(s)``, ``x`` and ``x²`` with ``x = −ln(1 − s)``, the form chosen by
  AICc, its fit quality reported).  The profit ``R − Ĉ`` is maximised on a fine grid over
  the *simulated* service range (no extrapolation) and refined with Brent's method on
  ``R' − Ĉ' = 0``.  If the maximum lies on the edge of the range, MR ≠ MC there and the
  result says so: simulate variants beyond that edge.  A smooth profit above the best
  simulated variant's profit interval is flagged (``smooth_profit_above_simulated``) and
  logged: it rests on the fitted curve, not on a simulated point.

Confidence bands: service and cost intervals are the per-variant Student-t intervals.
Revenue bounds are the min/max of ``R`` over the service interval; profit bounds are
``[R_low − C_high, R_high − C_low]`` — conservative (by Bonferroni, at least
``1 − 2α`` coverage if each input interval has ``1 − α``), and valid whatever the
correlation between service and cost across replications.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np
import pandas as pd
from scipy import optimize

from tierwise.optimization.economics.cost_fit import CostFit, CostTerm, fit_cost_curve
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
    "ProfitOptimum",
    "ResponseLike",
    "optimal_service_level",
    "profit_curve",
]

logger = logging.getLogger(__name__)

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

_GRID = 2001  # grid points for the smooth optimum
_PROFIT_SLACK = 1e-9  # relative round-off allowed above the best profit interval


class ResponseLike(Protocol):
    """Anything with vectorised ``revenue`` and ``marginal_revenue`` on [0, 1]."""

    def revenue(self, s: np.ndarray) -> np.ndarray:
        """Revenue in USD per day."""
        ...

    def marginal_revenue(self, s: np.ndarray) -> np.ndarray:
        """Marginal revenue in USD per day per unit of service."""
        ...


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
    smooth_profit_above_simulated : bool
        The smooth profit exceeds the upper end of the best simulated variant's profit
        interval: no simulated point backs it, it rests on the fitted cost curve alone.
    smooth_marginal_revenue, smooth_marginal_cost : float
        ``R'`` and ``Ĉ'`` there (USD/day per unit of service).
    mr_equals_mc : bool
        True when the smooth optimum is interior, i.e. ``R' = Ĉ'`` holds there.
    at_boundary : {"low", "high"} or None
        Edge of the simulated range where the smooth optimum sits, if any.
    cost_fit : CostFit or None
        The fitted cost curve with its fit quality (``r_squared``,
        ``max_residual_to_half_width``); None with fewer than two usable frontier points.
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
    smooth_profit_above_simulated: bool
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
    cost_terms: Literal["auto"] | Sequence[CostTerm] = "auto",
) -> ProfitOptimum:
    """Profit-maximising frontier variant and smooth ``MR = MC`` service level.

    Parameters
    ----------
    frontier : pandas.DataFrame
        Output of :func:`tierwise.simulation.analysis.frontier.cost_service_frontier` (or of
        :func:`profit_curve`).
    response : ResponseLike
        Revenue response of the tier.
    cost_terms : "auto" or sequence of str, default "auto"
        Form of the smooth cost fit (see
        :func:`tierwise.optimization.economics.cost_fit.fit_cost_curve`).

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
            curve[COST_HIGH].to_numpy(dtype=float) - curve[COST_MEAN].to_numpy(dtype=float),
            terms=cost_terms,
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
    best_high = float(row[PROFIT_HIGH])
    above = bool(p_star > best_high + _PROFIT_SLACK * max(abs(best_high), 1.0))
    if above:
        logger.warning(
            "smooth profit %.2f USD/day at s=%.4f is above the best simulated variant's "
            "profit interval (%s, up to %.2f USD/day): it rests on the cost fit %s (R² %.4f), "
            "not on a simulated point",
            p_star,
            s_star,
            row[VARIANT_ID],
            best_high,
            fit.form if fit is not None else "-",
            fit.r_squared if fit is not None else math.nan,
        )

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
        smooth_profit_above_simulated=above,
        smooth_marginal_revenue=mr,
        smooth_marginal_cost=mc,
        mr_equals_mc=interior,
        at_boundary=boundary,
        cost_fit=fit,
        curve=_plot_curve(fit, response),
    )
