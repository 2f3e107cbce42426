"""``tierwise simulate``'s files: every row of result.csv has its unit, the replication
summary is a DataFrame, and ``--orders-out`` names each order and leaves a lost order's
quality flags empty."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from tests.conftest import DEFAULT_SCENARIO
from tierwise.cli.app import app
from tierwise.cli.simulate import QUALITY_FLAGS, orders_frame
from tierwise.simulation.engine.order import OrderRecord

runner = CliRunner()
SHORT = ["--set", "horizon_days=5", "--set", "warmup_days=1"]


def test_every_row_of_result_csv_has_the_unit_of_the_registry(tmp_path: Path) -> None:
    from tierwise.simulation.experiments.replicate import replicate
    from tierwise.simulation.scenario.loading import load_scenario

    result = runner.invoke(
        app,
        ["simulate", str(DEFAULT_SCENARIO), "--replications", "2", "--out", str(tmp_path), *SHORT],
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "result.csv", keep_default_na=False)
    assert list(table.columns) == ["scope", "metric", "unit", "mean", "half_width", "n"]
    assert (table["unit"] != "").all(), table[table["unit"] == ""]
    units = dict(zip(table["scope"] + "." + table["metric"], table["unit"], strict=True))
    assert units["utilisation.pickers"] == "rate"
    assert units["cost.holding_usd_per_day"] == "USD/day"
    assert units["total.cost_per_day_usd"] == "USD/day"
    assert units["inventory.fast.mean_on_hand_units"] == "units"
    assert units["A.mean_cycle_time_h"] == "h" and units["A.on_time_rate"] == "rate"
    # the file is the summary's own table (to_frame), the same numbers
    scenario = load_scenario(DEFAULT_SCENARIO, [("horizon_days", 5), ("warmup_days", 1)])
    frame = replicate(scenario, replications=2).to_frame()
    assert isinstance(frame, pd.DataFrame) and len(frame) > 0
    joined = table.merge(frame, on=["scope", "metric"], suffixes=("", "_summary"))
    booked = joined[joined["metric"] == "booked_revenue_per_day_usd"]
    assert (booked["mean"] - booked["mean_summary"]).abs().max() < 1e-6 * booked["mean"].max()


def _record(order_id: str, created: float, lost: bool) -> OrderRecord:
    flag = not lost
    tier = order_id.split("-")[0]
    cycle = float("nan") if lost else 5.0
    return OrderRecord(order_id, tier, "phone", created, cycle, lost, *([flag] * 6), *([0.5] * 6))


def test_orders_have_ids_in_creation_order_and_lost_orders_empty_flags(tmp_path: Path) -> None:
    records = [_record("B-7", 3.0, False), _record("A-3", 2.0, True), _record("A-2", 1.0, False)]
    orders = orders_frame(records)
    assert list(orders["order_id"]) == ["A-2", "A-3", "B-7"]  # the engine's creation index
    assert list(orders["created_h"]) == [1.0, 2.0, 3.0]
    lost = orders[orders["lost"]]
    assert lost[list(QUALITY_FLAGS)].isna().all().all()  # not False: never delivered
    kept = orders[~orders["lost"]]
    assert kept[list(QUALITY_FLAGS)].all().all()
    path = tmp_path / "orders.csv"
    orders.to_csv(path, index=False)
    assert path.read_text().splitlines()[2] == "A-3,A,phone,2.0,,True,,,,,," + ",0.5" * 6
    assert list(orders_frame([]).columns)[:4] == ["order_id", "tier", "channel", "created_h"]
    assert "picking_h" in orders.columns and "shipping_h" in orders.columns
