"""Analytic screening of sweep variants: skip what theory already settles, and nothing more.

Before a sweep simulates anything, three rules drop variants whose simulation could not put
them on a cost-service frontier. Each rule is deliberately conservative; a variant is dropped
only when the analytic argument is a bound, not an estimate.

``unstable``
    :func:`simulation.loads.offered_loads` finds a queue whose offered load is at or above its
    capacity (agents, pickers, fleet vehicles). Such a variant has no steady state; the
    project's :func:`~simulation.loads.check_stability` refuses to simulate it.
``agents_dominated``
    Among variants identical except the agent count ``c`` of one order-entry pool, let ``c₁``
    be the smallest count whose Erlang C probability of waiting at the *busiest hour*,
    ``C(c₁, A_peak)``, is at most ``1 − threshold`` (default 0.1 %). Every variant with more
    agents is dropped: at most that share of callers ever waits with ``c₁`` agents, so more
    agents can raise answered-within-target, abandonment or any cycle-time metric by no more
    than that share, while they add their wages for certain. Why this is a bound: the
    number of busy agents does not depend on the priority order when all calls share one
    handling-time distribution, so ``C`` holds for every tier; the stationary queue at the
    peak rate dominates the time-varying one (adding arrivals never shortens a wait);
    abandonment only removes load. The rule is not applied (and a note says why) when
    complaints are handled by the same pool (their load is not known before simulating),
    when calls arrive while the desk is closed (an overnight backlog), when the handling
    time is more variable than exponential (``cv > 1``; the M/M/c value is then not
    conservative), or when agents cost nothing.
``base_stock_dominated``
    Among variants identical except ``base_stock_units`` ``S`` of a continuous base-stock
    family, let ``S₁`` be the smallest level whose fill rate ``P(D_L ≤ S₁ − 1)`` with
    ``D_L ~ Poisson(λ_peak · E[L])`` (Palm's theorem, :func:`~simulation.analytic.
    continuous_base_stock`) is at least ``threshold``; larger levels only add holding cost.
    Applied only where the formula holds: one line of one unit per order for every tier that
    buys from the family (Poisson unit demand), demand at the peak hourly rate all day
    (a bound), a positive holding cost.

:func:`suggest_axis_centre` and :func:`suggest_agents_axis` use
:func:`~simulation.analytic.servers_for_service_level` to centre an agents axis where the
service level actually moves.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from simulation.analytic import (
    continuous_base_stock,
    erlang_c_wait_probability,
    min_stable_servers,
    servers_for_service_level,
)
from simulation.loads import offered_loads
from simulation.scenario import Scenario
from simulation.sweep_spec import Variant

__all__ = [
    "DOMINANCE_THRESHOLD",
    "ScreenedVariant",
    "ScreeningReport",
    "base_stock_fill_rate_bound",
    "pool_wait_probability_bound",
    "screen_variants",
    "suggest_agents_axis",
    "suggest_axis_centre",
]

logger = logging.getLogger(__name__)

#: A variant whose analytic service is already at least this good makes larger counts moot.
DOMINANCE_THRESHOLD = 0.999

_AGENTS = re.compile(r"^order_entry\.pools\.([^.]+)\.agents$")
_BASE_STOCK = re.compile(r"^inventory\.families\.([^.]+)\.policy\.base_stock_units$")


@dataclass(frozen=True)
class ScreenedVariant:
    """A variant that screening removed, and why.

    Attributes
    ----------
    variant_id : str
        Its id.
    index : int
        Its position in design order.
    params : mapping
        Its ``path → value`` parameters.
    rule : str
        ``unstable``, ``agents_dominated`` or ``base_stock_dominated``.
    reason : str
        One-line explanation with the analytic figures.
    dominated_by : str or None
        ``variant_id`` of the cheaper variant that is at least as good (dominance rules).
    """

    variant_id: str
    index: int
    params: Mapping[str, Any]
    rule: str
    reason: str
    dominated_by: str | None = None


@dataclass(frozen=True)
class ScreeningReport:
    """Outcome of :func:`screen_variants`.

    Attributes
    ----------
    kept : tuple of Variant
        Variants to simulate, in design order.
    screened_out : tuple of ScreenedVariant
        Variants dropped, in design order.
    notes : tuple of str
        Rules that could not be applied, and why.
    """

    kept: tuple[Variant, ...]
    screened_out: tuple[ScreenedVariant, ...]
    notes: tuple[str, ...] = ()


# --------------------------------------------------------------------------- bounds


def _pool_tiers(scenario: Scenario, pool: str) -> list[str]:
    return [
        name
        for name, tier in scenario.tiers.items()
        if scenario.pool_of(name) == pool
        and any(
            share > 0 and scenario.channels[ch].uses_order_entry
            for ch, share in tier.channel_mix.items()
        )
    ]


def _closed_hour_rate(scenario: Scenario, tier_name: str) -> float:
    """Largest order rate (per hour) of a tier during an hour when the operation is closed."""
    cal = scenario.calendar
    if cal is None:
        return 0.0
    tier = scenario.tiers[tier_name]
    hourly = tier.hourly_profile or (1.0,) * 24
    weekly = tier.weekday_profile or (1.0,) * 7
    worst = 0.0
    for h in range(168):
        day, hour = divmod(h, 24)
        is_open = day in cal.working_days and cal.open_hour <= hour < cal.close_hour
        # an hour is closed for part of it when opening/closing fall inside it
        partly_closed = day in cal.working_days and (
            hour < cal.open_hour < hour + 1 or hour < cal.close_hour < hour + 1
        )
        if not is_open or partly_closed:
            worst = max(worst, tier.orders_per_hour * weekly[day] * hourly[hour])
    return worst


def pool_wait_probability_bound(scenario: Scenario, pool: str) -> tuple[float | None, str]:
    """Conservative probability that a call to ``pool`` waits at all, or why none exists.

    Parameters
    ----------
    scenario : Scenario
        The variant.
    pool : str
        Order-entry pool name.

    Returns
    -------
    (float or None, str)
        ``C(c, A_peak)``, the Erlang C probability of waiting at the busiest hour's offered
        load ``A_peak`` (Erlang; 1.0 when ``A_peak ≥ c``), and ``""``; or ``None`` and the
        reason the bound does not apply (see the module docstring).
    """
    oe = scenario.order_entry
    if not oe.enabled or pool not in oe.pools:
        return None, f"pool {pool} is not in use"
    if scenario.recovery.enabled and scenario.recovery.desk == "order_entry":
        return (
            None,
            f"complaints are handled by pool {pool}; their load is unknown before simulating",
        )
    tiers = _pool_tiers(scenario, pool)
    if not tiers:
        return None, f"no tier calls pool {pool}"
    closed = [t for t in tiers if _closed_hour_rate(scenario, t) > 0]
    if closed:
        return None, f"tier(s) {', '.join(closed)} call pool {pool} while it is closed"
    if oe.handling_time_s.squared_cv > 1.0:
        return None, "handling time is more variable than exponential (cv > 1)"
    load = next(q for q in offered_loads(scenario) if q.resource == f"agents.{pool}")
    agents = oe.pools[pool].agents
    if agents < 1 or load.peak_load >= agents:
        return 1.0, ""
    return erlang_c_wait_probability(agents, load.peak_load), ""


def base_stock_fill_rate_bound(scenario: Scenario, family: str) -> tuple[float | None, str]:
    """Lower bound on a continuous base-stock family's line fill rate, or why none exists.

    Parameters
    ----------
    scenario : Scenario
        The variant.
    family : str
        Product family name.

    Returns
    -------
    (float or None, str)
        ``P(D_L ≤ S − 1)`` with ``D_L ~ Poisson(λ_peak · E[L])``, ``λ_peak`` the family's
        line rate at the busiest hour (units per day, as if sustained all day) and ``E[L]``
        the mean lead time (days); or ``None`` and the reason it does not apply.
    """
    inv = scenario.inventory
    fam = inv.families.get(family) if inv.enabled else None
    if fam is None:
        return None, f"family {family} is not stocked"
    if fam.policy.kind != "base_stock" or fam.policy.base_stock_units is None:
        return None, f"family {family} is not under continuous base stock"
    peak_per_h = 0.0
    for tier in scenario.tiers.values():
        share = (tier.family_mix or {}).get(family, 0.0)
        if share <= 0:
            continue
        one = all(
            d.dist == "deterministic" and d.expected_value <= 1.0
            for d in (tier.lines_per_order, tier.units_per_line)
        )
        if not one:
            return None, f"demand for family {family} is not one unit per order (not Poisson)"
        hourly = tier.hourly_profile or (1.0,) * 24
        weekly = tier.weekday_profile or (1.0,) * 7
        peak_per_h += tier.orders_per_hour * max(hourly) * max(weekly) * share
    if peak_per_h <= 0:
        return 1.0, ""
    if fam.unit_value_usd <= 0 or scenario.costs.holding_rate_per_year <= 0:
        return None, f"holding family {family} costs nothing"
    result = continuous_base_stock(
        peak_per_h * 24.0, fam.lead_time_days.expected_value, fam.policy.base_stock_units
    )
    return result.fill_rate, ""


# --------------------------------------------------------------------------- screening


def _unstable_reason(scenario: Scenario) -> str | None:
    bad = [q for q in offered_loads(scenario) if not q.stable]
    if not bad:
        return None
    return "unstable: " + "; ".join(
        f"{q.resource} offered load {q.offered_load:.2f} >= {q.servers} server(s), "
        f"needs >= {q.min_stable_servers}"
        for q in bad
    )


def _group_key(params: Mapping[str, Any], axis: str) -> str:
    rest = {k: v for k, v in params.items() if k != axis}
    return json.dumps(rest, sort_keys=True, default=str)


def _dominance(
    variants: Sequence[Variant],
    axis: str,
    name: str,
    rule: str,
    bound: Callable[[Scenario, str], tuple[float | None, str]],
    good_enough: Callable[[float], bool],
    costs_more: Callable[[Scenario], bool],
    describe: Callable[[Variant, float], str],
    notes: list[str],
) -> dict[int, ScreenedVariant]:
    """Drop larger values of ``axis`` once a smaller one, all else equal, is good enough."""
    groups: dict[str, list[Variant]] = {}
    for v in variants:
        value = v.params.get(axis)
        if isinstance(value, int) and not isinstance(value, bool):
            groups.setdefault(_group_key(v.params, axis), []).append(v)
    out: dict[int, ScreenedVariant] = {}
    for members in groups.values():
        members = sorted(members, key=lambda v: int(v.params[axis]))
        best: Variant | None = None
        best_value = math.nan
        for v in members:
            if best is not None and int(v.params[axis]) > int(best.params[axis]):
                out[v.index] = ScreenedVariant(
                    v.variant_id,
                    v.index,
                    v.params,
                    rule,
                    describe(best, best_value),
                    best.variant_id,
                )
                continue
            value, why = bound(v.scenario, name)
            if value is None:
                note = f"{rule} not applied to {axis}: {why}"
                if note not in notes:
                    notes.append(note)
                continue
            if not costs_more(v.scenario):
                note = f"{rule} not applied to {axis}: more of it costs nothing"
                if note not in notes:
                    notes.append(note)
                continue
            if good_enough(value):
                best, best_value = v, value
    return out


def _agents_rule(
    variants: Sequence[Variant], axis: str, pool: str, threshold: float, notes: list[str]
) -> dict[int, ScreenedVariant]:
    def describe(best: Variant, p_wait: float) -> str:
        return (
            f"dominated by {best.variant_id} ({best.params[axis]} agents in {pool}): Erlang C "
            f"P(wait) at the peak hour is already {p_wait:.2e} <= {1 - threshold:.1e}; "
            "more agents only add wages"
        )

    return _dominance(
        variants,
        axis,
        pool,
        "agents_dominated",
        pool_wait_probability_bound,
        lambda p_wait: p_wait <= 1.0 - threshold,
        lambda s: s.costs.agent_wage_usd_per_h > 0,
        describe,
        notes,
    )


def _base_stock_rule(
    variants: Sequence[Variant], axis: str, family: str, threshold: float, notes: list[str]
) -> dict[int, ScreenedVariant]:
    def describe(best: Variant, fill: float) -> str:
        return (
            f"dominated by {best.variant_id} (base stock {best.params[axis]} of {family}): "
            f"Poisson fill rate is already {fill:.5f} >= {threshold}; more stock only adds "
            "holding cost"
        )

    return _dominance(
        variants,
        axis,
        family,
        "base_stock_dominated",
        base_stock_fill_rate_bound,
        lambda fill: fill >= threshold,
        lambda s: True,
        describe,
        notes,
    )


def screen_variants(
    variants: Sequence[Variant], threshold: float = DOMINANCE_THRESHOLD
) -> ScreeningReport:
    """Apply the screening rules of the module docstring.

    Parameters
    ----------
    variants : sequence of Variant
        The sweep's variants (design order).
    threshold : float
        Service level in (0, 1) that makes larger resource counts moot (default 0.999).

    Returns
    -------
    ScreeningReport
        Kept and screened-out variants with reasons.
    """
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"threshold must lie in (0, 1), got {threshold}")
    screened: dict[int, ScreenedVariant] = {}
    stable: list[Variant] = []
    for v in variants:
        reason = _unstable_reason(v.scenario)
        if reason:
            screened[v.index] = ScreenedVariant(v.variant_id, v.index, v.params, "unstable", reason)
        else:
            stable.append(v)

    notes: list[str] = []
    axes = list(dict.fromkeys(p for v in variants for p in v.params))
    for axis in axes:
        match = _AGENTS.match(axis)
        if match:
            screened.update(_agents_rule(stable, axis, match.group(1), threshold, notes))
        match = _BASE_STOCK.match(axis)
        if match:
            screened.update(_base_stock_rule(stable, axis, match.group(1), threshold, notes))
    kept = tuple(v for v in variants if v.index not in screened)
    out = tuple(screened[i] for i in sorted(screened))
    for note in notes:
        logger.info("screening: %s", note)
    logger.info("screening kept %d of %d variant(s)", len(kept), len(variants))
    return ScreeningReport(kept, out, tuple(notes))


# --------------------------------------------------------------------------- axis centring


def _single_pool(scenario: Scenario, pool: str | None) -> str:
    pools = scenario.order_entry.pools
    if pool is None:
        if len(pools) != 1:
            raise ValueError(f"several pools ({', '.join(pools)}); name one")
        return next(iter(pools))
    if pool not in pools:
        raise ValueError(f"pool {pool!r} is not in order_entry.pools ({', '.join(pools)})")
    return pool


def suggest_axis_centre(
    scenario: Scenario,
    pool: str | None = None,
    target_service_level: float | None = None,
    answer_target_s: float | None = None,
    peak: bool = False,
) -> int:
    """Agent count where a pool's answered-within-target crosses its target (M/M/c).

    Parameters
    ----------
    scenario : Scenario
        The scenario whose pool is swept.
    pool : str, optional
        Pool name (default: the only pool).
    target_service_level : float, optional
        Fraction answered within the target time, in [0, 1); default: the highest
        ``targets.answered_within_target_rate`` of the pool's tiers, else 0.8.
    answer_target_s : float, optional
        Target answer time, seconds (default: ``order_entry.answer_target_s``).
    peak : bool
        Size for the busiest hour instead of the average staffed hour.

    Returns
    -------
    int
        The least ``c`` with ``SL(t) = 1 − C·exp(−(cμ − λ)t) ≥ target`` (see
        :func:`~simulation.analytic.servers_for_service_level`), λ in calls per staffed hour.
    """
    name = _single_pool(scenario, pool)
    if target_service_level is None:
        targets = [
            scenario.tiers[t].targets.answered_within_target_rate
            for t in _pool_tiers(scenario, name)
        ]
        given = [t for t in targets if t is not None]
        target_service_level = max(given) if given else 0.8
    t_s = scenario.order_entry.answer_target_s if answer_target_s is None else answer_target_s
    load = next(q for q in offered_loads(scenario) if q.resource == f"agents.{name}")
    erlangs = load.peak_load if peak else load.offered_load
    handling_h = scenario.order_entry.handling_time_s.expected_value / 3600.0
    if erlangs <= 0:
        return 1
    return servers_for_service_level(
        erlangs / handling_h, handling_h, t_s / 3600.0, target_service_level
    )


def suggest_agents_axis(
    scenario: Scenario,
    pool: str | None = None,
    span: int = 2,
    **kwargs: Any,
) -> list[int]:
    """Agent counts ``centre − span … centre + span`` around :func:`suggest_axis_centre`.

    Counts that cannot carry the (average) offered load are left out.

    Parameters
    ----------
    scenario, pool
        As for :func:`suggest_axis_centre`.
    span : int
        Steps on each side of the centre (>= 0).
    **kwargs
        ``target_service_level``, ``answer_target_s``, ``peak``.
    """
    if span < 0:
        raise ValueError(f"span must be >= 0, got {span}")
    name = _single_pool(scenario, pool)
    centre = suggest_axis_centre(scenario, name, **kwargs)
    load = next(q for q in offered_loads(scenario) if q.resource == f"agents.{name}")
    low = max(centre - span, min_stable_servers(load.offered_load), 1)
    return list(range(low, centre + span + 1))
