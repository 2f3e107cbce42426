"""A scenario's revenue per tier: the response, the service metric it reads, its revenue of a
replication's metrics."""

from __future__ import annotations

import math

import pytest

from tests.conftest import DEFAULT_SCENARIO
from tierwise.optimization.economics.revenue import default_response, parse_revenue_response
from tierwise.optimization.economics.tiers import (
    DEFAULT_SERVICE_METRIC,
    ScenarioRevenue,
    expected_orders_per_day,
    scenario_revenue,
    tier_responses,
)
from tierwise.simulation.scenario.errors import ScenarioError
from tierwise.simulation.scenario.loading import load_scenario
from tierwise.simulation.scenario.schema import Scenario
from tierwise.simulation.theory.loads import weekly_orders

LOGISTIC = {
    "model": "logistic",
    "r_min_usd_per_day": 100.0,
    "r_max_usd_per_day": 1100.0,
    "steepness_k": 20.0,
    "midpoint_s0": 0.8,
}


def _with(*overrides: tuple[str, object]) -> Scenario:
    return load_scenario(DEFAULT_SCENARIO, overrides)


@pytest.fixture(scope="module")
def default() -> Scenario:
    return load_scenario(DEFAULT_SCENARIO)


def test_default_response_is_built_from_revenue_per_order_and_expected_orders(
    default: Scenario,
) -> None:
    responses = tier_responses(default)
    assert list(responses) == list(default.tiers)
    for name, response in responses.items():
        per_day = weekly_orders(default, name) / 7.0
        assert expected_orders_per_day(default, name) == pytest.approx(per_day)
        expected = default_response(name, default.tiers[name].revenue_per_order_usd, per_day)
        assert response.model == expected
        assert response.service_metric == DEFAULT_SERVICE_METRIC == "perfect_order_rate"
        assert response.describe() == f"logistic (default, profile {name}) of perfect_order_rate"
        # every order kept at full service: R(1) is close to revenue per order × orders/day
        r_ref = default.tiers[name].revenue_per_order_usd * per_day
        assert float(response.revenue(1.0)) == pytest.approx(r_ref, rel=0.05)


def test_a_given_response_may_name_the_service_metric_it_reads() -> None:
    given = _with(("tiers.A.revenue_response", {**LOGISTIC, "service_metric": "on_time_rate"}))
    response = tier_responses(given)["A"]
    assert response.model == parse_revenue_response(LOGISTIC)
    assert response.service_metric == "on_time_rate" and response.source == "given"
    assert response.revenue_of({"on_time_rate": 0.4, "perfect_order_rate": 0.9}) == (
        pytest.approx(float(response.revenue(0.4)))
    )
    # a response that names none reads the job's metric
    assert tier_responses(given, "line_fill_rate")["B"].service_metric == "line_fill_rate"


def test_revenue_of_a_replication_clips_service_and_revenue_like_a_plan_option(
    default: Scenario,
) -> None:
    revenue = scenario_revenue(default)
    assert isinstance(revenue, ScenarioRevenue)
    a = revenue.responses["A"]
    assert revenue("A", {"perfect_order_rate": 0.93}) == float(a.revenue(0.93))
    assert revenue("A", {"perfect_order_rate": 1.2}) == float(a.revenue(1.0))
    assert math.isnan(revenue("A", {"perfect_order_rate": math.nan}))
    assert math.isnan(revenue("A", {}))
    negative = _with(
        (
            "tiers.A.revenue_response",
            {
                "model": "retention",
                "customers": 100.0,
                "margin_per_customer_year_usd": 10.0,
                "retention_at_zero_service": 0.0,
                "retention_at_full_service": 0.9,
                "retention_cost_per_customer_year_usd": 100.0,
            },
        )
    )
    low = tier_responses(negative)["A"]
    assert float(low.revenue(0.0)) < 0 and low.revenue_of({"perfect_order_rate": 0.0}) == 0.0


def test_bad_revenue_settings_are_named_per_tier(default: Scenario) -> None:
    renamed = default.model_copy(
        update={
            "tiers": {
                "key": default.tiers["A"],
                **{k: v for k, v in default.tiers.items() if k != "A"},
            }
        }
    )
    with pytest.raises(ScenarioError, match=r"tiers\.key: no revenue_response"):
        tier_responses(renamed)
    bad_metric = _with(
        ("tiers.A.revenue_response", {**LOGISTIC, "service_metric": "mean_cycle_time_h"})
    )
    with pytest.raises(ScenarioError, match=r"tiers\.A\.revenue_response\.service_metric"):
        tier_responses(bad_metric)
    with pytest.raises(ScenarioError, match=r"tiers\.B\.revenue_response"):
        tier_responses(_with(("tiers.B.revenue_response", {"model": "linear"})))
    with pytest.raises(ScenarioError, match=r"tiers\.C\.revenue_per_order_usd = 0"):
        tier_responses(_with(("tiers.C.revenue_per_order_usd", 0)))
    with pytest.raises(ValueError, match="not a service rate"):
        tier_responses(default, "cost_per_day_usd")
