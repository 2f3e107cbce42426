"""Run a sweep: every variant × replication, in parallel, cached, resumable.

:func:`run_sweep` expands a spec (:mod:`tierwise.simulation.experiments.sweep_spec`), screens out
variants that analytic theory settles (:mod:`tierwise.simulation.experiments.screening`), reads
what it can from the cache (:mod:`tierwise.simulation.experiments.cache`) and simulates the rest
on an executor (:mod:`tierwise.simulation.experiments.executor`: local worker processes or a
:mod:`dask.distributed` cluster). The result is a
:class:`~tierwise.simulation.experiments.sweep_result.SweepResult`: one table row per
variant × replication (layout in :mod:`tierwise.simulation.experiments.sweep_result`).

Each run depends only on ``(scenario, replication)`` (the engine derives its random streams
from the scenario seed and the replication index), so the table is identical for any backend
and any number of workers, and a cached result equals a fresh one bit for bit. A variant that
raises, or that :func:`~tierwise.simulation.theory.loads.check_stability` finds unstable, is
recorded with its error and the sweep goes on. Results are cached as they arrive, so a sweep
killed halfway resumes with only the missing runs. With a ``precision`` target, every variant
follows the sequential rule of :mod:`tierwise.simulation.experiments.precision`.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tierwise.simulation.experiments.cache import ResultCache
from tierwise.simulation.experiments.executor import Backend, Executor, make_executor
from tierwise.simulation.experiments.precision import (
    PrecisionRule,
    default_precision_metrics,
    worst_relative_half_width,
)
from tierwise.simulation.experiments.sweep_result import JobKey, SweepResult, sweep_table
from tierwise.simulation.experiments.sweep_spec import SweepPlan, Variant, load_sweep
from tierwise.simulation.experiments.tasks import (
    Outcome,
    longest_first,
    one_line,
    simulate_outcome,
)
from tierwise.simulation.scenario.schema import Scenario
from tierwise.simulation.theory.loads import UnstableScenarioError, check_stability

__all__ = ["DEFAULT_CACHE_DIR", "SweepProgress", "run_sweep"]

logger = logging.getLogger(__name__)

#: Default cache folder (covered by ``.gitignore``).
DEFAULT_CACHE_DIR = Path(".tierwise-cache")


@dataclass(frozen=True)
class SweepProgress:
    """Progress of a running sweep, passed to the ``progress`` callback after every run.

    Attributes
    ----------
    done : int
        Runs finished (executed or read from the cache, failed ones included).
    total : int
        Runs planned so far (grows when ``precision`` adds replications).
    executed : int
        Runs simulated in this sweep.
    cached : int
        Runs read from the cache.
    failed : int
        Runs that ended with an error (unstable variants included).
    """

    done: int
    total: int
    executed: int
    cached: int
    failed: int


@dataclass
class _Tally:
    """Results and counters while a sweep runs."""

    rows: dict[JobKey, Outcome] = field(default_factory=dict)
    total: int = 0
    executed: int = 0
    cached: int = 0
    failed: int = 0
    progress: Callable[[SweepProgress], None] | None = None

    def record(self, key: JobKey, outcome: Outcome, *, from_cache: bool, executed: bool) -> None:
        self.rows[key] = outcome
        self.cached += from_cache
        self.executed += executed
        self.failed += bool(outcome[1])
        if self.progress is not None:
            self.progress(
                SweepProgress(len(self.rows), self.total, self.executed, self.cached, self.failed)
            )


def run_sweep(
    spec: SweepPlan | str | Path,
    workers: int = 1,
    backend: Backend = "processes",
    scheduler: str | None = None,
    cache_dir: str | Path | None = DEFAULT_CACHE_DIR,
    progress: Callable[[SweepProgress], None] | None = None,
    screening: bool | None = None,
    screening_runs: int | None = None,
    executor: Executor | None = None,
) -> SweepResult:
    """Simulate every variant × replication of a sweep.

    Parameters
    ----------
    spec : SweepPlan, str or Path
        An expanded plan (:func:`~tierwise.simulation.experiments.sweep_spec.load_sweep`) or a
        spec file.
    workers : int
        Worker processes (>= 1). ``processes`` with 1 worker runs in this process. With
        ``dask`` and no ``scheduler``, the size of the ``LocalCluster``; ignored when
        connecting to a scheduler (the cluster has its own workers).
    backend : {"processes", "dask"}
        Local process pool, or :mod:`dask.distributed`.
    scheduler : str, optional
        Address of a running dask scheduler (``tcp://host:8786``); dask backend only.
    cache_dir : str, Path or None
        Result cache folder; ``None`` disables caching.
    progress : callable, optional
        Called with a :class:`SweepProgress` after every finished run (in this thread).
    screening : bool, optional
        Override the spec's ``screening`` switch.
    screening_runs : int, optional
        Replications per variant the screening assumes (default: the plan's, or its precision's
        most): a stage that simulates fewer replications first and tops up the best later
        screens as for the full number.
    executor : Executor, optional
        A running executor to use and leave running (e.g. shared with later phases of a
        job); ``workers``, ``backend`` and ``scheduler`` are then ignored. Default: one made
        from them for this call and shut down before it returns.

    Returns
    -------
    SweepResult
        The table, counts of executed and cached runs, screened-out variants.

    Raises
    ------
    ScenarioError
        If ``spec`` is a file with problems.
    BackendError
        If dask is not installed, or its cluster cannot be started or reached.
    ValueError
        On an invalid argument.
    """
    pool = executor if executor is not None else make_executor(backend, workers, scheduler)
    started = time.perf_counter()
    plan = spec if isinstance(spec, SweepPlan) else load_sweep(spec)
    use_screening = plan.spec.screening if screening is None else screening
    if use_screening:
        from tierwise.simulation.experiments.screening import screen_variants

        most = plan.precision.max_replications if plan.precision else plan.replications
        report = screen_variants(plan.variants, runs=screening_runs or most)
        kept, screened, notes = report.kept, report.screened_out, report.notes
    else:
        kept, screened, notes = plan.variants, (), ()
    cache = ResultCache(cache_dir) if cache_dir is not None else None
    if cache is not None:
        removed = cache.remove_stale_temp()
        if removed:
            logger.info("removed %d stale temporary cache file(s)", removed)

    tally = _Tally(progress=progress)
    n_initial = plan.replications
    jobs: list[tuple[Variant, int]] = []
    unstable: dict[int, str] = {}
    for v in kept:
        try:
            check_stability(v.scenario)
        except UnstableScenarioError as exc:
            unstable[v.index] = f"UnstableScenarioError: {one_line(str(exc))}"
        jobs += [(v, r) for r in range(n_initial)]
    tally.total = len(jobs)
    logger.info(
        "sweep %s: %d variant(s), %d screened out, %d run(s) planned, backend %s × %d",
        plan.name,
        len(plan.variants),
        len(screened),
        len(jobs),
        pool.backend,
        pool.workers,
    )
    try:
        counts = {v.index: n_initial for v in kept}
        while jobs:
            _execute(jobs, pool, cache, unstable, tally)
            jobs = _more_replications(plan, kept, counts, unstable, tally.rows)
            tally.total += len(jobs)
    finally:
        if executor is None:
            pool.close()
    table = sweep_table(plan, tally.rows)
    elapsed = time.perf_counter() - started
    logger.info(
        "sweep %s done in %.1f s: %d executed, %d from cache, %d failed",
        plan.name,
        elapsed,
        tally.executed,
        tally.cached,
        tally.failed,
    )
    return SweepResult(
        table=table,
        plan=plan,
        executed=tally.executed,
        cached=tally.cached,
        screened_out=tuple(screened),
        screening_notes=tuple(notes),
        elapsed_s=elapsed,
        backend=pool.backend,
        workers=pool.workers,
    )


def _execute(
    jobs: Sequence[tuple[Variant, int]],
    executor: Executor,
    cache: ResultCache | None,
    unstable: Mapping[int, str],
    tally: _Tally,
) -> None:
    """Run one batch: unstable variants and cache hits first, then the executor (longest
    runs first, so the workers finish together)."""
    todo: list[tuple[JobKey, tuple[Scenario, int]]] = []
    scenarios: dict[JobKey, Scenario] = {}
    for v, rep in jobs:
        key = (v.index, rep)
        if v.index in unstable:
            tally.record(key, (None, unstable[v.index]), from_cache=False, executed=False)
            continue
        hit = cache.get(v.scenario, rep) if cache is not None else None
        if hit is not None:
            tally.record(key, (hit, ""), from_cache=True, executed=False)
            continue
        todo.append((key, (v.scenario, rep)))
        scenarios[key] = v.scenario
    for done in executor.submit_all(simulate_outcome, longest_first(todo)):
        key = done.key
        if done.error is not None:  # the backend failed (e.g. a worker process died)
            outcome: Outcome = (None, f"{type(done.error).__name__}: {one_line(str(done.error))}")
        else:
            outcome = done.value if done.value is not None else (None, "no result")
        flat, _ = outcome
        if cache is not None and flat is not None:
            try:
                cache.put(scenarios[key], key[1], flat)
            except OSError as exc:
                logger.warning("could not write cache entry: %s", exc)
        tally.record(key, outcome, from_cache=False, executed=True)


def _more_replications(
    plan: SweepPlan,
    kept: Sequence[Variant],
    counts: dict[int, int],
    unstable: Mapping[int, str],
    rows: Mapping[JobKey, Outcome],
) -> list[tuple[Variant, int]]:
    """Next round of a precision sweep: each variant's next batch under the precision rule."""
    precision = plan.precision
    if precision is None:
        return []
    rule = PrecisionRule(
        precision.relative_half_width,
        precision.initial_replications,
        precision.max_replications,
        precision.confidence,
    )
    watched = precision.metrics or default_precision_metrics(plan.base.tiers)
    jobs: list[tuple[Variant, int]] = []
    for v in kept:
        n = counts[v.index]
        if v.index in unstable:
            continue
        outcomes = [rows[(v.index, r)] for r in range(n)]
        if any(err for _, err in outcomes):
            continue  # a failing variant gets no more replications
        flats = [flat for flat, _ in outcomes if flat is not None]
        samples = {m: [flat.get(m, math.nan) for flat in flats] for m in watched}
        more = rule.next_batch(n, worst_relative_half_width(samples, precision.confidence))
        jobs += [(v, r) for r in range(n, n + more)]
        counts[v.index] = n + more
    return jobs
