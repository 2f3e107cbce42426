"""Data model validation, constraint rows and the plain-Python constraint checker."""

from __future__ import annotations

import pulp
import pytest

from tierwise.optimization.milp.model import (
    GROUP_BUDGET,
    GROUP_CAPACITY,
    GROUP_CHOOSE_ONE,
    GROUP_COST_PER_ORDER,
    GROUP_MIN_SERVICE,
    GROUP_RESOURCE_LINK,
    GROUP_TIER_ORDER,
    build_model,
    check_assignment,
    constraint_rows,
    objective_spec,
)
from tierwise.optimization.milp.problem import PlanInputError, PlanProblem, ResourceSpec, TierOption


def opt(tier: str, oid: str, s: float, cost: float, rev: float = 0.0, **kw: object) -> TierOption:
    return TierOption(
        tier=tier,
        option_id=oid,
        service_level=s,
        cost_per_day_usd=cost,
        revenue_per_day_usd=rev,
        **kw,  # type: ignore[arg-type]
    )


def small_problem(**kw: object) -> PlanProblem:
    options = [
        opt("A", "a0", 0.90, 100, 300, resources={"agents": 1}, orders_per_day=10),
        opt("A", "a1", 0.97, 180, 420, resources={"agents": 2}, orders_per_day=10),
        opt("B", "b0", 0.85, 60, 150, resources={"agents": 1}, orders_per_day=20),
        opt("B", "b1", 0.93, 90, 200, resources={"agents": 2}, orders_per_day=20),
    ]
    args: dict[str, object] = {
        "options": options,
        "resources": [ResourceSpec(name="agents", capacity_units=3)],
        "budget_per_day_usd": 260.0,
        "min_service": {"A": 0.9},
        "tier_order": ["A", "B"],
        "max_cost_per_order_usd": 10.0,
    }
    args.update(kw)
    return PlanProblem(**args)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("service_level", 1.2, "allowed: a finite number in [0, 1]"),
        ("service_level", float("nan"), "service_level = nan"),
        ("cost_per_day_usd", -5.0, "cost_per_day_usd = -5.0 is out of range"),
        ("revenue_per_day_usd", -1.0, ">= 0"),
        ("service_half_width", -0.01, "service_half_width"),
        ("orders_per_day", float("inf"), "orders_per_day"),
        ("resources", {"agents": 1.5}, "not a whole number of units"),
        ("resources", {"agents": -1}, "integer >= 0"),
    ],
)
def test_invalid_option_field_is_named_with_value_and_range(
    field: str, value: object, fragment: str
) -> None:
    kw: dict[str, object] = {
        "tier": "A",
        "option_id": "a0",
        "service_level": 0.9,
        "cost_per_day_usd": 1.0,
    }
    kw[field] = value
    with pytest.raises(PlanInputError) as err:
        TierOption(**kw)  # type: ignore[arg-type]
    text = str(err.value)
    assert field in text
    assert fragment in text


def test_duplicate_option_id_within_tier_is_rejected() -> None:
    with pytest.raises(PlanInputError, match="'a0' appears twice in tier 'A'"):
        PlanProblem(options=[opt("A", "a0", 0.9, 1), opt("A", "a0", 0.95, 2)])


def test_same_option_id_in_different_tiers_is_allowed() -> None:
    p = PlanProblem(options=[opt("A", "x", 0.9, 1), opt("B", "x", 0.95, 2)])
    assert p.tiers == ("A", "B")


def test_min_service_for_unknown_tier_lists_known_tiers() -> None:
    with pytest.raises(PlanInputError, match=r"min_service\['Z'\].*allowed: tiers with options"):
        small_problem(min_service={"Z": 0.9})


def test_min_service_outside_unit_interval_is_rejected() -> None:
    with pytest.raises(PlanInputError, match=r"min_service\['A'\] = 1.5 is out of range"):
        small_problem(min_service={"A": 1.5})


def test_undeclared_resource_is_rejected() -> None:
    with pytest.raises(PlanInputError, match="needs resource 'pickers', which is not declared"):
        PlanProblem(options=[opt("A", "a0", 0.9, 1, resources={"pickers": 1})])


