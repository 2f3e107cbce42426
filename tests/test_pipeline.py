"""The main job end to end, the options it builds and the verification loop."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.cli import plain
from tests.conftest import DEFAULT_SCENARIO
from tierwise.artifacts import Kind, read_manifest
from tierwise.cli.app import app
from tierwise.optimization.economics.tiers import tier_responses
from tierwise.optimization.milp.result import PlanStatus
from tierwise.optimization.milp.solve import solve
from tierwise.optimization.planning.options import resource_axes
from tierwise.optimization.planning.targets import PRICE_OF_TARGETS_KEY, TARGETS_KEY
from tierwise.optimization.planning.verify import verify_plan
from tierwise.optimization.planning.words import IN_WORDS_KEY
from tierwise.pipeline import (
    PipelineConfig,
    PipelineReport,
    auto_sweep_spec,
    planning_problem,
    run_pipeline,
)
from tierwise.simulation.scenario.loading import load_scenario


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> PipelineReport:
    out = tmp_path_factory.mktemp("run")
    config = PipelineConfig(quick=True, workers=2, cache_dir=cache_dir)
    return run_pipeline(DEFAULT_SCENARIO, out, config)


def test_auto_sweep_spans_the_stable_staffing_of_every_queue() -> None:
    sc = load_scenario(DEFAULT_SCENARIO)
    spec = auto_sweep_spec(DEFAULT_SCENARIO, sc, quick=False)
    axes = spec["axes"]
    assert axes["order_entry.pools.desk.agents"] == [5, 6, 7, 8]  # offered load 4.17 Erlang
    assert axes["picking.pickers"][0] == 10  # offered load 9.77
    assert axes["shipping.modes.regional.vehicles"] == [6, 7]
    fixed = auto_sweep_spec(DEFAULT_SCENARIO, sc, quick=True, overrides=[("picking.pickers", 12)])
    assert fixed["axes"]["picking.pickers"] == [12]


def test_quick_run_writes_plan_figures_and_verification(quick_run: PipelineReport) -> None:
    assert quick_run.plan.status == PlanStatus.OPTIMAL
    names = {p.name for p in quick_run.files}
    assert {
        "sweep.parquet",
        "cost_vs_service.png",
        "revenue_cost_profit.png",
        "plan.json",
        "plan.csv",
        "verification.csv",
        "profit_vs_budget.png",
    } <= names
    assert quick_run.verified is not None and quick_run.verified.rounds
    plan = json.loads(next(p for p in quick_run.files if p.name == "plan.json").read_text())
    assert plan["status"] == "optimal"
    assert set(plan["chosen"]) == set(quick_run.scenario.tiers)
    # the plan's pooled resources are the largest pool any chosen option was simulated with
    for name, units in quick_run.plan.resource_units.items():
        assert units == max(o.resources[name] for o in quick_run.plan.chosen.values())


def test_the_plan_answers_its_targets_and_compares_with_the_scenario_as_given(
    quick_run: PipelineReport,
) -> None:
    """plan.json carries the price of the targets, a targets block per tier judged on the
    verification and the plan in words; baseline_comparison.csv pairs today with the plan."""
    plan = json.loads(next(p for p in quick_run.files if p.name == "plan.json").read_text())
    assert PRICE_OF_TARGETS_KEY in plan
    price = plan[PRICE_OF_TARGETS_KEY]
    assert price is None or price >= 0
    targets = plan[TARGETS_KEY]
    assert set(targets["tiers"]) == set(quick_run.scenario.tiers)
    verification = quick_run.verified.rounds[-1].checks if quick_run.verified else []
    simulated = {c.tier: c.simulated.mean for c in verification}
    for tier, entry in targets["tiers"].items():
        on_metric = [c for c in entry["checks"] if c["metric"] == "perfect_order_rate"]
        assert on_metric and on_metric[0]["basis"] == "simulated"
        assert on_metric[0]["value"] == pytest.approx(simulated[tier])
        # a target no option reaches names the lever that limits it
        best = max(o.service_level for o in quick_run.problem.options_for(tier))
        assert ("limit" in entry) == (best < on_metric[0]["target"])
    if price is None:  # some target is out of reach: the cheapest plan's explanation says so
        assert targets["meeting_all"]["cheapest"]["status"] == "infeasible"
    assert set(plan[IN_WORDS_KEY]["by_tier"]) == set(quick_run.scenario.tiers)
    assert not re.search(r"\b[0-9a-f]{12}\b", " ".join(plan[IN_WORDS_KEY]["lines"]))
    baseline = pd.read_csv(next(p for p in quick_run.files if p.name == "baseline_comparison.csv"))
    total = baseline[(baseline["scope"] == "total") & (baseline["metric"] == "profit_per_day_usd")]
    assert len(total) == 1 and total.iloc[0]["half_width"] >= 0
    row = total.iloc[0]
    assert row["difference"] == pytest.approx(row["plan"] - row["today"])
    kinds = {e.name: e.kind for e in quick_run.manifest.files}
    assert kinds["baseline_comparison.csv"] == Kind.BASELINE_COMPARISON


def test_the_plan_is_one_option_per_tier_confirmed_by_its_re_simulation(
    quick_run: PipelineReport,
) -> None:
    """Each tier's chosen option's predicted service and cost lie within the confidence
    interval of the verification's re-simulation of that very option."""
    plan, verified = quick_run.plan, quick_run.verified
    assert verified is not None and verified.converged
    assert set(plan.chosen) == set(quick_run.scenario.tiers)
    last = verified.rounds[-1]
    assert {c.tier: c.option_id for c in last.checks} == {
        t: o.option_id for t, o in plan.chosen.items()
    }
    for check in last.checks:
        option = plan.chosen[check.tier]
        assert check.predicted_service == option.service_level
        assert abs(check.simulated.mean - option.service_level) <= check.tolerance
        assert check.predicted_cost_per_day_usd == option.cost_per_day_usd
        assert check.cost_agrees
    assert plan.total_profit_per_day_usd == pytest.approx(
        sum(o.revenue_per_day_usd - o.cost_per_day_usd for o in plan.chosen.values())
    )


