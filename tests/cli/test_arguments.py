"""Every bad argument of every command is refused before anything is simulated.

Each case runs one command with one bad argument while every entry point of the simulator
(the engine's model, replications, sweeps, the main job, comparisons, the reference checks,
the verification) is replaced by a stub that fails the test: an error that comes only after
a simulation cannot pass. Each refusal must exit with code 2 within seconds, without a
traceback, and name the option; unknown names must come with the allowed ones.
"""

from __future__ import annotations

import importlib
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.cli import plain
from tests.conftest import DEFAULT_SCENARIO
from tierwise.cli.app import app
from tierwise.cli.options import service_metrics

SCENARIOS = DEFAULT_SCENARIO.parent
STRATEGIES = SCENARIOS / "strategies" / "default.yaml"
SWEEP_SPEC = SCENARIOS / "sweeps" / "tiny.yaml"
TIERS = ("A", "B", "C")

#: Where a simulation could start: (module, attribute). A CLI module that imports the function
#: by name at its top is patched too.
SIMULATION_ENTRY_POINTS = (
    ("tierwise.simulation.experiments.replicate", "replicate"),
    ("tierwise.simulation.experiments.replicate", "run_replications"),
    ("tierwise.simulation.experiments.sweep", "run_sweep"),
    ("tierwise.simulation.experiments.compare", "compare_strategies"),
    ("tierwise.simulation.experiments.validation", "validate"),
    ("tierwise.simulation.engine", "run_with_orders"),
    ("tierwise.optimization.planning.verify", "verify_plan"),
    ("tierwise.pipeline", "run_pipeline"),
    ("tierwise.staged_sweep", "run_sweep"),
    ("tierwise.cli.simulate", "replicate"),
    ("tierwise.cli.sweep", "run_sweep"),
    ("tierwise.cli.compare", "compare_strategies"),
    ("tierwise.cli.validate", "validate"),
)


#: Modules the commands import once their arguments are checked: imported before patching, so
#: that none binds a stub by name for the tests that follow.
LAZY_MODULES = (
    "tierwise.pipeline",
    "tierwise.staged_sweep",
    "tierwise.figures.comparison",
    "tierwise.figures.curves",
    "tierwise.optimization.milp.solve",
    "tierwise.optimization.planning.curves",
    "tierwise.report.build",
    *(module for module, _ in SIMULATION_ENTRY_POINTS),
)


@pytest.fixture(autouse=True)
def no_simulation(monkeypatch: pytest.MonkeyPatch) -> None:
    import tierwise.simulation.engine.model as model

    for module in LAZY_MODULES:
        importlib.import_module(module)

    def simulated(*args: object, **kwargs: object) -> None:
        raise AssertionError("simulated before refusing the bad argument")

    monkeypatch.setattr(model.OrderCycleModel, "run", simulated)
    for module, name in SIMULATION_ENTRY_POINTS:
        # a CLI module imports the function inside the command, or by name at the top
        cli = module.startswith("tierwise.cli.")
        monkeypatch.setattr(importlib.import_module(module), name, simulated, raising=not cli)


@dataclass(frozen=True)
class Paths:
    """Files and folders the cases name (``{table}`` etc. in their arguments)."""

    table: Path  # a sweep table of tiers A, B, C with perfect_order_rate and on_time_rate
    junk_csv: Path
    junk_parquet: Path
    file: Path  # an ordinary file
    folder: Path  # an empty folder
    foreign: Path  # a folder with outputs of a run that no manifest lists

    def expand(self, args: tuple[str, ...]) -> list[str]:
        fields = {name: str(getattr(self, name)) for name in self.__dataclass_fields__}
        return [a.format(**fields) for a in args]


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    rows = []
    for variant in ("v1", "v2"):
        row: dict[str, object] = {"variant_id": variant, "replication": 0, "error": ""}
        for tier in TIERS:
            row[f"{tier}.perfect_order_rate"] = 0.9
            row[f"{tier}.on_time_rate"] = 0.95
        rows.append(row)
    table = tmp_path / "sweep.csv"
    pd.DataFrame(rows).to_csv(table, index=False)
    junk_csv = tmp_path / "junk.csv"
    junk_csv.write_text("a,b\n1,2\n", encoding="utf-8")
    junk_parquet = tmp_path / "junk.parquet"
    junk_parquet.write_bytes(b"not parquet at all")
    file = tmp_path / "taken.txt"
    file.write_text("mine", encoding="utf-8")
    folder = tmp_path / "folder"
    folder.mkdir()
    foreign = tmp_path / "old_run"
    foreign.mkdir()
    (foreign / "plan.json").write_text("{}", encoding="utf-8")
    (foreign / "profit_vs_budget.png").write_bytes(b"png")
    return Paths(table, junk_csv, junk_parquet, file, folder, foreign)


