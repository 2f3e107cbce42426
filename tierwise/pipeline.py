"""The main job, end to end: screening → sweep → curves → optimisation → verification.

:func:`run_pipeline` is what ``tierwise run`` calls; it returns data and writes files, and
reports progress through a callback (the CLI draws the progress bar).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tierwise.artifacts import Kind, Manifest, OutputFolder
from tierwise.figures.budget import plot_profit_vs_budget
from tierwise.figures.curves import write_curves
from tierwise.optimization.economics.tiers import TierResponse, tier_responses
from tierwise.optimization.milp.problem import PlanProblem, ResourceSpec
from tierwise.optimization.milp.result import PlanResult
from tierwise.optimization.milp.sensitivity import profit_vs_budget
from tierwise.optimization.milp.solve import solve
from tierwise.optimization.planning.curves import CurvesReport, build_curves
from tierwise.optimization.planning.options import options_from_table, resource_axes
from tierwise.optimization.planning.search import LeverSpace, lever_space
from tierwise.optimization.planning.verify import VerifiedPlan, verify_plan
from tierwise.plan_answers import PlanAnswers, answer_plan
from tierwise.simulation.experiments.executor import Executor, make_executor
from tierwise.simulation.experiments.sweep import SweepProgress
from tierwise.simulation.experiments.sweep_result import SweepResult
from tierwise.simulation.scenario.library import resolve_scenario_path
from tierwise.simulation.scenario.loading import load_scenario
from tierwise.simulation.scenario.schema import Scenario
from tierwise.simulation.theory.loads import offered_loads, weekly_orders
from tierwise.staged_sweep import run_staged_sweep

__all__ = [
    "PipelineConfig",
    "PipelineReport",
    "auto_sweep_spec",
    "horizon_warnings",
    "planning_problem",
    "replenishment_cycle_days",
    "run_pipeline",
    "sweep_measured_days",
    "sweep_warnings",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PipelineConfig:
    """Settings of one end-to-end run.

    Attributes
    ----------
    quick : bool
        Smaller grid, shorter horizon, fewer replications (a first look in seconds).
    workers : int
        Worker processes for the sweep and the verification.
    metric : str
        Service metric the plan is chosen on (``perfect_order_rate`` …).
    objective : {"profit", "cost"}
        Maximise profit, or minimise cost subject to ``min_service``.
    budget_per_day_usd : float, optional
        Cost ceiling (USD per day).
    min_service : mapping
        ``tier → minimum service level`` (service agreements).
    tier_order : sequence of str, optional
        E.g. ``("A", "B", "C")``: the plan's service must satisfy A ≥ B ≥ C.
    max_cost_per_order_usd : float, optional
        Ceiling on total cost per order (USD/order).
    solver : {"cbc", "highs"}
        MILP solver.
    time_limit_s : float
        Solver time limit per solve, seconds.
    verify : bool
        Re-simulate the plan and refine (closed loop).
    cache_dir : Path, optional
        Sweep cache (default: ``<out>/cache``).
    overrides : sequence of (path, value)
        What-if changes to the scenario (fixed during the sweep).
    overwrite : bool
        Use an output folder holding outputs no manifest lists (they are removed) instead of
        refusing it (:func:`tierwise.artifacts.check_output_folder`).
    """

    quick: bool = False
    workers: int = 1
    metric: str = "perfect_order_rate"
    objective: str = "profit"
    budget_per_day_usd: float | None = None
    min_service: Mapping[str, float] = field(default_factory=dict)
    tier_order: Sequence[str] | None = None
    max_cost_per_order_usd: float | None = None
    solver: str = "cbc"
    time_limit_s: float = 30.0
    verify: bool = True
    cache_dir: Path | None = None
    overrides: Sequence[tuple[str, Any]] = ()
    overwrite: bool = False


@dataclass(frozen=True)
class PipelineReport:
    """Everything the main job produced.

    Attributes
    ----------
    files : list of Path
        Every file written, in order (``manifest.json`` not included).
    manifest : Manifest
        What ``manifest.json`` of the output folder records (kinds, sizes, hashes).
    warnings : list of str
        Caveats of the run (:func:`horizon_warnings` of the sweep).
    answers : PlanAnswers
        Targets answered, the plan in words, today versus the plan
        (:func:`tierwise.plan_answers.answer_plan`).
    """

    scenario: Scenario
    sweep: SweepResult
    curves: CurvesReport
    problem: PlanProblem
    plan: PlanResult
    verified: VerifiedPlan | None
    budget_curve: pd.DataFrame
    files: list[Path]
    manifest: Manifest
    warnings: list[str] = field(default_factory=list)
    answers: PlanAnswers = field(default_factory=lambda: PlanAnswers({}))


def replenishment_cycle_days(scenario: Scenario) -> dict[str, float]:
    """Days from one replenishment order of each stocked family to the next one's arrival.

    Mean lead time (``lead_time_days``) plus the order cycle: ``order_quantity_units`` / mean
    units demanded per calendar day for ``sQ`` (demand: every tier's orders per week / 7 ×
    mean lines per order × mean units per line × its ``family_mix`` share), the review period
    for ``periodic``, nothing for ``base_stock``. Families without demand are left out; no
    families when the inventory is disabled.
    """
    if not scenario.inventory.enabled:
        return {}
    demand = dict.fromkeys(scenario.inventory.families, 0.0)
    for name, tier in scenario.tiers.items():
        units_per_day = (
            weekly_orders(scenario, name)
            / 7.0
            * tier.lines_per_order.expected_value
            * tier.units_per_line.expected_value
        )
        for family, share in (tier.family_mix or {}).items():
            demand[family] = demand.get(family, 0.0) + units_per_day * share
    cycles: dict[str, float] = {}
    for family, spec in scenario.inventory.families.items():
        policy = spec.policy
        if demand.get(family, 0.0) <= 0:
            continue
        if policy.kind == "sQ" and policy.order_quantity_units is not None:
            order_cycle = policy.order_quantity_units / demand[family]
        elif policy.kind == "periodic" and policy.review_period_days is not None:
            order_cycle = float(policy.review_period_days)
        else:
            order_cycle = 0.0
        cycles[family] = spec.lead_time_days.expected_value + order_cycle
    return cycles


def horizon_warnings(
    scenario: Scenario, measured_days: float, what: str, remedy: str = ""
) -> list[str]:
    """Warnings when ``measured_days`` (the measurement window of ``what``, days) is shorter
    than a family's replenishment cycle (:func:`replenishment_cycle_days`): stock-outs of that
    family may fall outside the window, and line fill rates look better than they are.
    ``remedy`` (e.g. ``"drop --quick"``) ends the message."""
    short = {f: c for f, c in replenishment_cycle_days(scenario).items() if c > measured_days}
    if not short:
        return []
    families = ", ".join(f"{f} ≈ {c:.1f} d" for f, c in short.items())
    return [
        f"{what} measures {measured_days:g} days, less than the replenishment cycle (lead time "
        f"+ order cycle) of {families}: stock-outs may fall outside the window and line fill "
        "rates may look better than they are" + (f" ({remedy})" if remedy else "")
    ]


def sweep_measured_days(
    scenario: Scenario, quick: bool, overrides: Sequence[tuple[str, Any]] = ()
) -> float:
    """Days each run of the main job's sweep measures (:func:`auto_sweep_spec`)."""
    spec = auto_sweep_spec(Path("scenario.yaml"), scenario, quick, overrides)
    horizon = spec["axes"].get("horizon_days", [scenario.horizon_days])[0]
    warmup = spec["axes"].get("warmup_days", [scenario.warmup_days])[0]
    return float(horizon - warmup)


