"""Multiple-choice MILP for tier planning, built with PuLP.

Formulation (tiers :math:`t`, options :math:`k`, resources :math:`r`):

.. math::

    \\max_{x, y}\\; \\sum_{t,k} (R_{tk} - c_{tk})\\, x_{tk} - \\sum_r u_r y_r
    \\quad\\text{(objective "profit"; "cost" minimises } \\sum c x + \\sum u y)

subject to

* ``one_option_<t>``:      :math:`\\sum_k x_{tk} = 1`
* ``units_<r>``:           :math:`y_r - \\sum_{t,k} n_{tkr} x_{tk} \\ge 0`
* ``capacity_<r>``:        :math:`y_r \\le \\mathrm{cap}_r`
* ``budget``:              :math:`\\sum c x + \\sum u y \\le B`
* ``min_service_<t>``:     :math:`\\sum_k \\tilde s_{tk} x_{tk} \\ge \\underline{s}_t`
  (:math:`\\tilde s` = mean or lower confidence bound, see
  :attr:`~tierwise.optimization.milp.problem.PlanProblem.min_service_basis`)
* ``order_<a>_ge_<b>``:    :math:`\\sum_k s_{ak} x_{ak} - \\sum_k s_{bk} x_{bk} \\ge 0`
* ``max_cost_per_order``:  :math:`\\sum (c_{tk} - m\\, o_{tk}) x_{tk} + \\sum u y \\le 0`
  (total cost, resource costs included, :math:`\\le m \\times` total orders)

with :math:`x_{tk} \\in \\{0,1\\}` and integer :math:`0 \\le y_r \\le \\sum_t \\max_k n_{tkr}`.
Money is USD/day, service levels are fractions, resources are units.

Every constraint is first described as a :class:`ConstraintRow` (plain data), so the
same rows feed the PuLP model, the elastic (slack) model used to explain infeasibility
and the binding-constraint report. :func:`check_assignment` re-checks a plan from the
problem definition directly, without the rows or PuLP.
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Literal

import pulp

from tierwise.optimization.milp.problem import (
    ConstraintViolation,
    Objective,
    PlanProblem,
    TierOption,
)

__all__ = [
    "GROUP_BUDGET",
    "GROUP_CAPACITY",
    "GROUP_CHOOSE_ONE",
    "GROUP_COST_PER_ORDER",
    "GROUP_MIN_SERVICE",
    "GROUP_RESOURCE_LINK",
    "GROUP_TIER_ORDER",
    "RELAXABLE_GROUPS",
    "ConstraintRow",
    "ObjectiveSpec",
    "OptionKey",
    "PlanModel",
    "build_model",
    "check_assignment",
    "constraint_rows",
    "objective_spec",
    "plan_units",
]

log = logging.getLogger(__name__)

OptionKey = tuple[str, str]
"""``(tier, option_id)``."""

GROUP_CHOOSE_ONE = "choose_one"
GROUP_RESOURCE_LINK = "resource_link"
GROUP_CAPACITY = "capacity"
GROUP_BUDGET = "budget"
GROUP_MIN_SERVICE = "min_service"
GROUP_TIER_ORDER = "tier_order"
GROUP_COST_PER_ORDER = "cost_per_order"
RELAXABLE_GROUPS: tuple[str, ...] = (
    GROUP_MIN_SERVICE,
    GROUP_TIER_ORDER,
    GROUP_CAPACITY,
    GROUP_BUDGET,
    GROUP_COST_PER_ORDER,
)
"""Constraint groups the elastic model may relax (choose-one and linking rows stay hard)."""

Sense = Literal["<=", ">=", "=="]


@dataclass(frozen=True, kw_only=True)
class ConstraintRow:
    """One linear constraint :math:`a^\\top x + b^\\top y \\;\\{\\le,\\ge,=\\}\\; \\mathrm{rhs}`.

    Parameters
    ----------
    name : str
        Readable, solver-safe, unique name (``min_service_A``, ``budget``...).
    group : str
        Constraint group, one of the ``GROUP_*`` constants.
    subject : tuple[str, ...]
        Tiers or resource the row is about (original, unsanitised names).
    x_coeffs : Mapping[OptionKey, float]
        Coefficients :math:`a_{tk}` of the option binaries.
    y_coeffs : Mapping[str, float]
        Coefficients :math:`b_r` of the resource-unit integers.
    sense : {"<=", ">=", "=="}
        Row sense.
    rhs : float
        Right-hand side.
    unit : str
        Unit of the row (``"USD/day"``, ``"fraction"``, ``"units"``, ``"options"``).
    """

    name: str
    group: str
    subject: tuple[str, ...]
    x_coeffs: Mapping[OptionKey, float]
    y_coeffs: Mapping[str, float]
    sense: Sense
    rhs: float
    unit: str

    def activity(self, x: Mapping[OptionKey, float], y: Mapping[str, float]) -> float:
        """Left-hand side :math:`a^\\top x + b^\\top y` at the given values."""
        return math.fsum(
            [a * float(x.get(k, 0.0)) for k, a in self.x_coeffs.items()]
            + [b * float(y.get(r, 0.0)) for r, b in self.y_coeffs.items()]
        )

    def slack(self, x: Mapping[OptionKey, float], y: Mapping[str, float]) -> float:
        """Signed slack: ``>= 0`` when satisfied (``-|lhs - rhs|`` for equalities)."""
        lhs = self.activity(x, y)
        if self.sense == "<=":
            return self.rhs - lhs
        if self.sense == ">=":
            return lhs - self.rhs
        return -abs(lhs - self.rhs)

    def scale(self) -> float:
        """Magnitude used for relative tolerances: ``max(1, |rhs|, max |coef|)``."""
        coefs = [abs(a) for a in self.x_coeffs.values()] + [abs(b) for b in self.y_coeffs.values()]
        return max(1.0, abs(self.rhs), *coefs) if coefs else max(1.0, abs(self.rhs))


@dataclass(frozen=True, kw_only=True)
class ObjectiveSpec:
    """Linear objective :math:`\\sum a x + \\sum b y`, to maximise or minimise."""

    sense: Literal["max", "min"]
    x_coeffs: Mapping[OptionKey, float]
    y_coeffs: Mapping[str, float] = field(default_factory=dict)

    def value(self, x: Mapping[OptionKey, float], y: Mapping[str, float]) -> float:
        """Objective at the given values."""
        return math.fsum(
            [a * float(x.get(k, 0.0)) for k, a in self.x_coeffs.items()]
            + [b * float(y.get(r, 0.0)) for r, b in self.y_coeffs.items()]
        )


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


# --------------------------------------------------------------------------- naming


def _safe(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z_]", "_", text)


class _Namer:
    """Readable, solver-safe, unique constraint names."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def __call__(self, base: str) -> str:
        name = _safe(base)
        out, i = name, 2
        while out in self.used:
            out, i = f"{name}_{i}", i + 1
        self.used.add(out)
        return out


