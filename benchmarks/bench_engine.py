"""Engine benchmark: ratios measured in one run (absolute times on shared machines are noisy).

Run: ``python benchmarks/bench_engine.py`` (add ``--quick`` for a smoke run).

Prints
(a) the engine running a single M/M/c order-entry queue vs a minimal hand-written SimPy M/M/c
    doing the same work, as a throughput ratio (target >= 0.6);
(b) orders per second for the full default scenario on one core (target >= 10,000/s);
(c) peak memory (RSS) of a run simulating 1 M orders (target < 300 MB), in a fresh process.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time

import numpy as np
import simpy

from tierwise.simulation.engine import run
from tierwise.simulation.scenario.loading import load_scenario, scenario_from_dict

OFF = {"enabled": False}


def minimal_mmc(rate_per_h: float, handling_h: float, servers: int, horizon_h: float) -> int:
    """The textbook SimPy M/M/c: one process per call, plain Resource."""
    env = simpy.Environment()
    desk = simpy.Resource(env, capacity=servers)
    rng = np.random.default_rng(1)
    served = 0

    def call():  # type: ignore[no-untyped-def]
        nonlocal served
        with desk.request() as req:
            yield req
            yield env.timeout(rng.exponential(handling_h))
        served += 1

    def source():  # type: ignore[no-untyped-def]
        while True:
            yield env.timeout(rng.exponential(1 / rate_per_h))
            env.process(call())

    env.process(source())
    env.run(until=horizon_h)
    return served


def engine_mmc(horizon_days: float) -> int:
    sc = scenario_from_dict(
        {
            "horizon_days": horizon_days,
            "warmup_days": 0.0001,
            "drain_days": 0,
            "tiers": {"all": {"customers": 1, "orders_per_hour": 200.0}},
            "order_entry": {
                "pools": {"desk": {"agents": 12, "discipline": "fifo"}},
                "handling_time_s": {"dist": "exponential", "mean": 180.0},
            },
            "processing": OFF,
            "picking": OFF,
            "shipping": OFF,
        }
    )
    return int(run(sc, 0).tiers["all"]["orders_completed"])


def best_rate(fn, repeats: int) -> float:  # type: ignore[no-untyped-def]
    rates = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        n = fn()
        rates.append(n / (time.perf_counter() - t0))
    return max(rates)


def peak_memory_child(orders: int) -> None:
    sc = load_scenario("scenarios/default.yaml")
    per_day = 1000 * 5 / 7  # ~1,000 orders per working day
    days = orders / per_day
    sc = load_scenario(
        "scenarios/default.yaml", [("horizon_days", round(days + 5, 1)), ("warmup_days", 5)]
    )
    t0 = time.perf_counter()
    result = run(sc, 0)
    n = sum(m["orders_arrived"] for m in result.tiers.values())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{n:.0f} {peak_mb:.1f} {time.perf_counter() - t0:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    parser.add_argument("--child-memory", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_memory:
        peak_memory_child(args.child_memory)
        return
    days = 2.0 if args.quick else 10.0
    repeats = 1 if args.quick else 3
    minimal = best_rate(lambda: minimal_mmc(200.0, 0.05, 12, days * 24), repeats)
    engine = best_rate(lambda: engine_mmc(days), repeats)
    print(
        f"(a) M/M/c, c=12, λ=200/h, {days:g} days: engine {engine:,.0f} calls/s, minimal SimPy "
        f"{minimal:,.0f} calls/s, ratio {engine / minimal:.2f} (target >= 0.6)"
    )

    sc = load_scenario("scenarios/default.yaml", [("horizon_days", 12 if args.quick else 33)])
    t0 = time.perf_counter()
    result = run(sc, 0)
    elapsed = time.perf_counter() - t0
    total = sum(m["orders_arrived"] for m in result.tiers.values())
    total *= sc.horizon_days / (sc.horizon_days - sc.warmup_days)  # warm-up orders too
    print(
        f"(b) default scenario: {total:,.0f} orders in {elapsed:.2f} s = "
        f"{total / elapsed:,.0f} orders/s on one core (target >= 10,000/s)"
    )

    orders = 50_000 if args.quick else 1_000_000
    out = subprocess.run(
        [sys.executable, __file__, "--child-memory", str(orders)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    print(
        f"(c) default scenario with {float(out[0]):,.0f} measured orders: peak RSS "
        f"{float(out[1]):.0f} MB in {float(out[2]):.0f} s (target < 300 MB)"
    )


if __name__ == "__main__":
    main()