def sweep_warnings(
    scenario: Scenario, quick: bool, overrides: Sequence[tuple[str, Any]] = ()
) -> list[str]:
    """:func:`horizon_warnings` of the main job's sweep (``quick`` or full; ``overrides`` as
    given to :func:`auto_sweep_spec`)."""
    remedy = (
        "drop --quick for two measured weeks"
        if quick
        else "the verification re-simulates the plan on the scenario's own horizon"
    )
    measured = sweep_measured_days(scenario, quick, overrides)
    return horizon_warnings(scenario, measured, "the sweep", remedy)


def auto_sweep_spec(
    scenario_path: Path, scenario: Scenario, quick: bool, overrides: Sequence[tuple[str, Any]] = ()
) -> dict[str, Any]:
    """A sweep around the stable staffing of every queue of ``scenario``.

    Agents per pool and pickers start at the least stable count (from the offered load) and
    go a few above it; fleet vehicles at the least count that carries the orders, and one more.
    Fields given in ``overrides`` are held fixed. Each run measures whole weeks after the
    warm-up: one with ``quick``, otherwise two or as many as cover twice the longest
    replenishment cycle (:func:`replenishment_cycle_days`), never more than the scenario's own
    horizon.
    """
    fixed = dict(overrides)
    axes: dict[str, list[Any]] = {}
    steps = (0, 1, 2) if quick else (0, 1, 2, 3)
    for load in offered_loads(scenario):
        kind, _, name = load.resource.partition(".")
        base = load.min_stable_servers
        if kind == "agents":
            axes[f"order_entry.pools.{name}.agents"] = [base + s for s in steps]
        elif kind == "pickers":
            axes["picking.pickers"] = [base + s for s in ((0, 1, 3) if quick else (0, 1, 2, 4))]
        elif kind == "vehicles":
            axes[f"shipping.modes.{name}.vehicles"] = [base] if quick else [base, base + 1]
    axes = {k: v for k, v in axes.items() if k not in fixed}
    for path, value in fixed.items():
        axes[path] = [value]
    # the sweep measures whole weeks after the warm-up, so every weekday counts equally (costs
    # are per calendar day and weekends differ): quick one; full two, or as many as cover
    # twice the longest replenishment cycle (the first cycle still lives on the initial stock),
    # so that reorder points and reserves are judged on windows that hold their stock-outs; at
    # most the scenario's own horizon, on which the verification re-simulates the plan
    cycles = replenishment_cycle_days(scenario).values()
    measured = 7.0 if quick else 7.0 * max(2, math.ceil(2.0 * max(cycles, default=0.0) / 7.0))
    warmup = min(scenario.warmup_days, 3.0) if quick else scenario.warmup_days
    if scenario.horizon_days - scenario.warmup_days > measured:
        axes.setdefault("horizon_days", [warmup + measured])
        axes.setdefault("warmup_days", [warmup])
    return {
        "name": f"{scenario.name}-run",
        "base": scenario_path.name,
        "axes": axes,
        "design": "grid",
        "replications": 3 if quick else min(max(scenario.replications, 3), 4),
        "screening": True,
    }