def test_the_manifest_lists_every_file_by_kind_with_the_scenario_hash(
    quick_run: PipelineReport,
) -> None:
    manifest = quick_run.manifest
    folder = quick_run.files[0].parent
    assert read_manifest(folder) == manifest
    assert manifest.scenario_hash == quick_run.scenario.content_hash
    assert manifest.scenario_path == str(DEFAULT_SCENARIO)
    assert [folder / f.name for f in manifest.files] == quick_run.files
    by_kind = {kind: [f.name for f in manifest.find(kind)] for kind in Kind}
    assert by_kind[Kind.PLAN] == ["plan.json"] and by_kind[Kind.PLAN_TABLE] == ["plan.csv"]
    assert by_kind[Kind.FRONTIER] == ["frontier.csv"]
    assert by_kind[Kind.OPTIMUM] == ["optimum.csv"]
    assert by_kind[Kind.VERIFICATION] == ["verification.csv"]
    assert by_kind[Kind.SWEEP_TABLE] == ["sweep.parquet"]
    assert by_kind[Kind.SWEEP_SUMMARY] == ["sweep.summary.json"]
    assert by_kind[Kind.BUDGET_CURVE] == ["profit_vs_budget.csv"]
    assert by_kind[Kind.FIGURE] == [
        "cost_vs_service.png",
        "revenue_cost_profit.png",
        "profit_vs_budget.png",
    ]
    for entry in manifest.files:
        assert (folder / entry.name).stat().st_size == entry.bytes, entry.name
    assert "NaN" not in (folder / "plan.json").read_text()


def test_pooled_resources_are_found_among_the_axes(quick_run: PipelineReport) -> None:
    axes = resource_axes(quick_run.sweep.table)
    assert "order_entry.pools.desk.agents" in axes and "picking.pickers" in axes
    assert all(r.pooled for r in quick_run.problem.resources)


