"""Outcome of a tier-planning solve: status, plan, violations and infeasibility reports.

A :class:`PlanResult` is the solver's answer to a
:class:`~tierwise.optimization.milp.problem.PlanProblem`, verified in plain Python: its
:class:`PlanStatus` (never ``OPTIMAL`` unless proven), the chosen option per tier, plan
totals, binding constraints and shadow prices. A plan that breaks a constraint carries
:class:`ConstraintViolation` records; an infeasible problem carries an
:class:`InfeasibilityReport` made of :class:`Finding` and :class:`Relaxation` records.

Units: money in US dollars per day (``*_per_day_usd``), service levels as fractions in
``[0, 1]``, resources in integer units.
"""

from __future__ import annotations

import enum
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tierwise.optimization.milp.problem import Objective, TierOption

__all__ = [
    "ConstraintViolation",
    "Finding",
    "InfeasibilityReport",
    "PlanResult",
    "PlanStatus",
    "Relaxation",
]


def _jsonable(value: object) -> Any:
    """Convert ``value`` to plain JSON types (dict/list/str/float/int/bool/None)."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, int):
        return value
    if isinstance(value, enum.Enum):
        return _jsonable(value.value)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset | np.ndarray):
        return [_jsonable(v) for v in value]
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)
    return value


class PlanStatus(enum.StrEnum):
    """Outcome of a solve.

    ``OPTIMAL`` means proven optimal within the requested relative MIP gap;
    ``FEASIBLE_NOT_PROVEN`` means a verified plan was found but optimality was not
    proven (time limit or similar), see :attr:`PlanResult.mip_gap`.
    """

    OPTIMAL = "optimal"
    FEASIBLE_NOT_PROVEN = "feasible_not_proven"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    NOT_SOLVED = "not_solved"
    ERROR = "error"

    @property
    def has_plan(self) -> bool:
        """Whether a (verified) plan comes with this status."""
        return self in (PlanStatus.OPTIMAL, PlanStatus.FEASIBLE_NOT_PROVEN)


@dataclass(frozen=True, kw_only=True)
class ConstraintViolation:
    """A constraint that a plan breaks, found by the plain-Python checker.

    Parameters
    ----------
    constraint : str
        Constraint name (``budget``, ``min_service_A``, ``capacity_agents``...).
    message : str
        Human description.
    amount : float
        By how much it is violated, in the constraint's units (>= 0).
    """

    constraint: str
    message: str
    amount: float = 0.0


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One direct cause of infeasibility.

    Parameters
    ----------
    kind : str
        ``"min_service"``, ``"tier_order"``, ``"capacity"``, ``"budget"``,
        ``"cost_per_order"`` or ``"combination"``.
    constraint : str
        Model constraint name(s) involved.
    message : str
        Human explanation with numbers.
    limit : float or None
        The value the input asks for (minimum service, budget, capacity...).
    achievable : float or None
        The best value any plan reaches (best service, cheapest cost, fewest units...).
    shortfall : float or None
        ``|achievable - limit|``: how far apart they are, in ``unit``.
    unit : str
        Unit of ``limit``/``achievable``/``shortfall``.
    """

    kind: str
    constraint: str
    message: str
    limit: float | None = None
    achievable: float | None = None
    shortfall: float | None = None
    unit: str = ""


@dataclass(frozen=True, kw_only=True)
class Relaxation:
    """How much one constraint must be relaxed (from the elastic model).

    Parameters
    ----------
    constraint : str
        Constraint name.
    group : str
        Constraint group (``budget``, ``capacity``, ``min_service``, ``tier_order``,
        ``cost_per_order``).
    current : float or None
        Current limit (budget USD/day, capacity units, minimum service...).
    relaxed : float or None
        Limit after relaxation.
    amount : float
        Size of the relaxation in ``unit`` (>= 0).
    unit : str
        Unit of the three numbers.
    message : str
        Human description.
    """

    constraint: str
    group: str
    current: float | None
    relaxed: float | None
    amount: float
    unit: str
    message: str


