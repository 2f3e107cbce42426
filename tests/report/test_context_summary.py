"""The executive summary on the page: the plan per tier in words, today against the plan
with paired intervals and plain p-values, targets, levers; plain names, no registry keys."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd

from tests.report.folders import parse, table_with
from tierwise.artifacts import Kind, add_to_manifest
from tierwise.report.build import build_report


def _summary_text(html: str) -> str:
    summary = html.split('<section id="summary">', 1)[1].split("</section>", 1)[0]
    return " ".join(" ".join(parse(summary).text).split())


def test_the_summary_opens_with_the_plan_per_tier_in_words(run_dir: Path) -> None:
    report = build_report(run_dir)
    page = parse(report.html)
    assert page.section_ids[0] == "summary"
    text = _summary_text(report.html)
    plan = json.loads((run_dir / "plan.json").read_text())
    assert "Recommended plan:" in text
    assert f"${plan['total_profit_per_day_usd']:,.0f}/day" in text
    for tier, option in plan["chosen"].items():
        agents = option["params"]["order_entry.pools.desk.agents"]
        pickers = option["params"]["picking.pickers"]
        # a decision that differs from the scenario as given says what it was
        was = r"(?: \(was [^)]*\))?"
        words = (
            f"{agents} desk agent{'s' * (agents != 1)}{was}, "
            f"{pickers} picker{'s' * (pickers != 1)}{was}"
        )
        assert re.search(f"Tier {tier}: {words}", text)
    # no hex ids and no registry keys where a planner reads
    assert not re.search(r"\b[0-9a-f]{12}\b", text)
    assert "total.profit_per_day_usd" not in report.html
    assert "_per_day_usd" not in text and "perfect_order_rate" not in text
    # the scenario's one target (A perfect order rate ≥ 90 %) is judged
    targets = [t for t in page.tables if t and t[0][-1:] == ["scenario"]]
    assert len(targets) == 1
    targets = targets[0]
    assert len(targets) == 1 and targets[0][:3] == ["Tier A", "Perfect order rate", "90.0%"]
    assert targets[0][4] in ("met", "missed", "within noise")


def test_a_paired_baseline_comparison_is_shown_with_plain_p_values(
    run_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "run"
    shutil.copytree(run_dir, folder)
    pd.DataFrame(
        {
            "scope": ["A", "A", "total"],
            "metric": ["perfect_order_rate", "cost_per_day_usd", "profit_per_day_usd"],
            "today": [0.71, 900.0, 4000.0],
            "plan": [0.84, 950.0, 4600.0],
            "difference": [0.13, 50.0, 600.0],
            "half_width": [0.02, 12.0, 80.0],
            "p_value": [2e-9, 0.0004, 0.012],
        }
    ).to_csv(folder / "baseline_comparison.csv", index=False)
    add_to_manifest(folder / "baseline_comparison.csv", Kind.BASELINE_COMPARISON)
    report = build_report(folder)
    text = _summary_text(report.html)
    assert "paired differences under common random numbers" in text
    rows = table_with(parse(report.html), "all tiers")
    assert ["all tiers", "Profit per day", "$4,000", "$4,600", "+$600 ± $80", "0.012"] in rows
    assert ["Tier A", "Perfect order rate", "71.0%", "84.0%", "+13.0 pp ± 2.0", "< 0.001"] in rows
    assert "2e-09" not in report.html and "0.0004" not in report.html


def test_the_summary_says_whether_the_most_valuable_tier_is_served_best(
    run_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "run"
    shutil.copytree(run_dir, folder)
    plan = json.loads((folder / "plan.json").read_text())
    said = ["Tier A is not served best: its perfect order rate is 91.0 % against 92.1 % for B."]
    plan["tier_ranking"] = {"messages": said, "top_served_best": False}
    (folder / "plan.json").write_text(json.dumps(plan))
    text = _summary_text(build_report(folder).html)
    assert "Is the most valuable tier served best?" in text and said[0] in text
    plan.pop("tier_ranking")
    (folder / "plan.json").write_text(json.dumps(plan))
    assert "most valuable tier" not in _summary_text(build_report(folder).html)
