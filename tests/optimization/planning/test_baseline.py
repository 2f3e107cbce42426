"""Today versus the plan: replication-wise paired differences per tier and in total."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pytest

from tierwise.optimization.planning.baseline import BASELINE_COLUMNS, compare_with_today
from tierwise.simulation.analysis.statistics import unpaired_half_width

METRIC = "perfect_order_rate"


@dataclass(frozen=True)
class _Scenario:
    tiers: dict[str, Any] = field(default_factory=lambda: {"A": None, "B": None})


@dataclass(frozen=True)
class _Summary:
    """What compare_with_today reads of a ReplicationSummary: runs, rows, revenue, scenario."""

    flat: list[dict[str, float]]
    scenario: _Scenario = field(default_factory=_Scenario)
    revenue: Any = "given"

    @property
    def runs(self) -> list[dict[str, float]]:
        return self.flat

    def rows(self) -> list[dict[str, float]]:
        return self.flat


def _rows(shift: float, noise: list[float]) -> list[dict[str, float]]:
    """Replication r shares a large common swing (r × 1,000 USD, r × 5 pp) between today and the
    plan, as common random numbers make it; ``shift`` and ``noise`` are the plan's change."""
    rows = []
    for r, e in enumerate(noise):
        row: dict[str, float] = {}
        for tier in ("A", "B"):
            row[f"{tier}.{METRIC}"] = 0.70 + 0.05 * r + (0.10 + e / 1000 if shift else 0.0)
            row[f"{tier}.cost_per_day_usd"] = 1000.0 * r + 500.0 + shift + e
            row[f"{tier}.revenue_per_day_usd"] = 3000.0 * r + 2000.0 + 3 * shift
            row[f"{tier}.profit_per_day_usd"] = (
                row[f"{tier}.revenue_per_day_usd"] - row[f"{tier}.cost_per_day_usd"]
            )
        for name in ("cost_per_day_usd", "revenue_per_day_usd", "profit_per_day_usd"):
            row[f"total.{name}"] = row[f"A.{name}"] + row[f"B.{name}"]
        rows.append(row)
    return rows


def _frame():
    today = _Summary(_rows(0.0, [0.0, 0.0, 0.0, 0.0, 0.0]))
    plan = _Summary(_rows(100.0, [3.0, -2.0, 1.0, -4.0, 2.0]))
    return today, plan, compare_with_today(today, plan, METRIC)


def test_every_tier_has_service_cost_revenue_profit_and_the_total_the_money() -> None:
    _, _, frame = _frame()
    assert tuple(frame.columns) == BASELINE_COLUMNS
    keys = list(zip(frame["scope"], frame["metric"], strict=True))
    money = ["cost_per_day_usd", "revenue_per_day_usd", "profit_per_day_usd"]
    assert keys == [("A", METRIC), *[("A", m) for m in money]] + [
        ("B", METRIC),
        *[("B", m) for m in money],
    ] + [("total", m) for m in money]


def test_the_difference_is_plan_minus_today_paired_by_replication() -> None:
    today, plan, frame = _frame()
    cost = frame[(frame["scope"] == "A") & (frame["metric"] == "cost_per_day_usd")].iloc[0]
    assert cost["difference"] == pytest.approx(100.0)  # the noise sums to 0
    assert cost["plan"] - cost["today"] == pytest.approx(cost["difference"])
    # the common swing of the replications cancels in the pairs: the paired interval is far
    # narrower than the interval of two independent samples
    x = [row["A.cost_per_day_usd"] for row in plan.rows()]
    y = [row["A.cost_per_day_usd"] for row in today.rows()]
    assert cost["half_width"] < unpaired_half_width(x, y) / 50
    assert cost["p_value"] < 0.001
    profit = frame[(frame["scope"] == "total") & (frame["metric"] == "profit_per_day_usd")]
    assert profit.iloc[0]["difference"] == pytest.approx(2 * (300.0 - 100.0))


def test_an_unchanged_plan_differs_by_nothing() -> None:
    today = _Summary(_rows(0.0, [0.0, 0.0, 0.0]))
    frame = compare_with_today(today, today, METRIC)
    assert (frame["difference"] == 0).all() and (frame["half_width"] == 0).all()
    assert (frame["p_value"] == 1).all()


def test_summaries_of_different_lengths_cannot_be_paired() -> None:
    with pytest.raises(ValueError, match="same replications"):
        compare_with_today(_Summary(_rows(0.0, [0.0] * 3)), _Summary(_rows(0.0, [0.0] * 4)), METRIC)
    with pytest.raises(ValueError, match="revenue function"):
        compare_with_today(
            _Summary(_rows(0.0, [0.0] * 3), revenue=None), _Summary(_rows(0.0, [0.0] * 3)), METRIC
        )
    assert math.isfinite(_frame()[2]["half_width"].iloc[0])
