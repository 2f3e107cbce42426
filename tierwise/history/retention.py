"""Retention per tier measured from a history, its lifetime value, and the revenue response.

The history ``[start, end)`` is cut into whole periods of ``period_days`` from its first day
(a trailing part period is ignored). A customer is *active* in a period when it orders in it.
A tier's retention is the share of its customers active in one period who are active again in
the next, pooled over consecutive pairs of periods::

    r = Σ_p |active_p ∩ active_{p+1}| / Σ_p |active_p|,   se = √(r (1 − r) / Σ_p |active_p|)

(It measures staying *and* ordering in the next period, so a customer who orders less than
once a period counts as lost now and then.) At least two whole periods are needed. Per year:
``r_year = r^(365 / period_days)``, margin per customer-year ``m = 365/period_days × profit per
active customer-period``, and the lifetime value comes from the one CLV function,
:func:`tierwise.optimization.economics.customers.customer_lifetime_value`.

:func:`retention_response` turns a measurement into the tier's ``retention`` revenue response
(:class:`~tierwise.optimization.economics.customers.RetentionResponse`): the tier profile's
default response (shape, retention and acquisition cost) with the measured customer base and
margin, and ``r0, r1`` rescaled (same ratio ``r0/r1`` as the profile) so that ``r(s_now)`` is
the measured annual retention at the service the tier gets now.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tierwise.history.reading import OrderHistory
from tierwise.optimization.economics.customers import (
    RetentionResponse,
    customer_lifetime_value,
)
from tierwise.optimization.economics.revenue import default_response

__all__ = [
    "DAYS_PER_YEAR",
    "DEFAULT_PERIOD_DAYS",
    "MAX_ANNUAL_RETENTION",
    "TierRetention",
    "measure_retention",
    "retention_response",
]

logger = logging.getLogger(__name__)

DEFAULT_PERIOD_DAYS = 28
DAYS_PER_YEAR = 365.0
#: Largest annual retention put into a response (the model needs r < 1).
MAX_ANNUAL_RETENTION = 0.99


@dataclass(frozen=True)
class TierRetention:
    """Retention of one tier measured over consecutive periods.

    Attributes
    ----------
    period_days : float
        Length of a period, days.
    periods : int
        Whole periods in the history.
    active_customer_periods : int
        ``Σ_p |active_p|`` over the periods that have a next one (the denominator).
    retained : int
        ``Σ_p |active_p ∩ active_{p+1}|``.
    retention, retention_se : float
        Per period: share retained and its standard error.
    mean_active_customers : float
        Active customers per period (mean over the whole periods).
    margin_per_customer_period_usd : float
        Profit per active customer per period, USD.
    discount_rate_per_year : float
        Discount rate of the lifetime value.
    """

    period_days: float
    periods: int
    active_customer_periods: int
    retained: int
    retention: float
    retention_se: float
    mean_active_customers: float
    margin_per_customer_period_usd: float
    discount_rate_per_year: float

    @property
    def periods_per_year(self) -> float:
        """Periods in a year of :data:`DAYS_PER_YEAR` days."""
        return DAYS_PER_YEAR / self.period_days

    @property
    def annual_retention(self) -> float:
        """``r^(365 / period_days)``."""
        return float(self.retention**self.periods_per_year)

    @property
    def margin_per_customer_year_usd(self) -> float:
        """Profit per retained customer per year, USD/year."""
        return self.margin_per_customer_period_usd * self.periods_per_year

    @property
    def lifetime_value_usd(self) -> float:
        """CLV ``m r / (1 + i − r)`` per year (annual retention capped below 1), USD."""
        return float(
            customer_lifetime_value(
                self.margin_per_customer_year_usd,
                min(self.annual_retention, MAX_ANNUAL_RETENTION),
                self.discount_rate_per_year,
            )
        )


def measure_retention(
    history: OrderHistory,
    tiers: pd.Series,
    period_days: float = DEFAULT_PERIOD_DAYS,
    discount_rate_per_year: float = 0.1,
) -> dict[str, TierRetention] | None:
    """Retention of every tier, or None when the history has fewer than two whole periods.

    Parameters
    ----------
    history : OrderHistory
        The history.
    tiers : pandas.Series
        ``customer → tier``.
    period_days : float
        Length of a period, days (> 0; default 28).
    discount_rate_per_year : float
        Discount rate of the lifetime value, per year (default 0.1).

    Returns
    -------
    dict or None
        ``tier → TierRetention``; a tier with nobody active before the last period is left out.
    """
    if not period_days > 0:
        raise ValueError(f"period_days={period_days!r} must be > 0")
    periods = int(history.span_days // period_days)
    if periods < 2:
        logger.info(
            "%g days of history < 2 periods of %g days: no retention",
            history.span_days,
            period_days,
        )
        return None
    orders = history.orders
    elapsed = (orders["timestamp"] - history.start) / pd.Timedelta(days=1)
    period = np.floor(elapsed / period_days).astype(int)
    whole = period < periods
    frame = pd.DataFrame(
        {
            "customer": orders["customer"][whole],
            "period": period[whole],
            "profit": orders["profit"][whole],
            "tier": orders["customer"][whole].map(tiers),
        }
    )
    active = frame.groupby(["tier", "period"])["customer"].agg(set)
    profit = frame.groupby("tier")["profit"].sum()
    result: dict[str, TierRetention] = {}
    for tier in sorted(frame["tier"].dropna().unique()):
        sets = [active.get((tier, p), set()) for p in range(periods)]
        base = sum(len(sets[p]) for p in range(periods - 1))
        if base == 0:
            continue
        kept = sum(len(sets[p] & sets[p + 1]) for p in range(periods - 1))
        r = kept / base
        customer_periods = sum(len(s) for s in sets)
        result[tier] = TierRetention(
            period_days=float(period_days),
            periods=periods,
            active_customer_periods=base,
            retained=kept,
            retention=r,
            retention_se=math.sqrt(r * (1.0 - r) / base),
            mean_active_customers=customer_periods / periods,
            margin_per_customer_period_usd=float(profit[tier]) / customer_periods,
            discount_rate_per_year=discount_rate_per_year,
        )
    return result


def retention_response(
    measured: TierRetention,
    profile: str,
    revenue_per_order_usd: float,
    orders_per_day: float,
    current_service: float,
) -> tuple[dict[str, Any], str]:
    """The tier's ``retention`` revenue response from its measured retention.

    Parameters
    ----------
    measured : TierRetention
        The measurement.
    profile : str
        Revenue profile A, B or C whose default retention response gives the shape ``γ``,
        the ratio ``r0/r1``, the retention cost share and the acquisition multiple.
    revenue_per_order_usd, orders_per_day : float
        The tier's calibrated revenue per order (USD) and orders per day (> 0).
    current_service : float
        Service level the tier gets now (perfect-order rate, fraction in (0, 1]) at which the
        measured retention holds.

    Returns
    -------
    dict, str
        The scenario's ``revenue_response`` mapping, and a note on how it was built.
    """
    template = default_response(profile, revenue_per_order_usd, orders_per_day, "retention")
    assert isinstance(template, RetentionResponse)
    ratio = template.retention_at_zero_service / template.retention_at_full_service
    at_now = ratio + (1.0 - ratio) * current_service**template.shape_gamma
    observed = measured.annual_retention
    r1 = min(observed / at_now, MAX_ANNUAL_RETENTION)
    margin = measured.margin_per_customer_year_usd
    cost_share = (
        template.retention_cost_per_customer_year_usd / template.margin_per_customer_year_usd
    )
    response = template.model_copy(
        update={
            "customers": round(max(measured.mean_active_customers, 1e-6), 2),
            "margin_per_customer_year_usd": round(max(margin, 0.01), 2),
            "retention_at_zero_service": round(ratio * r1, 4),
            "retention_at_full_service": round(r1, 4),
            "retention_cost_per_customer_year_usd": round(max(cost_share * margin, 0.0), 2),
            "discount_rate_per_year": measured.discount_rate_per_year,
        }
    )
    RetentionResponse.model_validate(response.model_dump())  # the response is valid
    capped = " (capped)" if observed / at_now > MAX_ANNUAL_RETENTION else ""
    note = (
        f"retention measured: {measured.retained} of {measured.active_customer_periods} active "
        f"customer-periods ordered again in the next {measured.period_days:g} days, r = "
        f"{measured.retention:.3f} ± {1.96 * measured.retention_se:.3f} per period = "
        f"{observed:.3f} per year; r(s) = r0 + (r1 − r0) s^{template.shape_gamma:g} meets it "
        f"at s = {current_service:g} (the tier's perfect-order target), r1 = {r1:.4f}{capped}; "
        f"CLV ${measured.lifetime_value_usd:,.0f} (margin ${margin:,.0f}/customer-year, "
        f"discount {measured.discount_rate_per_year:g}/yr); shape and costs of profile {profile}"
    )
    return response.model_dump(), note
