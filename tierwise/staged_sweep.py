"""The main job's sweep in stages: the staffing grid, edge extensions, coordinate search.

1. **grid**: every combination of the staffing levers (:func:`grid_variants`), with theory
   screening;
2. **extension**: while the best configuration sits at the edge of an integer range that was
   not declared, one step beyond it (at most ``max_extensions`` times);
3. **coordinate**: around the ``top_k`` best configurations, every other lever one at a time
   (each tier's shipping mode, shift-block staff, declared reserves, cut-offs, …), then around
   each better configuration a move finds, up to ``max_recentres`` times (coordinate ascent).

Every stage runs on the same executor and cache, so a variant simulated twice is read back.
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
from tierwise.optimization.planning.options import options_from_table
from tierwise.optimization.planning.search import (
    LeverSpace,
    coordinate_variants,
    edge_extensions,
    grid_variants,
    rank_configurations,
    shared_levers,
)
from tierwise.optimization.planning.verify import plan_scenario
from tierwise.simulation.experiments.executor import Executor
from tierwise.simulation.experiments.sweep import SweepProgress, run_sweep
from tierwise.simulation.experiments.sweep_result import SweepResult, param_cell_text
from tierwise.simulation.experiments.sweep_spec import plan_sweep
from tierwise.simulation.scenario.errors import ScenarioError
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


def _fill_levers(table: pd.DataFrame, space: LeverSpace) -> pd.DataFrame:
    """Rows of a stage that did not vary a lever get the scenario's value of it."""
    for path, value in space.base_values.items():
        column = f"param.{path}"
        if column not in table.columns:
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


def _combine(results: Sequence[SweepResult], space: LeverSpace) -> SweepResult:
    first = results[0]
    if len(results) == 1:
        return first
    table = pd.concat([r.table for r in results], ignore_index=True, sort=False)
    table = table.drop_duplicates(["variant_id", "replication"]).reset_index(drop=True)
    variants = {v.variant_id: v for r in results for v in r.plan.variants}
    return replace(
        first,
        table=_fill_levers(table, space),
        plan=replace(first.plan, variants=tuple(variants.values())),
        executed=sum(r.executed for r in results),
        cached=sum(r.cached for r in results),
        screened_out=tuple(s for r in results for s in r.screened_out),
        elapsed_s=sum(r.elapsed_s for r in results),
    )


def _stabilised(variant: dict[str, Any], base: Scenario) -> dict[str, Any]:
    """``variant`` with every fleet it overloads given the least vehicles that carry its
    orders (a tier moved onto a fleet brings its orders with it)."""
    try:
        scenario = plan_scenario(base, list(variant.items()))
    except ScenarioError:
        return variant  # the sweep records why
    out = dict(variant)
    for load in offered_loads(scenario):
        kind, _, mode = load.resource.partition(".")
        if kind == "vehicles" and load.servers < load.min_stable_servers:
            out[f"shipping.modes.{mode}.vehicles"] = load.min_stable_servers
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
        Theory screening of the grid stage.
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

    def stage(variants: list[dict[str, Any]], label: str, grid: bool = False) -> bool:
        fresh = [v for v in variants if _key(v) not in seen]
        if not fresh:
            return False
        seen.update(_key(v) for v in fresh)
        if grid:
            axes = {p: list(v) for p, v in space.grid.items()}
            axes.update({p: [v] for p, v in space.fixed.items()})
            spec: dict[str, Any] = {"axes": axes, "design": "grid", "screening": screening}
        else:
            spec = {"axes": {}, "design": {"kind": "list", "variants": fresh}, "screening": False}
        spec.update({"name": name, "base": scenario_path.name, "replications": replications})
        # the grid's source names the scenario file ("run sweep of PATH"): a run folder without
        # a manifest is traced back to its scenario through it (sweep.summary.json)
        source = (
            f"run sweep of {scenario_path}" if grid else f"run sweep ({label}) of {scenario_path}"
        )
        plan = plan_sweep(spec, base_dir=scenario_path.parent, source=source)
        if progress:
            progress(f"sweep ({label}): {len(plan.variants)} variants × {replications}", None)
        results.append(
            run_sweep(
                plan,
                executor=executor,
                cache_dir=cache_dir,
                progress=(lambda s: progress("sweep", s)) if progress else None,
            )
        )
        return True

    def ranked() -> tuple[list[str], dict[str, dict[str, Any]]]:
        combined = _combine(results, space)
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
            moves = coordinate_variants(params[configuration], space)
            stage([_stabilised(v, base) for v in moves], "coordinate search")
        # coordinate ascent: while a move found a better configuration, search around it
        for _ in range(max_recentres):
            order, params = ranked()
            if not order or order[0] in searched:
                break
            searched.add(order[0])
            moves = coordinate_variants(params[order[0]], space)
            stage([_stabilised(v, base) for v in moves], "coordinate search")
    if not results:
        raise RuntimeError("the decision space has no variant to simulate")
    return _combine(results, space)


def _key(variant: Mapping[str, Any]) -> str:
    return repr(sorted(variant.items(), key=lambda kv: kv[0]))
