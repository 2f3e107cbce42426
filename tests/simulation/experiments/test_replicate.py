"""Student-t intervals and the sequential (precision-driven) replication procedure."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from tests.conftest import call_centre
from tierwise.simulation.experiments.replicate import derived_metrics, replicate
from tierwise.simulation.metrics import BOOKED_REVENUE, PROFIT, REVENUE


def test_sequential_replications_reach_the_requested_precision() -> None:
    sc = call_centre(13, horizon_days=0.75)
    summary = replicate(
        sc, precision=0.02, metrics=["all.answered_within_target_rate"], max_replications=60
    )
    est = summary.estimates()["all.answered_within_target_rate"]
    assert est.relative_half_width <= 0.02
    assert est.n >= 5


def test_sequential_replications_stop_at_the_cap() -> None:
    sc = call_centre(12, horizon_days=0.5)
    summary = replicate(
        sc, precision=0.0001, metrics=["all.mean_speed_of_answer_s"], max_replications=7
    )
    assert len(summary.runs) == 7


def test_fixed_replications_and_json_document() -> None:
    sc = call_centre(13, horizon_days=0.5)
    summary = replicate(sc, replications=3)
    doc = summary.to_dict()
    assert doc["replications"] == 3 and doc["scenario_hash"] == sc.content_hash
    tiers = doc["tiers"]
    assert isinstance(tiers, dict)
    entry = tiers["all"]["answered_within_target_rate"]
    assert set(entry) == {"mean", "half_width", "n"} and entry["n"] == 3
    with pytest.raises(ValueError, match="either replications or precision"):
        replicate(sc, replications=3, precision=0.1)


def test_injected_revenue_gives_revenue_and_profit_per_replication() -> None:
    """Revenue is the injected function of each replication's metrics, profit = revenue − cost;
    the engine's booked revenue stays under its own name; without a function there is none."""
    sc = call_centre(13, horizon_days=0.5)
    seen: list[str] = []

    def revenue(tier: str, metrics: Mapping[str, float]) -> float:
        seen.append(tier)
        return 1000.0 * metrics["answered_within_target_rate"]

    summary = replicate(sc, replications=3, revenue=revenue)
    rows = summary.rows()
    assert seen == ["all"] * 3  # once per tier and replication
    for run, row in zip(summary.runs, rows, strict=True):
        assert row == derived_metrics(run, revenue)
        answered = run.tiers["all"]["answered_within_target_rate"]
        assert row[f"all.{REVENUE}"] == 1000.0 * answered
        assert row[f"all.{PROFIT}"] == row[f"all.{REVENUE}"] - row["all.cost_per_day_usd"]
        assert row[f"total.{PROFIT}"] == row[f"total.{REVENUE}"] - row["total.cost_per_day_usd"]
        assert row[f"total.{BOOKED_REVENUE}"] == row[f"all.{BOOKED_REVENUE}"]
    estimates = summary.estimates()
    assert estimates[f"all.{REVENUE}"].mean == pytest.approx(
        sum(row[f"all.{REVENUE}"] for row in rows) / 3
    )
    assert f"all.{REVENUE}" not in replicate(sc, replications=1).estimates()
