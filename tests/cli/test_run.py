"""``tierwise run`` and ``optimize`` with ``--format json|csv``: only the plan on standard
output (the same as plan.json / plan.csv), the rest on standard error; ``--seed`` sets the
scenario's seed."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from tests.report.folders import TWO_TIERS, write_yaml
from tierwise.cli.app import app

runner = CliRunner()


def test_run_format_json_prints_the_plan_and_seed_sets_the_seed(tmp_path: Path) -> None:
    scenario = write_yaml(tmp_path / "two.yaml", TWO_TIERS)
    out = tmp_path / "run"
    args = ["run", str(scenario), "--quick", "--no-verify", "--out", str(out), "--seed", "123"]
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert plan == json.loads((out / "plan.json").read_text())
    assert set(plan["chosen"]) == {"A", "B"}
    sweep = pd.read_parquet(out / "sweep.parquet")
    assert set(sweep["seed"]) == {123}
    again = runner.invoke(
        app,
        [
            "optimize",
            str(out / "sweep.parquet"),
            "--scenario",
            str(scenario),
            "--out",
            str(tmp_path / "opt"),
            "--format",
            "csv",
        ],
    )
    assert again.exit_code == 0, again.output
    assert again.stdout == (tmp_path / "opt" / "plan.csv").read_text()
    assert list(pd.read_csv(tmp_path / "opt" / "plan.csv")["tier"]) == ["A", "B"]


def test_run_prints_how_long_the_main_job_took(tmp_path: Path) -> None:
    scenario = write_yaml(tmp_path / "two.yaml", TWO_TIERS)
    args = ["run", str(scenario), "--quick", "--no-verify", "--out", str(tmp_path / "run")]
    result = runner.invoke(app, [*args, "--workers", "1"])
    assert result.exit_code == 0, result.output
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("the main job took ") and last.endswith(" s on 1 worker(s)"), last
