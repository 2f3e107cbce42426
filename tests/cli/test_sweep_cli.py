"""``tierwise sweep``: writes the table, summarises, resumes from the cache, fails cleanly."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from tests.simulation.experiments.test_sweep_spec import write_spec
from tierwise.cli.sweep import sweep_command

AGENTS = "order_entry.pools.desk.agents"


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    app.command("sweep")(sweep_command)

    @app.callback()
    def _main() -> None:  # keeps "sweep" a subcommand, as in tierwise.cli.app
        """Test app."""

    return app


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_sweep_writes_the_table_and_a_summary_then_resumes_from_the_cache(
    app: typer.Typer, runner: CliRunner, tmp_path: Path
) -> None:
    spec = write_spec(tmp_path, {"axes": {AGENTS: [1, 3, 4]}, "replications": 2})
    out = tmp_path / "out" / "sweep.parquet"
    args = ["sweep", str(spec), "--cache", str(tmp_path / "cache"), "--out", str(out), "--csv"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    for line in ("variants", "runs executed", "runs from cache", "screened out", "failures"):
        assert line in first.output
    assert "1 variant(s), 2 run(s) saved" in first.output  # 1 agent cannot carry 2 Erlang
    # the screening rule's wording is a detail: only the count, unless -v asks for it
    assert "1 variant(s) screened out by queueing theory" in first.output
    assert "unstable: agents.desk" not in first.output
    table = pd.read_parquet(out)
    assert len(table) == 4 and set(table[f"param.{AGENTS}"]) == {3, 4}
    assert out.with_suffix(".csv").exists()
    summary = json.loads(out.with_name("sweep.summary.json").read_text())
    assert (summary["runs_executed"], summary["runs_from_cache"]) == (4, 0)

    again = runner.invoke(app, args[:-1])  # no --csv
    assert again.exit_code == 0, again.output
    summary = json.loads(out.with_name("sweep.summary.json").read_text())
    assert (summary["runs_executed"], summary["runs_from_cache"]) == (0, 4)
    pd.testing.assert_frame_equal(pd.read_parquet(out), table)


def test_verbose_lists_the_screened_variants_by_their_decisions(
    app: typer.Typer, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tierwise.cli.sweep as sweep_cli

    monkeypatch.setattr(sweep_cli, "verbose", lambda: True)  # as under tierwise -v
    spec = write_spec(tmp_path, {"axes": {AGENTS: [1, 3]}, "replications": 1})
    out = tmp_path / "sweep.parquet"
    result = runner.invoke(
        app, ["sweep", str(spec), "--cache", str(tmp_path / "c"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "screened out (not simulated)" in result.output
    assert "unstable: agents.desk offered load 2.00 >= 1 server(s)" in result.output


def test_failures_are_listed_and_the_exit_code_is_still_zero(
    app: typer.Typer, runner: CliRunner, tmp_path: Path
) -> None:
    spec = write_spec(tmp_path, {"axes": {AGENTS: [1, 3]}, "replications": 1, "screening": False})
    result = runner.invoke(
        app,
        ["sweep", str(spec), "--cache", str(tmp_path / "c"), "--out", str(tmp_path / "t.parquet")],
    )
    assert result.exit_code == 0, result.output
    assert "failed variants" in result.output
    assert "UnstableScenarioError" in result.output
    assert "1 run(s) in 1 variant(s)" in result.output


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"axes": {"order_entry.pools.desk.agnets": [3]}}, "did you mean 'agents'"),
        ({"axes": {AGENTS: [3, -1]}}, "order_entry.pools.desk.agents = -1: must be >= 0"),
        ({"axes": {AGENTS: []}}, "empty axis"),
    ],
)
def test_a_bad_spec_is_a_clean_error(
    app: typer.Typer, runner: CliRunner, tmp_path: Path, spec: dict[str, object], message: str
) -> None:
    path = write_spec(tmp_path, spec)
    result = runner.invoke(app, ["sweep", str(path), "--out", str(tmp_path / "t.parquet")])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "t.parquet").exists()


def test_missing_spec_and_misused_scheduler_are_clean_errors(
    app: typer.Typer, runner: CliRunner, tmp_path: Path
) -> None:
    missing = runner.invoke(app, ["sweep", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2 and "file not found" in missing.output
    spec = write_spec(tmp_path, {"axes": {AGENTS: [3]}})
    misuse = runner.invoke(app, ["sweep", str(spec), "--scheduler", "tcp://127.0.0.1:1"])
    assert misuse.exit_code == 2 and "--scheduler needs --backend dask" in misuse.output
    assert "Traceback" not in misuse.output + missing.output


def test_no_screening_flag_overrides_the_spec(tmp_path: Path) -> None:
    """An unstable variant is screened out by default and simulated (and fails) without."""
    from typer.testing import CliRunner

    from tierwise.cli.app import app

    base = Path(__file__).resolve().parents[2] / "scenarios" / "default.yaml"
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        f"base: {base}\naxes:\n  picking.pickers: [5, 12]\n  horizon_days: [4]\n"
        "  warmup_days: [1]\n  drain_days: [1]\nreplications: 1\n"
    )

    def sweep(*flags: str) -> str:
        result = CliRunner().invoke(
            app,
            [
                "sweep",
                str(spec),
                *flags,
                "--out",
                str(tmp_path / "t.parquet"),
                "--cache",
                str(tmp_path / "c"),
            ],
        )
        assert result.exit_code == 0, result.output
        return result.output

    assert "1 variant(s), 1 run(s) saved" in sweep()
    unscreened = sweep("--no-screening")
    assert "0 variant(s), 0 run(s) saved" in unscreened
    assert "unstable" in unscreened


def test_the_table_is_written_in_the_format_of_the_out_suffix(
    app: typer.Typer, runner: CliRunner, tmp_path: Path
) -> None:
    spec = write_spec(tmp_path, {"axes": {AGENTS: [3]}, "replications": 1})
    out = tmp_path / "table.csv"
    result = runner.invoke(
        app, ["sweep", str(spec), "--cache", str(tmp_path / "c"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("variant_id,")  # CSV text, not Parquet
    assert len(pd.read_csv(out)) == 1
    assert json.loads((tmp_path / "table.summary.json").read_text())["runs_executed"] == 1
    assert not (tmp_path / "table.parquet").exists()


def test_format_json_prints_the_summary_and_csv_the_table_and_nothing_else(
    app: typer.Typer, runner: CliRunner, tmp_path: Path
) -> None:
    spec = write_spec(tmp_path, {"axes": {AGENTS: [3, 4]}, "replications": 1})
    out = tmp_path / "sweep.parquet"
    args = ["sweep", str(spec), "--cache", str(tmp_path / "cache"), "--out", str(out)]
    as_json = runner.invoke(app, [*args, "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    document = json.loads(as_json.stdout)  # nothing but the JSON on standard output
    assert document == json.loads(out.with_name("sweep.summary.json").read_text())
    assert document["variants"] == 2
    assert "written:" in as_json.stderr and "written:" not in as_json.stdout
    as_csv = runner.invoke(app, [*args, "--format", "csv"])
    assert as_csv.exit_code == 0, as_csv.output
    printed = pd.read_csv(io.StringIO(as_csv.stdout))
    table = pd.read_parquet(out)
    assert list(printed.columns) == list(table.columns) and len(printed) == len(table) == 2
    assert list(printed["variant_id"]) == list(table["variant_id"])


def test_seed_and_replications_replace_the_specs_own(
    app: typer.Typer, runner: CliRunner, tmp_path: Path
) -> None:
    spec = write_spec(tmp_path, {"axes": {AGENTS: [3]}, "replications": 1, "seed": 11})
    out = tmp_path / "sweep.csv"
    args = ["sweep", str(spec), "--cache", str(tmp_path / "cache"), "--out", str(out)]
    default = runner.invoke(app, args)
    assert default.exit_code == 0, default.output
    spec_table = pd.read_csv(out)
    assert len(spec_table) == 1 and set(spec_table["seed"]) == {11}
    changed = runner.invoke(app, [*args, "--seed", "12", "--replications", "2"])
    assert changed.exit_code == 0, changed.output
    table = pd.read_csv(out)
    assert len(table) == 2 and set(table["seed"]) == {12}  # two replications of seed 12
    measured = [c for c in spec_table.columns if c.endswith("_h") and "." in c]
    assert measured and not table.loc[0, measured].equals(spec_table.loc[0, measured])
