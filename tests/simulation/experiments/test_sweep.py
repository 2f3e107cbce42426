"""Sweep runner: table layout, backend/worker independence, failures, cache, resume, precision."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

import tierwise.simulation.experiments.tasks as tasks_module
from tests.simulation.experiments.test_sweep_spec import write_spec
from tierwise.simulation.analysis.statistics import estimate
from tierwise.simulation.engine.results import RunResult
from tierwise.simulation.experiments.cache import ResultCache
from tierwise.simulation.experiments.sweep import SweepProgress, run_sweep
from tierwise.simulation.experiments.sweep_spec import load_sweep
from tierwise.simulation.scenario.schema import Scenario

REPO = Path(__file__).resolve().parents[3]

AGENTS = "order_entry.pools.desk.agents"


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    """3 variants × 2 replications of the call centre (~0.1 s per run)."""
    return write_spec(tmp_path, {"axes": {AGENTS: [3, 4, 6]}, "replications": 2})


def test_table_has_one_row_per_variant_and_replication_in_design_order(spec: Path) -> None:
    events: list[SweepProgress] = []
    result = run_sweep(spec, cache_dir=None, progress=events.append)
    table = result.table
    plan = result.plan
    assert list(table.columns[:5]) == [
        "variant_id",
        "replication",
        "scenario_hash",
        "seed",
        f"param.{AGENTS}",
    ]
    assert table.columns[-1] == "error"
    assert {
        "A.answered_within_target_rate",
        "B.cost_per_day_usd",
        "total.cost_per_day_usd",
        "utilisation.agents.desk",
    } <= set(table.columns)
    assert list(zip(table["variant_id"], table["replication"], strict=True)) == [
        (v.variant_id, r) for v in plan.variants for r in range(2)
    ]
    assert list(table["scenario_hash"]) == [
        v.scenario.content_hash for v in plan.variants for _ in range(2)
    ]
    assert list(table[f"param.{AGENTS}"]) == [3, 3, 4, 4, 6, 6]
    assert set(table["seed"]) == {11} and set(table["error"]) == {""}
    assert table[f"param.{AGENTS}"].dtype == "int64"
    assert (result.executed, result.cached) == (6, 0)
    assert [e.done for e in events] == list(range(1, 7)) and events[-1].total == 6
    # a row equals the engine's own result for that run
    row = table.iloc[3]
    from tierwise.simulation.engine import run

    direct = run(plan.variants[1].scenario, 1).flat()
    assert all(row[k] == v or (math.isnan(v) and math.isnan(row[k])) for k, v in direct.items())


def test_results_do_not_depend_on_worker_count(spec: Path) -> None:
    serial = run_sweep(spec, workers=1, cache_dir=None)
    pooled = run_sweep(spec, workers=2, cache_dir=None)
    pd.testing.assert_frame_equal(serial.table, pooled.table)


def test_dask_backend_gives_the_same_table_locally_and_via_a_scheduler(spec: Path) -> None:
    from dask.distributed import LocalCluster

    serial = run_sweep(spec, cache_dir=None).table
    local = run_sweep(spec, backend="dask", workers=2, cache_dir=None)
    pd.testing.assert_frame_equal(local.table, serial)
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        remote = run_sweep(
            spec, backend="dask", scheduler=cluster.scheduler_address, cache_dir=None
        )
    pd.testing.assert_frame_equal(remote.table, serial)


def test_arguments_are_checked(spec: Path) -> None:
    with pytest.raises(ValueError, match="needs backend 'dask'"):
        run_sweep(spec, scheduler="tcp://127.0.0.1:8786", cache_dir=None)
    with pytest.raises(ValueError, match="workers must be >= 1"):
        run_sweep(spec, workers=0, cache_dir=None)
    with pytest.raises(ValueError, match="backend must be"):
        run_sweep(spec, backend="threads", cache_dir=None)  # type: ignore[arg-type]


def test_a_failing_variant_is_recorded_and_the_sweep_goes_on(
    spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_run = tasks_module.run

    def flaky(scenario: Scenario, replication: int = 0) -> RunResult:
        if scenario.order_entry.pools["desk"].agents == 4:
            raise RuntimeError("engine exploded\nsecond line")
        return real_run(scenario, replication)

    monkeypatch.setattr(tasks_module, "run", flaky)
    cache = tmp_path / "cache"
    result = run_sweep(spec, cache_dir=cache)  # workers=1 runs in this process
    table = result.table
    assert len(table) == 6
    bad = table[table[f"param.{AGENTS}"] == 4]
    assert set(bad["error"]) == {"RuntimeError: engine exploded; second line"}
    assert bad["total.cost_per_day_usd"].isna().all()
    assert (table.loc[table[f"param.{AGENTS}"] != 4, "error"] == "").all()
    vid = result.plan.variants[1].variant_id
    assert result.failed_variants == [vid]
    assert list(result.failures["replication"]) == [0, 1]
    summary = result.summary()
    assert summary["runs_failed"] == 2 and summary["failures"][0]["variant_id"] == vid
    # failures are not cached: a rerun (engine fixed) executes exactly them
    monkeypatch.setattr(tasks_module, "run", real_run)
    rerun = run_sweep(spec, cache_dir=cache)
    assert (rerun.executed, rerun.cached) == (2, 4)
    assert (rerun.table["error"] == "").all()


def test_unstable_variants_are_errors_without_screening_and_screened_with_it(
    tmp_path: Path,
) -> None:
    spec = write_spec(tmp_path, {"axes": {AGENTS: [1, 2, 3]}, "replications": 2})
    plain = run_sweep(spec, cache_dir=None, screening=False)
    errors = plain.table.groupby(f"param.{AGENTS}")["error"].first()
    assert errors[1].startswith("UnstableScenarioError: scenario is unstable")
    assert "agents.desk: offered load 2.00 >= 1 server(s)" in errors[1]
    assert errors[2].startswith("UnstableScenarioError")  # load 2.0 on 2 agents: not < 2
    assert errors[3] == ""
    assert plain.executed == 2  # unstable variants are not simulated
    screened = run_sweep(spec, cache_dir=None)  # screening: true is the default
    assert set(screened.table[f"param.{AGENTS}"]) == {3}
    assert [s.rule for s in screened.screened_out] == ["unstable", "unstable"]
    assert screened.runs_saved_by_screening == 4
    assert "offered load 2.00 >= 1 server(s)" in screened.screened_out[0].reason


def test_a_cached_rerun_executes_nothing_and_gives_the_same_table(
    spec: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    first = run_sweep(spec, cache_dir=cache)
    again = run_sweep(spec, workers=2, cache_dir=cache)
    assert (first.executed, first.cached) == (6, 0)
    assert (again.executed, again.cached) == (0, 6)
    pd.testing.assert_frame_equal(first.table, again.table)
    # a corrupt entry is recomputed, the rest is reused
    entry = ResultCache(cache).entries()[0]
    entry.write_text(entry.read_text()[:-20])
    repaired = run_sweep(spec, cache_dir=cache)
    assert (repaired.executed, repaired.cached) == (1, 5)
    pd.testing.assert_frame_equal(first.table, repaired.table)


def test_a_changed_variant_misses_the_cache_and_an_added_one_reuses_the_rest(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "cache"
    run_sweep(write_spec(tmp_path, {"axes": {AGENTS: [3, 4]}, "replications": 2}), cache_dir=cache)
    grown = run_sweep(
        write_spec(tmp_path, {"axes": {AGENTS: [3, 4, 5]}, "replications": 3}), cache_dir=cache
    )
    assert (grown.executed, grown.cached) == (5, 4)  # new variant ×3 + replication 2 of old


def test_precision_adds_replications_until_the_target_or_the_cap(tmp_path: Path) -> None:
    target, cap = 0.03, 8
    spec = write_spec(
        tmp_path,
        {
            "axes": {AGENTS: [3, 5]},
            "precision": {
                "relative_half_width": target,
                "max_replications": cap,
                "initial_replications": 2,
                "metrics": ["A.answered_within_target_rate"],
            },
        },
    )
    result = run_sweep(spec, cache_dir=None)
    for _, group in result.table.groupby("variant_id", sort=False):
        n = len(group)
        assert list(group["replication"]) == list(range(n))
        est = estimate(group["A.answered_within_target_rate"])
        assert n == cap or est.relative_half_width <= target
        assert 2 <= n <= cap
    sizes = result.table.groupby(f"param.{AGENTS}").size()
    assert sizes[3] > sizes[5]  # the congested desk is noisier and needs more replications
    pooled = run_sweep(spec, workers=2, cache_dir=None)
    pd.testing.assert_frame_equal(result.table, pooled.table)


# --------------------------------------------------------------------------- kill and resume

RUNNER = textwrap.dedent(
    """
    import sys
    from tierwise.simulation.experiments.sweep import run_sweep
    run_sweep(sys.argv[1], workers=2, cache_dir=sys.argv[2])
    """
)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        kids = _children(todo.pop())
        out += kids
        todo += kids
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find worker processes")
def test_sigkill_halfway_then_rerun_executes_only_the_missing_runs(tmp_path: Path) -> None:
    spec = write_spec(
        tmp_path,
        {
            "axes": {AGENTS: [3, 4, 5, 6, 7, 8, 9, 10], "horizon_days": [4]},
            "replications": 3,
            "screening": False,
        },
    )
    total = 24
    cache = tmp_path / "cache"
    proc = subprocess.Popen([sys.executable, "-c", RUNNER, str(spec), str(cache)], cwd=REPO)
    deadline = time.monotonic() + 60
    entries = 0
    while entries < 4 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
        entries = len(list(cache.glob("??/*.json"))) if cache.is_dir() else 0
    assert proc.poll() is None, "the sweep finished before it could be killed"
    workers = _descendants(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # orphaned workers notice the dead parent and exit
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers)

    done_before = len(ResultCache(cache).entries())
    assert 4 <= done_before < total
    resumed = run_sweep(spec, cache_dir=cache)
    assert resumed.cached == done_before
    assert resumed.executed == total - done_before < total
    uninterrupted = run_sweep(spec, workers=2, cache_dir=tmp_path / "other-cache")
    assert uninterrupted.executed == total
    pd.testing.assert_frame_equal(resumed.table, uninterrupted.table)


def test_repository_tiny_spec_runs(tmp_path: Path) -> None:
    plan = load_sweep(REPO / "scenarios" / "sweeps" / "tiny.yaml")
    result = run_sweep(plan, cache_dir=None)
    assert len(result.table) == 8 and (result.table["error"] == "").all()