@dataclass(frozen=True)
class Case:
    """One bad argument: the command line, the option it names, what the message says."""

    args: tuple[str, ...]
    option: str
    says: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return " ".join(self.args)


SERVICE = tuple(service_metrics())
D = str(DEFAULT_SCENARIO)

CASES = [
    # run: names checked against the registry and the scenario's tiers
    Case(("run", D, "--metric", "perfect_ordr"), "--metric", ("did you mean", *SERVICE)),
    Case(("run", D, "--metric", "abandonment_rate"), "--metric", ("not a service metric",)),
    Case(("run", D, "--metric", "on_time_h"), "--metric", ("unknown service metric",)),
    Case(("run", D, "--min-service", "D=0.9"), "--min-service", ("unknown tier 'D'", *TIERS)),
    Case(("run", D, "--min-service", "A=0.9,A=0.8"), "--min-service", ("more than once",)),
    Case(("run", D, "--min-service", "A=1.5"), "--min-service", ("level in [0, 1]",)),
    Case(("run", D, "--min-service", "A:0.9"), "--min-service", ("TIER=level",)),
    Case(("run", D, "--tier-order", "A,B,X"), "--tier-order", ("unknown tier 'X'", *TIERS)),
    Case(("run", D, "--tier-order", "A,B,A"), "--tier-order", ("more than once",)),
    Case(("run", D, "--tier-order", "A"), "--tier-order", ("at least two",)),
    Case(("run", D, "--budget", "-5"), "--budget", (">= 0",)),
    Case(("run", D, "--budget", "nan"), "--budget", (">= 0",)),
    Case(("run", D, "--max-cost-per-order", "-1"), "--max-cost-per-order", (">= 0",)),
    Case(("run", D, "--workers", "0"), "--workers"),
    Case(("run", D, "--solver", "gurobi"), "--solver", ("cbc", "highs")),
    Case(("run", D, "--objective", "revenue"), "--objective", ("profit", "cost")),
    Case(("run", D, "--time-limit", "0"), "--time-limit", ("> 0",)),
    Case(("run", D, "--time-limit", "-3"), "--time-limit", ("> 0",)),
    Case(("run", D, "--set", "picking.pickers"), "--set", ("path=value",)),
    Case(("run", D, "--set", "=3"), "--set", ("empty path",)),
    Case(("run", D, "--out", "{file}"), "--out", ("is not a folder",)),
    Case(("run", D, "--out", "{file}/sub"), "--out", ("is not a folder",)),
    Case(("run", D, "--out", "{foreign}"), "--out", ("outputs of another run", "--overwrite")),
    Case(("run", D, "--cache", "{file}"), "--cache", ("is not a folder",)),
    # simulate
    Case(("simulate", D, "--replications", "0"), "--replications"),
    Case(("simulate", D, "--precision", "1.5"), "--precision", ("(0, 1)",)),
    Case(("simulate", D, "--precision", "0"), "--precision", ("(0, 1)",)),
    Case(("simulate", D, "--replications", "3", "--precision", "0.1"), "--precision", ("both",)),
    Case(
        ("simulate", D, "--precision", "0.02", "--precision-metric", "perfect_ordr"),
        "--precision-metric",
        ("did you mean 'perfect_order_rate'", "cost_per_day_usd"),
    ),
    Case(
        ("simulate", D, "--precision", "0.02", "--precision-metric", "D.on_time_rate"),
        "--precision-metric",
        ("unknown tier 'D'", *TIERS),
    ),
    Case(
        ("simulate", D, "--precision", "0.02", "--precision-metric", "profit_per_day_usd"),
        "--precision-metric",
        ("not measured per run",),
    ),
    Case(("simulate", D, "--precision-metric", "on_time_rate"), "--precision-metric", ("needs",)),
    Case(("simulate", D, "--seed", str(2**63)), "--seed"),
    Case(("simulate", D, "--seed", "-1"), "--seed"),
    Case(("simulate", D, "--workers", "0"), "--workers"),
    Case(("simulate", D, "--format", "xml"), "--format", ("table", "json", "csv")),
    Case(("simulate", D, "--set", "horizon_days"), "--set", ("path=value",)),
    Case(("simulate", D, "--orders-out", "{folder}"), "--orders-out", ("is a folder",)),
    Case(("simulate", D, "--orders-out", "{folder}/orders.txt"), "--orders-out", (".csv",)),
    Case(("simulate", D, "--orders-out", "{file}/orders.csv"), "--orders-out", ("not a folder",)),
    Case(("simulate", D, "--out", "{file}"), "--out", ("is not a folder",)),
    Case(("simulate", D, "--out", "{foreign}"), "--out", ("outputs of another run",)),
    # check
    Case(("check", D, "--set", "tiers.A"), "--set", ("path=value",)),
    # optimize: on a sweep table, and on a scenario
    Case(
        ("optimize", "{table}", "--metric", "on_tim"), "--metric", ("did you mean 'on_time_rate'",)
    ),
    Case(
        ("optimize", "{table}", "--metric", "line_fill_rate"),
        "--metric",
        ("not in the sweep table", "perfect_order_rate", "on_time_rate"),
    ),
    Case(("optimize", "{table}", "--min-service", "D=0.9"), "--min-service", ("unknown tier 'D'",)),
    Case(("optimize", "{table}", "--tier-order", "A,A"), "--tier-order", ("more than once",)),
    Case(("optimize", "{table}", "--verify"), "--verify", ("--scenario",)),
    Case(("optimize", "{table}", "--budget", "-1"), "--budget"),
    Case(("optimize", "{table}", "--time-limit", "0"), "--time-limit"),
    Case(("optimize", "{table}", "--workers", "0"), "--workers"),
    Case(("optimize", "{table}", "--out", "{foreign}"), "--out", ("outputs of another run",)),
    Case(("optimize", D, "--min-service", "D=0.9"), "--min-service", ("unknown tier 'D'", *TIERS)),
    Case(("optimize", D, "--scenario", D), "--scenario", ("only with a sweep table",)),
    Case(("optimize", D, "--replications", "3"), "--replications", ("only with a sweep table",)),
    Case(("optimize", "{table}", "--seed", "3"), "--seed", ("only with --verify",)),
    Case(("sweep", str(SWEEP_SPEC), "--seed", "-1"), "--seed"),
    Case(("sweep", str(SWEEP_SPEC), "--format", "xml"), "--format", ("table", "json", "csv")),
    Case(("compare", str(STRATEGIES), "--seed", "-1"), "--seed"),
    Case(("curves", "{table}", "--tier", "A,D"), "--tier", ("unknown tier 'D'", *TIERS)),
    Case(("optimize", D, "--out", "{file}"), "--out", ("is not a folder",)),
    # sweep
    Case(("sweep", str(SWEEP_SPEC), "--out", "{folder}/t.xlsx"), "--out", (".parquet or .csv",)),
    Case(("sweep", str(SWEEP_SPEC), "--out", "{folder}"), "--out", ("is a folder",)),
    Case(("sweep", str(SWEEP_SPEC), "--workers", "0"), "--workers"),
    Case(("sweep", str(SWEEP_SPEC), "--backend", "ray"), "--backend", ("processes", "dask")),
    Case(("sweep", str(SWEEP_SPEC), "--scheduler", "tcp://127.0.0.1:1"), "--scheduler"),
    Case(("sweep", str(SWEEP_SPEC), "--cache", "{file}"), "--cache", ("is not a folder",)),
    # curves
    Case(("curves", "{table}", "--tier", "D"), "--tier", ("unknown tier 'D'", *TIERS)),
    Case(("curves", "{table}", "--tier", "A", "--tier", "A"), "--tier", ("more than once",)),
    Case(("curves", "{table}", "--metric", "perfect_ordr"), "--metric", ("did you mean",)),
    Case(("curves", "{table}", "--response", "linear"), "--response", ("logistic", "adbudg")),
    Case(("curves", "{table}", "--profile", "A=Z"), "--profile", ("TIER=A",)),
    Case(("curves", "{table}", "--profile", "Q=A"), "--profile", ("unknown tier 'Q'",)),
    Case(("curves", "{table}", "--out", "{foreign}"), "--out", ("outputs of another run",)),
    # compare
    Case(("compare", str(STRATEGIES), "--metric", "perfect_ordr"), "--metric", ("did you mean",)),
    Case(("compare", str(STRATEGIES), "--baseline", "nine"), "--baseline", ("pooled_priority",)),
    Case(("compare", str(STRATEGIES), "--replications", "1"), "--replications"),
    Case(("compare", str(STRATEGIES), "--precision", "2"), "--precision", ("(0, 1)",)),
    Case(("compare", str(STRATEGIES), "--workers", "0"), "--workers"),
    Case(("compare", str(STRATEGIES), "--out", "{file}"), "--out", ("is not a folder",)),
    # validate
    Case(("validate", "--confidence", "1.5"), "--confidence", ("(0, 1)",)),
    Case(("validate", "--confidence", "0"), "--confidence", ("(0, 1)",)),
    Case(("validate", "--seed", "-1"), "--seed"),
    Case(("validate", "--seed", str(2**63)), "--seed"),
    Case(("validate", "--effort", "0"), "--effort"),
    Case(("validate", "--workers", "0"), "--workers"),
    # report
    Case(("report", "{folder}", "--out", "{folder}"), "--out", ("is a folder",)),
]

