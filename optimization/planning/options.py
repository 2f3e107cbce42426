"""Turn a sweep table into the planning problem: one option per simulated variant and tier.

Every numeric axis of the sweep whose path names a resource or a stock level (``agents``,
``pickers``, ``vehicles``, ``*_units``) becomes a **pooled** integer resource: variants set it for
the whole system, so an option states the pool size it was simulated with and a plan needs the
largest of its tiers' sizes. Every setting of a variant that is not a tier's own
(``tiers.<t>.…``) is a **shared lever**: the shared settings of a variant are its
*configuration*, and a plan takes all its tiers' options from one configuration, so the plan's
staffing, fleet, cut-offs and stock levels are a combination that was simulated as a whole
(tiers' own levers, e.g. a tier's shipping mode, may still differ). The option's cost is the
tier's allocated cost in that variant, its revenue the tier's revenue response at the simulated
service level. Other axes (e.g. a tier's shipping mode) travel with the option as parameters.

Which variants become options
-----------------------------
By default **every successfully simulated variant** of a tier is an option. The noise-aware
frontier (:func:`tierwise.simulation.analysis.frontier.cost_service_frontier`) drops a dearer
variant whose service gain over a cheaper one is not significant: right for drawing a curve,
wrong for feasibility. A variant off that frontier may be the only one that reaches a minimum
service, keeps the tier order or fits a cost-per-order ceiling, and a variant taken whole for
every tier is a plan that was actually simulated. The frontier prunes what is drawn, not what
is feasible. ``selection="pareto"`` keeps the Pareto set of the means (still every reachable
service level); ``selection="frontier"`` the noise-aware frontier (for figures only: a
minimum-service constraint may then look infeasible although a variant meets it).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import pandas as pd

from tierwise.optimization.milp.problem import PlanProblem, TierOption
from tierwise.simulation.analysis.frontier import ON_FRONTIER, frontiers_by_tier
from tierwise.simulation.experiments.sweep_result import param_cell_text, param_cell_value

__all__ = [
    "OPTION_SELECTIONS",
    "RESOURCE_SUFFIXES",
    "RUN_LENGTH_FIELDS",
    "OptionSelection",
    "configuration_id",
    "options_from_table",
    "plan_overrides",
    "resource_axes",
    "simulated_option",
    "tier_frontiers",
    "tier_rows",
]

#: Sweep axes that set how long or how often to simulate, not what to do: never part of a plan.
RUN_LENGTH_FIELDS = frozenset({"horizon_days", "warmup_days", "drain_days", "replications", "seed"})

OptionSelection = Literal["all", "pareto", "frontier"]
#: Allowed values of ``options_from_table(selection=...)``.
OPTION_SELECTIONS: tuple[OptionSelection, ...] = ("all", "pareto", "frontier")

#: Axis path endings treated as integer resources.
RESOURCE_SUFFIXES = ("agents", "pickers", "vehicles", "own_team_agents", "_units")


def resource_axes(table: pd.DataFrame) -> list[str]:
    """Dotted paths of the integer resource axes in a sweep table (``param.<path>`` columns)."""
    axes = []
    for column in table.columns:
        if not column.startswith("param."):
            continue
        path = column.removeprefix("param.")
        values = pd.to_numeric(table[column], errors="coerce")
        integral = values.notna().all() and (values == values.round()).all()
        if path.endswith(RESOURCE_SUFFIXES) and integral:
            axes.append(path)
    return axes


def configuration_id(params: Mapping[str, Any]) -> str:
    """Identifier of the shared-lever configuration of a variant's ``params``.

    The shared levers are every setting except tiers' own (``tiers.<t>.…``) and the run length
    (:data:`RUN_LENGTH_FIELDS`); the identifier is ``cfg-`` and 8 hex digits of their hash
    (``cfg-base`` when the variant sets none). Integral floats count as integers, so
    ``[17.0]`` and ``[17]`` are one configuration.
    """
    shared = {
        k: v
        for k, v in sorted(params.items())
        if not k.startswith("tiers.") and k not in RUN_LENGTH_FIELDS
    }
    if not shared:
        return "cfg-base"
    text = param_cell_text({k: _canonical(v) for k, v in shared.items()})
    return "cfg-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def _canonical(value: Any) -> Any:
    """A setting with integral floats as integers (``[17.0]`` and ``[17]`` are one setting)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return value


