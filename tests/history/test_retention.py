"""Retention from data: the sample's per-period retention within its interval of the
generating value (times the chance to order at all in a period), CLV from the one CLV
function, and the retention response meets the measurement at the current service."""

from __future__ import annotations

import math

import pytest

from tierwise.history.reading import orders_from_frame
from tierwise.history.retention import measure_retention, retention_response
from tierwise.history.sample import SAMPLE
from tierwise.optimization.economics.customers import RetentionResponse, customer_lifetime_value


def _expected_observed(tier: str) -> float:
    """P(stays) × P(orders at least once in 28 days while staying)."""
    spec = SAMPLE.tiers[tier]
    orders_per_period = SAMPLE.orders_per_calendar_hour(tier) * 24 * 28 / spec.customers
    return spec.retention_per_period * (1 - math.exp(-orders_per_period))


@pytest.mark.parametrize("tier", ["A", "B", "C"])
def test_sample_retention_within_its_interval(sample_analysis, tier: str) -> None:
    measured = sample_analysis.retention[tier]
    assert measured.periods == 3
    assert abs(
        measured.retention - _expected_observed(tier)
    ) < 1.96 * measured.retention_se + 1e-9 or (
        measured.retention_se == 0 and measured.retention == 1.0
    )


def test_lifetime_value_is_the_clv_function_of_the_annual_figures(sample_analysis) -> None:
    measured = sample_analysis.retention["B"]
    expected = customer_lifetime_value(
        measured.margin_per_customer_year_usd, measured.annual_retention, 0.1
    )
    assert measured.lifetime_value_usd == pytest.approx(expected)


def test_response_meets_the_measured_retention_at_the_current_service(sample_analysis) -> None:
    measured = sample_analysis.retention["C"]
    demand = sample_analysis.demand.tiers["C"]
    data, note = retention_response(
        measured, "C", demand.revenue_per_order_usd, demand.orders_per_day, 0.75
    )
    model = RetentionResponse.model_validate(data)
    assert float(model.retention(0.75)) == pytest.approx(measured.annual_retention, rel=1e-3)
    assert model.customers == pytest.approx(measured.mean_active_customers, rel=1e-3)
    assert "CLV $" in note


def test_less_than_two_periods_measures_nothing() -> None:
    import pandas as pd

    frame = pd.DataFrame(
        {"order_id": ["1", "2"], "customer": ["a", "b"], "timestamp": ["2025-01-06", "2025-02-10"]}
    )
    history = orders_from_frame(frame)
    assert measure_retention(history, pd.Series({"a": "A", "b": "A"})) is None
