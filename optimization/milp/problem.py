"""Data model of the tier-planning MILP: options, resources, problems and results.

A *tier option* is one point on a tier's cost-vs-service frontier (typically one
simulated scenario variant): the service level it reaches, what it costs and earns
per day, and how many units of each shared resource it needs. A :class:`PlanProblem`
asks for exactly one option per tier subject to shared capacities, a daily budget,
minimum service levels, a tier ordering and a maximum cost per order. A
:class:`PlanResult` is the solver's answer, verified in plain Python.

All records are frozen dataclasses validated at construction; an invalid value raises
:class:`PlanInputError` (a :class:`ValueError`) whose message quotes the field, the bad
value and the allowed range.

Units: money in US dollars per day (``*_per_day_usd``), service levels as fractions in
``[0, 1]``, resources in integer units (agents, pickers, vehicles...).
"""

from __future__ import annotations

import enum
import itertools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pandas as pd

__all__ = [
    "ConstraintViolation",
    "Finding",
    "InfeasibilityReport",
    "Objective",
    "Plan",
    "PlanInputError",
    "PlanProblem",
    "PlanResult",
    "PlanStatus",
    "Relaxation",
    "ResourceSpec",
    "ServiceBasis",
    "TierOption",
]

Objective = Literal["profit", "cost"]
ServiceBasis = Literal["mean", "lower_bound"]

_EMPTY: Mapping[str, Any] = MappingProxyType({})


class PlanInputError(ValueError):
    """Invalid planning input; the message names the field, the value and the allowed range."""


# --------------------------------------------------------------------------- helpers


def _is_real(value: object) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)


def _real(
    owner: str, name: str, value: object, *, lo: float | None = None, hi: float | None = None
) -> float:
    """Return ``value`` as a finite float within ``[lo, hi]`` or raise :class:`PlanInputError`."""
    if lo is not None and hi is not None:
        allowed = f"a finite number in [{lo:g}, {hi:g}]"
    elif lo is not None:
        allowed = f"a finite number >= {lo:g}"
    elif hi is not None:
        allowed = f"a finite number <= {hi:g}"
    else:
        allowed = "a finite number"
    if not _is_real(value):
        raise PlanInputError(f"{owner}.{name} = {value!r} is not a real number; allowed: {allowed}")
    v = float(value)  # type: ignore[arg-type]
    if not math.isfinite(v) or (lo is not None and v < lo) or (hi is not None and v > hi):
        raise PlanInputError(f"{owner}.{name} = {value!r} is out of range; allowed: {allowed}")
    return v


