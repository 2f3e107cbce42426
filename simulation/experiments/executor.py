"""The one executor of simulation runs: in this process, on a local process pool, or on dask.

Every parallel job of the experiments layer (:func:`~tierwise.simulation.experiments.replicate.
replicate`, :func:`~tierwise.simulation.experiments.sweep.run_sweep`,
:func:`~tierwise.simulation.experiments.compare.compare_strategies`,
:func:`~tierwise.simulation.experiments.validation.validate`) runs through an :class:`Executor`:

:class:`SerialExecutor`
    runs the jobs one after the other in the calling process (``workers=1``);
:class:`ProcessExecutor`
    a :class:`~concurrent.futures.ProcessPoolExecutor` whose workers are forked from a
    ``forkserver`` (a fresh interpreter, so forking never copies the caller's threads, such
    as a progress bar's), preloaded with the engine, never re-import the caller's main module
    (a plain ``python script.py`` without an ``if __name__ == "__main__"`` guard works), and
    exit by themselves when the process that owns the pool dies (even by SIGKILL);
:class:`DaskExecutor`
    a :mod:`dask.distributed` ``LocalCluster`` or a running scheduler (optional extra:
    ``pip install 'tierwise[dask]'``).

Jobs are ``(key, arguments)`` pairs; results come back as :class:`Completed` records carrying
the key, so callers order them by key and the outcome never depends on the backend or the
number of workers. An executor is a context manager and may be kept alive across several
calls (phases of a job) by passing it in; a function given none makes one with
:func:`executor_scope` and shuts it down before it returns, leaving no worker behind.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import sys
import threading
import time
import types
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import context as mp_context
from multiprocessing import forkserver, popen_forkserver
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

__all__ = [
    "BACKENDS",
    "DEFAULT_PRELOAD",
    "Backend",
    "BackendError",
    "Completed",
    "DaskExecutor",
    "Executor",
    "ProcessExecutor",
    "SerialExecutor",
    "executor_scope",
    "make_executor",
]

logger = logging.getLogger(__name__)

Backend = Literal["processes", "dask"]
#: The backends :func:`make_executor` knows.
BACKENDS: tuple[str, ...] = ("processes", "dask")
#: Modules a forkserver imports once, so that forked workers start warm.
DEFAULT_PRELOAD: tuple[str, ...] = ("tierwise.simulation.experiments.tasks",)

K = TypeVar("K")
T = TypeVar("T")


class BackendError(RuntimeError):
    """The execution backend cannot be used: not installed, not started or not reachable."""


@dataclass(frozen=True)
class Completed(Generic[K, T]):
    """One finished job.

    Attributes
    ----------
    key : hashable
        The key the job was submitted with.
    value : object or None
        What the task returned (``None`` when it failed).
    error : BaseException or None
        Why it failed: the task's exception, or the backend's (a worker process died).
    """

    key: K
    value: T | None
    error: BaseException | None = None


class Executor:
    """Runs ``task(*arguments)`` for many jobs; see the module docstring.

    Attributes
    ----------
    backend : str
        ``"processes"`` or ``"dask"``.
    workers : int
        Workers requested (1: in the calling process).
    """

    backend: str = "processes"
    workers: int = 1

    def submit_all(
        self, task: Callable[..., T], jobs: Iterable[tuple[K, tuple[Any, ...]]]
    ) -> Iterator[Completed[K, T]]:
        """Run every job and yield its :class:`Completed` record as it finishes.

        Parameters
        ----------
        task : callable
            A module-level function (workers import it by name).
        jobs : iterable of (key, arguments)
            ``task(*arguments)`` is run once per job.

        Yields
        ------
        Completed
            In completion order (which may differ from submission order).
        """
        raise NotImplementedError

    def map(
        self,
        task: Callable[..., T],
        arguments: Sequence[tuple[Any, ...]],
        progress: Callable[[int], None] | None = None,
    ) -> list[T]:
        """``[task(*a) for a in arguments]``, run on the workers, in the order of ``arguments``.

        Parameters
        ----------
        task : callable
            A module-level function.
        arguments : sequence of tuple
            One argument tuple per job.
        progress : callable, optional
            Called with 1 after every finished job (in this thread).

        Raises
        ------
        BaseException
            The first error of a job, as raised by the task (pending jobs are cancelled).
        """
        results: dict[int, T] = {}
        for done in self.submit_all(task, enumerate(arguments)):
            if done.error is not None:
                raise done.error
            results[done.key] = done.value  # type: ignore[assignment]
            if progress is not None:
                progress(1)
        return [results[i] for i in range(len(arguments))]

    def close(self) -> None:
        """Release the workers (the executor starts new ones if it is used again)."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SerialExecutor(Executor):
    """Runs every job in the calling process, in submission order."""

    def submit_all(
        self, task: Callable[..., T], jobs: Iterable[tuple[K, tuple[Any, ...]]]
    ) -> Iterator[Completed[K, T]]:
        for key, args in jobs:
            try:
                value = task(*args)
            except Exception as exc:  # handed to the caller like a worker's exception
                yield Completed(key, None, exc)
            else:
                yield Completed(key, value)


