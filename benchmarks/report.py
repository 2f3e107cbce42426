"""Regenerate the performance table of ``docs/benchmarks.md`` from the benchmarks' JSON lines.

Run from the repository root::

    python benchmarks/report.py                       # from benchmarks/results.jsonl
    python benchmarks/report.py --from other.jsonl    # from another file of BENCH lines
    python benchmarks/report.py --run --quick         # run every benchmark first (run_all)

The table between ``<!-- bench:start -->`` and ``<!-- bench:end -->`` is replaced, nothing
else in the file; the README's performance table (the engine rows) likewise. Each row is one
benchmark figure with the load average it was measured at; the last record of a benchmark
wins (a rerun of one benchmark updates only its rows).
"""

from __future__ import annotations

import argparse
import datetime
import json
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from harness import REPO

__all__ = ["RESULTS", "render_table", "replace_between_markers", "write_report"]

RESULTS = REPO / "benchmarks" / "results.jsonl"
DOC = REPO / "docs" / "benchmarks.md"
README = REPO / "README.md"
#: The benchmarks whose rows the README's performance table shows.
README_PREFIXES = ("engine.",)
START, END = "<!-- bench:start -->", "<!-- bench:end -->"

Row = tuple[str, str, str]  # what, measured, target


def _ratio(r: dict[str, Any]) -> str:
    return f"best **{r['best']:.2f}**, median {r['median']:.2f} ({r['rounds']} rounds)"


def _engine_rate(r: dict[str, Any]) -> str:
    return f"{r['engine_per_s']:,.0f} vs {r['minimal_per_s']:,.0f} calls/s: ratio " + _ratio(r)


