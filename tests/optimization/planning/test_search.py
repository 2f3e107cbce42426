"""The main job's decision space: staffing as a grid, other levers one at a time, ranges that
extend past either edge, configurations ranked by the profit they allow."""

from __future__ import annotations

from tests.optimization.milp.plans import opt
from tierwise.optimization.planning.search import (
    LeverSpace,
    coordinate_moves,
    coordinate_variants,
    edge_extensions,
    grid_variants,
    lever_space,
    rank_configurations,
)
from tierwise.simulation.scenario.loading import load_scenario

THEORY = {
    "order_entry.pools.desk.agents": [5, 6, 7],
    "picking.pickers": [10, 11, 13],
    "horizon_days": [10.0],
}


def test_staffing_is_a_grid_and_the_other_levers_are_searched_one_at_a_time() -> None:
    space = lever_space(load_scenario("default"), THEORY)
    assert space.grid == {
        "order_entry.pools.desk.agents": (5, 6, 7),
        "picking.pickers": (10, 11, 13),
    }
    assert space.fixed == {"horizon_days": 10.0}
    # every tier's shipping mode over the scenario's modes, and the declared levers
    assert space.coordinate["tiers.A.shipping_mode"] == ("express", "regional", "ground")
    assert space.coordinate["inventory.families.slow.reserve_units.C"] == (0, 3000)
    assert "shipping.modes.express.cutoff_hours" in space.declared
    # the scenario as given: a reserve it does not set is 0
    assert space.base_values["inventory.families.slow.reserve_units.C"] == 0
    assert space.base_values["tiers.B.shipping_mode"] == "regional"
    assert len(grid_variants(space)) == 9


def test_a_held_value_is_never_searched() -> None:
    space = lever_space(load_scenario("default"), THEORY, [("tiers.A.shipping_mode", "express")])
    assert "tiers.A.shipping_mode" not in space.coordinate
    assert space.fixed["tiers.A.shipping_mode"] == "express"


def test_shift_blocks_are_levers_and_the_headcount_covers_the_largest_block() -> None:
    scenario = load_scenario("phone_order_desk")
    space = lever_space(scenario, {"order_entry.pools.desk.agents": [13, 14, 15]})
    assert "order_entry.pools.desk.agents" not in space.grid  # no simulated effect with blocks
    blocks = {p: v for p, v in space.coordinate.items() if ".agents_by_block." in p}
    assert set(blocks) == {f"order_entry.pools.desk.agents_by_block.{h}" for h in
                           ("08", "10", "12", "14", "16")}  # fmt: skip
    assert blocks["order_entry.pools.desk.agents_by_block.10"] == (23, 24, 25, 26, 27)
    assert space.fixed["order_entry.pools.desk.agents"] == 27


def test_a_theory_range_extends_past_either_end_but_a_declared_one_is_a_bound() -> None:
    space = LeverSpace(
        grid={"picking.pickers": (10, 11, 12), "order_entry.pools.desk.agents": (5, 6)},
        coordinate={},
        declared=frozenset({"order_entry.pools.desk.agents"}),
    )
    best = {"picking.pickers": 12, "order_entry.pools.desk.agents": 6}
    assert edge_extensions(best, space, {}) == [{**best, "picking.pickers": 13}]
    assert edge_extensions(best, space, {"picking.pickers": {13}}) == []  # 12 is inside now
    low = {**best, "picking.pickers": 10}
    assert edge_extensions(low, space, {}) == [{**low, "picking.pickers": 9}]
    assert edge_extensions(low, space, {"picking.pickers": {9}}) == []  # 10 is inside now
    one = LeverSpace(grid={"shipping.modes.r.vehicles": (1, 2)}, coordinate={})
    assert edge_extensions({"shipping.modes.r.vehicles": 1}, one, {}) == []  # never below one


def test_coordinate_moves_change_one_lever_and_step_past_a_default_top() -> None:
    space = LeverSpace(
        grid={},
        coordinate={"tiers.A.shipping_mode": ("express", "ground"), "x.agents_by_block.10": (4, 5)},
        base_values={"tiers.A.shipping_mode": "express", "x.agents_by_block.10": 5},
    )
    moves = coordinate_variants({"picking.pickers": 11}, space)
    # every shared lever is set (the scenario's value where the configuration has none)
    blocks = {"picking.pickers": 11, "x.agents_by_block.10": 5}
    assert {**blocks, "tiers.A.shipping_mode": "ground"} in moves
    assert {**blocks, "x.agents_by_block.10": 4} in moves
    assert {**blocks, "x.agents_by_block.10": 6} in moves
    assert len(moves) == 3
    at_bottom = LeverSpace(
        grid={},
        coordinate={"x.agents_by_block.10": (4, 5)},
        base_values={"x.agents_by_block.10": 4},
    )
    assert [m["x.agents_by_block.10"] for m in coordinate_variants({}, at_bottom)] == [5, 3]


def test_coordinate_moves_step_the_staffing_grid_around_the_configuration() -> None:
    """Staff the grid found best before the other levers moved is re-optimised: one grid step
    down and up from the configuration's value, past a default range, never below one, and
    inside a declared one."""
    space = LeverSpace(
        grid={"picking.pickers": (10, 12, 14), "order_entry.pools.desk.agents": (1, 2)},
        coordinate={"tiers.A.shipping_mode": ("express", "ground")},
        declared=frozenset({"order_entry.pools.desk.agents"}),
        base_values={"tiers.A.shipping_mode": "express"},
    )
    config = {"picking.pickers": 14, "order_entry.pools.desk.agents": 1}
    moves = coordinate_moves(config, space)
    staffing = [(path, m[path]) for path, m in moves if path != "tiers.A.shipping_mode"]
    # pickers: 12 and 16 (a step of 2, past the default top); agents: 2 only (declared, >= 1)
    assert staffing == [
        ("picking.pickers", 12),
        ("picking.pickers", 16),
        ("order_entry.pools.desk.agents", 2),
    ]
    for path, move in moves:  # each move changes exactly its own lever
        changed = {k for k in move if move[k] != {**config, "tiers.A.shipping_mode": "express"}[k]}
        assert changed == {path}


def test_configurations_rank_by_the_best_option_of_every_tier() -> None:
    options = [
        opt("A", "a1", 0.9, 100, 500, configuration="c1"),
        opt("A", "a2", 0.9, 100, 300, configuration="c2"),
        opt("B", "b1", 0.9, 100, 150, configuration="c1"),
        opt("B", "b2", 0.9, 100, 400, configuration="c2"),
        opt("A", "a3", 0.9, 100, 900, configuration="c3"),  # B has no option in c3
    ]
    assert rank_configurations(options) == ["c2", "c1"]
