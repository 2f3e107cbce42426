"""The main job's sweep in stages: the staffing grid, edge extensions, coordinate search.

1. **grid**: every combination of the staffing levers (:func:`grid_variants`), with theory
   screening;
2. **extension**: while the best configuration sits at the edge of an integer range that was
   not declared, one step beyond it (at most ``max_extensions`` times);
3. **coordinate**: around the ``top_k`` best configurations, every other lever one at a time
   (each tier's shipping mode, shift-block staff, declared reserves, cut-offs, …, and each
   staffing lever of the grid one grid step down and up), then around
   each better configuration a move finds, up to ``max_recentres`` times (coordinate ascent).
   A lever value that successive halving dropped around one configuration is not simulated
   again around the next ones; the final configuration gets its whole neighbourhood (every
   move, dropped ones included): no single-lever move beats it on the means simulated, a
   local optimum of the lever space;
4. **curve points**: every variant on a tier's cost-versus-service frontier (the Pareto set of
   the means) that halving left with its first replications gets the full number.

Every stage is run as successive halving (:mod:`tierwise.optimization.planning.racing`):
its candidates first get ``first_replications`` replications, and only the most profitable
third is topped up to ``replications``. Every stage runs on the same executor and cache, so a
variant simulated twice (or topped up) is read back.
The stages' tables are combined into one :class:`SweepResult`; a lever a stage did not vary
gets the scenario's value in the rows that lack it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from tierwise.optimization.milp.problem import TierOption
from tierwise.optimization.planning.options import options_from_table, tier_frontiers
from tierwise.optimization.planning.racing import survivors
from tierwise.optimization.planning.search import (
    LeverSpace,
    coordinate_moves,
    edge_extensions,
    grid_variants,
    rank_configurations,
    shared_levers,
)
from tierwise.optimization.planning.verify import plan_scenario
from tierwise.simulation.analysis.frontier import ON_FRONTIER
from tierwise.simulation.experiments.executor import Executor
from tierwise.simulation.experiments.sweep import SweepProgress, run_sweep
from tierwise.simulation.experiments.sweep_result import SweepResult, param_cell_text
from tierwise.simulation.experiments.sweep_spec import SweepPlan, plan_sweep
from tierwise.simulation.scenario.errors import ScenarioError
from tierwise.simulation.scenario.overrides import lookup_path
from tierwise.simulation.scenario.schema import Scenario
from tierwise.simulation.theory.loads import offered_loads

__all__ = ["run_staged_sweep", "sweep_options"]

logger = logging.getLogger(__name__)


def sweep_options(
    table: pd.DataFrame, responses: Mapping[str, Any], metric: str, space: LeverSpace
) -> list[TierOption]:
    """Options of a combined staged-sweep table (one tier's own lever changed at a time)."""
    ok = table[table["error"].fillna("") == ""]
    return options_from_table(ok, responses, metric, base_params=space.base_values)


def _fill_levers(table: pd.DataFrame, space: LeverSpace, base: Scenario) -> pd.DataFrame:
    """Rows of a stage that did not vary a setting get the scenario's value of it (a lever's
    base value; a setting only some stage set, e.g. a fleet resized for a mode move, its value
    in ``base``)."""
    dump = base.model_dump(mode="json")
    values = {
        str(c).removeprefix("param."): None for c in table.columns if str(c).startswith("param.")
    }
    values.update(space.base_values)
    for path, value in values.items():
        column = f"param.{path}"
        if column not in table.columns:
            continue
        if value is None:
            value = lookup_path(dump, path)
            if value is None:
                continue
        missing = table[column].isna()
        if not missing.any():
            continue
        if isinstance(value, int) and not isinstance(value, bool):
            table[column] = table[column].fillna(value).round().astype("int64")
        else:
            # the table holds a non-scalar setting as JSON text (sweep_result._param_column)
            text = value if isinstance(value, str) else param_cell_text(value)
            table[column] = table[column].astype(object)
            table.loc[missing, column] = [text] * int(missing.sum())
    return table


def _combine(results: Sequence[SweepResult], space: LeverSpace, base: Scenario) -> SweepResult:
    first = results[0]
    if len(results) == 1:
        return first
    table = pd.concat([r.table for r in results], ignore_index=True, sort=False)
    table = table.drop_duplicates(["variant_id", "replication"]).reset_index(drop=True)
    variants = {v.variant_id: v for r in results for v in r.plan.variants}
    return replace(
        first,
        table=_fill_levers(table, space, base),
        plan=replace(first.plan, variants=tuple(variants.values())),
        executed=sum(r.executed for r in results),
        cached=sum(r.cached for r in results),
        screened_out=tuple(s for r in results for s in r.screened_out),
        elapsed_s=sum(r.elapsed_s for r in results),
    )


def _stabilised(
    variant: dict[str, Any], base: Scenario, resized: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """``variant`` with every fleet it overloads given the least vehicles that carry its
    orders (a tier moved onto a fleet brings its orders with it); the fleets named in
    ``resized`` (the modes a tier left or joined) get that least number also downwards (a tier
    that leaves a fleet takes its vehicles' cost with it; a fleet keeps one vehicle). Other
    fleets keep the variant's vehicles."""
    try:
        scenario = plan_scenario(base, list(variant.items()))
    except ScenarioError:
        return variant  # the sweep records why
    out = dict(variant)
    for load in offered_loads(scenario):
        kind, _, mode = load.resource.partition(".")
        if kind != "vehicles":
            continue
        least = max(load.min_stable_servers, 1)
        if load.servers < least or (mode in resized and load.servers > least):
            out[f"shipping.modes.{mode}.vehicles"] = least
    return out


def run_staged_sweep(
    scenario_path: Path,
    base: Scenario,
    name: str,
    space: LeverSpace,
    *,
    replications: int,
    responses: Mapping[str, Any],
    metric: str,
    executor: Executor,
    cache_dir: Path,
    screening: bool = True,
    first_replications: int = 2,
    curve_points: bool = True,
    certify: bool = True,
    top_k: int = 2,
    max_extensions: int = 2,
    max_recentres: int = 3,
    progress: Callable[[str, SweepProgress | None], None] | None = None,
) -> SweepResult:
    """Simulate the decision space ``space`` of the scenario at ``scenario_path`` in stages.

    Parameters
    ----------
    scenario_path : Path
        The scenario file (variants are its settings plus the levers' values).
    base : Scenario
        That scenario as loaded (with the fixed settings), to size fleets for coordinate moves.
    name : str
        Name of the sweep (tables and messages).
    space : LeverSpace
        The decision space.
    replications : int
        Replications per variant.
    responses : mapping
        Tier → revenue response (to rank configurations by profit between stages).
    metric : str
        Service metric of the responses.
    executor : Executor
        The running pool every stage uses.
    cache_dir : Path
        Run cache shared by the stages.
    screening : bool
        Theory screening of the grid stage (as for the full ``replications``).
    first_replications : int
        Replications every candidate of a stage gets before successive halving keeps the best
        third for the full ``replications`` (at least ``replications`` turns halving off).
    curve_points : bool
        Top up every variant on a tier's frontier to the full ``replications`` at the end.
    certify : bool
        Search the final configuration's whole neighbourhood (every coordinate move, dropped
        values included).
    top_k : int
        Configurations the coordinate stage searches around.
    max_extensions : int
        Most edge-extension stages.
    max_recentres : int
        Most coordinate stages around a configuration a coordinate move found (coordinate
        ascent; it stops earlier when no move improves the best configuration).
    progress : callable, optional
        ``progress(message, sweep_state)``.

    Raises
    ------
    ScenarioError
        If a variant is not a valid scenario.
    """
    results: list[SweepResult] = []
    seen: set[str] = set()

    first = max(1, min(first_replications, replications))

    def simulate(plan: SweepPlan, label: str) -> SweepResult:
        if progress:
            progress(f"sweep ({label}): {len(plan.variants)} variants × {plan.replications}", None)
        result = run_sweep(
            plan,
            executor=executor,
            cache_dir=cache_dir,
            screening_runs=replications,
            progress=(lambda s: progress("sweep", s)) if progress else None,
        )
        results.append(result)
        return result

    def stage(variants: list[dict[str, Any]], label: str, grid: bool = False) -> list[bool]:
        """Simulate the new ones of ``variants`` with successive halving; per variant of
        ``variants``, whether it went on to the full replications (True when it was simulated
        before, or when nothing could be told); ``[]`` when none was new."""
        keys = {_key(v): _scenario_key(v, base) for v in variants}
        fresh = [v for v in variants if keys[_key(v)] not in seen]
        fresh = list({keys[_key(v)]: v for v in fresh}.values())  # one per scenario
        if not fresh:
            return []
        seen.update(keys[_key(v)] for v in fresh)
        if grid:
            axes = {p: list(v) for p, v in space.grid.items()}
            axes.update({p: [v] for p, v in space.fixed.items()})
            spec: dict[str, Any] = {"axes": axes, "design": "grid"}
        else:
            spec = {"axes": {}, "design": {"kind": "list", "variants": fresh}}
        # the grid's source names the scenario file ("run sweep of PATH"): a run folder without
        # a manifest is traced back to its scenario through it (sweep.summary.json)
        source = (
            f"run sweep of {scenario_path}" if grid else f"run sweep ({label}) of {scenario_path}"
        )
        spec.update(
            {
                "name": name,
                "base": scenario_path.name,
                "replications": first,
                "screening": screening and grid,
            }
        )
        result = simulate(plan_sweep(spec, base_dir=scenario_path.parent, source=source), label)
        if first >= replications:
            return [True] * len(variants)
        table = _combine(results, space, base).table
        ids = [v.variant_id for v in result.plan.variants]
        best = set(survivors(table, ids, responses, metric))
        top_up = _topped_up(result.plan, best, replications)
        if top_up.variants:
            simulate(top_up, f"{label}, best third")
        if grid or len(ids) != len(fresh):
            return [True] * len(variants)
        went_on = {keys[_key(v)]: vid in best for v, vid in zip(fresh, ids, strict=True)}
        return [went_on.get(keys[_key(v)], True) for v in variants]

    # (lever, value) pairs a coordinate stage found clearly worse than its best candidates:
    # later stages, around other configurations, do not simulate them again
    dropped: set[tuple[str, str]] = set()

    def search_around(configuration_params: Mapping[str, Any], every_move: bool = False) -> None:
        moves = [
            (path, move)
            for path, move in coordinate_moves(configuration_params, space)
            if every_move or (path, param_cell_text(move[path])) not in dropped
        ]
        went_on = stage(
            [
                _stabilised(m, base, _modes_moved(path, m, configuration_params, space))
                for path, m in moves
            ],
            "coordinate search",
        )
        for (path, move), kept in zip(moves, went_on, strict=False):
            if not kept:
                dropped.add((path, param_cell_text(move[path])))

    def ranked() -> tuple[list[str], dict[str, dict[str, Any]]]:
        combined = _combine(results, space, base)
        options = sweep_options(combined.table, responses, metric, space)
        params = {o.configuration: shared_levers(o.params) for o in options}
        return rank_configurations(options), params

    stage(grid_variants(space), "grid", grid=True)
    tried: dict[str, set[Any]] = {p: set(v) for p, v in space.grid.items()}
    for _ in range(max_extensions):
        order, params = ranked()
        if not order:
            break
        extensions = edge_extensions(params[order[0]], space, tried)
        for variant in extensions:
            for path in space.grid:
                tried.setdefault(path, set()).add(variant.get(path))
        if not stage(extensions, "range extension"):
            break
    if space.coordinate:
        order, params = ranked()
        searched = set(order[:top_k])
        for configuration in order[:top_k]:
            search_around(params[configuration])
        # coordinate ascent: while a move found a better configuration, search around it
        for _ in range(max_recentres):
            order, params = ranked()
            if not order or order[0] in searched:
                break
            searched.add(order[0])
            search_around(params[order[0]])
        # the final configuration's whole neighbourhood, the values dropped around other
        # configurations included: it certifies a local optimum, and it gives each tier's
        # curve the moves that raise its service past the profit peak
        certified: set[str] = set()
        for _ in range(max_recentres + 1 if certify else 0):
            order, params = ranked()
            if not order or order[0] in certified:
                break
            certified.add(order[0])
            search_around(params[order[0]], every_move=True)
        else:
            if certify:
                logger.info("final neighbourhood: round limit reached before a local optimum")
    if not results:
        raise RuntimeError("the decision space has no variant to simulate")
    if curve_points and first < replications:
        _top_up_curves(results, space, base, responses, metric, replications, simulate)
    return _combine(results, space, base)


def _top_up_curves(
    results: list[SweepResult],
    space: LeverSpace,
    base: Scenario,
    responses: Mapping[str, Any],
    metric: str,
    replications: int,
    simulate: Callable[[SweepPlan, str], SweepResult],
) -> None:
    """Give every variant on a tier's cost-versus-service frontier (the Pareto set of the
    means over the tier's own rows) the full ``replications``: the curves and the options
    the plan is chosen from get their precision where it matters. A topped-up mean can move
    another variant onto the frontier, so this repeats until none is left (three times at
    most)."""
    for _ in range(3):
        table = _combine(results, space, base).table
        ok = table[table["error"].fillna("") == ""]
        frontiers = tier_frontiers(ok, list(responses), metric, space.base_values, slack=0.0)
        counts = table.groupby("variant_id").size()  # a failed run is not run again
        wanted = {
            str(v)
            for frame in frontiers.values()
            for v in frame.loc[frame[ON_FRONTIER], "variant_id"]
            if counts.get(v, 0) < replications
        }
        if not wanted:
            return
        for result in list(results):  # a variant's own stage plan (its table columns)
            top_up = _topped_up(result.plan, wanted, replications)
            if not top_up.variants:
                continue
            wanted -= {v.variant_id for v in top_up.variants}
            simulate(top_up, "curve points")


def _topped_up(plan: SweepPlan, variant_ids: set[str], replications: int) -> SweepPlan:
    """``plan`` restricted to ``variant_ids`` with ``replications`` per variant: the same
    variants (same ids, same scenarios), so their first runs come from the cache."""
    return replace(
        plan,
        spec=plan.spec.model_copy(update={"replications": replications}),
        variants=tuple(v for v in plan.variants if v.variant_id in variant_ids),
    )


def _modes_moved(
    path: str, move: Mapping[str, Any], centre: Mapping[str, Any], space: LeverSpace
) -> frozenset[str]:
    """The shipping modes a move of a tier's mode leaves and joins (none for other moves)."""
    if not path.endswith(".shipping_mode"):
        return frozenset()
    before = centre.get(path, space.base_values.get(path))
    return frozenset(str(m) for m in (before, move.get(path)) if m is not None)


def _key(variant: Mapping[str, Any]) -> str:
    return repr(sorted(variant.items(), key=lambda kv: kv[0]))


def _scenario_key(variant: Mapping[str, Any], base: Scenario) -> str:
    """The content hash of the scenario ``variant`` makes of ``base`` (two spellings of one
    setting, ``[17]`` and ``[17.0]``, are one scenario); the variant's text when it is not a
    valid scenario (the sweep records why)."""
    try:
        return plan_scenario(base, list(variant.items())).content_hash
    except ScenarioError:
        return _key(variant)
