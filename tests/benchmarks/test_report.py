"""The benchmark harness and the generated table of docs/benchmarks.md."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import harness  # noqa: E402
import report  # noqa: E402


def test_interleaved_rounds_alternate_which_side_runs_first() -> None:
    order: list[str] = []
    values = harness.interleaved(
        {"a": lambda: order.append("a") or 1.0, "b": lambda: order.append("b") or 2.0}, 3
    )
    assert order == ["a", "b", "b", "a", "a", "b"]
    assert values == {"a": [1.0, 1.0, 1.0], "b": [2.0, 2.0, 2.0]}


def test_ratio_figures_are_per_round_best_and_median() -> None:
    ratios = harness.ratio_figures([2.0, 3.0, 4.0], [1.0, 1.0, 4.0], higher_is_better=True)
    assert ratios == {"best": 3.0, "median": 2.0, "rounds": 3}
    assert harness.ratio_figures([2.0, 3.0], [1.0, 1.0])["best"] == 2.0


def test_emit_prints_one_json_line_with_the_load_and_appends_to_the_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "results.jsonl"
    monkeypatch.setenv("TIERWISE_BENCH_JSON", str(target))
    harness.emit("sweep.cache", fraction=0.01)
    line = capsys.readouterr().out.strip()
    assert line.startswith(harness.JSON_PREFIX)
    record = json.loads(line.removeprefix(harness.JSON_PREFIX))
    assert record["benchmark"] == "sweep.cache" and len(record["load"]) == 3
    assert json.loads(target.read_text()) == record


def test_cpu_seconds_counts_the_pool_workers() -> None:
    """Work done in pool workers (children of the fork server) shows in cpu_seconds."""
    from tierwise.simulation.experiments.executor import make_executor

    before = harness.cpu_seconds()
    with make_executor("processes", 2) as pool:
        pool.map(math.factorial, [(40_000,)] * 24)
    assert harness.cpu_seconds() - before > 0.3


def test_the_table_between_the_markers_is_replaced_and_nothing_else() -> None:
    text = f"intro\n{report.START}\nold table\n{report.END}\nafter\n"
    records = report.read_records(
        [
            'BENCH {"benchmark": "sweep.cache", "fraction": 0.002, "rerun_s": 0.01, '
            '"first_s": 5.0, "load": [1.5, 1.0, 1.0]}',
            "not a record",
        ]
    )
    new = report.replace_between_markers(text, report.render_table(records))
    assert new.startswith("intro\n") and new.endswith(f"{report.END}\nafter\n")
    assert "old table" not in new
    assert "| `bench_sweep.py` | cached rerun / first run | **0.20%**" in new
    assert "| 1.5 |" in new


def test_a_later_record_of_a_benchmark_replaces_the_earlier() -> None:
    records = report.read_records(
        ['{"benchmark": "x", "v": 1, "load": [1, 1, 1]}', '{"benchmark": "x", "v": 2}']
    )
    assert records["x"]["v"] == 2
    assert "Records without a row: x." in report.render_table(records)


def test_the_docs_table_is_the_generated_one() -> None:
    """docs/benchmarks.md holds the table report.py renders from benchmarks/results.jsonl."""
    records = report.read_records(report.RESULTS.read_text(encoding="utf-8").splitlines())
    doc = report.DOC.read_text(encoding="utf-8")
    table = doc.split(report.START, 1)[1].split(report.END, 1)[0]
    assert report.render_table(records).splitlines()[2:] == [
        line for line in table.strip().splitlines()[2:] if line.startswith("|")
    ]


def test_write_report_fills_the_readme_table_with_the_engine_rows_only(tmp_path: Path) -> None:
    results = tmp_path / "results.jsonl"
    results.write_text(
        json.dumps({"benchmark": "engine.memory", "orders": 1e6, "peak_rss_mb": 68, "load": [1]})
        + "\n"
        + json.dumps({"benchmark": "sweep.cache", "fraction": 0.01, "rerun_s": 0.1, "first_s": 9})
        + "\n",
        encoding="utf-8",
    )
    doc, readme = tmp_path / "benchmarks.md", tmp_path / "README.md"
    for path in (doc, readme):
        path.write_text(f"head\n{report.START}\nold\n{report.END}\ntail\n", encoding="utf-8")
    report.write_report(results, doc=doc, readme=readme)
    readme_text = readme.read_text(encoding="utf-8")
    assert "(c) peak RSS" in readme_text and "cached rerun" not in readme_text
    assert "old" not in readme_text and readme_text.endswith("tail\n")
    assert "(c) peak RSS" in doc.read_text(encoding="utf-8")
