"""Base-stock inventory with Poisson demand: periodic review and continuous (S−1, S) review.

Stock quantities are units of product; demand rates are per period or per day as named.
"""

from __future__ import annotations

from dataclasses import dataclass

from scipy.stats import poisson

from tierwise.simulation.theory.arguments import (
    check_integer,
    check_nonnegative,
    check_positive,
)

__all__ = [
    "ContinuousBaseStock",
    "PeriodicBaseStock",
    "continuous_base_stock",
    "poisson_base_stock",
]


@dataclass(frozen=True, slots=True)
class PeriodicBaseStock:
    """Steady-state measures of a periodic-review base-stock policy.

    Attributes
    ----------
    no_stockout_probability : float
        P(D_{L+1} <= S): probability a period ends without backorders
        (cycle service level, "type 1").
    expected_shortage_units : float
        E[(D_{L+1} − S)+]: expected backorders at the end of a period, units.
    fill_rate : float
        Fraction of demand met from stock on hand ("type 2"),
        1 − (E[(D_{L+1} − S)+] − E[(D_L − S)+]) / μ.
    expected_on_hand_units : float
        E[(S − D_{L+1})+]: expected stock on hand at the end of a period, units.
    """

    no_stockout_probability: float
    expected_shortage_units: float
    fill_rate: float
    expected_on_hand_units: float


@dataclass(frozen=True, slots=True)
class ContinuousBaseStock:
    """Steady-state measures of a continuous-review (S−1, S) base-stock policy.

    Attributes
    ----------
    fill_rate : float
        Fraction of demand met from stock, P(IL > 0) = P(D_L <= S − 1).
    expected_backorders_units : float
        E[(D_L − S)+]: time-average backorders, units.
    expected_on_hand_units : float
        E[(S − D_L)+]: time-average stock on hand, units.
    """

    fill_rate: float
    expected_backorders_units: float
    expected_on_hand_units: float


def _poisson_loss(mean: float, level: int) -> tuple[float, float]:
    """Return (E[(D − S)+], E[(S − D)+]) for D ~ Poisson(mean), S = level >= 0.

    Uses the first-order loss identities
    ``E[(D − S)+] = (μ − S)·P(D > S) + μ·P(D = S)`` and
    ``E[(S − D)+] = (S − μ)·P(D <= S) + μ·P(D = S)``.
    """
    if mean == 0.0:
        return 0.0, float(level)
    pmf = float(poisson.pmf(level, mean))
    shortage = (mean - level) * float(poisson.sf(level, mean)) + mean * pmf
    on_hand = (level - mean) * float(poisson.cdf(level, mean)) + mean * pmf
    return max(shortage, 0.0), max(on_hand, 0.0)


def poisson_base_stock(
    mean_demand_per_period: float,
    base_stock_units: int,
    lead_time_periods: int = 0,
) -> PeriodicBaseStock:
    """Periodic-review base stock with Poisson demand and full backordering.

    Each period the inventory position is raised to S; an order arrives L
    periods later. The net inventory at the end of a period is S − D_{L+1},
    with D_n ~ Poisson(n·μ) the demand over n periods.

    Parameters
    ----------
    mean_demand_per_period : float
        Mean demand μ per period in units (> 0).
    base_stock_units : int
        Base-stock (order-up-to) level S in units (>= 0).
    lead_time_periods : int, default 0
        Replenishment lead time L in whole periods (>= 0).

    Returns
    -------
    PeriodicBaseStock
        ``no_stockout_probability`` P(D_{L+1} <= S), ``expected_shortage_units``
        E[(D_{L+1} − S)+], ``fill_rate`` 1 − (E[(D_{L+1} − S)+] − E[(D_L − S)+])/μ
        (= 1 − E[(D − S)+]/μ for L = 0), ``expected_on_hand_units`` E[(S − D_{L+1})+].

    Raises
    ------
    ValueError
        If the mean demand is not positive and finite, S < 0 or L < 0.
    """
    mu = check_positive("mean_demand_per_period", mean_demand_per_period)
    s = check_integer("base_stock_units", base_stock_units, 0)
    lead = check_integer("lead_time_periods", lead_time_periods, 0)
    mean_cover = (lead + 1) * mu
    shortage, on_hand = _poisson_loss(mean_cover, s)
    shortage_before, _ = _poisson_loss(lead * mu, s)
    fill = 1.0 - (shortage - shortage_before) / mu
    return PeriodicBaseStock(
        no_stockout_probability=float(poisson.cdf(s, mean_cover)),
        expected_shortage_units=shortage,
        fill_rate=min(max(fill, 0.0), 1.0),
        expected_on_hand_units=on_hand,
    )


def continuous_base_stock(
    demand_rate_per_day: float,
    lead_time_days: float,
    base_stock_units: int,
) -> ContinuousBaseStock:
    """Continuous-review one-for-one (S−1, S) base stock with Poisson demand.

    Every demand triggers a replenishment order. By Palm's theorem the number of
    orders outstanding is Poisson(λ·L) for any lead-time distribution with mean
    L (independent lead times), so the net inventory is IL = S − D_L with
    D_L ~ Poisson(λ·L). By PASTA the fill rate is P(IL > 0).

    Parameters
    ----------
    demand_rate_per_day : float
        Poisson demand rate λ in units per day (> 0).
    lead_time_days : float
        Mean replenishment lead time L in days (>= 0).
    base_stock_units : int
        Base-stock level S in units (>= 0).

    Returns
    -------
    ContinuousBaseStock
        ``fill_rate`` P(D_L <= S − 1), ``expected_backorders_units`` E[(D_L − S)+],
        ``expected_on_hand_units`` E[(S − D_L)+].

    Raises
    ------
    ValueError
        If the demand rate is not positive and finite, the lead time is
        negative or not finite, or S < 0.
    """
    lam = check_positive("demand_rate_per_day", demand_rate_per_day)
    lead = check_nonnegative("lead_time_days", lead_time_days)
    s = check_integer("base_stock_units", base_stock_units, 0)
    mean = lam * lead
    backorders, on_hand = _poisson_loss(mean, s)
    fill = 0.0 if s == 0 else (1.0 if mean == 0.0 else float(poisson.cdf(s - 1, mean)))
    return ContinuousBaseStock(
        fill_rate=fill,
        expected_backorders_units=backorders,
        expected_on_hand_units=on_hand,
    )
