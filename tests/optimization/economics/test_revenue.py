"""Revenue response models: reference values, shape, derivatives and validation."""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import pytest
from pydantic import ValidationError
from scipy import optimize

from tierwise.optimization.economics.customers import (
    LoyaltyResponse,
    RetentionResponse,
    customer_lifetime_value,
)
from tierwise.optimization.economics.response import AdbudgResponse, LogisticResponse
from tierwise.optimization.economics.revenue import default_response, parse_revenue_response

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


def test_default_loyalty_is_calibrated_to_the_current_base_at_reference_service() -> None:
    resp = default_response("A", 50.0, 200.0, model="loyalty")
    assert isinstance(resp, LoyaltyResponse)
    assert resp.steady_state_customers(0.95) == pytest.approx(365 * 200 / 52, rel=1e-9)


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
