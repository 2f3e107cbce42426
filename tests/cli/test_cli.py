"""The command line: readable output, machine-readable JSON, clean errors (no traceback)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tests.conftest import DEFAULT_SCENARIO
from tierwise.cli.app import app

runner = CliRunner()
SHORT = ["--set", "horizon_days=9", "--set", "warmup_days=2"]


def test_simulate_prints_a_table_per_tier() -> None:
    result = runner.invoke(app, ["simulate", str(DEFAULT_SCENARIO), "--replications", "2", *SHORT])
    assert result.exit_code == 0, result.output
    assert "tier A" in result.output and "perfect_order_rate" in result.output
    assert "±" in result.output


def test_simulate_json_has_hash_seed_and_estimates(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "simulate",
            str(DEFAULT_SCENARIO),
            "--replications",
            "2",
            "--seed",
            "99",
            "--format",
            "json",
            "--out",
            str(tmp_path),
            "--orders-out",
            str(tmp_path / "orders.csv"),
            *SHORT,
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["seed"] == 99 and doc["replications"] == 2 and len(doc["scenario_hash"]) == 64
    assert set(doc["tiers"]) == {"A", "B", "C"}
    assert doc["tiers"]["A"]["on_time_rate"]["n"] == 2
    assert (tmp_path / "result.json").exists() and (tmp_path / "result.csv").exists()
    assert (tmp_path / "orders.csv").read_text().startswith("tier,created_h,cycle_time_h")


def test_bad_override_gives_clear_error_and_nonzero_exit() -> None:
    result = runner.invoke(
        app, ["simulate", str(DEFAULT_SCENARIO), "--set", "tiers.A.orders_per_hour=-5"]
    )
    assert result.exit_code == 2
    assert "tiers.A.orders_per_hour = -5" in result.output
    assert "Traceback" not in result.output


def test_unstable_scenario_is_refused_before_running() -> None:
    result = runner.invoke(app, ["simulate", str(DEFAULT_SCENARIO), "--set", "picking.pickers=5"])
    assert result.exit_code == 2
    assert "pickers: offered load" in result.output and "at least 10 needed" in result.output


def test_check_summarises_scenario_and_loads() -> None:
    result = runner.invoke(app, ["check", str(DEFAULT_SCENARIO)])
    assert result.exit_code == 0, result.output
    assert "agents.desk" in result.output and "every queue is stable" in result.output


def test_missing_file_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tmp_path / "missing.yaml")])
    assert result.exit_code == 2 and "file not found" in result.output