# --------------------------------------------------------------------------- rows


def _max_units(problem: PlanProblem, resource: str) -> int:
    """Largest number of units of ``resource`` any plan can need."""
    per_tier = [
        max(int(o.resources.get(resource, 0)) for o in problem.options_for(t))
        for t in problem.tiers
    ]
    return max(per_tier, default=0) if problem.resource(resource).pooled else sum(per_tier)


def plan_units(
    problem: PlanProblem, needs_by_tier: Mapping[str, Mapping[str, float]]
) -> dict[str, float]:
    """Units of every resource a plan needs: sum over tiers, or the largest for pooled ones."""
    units: dict[str, float] = {}
    for r in problem.resources:
        values = [float(needs.get(r.name, 0.0)) for needs in needs_by_tier.values()]
        units[r.name] = max(values, default=0.0) if r.pooled else math.fsum(values)
    return units


def constraint_rows(problem: PlanProblem) -> tuple[ConstraintRow, ...]:
    """All constraint rows of ``problem``, in model order.

    Parameters
    ----------
    problem : PlanProblem
        The planning problem.

    Returns
    -------
    tuple[ConstraintRow, ...]
        Choose-one rows, resource-linking rows, capacities, budget, minimum service,
        tier ordering and cost per order (only those the problem asks for).
    """
    name = _Namer()
    rows: list[ConstraintRow] = []
    unit_cost = {
        r.name: r.cost_per_unit_day_usd for r in problem.resources if r.cost_per_unit_day_usd
    }
    for t in problem.tiers:
        rows.append(
            ConstraintRow(
                name=name(f"one_option_{t}"),
                group=GROUP_CHOOSE_ONE,
                subject=(t,),
                x_coeffs={(t, o.option_id): 1.0 for o in problem.options_for(t)},
                y_coeffs={},
                sense="==",
                rhs=1.0,
                unit="options",
            )
        )
    for r in problem.resources:
        groups = (
            [(f"units_{r.name}_{t}", problem.options_for(t)) for t in problem.tiers]
            if r.pooled
            else [(f"units_{r.name}", problem.options)]
        )
        for row_name, options in groups:
            need = {
                (o.tier, o.option_id): -float(o.resources[r.name])
                for o in options
                if o.resources.get(r.name, 0)
            }
            rows.append(
                ConstraintRow(
                    name=name(row_name),
                    group=GROUP_RESOURCE_LINK,
                    subject=(r.name,),
                    x_coeffs=need,
                    y_coeffs={r.name: 1.0},
                    sense=">=",
                    rhs=0.0,
                    unit="units",
                )
            )
    for r in problem.resources:
        if r.capacity_units is not None:
            rows.append(
                ConstraintRow(
                    name=name(f"capacity_{r.name}"),
                    group=GROUP_CAPACITY,
                    subject=(r.name,),
                    x_coeffs={},
                    y_coeffs={r.name: 1.0},
                    sense="<=",
                    rhs=float(r.capacity_units),
                    unit="units",
                )
            )
    if problem.budget_per_day_usd is not None:
        rows.append(
            ConstraintRow(
                name=name("budget"),
                group=GROUP_BUDGET,
                subject=(),
                x_coeffs={(o.tier, o.option_id): o.cost_per_day_usd for o in problem.options},
                y_coeffs=dict(unit_cost),
                sense="<=",
                rhs=problem.budget_per_day_usd,
                unit="USD/day",
            )
        )
    for t, smin in problem.min_service.items():
        rows.append(
            ConstraintRow(
                name=name(f"min_service_{t}"),
                group=GROUP_MIN_SERVICE,
                subject=(t,),
                x_coeffs={
                    (t, o.option_id): problem.effective_service(o) for o in problem.options_for(t)
                },
                y_coeffs={},
                sense=">=",
                rhs=smin,
                unit="fraction",
            )
        )
    for a, b in problem.ordered_pairs():
        coeffs = {(a, o.option_id): o.service_level for o in problem.options_for(a)}
        coeffs.update({(b, o.option_id): -o.service_level for o in problem.options_for(b)})
        rows.append(
            ConstraintRow(
                name=name(f"order_{a}_ge_{b}"),
                group=GROUP_TIER_ORDER,
                subject=(a, b),
                x_coeffs=coeffs,
                y_coeffs={},
                sense=">=",
                rhs=0.0,
                unit="fraction",
            )
        )
    if problem.max_cost_per_order_usd is not None:
        m = problem.max_cost_per_order_usd
        rows.append(
            ConstraintRow(
                name=name("max_cost_per_order"),
                group=GROUP_COST_PER_ORDER,
                subject=(),
                x_coeffs={
                    (o.tier, o.option_id): o.cost_per_day_usd - m * o.orders_per_day
                    for o in problem.options
                },
                y_coeffs=dict(unit_cost),
                sense="<=",
                rhs=0.0,
                unit="USD/day",
            )
        )
    return tuple(rows)


