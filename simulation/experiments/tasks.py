"""What a worker runs: one replication of one scenario.

These module-level functions are what the :mod:`~tierwise.simulation.experiments.executor`
ships to its workers (by name). Each run depends only on ``(scenario, replication)``: the
engine derives its random streams from the scenario seed and the replication index, so a
result never depends on which worker ran it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TypeVar

from tierwise.simulation.engine import run
from tierwise.simulation.engine.results import RunResult
from tierwise.simulation.scenario.schema import Scenario
from tierwise.simulation.theory.loads import weekly_orders

__all__ = [
    "Outcome",
    "expected_orders",
    "longest_first",
    "one_line",
    "run_replication",
    "simulate_outcome",
]

logger = logging.getLogger(__name__)

K = TypeVar("K")

#: What :func:`simulate_outcome` returns: the flat metrics (or None) and an error ("" if fine).
Outcome = tuple[dict[str, float] | None, str]


def one_line(text: str) -> str:
    """A (multi-line) error message on one line, the lines joined by ``"; "``."""
    return "; ".join(line.strip(" -") for line in text.splitlines() if line.strip(" -"))


def expected_orders(scenario: Scenario) -> float:
    """Orders one run of ``scenario`` is expected to create (warm-up included): its cost.

    A run's CPU time grows about linearly with the orders it simulates, so this orders jobs
    longest first (:func:`longest_first`).
    """
    per_day = sum(weekly_orders(scenario, tier) for tier in scenario.tiers) / 7.0
    return scenario.horizon_days * per_day


def longest_first(
    jobs: Sequence[tuple[K, tuple[Scenario, int]]],
) -> list[tuple[K, tuple[Scenario, int]]]:
    """``(key, (scenario, replication))`` jobs sorted by :func:`expected_orders`, largest first.

    Submitted in this order, the last jobs to start are the shortest, so the workers finish
    close together (the tail of a batch is short); ties keep their order.
    """
    cost: dict[int, float] = {}
    for _, (scenario, _) in jobs:
        cost.setdefault(id(scenario), expected_orders(scenario))
    return sorted(jobs, key=lambda job: -cost[id(job[1][0])])


def run_replication(scenario: Scenario, replication: int) -> RunResult:
    """Simulate replication ``replication`` of ``scenario`` (errors propagate)."""
    return run(scenario, replication)


def simulate_outcome(scenario: Scenario, replication: int) -> Outcome:
    """Simulate one run and return ``(flat metrics, "")`` or ``(None, error message)``.

    A failing run is reported, not raised, so that a sweep records it and goes on.
    """
    try:
        flat = run(scenario, replication).flat()
    except Exception as exc:  # a failing variant is recorded, the sweep goes on
        logger.warning("run %s/%d failed: %s", scenario.content_hash[:12], replication, exc)
        return None, f"{type(exc).__name__}: {one_line(str(exc))}"
    return {k: float(v) for k, v in flat.items()}, ""
