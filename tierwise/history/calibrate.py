"""Calibrating each tier's demand (the scenario's ``tiers.<t>`` demand fields) from a history.

The engine's order rate of a tier at hour ``h`` of weekday ``d`` is ``orders_per_hour ×
weekday_profile[d] × hourly_profile[h]``. From the tier's orders in the history
``[start, end)`` (whole days):

* ``weekday_profile[d] = rate_d / mean(rate)``, ``rate_d = N_d / n_d`` the orders per
  weekday-``d`` date (``N_d`` orders on the ``n_d`` such dates in the history), so a history
  that starts or ends mid-week is not biased; mean 1 over the week. A weekday that occurs
  fewer than :data:`MIN_WEEKDAY_OCCURRENCES` times makes the history too short for a weekday
  profile: it is left flat, with a warning.
* ``hourly_profile[h] = 24 · (orders in hour h of the day) / orders`` (mean 1).
* ``orders_per_hour = mean(rate) / 24``: orders per hour averaged over the whole week; its
  95 % interval from the Poisson variance ``Σ_d N_d / n_d² / 168²``.
* ``lines_per_order`` and ``units_per_line``:
  :func:`~tierwise.history.fitting.fit_count_distribution` (per-line rows give units per line
  directly; with one row per order, the mean is total units / total lines and the cv the
  moment estimate ``σ² = mean((U − μL)² / L)`` of independent lines, gamma assumed).
* ``channel_mix``: share of orders per channel; ``family_mix``: share of lines per family.
* ``revenue_per_order_usd``: mean profit (margin, else value) per order, t interval.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tierwise.history.fitting import FittedDistribution, fit_count_distribution
from tierwise.history.reading import OrderHistory
from tierwise.simulation.scenario.distributions import MAX_CV, Distribution

__all__ = [
    "MIN_WEEKDAY_OCCURRENCES",
    "Z_95",
    "DemandCalibration",
    "TierDemand",
    "calibrate_demand",
    "mix_shares",
]

logger = logging.getLogger(__name__)

#: Each weekday must occur this often in the history for a weekday profile (2: two weeks).
MIN_WEEKDAY_OCCURRENCES = 2
#: Normal quantile of a two-sided 95 % interval.
Z_95 = 1.959963984540054


@dataclass(frozen=True)
class TierDemand:
    """Calibrated demand of one tier, with the uncertainty and origin of each value.

    Attributes
    ----------
    customers : int
        Distinct customers of the tier in the history.
    orders : int
        Orders of the tier.
    orders_per_hour, orders_per_hour_se : float
        Base rate (orders per hour, averaged over the week) and its standard error.
    hourly_profile, hourly_profile_se : tuple of float
        24 multipliers (mean 1) and their standard errors.
    weekday_profile, weekday_profile_se : tuple of float or None
        7 multipliers Monday..Sunday (mean 1) and standard errors; None when the history is
        too short (flat).
    lines_per_order, units_per_line : FittedDistribution
        The fitted count distributions.
    channel_mix, family_mix : dict or None
        Shares (orders per channel, lines per family); None when the history lacks the column.
    revenue_per_order_usd, revenue_per_order_se : float
        Mean profit per order, USD, and its standard error.
    """

    customers: int
    orders: int
    orders_per_hour: float
    orders_per_hour_se: float
    hourly_profile: tuple[float, ...]
    hourly_profile_se: tuple[float, ...]
    weekday_profile: tuple[float, ...] | None
    weekday_profile_se: tuple[float, ...] | None
    lines_per_order: FittedDistribution
    units_per_line: FittedDistribution
    channel_mix: dict[str, float] | None
    family_mix: dict[str, float] | None
    revenue_per_order_usd: float
    revenue_per_order_se: float

    @property
    def orders_per_day(self) -> float:
        """Expected orders per calendar day (base rate × 24, the profiles average 1)."""
        return self.orders_per_hour * 24.0


@dataclass(frozen=True)
class DemandCalibration:
    """Demand of every tier and what the calibration had to say about the history.

    Attributes
    ----------
    tiers : dict
        ``tier → TierDemand``, in tier order.
    span_days : float
        Whole calendar days covered.
    weekday_occurrences : tuple of int
        Dates of each weekday (Monday..Sunday) in the history.
    warnings : list of str
        For the user (e.g. a flat weekday profile).
    """

    tiers: dict[str, TierDemand]
    span_days: float
    weekday_occurrences: tuple[int, ...]
    warnings: list[str] = field(default_factory=list)


def mix_shares(counts: pd.Series, digits: int = 4) -> dict[str, float]:
    """Shares of ``counts`` rounded to ``digits`` decimals that still sum to exactly 1
    (the largest share takes the rounding remainder)."""
    total = float(counts.sum())
    shares = {str(k): round(float(v) / total, digits) for k, v in counts.items() if v > 0}
    largest = max(shares, key=shares.__getitem__)
    shares[largest] = round(1.0 - sum(v for k, v in shares.items() if k != largest), digits)
    return shares


def _weekday_occurrences(history: OrderHistory) -> np.ndarray:
    dates = pd.date_range(history.start, history.end - pd.Timedelta(days=1), freq="D")
    return np.bincount(dates.day_of_week, minlength=7)


def _units_per_line(history: OrderHistory, orders: pd.DataFrame) -> FittedDistribution:
    if history.order_lines is not None:
        mine = history.order_lines["order_id"].isin(orders["order_id"])
        per_line = history.order_lines.loc[mine, "units"].to_numpy()
        return fit_count_distribution(per_line, "units per line")
    lines = orders["lines"].to_numpy(dtype=float)
    units = orders["units"].to_numpy(dtype=float)
    mean = float(units.sum() / lines.sum())
    variance = float(np.mean((units - mean * lines) ** 2 / lines))
    cv = min(math.sqrt(max(variance, 0.0)) / mean, MAX_CV) if mean > 0 else 0.0
    n = len(orders)
    if cv == 0.0:
        dist = Distribution(dist="deterministic", mean=round(mean, 4))
        family, note = "deterministic", f"every order has {mean:g} units per line"
    else:
        dist = Distribution(dist="gamma", mean=round(mean, 4), cv=round(cv, 4))
        family = "gamma"
        note = (
            f"moments of {n} orders' units / lines (one row per order, no per-line units): "
            "mean = units / lines, cv from the per-order spread; gamma assumed"
        )
    return FittedDistribution(dist, family, mean, cv, math.nan, math.nan, n, {}, math.nan, note)


def _tier_demand(
    history: OrderHistory, orders: pd.DataFrame, occurrences: np.ndarray, weekly: bool
) -> TierDemand:
    n = len(orders)
    stamps = orders["timestamp"]
    hours = np.bincount(stamps.dt.hour, minlength=24).astype(float)
    share = hours / n
    hourly = tuple(float(v) for v in 24.0 * share)
    hourly_se = tuple(float(v) for v in 24.0 * np.sqrt(share * (1.0 - share) / n))
    if weekly:
        per_day = np.bincount(stamps.dt.day_of_week, minlength=7).astype(float)
        rate = per_day / occurrences
        mean_rate = float(rate.mean())
        base = mean_rate / 24.0
        base_se = math.sqrt(float(np.sum(per_day / occurrences**2))) / 168.0
        weekday: tuple[float, ...] | None = tuple(float(v) for v in rate / mean_rate)
        weekday_se: tuple[float, ...] | None = tuple(
            float(v) for v in np.sqrt(per_day) / occurrences / mean_rate
        )
    else:
        hours_total = history.span_days * 24.0
        base, base_se = n / hours_total, math.sqrt(n) / hours_total
        weekday = weekday_se = None
    channel = mix_shares(orders["channel"].value_counts()) if history.has_channel else None
    family: dict[str, float] | None = None
    if history.has_family:
        if history.order_lines is not None:
            mine = history.order_lines["order_id"].isin(orders["order_id"])
            family = mix_shares(history.order_lines.loc[mine, "family"].value_counts())
        else:
            family = mix_shares(orders.groupby("family")["lines"].sum())
    profit = orders["profit"].to_numpy(dtype=float)
    return TierDemand(
        customers=int(orders["customer"].nunique()),
        orders=n,
        orders_per_hour=base,
        orders_per_hour_se=base_se,
        hourly_profile=hourly,
        hourly_profile_se=hourly_se,
        weekday_profile=weekday,
        weekday_profile_se=weekday_se,
        lines_per_order=fit_count_distribution(orders["lines"].to_numpy(), "lines per order"),
        units_per_line=_units_per_line(history, orders),
        channel_mix=channel,
        family_mix=family,
        revenue_per_order_usd=float(profit.mean()),
        revenue_per_order_se=float(profit.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan,
    )


def calibrate_demand(history: OrderHistory, tiers: pd.Series) -> DemandCalibration:
    """Fit every tier's demand from the history.

    Parameters
    ----------
    history : OrderHistory
        The validated history.
    tiers : pandas.Series
        ``customer → tier`` (:func:`~tierwise.history.classify.classify_customers`).

    Returns
    -------
    DemandCalibration
        A tier without orders is left out (and named in the warnings).
    """
    occurrences = _weekday_occurrences(history)
    weekly = bool(occurrences.min() >= MIN_WEEKDAY_OCCURRENCES)
    warnings: list[str] = []
    if not weekly:
        text = (
            f"the history covers {history.span_days:g} day(s): too short for a weekday profile "
            f"(each weekday must occur at least {MIN_WEEKDAY_OCCURRENCES} times, i.e. 14 days); "
            "the weekday profile is flat"
        )
        logger.info(text)
        warnings.append(text)
    tier_of = history.orders["customer"].map(tiers)
    demand: dict[str, TierDemand] = {}
    for name in sorted(tiers.dropna().unique()):
        orders = history.orders[tier_of == name]
        if orders.empty:
            warnings.append(f"tier {name} has no orders: left out of the scenario")
            continue
        demand[name] = _tier_demand(history, orders, occurrences, weekly)
    return DemandCalibration(
        demand, history.span_days, tuple(int(o) for o in occurrences), warnings
    )
