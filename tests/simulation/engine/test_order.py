"""Order module: the stage enum behind the stage metrics, and the order record."""

from __future__ import annotations

from tierwise.simulation.engine.order import OrderLine, OrderRecord
from tierwise.simulation.engine.results import STAGES, TierAccumulator, tier_metrics
from tierwise.simulation.engine.stages import Stage
from tierwise.simulation.metrics import METRICS


def test_stage_names_follow_the_enum_order() -> None:
    assert tuple(s.name.lower() for s in sorted(Stage)) == STAGES
    assert [s.value for s in Stage] == list(range(len(Stage)))
    assert len(TierAccumulator().stage_h) == len(Stage)


def test_every_stage_has_a_registered_metric_filled_from_its_index() -> None:
    acc = TierAccumulator(completed=1)
    for stage in Stage:
        acc.stage_h[stage] = float(stage.value + 1)
    metrics = tier_metrics(acc, 0, 1.0, 0.0)
    for stage in Stage:
        name = f"stage_{stage.label}_h"
        assert name in METRICS
        assert metrics[name] == stage.value + 1


def test_order_record_fields_are_the_orders_csv_columns() -> None:
    assert OrderRecord._fields == (
        "order_id",
        "tier",
        "channel",
        "created_h",
        "cycle_time_h",
        "lost",
        "on_time",
        "complete",
        "damage_free",
        "accurate",
        "billed_right",
        "perfect",
        # one field per stage of the cycle, in the stages' order
        *(f"{stage.label}_h" for stage in Stage),
    )
    line = OrderLine(family=1, units=3, pick_h=0.02)
    assert line == (1, 3, 0.02) and line.units == 3