def _refuse_other_metrics(responses: Mapping[str, Any], metric: str) -> None:
    """ValueError when a tier's response reads a service metric other than the plan's."""
    other = {
        tier: r.service_metric
        for tier, r in responses.items()
        if isinstance(r, TierResponse) and r.service_metric != metric
    }
    if other:
        listed = ", ".join(f"tier {t} reads {m}" for t, m in other.items())
        raise ValueError(
            f"the plan's service metric is {metric}, but the revenue response of {listed}; "
            "plan on that metric (--metric) or drop service_metric from the response"
        )


def planning_problem(
    table: pd.DataFrame,
    responses: Mapping[str, Any],
    metric: str,
    objective: str = "profit",
    budget_per_day_usd: float | None = None,
    min_service: Mapping[str, float] | None = None,
    tier_order: Sequence[str] | None = None,
    max_cost_per_order_usd: float | None = None,
    base_params: Mapping[str, Any] | None = None,
) -> PlanProblem:
    """The MILP input from a sweep table: every simulated variant an option per tier, pooled
    resources.

    An option's revenue is its tier's response at the variant's mean ``metric``; a
    :class:`~tierwise.optimization.economics.tiers.TierResponse` that reads another service
    metric is refused (the plan prices and constrains one metric).

    ``base_params`` (the scenario's value of each lever) makes a variant that changes one
    tier's own lever an option of that tier only (see
    :func:`~tierwise.optimization.planning.options.options_from_table`).

    Raises
    ------
    ValueError
        Unknown ``objective``, or a response reading a metric other than ``metric``.
    """
    _refuse_other_metrics(responses, metric)
    options = options_from_table(table, responses, metric, base_params=base_params)
    resources = [ResourceSpec(name=path, pooled=True) for path in resource_axes(table)]
    if objective not in ("profit", "cost"):
        raise ValueError(f"objective {objective!r}: allowed are 'profit' and 'cost'")
    return PlanProblem(
        options=options,
        resources=resources,
        budget_per_day_usd=budget_per_day_usd,
        min_service=dict(min_service or {}),
        tier_order=list(tier_order) if tier_order else None,
        max_cost_per_order_usd=max_cost_per_order_usd,
        objective="profit" if objective == "profit" else "cost",
        service_metric=metric,
    )


