"""Revenue response: service level of a tier → revenue (contribution) per day.

Every model maps a service level ``s`` (a fraction in [0, 1], e.g. the tier's perfect-order
rate) to revenue in USD per day, so that it can be set against the tier's simulated
``cost_per_day_usd``.  "Revenue" here should be *contribution*: price minus the cost of the
goods, since only service cost is subtracted downstream
(:mod:`tierwise.optimization.economics.profit`).

Models (the ``model`` key selects one in scenario YAML)
------------------------------------------------------
``logistic``  ``R(s) = Rmin + (Rmax − Rmin) / (1 + exp(−k (s − s0)))``
``adbudg``    ``R(s) = Rmin + (Rmax − Rmin) · s^c / (d + s^c)``
``retention`` retention ``r(s) = r0 + (r1 − r0) s^γ``; customer lifetime value
              ``CLV = m r / (1 + i − r)``; lost customers are replaced at the acquisition
              cost ``A = multiple × retention cost``.  Per day:
              ``R(s) = N [m r(s) − (1 − r(s)) A] / D``  (see :class:`RetentionResponse`)
``loyalty``   imperfect orders raise defection unless recovered; satisfied customers refer,
              dissatisfied ones deter; steady-state customer base × margin, minus paid
              acquisition (see :class:`LoyaltyResponse`)

All models are frozen pydantic models, validated at construction (unknown keys rejected;
errors name the field, the value and the allowed range).  Use :data:`RevenueResponse` (a
discriminated union) or :func:`parse_revenue_response` to read one from a mapping.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from typing import Annotated, Any, Literal, overload

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator
from scipy.special import expit

__all__ = [
    "AdbudgResponse",
    "LogisticResponse",
    "LoyaltyResponse",
    "RetentionResponse",
    "RevenueResponse",
    "customer_lifetime_value",
    "default_response",
    "parse_revenue_response",
]

logger = logging.getLogger(__name__)

FloatOrArray = float | np.ndarray


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


def _service_array(s: FloatOrArray) -> np.ndarray:
    arr = np.asarray(s, dtype=float)
    if np.any(~np.isfinite(arr)) or np.any((arr < 0.0) | (arr > 1.0)):
        bad = float(arr[~np.isfinite(arr) | (arr < 0.0) | (arr > 1.0)].ravel()[0])
        raise ValueError(f"service level s={bad!r} is outside the allowed range [0, 1]")
    return arr


def _like(s: FloatOrArray, values: np.ndarray) -> FloatOrArray:
    if np.ndim(s) == 0 and not isinstance(s, np.ndarray):
        return float(values)
    return values


class _Response(BaseModel):
    """Shared behaviour: vectorised ``revenue`` and ``marginal_revenue`` on [0, 1]."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    @overload
    def revenue(self, s: float) -> float: ...
    @overload
    def revenue(self, s: np.ndarray) -> np.ndarray: ...
    def revenue(self, s: FloatOrArray) -> FloatOrArray:
        """Revenue ``R(s)`` in USD per day.

        Parameters
        ----------
        s : float or numpy.ndarray
            Service level, fraction in [0, 1].

        Returns
        -------
        float or numpy.ndarray
            USD per day, same shape as ``s``.
        """
        return _like(s, self._revenue(_service_array(s)))

    @overload
    def marginal_revenue(self, s: float) -> float: ...
    @overload
    def marginal_revenue(self, s: np.ndarray) -> np.ndarray: ...
    def marginal_revenue(self, s: FloatOrArray) -> FloatOrArray:
        """Marginal revenue ``dR/ds`` in USD per day per unit of service.

        One unit of service is the whole range 0 → 1; divide by 100 for USD per day per
        percentage point.

        Parameters
        ----------
        s : float or numpy.ndarray
            Service level, fraction in [0, 1].

        Returns
        -------
        float or numpy.ndarray
            USD per day per unit service, same shape as ``s``.
        """
        return _like(s, self._marginal(_service_array(s)))

    def _revenue(self, s: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def _marginal(self, s: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError


def _check_min_max(r_min: float, r_max: float) -> None:
    if r_max < r_min:
        raise ValueError(
            f"r_max_usd_per_day={r_max!r} must be >= r_min_usd_per_day={r_min!r} "
            f"(allowed range [{r_min!r}, inf))"
        )


class LogisticResponse(_Response):
    """Logistic S-curve ``R(s) = Rmin + (Rmax − Rmin) / (1 + exp(−k (s − s0)))``.

    ``dR/ds = (Rmax − Rmin) · k · σ · (1 − σ)`` with ``σ = 1/(1 + exp(−k (s − s0)))``.

    Attributes
    ----------
    r_min_usd_per_day : float
        Lower asymptote ``Rmin`` (USD/day), ``≥ 0``.
    r_max_usd_per_day : float
        Upper asymptote ``Rmax`` (USD/day), ``≥ Rmin``.
    steepness_k : float
        Steepness ``k > 0`` per unit service (``k = 30`` moves from 12 % to 88 % of the
        range within ±0.066 of ``s0``).
    midpoint_s0 : float
        Service level ``s0`` in [0, 1] where revenue is half-way between the asymptotes.
    """

    model: Literal["logistic"] = "logistic"
    r_min_usd_per_day: float = Field(ge=0.0)
    r_max_usd_per_day: float = Field(ge=0.0)
    steepness_k: float = Field(gt=0.0, le=1000.0)
    midpoint_s0: float = Field(ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _ordered(self) -> LogisticResponse:
        _check_min_max(self.r_min_usd_per_day, self.r_max_usd_per_day)
        return self

    def _revenue(self, s: np.ndarray) -> np.ndarray:
        span = self.r_max_usd_per_day - self.r_min_usd_per_day
        sig = expit(self.steepness_k * (s - self.midpoint_s0))
        return np.asarray(self.r_min_usd_per_day + span * sig, dtype=float)

    def _marginal(self, s: np.ndarray) -> np.ndarray:
        span = self.r_max_usd_per_day - self.r_min_usd_per_day
        sig = expit(self.steepness_k * (s - self.midpoint_s0))
        return np.asarray(span * self.steepness_k * sig * (1.0 - sig), dtype=float)


class AdbudgResponse(_Response):
    """ADBUDG response ``R(s) = Rmin + (Rmax − Rmin) · s^c / (d + s^c)``.

    ``dR/ds = (Rmax − Rmin) · c d s^(c−1) / (d + s^c)²``.  Half of the range is reached at
    ``s = d^(1/c)``; at ``s = 1`` revenue is ``Rmin + (Rmax − Rmin)/(1 + d)``.

    Attributes
    ----------
    r_min_usd_per_day : float
        Revenue at zero service (USD/day), ``≥ 0``.
    r_max_usd_per_day : float
        Asymptotic revenue (USD/day), ``≥ Rmin``.
    shape_c : float
        Shape ``c > 0``; ``c > 1`` gives an S-curve, ``c ≤ 1`` a concave one.
    scale_d : float
        Scale ``d > 0`` (half-saturation ``d = s_half^c``).
    """

    model: Literal["adbudg"] = "adbudg"
    r_min_usd_per_day: float = Field(ge=0.0)
    r_max_usd_per_day: float = Field(ge=0.0)
    shape_c: float = Field(gt=0.0, le=200.0)
    scale_d: float = Field(gt=0.0)

    @model_validator(mode="after")
    def _ordered(self) -> AdbudgResponse:
        _check_min_max(self.r_min_usd_per_day, self.r_max_usd_per_day)
        return self

    def _revenue(self, s: np.ndarray) -> np.ndarray:
        span = self.r_max_usd_per_day - self.r_min_usd_per_day
        sc = s**self.shape_c
        return np.asarray(self.r_min_usd_per_day + span * sc / (self.scale_d + sc), dtype=float)

    def _marginal(self, s: np.ndarray) -> np.ndarray:
        span = self.r_max_usd_per_day - self.r_min_usd_per_day
        c, d = self.shape_c, self.scale_d
        with np.errstate(divide="ignore"):
            num = c * d * np.power(s, c - 1.0)
        return np.asarray(span * num / (d + s**c) ** 2, dtype=float)


class RetentionResponse(_Response):
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
        return _like(s, self._retention(_service_array(s)))

    def lifetime_value_usd(self, s: FloatOrArray) -> FloatOrArray:
        """Customer lifetime value ``CLV(r(s))`` of one customer (USD)."""
        r = self._retention(_service_array(s))
        return _like(
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


class LoyaltyResponse(_Response):
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
        return _like(s, self._defection(_service_array(s))[0])

    def net_referral_rate(self, s: FloatOrArray) -> FloatOrArray:
        """Net word-of-mouth ``w(s)``: customers won (lost if < 0) per customer-year."""
        return _like(s, self._word_of_mouth(_service_array(s))[0])

    def steady_state_customers(self, s: FloatOrArray) -> FloatOrArray:
        """Steady-state customer base ``N*(s)`` (customers)."""
        return _like(s, self._steady_state(_service_array(s))[0])

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


RevenueResponse = Annotated[
    LogisticResponse | AdbudgResponse | RetentionResponse | LoyaltyResponse,
    Field(discriminator="model"),
]
"""Any revenue response model, selected by its ``model`` key."""

_ADAPTER: TypeAdapter[LogisticResponse | AdbudgResponse | RetentionResponse | LoyaltyResponse] = (
    TypeAdapter(RevenueResponse)
)


def parse_revenue_response(
    data: Mapping[str, Any],
) -> LogisticResponse | AdbudgResponse | RetentionResponse | LoyaltyResponse:
    """Validate a mapping (e.g. a scenario YAML block) into a revenue response model.

    Parameters
    ----------
    data : Mapping
        Fields of one model plus ``model: logistic | adbudg | retention | loyalty``.

    Returns
    -------
    LogisticResponse | AdbudgResponse | RetentionResponse | LoyaltyResponse

    Raises
    ------
    pydantic.ValidationError
        On an unknown ``model``, unknown keys or values out of range.
    """
    return _ADAPTER.validate_python(dict(data))


# --- tier defaults ----------------------------------------------------------------------

_TIER_PROFILES: dict[str, dict[str, float]] = {
    # A: service-sensitive key accounts; C: price-driven, stay regardless.
    "A": dict(
        r_min_share=0.30, k=30.0, s0=0.90, c=20.0, s_half=0.90, r0=0.40, r1=0.95,
        gamma=4.0, q_unrec=0.25, s_ref=0.95, orders_per_customer_year=52.0,
    ),
    "B": dict(
        r_min_share=0.50, k=20.0, s0=0.85, c=12.0, s_half=0.85, r0=0.50, r1=0.90,
        gamma=3.0, q_unrec=0.15, s_ref=0.90, orders_per_customer_year=24.0,
    ),
    "C": dict(
        r_min_share=0.70, k=12.0, s0=0.75, c=6.0, s_half=0.75, r0=0.55, r1=0.80,
        gamma=2.0, q_unrec=0.10, s_ref=0.85, orders_per_customer_year=12.0,
    ),
}  # fmt: skip
_RETENTION_COST_SHARE = 0.05  # retention cost per customer-year, as a share of its margin
_MARKET_MULTIPLE = 3.0  # market size / reference customer base (loyalty model)


def default_response(
    tier: str,
    revenue_per_order_usd: float,
    orders_per_day: float,
    model: Literal["logistic", "adbudg", "retention", "loyalty"] = "logistic",
    recovery_success_probability: float = 0.6,
) -> LogisticResponse | AdbudgResponse | RetentionResponse | LoyaltyResponse:
    """Sensible default revenue response for tier A, B or C.

    The reference revenue ``R_ref = revenue_per_order_usd × orders_per_day`` is what the
    tier earns when every order is kept.  Tier profiles (A service-sensitive, C
    price-driven):

    ========  =========  =====  ====  ====  ======  =====  =====  ===  =======  =====  ===
    tier      Rmin/Rref  k      s0    c     s_half  r0     r1     γ    q_unrec  s_ref  f
    ========  =========  =====  ====  ====  ======  =====  =====  ===  =======  =====  ===
    A         0.30       30     0.90  20    0.90    0.40   0.95   4    0.25     0.95   52
    B         0.50       20     0.85  12    0.85    0.50   0.90   3    0.15     0.90   24
    C         0.70       12     0.75  6     0.75    0.55   0.80   2    0.10     0.85   12
    ========  =========  =====  ====  ====  ======  =====  =====  ===  =======  =====  ===

    * ``logistic``: ``Rmax = R_ref``, ``Rmin = share × R_ref``, ``k``, ``s0``.
    * ``adbudg``: same asymptotes, ``c``, ``d = s_half^c``.
    * ``retention``: ``f`` orders per customer-year, ``N = 365 · orders_per_day / f``,
      ``m = f × revenue_per_order_usd``, ``r(s)`` from ``r0, r1, γ``, retention cost 5 % of
      ``m``, acquisition 5.5 × that.
    * ``loyalty``: the same ``f``, ``m_o = revenue_per_order_usd``, market ``M = 3 N_ref``,
      ``λ0`` calibrated so that ``N*(s_ref) = N_ref`` (the current base at the reference
      service level), ``q_unrec`` per tier, other parameters at their defaults.

    Parameters
    ----------
    tier : str
        ``"A"``, ``"B"`` or ``"C"`` (case-insensitive).
    revenue_per_order_usd : float
        Contribution per order (USD), > 0.
    orders_per_day : float
        Orders of the tier per day, > 0.
    model : {"logistic", "adbudg", "retention", "loyalty"}, default "logistic"
        Which response to build.
    recovery_success_probability : float, default 0.6
        ``ρ`` for the loyalty model (take it from simulation when available).

    Returns
    -------
    LogisticResponse | AdbudgResponse | RetentionResponse | LoyaltyResponse

    Raises
    ------
    ValueError
        On an unknown tier or model, or non-positive revenue per order or orders per day.
    """
    key = tier.strip().upper()
    if key not in _TIER_PROFILES:
        raise ValueError(f"tier={tier!r} has no default profile; allowed: {sorted(_TIER_PROFILES)}")
    for name, value in (
        ("revenue_per_order_usd", revenue_per_order_usd),
        ("orders_per_day", orders_per_day),
    ):
        if not (math.isfinite(value) and value > 0.0):
            raise ValueError(f"{name}={value!r} is outside the allowed range (0, inf)")
    p = _TIER_PROFILES[key]
    r_ref = revenue_per_order_usd * orders_per_day
    r_min = p["r_min_share"] * r_ref
    if model == "logistic":
        return LogisticResponse(
            r_min_usd_per_day=r_min,
            r_max_usd_per_day=r_ref,
            steepness_k=p["k"],
            midpoint_s0=p["s0"],
        )
    if model == "adbudg":
        return AdbudgResponse(
            r_min_usd_per_day=r_min,
            r_max_usd_per_day=r_ref,
            shape_c=p["c"],
            scale_d=p["s_half"] ** p["c"],
        )
    f = p["orders_per_customer_year"]
    days = 365.0
    n_ref = days * orders_per_day / f
    margin_year = f * revenue_per_order_usd
    retention_cost = _RETENTION_COST_SHARE * margin_year
    if model == "retention":
        return RetentionResponse(
            customers=n_ref,
            margin_per_customer_year_usd=margin_year,
            retention_at_zero_service=p["r0"],
            retention_at_full_service=p["r1"],
            shape_gamma=p["gamma"],
            retention_cost_per_customer_year_usd=retention_cost,
        )
    if model == "loyalty":
        market = _MARKET_MULTIPLE * n_ref
        probe = LoyaltyResponse(
            market_size_customers=market,
            marketing_acquisitions_per_year=1.0,
            orders_per_customer_year=f,
            margin_per_order_usd=revenue_per_order_usd,
            recovery_success_probability=recovery_success_probability,
            defection_probability_unrecovered=p["q_unrec"],
            retention_cost_per_customer_year_usd=retention_cost,
        )
        d_ref = float(probe.defection_rate(p["s_ref"]))
        w_ref = float(probe.net_referral_rate(p["s_ref"]))
        # steady state (λ0 + w N)(1 − N/M) = δ N solved for λ0 at N = N_ref
        lam = d_ref * n_ref / (1.0 - n_ref / market) - w_ref * n_ref
        if lam <= 0.0:
            lam = 0.05 * n_ref
            logger.info(
                "tier %s: word of mouth alone sustains the base; marketing set to %.3g/yr",
                key,
                lam,
            )
        return LoyaltyResponse(**{**probe.model_dump(), "marketing_acquisitions_per_year": lam})
    raise ValueError(
        f"model={model!r} is not a revenue model; allowed: "
        "['adbudg', 'logistic', 'loyalty', 'retention']"
    )
