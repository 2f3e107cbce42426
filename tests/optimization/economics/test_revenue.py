"""Revenue response models: reference values, shape, derivatives and validation."""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from scipy import optimize

from tierwise.optimization.economics.revenue import (
    AdbudgResponse,
    LogisticResponse,
    LoyaltyResponse,
    RetentionResponse,
    customer_lifetime_value,
    default_response,
    parse_revenue_response,
)

ModelName = Literal["logistic", "adbudg", "retention", "loyalty"]
MODELS: tuple[ModelName, ...] = ("logistic", "adbudg", "retention", "loyalty")


def _all_defaults() -> list[
    LogisticResponse | AdbudgResponse | RetentionResponse | LoyaltyResponse
]:
    return [default_response(t, 40.0, 300.0, model=m) for t in "ABC" for m in MODELS]


# --- customer lifetime value ------------------------------------------------------------


def test_clv_reference_value_margin_100_retention_08_discount_01() -> None:
    assert customer_lifetime_value(100.0, 0.8, 0.1) == pytest.approx(266.6667, abs=5e-5)


def test_clv_equals_discounted_sum_of_retained_margins() -> None:
    m, r, i = 120.0, 0.85, 0.07
    direct = sum(m * r**t / (1 + i) ** t for t in range(1, 2000))
    assert customer_lifetime_value(m, r, i) == pytest.approx(direct, rel=1e-12)


def test_clv_vectorises_and_equals_closed_form_m_r_over_1_plus_i_minus_r() -> None:
    r = np.array([0.0, 0.5, 0.8, 0.95])
    got = customer_lifetime_value(100.0, r, 0.1)
    assert isinstance(got, np.ndarray)
    expected = [100.0 * float(x) / (1.0 + 0.1 - float(x)) for x in r]
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert customer_lifetime_value(100.0, 1.0, 0.25) == pytest.approx(100.0 / 0.25, rel=1e-12)


def test_clv_rejects_out_of_range_inputs() -> None:
    with pytest.raises(ValueError, match=r"retention=1\.2.*\[0, 1\]"):
        customer_lifetime_value(100.0, 1.2, 0.1)
    with pytest.raises(ValueError, match="discount"):
        customer_lifetime_value(100.0, 0.5, -0.1)
    with pytest.raises(ValueError, match="no finite lifetime value"):
        customer_lifetime_value(100.0, 1.0, 0.0)


# --- logistic ---------------------------------------------------------------------------


def test_logistic_is_monotone_and_saturates_at_its_asymptotes() -> None:
    resp = LogisticResponse(
        r_min_usd_per_day=1000.0, r_max_usd_per_day=5000.0, steepness_k=40.0, midpoint_s0=0.5
    )
    s = np.linspace(0.0, 1.0, 1001)
    r = resp.revenue(s)
    assert np.all(np.diff(r) > 0.0)
    assert r[0] == pytest.approx(1000.0, rel=1e-6)
    assert r[-1] == pytest.approx(5000.0, rel=1e-6)
    assert resp.revenue(0.5) == pytest.approx(3000.0)
    # marginal revenue peaks at the midpoint with value span * k / 4
    mr = resp.marginal_revenue(s)
    assert s[int(np.argmax(mr))] == pytest.approx(0.5)
    assert resp.marginal_revenue(0.5) == pytest.approx(4000.0 * 40.0 / 4.0)


def test_revenue_returns_float_for_float_and_array_for_array() -> None:
    resp = default_response("B", 50.0, 100.0)
    assert isinstance(resp.revenue(0.9), float)
    assert isinstance(resp.marginal_revenue(0.9), float)
    out = resp.revenue(np.array([[0.1, 0.2], [0.3, 0.4]]))
    assert isinstance(out, np.ndarray) and out.shape == (2, 2)


@pytest.mark.parametrize("resp", _all_defaults(), ids=lambda r: f"{r.model}")
def test_marginal_revenue_matches_central_finite_differences(
    resp: LogisticResponse | AdbudgResponse | RetentionResponse | LoyaltyResponse,
) -> None:
    h = 1e-6
    s = np.linspace(0.05, 0.995, 60)
    numeric = (resp.revenue(s + h) - resp.revenue(s - h)) / (2 * h)
    scale = float(np.max(np.abs(numeric))) + 1.0
    np.testing.assert_allclose(resp.marginal_revenue(s), numeric, rtol=1e-5, atol=1e-6 * scale)


@pytest.mark.parametrize("resp", _all_defaults(), ids=lambda r: f"{r.model}")
def test_default_responses_increase_with_service(
    resp: LogisticResponse | AdbudgResponse | RetentionResponse | LoyaltyResponse,
) -> None:
    s = np.linspace(0.0, 1.0, 201)
    assert np.all(np.diff(resp.revenue(s)) >= -1e-9)
    assert np.all(resp.marginal_revenue(s[1:]) >= 0.0)