#: benchmark → (command, what, how its record reads, target); in table order.
ROWS: dict[str, tuple[str, str, Callable[[dict[str, Any]], str], str]] = {
    "engine.mmc": (
        "bench_engine.py",
        "(a) engine M/M/c (c = 12) vs minimal SimPy, CPU time",
        _engine_rate,
        "≥ 0.9",
    ),
    "engine.priority": (
        "bench_engine.py",
        "(p) engine 3-class priority queue vs minimal SimPy",
        _engine_rate,
        "≥ 0.9",
    ),
    "engine.default": (
        "bench_engine.py",
        "(b) default scenario, orders per CPU second",
        lambda r: (
            f"best **{r['best']:,.0f}**, median {r['median']:,.0f} "
            f"({r['horizon_days']} days, {r['rounds']} runs)"
        ),
        "≥ 25,000/s",
    ),
    "engine.memory": (
        "bench_engine.py",
        "(c) peak RSS",
        lambda r: f"**{r['peak_rss_mb']:.0f} MB** for {r['orders']:,.0f} orders",
        "< 300 MB",
    ),
    "optimize.default-3tier.cbc": (
        "bench_optimize.py",
        "build + solve, 3 tiers × 25 options, CBC",
        lambda r: f"**{r['total_s']:.2f} s** ({r['status']})",
        "< 5 s",
    ),
    "optimize.default-3tier.highs": (
        "bench_optimize.py",
        "the same, HiGHS",
        lambda r: f"**{r['total_s']:.2f} s** ({r['status']})",
        "< 5 s",
    ),
    "optimize.stress-100x20x5.cbc": (
        "bench_optimize.py",
        "stress 100 × 20 × 5 (2,005 variables), CBC",
        lambda r: f"**{r['total_s']:.2f} s** ({r['status']})",
        "< 5 s",
    ),
    "optimize.stress-100x20x5.highs": (
        "bench_optimize.py",
        "the same, HiGHS",
        lambda r: f"**{r['total_s']:.2f} s** ({r['status']})",
        "< 5 s",
    ),
    "sweep.speedup_warm": (
        "bench_sweep.py",
        "sweep wall time 1 / 2 workers, persistent (warm) pool",
        lambda r: _ratio(r) + f", {r['runs']} runs",
        "≥ 1.85",
    ),
    "sweep.speedup_cold": (
        "bench_sweep.py",
        "the same, pool started per sweep (cold, end to end)",
        lambda r: _ratio(r),
        "",
    ),
    "sweep.pool": (
        "bench_sweep.py",
        "pool anatomy: start, tail, busy share; speed-up on 2 idle cores (CPU-based)",
        lambda r: (
            f"start {r['pool_start_s']:.2f} s, tail {r['tail_s']:.2f} s, busy "
            f"{r['busy_share']:.1%}; CPU {r['cpu_serial_s']:.1f} → {r['cpu_pool_s']:.1f} s: "
            f"**{r['projected_speedup']:.2f}×**"
        ),
        "≥ 1.85",
    ),
    "sweep.cache": (
        "bench_sweep.py",
        "cached rerun / first run",
        lambda r: f"**{r['fraction']:.2%}** ({r['rerun_s']:.3f} s of {r['first_s']:.1f} s)",
        "< 5 %",
    ),
    "sweep.dask": (
        "bench_sweep.py",
        "dask LocalCluster: start-up, per-run overhead over the pool",
        lambda r: f"start {r['startup_s']:.1f} s, **{r['ms_per_run']:+.0f} ms/run**",
        "",
    ),
    "sweep.screening": (
        "bench_sweep.py",
        "screening on scenarios/sweeps/default.yaml",
        lambda r: (
            f"{r['screened']} of {r['variants']} variants, **{r['runs_saved']} of "
            f"{r['runs_total']} runs saved** in {r['seconds']:.2f} s"
        ),
        "",
    ),
    "validate.cpu": (
        "bench_validate.py",
        "`validate` CPU time (parent + pool workers): fixed 24 vs sequential stopping",
        lambda r: (
            f"effort {r['effort']:g}: fixed {min(r['fixed_cpu_s']):.0f} s → sequential "
            f"**{min(r['sequential_cpu_s']):.0f} s** ({r['fixed_runs'][0]:.0f} → "
            f"{r['sequential_runs'][0]:.0f} runs), ratio " + _ratio(r)
            if "fixed_cpu_s" in r
            else f"effort {r['effort']:g}: sequential **{min(r['sequential_cpu_s']):.0f} s**"
        ),
        "≤ 120 s (effort 1)",
    ),
    "scale.sweep": (
        "bench_scale.py",
        "scale.yaml slice on dask (2 workers): runs/s, overhead, cached rerun, projection",
        lambda r: (
            f"{r['runs']} runs: dask **{r['dask_runs_per_s']:.2f} runs/s**, pool "
            f"{r['pool_runs_per_s']:.2f}; {r['dask_overhead_ms_per_run']:+.0f} ms/run; rerun "
            f"{r['cached_rerun_s']:.2f} s; {r['full_runs']} runs ≈ "
            f"{r['full_dask_s_projected'] / 60:.0f} min"
        ),
        "",
    ),
    "run.quick": (
        "bench_run.py",
        "`tierwise run --quick` end to end, 1 / 2 workers",
        lambda r: f"{min(r['serial_s']):.1f} → {min(r['pooled_s']):.1f} s: " + _ratio(r),
        "",
    ),
    "scale.full": (
        "bench_scale.py --dask-only",
        "the whole scale.yaml sweep on a dask LocalCluster (2 workers), then from its cache",
        lambda r: (
            f"{r['runs']:,} runs in **{r['dask_s'] / 60:.1f} min** "
            f"({r['dask_runs_per_s']:.2f} runs/s); cached rerun {r['cached_rerun_s']:.1f} s"
        ),
        "",
    ),
    "run.full": (
        "bench_run.py",
        "`tierwise run` (full) end to end, 1 / 2 workers",
        lambda r: f"{min(r['serial_s']):.1f} → {min(r['pooled_s']):.1f} s: " + _ratio(r),
        "< 2 min (2 workers)",
    ),
    "optimality_default": (
        "bench_optimality.py",
        "main job's plan vs a long independent reference search; both re-scored on a second "
        "fresh seed, paired",
        lambda r: (
            f"gap **{r['gap_pct']:.2f} %** (${r['paired_difference_usd_per_day']:,.0f} ± "
            f"{r['paired_half_width_usd_per_day']:,.0f}/day); on the search's own seed its best "
            f"{r['reference_own_best_vs_plan_pct']:+.2f} %; runs {r['main_job_runs']} vs "
            f"{r['reference_runs']} "
            f"(**{100 * r['main_job_runs'] / r['reference_runs']:.0f} %**)"
            + (f"; main job {r['main_job_wall_s']:.0f} s" if "main_job_wall_s" in r else "")
        ),
        "≤ 1 %, ≤ 10 % of the runs, ≤ 3 min",
    ),
}


