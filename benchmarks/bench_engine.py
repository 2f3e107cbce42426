"""Engine benchmark: ratios from interleaved rounds (absolute times on shared machines are noisy).

Run: ``python benchmarks/bench_engine.py`` (add ``--quick`` for a smoke run, ``--rounds N``).

Every timing is CPU time of this process (``time.process_time``), and the two sides of a ratio
run alternately round by round, so that load from other processes hits both alike; the best
and the median ratio over the rounds are printed with the load average. Prints

(a) the engine running a single M/M/c order-entry queue (c = 12) vs a minimal hand-written
    SimPy M/M/c doing the same work, as a throughput ratio (target >= 0.9);
(p) the engine running a three-class non-preemptive priority queue (6 servers, every other stage
    off) vs a minimal SimPy ``PriorityResource`` model, as a throughput ratio (target >= 0.9);
(b) orders per CPU second for the full default scenario on one core (target >= 25,000/s);
(c) peak memory (RSS) of a run simulating 1 M orders (target < 300 MB), in a fresh process.

``--same-layer`` also prints (a) and (p) against the minimal models run on the engine's own
lean SimPy layer (``LeanEnvironment`` and the lean resources): the engine's cost over the
same event machinery, without what the lean layer saves (no BENCH line; informational).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import numpy as np
import simpy
from harness import emit

from tierwise.simulation.engine import run
from tierwise.simulation.engine.environment import LeanEnvironment
from tierwise.simulation.engine.resources import LeanPriorityResource, LeanResource
from tierwise.simulation.scenario.loading import load_scenario, scenario_from_dict

OFF = {"enabled": False}
HANDLING_S = 180.0
#: Priority benchmark: three classes of 32 calls/h each on 6 servers of 20 calls/h (ρ = 0.8).
PRIORITY_RATES_PER_H = (32.0, 32.0, 32.0)
PRIORITY_SERVERS = 6


def minimal_mmc(
    rate_per_h: float,
    handling_h: float,
    servers: int,
    horizon_h: float,
    layer: tuple[type[simpy.Environment], type[simpy.Resource]] = (
        simpy.Environment,
        simpy.Resource,
    ),
) -> int:
    """The textbook SimPy M/M/c: one process per call, plain Resource (``layer``: the
    environment and resource classes; SimPy's own by default)."""
    env_class, resource_class = layer
    env = env_class()
    desk = resource_class(env, capacity=servers)
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


def minimal_priority(
    rates_per_h: tuple[float, ...],
    handling_h: float,
    servers: int,
    horizon_h: float,
    layer: tuple[type[simpy.Environment], type[simpy.PriorityResource]] = (
        simpy.Environment,
        simpy.PriorityResource,
    ),
) -> int:
    """A minimal SimPy non-preemptive priority queue: one source per class, PriorityResource
    (``layer``: the environment and resource classes; SimPy's own by default)."""
    env_class, resource_class = layer
    env = env_class()
    desk = resource_class(env, capacity=servers)
    rng = np.random.default_rng(1)
    served = 0

    def call(priority: int):  # type: ignore[no-untyped-def]
        nonlocal served
        with desk.request(priority=priority) as req:
            yield req
            yield env.timeout(rng.exponential(handling_h))
        served += 1

    def source(priority: int, rate_per_h: float):  # type: ignore[no-untyped-def]
        while True:
            yield env.timeout(rng.exponential(1 / rate_per_h))
            env.process(call(priority))

    for priority, rate in enumerate(rates_per_h):
        env.process(source(priority, rate))
    env.run(until=horizon_h)
    return served


def _desk_only(horizon_days: float, tiers: dict, pools: dict) -> dict:
    return {
        "horizon_days": horizon_days,
        "warmup_days": 0.0001,
        "drain_days": 0,
        "tiers": tiers,
        "order_entry": {
            "pools": pools,
            "handling_time_s": {"dist": "exponential", "mean": HANDLING_S},
        },
        "processing": OFF,
        "picking": OFF,
        "shipping": OFF,
    }


def engine_mmc(horizon_days: float) -> int:
    """The engine with only the order desk on: M/M/12, λ = 200/h, FIFO."""
    sc = scenario_from_dict(
        _desk_only(
            horizon_days,
            {"all": {"customers": 1, "orders_per_hour": 200.0}},
            {"desk": {"agents": 12, "discipline": "fifo"}},
        )
    )
    return int(run(sc, 0).tiers["all"]["orders_completed"])


def engine_priority(horizon_days: float) -> int:
    """The engine with only the order desk on: three priority classes on 6 agents."""
    tiers = {
        f"P{k}": {"customers": 1, "orders_per_hour": rate, "priority": k}
        for k, rate in enumerate(PRIORITY_RATES_PER_H)
    }
    pools = {"desk": {"agents": PRIORITY_SERVERS, "discipline": "priority"}}
    result = run(scenario_from_dict(_desk_only(horizon_days, tiers, pools)), 0)
    return int(sum(m["orders_completed"] for m in result.tiers.values()))


def default_orders(horizon_days: float) -> float:
    """Run the default scenario; orders created (warm-up included)."""
    sc = load_scenario("scenarios/default.yaml", [("horizon_days", horizon_days)])
    result = run(sc, 0)
    total = sum(m["orders_arrived"] for m in result.tiers.values())
    return total * sc.horizon_days / (sc.horizon_days - sc.warmup_days)


def cpu_rate(fn: Callable[[], float]) -> float:
    """Work units per CPU second of one call of ``fn``."""
    t0 = time.process_time()
    n = fn()
    return n / (time.process_time() - t0)


def interleaved(
    engine: Callable[[], float], minimal: Callable[[], float], rounds: int
) -> tuple[list[float], list[float]]:
    """Rates of ``engine`` and ``minimal``, alternating which runs first round by round."""
    rates_engine, rates_minimal = [], []
    for k in range(rounds):
        if k % 2 == 0:
            rates_engine.append(cpu_rate(engine))
            rates_minimal.append(cpu_rate(minimal))
        else:
            rates_minimal.append(cpu_rate(minimal))
            rates_engine.append(cpu_rate(engine))
    return rates_engine, rates_minimal


def ratio_line(label: str, engine: list[float], minimal: list[float], unit: str) -> str:
    ratios = [e / m for e, m in zip(engine, minimal, strict=True)]
    return (
        f"{label}: engine {max(engine):,.0f} {unit}/s, minimal SimPy {max(minimal):,.0f} "
        f"{unit}/s (best rounds); ratio best {max(ratios):.2f}, median "
        f"{statistics.median(ratios):.2f} over {len(ratios)} rounds (target >= 0.9)"
    )


def emit_ratio(benchmark: str, engine: list[float], minimal: list[float]) -> None:
    """The BENCH line of an engine / minimal-SimPy ratio (higher is better)."""
    ratios = [e / m for e, m in zip(engine, minimal, strict=True)]
    emit(
        benchmark,
        best=max(ratios),
        median=statistics.median(ratios),
        rounds=len(ratios),
        engine_per_s=max(engine),
        minimal_per_s=max(minimal),
    )


def peak_memory_child(orders: int) -> None:
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


def load_average() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default 7, quick 2)")
    parser.add_argument("--skip-memory", action="store_true", help="leave out (c)")
    parser.add_argument(
        "--same-layer",
        action="store_true",
        help="also compare with the minimal models on the engine's lean SimPy layer",
    )
    parser.add_argument("--child-memory", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_memory:
        peak_memory_child(args.child_memory)
        return
    days = 2.0 if args.quick else 6.0
    rounds = args.rounds or (2 if args.quick else 7)
    print(f"start: {load_average()}")

    engine, minimal = interleaved(
        lambda: engine_mmc(days),
        lambda: minimal_mmc(200.0, HANDLING_S / 3600, 12, days * 24),
        rounds,
    )
    print(ratio_line(f"(a) M/M/c, c=12, λ=200/h, {days:g} days", engine, minimal, "calls"))
    emit_ratio("engine.mmc", engine, minimal)

    prio_days = 3 * days
    engine, minimal = interleaved(
        lambda: engine_priority(prio_days),
        lambda: minimal_priority(
            PRIORITY_RATES_PER_H, HANDLING_S / 3600, PRIORITY_SERVERS, prio_days * 24
        ),
        rounds,
    )
    label = f"(p) 3-class priority, c={PRIORITY_SERVERS}, ρ=0.8, {prio_days:g} days"
    print(ratio_line(label, engine, minimal, "calls"))
    emit_ratio("engine.priority", engine, minimal)

    if args.same_layer:
        engine, minimal = interleaved(
            lambda: engine_mmc(days),
            lambda: minimal_mmc(
                200.0, HANDLING_S / 3600, 12, days * 24, (LeanEnvironment, LeanResource)
            ),
            rounds,
        )
        print(ratio_line("(a, same lean layer)", engine, minimal, "calls"))
        engine, minimal = interleaved(
            lambda: engine_priority(prio_days),
            lambda: minimal_priority(
                PRIORITY_RATES_PER_H,
                HANDLING_S / 3600,
                PRIORITY_SERVERS,
                prio_days * 24,
                (LeanEnvironment, LeanPriorityResource),
            ),
            rounds,
        )
        print(ratio_line("(p, same lean layer)", engine, minimal, "calls"))

    horizon = 12 if args.quick else 33
    rates = [cpu_rate(lambda: default_orders(horizon)) for _ in range(max(1, rounds // 2))]
    print(
        f"(b) default scenario, {horizon} days: best {max(rates):,.0f}, median "
        f"{statistics.median(rates):,.0f} orders per CPU second over {len(rates)} runs "
        "(target >= 25,000/s)"
    )
    emit(
        "engine.default",
        horizon_days=horizon,
        best=max(rates),
        median=statistics.median(rates),
        rounds=len(rates),
    )

    if not args.skip_memory:
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
        emit("engine.memory", orders=float(out[0]), peak_rss_mb=float(out[1]))
    print(f"end: {load_average()}")


if __name__ == "__main__":
    main()
