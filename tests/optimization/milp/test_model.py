"""The PuLP model: variables, bounds, omitted groups and elastic slacks."""

from __future__ import annotations

import pulp
import pytest

from tests.optimization.milp.plans import small_problem
from tierwise.optimization.milp.model import build_model
from tierwise.optimization.milp.problem import ResourceSpec
from tierwise.optimization.milp.rows import GROUP_BUDGET


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


def test_pooled_resource_bound_is_the_largest_need_not_the_sum() -> None:
    p = small_problem(resources=[ResourceSpec(name="agents", capacity_units=3, pooled=True)])
    assert build_model(p).y["agents"].upBound == 2


def test_elastic_model_adds_penalised_slacks() -> None:
    m = build_model(small_problem(), elastic_weights={"budget": 2.0, "min_service_A": 100.0})
    assert set(m.slacks) == {"budget", "min_service_A"}
    assert m.prob.sense == pulp.LpMinimize
    with pytest.raises(ValueError, match="unknown rows"):
        build_model(small_problem(), elastic_weights={"nope": 1.0})