def run_pipeline(
    scenario_path: str | Path,
    out_dir: str | Path,
    config: PipelineConfig = PipelineConfig(),
    progress: Callable[[str, SweepProgress | None], None] | None = None,
) -> PipelineReport:
    """Screening → sweep → curves → optimisation → verification → files in ``out_dir``.

    Parameters
    ----------
    scenario_path : str or Path
        Scenario YAML, or the name of a bundled scenario (``"default"``).
    out_dir : str or Path
        Output folder (created; the files of an earlier run recorded in its manifest are
        replaced).
    config : PipelineConfig
        Settings.
    progress : callable, optional
        ``progress(message, sweep_state_or_None)`` at each step.

    Files (recorded in ``manifest.json`` by kind): ``sweep.parquet`` and
    ``sweep.summary.json``, ``cost_vs_service.png/svg``, ``revenue_cost_profit.png/svg``,
    ``frontier.csv``, ``profit_curves.csv``, ``optimum.csv``, ``profit_vs_budget.png/svg`` and
    ``.csv``, ``plan.json`` (with the targets answered, their price and the plan in words),
    ``plan.csv``, ``verification.csv``, ``baseline_comparison.csv`` (today versus the plan, with
    verification), ``plan_scenario_overrides.json``.

    The output folder is opened (clearing the files of its earlier run) once the scenario and
    its revenue settings are valid, before the sweep; ``manifest.json`` is written even when a
    later step fails.

    Raises
    ------
    ScenarioError
        Missing or invalid scenario, or invalid revenue settings.
    ValueError
        A tier's revenue response reads a service metric other than ``config.metric``.
    tierwise.artifacts.ArtifactError
        ``out_dir`` exists and is not a folder, or holds outputs no manifest lists and
        ``config.overwrite`` is false (raised before anything is simulated).
    RuntimeError
        Every variant of the sweep failed.
    """
    path = resolve_scenario_path(scenario_path) or Path(scenario_path)
    scenario = load_scenario(path, config.overrides)
    responses = tier_responses(scenario, config.metric)  # fails early on bad revenue settings
    _refuse_other_metrics(responses, config.metric)
    with OutputFolder(
        out_dir,
        scenario_path=path,
        scenario_name=scenario.name,
        scenario_hash=scenario.content_hash,
        overwrite=config.overwrite,
    ) as folder:
        return _run_into(folder, path, scenario, responses, config, progress)


def _run_into(
    folder: OutputFolder,
    path: Path,
    scenario: Scenario,
    responses: Mapping[str, TierResponse],
    config: PipelineConfig,
    progress: Callable[[str, SweepProgress | None], None] | None,
) -> PipelineReport:
    """The steps of :func:`run_pipeline` once its output folder is open."""

    def say(message: str, state: SweepProgress | None = None) -> None:
        logger.info(message)
        if progress:
            progress(message, state)

    spec = auto_sweep_spec(path, scenario, config.quick, config.overrides)
    warnings = sweep_warnings(scenario, config.quick, config.overrides)
    for warning in warnings:
        logger.info("%s", warning)
    space = lever_space(scenario, spec["axes"], config.overrides)
    say(
        f"decision space: {len(space.grid)} staffing levers as a grid, "
        f"{len(space.coordinate)} levers searched one at a time"
    )
    # one pool for the sweep and the verification: its workers start once per job
    with make_executor("processes", config.workers) as pool:
        return _simulate_and_plan(
            folder,
            path,
            scenario,
            responses,
            config,
            space,
            int(spec["replications"]),
            warnings,
            pool,
            say,
        )