def options_from_table(
    table: pd.DataFrame,
    responses: Mapping[str, Any],
    metric: str = "perfect_order_rate",
    tiers: Sequence[str] | None = None,
    selection: OptionSelection = "all",
    confidence: float = 0.95,
    base_params: Mapping[str, Any] | None = None,
) -> list[TierOption]:
    """Options per tier from the sweep's variants.

    Parameters
    ----------
    table : pandas.DataFrame
        Sweep table (one row per variant × replication, ``param.*`` columns).
    responses : mapping
        ``tier → revenue response`` (anything with ``revenue(s)``), USD/day.
    metric : str
        Service metric of the options (e.g. ``perfect_order_rate``).
    tiers : sequence of str, optional
        Default: every tier in ``responses``.
    selection : {"all", "pareto", "frontier"}, default "all"
        ``all``: every variant with at least one successful replication for the tier
        (recommended: no constraint looks infeasible that a simulated variant meets);
        ``pareto``: the Pareto set of the means (no cheaper variant at least as good in mean
        service); ``frontier``: the noise-aware frontier drawn in the figures.
    confidence : float
        Level of the service half-widths.
    base_params : mapping, optional
        The scenario's value of each varied path. When given, a variant is an option of tier
        ``t`` only if every *other* tier's own levers (``tiers.<u>.…``) are at these values:
        a variant that changes tier B's shipping mode says what B gets, but A's numbers in it
        are a noisy copy of A's numbers without the change, and offering them would let the
        solver pick the luckiest copy.

    Raises
    ------
    ValueError
        For an unknown ``selection``.
    """
    if selection not in OPTION_SELECTIONS:
        raise ValueError(
            f"selection={selection!r} is not allowed; use one of {', '.join(OPTION_SELECTIONS)}"
        )
    chosen = list(tiers) if tiers else list(responses)
    # slack 0 is the Pareto rule on the means; the noise-aware frontier uses slack 1
    frontiers = tier_frontiers(
        table,
        chosen,
        metric,
        base_params,
        confidence=confidence,
        slack=0.0 if selection == "pareto" else 1.0,
    )
    resources = resource_axes(table)
    param_columns = [c for c in table.columns if c.startswith("param.")]
    first_rows = table.drop_duplicates("variant_id").set_index("variant_id")
    orders_by_variant = table.groupby("variant_id")[[f"{t}.orders_per_day" for t in chosen]]
    orders: dict[tuple[str, str], float] = {
        (str(vid), str(col).split(".")[0]): float(value)
        for col, series in orders_by_variant.mean().items()
        for vid, value in series.items()
    }
    options: list[TierOption] = []
    for tier in chosen:
        variants = frontiers[tier]
        if selection != "all":
            variants = variants[variants[ON_FRONTIER]]
        for _, row in variants.iterrows():
            vid = str(row["variant_id"])
            service = float(row["service_mean"])
            if not math.isfinite(service):
                continue
            params: dict[str, Any] = {
                c.removeprefix("param."): param_cell_value(first_rows.at[vid, c])
                for c in param_columns
            }
            options.append(
                simulated_option(
                    tier,
                    vid,
                    service=service,
                    service_half_width=float(row["service_half_width"]),
                    cost_per_day_usd=float(row["cost_per_day_usd_mean"]),
                    cost_half_width_usd=float(row["cost_per_day_usd_half_width"]),
                    response=responses[tier],
                    resources={r: int(params[r]) for r in resources},
                    orders_per_day=orders[(vid, tier)],
                    params=params,
                    configuration=configuration_id(params),
                )
            )
    return options


