"""Run a sweep: every variant × replication, in parallel, cached, resumable.

:func:`run_sweep` expands a spec (:mod:`tierwise.simulation.experiments.sweep_spec`), screens out
variants that
analytic theory settles (:mod:`tierwise.simulation.experiments.screening`), reads what it can from
the cache
(:mod:`tierwise.simulation.experiments.cache`) and simulates the rest on local worker processes
(:class:`concurrent.futures.ProcessPoolExecutor`) or on a :mod:`dask.distributed` cluster.

The result is one table row per variant × replication, sorted by (variant order,
replication), with columns

``variant_id``, ``replication``, ``scenario_hash``, ``seed``
    identity of the run;
``param.<dotted path>``
    the variant's value of every axis;
every metric of :meth:`tierwise.simulation.metrics.RunResult.flat`
    ``A.perfect_order_rate`` (fraction), ``A.cost_per_day_usd`` (USD/day),
    ``utilisation.pickers`` (fraction), ``cost.holding_usd_per_day`` …;
``error``
    ``""`` for a good run, else the message (the metrics are then NaN).

Each run depends only on ``(scenario, replication)`` (the engine derives its random streams
from the scenario seed and the replication index), so the table is identical for any backend
and any number of workers, and a cached result equals a fresh one bit for bit. A variant that
raises, or that :func:`~tierwise.simulation.theory.loads.check_stability` finds unstable, is
recorded with its
error and the sweep goes on. Results are cached as they arrive, so a sweep killed halfway
resumes with only the missing runs.
"""

from __future__ import annotations

import json
import logging
import math
import multiprocessing
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from tierwise.simulation.engine import run
from tierwise.simulation.experiments.cache import ResultCache
from tierwise.simulation.experiments.sweep_spec import SweepPlan, Variant, load_sweep
from tierwise.simulation.scenario.schema import Scenario
from tierwise.simulation.theory.loads import UnstableScenarioError, check_stability

if TYPE_CHECKING:  # pandas, scipy (screening, estimates) load lazily: workers never need them
    import pandas as pd

    from tierwise.simulation.experiments.screening import ScreenedVariant

__all__ = [
    "DEFAULT_CACHE_DIR",
    "Backend",
    "SweepBackendError",
    "SweepProgress",
    "SweepResult",
    "run_sweep",
]

logger = logging.getLogger(__name__)

Backend = Literal["processes", "dask"]

#: Default cache folder (covered by ``.gitignore``).
DEFAULT_CACHE_DIR = Path(".tierwise-cache")

#: What one run returns: the flat metrics (or None) and an error message ("" when fine).
Outcome = tuple[dict[str, float] | None, str]


class SweepBackendError(RuntimeError):
    """The execution backend could not be started or reached (e.g. a dask scheduler)."""


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


