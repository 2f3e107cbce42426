"""Customer-base models: retention annuity and the loyalty steady state."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tierwise.optimization.economics.customers import (
    LoyaltyResponse,
    RetentionResponse,
    customer_lifetime_value,
)


def test_retention_revenue_is_annuity_of_equity_plus_replacement_cohort() -> None:
    resp = RetentionResponse(
        customers=1000,
        margin_per_customer_year_usd=100.0,
        discount_rate_per_year=0.1,
        retention_at_zero_service=0.5,
        retention_at_full_service=0.9,
        shape_gamma=2.0,
        retention_cost_per_customer_year_usd=10.0,
    )
    s = 0.9
    r = 0.5 + 0.4 * s**2
    assert resp.retention(s) == pytest.approx(r)
    clv = customer_lifetime_value(100.0, r, 0.1)
    assert resp.lifetime_value_usd(s) == pytest.approx(clv)
    a = 55.0  # 5.5 x retention cost
    annual = 0.1 * 1000 * clv + (1 - r) * 1000 * (clv - a)
    assert resp.revenue(s) == pytest.approx(annual / 365.0)
    assert resp.revenue(s) == pytest.approx(1000 * (100.0 * r - (1 - r) * a) / 365.0)


def _loyalty(**kw: float) -> LoyaltyResponse:
    base: dict[str, float] = dict(
        market_size_customers=10_000.0,
        marketing_acquisitions_per_year=800.0,
        orders_per_customer_year=12.0,
        margin_per_order_usd=40.0,
        recovery_success_probability=0.5,
        retention_cost_per_customer_year_usd=20.0,
    )
    base.update(kw)
    return LoyaltyResponse(**base)  # type: ignore[arg-type]


def test_loyalty_steady_state_balances_inflow_and_defection() -> None:
    resp = _loyalty()
    for s in (0.0, 0.5, 0.8, 0.95, 1.0):
        n = resp.steady_state_customers(s)
        d = resp.defection_rate(s)
        w = resp.net_referral_rate(s)
        assert 0.0 < n < 10_000.0
        inflow = (800.0 + w * n) * (1.0 - n / 10_000.0)
        assert inflow == pytest.approx(d * n, rel=1e-9)


def test_loyalty_steady_state_is_an_attractor_of_the_customer_dynamics() -> None:
    resp = _loyalty()
    s = 0.9
    d, w = float(resp.defection_rate(s)), float(resp.net_referral_rate(s))

    def dn_dt(t: float, n: list[float]) -> list[float]:
        return [(800.0 + w * n[0]) * (1 - n[0] / 10_000.0) - d * n[0]]

    from scipy.integrate import solve_ivp

    sol = solve_ivp(dn_dt, (0.0, 400.0), [10.0], rtol=1e-10, atol=1e-8)
    assert sol.y[0, -1] == pytest.approx(resp.steady_state_customers(s), rel=1e-6)


def test_loyalty_recovery_and_referral_raise_revenue() -> None:
    s = 0.9
    assert _loyalty(recovery_success_probability=0.9).revenue(s) > _loyalty().revenue(s)
    assert _loyalty(referral_conversion_rate=0.05).revenue(s) > _loyalty().revenue(s)
    assert _loyalty(deterrence_rate=0.05).revenue(s) < _loyalty().revenue(s)
    # with no failures, defection is the baseline churn and nobody is dissatisfied
    resp = _loyalty()
    assert resp.defection_rate(1.0) == pytest.approx(0.05)
    assert resp.net_referral_rate(1.0) == pytest.approx(5 * 0.02)


@settings(max_examples=60, deadline=None)
@given(
    rho=st.floats(0.0, 1.0),
    a_pos=st.floats(0.0, 0.2),
    a_neg=st.floats(0.0, 0.2),
    s=st.floats(0.0, 1.0),
)
def test_loyalty_root_lies_in_the_market_for_any_word_of_mouth(
    rho: float, a_pos: float, a_neg: float, s: float
) -> None:
    resp = _loyalty(
        recovery_success_probability=rho, referral_conversion_rate=a_pos, deterrence_rate=a_neg
    )
    n = resp.steady_state_customers(s)
    assert 0.0 < n < resp.market_size_customers
    assert math.isfinite(resp.marginal_revenue(s))
