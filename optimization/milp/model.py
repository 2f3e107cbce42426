"""The tier-planning MILP as a PuLP model.

:func:`build_model` turns the rows of :mod:`tierwise.optimization.milp.rows` into a
``pulp.LpProblem``: binaries :math:`x_{tk} \\in \\{0,1\\}` pick one option per tier,
integers :math:`0 \\le y_r \\le \\sum_t \\max_k n_{tkr}` (the largest need for a pooled
resource) count resource units. The same function builds the LP relaxation (for shadow
prices), models without some constraint groups (for diagnostics) and the elastic model
whose slacks say how far each row must be relaxed. Money is USD/day, service levels are
fractions, resources are units.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import pulp

from tierwise.optimization.milp.problem import Objective, PlanProblem
from tierwise.optimization.milp.rows import (
    ConstraintRow,
    ObjectiveSpec,
    OptionKey,
    constraint_rows,
    objective_spec,
    safe_name,
)

__all__ = ["PlanModel", "build_model"]

log = logging.getLogger(__name__)


@dataclass(kw_only=True)
class PlanModel:
    """A built PuLP model with handles to its variables and rows.

    Attributes
    ----------
    problem : PlanProblem
        The input.
    prob : pulp.LpProblem
        The PuLP model.
    x : dict[OptionKey, pulp.LpVariable]
        Option binaries (continuous in ``[0, 1]`` when relaxed).
    y : dict[str, pulp.LpVariable]
        Resource units (continuous when relaxed).
    rows : dict[str, ConstraintRow]
        Constraint rows by name (those present in the model).
    slacks : dict[str, pulp.LpVariable]
        Elastic slack per relaxed row (empty unless built with ``elastic_weights``).
    objective : ObjectiveSpec
        The objective that was set.
    relaxed : bool
        Whether integrality was dropped (LP relaxation).
    build_time_s : float
        Seconds spent building.
    """

    problem: PlanProblem
    prob: pulp.LpProblem
    x: dict[OptionKey, pulp.LpVariable]
    y: dict[str, pulp.LpVariable]
    rows: dict[str, ConstraintRow]
    slacks: dict[str, pulp.LpVariable]
    objective: ObjectiveSpec
    relaxed: bool
    build_time_s: float


def _max_units(problem: PlanProblem, resource: str) -> int:
    """Largest number of units of ``resource`` any plan can need."""
    per_tier = [
        max(int(o.resources.get(resource, 0)) for o in problem.options_for(t))
        for t in problem.tiers
    ]
    return max(per_tier, default=0) if problem.resource(resource).pooled else sum(per_tier)


# --------------------------------------------------------------------------- model


_SENSE = {"<=": pulp.LpConstraintLE, ">=": pulp.LpConstraintGE, "==": pulp.LpConstraintEQ}


def build_model(
    problem: PlanProblem,
    *,
    relax_integrality: bool = False,
    omit_groups: Collection[str] = (),
    objective: ObjectiveSpec | Objective | None = None,
    elastic_weights: Mapping[str, float] | None = None,
    name: str = "tierwise_plan",
) -> PlanModel:
    """Build the PuLP model of ``problem``.

    Parameters
    ----------
    problem : PlanProblem
        The planning problem.
    relax_integrality : bool, default False
        Build the LP relaxation (``x`` in ``[0, 1]``, ``y`` continuous).
    omit_groups : Collection[str], default ()
        Constraint groups to leave out (e.g. ``{"budget"}`` for the cheapest plan).
    objective : ObjectiveSpec or {"profit", "cost"} or None
        Objective override; default is the problem's own.
    elastic_weights : Mapping[str, float] or None
        Row name -> penalty per unit of slack. Each named row gets a slack
        variable :math:`e \\ge 0` that may violate it, and the objective becomes
        :math:`\\min \\sum w e` (``objective`` is then ignored).
    name : str, default "tierwise_plan"
        Model name.

    Returns
    -------
    PlanModel
        The model and its variable and row handles.
    """
    t0 = time.perf_counter()
    rows = [r for r in constraint_rows(problem) if r.group not in set(omit_groups)]
    obj = objective if isinstance(objective, ObjectiveSpec) else objective_spec(problem, objective)
    elastic = dict(elastic_weights or {})
    for rname, w in elastic.items():
        if not (w > 0 and math.isfinite(w)):
            raise ValueError(f"elastic_weights[{rname!r}] = {w!r}; allowed: finite number > 0")
    row_names = {r.name for r in rows}
    unknown = set(elastic) - row_names
    if unknown:
        raise ValueError(f"elastic_weights names unknown rows {sorted(unknown)}")
    sense = pulp.LpMinimize if (elastic or obj.sense == "min") else pulp.LpMaximize
    prob = pulp.LpProblem(safe_name(name), sense)

    x: dict[OptionKey, pulp.LpVariable] = {}
    for i, t in enumerate(problem.tiers):
        for k, o in enumerate(problem.options_for(t)):
            key = (t, o.option_id)
            if relax_integrality:
                x[key] = prob.add_variable(f"x_{i}_{k}", 0, 1)
            else:
                x[key] = prob.add_variable(f"x_{i}_{k}", 0, 1, cat=pulp.LpBinary)
    y: dict[str, pulp.LpVariable] = {}
    for j, r in enumerate(problem.resources):
        cat = pulp.LpContinuous if relax_integrality else pulp.LpInteger
        y[r.name] = prob.add_variable(f"y_{j}", 0, _max_units(problem, r.name), cat=cat)
    slacks: dict[str, pulp.LpVariable] = {}
    for j, rname in enumerate(sorted(elastic)):
        slacks[rname] = prob.add_variable(f"e_{j}", 0, None)

    if elastic:
        prob.setObjective(pulp.LpAffineExpression([(slacks[n], w) for n, w in elastic.items()]))
    else:
        terms = [(x[k], a) for k, a in obj.x_coeffs.items() if a] + [
            (y[r], b) for r, b in obj.y_coeffs.items() if b
        ]
        prob.setObjective(pulp.LpAffineExpression(terms))

    for row in rows:
        terms = [(x[k], a) for k, a in row.x_coeffs.items() if a] + [
            (y[r], b) for r, b in row.y_coeffs.items() if b
        ]
        if row.name in slacks:
            # lhs - e <= rhs  /  lhs + e >= rhs : e is how much the row is violated
            terms.append((slacks[row.name], -1.0 if row.sense == "<=" else 1.0))
        expr = pulp.LpAffineExpression(terms)
        prob.addConstraint(
            pulp.LpConstraint(e=expr, sense=_SENSE[row.sense], rhs=row.rhs, name=row.name)
        )
    build_time = time.perf_counter() - t0
    log.debug(
        "built %s: %d binaries, %d resources, %d rows, %d slacks in %.3f s",
        name,
        len(x),
        len(y),
        len(rows),
        len(slacks),
        build_time,
    )
    return PlanModel(
        problem=problem,
        prob=prob,
        x=x,
        y=y,
        rows={r.name: r for r in rows},
        slacks=slacks,
        objective=obj,
        relaxed=relax_integrality,
        build_time_s=build_time,
    )
