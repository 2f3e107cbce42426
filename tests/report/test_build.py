"""``build_report``: one self-contained page per run or compare folder, with the numbers of its
files, found by the folder's manifest (or, for older folders, by the fixed file names)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from tests.report.folders import (
    DESK,
    STRATEGIES,
    TWO_TIERS,
    check_self_contained,
    make_infeasible_run,
    parse,
    table_with,
    write_manifest,
    write_yaml,
)
from tierwise.artifacts import MANIFEST_NAME, Kind
from tierwise.common.formatting import usd
from tierwise.report import ReportError, build_report
from tierwise.simulation.experiments.comparison import TOTAL
from tierwise.simulation.metrics import METRICS, PROFIT

RUN_SECTIONS = [
    "summary",
    "assumptions",
    "sweep",
    "curves",
    "plan",
    "verification",
    "budget",
    "definitions",
]
COMPARE_SECTIONS = ["assumptions", "strategies", "differences", "best", "figures", "definitions"]


def _legacy_copy(run_dir: Path, to: Path) -> Path:
    """The run folder as an older version wrote it: the same files, no manifest."""
    shutil.copytree(run_dir, to, ignore=shutil.ignore_patterns("cache", MANIFEST_NAME))
    return to


def test_run_report_has_every_section_and_is_self_contained(run_dir: Path) -> None:
    report = build_report(run_dir)
    assert report.kind == "run" and not report.warnings
    assert report.scenario_path.name == "two_tiers.yaml"  # recorded by the run, hash checked
    page = check_self_contained(report.html)
    assert page.section_ids == RUN_SECTIONS
    assert len(page.images) == 3  # cost vs service, revenue/cost/profit, profit vs budget
    text = " ".join(page.text)
    assert "two-tiers" in text and "seed" in text and "11" in text
    assert "3 per sweep variant" in text
    # each tier's revenue response, as the run priced it, and the service it reads
    responses = table_with(page, "revenue response")
    row = next(r for r in responses if r[0] == "revenue response")
    assert row[1:] == [
        "logistic (default, profile A) of perfect_order_rate",
        "logistic (default, profile B) of perfect_order_rate",
    ]


def test_run_report_numbers_match_the_files(run_dir: Path) -> None:
    page = parse(build_report(run_dir).html)
    plan = json.loads((run_dir / "plan.json").read_text())
    plan_table = table_with(page, "total")
    total = next(row for row in plan_table if row[0] == "total")
    assert usd(plan["total_profit_per_day_usd"]) in total
    assert usd(plan["total_cost_per_day_usd"]) in total
    tier_rows = [row for row in plan_table if row[0] in ("A", "B")]
    assert len(tier_rows) == 2
    a = plan["chosen"]["A"]
    expected = f"{a['service_level'] * 100:.1f}% ± {a['service_half_width'] * 100:.1f} pp"
    assert expected in tier_rows[0]
    verification = pd.read_csv(run_dir / "verification.csv")
    rounds = [r for t in page.tables for r in t if len(r) == 8 and r[0].isdigit()]
    assert len(rounds) == len(verification)
    tiers = table_with(page, "customers")
    assert tiers[0] == ["customers", "10", "40"]
    assert ["promised cycle time", "20 h", "30 h"] in tiers
    assert ["revenue per order", "$200", "$60"] in tiers
    assert [f"target: {METRICS['perfect_order_rate'].label}", "≥ 90%", "—"] in tiers
    resources = table_with(page, "pickers")
    assert any(row[:2] == ["agents, pool desk", "3"] for row in resources)


def test_the_glossary_defines_every_registry_metric_with_its_label_and_unit(
    run_dir: Path,
) -> None:
    page = parse(build_report(run_dir).html)
    definitions = {row[0]: row[1:] for row in table_with(page, "perfect_order_rate")}
    assert set(METRICS) <= set(definitions) and PROFIT in definitions
    for name, metric in METRICS.items():
        label, unit, definition = definitions[name]
        assert label == metric.label and definition == metric.definition
        assert unit == ("%" if metric.unit == "rate" else metric.unit)


def test_a_run_folder_without_a_manifest_is_read_by_file_names(
    run_dir: Path, tmp_path: Path
) -> None:
    legacy = _legacy_copy(run_dir, tmp_path / "legacy")
    report = build_report(legacy)
    assert report.scenario_path.name == "two_tiers.yaml"
    assert "recorded in sweep.summary.json" in report.html
    assert len(parse(report.html).images) == 3


def test_the_manifest_finds_renamed_files_and_the_scenario(run_dir: Path, tmp_path: Path) -> None:
    """Files are found by kind, not by name; the scenario path by the manifest, not the spec."""
    folder = _legacy_copy(run_dir, tmp_path / "renamed")
    renames = {
        "plan.json": ("chosen-plan.json", Kind.PLAN),
        "sweep.parquet": ("grid.parquet", Kind.SWEEP_TABLE),
        "sweep.summary.json": ("grid-summary.json", Kind.SWEEP_SUMMARY),
        "optimum.csv": ("best.csv", Kind.OPTIMUM),
        "verification.csv": ("check.csv", Kind.VERIFICATION),
        "cost_vs_service.png": ("cost_vs_service.png", Kind.FIGURE),
        "revenue_cost_profit.png": ("revenue_cost_profit.png", Kind.FIGURE),
    }
    for old, (new, _) in renames.items():
        (folder / old).rename(folder / new)
    summary = json.loads((folder / "grid-summary.json").read_text())
    summary["spec"] = "run sweep of gone/elsewhere.yaml"  # what the fallback would read
    (folder / "grid-summary.json").write_text(json.dumps(summary))
    scenario = run_dir.parent / "two_tiers.yaml"
    write_manifest(folder, {new: kind for new, kind in renames.values()}, scenario_path=scenario)
    report = build_report(folder)
    assert report.scenario_path == scenario and "recorded in manifest.json" in report.html
    page = parse(report.html)
    plan = json.loads((folder / "chosen-plan.json").read_text())
    total = next(row for row in table_with(page, "total") if row[0] == "total")
    assert usd(plan["total_profit_per_day_usd"]) in total
    assert len(page.images) == 2  # profit_vs_budget.png is not in the manifest
    assert "(profit_vs_budget.png was not produced.)" in report.html
    assert "3 per sweep variant" in report.html  # the renamed sweep table was read


def test_infeasible_run_without_figures_still_reports(tmp_path: Path) -> None:
    run, scenario = make_infeasible_run(tmp_path)
    report = build_report(run, scenario)
    page = parse(report.html)
    assert "infeasible" in report.html and "best option reaches 91%" in report.html
    assert "box-alert" in report.html
    assert not page.images and "was not produced" in report.html
    assert page.section_ids == RUN_SECTIONS


def test_a_hostile_scenario_name_is_escaped_in_the_page(tmp_path: Path) -> None:
    hostile = {
        **TWO_TIERS,
        "name": "<script>alert(1)</script>",
        "description": 'a "quoted" <b>bold</b> & more',
    }
    run, scenario = make_infeasible_run(tmp_path, hostile)
    report = build_report(run, scenario)
    assert "<script" not in report.html and "<b>" not in report.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report.html
    assert "&amp; more" in report.html
    page = parse(report.html)
    assert "script" not in page.tags and "b" not in page.tags
    assert report.title == "Tierwise report — <script>alert(1)</script>"


def test_compare_report_has_tables_verdict_and_figures(compare_dir: Path) -> None:
    strategies = compare_dir.parent / "strategies.yaml"
    report = build_report(compare_dir, strategies)
    assert report.kind == "compare" and not report.warnings
    page = check_self_contained(report.html)
    assert page.section_ids == COMPARE_SECTIONS
    assert len(page.images) == 2
    document = json.loads((compare_dir / "comparison.json").read_text())
    assert document["best"]["verdict"] in " ".join(page.text)
    assert "Bonferroni" in report.html
    assert "six agents &lt;today&gt;" in report.html  # descriptions are escaped
    changes = table_with(page, "eight")
    eight = next(row for row in changes if row[0] == "eight")
    assert "order_entry.pools.desk.agents: 6 → 8" in eight[2]
    profit = table_with(page, "(baseline)")
    assert {row[0] for row in profit} >= {"six", "eight", "patient"}
    assert "revenue response at its simulated service" in report.html
    significant = [
        r
        for r in document["differences"]
        if r["significant"] and (r["metric"] != PROFIT or r["scope"] == TOTAL)
    ]
    marked = sum(report.html.count(f'class="{c}"') for c in ("better", "worse", "sig"))
    assert marked - 2 == len(significant)  # the caption shows one green and one red sample


def test_compare_report_p_values_use_the_shared_rule(compare_dir: Path) -> None:
    report = build_report(compare_dir, compare_dir.parent / "strategies.yaml")
    document = json.loads((compare_dir / "comparison.json").read_text())
    page = parse(report.html)
    profit = next(
        t
        for t in page.tables
        if [r[0] for r in t][:3] == ["six", "eight", "patient"] and t[0][-1] in ("yes", "no")
    )
    p_by_strategy = {row[0]: row[-3] for row in profit}
    for r in document["differences"]:
        if r["metric"] == PROFIT and r["scope"] == TOTAL:
            p = r["p_value"]
            expected = "< 0.001" if p < 0.001 else (f"{p:.3f}" if p < 0.1 else f"{p:.2f}")
            assert p_by_strategy[r["strategy"]] == expected


def test_compare_folder_needs_the_strategy_file_without_a_manifest(
    compare_dir: Path, tmp_path: Path
) -> None:
    legacy = tmp_path / "legacy"
    shutil.copytree(compare_dir, legacy, ignore=shutil.ignore_patterns(MANIFEST_NAME))
    with pytest.raises(ReportError, match="--scenario"):
        build_report(legacy)
    other = write_yaml(
        tmp_path / "other.yaml",
        {
            "base": str(compare_dir.parent / "desk.yaml"),
            "baseline": "five",
            "strategies": {
                "five": {"overrides": {"order_entry.pools.desk.agents": 5}},
                "seven": {"overrides": {"order_entry.pools.desk.agents": 7}},
            },
        },
    )
    with pytest.raises(ReportError, match="no strategy 'six'"):
        build_report(legacy, other)
    base = build_report(legacy, compare_dir.parent / "desk.yaml")
    assert not base.warnings  # the base file is the baseline strategy: its hash matches
    assert "strategy &#39;six&#39; (given with --scenario)" in base.html


def test_compare_folder_with_a_manifest_finds_its_strategy_file(
    compare_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "cmp"
    shutil.copytree(compare_dir, folder, ignore=shutil.ignore_patterns(MANIFEST_NAME))
    (folder / "comparison.json").rename(folder / "result.json")
    figures = {p.name: Kind.FIGURE for p in folder.glob("compare_*.png")}
    strategies = compare_dir.parent / "strategies.yaml"
    write_manifest(
        folder, {"result.json": Kind.COMPARISON, **figures}, inputs={"strategies": str(strategies)}
    )
    report = build_report(folder)
    assert report.kind == "compare" and report.scenario_path == strategies
    assert not report.warnings and "recorded in manifest.json" in report.html
    assert len(parse(report.html).images) == len(figures) == 2
    write_yaml(tmp_path / "desk.yaml", {**DESK, "seed": 6})  # edited since the comparison
    edited = write_yaml(tmp_path / "strategies.yaml", STRATEGIES)
    write_manifest(folder, {"result.json": Kind.COMPARISON}, inputs={"strategies": str(edited)})
    with pytest.raises(ReportError, match="no longer matches"):
        build_report(folder)
