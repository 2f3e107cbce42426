"""Which scenario a report shows: the recorded one only while its hash still matches."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.report.folders import (
    TWO_TIERS,
    make_infeasible_run,
    scenario_hash,
    write_manifest,
    write_sweep,
    write_yaml,
)
from tierwise.artifacts import Kind
from tierwise.report.scenario_source import run_scenario
from tierwise.report.sources import ReportError, RunFiles


def _spec(run: Path, path: str) -> None:
    (run / "sweep.summary.json").write_text(json.dumps({"spec": f"run sweep of {path}"}))


def test_the_manifest_scenario_path_wins_over_the_spec_text(tmp_path: Path) -> None:
    run, scenario = make_infeasible_run(tmp_path)
    _spec(run, "gone/elsewhere.yaml")
    write_sweep(run, scenario_hash(scenario))
    write_manifest(
        run,
        {"plan.json": Kind.PLAN, "sweep.summary.json": Kind.SWEEP_SUMMARY,
         "sweep.parquet": Kind.SWEEP_TABLE},
        scenario_path=scenario,
    )  # fmt: skip
    assumed = run_scenario(RunFiles.read(run), None)
    assert assumed.path == scenario and assumed.how == "recorded in manifest.json"


def test_folders_without_a_manifest_fall_back_to_the_spec_text(tmp_path: Path) -> None:
    run, scenario = make_infeasible_run(tmp_path)
    _spec(run, str(scenario))
    write_sweep(run, scenario_hash(scenario))
    assumed = run_scenario(RunFiles.read(run), None)
    assert assumed.path == scenario and assumed.how == "recorded in sweep.summary.json"


def test_a_recorded_scenario_edited_since_is_refused(tmp_path: Path) -> None:
    run, scenario = make_infeasible_run(tmp_path)
    write_sweep(run, scenario_hash(scenario))
    write_manifest(
        run, {"plan.json": Kind.PLAN, "sweep.parquet": Kind.SWEEP_TABLE}, scenario_path=scenario
    )
    write_yaml(scenario, {**TWO_TIERS, "seed": 99})
    with pytest.raises(ReportError, match=r"no longer matches the results.*--scenario"):
        run_scenario(RunFiles.read(run), None)


def test_without_a_sweep_the_manifest_hash_is_checked(tmp_path: Path) -> None:
    run, scenario = make_infeasible_run(tmp_path)
    write_manifest(
        run, {"plan.json": Kind.PLAN}, scenario_path=scenario, scenario_hash=scenario_hash(scenario)
    )
    assert run_scenario(RunFiles.read(run), None).path == scenario
    write_manifest(run, {"plan.json": Kind.PLAN}, scenario_path=scenario, scenario_hash="0" * 64)
    with pytest.raises(ReportError, match="no longer matches"):
        run_scenario(RunFiles.read(run), None)
    given = run_scenario(RunFiles.read(run), scenario)
    assert given.how == "given with --scenario" and "does not match the run" in given.warnings[0]
