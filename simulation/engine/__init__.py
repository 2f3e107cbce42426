"""The SimPy engine: :func:`run` simulates one replication of a scenario."""

from __future__ import annotations

from tierwise.simulation.engine.model import OrderCycleModel
from tierwise.simulation.engine.order import OrderRecord
from tierwise.simulation.engine.results import RunResult
from tierwise.simulation.scenario.schema import Scenario

__all__ = ["OrderRecord", "run", "run_with_orders"]


def run(scenario: Scenario, replication: int = 0) -> RunResult:
    """Simulate replication ``replication`` of ``scenario``.

    Parameters
    ----------
    scenario : Scenario
        Validated scenario.
    replication : int
        Index of the replication (0-based); the random streams are derived from
        ``(scenario.seed, replication)`` only.

    Returns
    -------
    RunResult
        Per-tier metrics, utilisations, costs per day and inventory figures.
    """
    return OrderCycleModel(scenario, replication).run()


def run_with_orders(
    scenario: Scenario, replication: int = 0
) -> tuple[RunResult, list[OrderRecord]]:
    """Like :func:`run`, also returning one record per measured, completed order."""
    model = OrderCycleModel(scenario, replication, record_orders=True)
    result = model.run()
    return result, model.records or []
