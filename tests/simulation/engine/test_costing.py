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


def test_each_tier_s_line_items_add_up_to_its_allocated_cost() -> None:
    from tierwise.simulation.engine.costing import tier_line_items

    shares = [
        CostShare({"wages_agents": 100.0, "desk_fixed": 20.0}, {"A": 3.0, "B": 1.0}),
        CostShare({"pickups": 30.0}, {"B": 2.0}),
        CostShare({"vehicles": 90.0}, {}),
    ]
    _, tiers = sum_costs(shares, ["A", "B"])
    items = tier_line_items(shares, ["A", "B"])
    assert items["A"]["wages_agents"] == 75.0 and items["B"]["pickups"] == 30.0
    assert items["A"]["vehicles"] == items["B"]["vehicles"] == 45.0
    for tier in ("A", "B"):
        assert math.isclose(sum(items[tier].values()), tiers[tier])


def test_a_run_reports_every_tier_s_cost_by_line_item() -> None:
    from tierwise.simulation.engine import run as run_model
    from tierwise.simulation.scenario.loading import load_scenario

    scenario = load_scenario("default", [("horizon_days", 8), ("warmup_days", 1)])
    result = run_model(scenario, 0)
    flat = result.flat()
    for tier, metrics in result.tiers.items():
        items = [v for k, v in flat.items() if k.startswith(f"{tier}.cost.")]
        assert len(items) == len(COST_LINE_ITEMS)
        assert math.isclose(sum(items), metrics["cost_per_day_usd"], rel_tol=1e-9)
    # the second express pickup's price lands on the tiers that ship express (A only)
    assert flat["A.cost.pickups_usd_per_day"] > 0 and flat["B.cost.pickups_usd_per_day"] == 0