#: Bad input files: a clean error (exit 2) before any work, no option to name.
FILE_CASES = [
    (("optimize", "{junk_csv}"), "not a sweep table"),
    (("optimize", "{junk_parquet}"), "cannot read it"),
    (("optimize", "{folder}/missing.parquet"), "not found"),
    (("optimize", "{table}.xlsx"), ".parquet or .csv"),
    (("curves", "{junk_csv}"), "not a sweep table"),
    (("curves", "{junk_parquet}"), "cannot read it"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_a_bad_argument_is_refused_before_any_simulation(case: Case, paths: Paths) -> None:
    started = time.perf_counter()
    result = CliRunner().invoke(app, paths.expand(case.args))
    elapsed = time.perf_counter() - started
    text = plain(result.output)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit), result.exception  # not an error raised
    assert f"'{case.option}'" in text or f"{case.option} " in text, text
    for expected in case.says:
        assert expected in text, (expected, text)
    assert elapsed < 5.0, f"took {elapsed:.1f} s to refuse"


@pytest.mark.parametrize("case", FILE_CASES, ids=lambda c: " ".join(c[0]))
def test_a_bad_input_file_is_a_clean_error(case: tuple[tuple[str, ...], str], paths: Paths) -> None:
    args, message = case
    result = CliRunner().invoke(app, paths.expand(args))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert message in plain(result.output), result.output


def test_the_folder_of_another_run_is_left_alone_when_refused(paths: Paths) -> None:
    before = sorted(p.name for p in paths.foreign.iterdir())
    result = CliRunner().invoke(app, ["run", D, "--out", str(paths.foreign)])
    assert result.exit_code == 2
    assert sorted(p.name for p in paths.foreign.iterdir()) == before
