"""The command line: readable output, machine-readable JSON, clean errors (no traceback)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.cli import plain
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
    assert (
        (tmp_path / "orders.csv")
        .read_text()
        .startswith("order_id,tier,channel,created_h,cycle_time_h")
    )


def test_simulate_revenue_is_the_tier_response_at_the_simulated_service() -> None:
    """One meaning of revenue: the tier's response at its simulated perfect-order rate (one
    replication, so the mean is that replication's value); booked revenue is named so."""
    from tierwise.optimization.economics.tiers import tier_responses
    from tierwise.simulation.scenario.loading import load_scenario

    result = runner.invoke(
        app,
        ["simulate", str(DEFAULT_SCENARIO), "--replications", "1", "--format", "json", *SHORT],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    scenario = load_scenario(DEFAULT_SCENARIO, [("horizon_days", 9), ("warmup_days", 2)])
    responses = tier_responses(scenario)
    for tier, metrics in doc["tiers"].items():
        service = metrics["perfect_order_rate"]["mean"]
        revenue = metrics["revenue_per_day_usd"]["mean"]
        assert revenue == pytest.approx(responses[tier].revenue(service), rel=1e-12)
        assert metrics["profit_per_day_usd"]["mean"] == pytest.approx(
            revenue - metrics["cost_per_day_usd"]["mean"], rel=1e-12
        )
        # the engine's count is kept, under its own name, and is not the revenue
        assert metrics["booked_revenue_per_day_usd"]["mean"] != pytest.approx(revenue)
    total = doc["system"]
    assert total["total.revenue_per_day_usd"]["mean"] == pytest.approx(
        sum(m["revenue_per_day_usd"]["mean"] for m in doc["tiers"].values())
    )
    assert total["total.profit_per_day_usd"]["mean"] == pytest.approx(
        total["total.revenue_per_day_usd"]["mean"] - total["total.cost_per_day_usd"]["mean"]
    )


def test_simulate_table_names_booked_revenue_apart_from_revenue_and_profit() -> None:
    result = runner.invoke(app, ["simulate", str(DEFAULT_SCENARIO), "--replications", "2", *SHORT])
    assert result.exit_code == 0, result.output
    for name in ("booked_revenue_per_day_usd", "revenue_per_day_usd", "profit_per_day_usd"):
        assert f"\n│ {name} " in result.output or f"\n┃ {name} " in result.output, name


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


def test_version_prints_the_package_version() -> None:
    from tierwise import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"tierwise {__version__}"


def test_help_lists_the_main_job_first() -> None:
    commands = [c.name for c in app.registered_commands]
    assert commands[:3] == ["run", "simulate", "check"]
    assert {"init", "compare", "sweep", "report", "validate", "curves", "optimize"} <= set(commands)
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert result.output.index(" run ") < result.output.index(" simulate ")


def test_a_bundled_scenario_name_is_a_scenario_argument() -> None:
    """`tierwise check default` and `simulate phone_order_desk` need no file path."""
    checked = runner.invoke(app, ["check", "default"])
    assert checked.exit_code == 0, checked.output
    assert "every queue is stable" in checked.output
    simulated = runner.invoke(
        app, ["simulate", "phone_order_desk", "--replications", "2", "--format", "json", *SHORT]
    )
    assert simulated.exit_code == 0, simulated.output
    assert json.loads(simulated.stdout)["replications"] == 2
    unknown = runner.invoke(app, ["check", "no_such_scenario"])
    assert unknown.exit_code == 2 and "bundled: " in unknown.output and "default" in unknown.output


def test_simulate_out_writes_a_manifest_and_a_unit_for_every_row(tmp_path: Path) -> None:
    from tierwise.artifacts import Kind, read_manifest
    from tierwise.simulation.scenario.loading import load_scenario

    out = tmp_path / "sim"
    result = runner.invoke(
        app,
        [
            "simulate",
            str(DEFAULT_SCENARIO),
            "--replications",
            "2",
            "--out",
            str(out),
            "--orders-out",
            str(out / "orders.csv"),
            *SHORT,
        ],
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "result.csv", keep_default_na=False)
    assert not table.empty and (table["unit"] != "").all(), table[table["unit"] == ""]
    units = dict(zip(table["scope"] + "." + table["metric"], table["unit"], strict=True))
    assert units["A.on_time_rate"] == "rate" and units["total.cost_per_day_usd"] == "USD/day"
    manifest = read_manifest(out)
    assert manifest is not None
    assert [f.kind for f in manifest.files] == [Kind.RESULT, Kind.RESULT_TABLE, Kind.ORDERS]
    scenario = load_scenario(DEFAULT_SCENARIO, [("horizon_days", 9), ("warmup_days", 2)])
    assert manifest.scenario_hash == scenario.content_hash
    assert manifest.scenario_path == str(DEFAULT_SCENARIO)
    assert "NaN" not in (out / "result.json").read_text()


@pytest.mark.parametrize(
    "command",
    [
        ["simulate", str(DEFAULT_SCENARIO), "--replications", "2"],
        ["run", str(DEFAULT_SCENARIO), "--quick"],
        ["optimize", str(DEFAULT_SCENARIO)],
        ["compare", str(DEFAULT_SCENARIO.parent / "strategies" / "default.yaml")],
    ],
    ids=lambda c: c[0],
)
def test_out_naming_an_existing_file_is_refused_before_simulating(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tierwise.simulation.engine.model as model

    def no_simulation(*args: object, **kwargs: object) -> None:
        raise AssertionError("simulated although --out cannot be written")

    monkeypatch.setattr(model.OrderCycleModel, "run", no_simulation)
    file = tmp_path / "taken.txt"
    file.write_text("mine", encoding="utf-8")
    result = runner.invoke(app, [*command, "--out", str(file)])
    assert result.exit_code == 2, result.output
    assert "is not a folder" in result.output and "Traceback" not in result.output
    assert file.read_text(encoding="utf-8") == "mine"


def test_precision_watches_the_metrics_named_and_a_short_horizon_is_warned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import tierwise.simulation.experiments.replicate as replicate_module

    real = replicate_module.replicate
    watched: list[object] = []

    def spy(*args: object, **kwargs: object) -> object:
        watched.append(kwargs.get("metrics"))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(replicate_module, "replicate", spy)
    result = runner.invoke(
        app,
        [
            "simulate",
            str(DEFAULT_SCENARIO),
            "--precision",
            "0.5",
            "--precision-metric",
            "on_time",
            "--precision-metric",
            "total.cost_per_day_usd",
            "--format",
            "json",
            *SHORT,
        ],
    )
    assert result.exit_code == 0, result.output
    assert watched == [
        ["A.on_time_rate", "B.on_time_rate", "C.on_time_rate", "total.cost_per_day_usd"]
    ]
    # 7 measured days against ≈ 11 and ≈ 17 days between replenishments: a warning, no error
    assert "warning:" in result.output and "each run measures 7 days" in plain(result.output)


def test_error_messages_keep_their_brackets(capsys: pytest.CaptureFixture[str]) -> None:
    import typer

    from tierwise.cli.console import fail

    with pytest.raises(typer.Exit):
        fail("needs the dask extra: pip install 'tierwise[dask]' (cut-offs [15, 17])")
    assert "tierwise[dask]" in capsys.readouterr().err


def test_check_shows_peak_hour_loads_and_warns_when_the_peak_exceeds_capacity() -> None:
    result = runner.invoke(app, ["check", "default"])
    assert result.exit_code == 0, result.output
    assert "peak util." in result.output and "131%" in result.output  # pickers 15.74 / 12
    assert "warning: pickers: peak-hour offered load 15.74" in result.output
    assert "every queue is stable (1 warning(s) above)" in result.output


def test_a_desk_with_abandonment_is_stable_at_any_load() -> None:
    result = CliRunner().invoke(
        app, ["check", "default", "--set", "order_entry.pools.desk.agents=2"]
    )
    assert result.exit_code == 0, result.output
    assert "abandon" in result.output and "warning: agents.desk" in result.output


def test_check_prints_the_offered_loads_as_json_or_csv_and_nothing_else() -> None:
    import io

    as_json = CliRunner().invoke(app, ["check", "default", "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    document = json.loads(as_json.stdout)
    assert document["stable"] and {q["resource"] for q in document["loads"]} >= {"pickers"}
    as_csv = CliRunner().invoke(app, ["check", "default", "--format", "csv"])
    frame = pd.read_csv(io.StringIO(as_csv.stdout))
    assert "offered_load_erlang" in frame.columns and len(frame) == len(document["loads"])
