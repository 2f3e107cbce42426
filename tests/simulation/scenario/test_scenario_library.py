"""The scenario library: every ``scenarios/*.yaml`` loads, is stable and simulates sanely.

The files are found by glob (subfolders such as ``scenarios/sweeps/`` hold other file kinds
and are skipped), so a scenario added later is covered without editing this module. Each file
is checked for schema validity, for a stable offered load on every queue (offered load <
servers, ``tierwise.simulation.theory.loads``), and by one short replication (horizon 6 days,
warm-up 1 day)
for order conservation per tier (arrived = completed + lost + in progress) and metrics in their
ranges (rates in [0, 1], utilisations in [0, 1], costs and times non-negative). The scenario
seed fixes every random number, so the checks are deterministic.
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import pytest

from tierwise.simulation.engine import run
from tierwise.simulation.engine.results import RunResult
from tierwise.simulation.metrics import METRIC_UNITS, PROFIT, REVENUE
from tierwise.simulation.scenario.loading import load_scenario
from tierwise.simulation.scenario.schema import Scenario
from tierwise.simulation.theory.loads import check_stability

ROOT = Path(__file__).resolve().parents[3]
SCENARIO_DIR = ROOT / "scenarios"
SCENARIO_FILES = sorted(
    p for p in (*SCENARIO_DIR.glob("*.yaml"), *SCENARIO_DIR.glob("*.yml")) if p.is_file()
)
SHORT_RUN = [("horizon_days", 6), ("warmup_days", 1)]

#: Rates whose denominator is the number of calls offered (NaN when no order is phoned in).
CALL_RATES = {
    "answered_within_target_rate",
    "wait_probability",
    "abandonment_rate",
}
RATES = sorted(name for name, unit in METRIC_UNITS.items() if unit == "rate")
#: Counts, times (h, s) and money: finite and >= 0.
#: (revenue and profit are not engine metrics: they come from the tier's revenue response)
ENGINE_METRICS = {n: u for n, u in METRIC_UNITS.items() if n not in (PROFIT, REVENUE)}
NON_NEGATIVE = sorted(n for n, unit in ENGINE_METRICS.items() if unit != "rate")


@cache
def _short_scenario(path: Path) -> Scenario:
    return load_scenario(path, SHORT_RUN)


@cache
def _short_run(path: Path) -> RunResult:
    return run(_short_scenario(path), 0)


def test_the_library_holds_the_documented_scenarios() -> None:
    names = {p.name for p in SCENARIO_FILES}
    assert {
        "default.yaml",
        "phone_order_desk.yaml",
        "ecommerce_express.yaml",
        "three_segments.yaml",
    } <= names


def test_scenario_names_are_unique() -> None:
    names = [load_scenario(p).name for p in SCENARIO_FILES]
    assert len(names) == len(set(names)), names


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.name)
def test_scenario_file_validates_and_every_queue_is_stable(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.tiers
    assert scenario.warmup_days < scenario.horizon_days
    loads = check_stability(scenario)  # raises UnstableScenarioError when overloaded
    for q in loads:
        assert 0.0 <= q.offered_load < q.servers, q


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.name)
def test_short_run_conserves_orders_per_tier(path: Path) -> None:
    result = _short_run(path)
    assert set(result.tiers) == set(_short_scenario(path).tiers)
    for tier, m in result.tiers.items():
        assert m["orders_arrived"] > 0, tier
        assert m["orders_completed"] > 0, tier
        assert m["orders_arrived"] == (
            m["orders_completed"] + m["orders_lost"] + m["orders_in_progress"]
        ), tier


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.name)
def test_short_run_metrics_lie_in_their_ranges(path: Path) -> None:
    result = _short_run(path)
    assert result.measured_days == pytest.approx(5.0)
    for tier, m in result.tiers.items():
        for name in RATES:
            value = m[name]
            no_calls = name in CALL_RATES and m["calls_offered"] == 0
            no_complaints = name == "recovery_rate" and m["complaints_raised"] == 0
            if math.isnan(value):
                assert no_calls or no_complaints, f"{tier}.{name} is NaN"
                continue
            assert 0.0 <= value <= 1.0, f"{tier}.{name} = {value}"
        for name in NON_NEGATIVE:
            value = m[name]
            if name == "mean_speed_of_answer_s" and m["calls_offered"] == 0:
                continue
            assert math.isfinite(value) and value >= 0.0, f"{tier}.{name} = {value}"
        assert m["orders_per_day"] > 0.0, tier
        assert m["mean_cycle_time_h"] > 0.0, tier
    for resource, utilisation in result.resources.items():
        assert 0.0 <= utilisation <= 1.0, f"{resource} utilisation {utilisation}"
    for item, usd_per_day in result.costs.items():
        assert math.isfinite(usd_per_day) and usd_per_day >= 0.0, f"cost {item} = {usd_per_day}"


@pytest.mark.slow
@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_every_library_scenario_runs_through_the_main_job(path: Path, tmp_path: Path) -> None:
    """`tierwise run --quick` on a short horizon: a plan, verified, for every tier."""
    from tierwise.optimization.milp.result import PlanStatus
    from tierwise.pipeline import PipelineConfig, run_pipeline

    config = PipelineConfig(
        quick=True, workers=2, overrides=[("horizon_days", 5), ("warmup_days", 1)]
    )
    report = run_pipeline(path, tmp_path, config)
    assert report.plan.status == PlanStatus.OPTIMAL
    assert set(report.plan.chosen) == set(report.scenario.tiers)
    assert report.verified is not None and report.verified.rounds
