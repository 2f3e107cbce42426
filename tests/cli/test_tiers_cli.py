"""``tierwise tiers``: the tier table in three formats, the scenario it writes passes
``tierwise check`` and ``tierwise run --quick``, and bad data exits 2 with the line and column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.cli import plain
from tierwise.cli.app import app

runner = CliRunner()


def _tiers(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["tiers", *args])
    return result.exit_code, plain(result.output)


def test_table_names_each_tier_and_writes_the_figure(tmp_path: Path) -> None:
    code, out = _tiers("sample", "--figures", str(tmp_path))
    assert code == 0, out
    assert "share of profit" in out and "retention" in out
    # tier, customers, share of customers, share of profit of the sample
    for row in ("A 16 4.4% 81.0%", "B 50 13.7% 14.0%", "C 299 81.9% 5.0%"):
        assert row in out
    assert (tmp_path / "pareto.png").stat().st_size > 0
    assert (tmp_path / "pareto.svg").exists()


def test_json_and_csv_formats(tmp_path: Path) -> None:
    code, out = _tiers("sample", "--format", "json", "--no-figure")
    assert code == 0
    assert [row["tier"] for row in json.loads(out)["tiers"]] == ["A", "B", "C"]
    code, out = _tiers("sample", "--format", "csv", "--no-figure", "--method", "rfm")
    assert code == 0
    assert out.splitlines()[0].startswith("tier,customers,customer_share")


def test_written_scenario_passes_check_and_the_quick_run(tmp_path: Path) -> None:
    scenario = tmp_path / "calibrated.yaml"
    code, out = _tiers(
        "sample", "--out", str(scenario), "--no-figure", "--customers", str(tmp_path / "c.csv")
    )
    assert code == 0, out
    assert "wrote scenario" in out
    result = runner.invoke(app, ["check", str(scenario)])
    assert result.exit_code == 0, result.output
    assert "scenario is valid" in plain(result.output)
    result = runner.invoke(app, ["run", str(scenario), "--quick", "--out", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "run" / "plan.json").exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "the file is empty"),
        ("customer,when\nK1,2025-01-06\n", "column 'timestamp' (field timestamp) is missing"),
        (
            "order_id,customer,timestamp\nO1,K1,yesterday\n",
            "line 2, column 'timestamp': 'yesterday'",
        ),
        (
            "order_id,customer,timestamp,units\nO1,K1,2025-01-06,-2\n",
            "line 2, column 'units': '-2' is negative",
        ),
        (
            "order_id,customer,timestamp,lines\nO1,K1,2025-01-06,1\nO1,K2,2025-01-06,1\n",
            "order id 'O1' is on lines 2, 3",
        ),
    ],
)
def test_bad_data_exits_2_naming_the_line_and_column(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(text, encoding="utf-8")
    code, out = _tiers(str(path), "--no-figure")
    assert code == 2
    assert "error:" in out and expected in out
    assert "Traceback" not in out


def test_mapped_columns_and_a_short_history_warn_of_a_flat_profile(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(
        "nr,kunde,zeit,zeilen,marge\n1,K1,2025-01-06 08:00,2,10\n2,K2,2025-01-07 09:00,1,5\n",
        encoding="utf-8",
    )
    scenario = tmp_path / "s.yaml"
    code, out = _tiers(
        str(path), "-c", "order_id=nr", "-c", "customer=kunde", "-c", "timestamp=zeit",
        "-c", "lines=zeilen", "-c", "margin=marge", "--no-figure", "--out", str(scenario),
    )  # fmt: skip
    assert code == 0, out
    assert "too short for a weekday profile" in out
    assert "no retention measured" in out
    assert runner.invoke(app, ["check", str(scenario)]).exit_code == 0


def test_columns_in_the_comma_form_map_like_the_repeated_option(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(
        "nr,kunde,zeit,zeilen,marge\n1,K1,2025-01-06 08:00,2,10\n2,K2,2025-01-07 09:00,1,5\n",
        encoding="utf-8",
    )
    mapping = ["order_id=nr", "customer=kunde", "timestamp=zeit", "lines=zeilen", "margin=marge"]
    repeated = [arg for pair in mapping for arg in ("-c", pair)]
    comma = ["-c", ",".join(mapping[:3]), "--column", ",".join(mapping[3:])]
    outputs = []
    for columns in (repeated, comma):
        result = runner.invoke(
            app, ["tiers", str(path), *columns, "--no-figure", "--format", "csv"]
        )
        assert result.exit_code == 0, result.output
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1] and "K1" not in outputs[0]  # tiers, not customers


def test_bad_options_exit_2(tmp_path: Path) -> None:
    code, out = _tiers("sample", "--cuts", "0.9,0.8", "--no-figure")
    assert code == 2 and "strictly increasing" in out
    code, out = _tiers("sample", "--out", str(tmp_path / "s.txt"), "--no-figure")
    assert code == 2 and ".yaml" in out
