"""Analytic screening: unstable and certainly dominated variants only, never a frontier point."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tests.simulation.experiments.test_sweep_spec import CALL_CENTRE, write_call_centre
from tierwise.simulation.analysis.frontier import cost_service_frontier, summarize_variants
from tierwise.simulation.experiments.screening import (
    base_stock_fill_rate_bound,
    pool_wait_probability_bound,
    screen_variants,
    suggest_agents_axis,
    suggest_axis_centre,
)
from tierwise.simulation.experiments.sweep import run_sweep
from tierwise.simulation.experiments.sweep_spec import SweepPlan, plan_sweep
from tierwise.simulation.scenario.loading import scenario_from_dict
from tierwise.simulation.theory.erlang import erlang_c_service_level, erlang_c_wait_probability
from tierwise.simulation.theory.loads import offered_loads
from tierwise.simulation.theory.stock import continuous_base_stock

AGENTS = "order_entry.pools.desk.agents"
BASE_STOCK = "inventory.families.parts.policy.base_stock_units"


def plan_for(tmp_path: Path, axes: dict[str, Any], **changes: Any) -> SweepPlan:
    write_call_centre(tmp_path, **changes)
    return plan_sweep({"base": "call_centre.yaml", "axes": axes}, tmp_path)


def first_saturated(load_erlang: float, calls_per_h: float, hours: float, runs: int) -> int:
    """Smallest c with λ·T·runs·C(c, A) <= 0.01 (expected waiting calls in all runs)."""
    c = int(load_erlang) + 1
    while calls_per_h * hours * runs * erlang_c_wait_probability(c, load_erlang) > 0.01:
        c += 1
    return c


def test_unstable_variants_are_screened_with_the_offered_load(tmp_path: Path) -> None:
    report = screen_variants(plan_for(tmp_path, {AGENTS: [1, 2, 3, 4]}).variants)
    assert [v.params[AGENTS] for v in report.kept] == [3, 4]
    assert [(s.params[AGENTS], s.rule) for s in report.screened_out] == [
        (1, "unstable"),
        (2, "unstable"),
    ]
    assert report.screened_out[0].reason == (
        "unstable: agents.desk offered load 2.00 >= 1 server(s), needs >= 3"
    )


def test_more_agents_are_dropped_once_no_call_is_expected_to_wait(tmp_path: Path) -> None:
    plan = plan_for(tmp_path, {AGENTS: list(range(5, 17)), "tiers.B.orders_per_hour": [20, 40]})
    report = screen_variants(plan.variants, runs=3)
    dropped = {
        (s.params["tiers.B.orders_per_hour"], s.params[AGENTS]): s for s in report.screened_out
    }
    for rate in (20, 40):
        calls_per_h = 20 + rate
        c_star = first_saturated(calls_per_h * 120 / 3600, calls_per_h, 1.5 * 24, 3)
        assert {a for r, a in dropped if r == rate} == set(range(c_star + 1, 17))
        kept = next(
            v
            for v in plan.variants
            if v.params[AGENTS] == c_star and v.params["tiers.B.orders_per_hour"] == rate
        )
        for (r, _), s in dropped.items():
            if r == rate:
                assert s.rule == "agents_dominated" and s.dominated_by == kept.variant_id
    # 60 calls/h for 36 h in 3 runs: C(12, 2 Erlang) = 1.39e-6 gives 0.0090 waiting calls
    assert {a for r, a in dropped if r == 40} == {13, 14, 15, 16}
    assert dropped[(40, 13)].reason == (
        f"dominated by {dropped[(40, 13)].dominated_by} (12 agents): there, at most 9.0e-03 "
        "calls are expected to wait in all 3 run(s) (<= 0.01), so more agents leave every "
        "service metric unchanged and only add wages"
    )


def test_more_runs_make_screening_more_cautious(tmp_path: Path) -> None:
    plan = plan_for(tmp_path, {AGENTS: list(range(5, 17))})
    few = len(screen_variants(plan.variants, runs=1).screened_out)
    many = len(screen_variants(plan.variants, runs=50).screened_out)
    assert few > many >= 0


def test_the_bound_uses_the_busiest_hour(tmp_path: Path) -> None:
    profile = [2.0] * 6 + [0.8] * 18  # mean 1.1, peak 2
    data = copy.deepcopy(CALL_CENTRE)
    for tier in data["tiers"].values():
        tier["hourly_profile"] = profile
    scenario = scenario_from_dict(data)
    peak = next(q for q in offered_loads(scenario) if q.resource == "agents.desk").peak_load
    assert peak == pytest.approx(4.0)
    value, why = pool_wait_probability_bound(scenario, "desk")
    assert (value, why) == (1.0, "")  # 4 agents for 4 Erlang at the peak: everyone may wait
    data["order_entry"]["pools"]["desk"]["agents"] = 9
    value, _ = pool_wait_probability_bound(scenario_from_dict(data), "desk")
    assert value == pytest.approx(erlang_c_wait_probability(9, 4.0))


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        (
            {"recovery": {"enabled": True, "desk": "order_entry"}},
            "complaints are handled by pool desk",
        ),
        (
            {
                "order_entry": {
                    "pools": {"desk": {"agents": 4}},
                    "handling_time_s": {"dist": "lognormal", "mean": 120, "cv": 1.5},
                }
            },
            "more variable than exponential",
        ),
        ({"calendar": {"open_hour": 8, "close_hour": 18}}, "while it is closed"),
        ({"costs": {"agent_wage_usd_per_h": 0}}, "costs nothing"),
    ],
)
def test_the_agents_rule_is_not_applied_where_it_is_not_a_bound(
    tmp_path: Path, changes: dict[str, Any], why: str
) -> None:
    axes = {AGENTS: list(range(9, 20))}
    report = screen_variants(plan_for(tmp_path, axes, **changes).variants)
    assert report.screened_out == ()
    assert any(why in note for note in report.notes), report.notes


INVENTORY: dict[str, Any] = {
    "inventory": {
        "enabled": True,
        "shortage": "backorder",
        "families": {
            "parts": {
                "policy": {"kind": "base_stock", "base_stock_units": 60},
                "lead_time_days": {"dist": "deterministic", "mean": 0.05},
                "unit_value_usd": 10,
            }
        },
    },
    "tiers": {
        "A": {"customers": 10, "orders_per_hour": 20, "priority": 0, "family_mix": {"parts": 1}},
        "B": {"customers": 10, "orders_per_hour": 40, "priority": 1, "family_mix": {"parts": 1}},
    },
}


def test_larger_base_stock_is_dropped_once_no_line_is_expected_short(tmp_path: Path) -> None:
    levels = list(range(80, 161, 10))
    report = screen_variants(plan_for(tmp_path, {BASE_STOCK: levels}, **INVENTORY).variants)
    lines_per_day, lead, days = 60 * 24, 0.05, 1.5  # 72 units over a lead time
    s_star = next(
        s
        for s in levels
        if lines_per_day * days * (1 - continuous_base_stock(lines_per_day, lead, s).fill_rate)
        <= 0.01
    )
    assert [v.params[BASE_STOCK] for v in report.kept] == [s for s in levels if s <= s_star]
    assert report.screened_out and {s.rule for s in report.screened_out} == {"base_stock_dominated"}
    fill, why = base_stock_fill_rate_bound(report.kept[-1].scenario, "parts")
    assert why == "" and fill == pytest.approx(
        continuous_base_stock(lines_per_day, lead, s_star).fill_rate
    )


def test_the_base_stock_rule_needs_poisson_unit_demand(tmp_path: Path) -> None:
    changes = copy.deepcopy(INVENTORY)
    changes["tiers"]["B"]["lines_per_order"] = {"dist": "gamma", "mean": 3, "cv": 0.5}
    axes = {BASE_STOCK: [300, 400, 500, 600]}
    report = screen_variants(plan_for(tmp_path, axes, **changes).variants)
    assert report.screened_out == ()
    assert any("not one unit per order" in n for n in report.notes)


def test_suggested_centre_is_where_the_erlang_service_level_crosses_the_target() -> None:
    data = copy.deepcopy(CALL_CENTRE)
    data["tiers"]["A"]["targets"] = {"answered_within_target_rate": 0.8}
    data["tiers"]["B"]["targets"] = {"answered_within_target_rate": 0.9}
    scenario = scenario_from_dict(data)
    lam, h, t = 60.0, 120 / 3600, 20 / 3600
    c = suggest_axis_centre(scenario)  # the pool's strictest target, 0.9
    assert erlang_c_service_level(c, lam, h, t) >= 0.9 > erlang_c_service_level(c - 1, lam, h, t)
    c80 = suggest_axis_centre(scenario, target_service_level=0.8)
    assert (
        erlang_c_service_level(c80 - 1, lam, h, t) < 0.8 <= erlang_c_service_level(c80, lam, h, t)
    )
    assert suggest_agents_axis(scenario, span=2) == list(range(max(3, c - 2), c + 3))
    assert min(suggest_agents_axis(scenario, span=10)) == 3  # never below a stable count
    with pytest.raises(ValueError, match="pool 'front'"):
        suggest_axis_centre(scenario, pool="front")


def test_peak_centre_is_at_least_the_average_centre() -> None:
    data = copy.deepcopy(CALL_CENTRE)
    for tier in data["tiers"].values():
        tier["hourly_profile"] = [2.0] * 6 + [0.8] * 18
    scenario = scenario_from_dict(data)
    assert suggest_axis_centre(scenario, peak=True) > suggest_axis_centre(scenario)


def test_screening_never_drops_a_variant_on_the_simulated_frontier(tmp_path: Path) -> None:
    """Simulate every variant of a small grid; no screened variant is on any frontier."""
    write_call_centre(tmp_path, horizon_days=2.0)
    plan = plan_sweep(
        {
            "base": "call_centre.yaml",
            "replications": 3,
            "axes": {AGENTS: list(range(2, 16)), "tiers.B.orders_per_hour": [20, 40]},
        },
        tmp_path,
    )
    report = screen_variants(plan.variants, runs=3)
    screened = {s.variant_id for s in report.screened_out}
    assert {s.rule for s in report.screened_out} == {"unstable", "agents_dominated"}
    assert len([s for s in report.screened_out if s.rule == "agents_dominated"]) >= 5
    table = run_sweep(plan, cache_dir=None, screening=False).table
    simulated = table[table["error"] == ""].copy()
    for tier in ("A", "B"):
        simulated[f"{tier}.answered_at_once_rate"] = 1.0 - simulated[f"{tier}.wait_probability"]
    groups: list[pd.DataFrame] = [simulated] + [
        g for _, g in simulated.groupby("param.tiers.B.orders_per_hour")
    ]
    checked = 0
    for group in groups:
        for tier in ("A", "B"):
            for metric in (
                "answered_within_target_rate",
                "answered_at_once_rate",
                "perfect_order_rate",
            ):
                summary = summarize_variants(group, tier, metric, "total.cost_per_day_usd")
                frontier = cost_service_frontier(summary)
                on = set(frontier.loc[frontier["on_frontier"], "variant_id"])
                assert not (on & screened), (tier, metric, on & screened)
                checked += 1
    assert checked == 18
