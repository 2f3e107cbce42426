"""Analytic screening of sweep variants: skip what theory already settles, and nothing more.

Before a sweep simulates anything, these rules drop variants whose simulation could not put
them on a cost-service frontier. Each rests on a bound, or on a standard approximation used
only on the side where it overstates congestion, and is not applied at all where neither
holds (the report's notes say why).

``unstable``
    :func:`tierwise.simulation.theory.loads.offered_loads` finds a queue whose offered load is at
    or above its
    capacity (agents, pickers, fleet vehicles). Such a variant has no steady state; the
    project's :func:`~tierwise.simulation.theory.loads.check_stability` refuses to simulate it.
``agents_dominated``
    Among variants identical except the agent count ``c`` of one order-entry pool, let ``c*``
    be the smallest count at which the expected number of calls that wait at all, over every
    run the sweep makes of the variant, is at most ``max_expected_events`` (default 0.01)::

        E[waiting calls] <= λ_peak · horizon_h · runs · C(c*, A_peak)

    with ``C`` the Erlang C probability of waiting at the busiest hour's offered load. Variants
    with more agents than ``c*`` are dropped. The argument is sample-path identity: when no
    call waits with ``c*`` agents (probability >= 1 − 0.01 by Markov's inequality), no call
    waits with more either, and under common random numbers every order then follows exactly
    the same path, so every service metric is identical and only the wages differ. Identical
    estimates at a higher cost are never on the frontier of
    :mod:`tierwise.simulation.analysis.frontier` (the
    cheaper twin, or whatever dominates it, dominates them too).

    Why not the simpler "``c₁`` already answers 99.9 % within target": the noise-aware
    frontier only admits a variant that is *significantly* better than every cheaper frontier
    variant. ``c₁``'s estimate can be too noisy for that while a larger count, whose service
    is saturated at exactly 1 with zero half-width, is significantly better than the same
    cheaper variant, and lands on the frontier. ``tests/simulation/test_screening.py`` found
    this, with a 0.999 rule and even with a guard count kept above ``c₁``.

    The bound holds for every tier: the number of busy agents does not depend on the priority
    order when all calls share one handling-time distribution; the stationary queue at the
    peak rate dominates the time-varying one (adding arrivals never shortens a wait);
    abandonment only removes load. The rule is not applied when complaints are handled by
    the same pool (their load is not known before simulating), when calls arrive while the
    desk is closed (an overnight backlog), when the handling time is more variable than
    exponential (``cv > 1``; the M/M/c value is then not conservative), or when agents cost
    nothing.
``base_stock_dominated``
    The same argument for ``base_stock_units`` ``S`` of a continuous base-stock family: ``S*``
    is the smallest level at which the expected number of lines short of stock over all runs,
    ``λ_peak · horizon · runs · (1 − P(D_L ≤ S* − 1))`` with ``D_L ~ Poisson(λ_peak · E[L])``
    (Palm's theorem, :func:`~tierwise.simulation.theory.stock.continuous_base_stock`), is at most
    ``max_expected_events``; larger levels only add holding cost. Applied only where the
    formula holds: one line of one unit per order for every tier that buys from the family
    (Poisson unit demand), and a positive holding cost.

:func:`suggest_axis_centre` and :func:`suggest_agents_axis` use
:func:`~tierwise.simulation.theory.erlang.servers_for_service_level` to centre an agents axis
where the
service level actually moves, which is where a sweep's runs are best spent.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tierwise.simulation.experiments.sweep_spec import Variant
from tierwise.simulation.scenario.schema import Scenario
from tierwise.simulation.theory.erlang import (
    erlang_c_wait_probability,
    min_stable_servers,
    servers_for_service_level,
)
from tierwise.simulation.theory.loads import offered_loads
from tierwise.simulation.theory.stock import continuous_base_stock

__all__ = [
    "MAX_EXPECTED_EVENTS",
    "ScreenedVariant",
    "ScreeningReport",
    "base_stock_fill_rate_bound",
    "expected_short_lines",
    "expected_waiting_calls",
    "pool_wait_probability_bound",
    "screen_variants",
    "suggest_agents_axis",
    "suggest_axis_centre",
]

logger = logging.getLogger(__name__)

#: A larger resource count is dropped only when, with the smaller one, the expected number of
#: waiting calls (or short lines) over all runs of the variant is at most this.
MAX_EXPECTED_EVENTS = 0.01

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


def expected_waiting_calls(
    scenario: Scenario, pool: str, runs: int = 1
) -> tuple[float | None, str]:
    """Upper bound on the number of calls to ``pool`` that wait, over ``runs`` runs.

    Parameters
    ----------
    scenario : Scenario
        The variant.
    pool : str
        Order-entry pool name.
    runs : int
        Replications the sweep makes of the variant (>= 1).

    Returns
    -------
    (float or None, str)
        ``λ_peak · horizon_h · runs · C(c, A_peak)`` (calls; λ_peak the busiest hour's call
        rate per hour, horizon_h the simulated hours with arrivals) and ``""``; or ``None``
        and the reason no bound applies.
    """
    wait, why = pool_wait_probability_bound(scenario, pool)
    if wait is None:
        return None, why
    load = next(q for q in offered_loads(scenario) if q.resource == f"agents.{pool}")
    handling_h = scenario.order_entry.handling_time_s.expected_value / 3600.0
    calls_per_h = load.peak_load / handling_h if handling_h > 0 else math.inf
    return calls_per_h * scenario.horizon_days * 24.0 * runs * wait, ""


def _family_peak_lines_per_h(scenario: Scenario, family: str) -> tuple[float | None, str]:
    """Busiest-hour line rate of a family with Poisson unit demand, or why it is not."""
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
    return peak_per_h, ""


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
    peak_per_h, why = _family_peak_lines_per_h(scenario, family)
    if peak_per_h is None:
        return None, why
    if peak_per_h <= 0:
        return 1.0, ""
    fam = scenario.inventory.families[family]
    assert fam.policy.base_stock_units is not None
    result = continuous_base_stock(
        peak_per_h * 24.0, fam.lead_time_days.expected_value, fam.policy.base_stock_units
    )
    return result.fill_rate, ""


def expected_short_lines(
    scenario: Scenario, family: str, runs: int = 1
) -> tuple[float | None, str]:
    """Upper bound on the number of lines of ``family`` short of stock, over ``runs`` runs.

    Returns
    -------
    (float or None, str)
        ``λ_peak · horizon_h · runs · (1 − fill-rate bound)`` (lines) and ``""``; or ``None``
        and the reason no bound applies (see :func:`base_stock_fill_rate_bound`).
    """
    fill, why = base_stock_fill_rate_bound(scenario, family)
    if fill is None:
        return None, why
    peak_per_h, _ = _family_peak_lines_per_h(scenario, family)
    assert peak_per_h is not None
    return peak_per_h * scenario.horizon_days * 24.0 * runs * (1.0 - fill), ""


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
    rule: str,
    expected_events: Callable[[Scenario], tuple[float | None, str]],
    costs_more: Callable[[Scenario], bool],
    describe: Callable[[Variant, float], str],
    limit: float,
    notes: list[str],
) -> dict[int, ScreenedVariant]:
    """Drop larger values of ``axis`` once a smaller one, all else equal, saturates service.

    Variants are grouped by every other parameter; in each group, sorted by ``axis``, the
    first variant whose expected number of service events (waits, shortages) over all its
    runs is at most ``limit`` is kept and every larger value is dropped as dominated by it.
    """
    groups: dict[str, list[Variant]] = {}
    for v in variants:
        value = v.params.get(axis)
        if isinstance(value, int) and not isinstance(value, bool):
            groups.setdefault(_group_key(v.params, axis), []).append(v)
    out: dict[int, ScreenedVariant] = {}
    for members in groups.values():
        members = sorted(members, key=lambda v: int(v.params[axis]))
        saturated: Variant | None = None
        events = math.nan
        for v in members:
            if saturated is not None:
                out[v.index] = ScreenedVariant(
                    v.variant_id,
                    v.index,
                    v.params,
                    rule,
                    describe(saturated, events),
                    saturated.variant_id,
                )
                continue
            value, why = expected_events(v.scenario)
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
            if value <= limit:
                saturated, events = v, value
    return out


def screen_variants(
    variants: Sequence[Variant],
    runs: int = 1,
    max_expected_events: float = MAX_EXPECTED_EVENTS,
) -> ScreeningReport:
    """Apply the screening rules of the module docstring.

    Parameters
    ----------
    variants : sequence of Variant
        The sweep's variants (design order).
    runs : int
        Most replications the sweep will make of a variant (>= 1); more runs make a waiting
        call somewhere more likely, so fewer variants are dropped.
    max_expected_events : float
        Expected number of waiting calls (short lines) over all runs of the smaller count
        below which larger counts are dropped (> 0; default 0.01).

    Returns
    -------
    ScreeningReport
        Kept and screened-out variants with reasons.
    """
    if runs < 1:
        raise ValueError(f"runs must be >= 1, got {runs}")
    if not max_expected_events > 0:
        raise ValueError(f"max_expected_events must be > 0, got {max_expected_events}")
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
            pool = match.group(1)

            def waits(scenario: Scenario, pool: str = pool) -> tuple[float | None, str]:
                return expected_waiting_calls(scenario, pool, runs)

            def agents_text(best: Variant, events: float, axis: str = axis) -> str:
                return (
                    f"dominated by {best.variant_id} ({best.params[axis]} agents): there, "
                    f"at most {events:.1e} calls are expected to wait in all {runs} run(s) "
                    f"(<= {max_expected_events:g}), so more agents leave every service metric "
                    "unchanged and only add wages"
                )

            screened.update(
                _dominance(
                    stable,
                    axis,
                    "agents_dominated",
                    waits,
                    lambda s: s.costs.agent_wage_usd_per_h > 0,
                    agents_text,
                    max_expected_events,
                    notes,
                )
            )
        match = _BASE_STOCK.match(axis)
        if match:
            family = match.group(1)

            def shorts(scenario: Scenario, family: str = family) -> tuple[float | None, str]:
                return expected_short_lines(scenario, family, runs)

            def holds(scenario: Scenario, family: str = family) -> bool:
                fam = scenario.inventory.families[family]
                return fam.unit_value_usd > 0 and scenario.costs.holding_rate_per_year > 0

            def stock_text(best: Variant, events: float, axis: str = axis) -> str:
                return (
                    f"dominated by {best.variant_id} (base stock {best.params[axis]}): there, "
                    f"at most {events:.1e} lines are expected short in all {runs} run(s) "
                    f"(<= {max_expected_events:g}), so more stock leaves every service metric "
                    "unchanged and only adds holding cost"
                )

            screened.update(
                _dominance(
                    stable,
                    axis,
                    "base_stock_dominated",
                    shorts,
                    holds,
                    stock_text,
                    max_expected_events,
                    notes,
                )
            )
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
        :func:`~tierwise.simulation.theory.erlang.servers_for_service_level`), λ in calls per
        staffed hour.
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
