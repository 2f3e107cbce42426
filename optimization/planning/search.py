"""The main job's decision space and the staged search over it.

Levers are scenario fields addressed by their dotted paths. The main job splits them in two:

* **grid levers**: the staffing of every queue (agents per pool, pickers, vehicles per fleet),
  combined as a full grid. Their ranges come from the scenario's ``decisions:`` section or, by
  default, from queueing theory (the least stable staff at the offered load and a few above).
* **coordinate levers**: everything else a planner decides: each tier's shipping mode (by
  default every mode of the scenario, for every tier), the staff of each shift block of a pool
  (or of the pickers) staffed by block (by default from the block's least stable staff, from
  its offered load, to two above what the scenario has), and whatever the ``decisions:``
  section declares besides staffing (rationing reserves, cut-offs, reorder points …).
  They are searched one at a time around the best configurations of the grid (coordinate
  search), so their number adds to the runs instead of multiplying them.

A lever whose path starts with ``tiers.<t>.`` is tier ``t``'s own; every other lever is shared
and belongs to the *configuration*
(:func:`~tierwise.optimization.planning.options.configuration_id`).

An integer grid lever whose best value sits at either end of its range is extended one step
beyond it (:func:`edge_extensions`), unless its range was declared (a declared range is a
bound), so the optimum ends inside the simulated range. Downwards a theory range stops at one
server. A theory range starts at the least staff that keeps the busiest day's queue stable;
below it work queues up on peak days and is worked off on quieter ones, which can still pay
when the tier's promise leaves room (a fleet short of its Monday load delivers the overflow
a day later), so the search looks there too.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tierwise.optimization.milp.problem import TierOption
from tierwise.optimization.planning.options import RUN_LENGTH_FIELDS, configuration_id
from tierwise.simulation.scenario.decisions import declared_levers
from tierwise.simulation.scenario.overrides import lookup_path
from tierwise.simulation.scenario.schema import Scenario
from tierwise.simulation.theory.loads import min_stable_servers_by_block

__all__ = [
    "STAFFING_SUFFIXES",
    "LeverSpace",
    "coordinate_moves",
    "coordinate_variants",
    "edge_extensions",
    "grid_variants",
    "is_tier_lever",
    "lever_base_values",
    "lever_space",
    "rank_configurations",
    "shared_levers",
]

logger = logging.getLogger(__name__)

#: Path endings of the staffing levers combined as a grid.
STAFFING_SUFFIXES = (".agents", "picking.pickers", ".vehicles", "own_team_agents")


def is_tier_lever(path: str) -> bool:
    """Whether ``path`` is a tier's own lever (``tiers.<t>.…``)."""
    return path.startswith("tiers.")


@dataclass(frozen=True)
class LeverSpace:
    """The levers the main job searches.

    Attributes
    ----------
    grid : Mapping[str, tuple]
        Staffing levers → candidate values, combined as a full grid.
    coordinate : Mapping[str, tuple]
        Other levers → candidate values, varied one at a time.
    fixed : Mapping[str, Any]
        Settings held for every variant (run length of the sweep, ``--set`` values).
    declared : frozenset of str
        Paths whose candidates the scenario's ``decisions:`` section declares (never extended).
    base_values : Mapping[str, Any]
        Each lever's value in the scenario as given.
    """

    grid: Mapping[str, tuple[Any, ...]]
    coordinate: Mapping[str, tuple[Any, ...]]
    fixed: Mapping[str, Any] = field(default_factory=dict)
    declared: frozenset[str] = frozenset()
    base_values: Mapping[str, Any] = field(default_factory=dict)

    @property
    def levers(self) -> tuple[str, ...]:
        """Every lever path, grid first."""
        return (*self.grid, *self.coordinate)