def _name(owner: str, name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PlanInputError(f"{owner}.{name} = {value!r} is invalid; allowed: a non-empty string")
    return value


def _units(owner: str, name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        if isinstance(value, float | np.floating) and float(value).is_integer():
            value = int(value)
        else:
            raise PlanInputError(
                f"{owner}.{name} = {value!r} is not a whole number of units; "
                "allowed: an integer >= 0"
            )
    if int(value) < 0:
        raise PlanInputError(f"{owner}.{name} = {value!r} is out of range; allowed: integer >= 0")
    return int(value)


def _fmt(value: float, digits: int = 4) -> str:
    """Format a probability-like number compactly (``0.995``, ``0.9871``)."""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


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


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True, kw_only=True)
class TierOption:
    """One candidate operating point for a tier (a point on its cost-service frontier).

    Parameters
    ----------
    tier : str
        Customer tier (or segment) this option serves, e.g. ``"A"``.
    option_id : str
        Identifier, unique within the tier.
    service_level : float
        Service level :math:`s \\in [0, 1]` the option reaches on the tier's chosen metric
        (e.g. perfect-order rate), usually a simulated mean.
    service_half_width : float, default 0
        Half-width :math:`h \\ge 0` of the confidence interval of ``service_level``.
    cost_per_day_usd : float
        Operating cost :math:`c \\ge 0` of the option, USD/day (wages included).
    revenue_per_day_usd : float, default 0
        Revenue :math:`R \\ge 0` the tier earns at this service level, USD/day.
    resources : Mapping[str, int], default {}
        Units of each shared resource the option needs, e.g. ``{"agents": 3}``.
    orders_per_day : float, default 0
        Orders the tier places per day under this option (for cost-per-order limits).
    params : Mapping[str, object], default {}
        Scenario settings that produced the option; opaque to the optimiser.
    """

    tier: str
    option_id: str
    service_level: float
    cost_per_day_usd: float
    revenue_per_day_usd: float = 0.0
    service_half_width: float = 0.0
    resources: Mapping[str, int] = field(default_factory=dict)
    orders_per_day: float = 0.0
    params: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        who = f"TierOption[{self.tier!r}/{self.option_id!r}]"
        _name(who, "tier", self.tier)
        _name(who, "option_id", self.option_id)
        s = object.__setattr__
        s(self, "service_level", _real(who, "service_level", self.service_level, lo=0.0, hi=1.0))
        s(
            self,
            "service_half_width",
            _real(who, "service_half_width", self.service_half_width, lo=0.0),
        )
        s(self, "cost_per_day_usd", _real(who, "cost_per_day_usd", self.cost_per_day_usd, lo=0.0))
        s(
            self,
            "revenue_per_day_usd",
            _real(who, "revenue_per_day_usd", self.revenue_per_day_usd, lo=0.0),
        )
        s(self, "orders_per_day", _real(who, "orders_per_day", self.orders_per_day, lo=0.0))
        if not isinstance(self.resources, Mapping):
            raise PlanInputError(
                f"{who}.resources = {self.resources!r} is invalid; allowed: a mapping "
                "resource name -> integer units >= 0"
            )
        res = {
            _name(who, "resources key", k): _units(who, f"resources[{k!r}]", v)
            for k, v in self.resources.items()
        }
        s(self, "resources", MappingProxyType(res))
        if not isinstance(self.params, Mapping):
            raise PlanInputError(
                f"{who}.params = {self.params!r} is invalid; allowed: a mapping of settings"
            )
        s(self, "params", MappingProxyType(dict(self.params)))

    def __hash__(self) -> int:
        return hash((self.tier, self.option_id, self.service_level, self.cost_per_day_usd))

    @property
    def profit_per_day_usd(self) -> float:
        """Revenue minus option cost, USD/day (excludes per-unit resource costs)."""
        return self.revenue_per_day_usd - self.cost_per_day_usd

    @property
    def service_lower_bound(self) -> float:
        """Lower confidence bound :math:`\\max(0, s - h)` of the service level."""
        return max(0.0, self.service_level - self.service_half_width)


@dataclass(frozen=True, kw_only=True)
class ResourceSpec:
    """A shared integer resource (agents, pickers, vehicles...).

    Parameters
    ----------
    name : str
        Resource name as used in :attr:`TierOption.resources`.
    capacity_units : int or None, default None
        Maximum units available; ``None`` means uncapacitated.
    cost_per_unit_day_usd : float, default 0
        Cost per unit per day, USD/(unit·day), added to the plan's cost on top of
        option costs. Usually 0 because option costs already include wages.
    pooled : bool, default False
        ``False``: tiers consume units side by side (dedicated teams, stock): the plan needs
        the **sum** of the chosen options' units. ``True``: one pool serves every tier (a
        shared desk or warehouse team) and an option's units are the pool size it was
        simulated with: the plan needs the **largest** of them, ``y_r >= n_tkr x_tk`` per
        tier.
    """

    name: str
    capacity_units: int | None = None
    cost_per_unit_day_usd: float = 0.0
    pooled: bool = False

    def __post_init__(self) -> None:
        who = f"ResourceSpec[{self.name!r}]"
        _name(who, "name", self.name)
        if self.capacity_units is not None:
            object.__setattr__(
                self, "capacity_units", _units(who, "capacity_units", self.capacity_units)
            )
        object.__setattr__(
            self,
            "cost_per_unit_day_usd",
            _real(who, "cost_per_unit_day_usd", self.cost_per_unit_day_usd, lo=0.0),
        )


@dataclass(frozen=True, kw_only=True)
class PlanProblem:
    """A tier-planning problem: pick one option per tier under shared limits.

    Parameters
    ----------
    options : Sequence[TierOption]
        Candidate options; tiers are taken from them in order of first appearance.
    resources : Sequence[ResourceSpec], default ()
        Shared resources; every resource an option names must be declared here.
    budget_per_day_usd : float or None, default None
        Daily budget :math:`B`: total plan cost :math:`\\le B` (USD/day).
    min_service : Mapping[str, float], default {}
        Minimum service level per tier, fractions in ``[0, 1]``.
    tier_order : Sequence[str] or None, default None
        Tiers from best to worst service, e.g. ``["A", "B", "C"]`` meaning
        :math:`s_A \\ge s_B \\ge s_C` (on mean service levels).
    max_cost_per_order_usd : float or None, default None
        Limit :math:`m` on total cost / total orders, USD/order.
    objective : {"profit", "cost"}, default "profit"
        Maximise revenue − cost, or minimise cost (USD/day).
    service_metric : str or Mapping[str, str], default "service"
        Name of the service metric (for messages), globally or per tier,
        e.g. ``"perfect-order"``.
    min_service_basis : {"mean", "lower_bound"}, default "mean"
        Whether minimum service is checked against the mean service level or against
        its lower confidence bound :math:`s - h` (conservative).
    """

    options: Sequence[TierOption]
    resources: Sequence[ResourceSpec] = ()
    budget_per_day_usd: float | None = None
    min_service: Mapping[str, float] = field(default_factory=dict)
    tier_order: Sequence[str] | None = None
    max_cost_per_order_usd: float | None = None
    objective: Objective = "profit"
    service_metric: str | Mapping[str, str] = "service"
    min_service_basis: ServiceBasis = "mean"
    _options_by_tier: Mapping[str, tuple[TierOption, ...]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        who = "PlanProblem"
        s = object.__setattr__
        opts = tuple(self.options) if isinstance(self.options, Sequence) else None
        if not opts:
            raise PlanInputError(
                f"{who}.options = {self.options!r} is invalid; allowed: a non-empty sequence "
                "of TierOption (at least one option per tier)"
            )
        for i, o in enumerate(opts):
            if not isinstance(o, TierOption):
                raise PlanInputError(
                    f"{who}.options[{i}] = {o!r} is invalid; allowed: a TierOption"
                )
        s(self, "options", opts)
        res = tuple(self.resources)
        names: set[str] = set()
        for i, r in enumerate(res):
            if not isinstance(r, ResourceSpec):
                raise PlanInputError(
                    f"{who}.resources[{i}] = {r!r} is invalid; allowed: a ResourceSpec"
                )
            if r.name in names:
                raise PlanInputError(
                    f"{who}.resources[{i}].name = {r.name!r} is a duplicate; allowed: unique names"
                )
            names.add(r.name)
        s(self, "resources", res)

        tiers: dict[str, list[TierOption]] = {}
        for o in opts:
            group = tiers.setdefault(o.tier, [])
            if any(p.option_id == o.option_id for p in group):
                raise PlanInputError(
                    f"{who}.options: option_id {o.option_id!r} appears twice in tier {o.tier!r}; "
                    "allowed: unique option ids within a tier"
                )
            group.append(o)
            for rname in o.resources:
                if rname not in names:
                    raise PlanInputError(
                        f"{who}.options: option {o.tier!r}/{o.option_id!r} needs resource "
                        f"{rname!r}, which is not declared; allowed: {sorted(names)}"
                    )
        s(self, "_options_by_tier", MappingProxyType({t: tuple(v) for t, v in tiers.items()}))

        if self.budget_per_day_usd is not None:
            s(
                self,
                "budget_per_day_usd",
                _real(who, "budget_per_day_usd", self.budget_per_day_usd, lo=0.0),
            )
        if self.max_cost_per_order_usd is not None:
            s(
                self,
                "max_cost_per_order_usd",
                _real(who, "max_cost_per_order_usd", self.max_cost_per_order_usd, lo=0.0),
            )

        if not isinstance(self.min_service, Mapping):
            raise PlanInputError(
                f"{who}.min_service = {self.min_service!r} is invalid; allowed: a mapping "
                "tier -> fraction in [0, 1]"
            )
        mins: dict[str, float] = {}
        for t, v in self.min_service.items():
            if t not in tiers:
                raise PlanInputError(
                    f"{who}.min_service[{t!r}] refers to unknown tier {t!r}; "
                    f"allowed: tiers with options {list(tiers)}"
                )
            mins[t] = _real(who, f"min_service[{t!r}]", v, lo=0.0, hi=1.0)
        s(self, "min_service", MappingProxyType(mins))

        if self.tier_order is not None:
            if isinstance(self.tier_order, str):
                raise PlanInputError(
                    f"{who}.tier_order = {self.tier_order!r} is invalid; allowed: a sequence of "
                    f"tier names from best to worst, drawn from {list(tiers)}"
                )
            order = tuple(self.tier_order)
            for t in order:
                if t not in tiers:
                    raise PlanInputError(
                        f"{who}.tier_order contains unknown tier {t!r}; "
                        f"allowed: tiers with options {list(tiers)}"
                    )
            if len(set(order)) != len(order):
                raise PlanInputError(
                    f"{who}.tier_order = {list(order)!r} repeats a tier; allowed: each tier once"
                )
            s(self, "tier_order", order)

        if self.objective not in ("profit", "cost"):
            raise PlanInputError(
                f"{who}.objective = {self.objective!r} is invalid; allowed: 'profit' or 'cost'"
            )
        if self.min_service_basis not in ("mean", "lower_bound"):
            raise PlanInputError(
                f"{who}.min_service_basis = {self.min_service_basis!r} is invalid; "
                "allowed: 'mean' or 'lower_bound'"
            )
        if isinstance(self.service_metric, Mapping):
            s(self, "service_metric", MappingProxyType(dict(self.service_metric)))
        elif not isinstance(self.service_metric, str):
            raise PlanInputError(
                f"{who}.service_metric = {self.service_metric!r} is invalid; "
                "allowed: a string or a mapping tier -> string"
            )

    # -- accessors -------------------------------------------------------------------

    @property
    def tiers(self) -> tuple[str, ...]:
        """Tiers in order of first appearance in :attr:`options`."""
        return tuple(self._options_by_tier)

    def options_for(self, tier: str) -> tuple[TierOption, ...]:
        """Options of ``tier`` in input order."""
        return self._options_by_tier[tier]

    def resource(self, name: str) -> ResourceSpec:
        """The declared :class:`ResourceSpec` called ``name``."""
        for r in self.resources:
            if r.name == name:
                return r
        raise KeyError(name)

    def metric_name(self, tier: str) -> str:
        """Human name of the service metric of ``tier`` (for messages)."""
        if isinstance(self.service_metric, Mapping):
            return str(self.service_metric.get(tier, "service"))
        return self.service_metric

    def effective_service(self, option: TierOption) -> float:
        """Service level used for minimum-service checks (mean or lower bound)."""
        if self.min_service_basis == "lower_bound":
            return option.service_lower_bound
        return option.service_level

    def ordered_pairs(self) -> tuple[tuple[str, str], ...]:
        """Consecutive ``(better, worse)`` pairs of :attr:`tier_order`."""
        order = tuple(self.tier_order or ())
        return tuple(itertools.pairwise(order))


# --------------------------------------------------------------------------- results


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


Plan = PlanResult
"""Alias of :class:`PlanResult`."""