def read_records(lines: Iterable[str]) -> dict[str, dict[str, Any]]:
    """``benchmark → its last record`` from JSON lines (``BENCH `` prefixes allowed)."""
    records: dict[str, dict[str, Any]] = {}
    for line in lines:
        text = line.strip().removeprefix("BENCH ").strip()
        if text.startswith("{"):
            record = json.loads(text)
            records[record["benchmark"]] = record
    return records


def render_table(
    records: dict[str, dict[str, Any]], note: str = "", prefixes: tuple[str, ...] = ()
) -> str:
    """The Markdown table of every known benchmark that has a record (only those whose name
    starts with one of ``prefixes``, when given)."""
    lines = [
        "| command | what | measured | load (1 min) | target |",
        "|---|---|---|---|---|",
    ]
    for name, (command, what, read, target) in ROWS.items():
        record = records.get(name)
        if record is None or (prefixes and not name.startswith(prefixes)):
            continue
        load = record.get("load", [float("nan")])[0]
        lines.append(f"| `{command}` | {what} | {read(record)} | {load:.1f} | {target} |")
    unknown = sorted(
        name for name in set(records) - set(ROWS) if not prefixes or name.startswith(prefixes)
    )
    if unknown:
        lines.append(f"\nRecords without a row: {', '.join(unknown)}.")
    if note:
        lines.append(f"\n{note}")
    return "\n".join(lines)


def replace_between_markers(text: str, table: str) -> str:
    """``text`` with everything between the bench markers replaced by ``table``."""
    try:
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
    except ValueError:
        raise SystemExit(f"the file lacks the markers {START} … {END}") from None
    return f"{head}{START}\n{table}\n{END}{tail}"


def write_report(
    results: Path = RESULTS, quick: bool = False, doc: Path = DOC, readme: Path | None = README
) -> None:
    """Rewrite the table of ``doc`` from the records in ``results``, and the engine rows of
    ``readme``'s performance table (when it has the markers)."""
    records = read_records(results.read_text(encoding="utf-8").splitlines())
    stamp = datetime.date.today().isoformat()
    source = results.relative_to(REPO) if results.is_relative_to(REPO) else results
    note = (
        f"Generated by `python benchmarks/report.py` from `{source}` on "
        f"{stamp}{' (--quick sizes)' if quick else ''}; 2-core shared machine."
    )
    doc.write_text(
        replace_between_markers(doc.read_text(encoding="utf-8"), render_table(records, note)),
        encoding="utf-8",
    )
    print(f"wrote the table of {doc.name} ({len(records)} records)")
    if readme is not None and readme.exists():
        text = readme.read_text(encoding="utf-8")
        if START in text:
            table = render_table(records, note, prefixes=README_PREFIXES)
            readme.write_text(replace_between_markers(text, table), encoding="utf-8")
            print(f"wrote the performance table of {readme.name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="source", type=Path, default=RESULTS)
    parser.add_argument("--run", action="store_true", help="run every benchmark first")
    parser.add_argument("--quick", action="store_true", help="with --run: smoke sizes")
    args = parser.parse_args()
    if args.run:
        command = [sys.executable, str(REPO / "benchmarks" / "run_all.py")]
        subprocess.run(command + (["--quick"] if args.quick else []), cwd=REPO, check=True)
        return  # run_all writes the report
    write_report(args.source.resolve(), quick=args.quick)


if __name__ == "__main__":
    main()