def lever_space(
    scenario: Scenario,
    theory_axes: Mapping[str, Sequence[Any]],
    overrides: Sequence[tuple[str, Any]] = (),
) -> LeverSpace:
    """The decision space of ``scenario``.

    Parameters
    ----------
    scenario : Scenario
        The scenario as given (its ``decisions:`` section, if any, is read).
    theory_axes : mapping
        Default staffing ranges and run-length settings (the main job's sweep axes, see
        :func:`tierwise.pipeline.auto_sweep_spec`); a one-value axis is held fixed.
    overrides : sequence of (path, value)
        ``--set`` values: held fixed, never searched.
    """
    held = dict(overrides)
    declared = declared_levers(scenario)
    grid: dict[str, tuple[Any, ...]] = {}
    coordinate: dict[str, tuple[Any, ...]] = {}
    fixed: dict[str, Any] = {}
    for path, values in theory_axes.items():
        if path in RUN_LENGTH_FIELDS or path in held or len(values) == 1:
            fixed[path] = values[0] if path not in held else held[path]
        elif path not in declared:
            grid[path] = tuple(values)
    for path, values in declared.items():
        if path in held:
            continue
        target = grid if path.endswith(STAFFING_SUFFIXES) else coordinate
        target[path] = tuple(values)
    data = scenario.model_dump(mode="json")
    for headcount, blocks in _block_levers(scenario).items():
        grid.pop(headcount, None)  # with blocks the headcount changes no simulated number
        for path, values in blocks.items():
            if path not in declared and path not in held:
                coordinate[path] = values
        if headcount not in held:  # at least the largest block of every variant
            staff = [v for path in blocks for v in coordinate.get(path, ())]
            fixed[headcount] = max([*staff, int(lookup_path(data, headcount))])
    modes = tuple(scenario.shipping.modes) if scenario.shipping.enabled else ()
    if len(modes) > 1:
        for tier in scenario.tiers:
            path = f"tiers.{tier}.shipping_mode"
            if path not in declared and path not in held:
                coordinate[path] = modes
    for path, value in held.items():
        fixed.setdefault(path, value)
    base_values = lever_base_values(scenario, (*grid, *coordinate))
    # the scenario's value as its candidate is written ([17] rather than the schema's [17.0]),
    # so tables and figures show one value once
    candidates = {**grid, **coordinate}
    base_values = {p: next((c for c in candidates[p] if c == v), v) for p, v in base_values.items()}
    return LeverSpace(grid, coordinate, fixed, frozenset(declared), base_values)


def _block_levers(scenario: Scenario) -> dict[str, dict[str, tuple[int, ...]]]:
    """Per staffed-by-block resource: its headcount path → {block path → candidate staff}."""
    out: dict[str, dict[str, tuple[int, ...]]] = {}
    resources: list[tuple[str, str, Mapping[str, int] | None]] = [
        (f"agents.{name}", f"order_entry.pools.{name}", pool.agents_by_block)
        for name, pool in scenario.order_entry.pools.items()
        if scenario.order_entry.enabled
    ]
    if scenario.picking.enabled:
        resources.append(("pickers", "picking", scenario.picking.pickers_by_block))
    for resource, prefix, blocks in resources:
        if not blocks:
            continue
        least = min_stable_servers_by_block(scenario, resource, list(blocks))
        field = "agents" if resource.startswith("agents.") else "pickers"
        out[f"{prefix}.{field}"] = {
            f"{prefix}.{field}_by_block.{block}": tuple(
                range(max(least[block], now - 2, 1), now + 3)
            )
            for block, now in blocks.items()
        }
    return out


def lever_base_values(scenario: Scenario, paths: Sequence[str]) -> dict[str, Any]:
    """The value of each lever path in ``scenario`` (a reserve it does not set is 0)."""
    data = scenario.model_dump(mode="json")
    values = {p: lookup_path(data, p) for p in paths}
    return {p: (0 if v is None and ".reserve_units." in p else v) for p, v in values.items()}


def grid_variants(space: LeverSpace) -> list[dict[str, Any]]:
    """Every combination of the grid levers, each with the fixed settings."""
    combos = itertools.product(*space.grid.values()) if space.grid else [()]
    return [{**dict(zip(space.grid, combo, strict=True)), **space.fixed} for combo in combos]


def rank_configurations(options: Sequence[TierOption]) -> list[str]:
    """Configurations by the best profit each allows, best first.

    A configuration's score is the sum over tiers of the most profitable option the tier has
    in it (no budget or targets: a ranking to choose where to search next, not a plan);
    a configuration that lacks an option for some tier is left out.
    """
    tiers = list(dict.fromkeys(o.tier for o in options))
    best: dict[str, dict[str, float]] = {}
    for o in options:
        per_tier = best.setdefault(o.configuration, {})
        per_tier[o.tier] = max(per_tier.get(o.tier, float("-inf")), o.profit_per_day_usd)
    scores = {c: sum(v.values()) for c, v in best.items() if len(v) == len(tiers)}
    return sorted(scores, key=lambda c: scores[c], reverse=True)


