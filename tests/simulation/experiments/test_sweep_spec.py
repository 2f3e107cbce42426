"""Sweep specs: expansion (grid, list, Latin hypercube), stable ids, up-front validation."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from tierwise.simulation.experiments.sweep_spec import (
    SweepPlan,
    load_sweep,
    plan_sweep,
    variant_id,
)
from tierwise.simulation.scenario.errors import ScenarioError

REPO = Path(__file__).resolve().parents[3]

#: A pure call centre (24/7, two tiers sharing one desk, no other stages): ~0.05 s per day.
CALL_CENTRE: dict[str, Any] = {
    "name": "call-centre",
    "seed": 11,
    "horizon_days": 1.5,
    "warmup_days": 0.25,
    "drain_days": 0.1,
    "replications": 2,
    "tiers": {
        "A": {"customers": 10, "orders_per_hour": 20, "priority": 0},
        "B": {"customers": 10, "orders_per_hour": 40, "priority": 1},
    },
    "order_entry": {
        "pools": {"desk": {"agents": 4}},
        "handling_time_s": {"dist": "exponential", "mean": 120},
    },
    "processing": {"enabled": False},
    "picking": {"enabled": False},
    "shipping": {"enabled": False},
    "costs": {"agent_wage_usd_per_h": 20},
}


def write_call_centre(folder: Path, **changes: Any) -> Path:
    """Write the call-centre scenario (top-level fields changed by ``changes``) to a file."""
    data = copy.deepcopy(CALL_CENTRE)
    data.update(changes)
    path = folder / "call_centre.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def write_spec(folder: Path, spec: dict[str, Any], name: str = "spec.yaml") -> Path:
    """Write a sweep spec whose base is the call centre in the same folder."""
    write_call_centre(folder)
    path = folder / name
    path.write_text(yaml.safe_dump({"base": "call_centre.yaml", **spec}, sort_keys=False))
    return path


def plan(tmp_path: Path, **spec: Any) -> SweepPlan:
    write_call_centre(tmp_path)
    return plan_sweep({"base": "call_centre.yaml", **spec}, tmp_path, source="spec.yaml")


def problems_of(tmp_path: Path, **spec: Any) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        plan(tmp_path, **spec)
    return info.value.problems


# --------------------------------------------------------------------------- expansion


def test_grid_is_the_cartesian_product_with_the_first_axis_slowest(tmp_path: Path) -> None:
    p = plan(
        tmp_path,
        axes={
            "order_entry.pools.desk.agents": [4, 5],
            "tiers.B.orders_per_hour": {"start": 30, "stop": 50, "step": 10},
        },
    )
    assert p.param_paths == ("order_entry.pools.desk.agents", "tiers.B.orders_per_hour")
    pairs = [tuple(v.params.values()) for v in p.variants]
    assert pairs == [(4, 30), (4, 40), (4, 50), (5, 30), (5, 40), (5, 50)]
    assert [v.index for v in p.variants] == list(range(6))
    assert [v.scenario.order_entry.pools["desk"].agents for v in p.variants] == [4] * 3 + [5] * 3
    assert p.variants[4].scenario.tiers["B"].orders_per_hour == 40


def test_variant_id_is_a_hash_of_the_parameters_only(tmp_path: Path) -> None:
    assert variant_id({"a": 1, "b": [2, 3]}) == variant_id({"b": [2, 3], "a": 1})
    assert variant_id({"a": 1}) != variant_id({"a": 2})
    assert len(variant_id({"a": 1})) == 12
    axes = {"order_entry.pools.desk.agents": [4, 5]}
    first, again = plan(tmp_path, axes=axes), plan(tmp_path, axes=axes)
    assert [v.variant_id for v in first.variants] == [v.variant_id for v in again.variants]
    assert [v.variant_id for v in first.variants] == [variant_id(v.params) for v in first.variants]
    reordered = plan(tmp_path, axes={"order_entry.pools.desk.agents": [5, 4]})
    assert {v.variant_id for v in reordered.variants} == {v.variant_id for v in first.variants}


def test_spec_seed_replaces_the_base_seed_of_every_variant(tmp_path: Path) -> None:
    p = plan(tmp_path, axes={"order_entry.pools.desk.agents": [4, 5]}, seed=99)
    assert {v.scenario.seed for v in p.variants} == {99}
    assert p.base.seed == 99


def test_replications_come_from_the_spec_or_the_base(tmp_path: Path) -> None:
    axes = {"order_entry.pools.desk.agents": [4]}
    assert plan(tmp_path, axes=axes).replications == CALL_CENTRE["replications"]
    assert plan(tmp_path, axes=axes, replications=7).replications == 7
    precise = plan(tmp_path, axes=axes, precision=0.05)
    assert precise.precision is not None and precise.precision.relative_half_width == 0.05
    assert precise.replications == precise.precision.initial_replications


def test_list_design_fills_unset_paths_from_the_base_scenario(tmp_path: Path) -> None:
    p = plan(
        tmp_path,
        axes={"horizon_days": 2},
        design={
            "kind": "list",
            "variants": [{"order_entry.pools.desk.agents": 6}, {"tiers.A.orders_per_hour": 30}],
        },
    )
    assert p.param_paths == (
        "horizon_days",
        "order_entry.pools.desk.agents",
        "tiers.A.orders_per_hour",
    )
    assert dict(p.variants[0].params) == {
        "horizon_days": 2,
        "order_entry.pools.desk.agents": 6,
        "tiers.A.orders_per_hour": 20.0,
    }
    assert dict(p.variants[1].params)["order_entry.pools.desk.agents"] == 4
    assert all(v.scenario.horizon_days == 2 for v in p.variants)


def test_sample_design_is_seeded_and_balanced_over_discrete_levels(tmp_path: Path) -> None:
    axes = {
        "order_entry.pools.desk.agents": [4, 5, 6, 7],
        "tiers.A.orders_per_hour": {"start": 10.0, "stop": 30.0},
    }
    a = plan(tmp_path, axes=axes, design={"kind": "sample", "n": 8, "seed": 3})
    b = plan(tmp_path, axes=axes, design={"kind": "sample", "n": 8, "seed": 3})
    c = plan(tmp_path, axes=axes, design={"kind": "sample", "n": 8, "seed": 4})
    assert [dict(v.params) for v in a.variants] == [dict(v.params) for v in b.variants]
    assert [dict(v.params) for v in a.variants] != [dict(v.params) for v in c.variants]
    agents = [v.params["order_entry.pools.desk.agents"] for v in a.variants]
    assert sorted(agents) == [4, 4, 5, 5, 6, 6, 7, 7]  # 8 strata over 4 levels: 2 each
    rates = sorted(v.params["tiers.A.orders_per_hour"] for v in a.variants)
    # one value in each eighth of [10, 30]
    assert [int((r - 10.0) / 2.5) for r in rates] == list(range(8))


def test_sample_of_an_integer_range_draws_integers_within_bounds(tmp_path: Path) -> None:
    p = plan(
        tmp_path,
        axes={"order_entry.pools.desk.agents": {"start": 3, "stop": 9}},
        design={"kind": "sample", "n": 30, "seed": 1},
    )
    values = [v.params["order_entry.pools.desk.agents"] for v in p.variants]
    assert all(isinstance(v, int) and 3 <= v <= 9 for v in values)
    assert sorted(values) == list(range(3, 10))  # duplicates dropped, every level hit
    assert p.notes  # the note says fewer distinct variants than points


def test_spec_file_resolves_its_base_relative_to_itself(tmp_path: Path) -> None:
    (tmp_path / "sweeps").mkdir()
    write_call_centre(tmp_path)
    spec = tmp_path / "sweeps" / "agents.yaml"
    spec.write_text("base: ../call_centre.yaml\naxes:\n  order_entry.pools.desk.agents: [4, 5]\n")
    p = load_sweep(spec)
    assert p.name == "agents" and len(p.variants) == 2 and p.source == str(spec)


@pytest.mark.parametrize(("spec", "variants"), [("default.yaml", 144), ("tiny.yaml", 4)])
def test_repository_specs_load(spec: str, variants: int) -> None:
    assert len(load_sweep(REPO / "scenarios" / "sweeps" / spec).variants) == variants


# --------------------------------------------------------------------------- validation


def test_misspelt_field_is_reported_with_a_suggestion(tmp_path: Path) -> None:
    (problem,) = problems_of(tmp_path, axes={"order_entry.pools.desk.agnets": [4]})
    assert problem.startswith("axes.order_entry.pools.desk.agnets: unknown key")
    assert (
        "did you mean 'agents'" in problem
        and "(allowed here: agents, agents_by_block, discipline, fixed_usd_per_day)" in problem
    )


def test_unknown_pool_name_is_not_silently_added(tmp_path: Path) -> None:
    (problem,) = problems_of(tmp_path, axes={"order_entry.pools.dsk.agents": [4]})
    assert "no 'dsk' in order_entry.pools" in problem and "did you mean 'desk'" in problem


def test_path_through_a_value_is_reported(tmp_path: Path) -> None:
    (problem,) = problems_of(tmp_path, axes={"horizon_days.x": [4]})
    assert "'horizon_days' is a value, not a section" in problem


def test_value_the_schema_rejects_names_the_variant_and_the_field(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path, axes={"order_entry.pools.desk.agents": [3, -1], "horizon_days": [2, 3]}
    )
    assert problems == [
        "variant #2 (order_entry.pools.desk.agents=-1, horizon_days=2): "
        "order_entry.pools.desk.agents = -1: must be >= 0 (and 1 more variant(s))"
    ]


def test_cross_field_rule_of_the_scenario_is_checked_per_variant(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, axes={"warmup_days": [0.5, 2]})
    assert len(problems) == 1
    assert problems[0].startswith("variant #1 (warmup_days=2):")
    assert "warmup_days (2.0) must be shorter than horizon_days (1.5)" in problems[0]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"axes": {"horizon_days": []}}, "axes.horizon_days: empty axis"),
        ({"axes": {"horizon_days": [2, 2]}}, "axes.horizon_days: value 2 appears more than once"),
        ({"axes": {"horizon_days": {"start": 3, "stop": 1, "step": 1}}}, "must be >= start"),
        ({"axes": {"horizon_days": {"start": 1, "stop": 3}}}, "continuous; it needs design"),
        (
            {"axes": {"horizon_days": [2]}, "replications": 2, "precision": 0.1},
            "give replications or precision, not both",
        ),
        ({"axes": {"horizon_days": [2]}, "replicatoins": 2}, "did you mean 'replications'"),
        ({"axes": {}}, "design grid needs at least one axis"),
        ({"axes": {"horizon_days": [2]}, "design": {"kind": "sample"}}, "design.n: required"),
        ({"axes": {"horizon_days": [2]}, "design": "lattice"}, "expected tags: 'grid', 'list'"),
        (
            {
                "axes": {"horizon_days": [2, 3]},
                "design": {"kind": "list", "variants": [{"warmup_days": 0.5}]},
            },
            "with design: list an axis must have exactly one value",
        ),
        (
            {"design": {"kind": "list", "variants": [{"horizon_days": 2}, {"horizon_days": 2}]}},
            "variant #1 (horizon_days=2) is the same scenario as variant #0",
        ),
        (
            {
                "axes": {"horizon_days": [2]},
                "precision": {"relative_half_width": 0.1, "metrics": ["A.perfect_rate"]},
            },
            "precision.metrics: unknown metric 'A.perfect_rate'",
        ),
        (
            {"axes": {"seed": {"start": 1, "stop": 10**9, "step": 1}}},
            "axes.seed: a mapping must be a range {start, stop, step}: the range has "
            "1,000,000,000 values",
        ),
        (
            {
                "axes": {
                    "seed": {"start": 1, "stop": 1000, "step": 1},
                    "horizon_days": {"start": 1, "stop": 1000, "step": 1},
                }
            },
            "design grid gives 1,000,000 variants (1,000 × 1,000); at most 100,000",
        ),
        ({"axes": {"seed": list(range(100_001))}}, "axes.seed: 100,001 values; at most 100,000"),
        ({"axes": {"seed": [1]}, "design": {"kind": "sample", "n": 10**6}}, "design.n"),
        ({"axes": {"seed": [1, 2]}, "seed": 2**63}, "seed = 9223372036854775808"),
        ({"axes": {"seed": [1, 2]}, "replications": True}, "replications = True"),
        ({"axes": {"seed": [1, 2]}, "precision": float("nan")}, "relative_half_width"),
        ({"axes": {"horizon_days": [float("inf")]}}, "horizon_days = inf"),
    ],
)
def test_spec_problems_are_reported_up_front(
    tmp_path: Path, spec: dict[str, Any], expected: str
) -> None:
    problems = problems_of(tmp_path, **spec)
    assert any(expected in p for p in problems), problems


def test_broken_base_and_yaml_errors_are_scenario_errors(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"base scenario .*missing\.yaml: file not found"):
        plan_sweep({"base": "missing.yaml", "axes": {"horizon_days": [2]}}, tmp_path)
    bad = tmp_path / "bad.yaml"
    bad.write_text("base: x.yaml\naxes: [unclosed\n")
    with pytest.raises(ScenarioError, match="YAML syntax error at line"):
        load_sweep(bad)
    with pytest.raises(ScenarioError, match="file not found"):
        load_sweep(tmp_path / "nope.yaml")