def _simulate_and_plan(
    folder: OutputFolder,
    path: Path,
    scenario: Scenario,
    responses: Mapping[str, TierResponse],
    config: PipelineConfig,
    space: LeverSpace,
    replications: int,
    warnings: list[str],
    pool: Executor,
    say: Callable[..., None],
) -> PipelineReport:
    """Staged sweep → curves → optimisation → verification → files, on one running ``pool``."""
    out = folder.path
    sweep = run_staged_sweep(
        path,
        scenario,
        f"{scenario.name}-run",
        space,
        replications=replications,
        responses=responses,
        metric=config.metric,
        executor=pool,
        cache_dir=config.cache_dir or out / "cache",
        first_replications=2,
        top_k=2 if config.quick else 3,
        max_recentres=2 if config.quick else 4,
        progress=say,
    )
    for saved in sweep.save(out / "sweep.parquet"):
        kind = Kind.SWEEP_SUMMARY if saved.name.endswith(".summary.json") else Kind.SWEEP_TABLE
        folder.record(saved, kind)
    table = sweep.table
    ok = table[table["error"].fillna("") == ""]
    if ok.empty:
        folder.finish()
        raise RuntimeError(
            "every variant of the sweep failed: "
            + "; ".join(sorted(set(table["error"].astype(str)))[:3])
        )
    say("curves")
    curves = build_curves(
        table, metric=config.metric, responses=responses, base_params=space.base_values
    )
    write_curves(curves, folder, scenario.name)
    problem = planning_problem(
        table,
        responses,
        config.metric,
        config.objective,
        config.budget_per_day_usd,
        config.min_service,
        config.tier_order,
        config.max_cost_per_order_usd,
        base_params=space.base_values,
    )
    say("optimisation")
    verified: VerifiedPlan | None = None
    if config.verify:
        verified = verify_plan(
            problem,
            scenario,
            responses,
            config.metric,
            replications=max(replications * 2, 4),
            executor=pool,
            solver=config.solver,
            time_limit_s=config.time_limit_s,
            progress=lambda m: say(m),
        )
        result = verified.plan
        folder.write_frame("verification.csv", verified.checks_frame(), Kind.VERIFICATION)
    else:
        result = solve(problem, solver=config.solver, time_limit_s=config.time_limit_s)
    budget_curve = pd.DataFrame()
    if result.status.has_plan:
        budget_curve = _budget_curve(problem, config)
        if not budget_curve.empty:
            fig = plot_profit_vs_budget(budget_curve, f"{scenario.name}: profit vs budget")
            folder.write_figure("profit_vs_budget", fig, "profit, revenue, cost vs budget")
            folder.write_frame("profit_vs_budget.csv", budget_curve, Kind.BUDGET_CURVE)
    answers = answer_plan(
        folder,
        scenario,
        problem,
        result,
        verified,
        space.base_values,
        config.solver,
        config.time_limit_s,
        executor=pool,
        say=say,
    )
    folder.write_json("plan.json", answers.document, Kind.PLAN, "the chosen plan")
    folder.write_frame("plan.csv", result.to_frame(), Kind.PLAN_TABLE, "one row per tier")
    if verified is not None and verified.rounds:
        folder.write_json(
            "plan_scenario_overrides.json",
            dict(verified.rounds[-1].overrides),
            Kind.PLAN_OVERRIDES,
            "dotted path → value reproducing the plan from the scenario",
        )
    files = folder.files
    manifest = folder.finish()
    return PipelineReport(
        scenario,
        sweep,
        curves,
        problem,
        result,
        verified,
        budget_curve,
        files,
        manifest,
        warnings,
        answers,
    )


def _budget_curve(problem: PlanProblem, config: PipelineConfig) -> pd.DataFrame:
    """Profit against a budget (USD/day): 9 budgets from the cheapest plan to the profit
    optimum's cost, where each extra dollar still buys profit, and 3 beyond it (+5, +15, +30 %),
    where it stops paying (without any plan: the options' cost range); empty when every plan
    costs the same. Every other constraint of
    ``problem`` (minimum service and its basis, tier order, cost per order) holds at each
    budget."""
    no_budget = replace(problem, budget_per_day_usd=None, objective="profit")
    cheapest = solve(
        replace(no_budget, objective="cost"), solver=config.solver, time_limit_s=config.time_limit_s
    )
    best = solve(no_budget, solver=config.solver, time_limit_s=config.time_limit_s)
    low, top = cheapest.total_cost_per_day_usd, best.total_cost_per_day_usd
    if not (cheapest.status.has_plan and best.status.has_plan) or low is None or top is None:
        # no plan at any budget: the options' own cost range shows it (every row infeasible)
        low = sum(min(o.cost_per_day_usd for o in problem.options_for(t)) for t in problem.tiers)
        top = sum(max(o.cost_per_day_usd for o in problem.options_for(t)) for t in problem.tiers)
    if not top > low:
        return pd.DataFrame()
    budgets = [*np.linspace(low, top, 9), *(top * f for f in (1.05, 1.15, 1.3))]
    return profit_vs_budget(
        no_budget, budgets, solver=config.solver, time_limit_s=config.time_limit_s
    )