def test_verification_refines_a_wrong_prediction(quick_run: PipelineReport) -> None:
    """Tamper with the chosen options' predictions: the loop must notice and re-solve.

    The predicted service drops by 0.3 while the option's revenue stays, so the solver still
    picks the same options (a rise would be clipped at 100 % for a tier served above 85 %)."""
    problem = quick_run.problem
    chosen = {t: o.option_id for t, o in quick_run.plan.chosen.items()}
    tampered = [
        dataclasses.replace(
            o, service_level=max(0.0, o.service_level - 0.3), service_half_width=0.001
        )
        if chosen.get(o.tier) == o.option_id
        else o
        for o in problem.options
    ]
    wrong = dataclasses.replace(problem, options=tampered)
    responses = tier_responses(quick_run.scenario)
    verified = verify_plan(
        wrong,
        quick_run.scenario,
        responses,
        "perfect_order_rate",
        replications=3,
        max_rounds=3,
        workers=2,
    )
    first = verified.rounds[0]
    assert not first.agrees
    assert len(verified.rounds) >= 2 or verified.plan.chosen != quick_run.plan.chosen
    assert verified.converged  # simulated points replace the wrong promises, then hold
    frame = verified.checks_frame()
    assert set(frame["round"]) == set(range(1, len(verified.rounds) + 1))


def test_min_service_above_every_option_is_explained(quick_run: PipelineReport) -> None:
    responses = tier_responses(quick_run.scenario)
    problem = planning_problem(
        quick_run.sweep.table, responses, "perfect_order_rate", min_service={"A": 0.999}
    )
    from tierwise.optimization.milp.solve import solve

    result = solve(problem)
    assert result.status == PlanStatus.INFEASIBLE
    assert "tier A minimum" in str(result.explanation)


def test_the_plan_prices_each_tier_with_the_scenario_response_at_its_service(
    quick_run: PipelineReport,
) -> None:
    """One meaning of revenue: a chosen option earns its tier's response (the same function
    ``simulate`` and ``compare`` use) at the option's service, the variant's mean
    perfect-order rate over the sweep's replications."""
    responses = tier_responses(quick_run.scenario)
    table = quick_run.sweep.table
    assert quick_run.verified is not None
    # a tier the verification corrected has its curve shifted by the simulated offset
    corrected = {c.tier for r in quick_run.verified.rounds for c in r.checks if not c.holds}
    for tier, option in quick_run.plan.chosen.items():
        rows = table[table["variant_id"] == option.option_id]
        if not rows.empty and tier not in corrected:  # the sweep variant's own estimate
            assert option.service_level == pytest.approx(rows[f"{tier}.perfect_order_rate"].mean())
        expected = responses[tier].revenue_of({"perfect_order_rate": option.service_level})
        assert option.revenue_per_day_usd == pytest.approx(expected, rel=1e-12)
        # not booked revenue (orders × revenue per order)
        booked = option.orders_per_day * quick_run.scenario.tiers[tier].revenue_per_order_usd
        assert option.revenue_per_day_usd != pytest.approx(booked, rel=0.01)


def test_a_response_reading_another_metric_than_the_plan_is_refused(
    quick_run: PipelineReport,
) -> None:
    scenario = quick_run.scenario
    reads_on_time = scenario.model_copy(
        update={
            "tiers": {
                **scenario.tiers,
                "A": scenario.tiers["A"].model_copy(
                    update={
                        "revenue_response": {
                            "model": "logistic",
                            "r_min_usd_per_day": 1000.0,
                            "r_max_usd_per_day": 9000.0,
                            "steepness_k": 20.0,
                            "midpoint_s0": 0.8,
                            "service_metric": "on_time_rate",
                        }
                    }
                ),
            }
        }
    )
    responses = tier_responses(reads_on_time)
    with pytest.raises(ValueError, match="tier A reads on_time_rate"):
        planning_problem(quick_run.sweep.table, responses, "perfect_order_rate")
    on_time = tier_responses(reads_on_time, "on_time_rate")  # B and C read the plan's metric
    problem = planning_problem(quick_run.sweep.table, on_time, "on_time_rate")
    assert {o.tier for o in problem.options} == set(scenario.tiers)


