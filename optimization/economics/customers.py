"""Customer-base revenue models: lifetime value, retention and loyalty.

Revenue follows from the customers a service level keeps and wins:

``retention`` retention ``r(s) = r0 + (r1 − r0) s^γ``; customer lifetime value
              ``CLV = m r / (1 + i − r)``; lost customers are replaced at the acquisition
              cost ``A = multiple × retention cost``.  Per day:
              ``R(s) = N [m r(s) − (1 − r(s)) A] / D``  (see :class:`RetentionResponse`)
``loyalty``   imperfect orders raise defection unless recovered; satisfied customers refer,
              dissatisfied ones deter; steady-state customer base × margin, minus paid
              acquisition (see :class:`LoyaltyResponse`)

Both are :class:`~tierwise.optimization.economics.response.ResponseModel` subclasses:
revenue in USD per day at a service level ``s`` in [0, 1].
"""

from __future__ import annotations

import math
from typing import Literal, overload

import numpy as np
from pydantic import Field, model_validator

from tierwise.optimization.economics.response import (
    FloatOrArray,
    ResponseModel,
    service_levels,
    shaped_like,
)

__all__ = ["LoyaltyResponse", "RetentionResponse", "customer_lifetime_value"]


@overload
def customer_lifetime_value(margin: float, retention: float, discount: float) -> float: ...
@overload
def customer_lifetime_value(
    margin: FloatOrArray, retention: FloatOrArray, discount: FloatOrArray
) -> FloatOrArray: ...
def customer_lifetime_value(
    margin: FloatOrArray, retention: FloatOrArray, discount: FloatOrArray
) -> FloatOrArray:
    """Customer lifetime value ``CLV = m · r / (1 + i − r)``.

    The present value of a margin ``m`` earned at the end of every period the customer is
    retained (probability ``r`` per period), discounted at ``i`` per period:
    ``Σ_{t≥1} m r^t / (1 + i)^t``.

    Parameters
    ----------
    margin : float or numpy.ndarray
        Margin ``m`` per customer per period (USD per period).
    retention : float or numpy.ndarray
        Retention probability ``r`` per period, in [0, 1].
    discount : float or numpy.ndarray
        Discount rate ``i`` per period, ``≥ 0``; ``r = 1`` needs ``i > 0``.

    Returns
    -------
    float or numpy.ndarray
        CLV in USD (float if all inputs are scalars).

    Raises
    ------
    ValueError
        If ``r`` is outside [0, 1], ``i < 0``, or ``r = 1`` with ``i = 0``.

    Examples
    --------
    >>> round(customer_lifetime_value(100.0, 0.8, 0.1), 4)
    266.6667
    """
    m = np.asarray(margin, dtype=float)
    r = np.asarray(retention, dtype=float)
    i = np.asarray(discount, dtype=float)
    if np.any(~np.isfinite(r)) or np.any((r < 0.0) | (r > 1.0)):
        raise ValueError(f"retention={retention!r} is outside the allowed range [0, 1]")
    if np.any(~np.isfinite(i)) or np.any(i < 0.0):
        raise ValueError(f"discount={discount!r} is outside the allowed range [0, inf)")
    if np.any(1.0 + i - r <= 0.0):
        raise ValueError("retention=1 with discount=0 has no finite lifetime value; need i > 0")
    clv = m * r / (1.0 + i - r)
    if clv.ndim == 0:
        return float(clv)
    return clv


