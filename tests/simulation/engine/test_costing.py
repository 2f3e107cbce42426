"""Costing: station cost shares summed into line items and allocated to tiers by weight."""

from __future__ import annotations

import math

from tierwise.simulation.engine.costing import COST_LINE_ITEMS, CostShare, sum_costs


def test_cost_shares_are_split_by_weight_and_summed_per_line_item() -> None:
    shares = [
        CostShare({"wages_agents": 100.0}, {"A": 3.0, "B": 1.0}),
        CostShare({"wages_agents": 50.0}, {"B": 2.0}),
        CostShare({"holding": 30.0, "replenishment": 10.0}, {"A": 1.0, "B": 1.0}),
    ]
    items, tiers = sum_costs(shares, ["A", "B"])
    assert list(items) == list(COST_LINE_ITEMS)
    assert items["wages_agents"] == 150.0 and items["holding"] == 30.0
    assert items["wages_pickers"] == 0.0
    assert tiers == {"A": 75.0 + 20.0, "B": 25.0 + 50.0 + 20.0}
    assert math.isclose(sum(tiers.values()), sum(items.values()))


def test_a_cost_without_weights_is_shared_equally_by_every_tier() -> None:
    _, tiers = sum_costs([CostShare({"vehicles": 90.0}, {"A": 0.0})], ["A", "B", "C"])
    assert tiers == {"A": 30.0, "B": 30.0, "C": 30.0}
