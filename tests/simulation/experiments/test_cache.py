"""Result cache: exact round trips, keys, corruption detection, atomic concurrent writes."""

from __future__ import annotations

import json
import logging
import math
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from tests.simulation.experiments.test_sweep_spec import CALL_CENTRE, write_spec
from tierwise.simulation.experiments.cache import ResultCache, cache_key
from tierwise.simulation.experiments.sweep import run_sweep
from tierwise.simulation.experiments.sweep_spec import load_sweep
from tierwise.simulation.scenario.loading import scenario_from_dict
from tierwise.simulation.scenario.schema import Scenario

REPO = Path(__file__).resolve().parents[3]

RESULT = {
    "A.perfect_order_rate": 0.1 + 0.2,  # not exactly representable in decimal
    "A.cost_per_day_usd": 1234.5678901234567,
    "A.mean_speed_of_answer_s": math.nan,
    "B.p95_cycle_time_h": math.inf,
    "utilisation.agents.desk": 5e-324,
    "total.cost_per_day_usd": -0.0,
}


@pytest.fixture
def scenario() -> Scenario:
    return scenario_from_dict(CALL_CENTRE)


def same(a: dict[str, float], b: dict[str, float]) -> bool:
    """Equal keys in equal order and bit-identical values (NaN equals NaN)."""
    return list(a) == list(b) and all(
        (math.isnan(a[k]) and math.isnan(b[k]))
        or (a[k] == b[k] and math.copysign(1, a[k]) == math.copysign(1, b[k]))
        for k in a
    )


def test_a_cached_result_round_trips_bit_for_bit_in_order(
    tmp_path: Path, scenario: Scenario
) -> None:
    cache = ResultCache(tmp_path)
    assert cache.get(scenario, 0) is None
    path = cache.put(scenario, 0, RESULT)
    key = cache.key(scenario, 0)
    assert path == tmp_path / key[:2] / f"{key}.json"
    got = cache.get(scenario, 0)
    assert got is not None and same(got, RESULT)
    assert (scenario, 0) in cache and (scenario, 1) not in cache
    assert cache.entries() == [path]
    assert not list(tmp_path.rglob("*.tmp"))


@pytest.mark.parametrize("durable", [False, True], ids=["plain", "durable"])
def test_entries_are_readable_by_others_like_any_plain_file(
    tmp_path: Path, scenario: Scenario, durable: bool
) -> None:
    old = os.umask(0o022)
    try:
        path = ResultCache(tmp_path, durable=durable).put(scenario, 0, RESULT)
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644
    got = ResultCache(tmp_path).get(scenario, 0)
    assert got is not None and same(got, RESULT)


def test_key_covers_scenario_replication_and_version(scenario: Scenario) -> None:
    other = scenario_from_dict({**CALL_CENTRE, "seed": 12})
    copy = scenario_from_dict(dict(CALL_CENTRE))
    key = cache_key(scenario, 0, "1.0")
    assert key == cache_key(copy, 0, "1.0")
    assert (
        len(
            {
                key,
                cache_key(other, 0, "1.0"),
                cache_key(scenario, 1, "1.0"),
                cache_key(scenario, 0, "1.1"),
            }
        )
        == 4
    )


def test_entries_of_another_version_are_not_reused(tmp_path: Path, scenario: Scenario) -> None:
    ResultCache(tmp_path, version="1.0").put(scenario, 0, RESULT)
    assert ResultCache(tmp_path, version="1.1").get(scenario, 0) is None
    assert ResultCache(tmp_path, version="1.0").get(scenario, 0) is not None