def objective_spec(problem: PlanProblem, objective: Objective | None = None) -> ObjectiveSpec:
    """The profit (maximise) or cost (minimise) objective of ``problem``.

    Parameters
    ----------
    problem : PlanProblem
        The planning problem.
    objective : {"profit", "cost"} or None
        Override of :attr:`PlanProblem.objective`.

    Returns
    -------
    ObjectiveSpec
        Profit :math:`\\sum (R - c) x - \\sum u y` (max) or cost
        :math:`\\sum c x + \\sum u y` (min), USD/day.
    """
    kind = objective or problem.objective
    uc = {r.name: r.cost_per_unit_day_usd for r in problem.resources if r.cost_per_unit_day_usd}
    if kind == "profit":
        return ObjectiveSpec(
            sense="max",
            x_coeffs={(o.tier, o.option_id): o.profit_per_day_usd for o in problem.options},
            y_coeffs={r: -u for r, u in uc.items()},
        )
    return ObjectiveSpec(
        sense="min",
        x_coeffs={(o.tier, o.option_id): o.cost_per_day_usd for o in problem.options},
        y_coeffs=uc,
    )


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
    prob = pulp.LpProblem(_safe(name), sense)

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


# --------------------------------------------------------------------------- checker


def check_assignment(
    problem: PlanProblem,
    x: Mapping[OptionKey, float],
    y: Mapping[str, float],
    *,
    tol: float = 1e-6,
) -> list[ConstraintViolation]:
    """Check an assignment against every constraint, in plain Python.

    Independent of :func:`constraint_rows` and PuLP: the checks are written from the
    problem definition, so they also catch formulation or solver errors.

    Parameters
    ----------
    problem : PlanProblem
        The planning problem.
    x : Mapping[OptionKey, float]
        Value of each option binary (missing keys count as 0).
    y : Mapping[str, float]
        Units of each resource (missing resources count as 0).
    tol : float, default 1e-6
        Absolute tolerance for integrality and service rows; relative (times
        ``max(1, |rhs|)``) for money and unit rows.

    Returns
    -------
    list[ConstraintViolation]
        Empty when the assignment is a valid plan.
    """
    out: list[ConstraintViolation] = []
    known = {(o.tier, o.option_id) for o in problem.options}
    for k, v in x.items():
        if k not in known and abs(float(v)) > tol:
            out.append(
                ConstraintViolation(
                    constraint="unknown_option",
                    message=f"option {k!r} is not in the problem",
                    amount=abs(float(v)),
                )
            )
    declared = {r.name for r in problem.resources}
    for rname, v in y.items():
        if rname not in declared and abs(float(v)) > tol:
            out.append(
                ConstraintViolation(
                    constraint="unknown_resource",
                    message=f"resource {rname!r} is not declared",
                    amount=abs(float(v)),
                )
            )

    # integrality and exactly one option per tier
    for k in known:
        v = float(x.get(k, 0.0))
        frac = min(abs(v), abs(v - 1.0))
        if frac > tol:
            out.append(
                ConstraintViolation(
                    constraint="integrality",
                    amount=frac,
                    message=f"x[{k[0]!r}, {k[1]!r}] = {v:.9g} is not 0 or 1",
                )
            )
    for r in problem.resources:
        v = float(y.get(r.name, 0.0))
        frac = abs(v - round(v))
        if frac > tol:
            out.append(
                ConstraintViolation(
                    constraint="integrality",
                    amount=frac,
                    message=f"units of {r.name!r} = {v:.9g} is not an integer",
                )
            )
        if v < -tol:
            out.append(
                ConstraintViolation(
                    constraint=_safe(f"units_{r.name}"),
                    amount=-v,
                    message=f"units of {r.name!r} = {v:.9g} is negative",
                )
            )
    for t in problem.tiers:
        total = math.fsum(float(x.get((t, o.option_id), 0.0)) for o in problem.options_for(t))
        if abs(total - 1.0) > tol:
            out.append(
                ConstraintViolation(
                    constraint=_safe(f"one_option_{t}"),
                    amount=abs(total - 1.0),
                    message=f"tier {t!r} has {total:.9g} options selected, must be exactly 1",
                )
            )

    def xs(t: str) -> list[tuple[float, TierOption]]:
        return [(float(x.get((t, o.option_id), 0.0)), o) for o in problem.options_for(t)]

    # resources: units cover needs, within capacity
    for r in problem.resources:
        per_tier = [
            math.fsum(v * o.resources.get(r.name, 0) for v, o in xs(t)) for t in problem.tiers
        ]
        need = max(per_tier, default=0.0) if r.pooled else math.fsum(per_tier)
        units = float(y.get(r.name, 0.0))
        if units < need - tol * max(1.0, need):
            out.append(
                ConstraintViolation(
                    constraint=_safe(f"units_{r.name}"),
                    amount=need - units,
                    message=f"{r.name}: plan needs {need:g} units but only {units:g} are provided",
                )
            )
        if r.capacity_units is not None and units > r.capacity_units + tol * max(
            1.0, r.capacity_units
        ):
            out.append(
                ConstraintViolation(
                    constraint=_safe(f"capacity_{r.name}"),
                    amount=units - r.capacity_units,
                    message=f"{r.name}: {units:g} units exceed capacity {r.capacity_units}",
                )
            )

    uc = math.fsum(r.cost_per_unit_day_usd * float(y.get(r.name, 0.0)) for r in problem.resources)
    cost = math.fsum(v * o.cost_per_day_usd for t in problem.tiers for v, o in xs(t)) + uc
    orders = math.fsum(v * o.orders_per_day for t in problem.tiers for v, o in xs(t))
    b = problem.budget_per_day_usd
    if b is not None and cost > b + tol * max(1.0, b):
        out.append(
            ConstraintViolation(
                constraint="budget",
                amount=cost - b,
                message=f"plan cost {cost:,.2f} USD/day exceeds budget {b:,.2f} USD/day",
            )
        )
    for t, smin in problem.min_service.items():
        s = math.fsum(v * problem.effective_service(o) for v, o in xs(t))
        if s < smin - tol:
            out.append(
                ConstraintViolation(
                    constraint=_safe(f"min_service_{t}"),
                    amount=smin - s,
                    message=f"tier {t!r} service {s:.6g} is below its minimum {smin:.6g}",
                )
            )
    for a, bt in problem.ordered_pairs():
        sa = math.fsum(v * o.service_level for v, o in xs(a))
        sb = math.fsum(v * o.service_level for v, o in xs(bt))
        if sa < sb - tol:
            out.append(
                ConstraintViolation(
                    constraint=_safe(f"order_{a}_ge_{bt}"),
                    amount=sb - sa,
                    message=f"tier {a!r} service {sa:.6g} is below tier {bt!r} service {sb:.6g}",
                )
            )
    m = problem.max_cost_per_order_usd
    if m is not None and cost > m * orders + tol * max(1.0, m * orders):
        cpo = cost / orders if orders > 0 else math.inf
        out.append(
            ConstraintViolation(
                constraint="max_cost_per_order",
                amount=cost - m * orders,
                message=f"cost per order {cpo:,.4g} USD exceeds the maximum {m:,.4g} USD",
            )
        )
    return out