@dataclass(frozen=True, kw_only=True)
class InfeasibilityReport:
    """Why a problem has no feasible plan, and what would fix it.

    Parameters
    ----------
    findings : tuple[Finding, ...]
        Direct causes (per-tier service, budget, capacity, ordering, cost per order).
    relaxations : tuple[Relaxation, ...]
        Minimum weighted relaxation jointly restoring feasibility (elastic model).
    single_fixes : Mapping[str, tuple[Relaxation, ...]]
        For each constraint group, the relaxation of that group *alone* that restores
        feasibility (missing when relaxing that group alone cannot help).
    cheapest_plan_cost_per_day_usd : float or None
        Cost of the cheapest plan meeting the minimum service levels and tier order
        (no budget), USD/day; ``None`` when no such plan exists.
    """

    findings: tuple[Finding, ...] = ()
    relaxations: tuple[Relaxation, ...] = ()
    single_fixes: Mapping[str, tuple[Relaxation, ...]] = field(default_factory=dict)
    cheapest_plan_cost_per_day_usd: float | None = None

    def messages(self) -> list[str]:
        """All explanations as sentences, findings first."""
        out = [f.message for f in self.findings]
        if self.relaxations:
            out.append(
                "Smallest joint relaxation: " + "; ".join(r.message for r in self.relaxations)
            )
        for group, fixes in self.single_fixes.items():
            out.append(f"Relaxing only {group}: " + "; ".join(r.message for r in fixes))
        return out

    def __str__(self) -> str:
        return "\n".join(self.messages())

    def to_dict(self) -> dict[str, Any]:
        """JSON-able representation."""
        return {
            "findings": [_jsonable(f.__dict__) for f in self.findings],
            "relaxations": [_jsonable(r.__dict__) for r in self.relaxations],
            "single_fixes": {
                g: [_jsonable(r.__dict__) for r in v] for g, v in self.single_fixes.items()
            },
            "cheapest_plan_cost_per_day_usd": _jsonable(self.cheapest_plan_cost_per_day_usd),
            "messages": self.messages(),
        }