def shared_levers(params: Mapping[str, Any]) -> dict[str, Any]:
    """The shared levers of a variant's settings: every one but the tiers' own."""
    return {k: v for k, v in params.items() if not is_tier_lever(k)}


def coordinate_variants(
    configuration_params: Mapping[str, Any], space: LeverSpace
) -> list[dict[str, Any]]:
    """The variants of :func:`coordinate_moves`, without the moved lever's path."""
    return [variant for _, variant in coordinate_moves(configuration_params, space)]


def coordinate_moves(
    configuration_params: Mapping[str, Any], space: LeverSpace
) -> list[tuple[str, dict[str, Any]]]:
    """The variants one coordinate lever away from a configuration, each with that lever.

    Parameters
    ----------
    configuration_params : mapping
        A variant's settings (its shared levers are kept, tier levers reset to the base).
    space : LeverSpace
        The decision space.

    Returns
    -------
    list of (str, dict)
        For each coordinate lever and each of its candidates other than the configuration's
        (or the scenario's) value, the lever's path and the configuration with that one lever
        changed; an integer lever at an end of a default (not declared) range also gets one
        step beyond it. Each integer grid (staffing) lever also moves one step of its grid
        (the smallest gap between its candidates) down and up from the configuration's value,
        past its range too unless declared, never below one: the staff the grid found best
        with the scenario's other levers is re-optimised once a move changed them (a later
        pickup, for instance, gives the pickers more time, so fewer may do).
    """
    # every shared lever set explicitly (the scenario's value where the configuration has
    # none), so each variant spells every setting as its candidate does
    start = {
        **shared_levers(space.base_values),
        **shared_levers(configuration_params),
        **space.fixed,
    }
    out: list[tuple[str, dict[str, Any]]] = []
    for path, values in space.coordinate.items():
        current = start.get(path, space.base_values.get(path))
        candidates = list(values)
        integral = _integral(values)
        if integral and path not in space.declared and current == max(values):
            candidates.append(current + 1)  # at the top of a default range: one step beyond
        if integral and path not in space.declared and current == min(values) and current > 1:
            candidates.append(current - 1)  # at its bottom: one step below
        for value in candidates:
            if value != current:
                out.append((path, {**start, path: value}))
    for path, values in space.grid.items():
        current = start.get(path, space.base_values.get(path))
        if not _integral(values) or not _integral([current]) or len(set(values)) < 2:
            continue
        step = min(b - a for a, b in itertools.pairwise(sorted(set(values))))
        for value in (current - step, current + step):
            inside = min(values) <= value <= max(values)
            if value >= 1 and (inside or path not in space.declared):
                out.append((path, {**start, path: value}))
    return out


def _integral(values: Sequence[Any]) -> bool:
    """Whether every value is an integer (not a bool)."""
    return all(isinstance(v, int) and not isinstance(v, bool) for v in values)


def edge_extensions(
    configuration_params: Mapping[str, Any], space: LeverSpace, tried: Mapping[str, set[Any]]
) -> list[dict[str, Any]]:
    """Variants one step beyond the range of each integer grid lever the best configuration
    has at an end of its range (never below one server).

    Parameters
    ----------
    configuration_params : mapping
        The best configuration's settings.
    space : LeverSpace
        The decision space (declared ranges are bounds and are not extended).
    tried : mapping of path → set of values
        Values already simulated per lever (an extension is never repeated).
    """
    out: list[dict[str, Any]] = []
    base = {**shared_levers(configuration_params), **space.fixed}
    for path, values in space.grid.items():
        if path in space.declared or not all(isinstance(v, int) for v in values):
            continue
        seen = sorted({*values, *tried.get(path, set())})
        best = base.get(path)
        if not isinstance(best, int) or len(seen) < 2:
            continue
        step = min(b - a for a, b in itertools.pairwise(seen))
        if best == seen[-1]:
            out.append({**base, path: best + step})
        elif best == seen[0] and best - step >= 1:
            out.append({**base, path: best - step})
    for variant in out:
        logger.info("extending the range: %s", configuration_id(variant))
    return out