def test_cli_run_quick_uses_the_cache_and_prints_the_plan(
    quick_run: PipelineReport, cache_dir: Path, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        app,
        ["run", "default", "--quick", "--out", str(tmp_path), "--cache", str(cache_dir)],
    )
    assert result.exit_code == 0, result.output
    # the bundled scenario is the file the fixture ran: everything came from the cache
    assert "0 runs simulated" in result.output
    assert "chosen plan" in result.output and "verification" in result.output
    # the plan in words, not by option ids; the targets and today versus the plan
    assert "every tier:" in result.output and "desk agents" in result.output
    assert not re.search(r"\b[0-9a-f]{12}\b", result.output)
    assert "targets:" in result.output and "today versus the plan" in result.output
    assert (tmp_path / "plan.json").exists()
    opt = CliRunner().invoke(
        app,
        [
            "optimize",
            str(tmp_path / "sweep.parquet"),
            "--scenario",
            str(DEFAULT_SCENARIO),
            "--solver",
            "highs",
            "--out",
            str(tmp_path / "opt"),
        ],
    )
    assert opt.exit_code == 0, opt.output
    assert "status: optimal" in opt.output
    ordered = CliRunner().invoke(
        app,
        [
            "optimize",
            str(tmp_path / "sweep.parquet"),
            "--scenario",
            "default",
            "--tier-order",
            "A,B,C",
            "--out",
            str(tmp_path / "ordered"),
        ],
    )
    # the quick sweep's best tier-A option stays below tier B's cheapest: A >= B cannot hold
    assert ordered.exit_code == 1, ordered.output
    assert "status: infeasible" in ordered.output and "tier order A >= B" in ordered.output
    plan = json.loads((tmp_path / "ordered" / "plan.json").read_text())
    assert plan["status"] == "infeasible" and not plan["chosen"]
    (finding,) = plan["explanation"]["findings"]
    # a plan takes every tier from one configuration of the shared levers: per configuration,
    # C as low as it goes, B as low as it may above C, A as high as it goes; the finding is
    # the configuration that comes closest
    problem = quick_run.problem

    def in_config(tier: str, c: str) -> list[float]:
        return [o.service_level for o in problem.options_for(tier) if o.configuration == c]

    gaps = {}
    for c in problem.configurations:
        if not all(in_config(t, c) for t in "ABC"):
            continue  # never a plan: some tier has no option in it
        low_c = min(in_config("C", c))
        low_b = min(s for s in in_config("B", c) if s >= low_c - 1e-9)
        gaps[c] = (low_b - max(in_config("A", c)), low_b, max(in_config("A", c)))
    shortfall, lowest_b, best_a = min(gaps.values())
    assert finding["kind"] == "tier_order" and finding["constraint"] == "order_A_ge_B"
    assert "no configuration" in finding["message"]
    assert finding["achievable"] == pytest.approx(best_a)
    assert finding["limit"] == pytest.approx(lowest_b)
    assert finding["shortfall"] == pytest.approx(shortfall) and shortfall > 0
    bad = CliRunner().invoke(
        app, ["optimize", str(tmp_path / "sweep.parquet"), "--min-service", "A=1.5"]
    )
    assert bad.exit_code == 2 and "--min-service" in bad.output


def test_plan_overrides_leave_the_run_length_to_the_base_scenario(
    quick_run: PipelineReport,
) -> None:
    assert quick_run.verified is not None
    paths = {path for path, _ in quick_run.verified.rounds[-1].overrides}
    assert "horizon_days" not in paths and "warmup_days" not in paths
    assert quick_run.verified.scenario.horizon_days == quick_run.scenario.horizon_days


def test_cli_run_exits_1_with_an_explanation_when_no_plan_exists(
    quick_run: PipelineReport, cache_dir: Path, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        app,
        [
            "run",
            str(DEFAULT_SCENARIO),
            "--quick",
            "--min-service",
            "A=0.999",
            "--out",
            str(tmp_path),
            "--cache",
            str(cache_dir),
        ],
    )
    assert result.exit_code == 1, result.output
    assert "status: infeasible" in result.output and "tier A minimum" in result.output


def test_the_budget_curve_keeps_every_other_constraint_of_the_plan(
    quick_run: PipelineReport,
) -> None:
    """Profit vs budget re-solves the plan's own problem: a minimum service no option meets
    leaves no plan at any budget, and a ceiling on cost per order holds at every budget."""
    from tierwise.pipeline import _budget_curve

    problem, config = quick_run.problem, PipelineConfig(quick=True)
    options = {(o.tier, o.option_id): o for o in problem.options}

    def cost_per_order(row: pd.Series) -> float:
        picked = [options[(t, row[f"option_{t}"])] for t in problem.tiers]
        return row["cost_per_day_usd"] / sum(o.orders_per_day for o in picked)

    free = _budget_curve(problem, config)
    free = free[free["status"] == "optimal"]
    assert not free.empty
    out_of_reach = dataclasses.replace(problem, min_service={"A": 0.999})
    assert not (_budget_curve(out_of_reach, config)["status"] == "optimal").any()
    per_order = free.apply(cost_per_order, axis=1)
    ceiling = float(per_order.min() + per_order.max()) / 2
    assert (free.apply(cost_per_order, axis=1) > ceiling + 1e-6).any()  # the cap bites
    capped_problem = dataclasses.replace(problem, max_cost_per_order_usd=ceiling)
    capped = _budget_curve(capped_problem, config)
    if capped.empty:  # under the cap the cheapest plan is also the most profitable one
        only = solve(capped_problem)
        assert only.has_plan and only.total_cost_per_day_usd is not None
        total_orders = sum(o.orders_per_day for o in only.chosen.values())
        assert only.total_cost_per_day_usd / total_orders <= ceiling + 1e-6
        return
    capped = capped[capped["status"] == "optimal"]
    assert not capped.empty
    assert (capped.apply(cost_per_order, axis=1) <= ceiling + 1e-6).all()


