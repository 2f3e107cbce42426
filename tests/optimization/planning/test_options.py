"""Options from simulated estimates, resource axes of a sweep and the overrides of a plan."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tierwise.optimization.economics.response import LogisticResponse
from tierwise.optimization.milp.problem import PlanProblem, ResourceSpec
from tierwise.optimization.milp.result import PlanStatus
from tierwise.optimization.milp.solve import solve
from tierwise.optimization.planning.options import (
    options_from_table,
    plan_overrides,
    resource_axes,
    simulated_option,
)
from tierwise.simulation.analysis.frontier import frontiers_by_tier

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


# Tier A service per replication of four variants (agents 3..6). The dearer variants gain less
# than their noise over the cheapest one, so the noise-aware frontier keeps only ``agents3``;
# ``agents5`` is the only variant whose mean reaches 0.79; ``agents6`` costs more than
# ``agents5`` and serves worse in mean (off the Pareto set of the means).
_SERVICE_BY_VARIANT = {
    "agents3": [0.74, 0.80, 0.77],  # mean 0.770
    "agents4": [0.73, 0.82, 0.78],  # mean 0.777
    "agents5": [0.75, 0.84, 0.80],  # mean 0.797
    "agents6": [0.72, 0.83, 0.79],  # mean 0.780
}
_COST_BY_VARIANT = {"agents3": 300.0, "agents4": 400.0, "agents5": 500.0, "agents6": 600.0}


def _noisy_sweep_table() -> pd.DataFrame:
    rows = []
    for vid, services in _SERVICE_BY_VARIANT.items():
        for rep, service in enumerate(services):
            rows.append(
                {
                    "variant_id": vid,
                    "replication": rep,
                    "error": "",
                    "param.agents": int(vid.removeprefix("agents")),
                    "A.perfect_order_rate": service,
                    "A.cost_per_day_usd": _COST_BY_VARIANT[vid] + rep,
                    "A.orders_per_day": 100.0,
                }
            )
    return pd.DataFrame(rows)


def _min_service_problem(selection: str) -> PlanProblem:
    table = _noisy_sweep_table()
    options = options_from_table(
        table,
        {"A": RESPONSE},
        selection=selection,  # type: ignore[arg-type]
    )
    return PlanProblem(
        options=options,
        resources=[ResourceSpec(name=r, pooled=True) for r in resource_axes(table)],
        min_service={"A": 0.79},
        objective="cost",
        service_metric="perfect_order_rate",
    )


def test_the_only_variant_meeting_a_minimum_is_an_option_though_off_the_noise_aware_frontier() -> (
    None
):
    frontier = frontiers_by_tier(_noisy_sweep_table(), ["A"], "perfect_order_rate")["A"]
    on = set(frontier.loc[frontier["on_frontier"], "variant_id"])
    assert on == {"agents3"}  # the premise: the noise-aware frontier drops agents5
    plan = solve(_min_service_problem("all"))
    assert plan.status.has_plan
    assert plan.chosen["A"].option_id == "agents5"
    assert plan.chosen["A"].service_level == pytest.approx(np.mean(_SERVICE_BY_VARIANT["agents5"]))
    assert dict(plan.resource_units) == {"agents": 5}


def test_the_pareto_selection_keeps_every_reachable_service_level() -> None:
    options = options_from_table(_noisy_sweep_table(), {"A": RESPONSE}, selection="pareto")
    # agents6 is dearer than agents5 and no better in mean: the only one left out
    assert [o.option_id for o in options] == ["agents3", "agents4", "agents5"]
    problem = _min_service_problem("pareto")
    assert solve(problem).chosen["A"].option_id == "agents5"


def test_every_simulated_variant_is_an_option_by_default() -> None:
    options = options_from_table(_noisy_sweep_table(), {"A": RESPONSE})
    assert {o.option_id for o in options} == set(_SERVICE_BY_VARIANT)
    by_id = {o.option_id: o for o in options}
    assert by_id["agents6"].cost_per_day_usd == pytest.approx(601.0)
    assert dict(by_id["agents6"].resources) == {"agents": 6}


def test_a_minimum_looks_infeasible_on_the_noise_aware_frontier_alone() -> None:
    """The false infeasibility that drawing-frontier options produce (kept for figures)."""
    plan = solve(_min_service_problem("frontier"))
    assert plan.status == PlanStatus.INFEASIBLE
    assert plan.explanation is not None
    assert "0.77" in plan.explanation.findings[0].message


def test_failed_replications_do_not_make_an_option_and_bad_selection_is_rejected() -> None:
    table = _noisy_sweep_table()
    table.loc[table["variant_id"] == "agents6", "error"] = "boom"
    assert "agents6" not in {o.option_id for o in options_from_table(table, {"A": RESPONSE})}
    with pytest.raises(ValueError, match="selection"):
        options_from_table(table, {"A": RESPONSE}, selection="some")  # type: ignore[arg-type]