def test_adbudg_reaches_half_range_at_its_half_saturation_point() -> None:
    resp = AdbudgResponse(r_min_usd_per_day=0, r_max_usd_per_day=100, shape_c=10, scale_d=0.8**10)
    assert resp.revenue(0.8) == pytest.approx(50.0)
    assert resp.revenue(1.0) == pytest.approx(100.0 / (1.0 + 0.8**10))


# --- retention --------------------------------------------------------------------------


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


# --- loyalty ----------------------------------------------------------------------------


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


def test_default_loyalty_is_calibrated_to_the_current_base_at_reference_service() -> None:
    resp = default_response("A", 50.0, 200.0, model="loyalty")
    assert isinstance(resp, LoyaltyResponse)
    assert resp.steady_state_customers(0.95) == pytest.approx(365 * 200 / 52, rel=1e-9)


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


# --- discriminated union and validation -------------------------------------------------


def test_parse_selects_model_by_key_and_round_trips() -> None:
    for resp in _all_defaults():
        again = parse_revenue_response(resp.model_dump())
        assert type(again) is type(resp)
        assert again == resp
    parsed = parse_revenue_response(
        {
            "model": "logistic",
            "r_min_usd_per_day": 10,
            "r_max_usd_per_day": 20,
            "steepness_k": 5,
            "midpoint_s0": 0.9,
        }
    )
    assert isinstance(parsed, LogisticResponse)


def test_validation_errors_name_field_value_and_range() -> None:
    with pytest.raises(ValidationError) as err:
        LogisticResponse(
            r_min_usd_per_day=0, r_max_usd_per_day=1, steepness_k=-2.0, midpoint_s0=0.5
        )
    text = str(err.value)
    assert "steepness_k" in text and "-2.0" in text and "greater than 0" in text
    with pytest.raises(ValidationError, match=r"midpoint_s0[\s\S]*less than or equal to 1"):
        LogisticResponse(r_min_usd_per_day=0, r_max_usd_per_day=1, steepness_k=2, midpoint_s0=1.5)
    with pytest.raises(ValidationError, match=r"r_max_usd_per_day=5.0 must be >= r_min"):
        LogisticResponse(r_min_usd_per_day=10, r_max_usd_per_day=5, steepness_k=2, midpoint_s0=0.5)
    with pytest.raises(ValidationError, match=r"retention_at_full_service=0\.3 must be >="):
        RetentionResponse(
            customers=1,
            margin_per_customer_year_usd=1,
            retention_at_zero_service=0.5,
            retention_at_full_service=0.3,
            retention_cost_per_customer_year_usd=1,
        )
    with pytest.raises(ValidationError, match="extra"):
        parse_revenue_response({"model": "adbudg", "r_min": 1})
    with pytest.raises(ValidationError, match="'logistic', 'adbudg', 'retention', 'loyalty'"):
        parse_revenue_response({"model": "linear"})


def test_models_are_frozen_and_reject_service_outside_unit_interval() -> None:
    resp = default_response("C", 10.0, 10.0)
    with pytest.raises(ValidationError):
        resp.steepness_k = 3.0  # type: ignore[misc, union-attr]
    with pytest.raises(ValueError, match=r"s=1\.5 is outside the allowed range \[0, 1\]"):
        resp.revenue(1.5)
    with pytest.raises(ValueError, match="outside the allowed range"):
        resp.marginal_revenue(np.array([0.5, math.nan]))


def test_default_response_rejects_unknown_tier_and_bad_inputs() -> None:
    with pytest.raises(ValueError, match=r"tier='Z'.*\['A', 'B', 'C'\]"):
        default_response("Z", 1.0, 1.0)
    with pytest.raises(ValueError, match=r"orders_per_day=0\.0.*\(0, inf\)"):
        default_response("a", 1.0, 0.0)
    with pytest.raises(ValueError, match="model='linear'"):
        default_response("A", 1.0, 1.0, model="linear")  # type: ignore[arg-type]


def test_tier_a_is_more_service_sensitive_than_tier_c() -> None:
    a = default_response("A", 10.0, 10.0)
    c = default_response("C", 10.0, 10.0)
    # relative revenue lost when service drops from 98 % to 85 %
    loss_a = 1 - a.revenue(0.85) / a.revenue(0.98)
    loss_c = 1 - c.revenue(0.85) / c.revenue(0.98)
    assert loss_a > loss_c


def test_logistic_inverse_recovers_service_level() -> None:
    resp = default_response("B", 10.0, 10.0)
    target = resp.revenue(0.88)
    root = optimize.brentq(lambda x: resp.revenue(x) - target, 0.0, 1.0, xtol=1e-12)
    assert root == pytest.approx(0.88, abs=1e-9)