@dataclass(frozen=True, kw_only=True)
class PlanResult:
    """A solved (or unsolvable) tier plan.

    Parameters
    ----------
    status : PlanStatus
        Outcome; only ``OPTIMAL`` and ``FEASIBLE_NOT_PROVEN`` carry a plan.
    objective : {"profit", "cost"}
        What was optimised.
    objective_value : float or None
        Profit (maximised) or cost (minimised) of the plan, USD/day.
    best_bound : float or None
        Solver's bound on the optimal objective, USD/day.
    mip_gap : float or None
        Relative gap :math:`|bound - value| / \\max(|value|, 10^{-9})`.
    chosen : Mapping[str, TierOption]
        Chosen option per tier.
    resource_units : Mapping[str, int]
        Units of each resource the plan uses (:math:`\\sum` of option needs).
    total_cost_per_day_usd, total_revenue_per_day_usd, total_profit_per_day_usd : float or None
        Plan totals, USD/day (cost includes per-unit resource costs).
    total_orders_per_day : float or None
        Orders per day over all tiers.
    solver : str
        ``"cbc"`` or ``"highs"``.
    solver_status : str
        Raw solver status text.
    build_time_s, solve_time_s : float
        Wall-clock seconds to build the PuLP model and to solve it.
    binding_constraints : tuple[str, ...]
        Constraints holding with equality at the plan (excluding one-per-tier rows).
    shadow_prices : Mapping[str, float]
        LP-relaxation duals :math:`\\partial z / \\partial b` (objective units per unit
        of right-hand side); indicative only for a MILP.
    explanation : InfeasibilityReport or None
        Why the problem is infeasible (status ``INFEASIBLE``).
    violations : tuple[ConstraintViolation, ...]
        Constraint violations the plain-Python checker found (status ``ERROR``).
    message : str
        One-line summary.
    """

    status: PlanStatus
    objective: Objective
    objective_value: float | None = None
    best_bound: float | None = None
    mip_gap: float | None = None
    chosen: Mapping[str, TierOption] = field(default_factory=dict)
    resource_units: Mapping[str, int] = field(default_factory=dict)
    total_cost_per_day_usd: float | None = None
    total_revenue_per_day_usd: float | None = None
    total_profit_per_day_usd: float | None = None
    total_orders_per_day: float | None = None
    solver: str = ""
    solver_status: str = ""
    build_time_s: float = 0.0
    solve_time_s: float = 0.0
    binding_constraints: tuple[str, ...] = ()
    shadow_prices: Mapping[str, float] = field(default_factory=dict)
    explanation: InfeasibilityReport | None = None
    violations: tuple[ConstraintViolation, ...] = ()
    message: str = ""

    @property
    def has_plan(self) -> bool:
        """Whether the result carries a verified plan."""
        return self.status.has_plan and bool(self.chosen)

    @property
    def service_by_tier(self) -> dict[str, float]:
        """Chosen (mean) service level per tier."""
        return {t: o.service_level for t, o in self.chosen.items()}

    @property
    def cost_per_order_usd(self) -> float | None:
        """Total cost / total orders, USD/order (``None`` without plan or orders)."""
        if self.total_cost_per_day_usd is None or not self.total_orders_per_day:
            return None
        return self.total_cost_per_day_usd / self.total_orders_per_day

    def to_frame(self) -> pd.DataFrame:
        """One row per tier of the chosen plan, unit-suffixed columns.

        Columns: ``tier``, ``option_id``, ``service_level``, ``service_half_width``,
        ``cost_per_day_usd``, ``revenue_per_day_usd``, ``profit_per_day_usd``,
        ``orders_per_day`` and ``<resource>_units`` per resource. ``DataFrame.attrs``
        carries ``status``, ``solver``, ``objective_value`` and the plan totals.
        """
        res_names = sorted(self.resource_units)
        cols = [
            "tier",
            "option_id",
            "service_level",
            "service_half_width",
            "cost_per_day_usd",
            "revenue_per_day_usd",
            "profit_per_day_usd",
            "orders_per_day",
        ] + [f"{r}_units" for r in res_names]
        rows = []
        for t, o in self.chosen.items():
            row: dict[str, object] = {
                "tier": t,
                "option_id": o.option_id,
                "service_level": o.service_level,
                "service_half_width": o.service_half_width,
                "cost_per_day_usd": o.cost_per_day_usd,
                "revenue_per_day_usd": o.revenue_per_day_usd,
                "profit_per_day_usd": o.profit_per_day_usd,
                "orders_per_day": o.orders_per_day,
            }
            for r in res_names:
                row[f"{r}_units"] = int(o.resources.get(r, 0))
            rows.append(row)
        frame = pd.DataFrame(rows, columns=cols)
        frame.attrs.update(
            status=self.status.value,
            solver=self.solver,
            objective=self.objective,
            objective_value=self.objective_value,
            total_cost_per_day_usd=self.total_cost_per_day_usd,
            total_revenue_per_day_usd=self.total_revenue_per_day_usd,
            total_profit_per_day_usd=self.total_profit_per_day_usd,
        )
        return frame

    def to_dict(self) -> dict[str, Any]:
        """JSON-able representation (``json.dumps(result.to_dict())`` works)."""
        return {
            "status": self.status.value,
            "objective": self.objective,
            "objective_value": _jsonable(self.objective_value),
            "best_bound": _jsonable(self.best_bound),
            "mip_gap": _jsonable(self.mip_gap),
            "chosen": {
                t: {
                    "option_id": o.option_id,
                    "service_level": o.service_level,
                    "service_half_width": o.service_half_width,
                    "cost_per_day_usd": o.cost_per_day_usd,
                    "revenue_per_day_usd": o.revenue_per_day_usd,
                    "orders_per_day": o.orders_per_day,
                    "resources": _jsonable(o.resources),
                    "params": _jsonable(o.params),
                }
                for t, o in self.chosen.items()
            },
            "resource_units": _jsonable(self.resource_units),
            "total_cost_per_day_usd": _jsonable(self.total_cost_per_day_usd),
            "total_revenue_per_day_usd": _jsonable(self.total_revenue_per_day_usd),
            "total_profit_per_day_usd": _jsonable(self.total_profit_per_day_usd),
            "total_orders_per_day": _jsonable(self.total_orders_per_day),
            "solver": self.solver,
            "solver_status": self.solver_status,
            "build_time_s": self.build_time_s,
            "solve_time_s": self.solve_time_s,
            "binding_constraints": list(self.binding_constraints),
            "shadow_prices": _jsonable(self.shadow_prices),
            "explanation": None if self.explanation is None else self.explanation.to_dict(),
            "violations": [_jsonable(v.__dict__) for v in self.violations],
            "message": self.message,
        }
