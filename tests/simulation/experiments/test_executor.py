"""The one executor: identical results for any number of workers, no process left behind."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import textwrap
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from tests.conftest import call_centre
from tierwise.simulation.engine.results import RunResult
from tierwise.simulation.experiments.executor import (
    BackendError,
    DaskExecutor,
    ProcessExecutor,
    SerialExecutor,
    executor_scope,
    make_executor,
)
from tierwise.simulation.experiments.replicate import run_replications

REPO = Path(__file__).resolve().parents[3]


def worker_pid(_: int) -> int:
    """A task that tells which process ran it (slow enough for both workers to get jobs)."""
    time.sleep(0.05)
    return os.getpid()


def fail_on_three(value: int) -> int:
    if value == 3:
        raise ValueError("three is not allowed")
    return value


def die(_: int) -> int:
    os._exit(3)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _numbers(runs: list[RunResult]) -> str:
    """Every metric of every run, exactly (NaN-safe: NaN != NaN in a dict comparison)."""
    return json.dumps([r.flat() for r in runs])


def test_one_and_two_workers_give_identical_results() -> None:
    scenario = call_centre(13, horizon_days=0.3)
    serial = run_replications(scenario, range(4), workers=1)
    with ProcessExecutor(2) as pool:
        pooled = run_replications(scenario, range(4), executor=pool)
        # in completion order, but every record carries its key
        keyed = {
            done.key: done.value
            for done in pool.submit_all(worker_pid, [(k, (k,)) for k in ("a", "b", "c")])
        }
    assert _numbers(serial) == _numbers(pooled)
    assert set(keyed) == {"a", "b", "c"}


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to check processes")
def test_no_worker_process_is_left_after_the_call() -> None:
    with executor_scope(None, workers=2) as pool:
        assert isinstance(pool, ProcessExecutor)
        pids = set(pool.map(worker_pid, [(i,) for i in range(6)]))
    assert pids and os.getpid() not in pids
    assert not any(_alive(pid) for pid in pids)
    assert multiprocessing.active_children() == []


def test_a_pool_kept_alive_is_reused_across_calls() -> None:
    with ProcessExecutor(2) as pool:
        first = pool.map(worker_pid, [(i,) for i in range(4)])
        second = pool.map(worker_pid, [(i,) for i in range(4)])
    assert len(set(first) | set(second)) <= 2  # the same two workers, not a new pool


@pytest.mark.parametrize("executor", [SerialExecutor(), ProcessExecutor(2)], ids=["1", "2"])
def test_a_task_error_reaches_the_caller(executor: SerialExecutor | ProcessExecutor) -> None:
    with executor, pytest.raises(ValueError, match="three is not allowed"):
        executor.map(fail_on_three, [(i,) for i in range(5)])


def test_a_dead_worker_fails_its_jobs_and_the_pool_restarts() -> None:
    with ProcessExecutor(2) as pool:
        outcomes = list(pool.submit_all(die, [(i, (i,)) for i in range(3)]))
        assert sorted(done.key for done in outcomes) == [0, 1, 2]
        assert all(isinstance(done.error, BrokenProcessPool) for done in outcomes)
        assert pool.map(fail_on_three, [(1,), (2,)]) == [1, 2]


def test_the_dask_backend_without_the_extra_names_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "dask", None)
    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    with pytest.raises(BackendError, match=r"pip install 'tierwise\[dask\]'"):
        DaskExecutor(2).map(fail_on_three, [(1,)])


def test_make_executor_checks_its_arguments() -> None:
    assert isinstance(make_executor("processes", 1), SerialExecutor)
    assert isinstance(make_executor("processes", 2), ProcessExecutor)
    assert isinstance(make_executor("dask", 2), DaskExecutor)  # nothing started yet
    with pytest.raises(ValueError, match="workers must be >= 1"):
        make_executor("processes", 0)
    with pytest.raises(ValueError, match="backend must be"):
        make_executor("threads", 2)
    with pytest.raises(ValueError, match="needs backend 'dask'"):
        make_executor("processes", 2, scheduler="tcp://127.0.0.1:8786")


# A user's script as the README shows it: no ``if __name__ == "__main__"`` guard.
SCRIPT = textwrap.dedent(
    """
    import json
    import multiprocessing
    import sys

    sys.path.insert(0, sys.argv[1])
    from tests.conftest import call_centre
    from tierwise.simulation.experiments.replicate import replicate

    scenario = call_centre(13, horizon_days=0.3)
    serial = replicate(scenario, replications=4, workers=1)
    pooled = replicate(scenario, replications=4, workers=2)
    numbers = [json.dumps([r.flat() for r in s.runs]) for s in (serial, pooled)]
    same = numbers[0] == numbers[1]
    print("same" if same else "different", len(multiprocessing.active_children()))
    """
)


def test_a_plain_script_with_two_workers_works(tmp_path: Path) -> None:
    script = tmp_path / "script.py"
    script.write_text(SCRIPT, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), str(REPO)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["same", "0"]
    assert "BrokenProcessPool" not in done.stderr
