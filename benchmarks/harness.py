"""The harness every benchmark shares: interleaved rounds, ratios, CPU time, load, JSON lines.

Absolute times on a shared machine are noisy, so a benchmark compares two sides of a ratio
*in the same run*, alternating them round by round (:func:`interleaved`) so that a burst of
load from other users hits both alike, and reports the best and the median ratio
(:func:`ratio_figures`) together with the load average (:func:`load_average`).

Every benchmark ends each figure with one machine-readable line (:func:`emit`)::

    BENCH {"benchmark": "sweep.throughput", "best": 1.93, "median": 1.88, ...}

which ``benchmarks/report.py`` collects to regenerate the table of ``docs/benchmarks.md``.

CPU time (:func:`cpu_seconds`) counts this process, its reaped children, *and the workers of
the process pool*: those are children of the pool's fork server, not of this process, so
``resource.getrusage(RUSAGE_CHILDREN)`` alone never sees them; the fork server's own
``/proc`` record (user + system time of itself and of the workers it has reaped) does.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "JSON_PREFIX",
    "REPO",
    "cpu_seconds",
    "emit",
    "interleaved",
    "load_average",
    "load_text",
    "ratio_figures",
    "timed_outcome",
]

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run from a checkout: import this tree's tierwise
    sys.path.insert(0, str(REPO))

#: Start of every machine-readable line a benchmark prints.
JSON_PREFIX = "BENCH "

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def load_average() -> list[float]:
    """The 1-, 5- and 15-minute load averages."""
    return [round(x, 2) for x in os.getloadavg()]


def load_text() -> str:
    """``"load average 1.20, 0.98, 0.75"``."""
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def _fork_server_cpu_s() -> float:
    """User + system CPU seconds of the fork server and of every worker it has reaped."""
    from multiprocessing import forkserver

    pid = getattr(forkserver._forkserver, "_forkserver_pid", None)
    if not pid:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # after the ")": state is field 3 of stat(5), so utime..cstime (14..17) are [11:15]
    return sum(int(v) for v in fields[11:15]) / _CLOCK_TICKS


def cpu_seconds() -> float:
    """CPU seconds used so far by this process, its reaped children and the pool's workers.

    Workers count once they have exited (a closed pool), so measure around calls that shut
    their pool down (or close it before reading).
    """
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (
        own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime + _fork_server_cpu_s()
    )


def interleaved(sides: Mapping[str, Callable[[], float]], rounds: int) -> dict[str, list[float]]:
    """Measure every side once per round, alternating the order round by round.

    Parameters
    ----------
    sides : mapping
        ``name → callable`` returning its measurement (e.g. seconds, or a rate).
    rounds : int
        Rounds (>= 1).

    Returns
    -------
    dict
        ``name → measurements``, one per round, in round order.
    """
    names = list(sides)
    values: dict[str, list[float]] = {name: [] for name in names}
    for k in range(rounds):
        for name in names if k % 2 == 0 else reversed(names):
            values[name].append(float(sides[name]()))
    return values


def ratio_figures(
    numerator: Sequence[float], denominator: Sequence[float], higher_is_better: bool = False
) -> dict[str, float]:
    """Best and median of the per-round ratios ``numerator / denominator``.

    Parameters
    ----------
    numerator, denominator : sequence of float
        One measurement per round each (same rounds).
    higher_is_better : bool
        Whether a larger ratio is the better one (then ``best`` is the largest ratio, else the
        smallest).
    """
    ratios = [a / b for a, b in zip(numerator, denominator, strict=True)]
    best = max(ratios) if higher_is_better else min(ratios)
    return {"best": best, "median": statistics.median(ratios), "rounds": len(ratios)}


def emit(benchmark: str, **figures: Any) -> dict[str, Any]:
    """Print one ``BENCH {json}`` line for ``benchmark`` (with the load average) and return it.

    When ``$TIERWISE_BENCH_JSON`` names a file, the line is also appended to it.
    """
    record = {"benchmark": benchmark, **figures, "load": load_average()}
    line = JSON_PREFIX + json.dumps(record, sort_keys=True)
    print(line, flush=True)
    target = os.environ.get("TIERWISE_BENCH_JSON")
    if target:
        with open(target, "a", encoding="utf-8") as out:
            out.write(line[len(JSON_PREFIX) :] + "\n")
    return record


def timed_outcome(scenario: Any, replication: int) -> tuple[Any, float, float, int]:
    """A pool task: ``simulate_outcome`` with its start and end (epoch seconds) and worker pid."""
    import time

    from tierwise.simulation.experiments.tasks import simulate_outcome

    began = time.time()
    outcome = simulate_outcome(scenario, replication)
    return outcome, began, time.time(), os.getpid()
