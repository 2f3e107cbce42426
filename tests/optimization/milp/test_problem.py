"""Planning input: every invalid field is named with its value and the allowed range."""

from __future__ import annotations

import pytest

from tests.optimization.milp.plans import opt, small_problem
from tierwise.optimization.milp.problem import PlanInputError, PlanProblem, ResourceSpec, TierOption


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


def test_unit_costs_list_only_resources_with_a_cost() -> None:
    p = small_problem(
        resources=[
            ResourceSpec(name="agents", capacity_units=3, cost_per_unit_day_usd=12.5),
            ResourceSpec(name="pickers"),
        ]
    )
    assert p.unit_costs == {"agents": 12.5}


def test_lower_bound_basis_checks_minimums_against_service_minus_half_width() -> None:
    o = opt("A", "a0", 0.95, 1, service_half_width=0.02)
    assert PlanProblem(options=[o]).effective_service(o) == 0.95
    p = PlanProblem(options=[o], min_service_basis="lower_bound")
    assert p.effective_service(o) == pytest.approx(0.93)
