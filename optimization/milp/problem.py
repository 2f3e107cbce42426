"""Data of the tier-planning MILP: options, resources and the problem to solve.

A *tier option* is one point on a tier's cost-vs-service frontier (typically one
simulated scenario variant): the service level it reaches, what it costs and earns
per day, and how many units of each shared resource it needs. A :class:`PlanProblem`
asks for exactly one option per tier subject to shared capacities, a daily budget,
minimum service levels, a tier ordering and a maximum cost per order. The solver's
answer is a :class:`~tierwise.optimization.milp.result.PlanResult`.

All records are frozen dataclasses validated at construction; an invalid value raises
:class:`PlanInputError` (a :class:`ValueError`) whose message quotes the field, the bad
value and the allowed range.

Units: money in US dollars per day (``*_per_day_usd``), service levels as fractions in
``[0, 1]``, resources in integer units (agents, pickers, vehicles...).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

import numpy as np

from tierwise.common.formatting import compact

__all__ = [
    "Objective",
    "PlanInputError",
    "PlanProblem",
    "ResourceSpec",
    "ServiceBasis",
    "TierOption",
]

Objective = Literal["profit", "cost"]
ServiceBasis = Literal["mean", "lower_bound"]


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
        allowed = f"a finite number in [{compact(lo)}, {compact(hi)}]"
    elif lo is not None:
        allowed = f"a finite number >= {compact(lo)}"
    elif hi is not None:
        allowed = f"a finite number <= {compact(hi)}"
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
    cost_half_width_usd : float, default 0
        Half-width of the confidence interval of ``cost_per_day_usd``, USD/day (0: unknown).
    revenue_per_day_usd : float, default 0
        Revenue :math:`R \\ge 0` the tier earns at this service level, USD/day.
    resources : Mapping[str, int], default {}
        Units of each shared resource the option needs, e.g. ``{"agents": 3}``.
    orders_per_day : float, default 0
        Orders the tier places per day under this option (for cost-per-order limits).
    params : Mapping[str, object], default {}
        Scenario settings that produced the option; opaque to the optimiser.
    configuration : str, default ""
        Identifier of the shared-lever configuration (staffing, fleet, cut-offs, stock levels…)
        the option was simulated under. When options carry one, a plan takes every tier's
        option from the same configuration (the shared levers are set once for all tiers);
        ``""`` (no configuration) leaves the choice per tier free.
    """

    tier: str
    option_id: str
    service_level: float
    cost_per_day_usd: float
    revenue_per_day_usd: float = 0.0
    service_half_width: float = 0.0
    cost_half_width_usd: float = 0.0
    resources: Mapping[str, int] = field(default_factory=dict)
    orders_per_day: float = 0.0
    params: Mapping[str, object] = field(default_factory=dict)
    configuration: str = ""

    def __post_init__(self) -> None:
        who = f"TierOption[{self.tier!r}/{self.option_id!r}]"
        if not isinstance(self.configuration, str):
            raise PlanInputError(
                f"{who}.configuration = {self.configuration!r} is invalid; allowed: a string"
            )
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
            "cost_half_width_usd",
            _real(who, "cost_half_width_usd", self.cost_half_width_usd, lo=0.0),
        )
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
        configured = {bool(o.configuration) for o in opts}
        if len(configured) > 1:
            missing = next(o for o in opts if not o.configuration)
            raise PlanInputError(
                f"{who}.options: option {missing.tier!r}/{missing.option_id!r} has no "
                "configuration while others have one; allowed: every option with a "
                "configuration, or none"
            )

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

    @property
    def configurations(self) -> tuple[str, ...]:
        """Shared-lever configurations of the options, in order of first appearance (empty when
        the options carry none)."""
        return tuple(dict.fromkeys(o.configuration for o in self.options if o.configuration))

    def options_for(self, tier: str) -> tuple[TierOption, ...]:
        """Options of ``tier`` in input order."""
        return self._options_by_tier[tier]

    def resource(self, name: str) -> ResourceSpec:
        """The declared :class:`ResourceSpec` called ``name``."""
        for r in self.resources:
            if r.name == name:
                return r
        raise KeyError(name)

    @property
    def unit_costs(self) -> dict[str, float]:
        """Cost per unit per day of each resource that has one, USD/(unit·day)."""
        return {r.name: r.cost_per_unit_day_usd for r in self.resources if r.cost_per_unit_day_usd}

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
