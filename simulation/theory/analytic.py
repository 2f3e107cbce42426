"""Index of the exact yardsticks from queueing and inventory theory.

The closed forms the simulation engine is validated against (the reference cases in
``docs/validation.md``) and quick first estimates for planners. Each formula lives once, in
the module of its concept; this module gathers them under one documented name:

- :mod:`~tierwise.simulation.theory.erlang`: Erlang B / C, mean wait, service level,
  minimum stable and service-level staffing;
- :mod:`~tierwise.simulation.theory.priority`: Cobham's non-preemptive priority M/M/c waits;
- :mod:`~tierwise.simulation.theory.stock`: periodic and continuous base stock, Poisson demand;
- :mod:`~tierwise.simulation.theory.perfect_order`: perfect-order rate of independent parts.

Units follow the argument names: rates ``*_per_h`` are per hour, times ``*_h`` are hours,
``*_per_day`` / ``*_days`` are per day / days, loads are in Erlang (dimensionless), stock
quantities are units of product. Customer lifetime value is economics:
:func:`tierwise.optimization.economics.revenue.customer_lifetime_value`.
"""

from __future__ import annotations

from tierwise.simulation.theory.erlang import (
    erlang_b,
    erlang_c_mean_wait_h,
    erlang_c_service_level,
    erlang_c_wait_probability,
    min_stable_servers,
    servers_for_service_level,
)
from tierwise.simulation.theory.perfect_order import perfect_order_rate_independent
from tierwise.simulation.theory.priority import priority_queue_waits_h
from tierwise.simulation.theory.stock import (
    ContinuousBaseStock,
    PeriodicBaseStock,
    continuous_base_stock,
    poisson_base_stock,
)

__all__ = [
    "ContinuousBaseStock",
    "PeriodicBaseStock",
    "continuous_base_stock",
    "erlang_b",
    "erlang_c_mean_wait_h",
    "erlang_c_service_level",
    "erlang_c_wait_probability",
    "min_stable_servers",
    "perfect_order_rate_independent",
    "poisson_base_stock",
    "priority_queue_waits_h",
    "servers_for_service_level",
]
