"""Constraint rows and objective of the tier-planning MILP, as plain data.

Formulation (tiers :math:`t`, options :math:`k`, resources :math:`r`):

.. math::

    \\max_{x, y}\\; \\sum_{t,k} (R_{tk} - c_{tk})\\, x_{tk} - \\sum_r u_r y_r
    \\quad\\text{(objective "profit"; "cost" minimises } \\sum c x + \\sum u y)

subject to

* ``one_option_<t>``:      :math:`\\sum_k x_{tk} = 1`
* ``same_config_<c>_<t>``: :math:`\\sum_{k \\in c} x_{tk} - \\sum_{k \\in c} x_{t_0 k} = 0`
  (when options carry a shared-lever configuration: every tier takes its option from the
  configuration of the first tier :math:`t_0`)
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

Every constraint is described as a :class:`ConstraintRow` (plain data), so the same
rows feed the PuLP model (:mod:`tierwise.optimization.milp.model`), the elastic (slack)
model used to explain infeasibility and the binding-constraint report.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from tierwise.optimization.milp.problem import Objective, PlanProblem

__all__ = [
    "GROUP_BUDGET",
    "GROUP_CAPACITY",
    "GROUP_CHOOSE_ONE",
    "GROUP_CONFIGURATION",
    "GROUP_COST_PER_ORDER",
    "GROUP_MIN_SERVICE",
    "GROUP_RESOURCE_LINK",
    "GROUP_TIER_ORDER",
    "RELAXABLE_GROUPS",
    "ConstraintRow",
    "ObjectiveSpec",
    "OptionKey",
    "Sense",
    "constraint_rows",
    "objective_spec",
    "safe_name",
]

OptionKey = tuple[str, str]
"""``(tier, option_id)``."""

GROUP_CHOOSE_ONE = "choose_one"
GROUP_CONFIGURATION = "configuration"
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
"""Constraint groups the elastic model may relax (choose-one, configuration and linking rows
stay hard)."""

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


# --------------------------------------------------------------------------- naming


def safe_name(text: str) -> str:
    """``text`` with every character other than ``[0-9A-Za-z_]`` replaced by ``_``."""
    return re.sub(r"[^0-9A-Za-z_]", "_", text)


class _Namer:
    """Readable, solver-safe, unique constraint names."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def __call__(self, base: str) -> str:
        name = safe_name(base)
        out, i = name, 2
        while out in self.used:
            out, i = f"{name}_{i}", i + 1
        self.used.add(out)
        return out


# --------------------------------------------------------------------------- rows


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
    unit_cost = problem.unit_costs
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
    configurations = problem.configurations
    if configurations:
        first, *others = problem.tiers
        for c in configurations:
            anchor = {
                (first, o.option_id): -1.0
                for o in problem.options_for(first)
                if o.configuration == c
            }
            for t in others:
                rows.append(
                    ConstraintRow(
                        name=name(f"same_config_{c}_{t}"),
                        group=GROUP_CONFIGURATION,
                        subject=(t, c),
                        x_coeffs={
                            **{
                                (t, o.option_id): 1.0
                                for o in problem.options_for(t)
                                if o.configuration == c
                            },
                            **anchor,
                        },
                        y_coeffs={},
                        sense="==",
                        rhs=0.0,
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
    uc = problem.unit_costs
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
