"""``tierwise compare``: tables, verdict, files written; clean errors for bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
import yaml
from typer.testing import CliRunner

from tests.cli import plain
from tierwise.cli.compare import compare_command

app = typer.Typer(add_completion=False)


@app.callback()
def _root() -> None:
    """Test app: the compare command as a subcommand, as in ``tierwise.cli.app``."""


app.command("compare")(compare_command)
runner = CliRunner()

BASE: dict[str, Any] = {
    "name": "desk",
    "seed": 5,
    "horizon_days": 0.5,
    "warmup_days": 0.05,
    "drain_days": 0.2,
    "tiers": {
        "all": {
            "customers": 1,
            "orders_per_hour": 100.0,
            "revenue_per_order_usd": 20.0,
            "revenue_profile": "B",
        }
    },
    "order_entry": {
        "pools": {"desk": {"agents": 6, "discipline": "fifo"}},
        "handling_time_s": {"dist": "exponential", "mean": 180.0},
        "patience_s": {"dist": "exponential", "mean": 120.0},
    },
    "processing": {"enabled": False},
    "picking": {"enabled": False},
    "shipping": {"enabled": False},
    "costs": {"agent_wage_usd_per_h": 30.0},
}


def _write(path: Path, data: Any) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _strategies(tmp_path: Path, strategies: dict[str, Any]) -> Path:
    _write(tmp_path / "base.yaml", BASE)
    return _write(
        tmp_path / "strategies.yaml",
        {"base": "base.yaml", "baseline": "six", "strategies": strategies},
    )


def test_compare_prints_tables_and_verdict_and_writes_files(tmp_path: Path) -> None:
    spec = _strategies(
        tmp_path,
        {
            "six": {"description": "six agents"},
            "eight": {"overrides": {"order_entry.pools.desk.agents": 8}},
            "relabelled": {"overrides": {"description": "same desk"}},
        },
    )
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "compare",
            str(spec),
            "--replications",
            "3",
            "--metric",
            "answered_within_target",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    text = result.output
    assert "difference to baseline 'six'" in text and "Δ eight" in text
    assert "answered_within_target_rate" in text and " *" in text
    assert "0 (identical)" in text  # the relabelled desk: exactly the same numbers (CRN)
    assert "profit per day" in text
    assert "best strategy:" in text and "family-wise" in text and "Bonferroni" in text
    for name in (
        "comparison.csv",
        "comparison.json",
        "compare_answered_within_target_rate.png",
        "compare_answered_within_target_rate.svg",
        "compare_profit_per_day_usd.png",
    ):
        assert (out / name).exists(), name
    document = json.loads((out / "comparison.json").read_text())
    assert document["baseline"] == "six" and document["replications"] == 3
    assert [s["name"] for s in document["strategies"]] == ["six", "eight", "relabelled"]
    header = (out / "comparison.csv").read_text().splitlines()[0]
    assert header.startswith("strategy,baseline,scope,metric,unit,")
    # revenue is the response, booked revenue is named so; profit = revenue − cost
    assert "revenue response" in text
    metrics = {(r["scope"], r["metric"]) for r in document["differences"]}
    assert {("all", "revenue_per_day_usd"), ("total", "revenue_per_day_usd")} <= metrics


def test_a_strategy_without_a_revenue_response_is_a_clean_error(tmp_path: Path) -> None:
    spec = _strategies(
        tmp_path,
        {"six": {}, "unpriced": {"overrides": {"tiers.all.revenue_profile": None}}},
    )
    result = runner.invoke(app, ["compare", str(spec), "--replications", "2"])
    assert result.exit_code == 2, result.output
    assert "strategy 'unpriced': tiers.all: no revenue_response" in result.output
    assert "Traceback" not in result.output


def test_scenario_files_are_strategies_with_one_seed(tmp_path: Path) -> None:
    first = _write(tmp_path / "six.yaml", BASE)
    second = _write(
        tmp_path / "seven.yaml",
        {
            **BASE,
            "seed": 6,
            "order_entry": {**BASE["order_entry"], "pools": {"desk": {"agents": 7}}},
        },
    )
    result = runner.invoke(
        app,
        ["compare", str(first), str(second), "--replications", "2", "--out", str(tmp_path / "o")],
    )
    assert result.exit_code == 0, result.output
    assert "seven re-seeded with seed 5" in result.output
    assert "Δ seven" in result.output


def test_bad_strategy_file_is_a_clean_error(tmp_path: Path) -> None:
    spec = _strategies(
        tmp_path,
        {"six": {}, "broken": {"overrides": {"order_entry.pools.desk.agents": -1}}},
    )
    result = runner.invoke(app, ["compare", str(spec)])
    assert result.exit_code == 2
    assert "strategies.broken" in result.output
    assert "order_entry.pools.desk.agents = -1" in result.output
    assert "Traceback" not in result.output


def test_unstable_strategy_unknown_baseline_and_metric_are_clean_errors(tmp_path: Path) -> None:
    spec = _strategies(
        tmp_path,
        {
            "six": {},
            # without patience (no abandonment) two agents cannot carry the load
            "two": {
                "overrides": {"order_entry.pools.desk.agents": 2, "order_entry.patience_s": None}
            },
        },
    )
    unstable = runner.invoke(app, ["compare", str(spec)])
    assert unstable.exit_code == 2
    assert "strategy 'two' is unstable" in unstable.output and "agents.desk" in unstable.output
    fine = _strategies(tmp_path, {"six": {}, "seven": {"overrides": {"description": "x"}}})
    baseline = runner.invoke(app, ["compare", str(fine), "--baseline", "nine"])
    assert baseline.exit_code == 2 and "unknown strategy 'nine'" in plain(baseline.output)
    metric = runner.invoke(app, ["compare", str(fine), "--metric", "perfect_ordr_rate"])
    assert metric.exit_code == 2 and "did you mean 'perfect_order_rate'" in plain(metric.output)
    both = runner.invoke(app, ["compare", str(fine), "--replications", "3", "--precision", "0.1"])
    assert both.exit_code == 2 and "not both" in plain(both.output)
    missing = runner.invoke(app, ["compare", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2 and "file not found" in missing.output
    for result in (unstable, baseline, metric, both, missing):
        assert "Traceback" not in result.output


def test_the_manifest_records_the_strategy_file_so_report_needs_no_scenario(
    tmp_path: Path, monkeypatch: Any
) -> None:
    from tierwise.artifacts import read_manifest
    from tierwise.report.build import build_report

    spec = _strategies(
        tmp_path,
        {"six": {}, "eight": {"overrides": {"order_entry.pools.desk.agents": 8}}},
    )
    monkeypatch.chdir(tmp_path)  # relative paths on the command line
    result = runner.invoke(app, ["compare", spec.name, "--replications", "2", "--out", "out"])
    assert result.exit_code == 0, result.output
    manifest = read_manifest(tmp_path / "out")
    assert manifest is not None
    assert manifest.inputs["strategies"] == str(spec.resolve())
    assert manifest.scenario_path == str(spec.resolve())
    monkeypatch.chdir(tmp_path.parent)  # elsewhere: the recorded paths still lead to the files
    report = build_report(tmp_path / "out")
    assert report.kind == "compare" and report.scenario_path == spec.resolve()
    assert not report.warnings


def test_format_json_and_csv_print_only_the_comparison(tmp_path: Path) -> None:
    spec = _strategies(
        tmp_path,
        {"six": {}, "eight": {"overrides": {"order_entry.pools.desk.agents": 8}}},
    )
    args = ["compare", str(spec), "--replications", "2", "--overwrite"]
    as_json = runner.invoke(app, [*args, "--out", str(tmp_path / "j"), "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    document = json.loads(as_json.stdout)  # nothing but the JSON on standard output
    assert document["baseline"] == "six" and document == json.loads(
        (tmp_path / "j" / "comparison.json").read_text()
    )
    as_csv = runner.invoke(app, [*args, "--out", str(tmp_path / "c"), "--format", "csv"])
    assert as_csv.exit_code == 0, as_csv.output
    assert as_csv.stdout == (tmp_path / "c" / "comparison.csv").read_text()


def _seeded_comparison(tmp_path: Path, *extra: str) -> tuple[Any, Any]:
    spec = _strategies(
        tmp_path,
        {"six": {}, "eight": {"overrides": {"order_entry.pools.desk.agents": 8}}},
    )
    args = ["compare", str(spec), "--replications", "2", "--format", "json", *extra]
    own = runner.invoke(app, [*args, "--out", str(tmp_path / "own")])
    new = runner.invoke(app, [*args, "--seed", "6", "--out", str(tmp_path / "new")])
    return own, new


def test_seed_gives_every_strategy_the_new_seed(tmp_path: Path) -> None:
    own, result = _seeded_comparison(tmp_path)
    assert result.exit_code == 0, result.output
    before, after = json.loads(own.stdout), json.loads(result.stdout)
    assert (before["seed"], after["seed"]) == (5, 6)
    assert "re-seeded" not in result.output  # one seed for all: common random numbers kept
    assert after["differences"] != before["differences"]  # other random numbers, other numbers


def test_the_report_reads_a_comparison_made_with_a_new_seed(tmp_path: Path) -> None:
    from tierwise.report.build import build_report

    _, result = _seeded_comparison(tmp_path)
    assert result.exit_code == 0, result.output
    assert build_report(tmp_path / "new").kind == "compare"