# --------------------------------------------------------------------------- local processes


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
    """Worker initializer: exit when the process owning the pool dies (e.g. it was SIGKILLed).

    The owner's pid is watched, not the parent's: forkserver workers are children of the
    fork server, which itself waits for them, so their parent never changes.
    """

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if not _process_alive(owner):
                os._exit(1)

    threading.Thread(target=watch, name="tierwise-owner-watch", daemon=True).start()


@contextlib.contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Make ``__main__`` look like a module without a file while a worker is launched.

    The worker then does not re-run the caller's script (multiprocessing would import it as
    ``__mp_main__``, and a script without a ``__main__`` guard would start another pool from
    inside the worker and break it). Workers only run tierwise functions, which they import
    by name, so they never need the caller's main module.
    """
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


class _WorkerPopen(popen_forkserver.Popen):
    def _launch(self, process_obj: Any) -> None:
        with _main_module_hidden():
            super()._launch(process_obj)  # type: ignore[misc]


class _WorkerProcess(mp_context.ForkServerProcess):
    @staticmethod
    def _Popen(process_obj: Any) -> Any:
        return _WorkerPopen(process_obj)


class _WorkerContext(mp_context.ForkServerContext):
    Process = _WorkerProcess  # type: ignore[assignment]


@contextlib.contextmanager
def _python_path_of_this_process() -> Iterator[None]:
    """Hand this process's ``sys.path`` to a fork server started meanwhile (as PYTHONPATH).

    The fork server imports the preloaded modules before it is told ``sys.path`` (Python
    3.11 never tells it), so without this a script that put a source checkout on
    ``sys.path`` would get workers importing another installed copy of the package.
    """
    old = os.environ.get("PYTHONPATH")
    entries = [os.path.abspath(p) if p else os.getcwd() for p in sys.path if isinstance(p, str)]
    os.environ["PYTHONPATH"] = os.pathsep.join(entries)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old


def _pool_context(preload: Sequence[str]) -> multiprocessing.context.BaseContext:
    """``forkserver`` workers that skip the main module, or ``spawn`` where there is none.

    The fork server (one per process, shared by every pool) is started here, preloaded with
    ``preload``, unless it is already running.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():  # pragma: no cover
        return multiprocessing.get_context("spawn")  # Windows
    ctx = _WorkerContext()
    ctx.set_forkserver_preload(list(preload))
    with _main_module_hidden(), _python_path_of_this_process():
        forkserver.ensure_running()
    return ctx