class RetentionResponse(ResponseModel):
    """Retention-driven revenue with replacement of lost customers.

    Retention per year rises with service, ``r(s) = r0 + (r1 − r0) · s^γ``.  A customer is
    worth ``CLV(r) = m r / (1 + i − r)``.  The firm keeps its base at ``N`` customers by
    replacing each one lost at acquisition cost ``A = multiple × retention cost``.  The
    annual equivalent of that programme is the interest on the customer equity plus the
    net value of each year's replacement cohort::

        i·N·CLV(r) + (1 − r)·N·(CLV(r) − A) = N·[m r − (1 − r) A]

    so per day ``R(s) = N [m r(s) − (1 − r(s)) A] / D`` and
    ``dR/ds = N (m + A) r'(s) / D``.  In this steady state the discount rate cancels; it
    matters for the per-customer value reported by :meth:`lifetime_value_usd`.

    Attributes
    ----------
    customers : float
        Customer base ``N`` of the tier (count, > 0).
    margin_per_customer_year_usd : float
        Contribution ``m`` per retained customer per year (USD/year), > 0.
    discount_rate_per_year : float
        Discount rate ``i`` per year, in [0, 1].
    retention_at_zero_service : float
        ``r0`` in [0, 1).
    retention_at_full_service : float
        ``r1`` in [r0, 1).
    shape_gamma : float
        Curvature ``γ > 0``; ``γ > 1`` concentrates the retention gain near full service.
    retention_cost_per_customer_year_usd : float
        Cost of keeping one customer for a year (USD/year), ``≥ 0``.
    acquisition_cost_multiple : float
        Acquisition cost as a multiple of the retention cost (literature: 5–6), ``≥ 0``.
    days_per_year : float
        Days in the year used to convert to per day (default 365).
    """

    model: Literal["retention"] = "retention"
    customers: float = Field(gt=0.0)
    margin_per_customer_year_usd: float = Field(gt=0.0)
    discount_rate_per_year: float = Field(default=0.1, ge=0.0, le=1.0)
    retention_at_zero_service: float = Field(ge=0.0, lt=1.0)
    retention_at_full_service: float = Field(ge=0.0, lt=1.0)
    shape_gamma: float = Field(default=3.0, gt=0.0, le=100.0)
    retention_cost_per_customer_year_usd: float = Field(ge=0.0)
    acquisition_cost_multiple: float = Field(default=5.5, ge=0.0, le=100.0)
    days_per_year: float = Field(default=365.0, gt=0.0, le=366.0)

    @model_validator(mode="after")
    def _ordered(self) -> RetentionResponse:
        r0, r1 = self.retention_at_zero_service, self.retention_at_full_service
        if r1 < r0:
            raise ValueError(
                f"retention_at_full_service={r1!r} must be >= retention_at_zero_service={r0!r}"
                f" (allowed range [{r0!r}, 1))"
            )
        return self

    @property
    def acquisition_cost_usd(self) -> float:
        """Acquisition cost ``A`` of one new customer (USD)."""
        return self.acquisition_cost_multiple * self.retention_cost_per_customer_year_usd

    def retention(self, s: FloatOrArray) -> FloatOrArray:
        """Annual retention probability ``r(s)`` (fraction) at service level ``s``."""
        return shaped_like(s, self._retention(service_levels(s)))

    def lifetime_value_usd(self, s: FloatOrArray) -> FloatOrArray:
        """Customer lifetime value ``CLV(r(s))`` of one customer (USD)."""
        r = self._retention(service_levels(s))
        return shaped_like(
            s,
            np.asarray(
                customer_lifetime_value(
                    self.margin_per_customer_year_usd, r, self.discount_rate_per_year
                )
            ),
        )

    def _retention(self, s: np.ndarray) -> np.ndarray:
        r0, r1 = self.retention_at_zero_service, self.retention_at_full_service
        return np.asarray(r0 + (r1 - r0) * s**self.shape_gamma, dtype=float)

    def _revenue(self, s: np.ndarray) -> np.ndarray:
        r = self._retention(s)
        m, a = self.margin_per_customer_year_usd, self.acquisition_cost_usd
        return np.asarray(self.customers * (m * r - (1.0 - r) * a) / self.days_per_year)

    def _marginal(self, s: np.ndarray) -> np.ndarray:
        r0, r1, g = (
            self.retention_at_zero_service,
            self.retention_at_full_service,
            self.shape_gamma,
        )
        with np.errstate(divide="ignore"):
            dr = (r1 - r0) * g * np.power(s, g - 1.0)
        m, a = self.margin_per_customer_year_usd, self.acquisition_cost_usd
        return np.asarray(self.customers * (m + a) * dr / self.days_per_year, dtype=float)


