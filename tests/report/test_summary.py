"""The executive summary's numbers: the plan's decisions, today versus the plan, targets met
or missed, and the levers ranked by how far they move the total profit."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from tests.report.folders import TWO_TIERS, write_yaml
from tierwise.optimization.economics.tiers import tier_responses
from tierwise.report.sources import Folder, RunFiles
from tierwise.report.summary import (
    TargetCheck,
    baseline_rows,
    lever_effects,
    plan_decisions,
    target_checks,
)
from tierwise.simulation.scenario.loading import load_scenario

AGENTS = "param.order_entry.pools.desk.agents"
PICKERS = "param.picking.pickers"


def _files(tmp_path: Path, **parts: object) -> RunFiles:
    values: dict[str, object] = dict.fromkeys(
        ("summary", "sweep", "frontier", "optimum", "plan", "verification", "plan_overrides")
    )
    values.update(parts)
    return RunFiles(folder=Folder(tmp_path, None), **values)  # type: ignore[arg-type]


def _sweep(agents: list[int], pickers: list[int], service_a: list[float]) -> pd.DataFrame:
    """Two replications per variant; cost rises with staff, tier B's service is fixed."""
    rows = []
    for i, (a, p, s) in enumerate(zip(agents, pickers, service_a, strict=True)):
        for rep, noise in enumerate((-0.01, 0.01)):
            cost_a, cost_b = 100.0 * a + 10.0 * p, 50.0 * a + 5.0 * p
            rows.append(
                {
                    "variant_id": f"v{i}",
                    "replication": rep,
                    AGENTS: a,
                    PICKERS: p,
                    "param.horizon_days": 2.0,
                    "A.perfect_order_rate": s + noise,
                    "B.perfect_order_rate": 0.8 + noise,
                    "A.cost_per_day_usd": cost_a,
                    "B.cost_per_day_usd": cost_b,
                    "total.cost_per_day_usd": cost_a + cost_b,
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture
def scenario(tmp_path: Path):  # type: ignore[no-untyped-def]
    return load_scenario(write_yaml(tmp_path / "s.yaml", TWO_TIERS))


def test_plan_decisions_are_the_option_params_without_simulation_settings() -> None:
    plan = {
        "chosen": {
            "A": {"params": {"picking.pickers": 9, "horizon_days": 10, "warmup_days": 3}},
            "B": {"resources": {"order_entry.pools.desk.agents": 4}},
        }
    }
    assert plan_decisions(plan) == {
        "A": {"picking.pickers": 9},
        "B": {"order_entry.pools.desk.agents": 4},
    }


def test_the_lever_that_moves_service_ranks_first(tmp_path: Path, scenario) -> None:  # type: ignore[no-untyped-def]
    # agents move tier A's service from 50 % to 95 %; pickers only add cost
    sweep = _sweep([2, 2, 4, 4], [3, 5, 3, 5], [0.5, 0.5, 0.95, 0.95])
    responses = tier_responses(scenario)
    effects = lever_effects(_files(tmp_path, sweep=sweep), responses)
    assert [e.path for e in effects] == ["order_entry.pools.desk.agents", "picking.pickers"]
    assert effects[0].best_value == 4 and effects[0].values == (2, 4)
    assert effects[1].best_value == 3  # pickers cost money and change nothing
    # the pickers' spread is exactly their cost: 2 pickers × (10 + 5) USD/day
    assert effects[1].spread_usd == pytest.approx(30.0)
    assert effects[0].spread_usd > 10 * effects[1].spread_usd


def test_today_is_the_swept_variant_with_the_scenarios_own_values(tmp_path: Path, scenario) -> None:  # type: ignore[no-untyped-def]
    # TWO_TIERS has 3 desk agents and 2 pickers: variant v1 is the scenario as given
    sweep = _sweep([2, 3], [2, 2], [0.6, 0.7])
    plan = {
        "status": "optimal",
        "chosen": {
            tier: {
                "option_id": "v0",
                "service_level": 0.6 if tier == "A" else 0.8,
                "cost_per_day_usd": 100.0,
                "revenue_per_day_usd": 1000.0,
            }
            for tier in ("A", "B")
        },
        "total_cost_per_day_usd": 200.0,
        "total_revenue_per_day_usd": 2000.0,
        "total_profit_per_day_usd": 1800.0,
    }
    optimum = pd.DataFrame({"tier": ["A", "B"], "metric": ["perfect_order_rate"] * 2})
    files = _files(tmp_path, sweep=sweep, plan=plan, optimum=optimum)
    source, rows = baseline_rows(files, scenario, tier_responses(scenario))
    assert source == "sweep"
    by_key = {(r.scope, r.metric): r for r in rows}
    today_cost = by_key[("total", "cost_per_day_usd")]
    assert today_cost.today == pytest.approx(150 * 3 + 15 * 2)
    assert today_cost.difference == pytest.approx(200.0 - (150 * 3 + 15 * 2))
    assert by_key[("A", "perfect_order_rate")].today == pytest.approx(0.7)
    assert by_key[("A", "perfect_order_rate")].half_width is None  # not paired
    # not in the sweep: nothing to say
    assert baseline_rows(_files(tmp_path, sweep=sweep.iloc[:2], plan=plan), scenario, {})[0] == (
        "none"
    )


def test_a_paired_baseline_comparison_is_taken_as_the_run_wrote_it(
    tmp_path: Path, scenario
) -> None:  # type: ignore[no-untyped-def]
    frame = pd.DataFrame(
        {
            "scope": ["A", "total"],
            "metric": ["perfect_order_rate", "profit_per_day_usd"],
            "today": [0.7, 1000.0],
            "plan": [0.8, 1500.0],
            "difference": [0.1, 500.0],
            "half_width": [0.02, 40.0],
            "p_value": [1e-6, 0.03],
        }
    )
    files = _files(tmp_path, baseline=frame, plan={"chosen": {}})
    source, rows = baseline_rows(files, scenario, {})
    assert source == "paired"
    assert rows[1].scope == "total" and rows[1].half_width == 40.0 and rows[0].p_value == 1e-6


def test_a_target_is_met_missed_or_within_noise_by_its_interval() -> None:
    assert TargetCheck("A", "on_time_rate", 0.9, 0.95, 0.02, "scenario").verdict == "met"
    assert TargetCheck("A", "on_time_rate", 0.9, 0.85, 0.02, "scenario").verdict == "missed"
    assert TargetCheck("A", "on_time_rate", 0.9, 0.89, 0.02, "scenario").verdict == "within noise"
    assert TargetCheck("A", "on_time_rate", 0.9, None, None, "scenario").verdict == (
        "not simulated"
    )


def test_targets_are_checked_on_the_chosen_options_sweep_rows(tmp_path: Path, scenario) -> None:  # type: ignore[no-untyped-def]
    sweep = _sweep([2, 3], [4, 4], [0.6, 0.95])
    plan = {"chosen": {"A": {"option_id": "v1"}, "B": {"option_id": "v1"}}}
    verification = pd.DataFrame(
        {
            "round": [1, 2, 2],
            "tier": ["A", "A", "B"],
            "minimum_service": [0.9, 0.9, math.nan],
            "simulated_service": [0.5, 0.93, 0.8],
            "simulated_half_width": [0.01, 0.01, 0.01],
        }
    )
    checks = target_checks(
        _files(tmp_path, sweep=sweep, plan=plan, verification=verification), scenario
    )
    scenario_check, floor = checks
    assert (scenario_check.tier, scenario_check.metric, scenario_check.target) == (
        "A",
        "perfect_order_rate",
        0.9,
    )
    assert scenario_check.value == pytest.approx(0.95)
    # two replications 0.94 and 0.96: the 95 % t interval (± 0.127) still contains 0.9
    assert scenario_check.half_width == pytest.approx(12.706 * 0.01, rel=1e-3)
    assert scenario_check.verdict == "within noise"
    assert floor.source == "--min-service" and floor.value == 0.93  # the last round only