class ProcessExecutor(Executor):
    """A local process pool (see the module docstring); started on first use.

    Parameters
    ----------
    workers : int
        Worker processes (>= 1).
    preload : sequence of str
        Modules the fork server imports once (default :data:`DEFAULT_PRELOAD`).
    """

    backend = "processes"

    def __init__(self, workers: int, preload: Sequence[str] = DEFAULT_PRELOAD) -> None:
        if workers < 1:
            raise ValueError(f"workers must be >= 1, got {workers}")
        self.workers = workers
        self.preload = tuple(preload)
        self._pool: ProcessPoolExecutor | None = None

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=_pool_context(self.preload),
                initializer=_watch_owner,
                initargs=(os.getpid(),),
            )
        return self._pool

    def submit_all(
        self, task: Callable[..., T], jobs: Iterable[tuple[K, tuple[Any, ...]]]
    ) -> Iterator[Completed[K, T]]:
        jobs = list(jobs)
        if not jobs:
            return
        pool = self._start()
        pending: dict[Future[T], K] = {}
        lost: list[K] = []
        broken: BaseException | None = None
        for key, args in jobs:
            if broken is not None:
                lost.append(key)
                continue
            try:
                pending[pool.submit(task, *args)] = key
            except BrokenProcessPool as exc:
                broken = exc
                lost.append(key)
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    key = pending.pop(future)
                    try:
                        value = future.result()
                    except BrokenProcessPool as exc:
                        broken = exc
                        yield Completed(key, None, exc)
                    except Exception as exc:
                        yield Completed(key, None, exc)
                    else:
                        yield Completed(key, value)
            for key in lost:
                yield Completed(key, None, broken)
        finally:
            for future in pending:
                future.cancel()
            if broken is not None:
                logger.warning(
                    "a worker process died (%s); the pool is restarted on next use", broken
                )
                self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


# --------------------------------------------------------------------------- dask


class DaskExecutor(Executor):
    """Jobs on :mod:`dask.distributed`: a ``LocalCluster`` of ``workers`` single-threaded
    processes, or the cluster behind ``scheduler``; started on first use.

    Parameters
    ----------
    workers : int
        Size of the local cluster; ignored with a ``scheduler`` (the cluster has its own).
    scheduler : str, optional
        Address of a running scheduler, e.g. ``tcp://host:8786``.

    Raises
    ------
    BackendError
        On first use, when dask is not installed or the cluster cannot be started or reached.
    """

    backend = "dask"

    def __init__(self, workers: int = 1, scheduler: str | None = None) -> None:
        if workers < 1:
            raise ValueError(f"workers must be >= 1, got {workers}")
        self.workers = workers
        self.scheduler = scheduler
        self._client: Any = None
        self._cluster: Any = None

    def _start(self) -> Any:
        if self._client is not None:
            return self._client
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise BackendError(
                "the dask backend needs the dask extra: pip install 'tierwise[dask]'"
            ) from None
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
            raise BackendError(f"cannot start dask on {where}: {exc}") from None
        return self._client

    def submit_all(
        self, task: Callable[..., T], jobs: Iterable[tuple[K, tuple[Any, ...]]]
    ) -> Iterator[Completed[K, T]]:
        jobs = list(jobs)
        if not jobs:
            return
        client = self._start()
        from dask.distributed import as_completed

        futures = {client.submit(task, *args, pure=False): key for key, args in jobs}
        try:
            for future in as_completed(futures):
                key = futures[future]
                try:
                    value = future.result()
                except Exception as exc:  # the task's exception, or e.g. KilledWorker
                    yield Completed(key, None, exc)
                else:
                    yield Completed(key, value)
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


# --------------------------------------------------------------------------- choosing one


def make_executor(
    backend: str = "processes", workers: int = 1, scheduler: str | None = None
) -> Executor:
    """The executor for a backend and a number of workers.

    Parameters
    ----------
    backend : {"processes", "dask"}
        Local processes (``workers=1``: the calling process) or :mod:`dask.distributed`.
    workers : int
        Worker processes (>= 1).
    scheduler : str, optional
        Address of a running dask scheduler (``dask`` only).

    Raises
    ------
    ValueError
        On an unknown backend, ``workers < 1`` or a scheduler without ``dask``.
    """
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    if backend not in BACKENDS:
        raise ValueError(f"backend must be 'processes' or 'dask', got {backend!r}")
    if scheduler is not None and backend != "dask":
        raise ValueError("a scheduler address needs backend 'dask'")
    if backend == "dask":
        return DaskExecutor(workers, scheduler)
    return SerialExecutor() if workers == 1 else ProcessExecutor(workers)


@contextlib.contextmanager
def executor_scope(executor: Executor | None, workers: int = 1) -> Iterator[Executor]:
    """The caller's executor (left running), or a new local one shut down on exit.

    Parameters
    ----------
    executor : Executor or None
        An executor the caller keeps alive across calls; it is not closed here.
    workers : int
        Worker processes of the executor made when ``executor`` is None.
    """
    if executor is not None:
        yield executor
        return
    own = make_executor("processes", workers)
    try:
        yield own
    finally:
        own.close()