class LoyaltyResponse(ResponseModel):
    """Loyalty (retention + referral) model: steady-state customer base × margin.

    Per customer and year (``f`` orders, a fraction ``s`` of them perfect, recovery success
    probability ``ρ``, e.g. from simulation):

    * each imperfect order makes the customer defect with probability
      ``p = ρ q_rec + (1 − ρ) q_unrec``; with a baseline churn ``δ0`` the annual defection
      rate is ``δ(s) = 1 − (1 − δ0)(1 − p)^(f (1 − s))``;
    * a customer with at least one unrecovered failure in the year is dissatisfied, with
      probability ``u(s) = 1 − (1 − (1 − s)(1 − ρ))^f``; satisfied customers tell ``T+``
      people (≈ 5), of whom a fraction ``a+`` become customers; dissatisfied ones tell
      ``T−`` (≈ 11), deterring a fraction ``a−``: net word of mouth per customer-year
      ``w(s) = T+ a+ (1 − u) − T− a− u`` (may be negative);
    * inflow is limited by the market size ``M``: ``dN/dt = (λ0 + w N)(1 − N/M) − δ N``,
      where ``λ0`` is what paid marketing wins per year in an empty market.

    The steady state ``N*(s)`` is the unique root in (0, M) of
    ``(w/M) N² + (δ + λ0/M − w) N − λ0 = 0``.  Revenue per day is
    ``R(s) = [N* f m_o − λ0 (1 − N*/M) A] / D`` with ``A = multiple × retention cost``
    the cost of each customer won by paid marketing (word-of-mouth customers are free).
    ``dR/ds`` is exact, by implicit differentiation of the steady-state equation.

    Attributes
    ----------
    market_size_customers : float
        Market size ``M`` (customers), > 0.
    marketing_acquisitions_per_year : float
        ``λ0``: customers won per year by paid marketing in an empty market, > 0.
    orders_per_customer_year : float
        ``f``: orders per customer per year, ``≥ 1``.
    margin_per_order_usd : float
        ``m_o``: contribution per order (USD), > 0.
    recovery_success_probability : float
        ``ρ`` in [0, 1]: share of failed orders the service desk recovers.
    defection_probability_unrecovered : float
        ``q_unrec`` in [0, 1): defection probability after an unrecovered failure.
    defection_probability_recovered : float
        ``q_rec`` in [0, 1): defection probability after a recovered failure.
    baseline_defection_rate_per_year : float
        ``δ0`` in [0, 1): churn unrelated to service.
    people_told_satisfied, people_told_dissatisfied : float
        ``T+`` (default 5) and ``T−`` (default 11), people told per customer-year.
    referral_conversion_rate, deterrence_rate : float
        ``a+`` and ``a−`` in [0, 1]: fraction of people told who become, respectively are
        lost as, customers.
    retention_cost_per_customer_year_usd : float
        Cost of keeping a customer for a year (USD/year), ``≥ 0``.
    acquisition_cost_multiple : float
        ``A`` / retention cost (literature: 5–6), ``≥ 0``.
    days_per_year : float
        Days per year (default 365).
    """

    model: Literal["loyalty"] = "loyalty"
    market_size_customers: float = Field(gt=0.0)
    marketing_acquisitions_per_year: float = Field(gt=0.0)
    orders_per_customer_year: float = Field(ge=1.0, le=10_000.0)
    margin_per_order_usd: float = Field(gt=0.0)
    recovery_success_probability: float = Field(ge=0.0, le=1.0)
    defection_probability_unrecovered: float = Field(default=0.2, ge=0.0, lt=1.0)
    defection_probability_recovered: float = Field(default=0.03, ge=0.0, lt=1.0)
    baseline_defection_rate_per_year: float = Field(default=0.05, ge=0.0, lt=1.0)
    people_told_satisfied: float = Field(default=5.0, ge=0.0, le=1000.0)
    people_told_dissatisfied: float = Field(default=11.0, ge=0.0, le=1000.0)
    referral_conversion_rate: float = Field(default=0.02, ge=0.0, le=1.0)
    deterrence_rate: float = Field(default=0.02, ge=0.0, le=1.0)
    retention_cost_per_customer_year_usd: float = Field(default=0.0, ge=0.0)
    acquisition_cost_multiple: float = Field(default=5.5, ge=0.0, le=100.0)
    days_per_year: float = Field(default=365.0, gt=0.0, le=366.0)

    @property
    def acquisition_cost_usd(self) -> float:
        """Cost ``A`` of one customer won by paid marketing (USD)."""
        return self.acquisition_cost_multiple * self.retention_cost_per_customer_year_usd

    @property
    def _p_defect_per_failure(self) -> float:
        rho = self.recovery_success_probability
        return (
            rho * self.defection_probability_recovered
            + (1.0 - rho) * self.defection_probability_unrecovered
        )

    def _defection(self, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        f, p = self.orders_per_customer_year, self._p_defect_per_failure
        survive = (1.0 - self.baseline_defection_rate_per_year) * (1.0 - p) ** (f * (1.0 - s))
        d = 1.0 - survive
        d_prime = f * math.log1p(-p) * survive
        return np.asarray(d, dtype=float), np.asarray(d_prime, dtype=float)

    def _word_of_mouth(self, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        f, rho = self.orders_per_customer_year, self.recovery_success_probability
        base = 1.0 - (1.0 - s) * (1.0 - rho)
        u = 1.0 - base**f
        u_prime = -f * base ** (f - 1.0) * (1.0 - rho)
        pos = self.people_told_satisfied * self.referral_conversion_rate
        neg = self.people_told_dissatisfied * self.deterrence_rate
        w = pos * (1.0 - u) - neg * u
        w_prime = -(pos + neg) * u_prime
        return np.asarray(w, dtype=float), np.asarray(w_prime, dtype=float)

    def _steady_state(self, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return ``N*(s)`` and ``dN*/ds``."""
        m_size, lam = self.market_size_customers, self.marketing_acquisitions_per_year
        d, d_prime = self._defection(s)
        w, w_prime = self._word_of_mouth(s)
        a = w / m_size
        b = d + lam / m_size - w
        root = np.sqrt(b * b + 4.0 * a * lam)  # = dF/dN at the root, > 0
        n = 2.0 * lam / (b + root)  # stable form of the root in (0, M)
        f_s = (w_prime / m_size) * n * n + (d_prime - w_prime) * n
        return n, -f_s / root

    def defection_rate(self, s: FloatOrArray) -> FloatOrArray:
        """Annual defection rate ``δ(s)`` (fraction per year)."""
        return shaped_like(s, self._defection(service_levels(s))[0])

    def net_referral_rate(self, s: FloatOrArray) -> FloatOrArray:
        """Net word-of-mouth ``w(s)``: customers won (lost if < 0) per customer-year."""
        return shaped_like(s, self._word_of_mouth(service_levels(s))[0])

    def steady_state_customers(self, s: FloatOrArray) -> FloatOrArray:
        """Steady-state customer base ``N*(s)`` (customers)."""
        return shaped_like(s, self._steady_state(service_levels(s))[0])

    def _revenue(self, s: np.ndarray) -> np.ndarray:
        n, _ = self._steady_state(s)
        m_size, lam = self.market_size_customers, self.marketing_acquisitions_per_year
        margin = n * self.orders_per_customer_year * self.margin_per_order_usd
        acquisition = lam * (1.0 - n / m_size) * self.acquisition_cost_usd
        return np.asarray((margin - acquisition) / self.days_per_year, dtype=float)

    def _marginal(self, s: np.ndarray) -> np.ndarray:
        _, dn = self._steady_state(s)
        m_size, lam = self.market_size_customers, self.marketing_acquisitions_per_year
        per_customer = (
            self.orders_per_customer_year * self.margin_per_order_usd
            + lam * self.acquisition_cost_usd / m_size
        )
        return np.asarray(dn * per_customer / self.days_per_year, dtype=float)
