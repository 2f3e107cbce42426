"""``tierwise curves``: the optimum per tier as a table, JSON or CSV; tiers in the comma form."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from tierwise.cli.app import app

runner = CliRunner()


def test_format_json_and_csv_print_the_optimum_per_tier_and_nothing_else(
    call_centre_sweep: tuple[Path, Path], tmp_path: Path
) -> None:
    table, _ = call_centre_sweep
    args = ["curves", str(table), "--overwrite"]
    as_csv = runner.invoke(app, [*args, "--out", str(tmp_path / "c"), "--format", "csv"])
    assert as_csv.exit_code == 0, as_csv.output
    printed = pd.read_csv(io.StringIO(as_csv.stdout))
    written = pd.read_csv(tmp_path / "c" / "optimum.csv")
    pd.testing.assert_frame_equal(printed, written)
    assert list(printed["tier"]) == ["A", "B"]
    assert "wrote" in as_csv.stderr and "wrote" not in as_csv.stdout
    as_json = runner.invoke(app, [*args, "--out", str(tmp_path / "j"), "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    document = json.loads(as_json.stdout)  # nothing but the JSON on standard output
    assert document["metric"] == "perfect_order_rate"
    assert [row["variant_id"] for row in document["optimum"]] == list(written["variant_id"])
    assert set(document["frontiers"]) == set(document["profit_curves"]) == {"A", "B"}
    frontier = pd.read_csv(tmp_path / "j" / "frontier.csv")
    assert sum(len(rows) for rows in document["frontiers"].values()) == len(frontier)


def test_tiers_in_the_comma_form_equal_the_repeated_option(
    call_centre_sweep: tuple[Path, Path], tmp_path: Path
) -> None:
    table, _ = call_centre_sweep
    args = ["curves", str(table), "--format", "csv", "--overwrite"]
    comma = runner.invoke(app, [*args, "--tier", "B,A", "--out", str(tmp_path / "comma")])
    repeated = runner.invoke(
        app, [*args, "--tier", "B", "--tier", "A", "--out", str(tmp_path / "rep")]
    )
    one = runner.invoke(app, [*args, "--tier", "B", "--out", str(tmp_path / "one")])
    assert comma.exit_code == repeated.exit_code == one.exit_code == 0, comma.output
    assert comma.stdout == repeated.stdout
    assert sorted(pd.read_csv(io.StringIO(comma.stdout))["tier"]) == ["A", "B"]
    assert list(pd.read_csv(io.StringIO(one.stdout))["tier"]) == ["B"]


def test_with_the_scenario_a_tier_draws_only_the_variants_that_say_what_it_gets(
    tmp_path: Path,
) -> None:
    # v2 moves B to ground; A's numbers in it are a lucky copy of v1's (dearer service, no
    # change of A's own), so with the scenario A's curve leaves v2 out, B's keeps it
    rows = []
    for vid, mode, a_service, a_cost in (
        ("v1", "regional", 0.90, 100.0),
        ("v2", "ground", 0.95, 120.0),
    ):
        for rep in range(3):
            row = {"variant_id": vid, "replication": rep, "error": "",
                   "param.tiers.B.shipping_mode": mode}  # fmt: skip
            for tier, service, cost in (("A", a_service, a_cost), ("B", 0.8, 50.0)):
                row.update({
                    f"{tier}.perfect_order_rate": service + 0.001 * rep,
                    f"{tier}.cost_per_day_usd": cost, f"{tier}.booked_revenue_per_day_usd": 1e3,
                    f"{tier}.orders_completed": 100, f"{tier}.orders_arrived": 100,
                    f"{tier}.orders_per_day": 10.0,
                })  # fmt: skip
            rows.append(row)
    table = tmp_path / "sweep.csv"
    pd.DataFrame(rows).to_csv(table, index=False)
    args = ["curves", str(table), "--format", "json", "--overwrite"]
    every = json.loads(runner.invoke(app, [*args, "--out", str(tmp_path / "a")]).stdout)
    own = runner.invoke(app, [*args, "--out", str(tmp_path / "b"), "--scenario", "default"])
    assert own.exit_code == 0, own.output
    frontiers = json.loads(own.stdout)["frontiers"]
    assert {r["variant_id"] for r in every["frontiers"]["A"]} == {"v1", "v2"}
    assert {r["variant_id"] for r in frontiers["A"]} == {"v1"}
    assert {r["variant_id"] for r in frontiers["B"]} == {"v1", "v2"}