def test_every_file_the_run_writes_has_a_name_tierwise_recognises(
    quick_run: PipelineReport,
) -> None:
    from tierwise.artifacts import is_output_name

    assert all(is_output_name(p.name) for p in quick_run.files), quick_run.files


def test_the_quick_sweep_warns_that_it_measures_less_than_a_replenishment_cycle(
    quick_run: PipelineReport,
) -> None:
    """One measured week against ≈ 11 (fast) and ≈ 17 days (slow) from one replenishment
    order to the next arrival: line fill rates of the quick sweep do not see stock-outs."""
    from tierwise.pipeline import replenishment_cycle_days

    cycles = replenishment_cycle_days(quick_run.scenario)
    # lead time + order quantity / demand (the scenario's ≈ 4,200 and ≈ 2,800 units per day)
    assert cycles["fast"] == pytest.approx(4 + 30000 / 4200, rel=0.02)
    assert cycles["slow"] == pytest.approx(10 + 20000 / 2800, rel=0.02)
    (warning,) = quick_run.warnings
    assert "measures 7 days" in warning and "fast ≈ 11" in warning and "slow ≈ 17" in warning


def test_an_infeasible_run_into_a_feasible_runs_folder_leaves_none_of_its_files(
    quick_run: PipelineReport, cache_dir: Path, tmp_path: Path
) -> None:
    import shutil

    feasible = quick_run.files[0].parent
    out = tmp_path / "run"
    shutil.copytree(feasible, out, ignore=shutil.ignore_patterns("cache"))
    assert (out / "plan_scenario_overrides.json").exists()
    assert (out / "profit_vs_budget.png").exists()
    args = ["run", "default", "--quick", "--out", str(out), "--cache", str(cache_dir)]
    result = CliRunner().invoke(app, [*args, "--min-service", "A=0.999"])
    assert result.exit_code == 1, result.output
    for stale in ("plan_scenario_overrides.json", "profit_vs_budget.png", "profit_vs_budget.csv"):
        assert not (out / stale).exists(), stale
    manifest = read_manifest(out)
    assert manifest is not None and manifest.run_id != quick_run.manifest.run_id
    names = {f.name for f in manifest.files}
    assert {p.name for p in out.iterdir() if p.is_file()} == names | {"manifest.json"}
    assert json.loads((out / "plan.json").read_text())["status"] == "infeasible"


def test_a_folder_of_outputs_without_a_manifest_needs_overwrite(
    quick_run: PipelineReport, cache_dir: Path, tmp_path: Path
) -> None:
    import shutil

    out = tmp_path / "old"
    shutil.copytree(
        quick_run.files[0].parent, out, ignore=shutil.ignore_patterns("cache", "manifest.json")
    )
    before = sorted(p.name for p in out.iterdir())
    args = ["run", "default", "--quick", "--out", str(out), "--cache", str(cache_dir)]
    refused = CliRunner().invoke(app, args)
    assert refused.exit_code == 2, refused.output
    assert "outputs of another run" in plain(refused.output) and "--overwrite" in refused.output
    assert sorted(p.name for p in out.iterdir()) == before
    accepted = CliRunner().invoke(app, [*args, "--overwrite", "--min-service", "A=0.999"])
    assert accepted.exit_code == 1, accepted.output  # infeasible: no plan files of the old run
    assert not (out / "plan_scenario_overrides.json").exists()
    assert not (out / "profit_vs_budget.png").exists()