@pytest.mark.parametrize(
    ("kw", "fragment"),
    [
        ({"options": []}, "at least one option per tier"),
        ({"budget_per_day_usd": -1.0}, "budget_per_day_usd = -1.0"),
        ({"tier_order": ["A", "Q"]}, "unknown tier 'Q'"),
        ({"tier_order": ["A", "A"]}, "repeats a tier"),
        ({"objective": "revenue"}, "allowed: 'profit' or 'cost'"),
        ({"max_cost_per_order_usd": -2.0}, "max_cost_per_order_usd"),
        ({"resources": [ResourceSpec(name="agents"), ResourceSpec(name="agents")]}, "duplicate"),
    ],
)
def test_invalid_problem_field_is_named(kw: dict[str, object], fragment: str) -> None:
    with pytest.raises(PlanInputError, match=fragment):
        small_problem(**kw)


def test_negative_capacity_and_unit_cost_are_rejected() -> None:
    with pytest.raises(PlanInputError, match="capacity_units"):
        ResourceSpec(name="a", capacity_units=-1)
    with pytest.raises(PlanInputError, match="cost_per_unit_day_usd"):
        ResourceSpec(name="a", cost_per_unit_day_usd=-1.0)


def test_option_mappings_are_read_only_copies() -> None:
    res = {"agents": 1}
    o = opt("A", "a0", 0.9, 1, resources=res)
    res["agents"] = 99
    assert o.resources["agents"] == 1
    with pytest.raises(TypeError):
        o.resources["agents"] = 2  # type: ignore[index]


# --------------------------------------------------------------------------- rows / model


def test_rows_have_readable_names_and_groups() -> None:
    rows = {r.name: r.group for r in constraint_rows(small_problem())}
    assert rows == {
        "one_option_A": GROUP_CHOOSE_ONE,
        "one_option_B": GROUP_CHOOSE_ONE,
        "units_agents": GROUP_RESOURCE_LINK,
        "capacity_agents": GROUP_CAPACITY,
        "budget": GROUP_BUDGET,
        "min_service_A": GROUP_MIN_SERVICE,
        "order_A_ge_B": GROUP_TIER_ORDER,
        "max_cost_per_order": GROUP_COST_PER_ORDER,
    }


def test_tier_names_with_spaces_give_solver_safe_unique_names() -> None:
    p = PlanProblem(
        options=[opt("gold tier", "g", 0.9, 1), opt("gold-tier", "h", 0.8, 1)],
        min_service={"gold tier": 0.5, "gold-tier": 0.5},
    )
    names = [r.name for r in constraint_rows(p)]
    assert "min_service_gold_tier" in names and "min_service_gold_tier_2" in names
    assert len(set(names)) == len(names)


def test_model_has_one_binary_per_option_and_one_integer_per_resource() -> None:
    m = build_model(small_problem())
    assert len(m.x) == 4
    assert all(v.cat == pulp.LpInteger and (v.lowBound, v.upBound) == (0, 1) for v in m.x.values())
    assert m.y["agents"].cat == pulp.LpInteger
    assert m.y["agents"].upBound == 4  # 2 + 2: most units any plan can need
    assert {c.name for c in m.prob.constraints()} == set(m.rows)
    assert m.prob.sense == pulp.LpMaximize


def test_relaxed_model_is_continuous_and_omit_drops_groups() -> None:
    m = build_model(small_problem(), relax_integrality=True, omit_groups={GROUP_BUDGET})
    assert all(v.cat == pulp.LpContinuous for v in [*m.x.values(), *m.y.values()])
    assert "budget" not in m.rows


def test_cost_objective_minimises_option_and_unit_costs() -> None:
    p = small_problem(
        objective="cost", resources=[ResourceSpec(name="agents", cost_per_unit_day_usd=5.0)]
    )
    spec = objective_spec(p)
    assert spec.sense == "min"
    assert spec.x_coeffs[("A", "a1")] == 180
    assert spec.y_coeffs == {"agents": 5.0}
    assert objective_spec(p, "profit").y_coeffs == {"agents": -5.0}


