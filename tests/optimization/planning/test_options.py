"""Options from simulated estimates, resource axes of a sweep and the overrides of a plan."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tierwise.optimization.economics.response import LogisticResponse
from tierwise.optimization.milp.problem import PlanProblem, ResourceSpec
from tierwise.optimization.planning.options import (
    plan_overrides,
    resource_axes,
    simulated_option,
)

RESPONSE = LogisticResponse(
    r_min_usd_per_day=100.0, r_max_usd_per_day=500.0, steepness_k=20.0, midpoint_s0=0.9
)


def test_simulated_option_earns_the_response_at_the_simulated_service() -> None:
    o = simulated_option(
        "A",
        "v3",
        service=0.9,
        service_half_width=0.01,
        cost_per_day_usd=250.0,
        response=RESPONSE,
        resources={"agents": 4},
        orders_per_day=120.0,
        params={"agents": 4},
    )
    assert (o.tier, o.option_id, o.service_level) == ("A", "v3", 0.9)
    assert o.revenue_per_day_usd == pytest.approx(300.0)
    assert o.profit_per_day_usd == pytest.approx(50.0)
    assert dict(o.resources) == {"agents": 4} and o.orders_per_day == 120.0


def test_simulated_option_treats_noise_outside_the_valid_ranges_as_zero() -> None:
    o = simulated_option(
        "B",
        "v0",
        service=1.0,
        service_half_width=math.nan,  # one replication: no interval
        cost_per_day_usd=-0.5,  # a mean of a cost that is zero up to noise
        response=RESPONSE,
        resources={},
        orders_per_day=0.0,
        params={},
    )
    assert o.service_half_width == 0.0 and o.cost_per_day_usd == 0.0


def test_integral_resource_paths_are_resource_axes() -> None:
    table = pd.DataFrame(
        {
            "param.desk.agents": [3, 4],
            "param.tiers.A.shipping": ["ground", "air"],
            "param.stock_units": [10.0, 12.0],
            "param.pickers": [1.5, 2.0],
        }
    )
    assert resource_axes(table) == ["desk.agents", "stock_units"]


def test_plan_overrides_take_units_from_the_plan_and_tier_settings_from_each_tier() -> None:
    a = simulated_option(
        "A",
        "a",
        service=0.9,
        service_half_width=0.0,
        cost_per_day_usd=1.0,
        response=RESPONSE,
        resources={"agents": 3},
        orders_per_day=1.0,
        params={"agents": 3, "tiers.A.mode": "air", "horizon_days": 5},
    )
    b = simulated_option(
        "B",
        "b",
        service=0.8,
        service_half_width=0.0,
        cost_per_day_usd=1.0,
        response=RESPONSE,
        resources={"agents": 5},
        orders_per_day=1.0,
        params={"agents": 5, "tiers.B.mode": "ground"},
    )
    problem = PlanProblem(options=[a, b], resources=[ResourceSpec(name="agents", pooled=True)])
    overrides = dict(plan_overrides(problem, {"A": a, "B": b}, {"agents": 5}))
    assert overrides == {"agents": 5, "tiers.A.mode": "air", "tiers.B.mode": "ground"}