@dataclass(frozen=True)
class SweepResult:
    """Outcome of :func:`run_sweep`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per variant × replication (see the module docstring).
    plan : SweepPlan
        The expanded spec.
    executed : int
        Runs simulated by this call.
    cached : int
        Runs read from the cache.
    screened_out : tuple of ScreenedVariant
        Variants that screening removed (not in ``table``), with reasons.
    screening_notes : tuple of str
        Screening rules that could not be applied, and why.
    elapsed_s : float
        Wall-clock time, seconds.
    backend : str
        ``processes`` or ``dask``.
    workers : int
        Workers requested.
    """

    table: pd.DataFrame
    plan: SweepPlan
    executed: int
    cached: int
    screened_out: tuple[ScreenedVariant, ...] = ()
    screening_notes: tuple[str, ...] = ()
    elapsed_s: float = 0.0
    backend: str = "processes"
    workers: int = 1

    @property
    def failures(self) -> pd.DataFrame:
        """Failed runs: ``variant_id``, ``replication``, the ``param.*`` columns and ``error``."""
        params = [c for c in self.table.columns if str(c).startswith("param.")]
        bad = self.table.loc[
            self.table["error"] != "", ["variant_id", "replication", *params, "error"]
        ]
        return bad.reset_index(drop=True)

    @property
    def failed_variants(self) -> list[str]:
        """Ids of variants with at least one failed run, in design order."""
        return list(dict.fromkeys(self.failures["variant_id"].tolist()))

    @property
    def runs_saved_by_screening(self) -> int:
        """Runs not simulated because their variant was screened out (initial replications)."""
        return len(self.screened_out) * self.plan.replications

    def summary(self) -> dict[str, Any]:
        """JSON-able summary: counts, failures and screened-out variants."""
        failures = self.failures
        return {
            "sweep": self.plan.name,
            "spec": self.plan.source,
            "variants": len(self.plan.variants),
            "variants_simulated": int(self.table["variant_id"].nunique()),
            "runs": len(self.table),
            "runs_executed": self.executed,
            "runs_from_cache": self.cached,
            "runs_failed": len(failures),
            "variants_screened_out": len(self.screened_out),
            "runs_saved_by_screening": self.runs_saved_by_screening,
            "elapsed_s": round(self.elapsed_s, 3),
            "backend": self.backend,
            "workers": self.workers,
            "failures": [
                {"variant_id": str(vid), "replication": int(rep), "error": str(err)}
                for vid, rep, err in zip(
                    failures["variant_id"], failures["replication"], failures["error"], strict=True
                )
            ],
            "screened_out": [
                {
                    "variant_id": s.variant_id,
                    "params": dict(s.params),
                    "rule": s.rule,
                    "reason": s.reason,
                    "dominated_by": s.dominated_by,
                }
                for s in self.screened_out
            ],
            "screening_notes": list(self.screening_notes),
            "notes": list(self.plan.notes),
        }

    def save(self, path: str | Path, csv: bool = False) -> list[Path]:
        """Write the table as Parquet (and CSV), plus ``<stem>.summary.json``; atomically.

        Parameters
        ----------
        path : str or Path
            Parquet file, e.g. ``out/sweep.parquet``; its folder is created.
        csv : bool
            Also write ``<stem>.csv`` next to it.

        Returns
        -------
        list of Path
            The files written.
        """
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        written = [target]
        _atomic_write(target, lambda tmp: self.table.to_parquet(tmp, index=False))
        if csv:
            csv_path = target.with_suffix(".csv")
            _atomic_write(csv_path, lambda tmp: self.table.to_csv(tmp, index=False))
            written.append(csv_path)
        summary_path = target.with_name(target.stem + ".summary.json")
        text = json.dumps(self.summary(), indent=2, default=str)
        _atomic_write(summary_path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
        written.append(summary_path)
        return written


def _atomic_write(target: Path, write: Callable[[str], object]) -> None:
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(temp)
        os.replace(temp, target)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


# --------------------------------------------------------------------------- one run


def _one_line(text: str) -> str:
    return "; ".join(line.strip(" -") for line in text.splitlines() if line.strip(" -"))


def simulate_one(scenario: Scenario, replication: int) -> Outcome:
    """Simulate one run and return ``(flat metrics, "")`` or ``(None, error message)``."""
    try:
        flat = run(scenario, replication).flat()
    except Exception as exc:  # a failing variant is recorded, the sweep goes on
        logger.warning("run %s/%d failed: %s", scenario.content_hash[:12], replication, exc)
        return None, f"{type(exc).__name__}: {_one_line(str(exc))}"
    return {k: float(v) for k, v in flat.items()}, ""


def _process_alive(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


def _watch_owner(owner: int) -> None:
    """Worker initializer: exit when the sweep process dies (e.g. it was SIGKILLed).

    The owner's pid is watched, not the parent's: forkserver workers are children of the
    fork server, which itself waits for them, so their parent never changes.
    """

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if not _process_alive(owner):
                os._exit(1)

    threading.Thread(target=watch, name="tierwise-owner-watch", daemon=True).start()


# --------------------------------------------------------------------------- executors

_JobKey = tuple[int, int]  # (variant index, replication)
_Jobs = Sequence[tuple[_JobKey, Scenario, int]]
_Results = Iterator[tuple[_JobKey, Outcome]]


def _mp_context() -> multiprocessing.context.BaseContext:
    """Start method for worker processes.

    ``forkserver`` where available: workers start fast without forking a parent that runs
    threads (the CLI's progress bar, dask), which can deadlock. A main module without a
    readable file (a script piped to ``python -``) cannot be re-imported by a forkserver
    or spawned worker; then ``fork`` is used.
    """
    methods = multiprocessing.get_all_start_methods()
    main_file = getattr(sys.modules.get("__main__"), "__file__", None)
    if main_file is not None and not os.path.exists(main_file) and "fork" in methods:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["tierwise.simulation.experiments.sweep"])
        return ctx
    return multiprocessing.get_context("spawn")


class _Executor:
    """Runs ``(key, scenario, replication)`` jobs, yielding ``(key, outcome)`` as they finish."""

    def run(self, jobs: _Jobs) -> _Results:
        raise NotImplementedError

    def close(self) -> None:
        """Release workers."""


class _SerialExecutor(_Executor):
    def run(self, jobs: _Jobs) -> _Results:
        for key, scenario, replication in jobs:
            yield key, simulate_one(scenario, replication)


class _PoolExecutor(_Executor):
    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=_mp_context(),
                initializer=_watch_owner,
                initargs=(os.getpid(),),
            )
        return self._pool

    def run(self, jobs: _Jobs) -> _Results:
        if not jobs:
            return
        pool = self._start()
        pending: dict[Future[Outcome], _JobKey] = {}
        lost: list[_JobKey] = []
        broken = ""
        for key, scenario, rep in jobs:
            if broken:
                lost.append(key)
                continue
            try:
                pending[pool.submit(simulate_one, scenario, rep)] = key
            except BrokenProcessPool as exc:
                broken = str(exc)
                lost.append(key)
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    key = pending.pop(future)
                    try:
                        outcome = future.result()
                    except BrokenProcessPool as exc:
                        broken = str(exc)
                        outcome = (None, f"BrokenProcessPool: a worker process died ({exc})")
                    yield key, outcome
            for key in lost:
                yield key, (None, f"BrokenProcessPool: a worker process died ({broken})")
        finally:
            for future in pending:
                future.cancel()
            if broken:
                self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class _DaskExecutor(_Executor):
    def __init__(self, workers: int, scheduler: str | None) -> None:
        self.workers = workers
        self.scheduler = scheduler
        self._client: Any = None
        self._cluster: Any = None

    def _start(self) -> Any:
        if self._client is not None:
            return self._client
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - dask is a dependency
            raise SweepBackendError(f"backend dask needs dask[distributed]: {exc}") from None
        try:
            if self.scheduler is None:
                self._cluster = LocalCluster(
                    n_workers=self.workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
                self._client = Client(self._cluster)
            else:
                self._client = Client(self.scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError, RuntimeError) as exc:
            self.close()
            where = f"scheduler {self.scheduler}" if self.scheduler else "a local cluster"
            raise SweepBackendError(f"cannot start dask on {where}: {exc}") from None
        return self._client

    def run(self, jobs: _Jobs) -> _Results:
        if not jobs:
            return
        from dask.distributed import as_completed

        client = self._start()
        futures = {
            client.submit(simulate_one, scenario, rep, pure=False): key
            for key, scenario, rep in jobs
        }
        try:
            for future in as_completed(futures):
                key = futures[future]
                try:
                    outcome = future.result()
                except Exception as exc:  # e.g. KilledWorker
                    outcome = (None, f"{type(exc).__name__}: {_one_line(str(exc))}")
                yield key, outcome
        finally:
            for future in futures:
                future.release()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


def _executor(backend: str, workers: int, scheduler: str | None) -> _Executor:
    if backend == "dask":
        return _DaskExecutor(workers, scheduler)
    return _SerialExecutor() if workers == 1 else _PoolExecutor(workers)


# --------------------------------------------------------------------------- the sweep


@dataclass
class _Tally:
    """Results and counters while a sweep runs."""

    rows: dict[_JobKey, Outcome] = field(default_factory=dict)
    total: int = 0
    executed: int = 0
    cached: int = 0
    failed: int = 0
    progress: Callable[[SweepProgress], None] | None = None

    def record(self, key: _JobKey, outcome: Outcome, *, from_cache: bool, executed: bool) -> None:
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

    Returns
    -------
    SweepResult
        The table, counts of executed and cached runs, screened-out variants.

    Raises
    ------
    ScenarioError
        If ``spec`` is a file with problems.
    SweepBackendError
        If the dask cluster cannot be started or reached.
    ValueError
        On an invalid argument.
    """
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    if backend not in ("processes", "dask"):
        raise ValueError(f"backend must be 'processes' or 'dask', got {backend!r}")
    if scheduler is not None and backend != "dask":
        raise ValueError("a scheduler address needs backend 'dask'")
    started = time.perf_counter()
    plan = spec if isinstance(spec, SweepPlan) else load_sweep(spec)
    use_screening = plan.spec.screening if screening is None else screening
    if use_screening:
        from tierwise.simulation.experiments.screening import screen_variants

        most = plan.precision.max_replications if plan.precision else plan.replications
        report = screen_variants(plan.variants, runs=most)
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
            unstable[v.index] = f"UnstableScenarioError: {_one_line(str(exc))}"
        jobs += [(v, r) for r in range(n_initial)]
    tally.total = len(jobs)
    logger.info(
        "sweep %s: %d variant(s), %d screened out, %d run(s) planned, backend %s × %d",
        plan.name,
        len(plan.variants),
        len(screened),
        len(jobs),
        backend,
        workers,
    )
    executor = _executor(backend, workers, scheduler)
    try:
        counts = {v.index: n_initial for v in kept}
        while jobs:
            _execute(jobs, executor, cache, unstable, tally)
            jobs = _more_replications(plan, kept, counts, unstable, tally.rows)
            tally.total += len(jobs)
    finally:
        executor.close()
    table = _table(plan, tally.rows)
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
        backend=backend,
        workers=workers,
    )


def _execute(
    jobs: Sequence[tuple[Variant, int]],
    executor: _Executor,
    cache: ResultCache | None,
    unstable: Mapping[int, str],
    tally: _Tally,
) -> None:
    """Run one batch: unstable variants and cache hits first, then the executor."""
    todo: list[tuple[_JobKey, Scenario, int]] = []
    scenarios: dict[_JobKey, Scenario] = {}
    for v, rep in jobs:
        key = (v.index, rep)
        if v.index in unstable:
            tally.record(key, (None, unstable[v.index]), from_cache=False, executed=False)
            continue
        hit = cache.get(v.scenario, rep) if cache is not None else None
        if hit is not None:
            tally.record(key, (hit, ""), from_cache=True, executed=False)
            continue
        todo.append((key, v.scenario, rep))
        scenarios[key] = v.scenario
    for key, outcome in executor.run(todo):
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
    rows: Mapping[_JobKey, Outcome],
) -> list[tuple[Variant, int]]:
    """Next round of a precision sweep: extra replications for variants not yet precise."""
    precision = plan.precision
    if precision is None:
        return []
    from tierwise.simulation.experiments.replicate import estimate

    target, cap = precision.relative_half_width, precision.max_replications
    watched = precision.metrics or [
        f"{t}.{m}" for t in plan.base.tiers for m in ("perfect_order_rate", "cost_per_day_usd")
    ]
    jobs: list[tuple[Variant, int]] = []
    for v in kept:
        n = counts[v.index]
        if v.index in unstable or n >= cap:
            continue
        outcomes = [rows[(v.index, r)] for r in range(n)]
        if any(err for _, err in outcomes):
            continue  # a failing variant gets no more replications
        worst = 0.0
        for metric in watched:
            values = [flat.get(metric, math.nan) for flat, _ in outcomes if flat is not None]
            est = estimate(values, precision.confidence)
            if est.n >= 2 and not math.isnan(est.half_width):
                worst = max(worst, est.relative_half_width)
        if worst <= target:
            continue
        needed = math.ceil(n * (worst / target) ** 2) - n if math.isfinite(worst) else n
        more = max(1, min(needed, cap - n, n))
        jobs += [(v, r) for r in range(n, n + more)]
        counts[v.index] = n + more
    return jobs


# --------------------------------------------------------------------------- the table


def _param_column(values: list[Any]) -> pd.Series:
    """One ``param.*`` column with a Parquet-friendly type (JSON text for mixed values)."""
    import pandas as pd

    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present) and len(present) == len(values):
        return pd.Series(values, dtype=bool)
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in present)
    if present and numeric:
        if all(isinstance(v, int) for v in present) and len(present) == len(values):
            return pd.Series(values, dtype="int64")
        return pd.Series([math.nan if v is None else float(v) for v in values], dtype="float64")
    if all(isinstance(v, str) for v in present):
        return pd.Series(values, dtype="str")
    return pd.Series(
        [None if v is None else json.dumps(v, sort_keys=True, default=str) for v in values],
        dtype="str",
    )


def _table(plan: SweepPlan, rows: Mapping[_JobKey, Outcome]) -> pd.DataFrame:
    """The sweep table, rows sorted by (variant order, replication)."""
    import pandas as pd

    keys = sorted(rows)
    by_index = {v.index: v for v in plan.variants}
    metrics: dict[str, None] = {}
    for key in keys:
        flat = rows[key][0]
        if flat is not None:
            metrics.update(dict.fromkeys(flat))
    variants = [by_index[i] for i, _ in keys]
    columns: dict[str, Any] = {
        "variant_id": pd.Series([v.variant_id for v in variants], dtype="str"),
        "replication": pd.Series([r for _, r in keys], dtype="int64"),
        "scenario_hash": pd.Series([v.scenario.content_hash for v in variants], dtype="str"),
        "seed": pd.Series([v.scenario.seed for v in variants], dtype="int64"),
    }
    for path in plan.param_paths:
        columns[f"param.{path}"] = _param_column([v.params.get(path) for v in variants])
    matrix = np.full((len(keys), len(metrics)), np.nan)
    for i, key in enumerate(keys):
        flat = rows[key][0]
        if flat is not None:
            for j, name in enumerate(metrics):
                matrix[i, j] = flat.get(name, math.nan)
    for j, name in enumerate(metrics):
        columns[name] = pd.Series(matrix[:, j], dtype="float64")
    columns["error"] = pd.Series([rows[k][1] for k in keys], dtype="str")
    return pd.DataFrame(columns)