def test_cost_per_order_row_is_linearised_with_limit_times_orders() -> None:
    row = next(r for r in constraint_rows(small_problem()) if r.group == GROUP_COST_PER_ORDER)
    assert row.x_coeffs[("A", "a0")] == pytest.approx(100 - 10.0 * 10)
    assert row.x_coeffs[("B", "b1")] == pytest.approx(90 - 10.0 * 20)
    assert row.sense == "<=" and row.rhs == 0.0


def test_lower_bound_basis_uses_service_minus_half_width_for_minimums_only() -> None:
    p = PlanProblem(
        options=[
            opt("A", "a", 0.95, 1, service_half_width=0.02),
            opt("B", "b", 0.94, 1, service_half_width=0.0),
        ],
        min_service={"A": 0.9},
        tier_order=["A", "B"],
        min_service_basis="lower_bound",
    )
    rows = {r.name: r for r in constraint_rows(p)}
    assert rows["min_service_A"].x_coeffs[("A", "a")] == pytest.approx(0.93)
    assert rows["order_A_ge_B"].x_coeffs[("A", "a")] == pytest.approx(0.95)


def test_elastic_model_adds_penalised_slacks() -> None:
    m = build_model(small_problem(), elastic_weights={"budget": 2.0, "min_service_A": 100.0})
    assert set(m.slacks) == {"budget", "min_service_A"}
    assert m.prob.sense == pulp.LpMinimize
    with pytest.raises(ValueError, match="unknown rows"):
        build_model(small_problem(), elastic_weights={"nope": 1.0})


# --------------------------------------------------------------------------- checker


def valid_assignment() -> tuple[dict[tuple[str, str], float], dict[str, float]]:
    # a0 + b1: cost 190, agents 3, service A 0.90 <  B 0.93 -> breaks the order
    # a1 + b0: cost 240, agents 3, A 0.97 >= B 0.85, cpo 240/30 = 8
    x = {("A", "a0"): 0.0, ("A", "a1"): 1.0, ("B", "b0"): 1.0, ("B", "b1"): 0.0}
    return x, {"agents": 3.0}


def test_checker_accepts_a_valid_plan() -> None:
    x, y = valid_assignment()
    assert check_assignment(small_problem(), x, y) == []


@pytest.mark.parametrize(
    ("change", "constraint"),
    [
        ({"x": {("A", "a1"): 0.5}}, "integrality"),
        ({"x": {("A", "a0"): 1.0}}, "one_option_A"),
        ({"y": {"agents": 2.0}}, "units_agents"),
        ({"y": {"agents": 2.5}}, "integrality"),
        ({"y": {"agents": 4.0}}, "capacity_agents"),
        ({"x": {("B", "b0"): 0.0, ("B", "b1"): 1.0}, "y": {"agents": 4.0}}, "budget"),
        (
            {"x": {("A", "a1"): 0.0, ("A", "a0"): 1.0, ("B", "b0"): 0.0, ("B", "b1"): 1.0}},
            "order_A_ge_B",
        ),
        ({"x": {("Z", "z"): 1.0}}, "unknown_option"),
    ],
)
def test_checker_catches_each_broken_constraint(change: dict[str, dict], constraint: str) -> None:
    x, y = valid_assignment()
    x.update(change.get("x", {}))
    y.update(change.get("y", {}))
    found = {v.constraint for v in check_assignment(small_problem(), x, y)}
    assert constraint in found


def test_checker_catches_min_service_and_cost_per_order() -> None:
    x, y = valid_assignment()
    p = small_problem(min_service={"A": 0.98}, max_cost_per_order_usd=7.5)
    found = {v.constraint: v for v in check_assignment(p, x, y)}
    assert found["min_service_A"].amount == pytest.approx(0.01)
    assert found["max_cost_per_order"].amount == pytest.approx(240 - 7.5 * 30)


def test_row_slack_matches_checker_on_valid_plan() -> None:
    x, y = valid_assignment()
    rows = {r.name: r for r in constraint_rows(small_problem())}
    assert rows["budget"].slack(x, y) == pytest.approx(20.0)
    assert rows["capacity_agents"].slack(x, y) == pytest.approx(0.0)
    assert rows["order_A_ge_B"].slack(x, y) == pytest.approx(0.12)
    assert rows["one_option_A"].slack(x, y) == 0.0