def tier_rows(
    table: pd.DataFrame, tier: str, base_params: Mapping[str, Any] | None
) -> pd.DataFrame:
    """The rows of a sweep table that say what ``tier`` gets: those where every *other*
    tier's own levers (``param.tiers.<u>.…``) are at their ``base_params`` value.

    A variant that changes tier B's shipping mode says what B gets; A's numbers in it are a
    noisy copy of A's numbers without the change (and A's allocated cost moves with B's
    activity), so they are neither an option nor a curve point of A. Without ``base_params``
    every row is kept.
    """
    if base_params is None:
        return table
    keep = pd.Series(True, index=table.index)
    own = f"param.tiers.{tier}."
    for column in table.columns:
        if not column.startswith("param.tiers.") or column.startswith(own):
            continue
        path = column.removeprefix("param.")
        if path not in base_params:
            continue
        base = base_params[path]
        at_base = {cell: param_cell_value(cell) == base for cell in table[column].dropna().unique()}
        keep &= table[column].map(at_base).fillna(True).astype(bool)
    return table[keep]


def tier_frontiers(
    table: pd.DataFrame,
    tiers: Sequence[str],
    metric: str,
    base_params: Mapping[str, Any] | None = None,
    confidence: float = 0.95,
    slack: float = 1.0,
) -> dict[str, pd.DataFrame]:
    """Each tier's cost-versus-service frontier over its own rows (:func:`tier_rows`).

    See :func:`~tierwise.simulation.analysis.frontier.frontiers_by_tier` for the columns and
    the frontier rule (``slack``).
    """
    return {
        tier: frontiers_by_tier(
            tier_rows(table, tier, base_params), [tier], metric, confidence=confidence, slack=slack
        )[tier]
        for tier in tiers
    }


def simulated_option(
    tier: str,
    option_id: str,
    *,
    service: float,
    service_half_width: float,
    cost_per_day_usd: float,
    response: Any,
    cost_half_width_usd: float = 0.0,
    resources: Mapping[str, int],
    orders_per_day: float,
    params: Mapping[str, Any],
    configuration: str = "",
) -> TierOption:
    """A tier option from simulated estimates.

    Parameters
    ----------
    tier, option_id : str
        Tier and option identifier (a sweep variant, or a verification round).
    service : float
        Simulated mean service level (fraction); clipped to [0, 1].
    service_half_width : float
        Its confidence half-width (fraction); a non-finite one counts as 0.
    cost_per_day_usd : float
        Simulated mean cost of the tier, USD/day; a negative mean counts as 0.
    cost_half_width_usd : float, default 0
        Its confidence half-width, USD/day; a non-finite one counts as 0 (unknown).
    response : revenue response
        Anything with ``revenue(s)`` (USD/day); the option earns ``max(0, R(service))``.
    resources : Mapping[str, int]
        Units of each resource the option was simulated with.
    orders_per_day : float
        Simulated orders of the tier per day.
    params : Mapping[str, Any]
        Scenario settings that produced the option.
    configuration : str, default ""
        Its shared-lever configuration (:func:`configuration_id`).
    """
    return TierOption(
        tier=tier,
        option_id=option_id,
        service_level=min(max(service, 0.0), 1.0),
        service_half_width=service_half_width if math.isfinite(service_half_width) else 0.0,
        cost_per_day_usd=max(cost_per_day_usd, 0.0),
        cost_half_width_usd=cost_half_width_usd if math.isfinite(cost_half_width_usd) else 0.0,
        revenue_per_day_usd=max(float(response.revenue(service)), 0.0),
        resources=resources,
        orders_per_day=orders_per_day,
        params=params,
        configuration=configuration,
    )


def plan_overrides(
    problem: PlanProblem, chosen: Mapping[str, TierOption], units: Mapping[str, int]
) -> list[tuple[str, Any]]:
    """Scenario overrides that realise a plan.

    Resources take the plan's units; a tier-specific parameter (``tiers.<t>.…``) comes from
    that tier's option; any other parameter from the option of the first tier in
    ``problem.tiers`` (the tiers are usually listed by priority).
    """
    overrides: dict[str, Any] = {}
    first = chosen[problem.tiers[0]]
    # a verified option carries the whole previous plan as its params; run-length axes of the
    # sweep (a shortened horizon) are not decisions and stay as the base scenario has them
    for path, value in first.params.items():
        overrides[path] = value
    for tier, option in chosen.items():
        for path, value in option.params.items():
            if path.startswith(f"tiers.{tier}."):
                overrides[path] = value
    for name, count in units.items():
        overrides[name] = int(count)
    return [(k, v) for k, v in overrides.items() if k not in RUN_LENGTH_FIELDS]