def _corrupt_truncate(path: Path) -> None:
    text = path.read_text()
    path.write_text(text[: len(text) // 2])


def _corrupt_flip_digit(path: Path) -> None:
    text = path.read_text()
    i = text.index("1234.5678")
    path.write_text(text[:i] + "2" + text[i + 1 :])


def _corrupt_empty(path: Path) -> None:
    path.write_text("")


def _corrupt_reseal(path: Path) -> None:
    """A valid checksum over a payload that belongs to another replication."""
    entry = json.loads(path.read_text())
    entry["payload"]["replication"] = 5
    from tierwise.simulation.experiments.cache import _checksum

    entry["checksum"] = _checksum(entry["payload"])
    path.write_text(json.dumps(entry))


def _corrupt_flip_high_bit(path: Path) -> None:
    """One byte with its high bit set: the file is no longer valid UTF-8."""
    data = bytearray(path.read_bytes())
    data[len(data) // 2] |= 0x80
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "corrupt",
    [
        _corrupt_truncate,
        _corrupt_flip_digit,
        _corrupt_empty,
        _corrupt_reseal,
        _corrupt_flip_high_bit,
    ],
)
def test_a_corrupt_entry_is_treated_as_missing_with_a_warning(
    tmp_path: Path,
    scenario: Scenario,
    corrupt: Callable[[Path], None],
    caplog: pytest.LogCaptureFixture,
) -> None:
    cache = ResultCache(tmp_path)
    path = cache.put(scenario, 0, RESULT)
    corrupt(path)
    with caplog.at_level(logging.WARNING, logger="tierwise.simulation.experiments.cache"):
        assert cache.get(scenario, 0) is None
    assert "corrupt" in caplog.text and path.name in caplog.text
    cache.put(scenario, 0, RESULT)  # the next write repairs it
    got = cache.get(scenario, 0)
    assert got is not None and same(got, RESULT)


def test_an_entry_moved_to_another_key_is_rejected(tmp_path: Path, scenario: Scenario) -> None:
    cache = ResultCache(tmp_path)
    source = cache.put(scenario, 0, RESULT)
    target = cache.path(cache.key(scenario, 1))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(source.read_text())
    assert cache.get(scenario, 1) is None


def test_stale_temporary_files_are_removed_but_fresh_ones_are_kept(
    tmp_path: Path, scenario: Scenario
) -> None:
    cache = ResultCache(tmp_path)
    folder = cache.put(scenario, 0, RESULT).parent
    old, fresh = folder / ".abc.111.tmp", folder / ".abc.222.tmp"
    old.write_text("{")
    fresh.write_text("{")
    an_hour_ago = time.time() - 7200
    os.utime(old, (an_hour_ago, an_hour_ago))
    assert cache.remove_stale_temp(older_than_s=3600) == 1
    assert not old.exists() and fresh.exists()


WRITER = textwrap.dedent(
    """
    import sys
    from tierwise.simulation.experiments.cache import ResultCache
    from tierwise.simulation.scenario.loading import scenario_from_dict
    from tests.simulation.experiments.test_sweep_spec import CALL_CENTRE
    cache = ResultCache(sys.argv[1])
    scenario = scenario_from_dict(CALL_CENTRE)
    bulky = {f"m{i}": i * 0.1 for i in range(3000)}  # ~60 kB: writes are not instantaneous
    for n in range(150):
        cache.put(scenario, 0, {**bulky, "writer": float(sys.argv[2]), "n": float(n)})
    """
)


def test_concurrent_writers_never_expose_a_torn_entry(
    tmp_path: Path, scenario: Scenario, caplog: pytest.LogCaptureFixture
) -> None:
    """Two processes rewrite one entry while this one reads it: every read is whole."""
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), str(w)], cwd=REPO)
        for w in (1, 2)
    ]
    cache = ResultCache(tmp_path)
    reads = 0
    with caplog.at_level(logging.WARNING, logger="tierwise.simulation.experiments.cache"):
        while any(w.poll() is None for w in writers):
            got = cache.get(scenario, 0)
            if got is not None:
                reads += 1
                assert got["writer"] in (1.0, 2.0) and len(got) == 3002
    assert [w.wait() for w in writers] == [0, 0]
    assert "corrupt" not in caplog.text
    assert reads > 0
    assert not list(tmp_path.rglob("*.tmp"))


SWEEP = textwrap.dedent(
    """
    import sys
    from tierwise.simulation.experiments.sweep import run_sweep
    result = run_sweep(sys.argv[1], workers=1, cache_dir=sys.argv[2])
    result.table.to_parquet(sys.argv[3], index=False)
    """
)


def test_two_concurrent_sweeps_share_a_cache_without_corrupting_it(tmp_path: Path) -> None:
    spec = write_spec(
        tmp_path,
        {
            "axes": {"order_entry.pools.desk.agents": [3, 4, 5, 6], "horizon_days": [2.5]},
            "replications": 2,
        },
    )
    shared = tmp_path / "cache"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", SWEEP, str(spec), str(shared), str(tmp_path / f"t{i}.parquet")],
            cwd=REPO,
        )
        for i in (1, 2)
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    reference = run_sweep(spec, cache_dir=None).table
    for i in (1, 2):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / f"t{i}.parquet"), reference)
    cache = ResultCache(shared)
    plan = load_sweep(spec)
    assert len(cache.entries()) == 8
    assert all(cache.get(v.scenario, r) is not None for v in plan.variants for r in range(2))
    rerun = run_sweep(spec, cache_dir=shared)
    assert (rerun.executed, rerun.cached) == (0, 8)
    pd.testing.assert_frame_equal(rerun.table, reference)


def test_a_copy_with_changed_fields_gets_its_own_entry_although_hashes_are_cached(
    tmp_path: Path, scenario: Scenario
) -> None:
    """The scenario's hash is computed once per object; a model_copy with an update must not
    inherit it, or the copy would read the original's cached results."""
    import pickle

    cache = ResultCache(tmp_path)
    cache.put(scenario, 0, RESULT)
    original = scenario.content_hash  # now cached on the object
    reseeded = scenario.model_copy(update={"seed": scenario.seed + 1})
    assert reseeded.content_hash != original
    assert (
        reseeded.content_hash
        == scenario_from_dict({**CALL_CENTRE, "seed": scenario.seed + 1}).content_hash
    )
    assert cache.get(reseeded, 0) is None
    assert cache.key(reseeded, 0) != cache.key(scenario, 0)
    shipped = pickle.loads(pickle.dumps(scenario))  # as sent to a worker
    assert shipped == scenario and shipped.content_hash == original
    assert cache.get(shipped, 0) is not None
