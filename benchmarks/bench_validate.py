"""CPU time of ``tierwise validate``: sequential stopping vs the fixed 24 replications per case.

Run from the repository root::

    python benchmarks/bench_validate.py             # both modes once each, seed 2024 (~5 min)
    python benchmarks/bench_validate.py --quick     # sequential stopping only (~1 min)
    python benchmarks/bench_validate.py --rounds 2 --workers 2
    python benchmarks/bench_validate.py --effort 0.5

Each round runs :func:`~tierwise.simulation.experiments.validation.validate` once with every
case at its fixed replication count (``sequential=False``, the behaviour before sequential
stopping) and once with sequential stopping (the default), alternating which goes first. CPU
time is this process plus every pool worker (``harness.cpu_seconds``); the ratio is fixed /
sequential (higher is better), best and median over the rounds, with the load average.
"""

from __future__ import annotations

import argparse
import time

from harness import cpu_seconds, emit, interleaved, load_text, ratio_figures

from tierwise.simulation.experiments.validation import CheckResult, reference_cases, validate


def timed_validate(
    effort: float, workers: int, sequential: bool, record: dict[str, list[float]]
) -> float:
    """CPU seconds of one validation; wall seconds and outcome go into ``record``."""
    cases = reference_cases(seed=2024, effort=effort)
    cpu0, wall0 = cpu_seconds(), time.perf_counter()
    results = validate(cases, confidence=0.99, workers=workers, sequential=sequential)
    cpu = cpu_seconds() - cpu0
    mode = "sequential" if sequential else "fixed"
    record.setdefault(f"{mode}_wall_s", []).append(time.perf_counter() - wall0)
    record.setdefault(f"{mode}_runs", []).append(_runs(results))
    record.setdefault(f"{mode}_passed", []).append(float(all(r.passed for r in results)))
    record.setdefault(f"{mode}_worst_tightness", []).append(
        max(r.precision.half_width / abs(r.case.exact) / r.max_relative_half_width for r in results)
    )
    return cpu


def _runs(results: list[CheckResult]) -> float:
    """Simulated runs: replications per distinct scenario."""
    return float(sum({r.case.scenario.content_hash: r.precision.n for r in results}.values()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="only the sequential mode")
    parser.add_argument("--effort", type=float, default=1.0, help="simulated-time multiplier")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only-sequential", action="store_true", help="skip the fixed mode")
    args = parser.parse_args()
    effort = args.effort
    args.only_sequential = args.only_sequential or args.quick
    print(f"validate, effort {effort:g}, {args.workers} workers; start: {load_text()}")
    record: dict[str, list[float]] = {}
    sides = {"sequential": lambda: timed_validate(effort, args.workers, True, record)}
    if not args.only_sequential:
        sides["fixed"] = lambda: timed_validate(effort, args.workers, False, record)
    cpu = interleaved(sides, args.rounds)
    for mode, values in cpu.items():
        print(
            f"{mode:>10}: CPU {', '.join(f'{v:.1f}' for v in values)} s, wall "
            f"{', '.join(f'{v:.1f}' for v in record[f'{mode}_wall_s'])} s, "
            f"{record[f'{mode}_runs'][0]:.0f} runs, passed {all(record[f'{mode}_passed'])}, "
            f"worst half-width / tolerance {max(record[f'{mode}_worst_tightness']):.2f}"
        )
    figures: dict[str, object] = {"effort": effort, "workers": args.workers, **record}
    figures.update({f"{mode}_cpu_s": values for mode, values in cpu.items()})
    if "fixed" in cpu:
        ratio = ratio_figures(cpu["fixed"], cpu["sequential"], higher_is_better=True)
        figures.update(ratio)
        print(
            f"CPU fixed / sequential: best {ratio['best']:.2f}x, median {ratio['median']:.2f}x "
            f"over {ratio['rounds']:.0f} round(s)"
        )
    print(f"end: {load_text()}")
    emit("validate.cpu", **figures)


if __name__ == "__main__":
    main()
