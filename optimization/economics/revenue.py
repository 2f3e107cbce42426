"""The revenue response of a tier: choosing a model by its key, and defaults per tier.

A scenario's (or a sweep's) revenue section gives each tier one response, a mapping whose
``model`` key selects it:

==========  ===================================================  =====================
``model``   revenue ``R(s)`` in USD/day at service level ``s``   module
==========  ===================================================  =====================
logistic    ``Rmin + (Rmax − Rmin) / (1 + exp(−k (s − s0)))``     :mod:`.response`
adbudg      ``Rmin + (Rmax − Rmin) · s^c / (d + s^c)``            :mod:`.response`
retention   ``N [m r(s) − (1 − r(s)) A] / D``                     :mod:`.customers`
loyalty     steady-state customers × margin − acquisition       :mod:`.customers`
==========  ===================================================  =====================

:func:`parse_revenue_response` validates such a mapping (:data:`RevenueResponse` is the
discriminated union); :func:`default_response` builds a sensible response for tier A, B
or C from its revenue per order and orders per day.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter

from tierwise.optimization.economics.customers import LoyaltyResponse, RetentionResponse
from tierwise.optimization.economics.response import AdbudgResponse, LogisticResponse

__all__ = ["RevenueResponse", "default_response", "parse_revenue_response"]

logger = logging.getLogger(__name__)


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
