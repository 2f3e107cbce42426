"""``tierwise report``: one self-contained HTML file from a run or a compare directory.

The fixtures are real: a quick ``run_pipeline`` on a two-tier scenario of a day and a half, and
``tierwise compare`` on a one-desk scenario of half a day; the error cases use small
hand-made directories. The HTML is checked structurally with the standard library's
``html.parser`` (sections present, every image a ``data:`` URI, no URL, tables filled).
"""

from __future__ import annotations

import json
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import typer
import yaml
from typer.testing import CliRunner

from tierwise.cli.compare import compare_command
from tierwise.cli.report import report_command
from tierwise.pipeline import PipelineConfig, run_pipeline
from tierwise.report.build import METRIC_DEFINITIONS, ReportError, build_report, detect_kind
from tierwise.simulation.experiments.comparison import TOTAL
from tierwise.simulation.metrics import METRIC_UNITS, PROFIT

app = typer.Typer(add_completion=False)


@app.callback()
def _root() -> None:
    """Test app: the report and compare commands as subcommands, as in ``tierwise.cli.app``."""


app.command("report")(report_command)
app.command("compare")(compare_command)
runner = CliRunner()

TWO_TIERS: dict[str, Any] = {
    "name": "two-tiers",
    "description": "Two tiers, one desk, pickers and a parcel carrier.",
    "seed": 11,
    "horizon_days": 1.5,
    "warmup_days": 0.25,
    "drain_days": 1.0,
    "replications": 3,
    "tiers": {
        "A": {
            "customers": 10,
            "orders_per_hour": 15.0,
            "channel_mix": {"phone": 1.0},
            "priority": 0,
            "shipping_mode": "parcel",
            "promised_cycle_time_h": 20.0,
            "targets": {"perfect_order_rate": 0.9},
            "revenue_per_order_usd": 200.0,
        },
        "B": {
            "customers": 40,
            "orders_per_hour": 25.0,
            "channel_mix": {"phone": 0.5, "edi": 0.5},
            "priority": 1,
            "shipping_mode": "parcel",
            "promised_cycle_time_h": 30.0,
            "revenue_per_order_usd": 60.0,
        },
    },
    "channels": {
        "phone": {"entry_error_probability": 0.01},
        "edi": {
            "uses_order_entry": False,
            "transmission_delay_h": {"dist": "uniform", "low": 0.0, "high": 1.0},
        },
    },
    "order_entry": {
        "pools": {"desk": {"agents": 3, "discipline": "priority"}},
        "handling_time_s": {"dist": "exponential", "mean": 240.0},
        "patience_s": {"dist": "exponential", "mean": 120.0},
    },
    "processing": {
        "processing_time_h": {"dist": "exponential", "mean": 0.2},
        "billing_error_probability": 0.02,
    },
    "picking": {
        "pickers": 2,
        "time_per_line_min": {"dist": "exponential", "mean": 1.0},
        "error_probability_per_line": 0.01,
    },
    "shipping": {
        "modes": {
            "parcel": {
                "kind": "carrier",
                "transit_time_h": {"dist": "lognormal", "mean": 14.0, "cv": 0.3},
                "cost_usd_per_shipment": 9.0,
                "damage_probability": 0.01,
            }
        }
    },
    "costs": {"agent_wage_usd_per_h": 22.0, "picker_wage_usd_per_h": 18.0},
}

DESK: dict[str, Any] = {
    "name": "desk",
    "seed": 5,
    "horizon_days": 0.5,
    "warmup_days": 0.05,
    "drain_days": 0.2,
    "tiers": {"all": {"customers": 1, "orders_per_hour": 100.0, "revenue_per_order_usd": 20.0}},
    "order_entry": {
        "pools": {"desk": {"agents": 6, "discipline": "fifo"}},
        "handling_time_s": {"dist": "exponential", "mean": 180.0},
        "patience_s": {"dist": "exponential", "mean": 120.0},
    },
    "processing": {"enabled": False},
    "picking": {"enabled": False},
    "shipping": {"enabled": False},
    "costs": {"agent_wage_usd_per_h": 30.0},
}


def _write(path: Path, data: Any) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real ``tierwise run --quick`` output (about 3 s): sweep, curves, plan, verification."""
    root = tmp_path_factory.mktemp("report_run")
    scenario = _write(root / "two_tiers.yaml", TWO_TIERS)
    out = root / "run"
    run_pipeline(scenario, out, PipelineConfig(quick=True, workers=1))
    return out


@pytest.fixture(scope="module")
def compare_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real ``tierwise compare`` output: three strategies of a one-desk scenario."""
    root = tmp_path_factory.mktemp("report_compare")
    _write(root / "desk.yaml", DESK)
    _write(
        root / "strategies.yaml",
        {
            "name": "desk-staffing",
            "base": "desk.yaml",
            "baseline": "six",
            "strategies": {
                "six": {"description": "six agents <today>"},
                "eight": {
                    "description": "two more agents",
                    "overrides": {"order_entry.pools.desk.agents": 8},
                },
                "patient": {
                    "description": "callers wait longer",
                    "overrides": {"order_entry.patience_s": {"dist": "exponential", "mean": 600}},
                },
            },
        },
    )
    out = root / "out"
    result = runner.invoke(
        app,
        ["compare", str(root / "strategies.yaml"), "--replications", "3", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    return out


# ---------------------------------------------------------------------------- HTML structure


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}


class _Structure(HTMLParser):
    """Sections, headings, images, tables and every attribute of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.section_ids: list[str] = []
        self.h2: list[str] = []
        self.images: list[dict[str, str]] = []
        self.attributes: list[tuple[str, str, str]] = []
        self.tables: list[list[list[str]]] = []  # table → body and foot rows → cell texts
        self.style = ""
        self.text: list[str] = []
        self._stack: list[str] = []
        self._cell: list[str] | None = None
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.tags.append(tag)
        if tag not in _VOID:
            self._stack.append(tag)
        for key, value in values.items():
            self.attributes.append((tag, key, value))
        if tag == "section" and "id" in values:
            self.section_ids.append(values["id"])
        elif tag == "img":
            self.images.append(values)
        elif tag == "table":
            self.tables.append([])
        elif tag in ("tbody", "tfoot"):
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self._in_body:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag in ("tbody", "tfoot"):
            self._in_body = False
        if self._stack and self._stack[-1] == tag:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._stack and self._stack[-1] == "style":
            self.style += data
        elif self._stack and self._stack[-1] == "h2":
            self.h2.append(data.strip())
        else:
            self.text.append(data)


def _parse(document: str) -> _Structure:
    parser = _Structure()
    parser.feed(document)
    parser.close()
    return parser


def _check_self_contained(document: str) -> _Structure:
    page = _parse(document)
    assert document.startswith("<!DOCTYPE html>")
    assert "script" not in page.tags and "link" not in page.tags and "iframe" not in page.tags
    assert page.images, "no figure embedded"
    for image in page.images:
        assert image["src"].startswith("data:image/png;base64,"), image["src"][:40]
        assert len(image["src"]) > 1000 and image.get("alt")
    for tag, key, value in page.attributes:
        assert "http://" not in value and "https://" not in value, (tag, key, value)
        if key in ("href", "src"):
            assert value.startswith(("#", "data:")), (tag, key, value[:60])
    assert "url(" not in page.style and "@import" not in page.style
    assert "http://" not in document and "https://" not in document
    for table in page.tables:
        assert table and all(row for row in table), "empty table"
    return page


def _table_with(page: _Structure, text: str) -> list[list[str]]:
    """The first table with a body or foot cell equal to ``text``."""
    for table in page.tables:
        if any(text in row for row in table):
            return table
    raise AssertionError(f"no table with a cell {text!r}")


# ---------------------------------------------------------------------------- run reports


def test_run_report_has_every_section_and_is_self_contained(run_dir: Path) -> None:
    report = build_report(run_dir)
    assert report.kind == "run" and not report.warnings
    assert report.scenario_path.name == "two_tiers.yaml"  # recorded by the run, hash checked
    page = _check_self_contained(report.html)
    assert page.section_ids == [
        "assumptions",
        "sweep",
        "curves",
        "plan",
        "verification",
        "budget",
        "definitions",
    ]
    assert len(page.images) == 3  # cost vs service, revenue/cost/profit, profit vs budget
    text = " ".join(page.text)
    assert "two-tiers" in text and "seed" in text and "11" in text
    assert "3 per sweep variant" in text


def test_run_report_numbers_match_the_files(run_dir: Path) -> None:
    page = _parse(build_report(run_dir).html)
    plan = json.loads((run_dir / "plan.json").read_text())
    plan_table = _table_with(page, "total")
    total = next(row for row in plan_table if row[0] == "total")
    assert f"{plan['total_profit_per_day_usd']:,.0f}" in total
    assert f"{plan['total_cost_per_day_usd']:,.0f}" in total
    tier_rows = [row for row in plan_table if row[0] in ("A", "B")]
    assert len(tier_rows) == 2
    a = plan["chosen"]["A"]
    expected = f"{a['service_level'] * 100:.1f}% ± {a['service_half_width'] * 100:.1f} pp"
    assert expected in tier_rows[0]
    verification = pd.read_csv(run_dir / "verification.csv")
    rounds = [r for t in page.tables for r in t if len(r) == 8 and r[0].isdigit()]
    assert len(rounds) == len(verification)
    tiers = _table_with(page, "customers")
    assert tiers[0] == ["customers", "10", "40"]
    assert ["promised cycle time", "20 h", "30 h"] in tiers
    assert ["target: perfect order rate", "≥ 90%", "—"] in tiers
    resources = _table_with(page, "pickers")
    assert any(row[:2] == ["agents, pool desk", "3"] for row in resources)


def test_every_metric_is_defined_with_its_unit(run_dir: Path) -> None:
    assert set(METRIC_UNITS) <= set(METRIC_DEFINITIONS)
    assert PROFIT in METRIC_DEFINITIONS
    page = _parse(build_report(run_dir).html)
    definitions = _table_with(page, "perfect_order_rate")
    names = {row[0] for row in definitions}
    assert set(METRIC_UNITS) | {PROFIT} <= names
    units = {row[0]: row[1] for row in definitions}
    assert units["on_time_rate"] == "%" and units["mean_cycle_time_h"] == "h"
    assert units["cost_per_day_usd"] == "USD/day"


def test_run_without_a_recorded_scenario_needs_scenario(run_dir: Path, tmp_path: Path) -> None:
    moved = tmp_path / "run"
    shutil.copytree(run_dir, moved, ignore=shutil.ignore_patterns("cache"))
    summary = json.loads((moved / "sweep.summary.json").read_text())
    summary["spec"] = "run sweep of gone/elsewhere.yaml"
    (moved / "sweep.summary.json").write_text(json.dumps(summary))
    result = runner.invoke(app, ["report", str(moved), "--out", str(tmp_path / "r.html")])
    assert result.exit_code == 2, result.output
    assert "--scenario" in result.output and "gone/elsewhere.yaml" in result.output
    assert "Traceback" not in result.output
    scenario = _write(tmp_path / "again.yaml", TWO_TIERS)
    out = tmp_path / "deep" / "r.html"
    ok = runner.invoke(
        app, ["report", str(moved), "--scenario", str(scenario), "--out", str(out), "--title", "T"]
    )
    assert ok.exit_code == 0, ok.output
    assert "wrote" in ok.output and out.is_file()
    assert "<title>T</title>" in out.read_text()


def test_a_scenario_that_does_not_match_the_run_is_flagged(run_dir: Path, tmp_path: Path) -> None:
    changed = _write(tmp_path / "changed.yaml", {**TWO_TIERS, "seed": 12})
    out = tmp_path / "r.html"
    result = runner.invoke(
        app, ["report", str(run_dir), "--scenario", str(changed), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "warning:" in result.output and "does not match the run" in result.output
    assert "box-warn" in out.read_text() and "does not match the run" in out.read_text()


def test_infeasible_run_without_figures_still_reports(tmp_path: Path) -> None:
    scenario = _write(tmp_path / "s.yaml", TWO_TIERS)
    run = tmp_path / "run"
    run.mkdir()
    plan = {
        "status": "infeasible",
        "objective": "profit",
        "chosen": {},
        "solver": "cbc",
        "solver_status": "Infeasible",
        "message": "no plan meets the minimum service",
        "explanation": {"messages": ["tier A: minimum 99% but the best option reaches 91%"]},
        "violations": [],
    }
    (run / "plan.json").write_text(json.dumps(plan))
    report = build_report(run, scenario)
    page = _parse(report.html)
    assert "infeasible" in report.html and "best option reaches 91%" in report.html
    assert "box-alert" in report.html
    assert not page.images and "was not produced" in report.html
    assert page.section_ids[0] == "assumptions" and "definitions" in page.section_ids


# ---------------------------------------------------------------------------- compare reports


def test_compare_report_has_tables_verdict_and_figures(compare_dir: Path) -> None:
    strategies = compare_dir.parent / "strategies.yaml"
    report = build_report(compare_dir, strategies)
    assert report.kind == "compare" and not report.warnings
    page = _check_self_contained(report.html)
    assert page.section_ids == [
        "assumptions",
        "strategies",
        "differences",
        "best",
        "figures",
        "definitions",
    ]
    assert len(page.images) == 2
    document = json.loads((compare_dir / "comparison.json").read_text())
    assert document["best"]["verdict"] in " ".join(page.text)
    assert "Bonferroni" in report.html
    assert "six agents &lt;today&gt;" in report.html  # descriptions are escaped
    changes = _table_with(page, "eight")
    eight = next(row for row in changes if row[0] == "eight")
    assert "order_entry.pools.desk.agents: 6 → 8" in eight[2]
    profit = _table_with(page, "(baseline)")
    assert {row[0] for row in profit} >= {"six", "eight", "patient"}
    significant = [
        r
        for r in document["differences"]
        if r["significant"] and (r["metric"] != PROFIT or r["scope"] == TOTAL)
    ]
    marked = sum(report.html.count(f'class="{c}"') for c in ("better", "worse", "sig"))
    assert marked - 2 == len(significant)  # the caption shows one green and one red sample


def test_compare_needs_the_strategy_file(compare_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", str(compare_dir), "--out", str(tmp_path / "r.html")])
    assert result.exit_code == 2
    assert "--scenario" in result.output and "strategy file" in result.output
    other = _write(
        tmp_path / "other.yaml", {"base": str(compare_dir.parent / "desk.yaml"), "strategies": {}}
    )
    with pytest.raises(ReportError):
        build_report(compare_dir, other)
    base = build_report(compare_dir, compare_dir.parent / "desk.yaml")
    assert not base.warnings  # the base file is the baseline strategy: its hash matches


# ---------------------------------------------------------------------------- bad input


def test_detection_and_clean_errors(run_dir: Path, compare_dir: Path, tmp_path: Path) -> None:
    assert detect_kind(run_dir) == "run" and detect_kind(compare_dir) == "compare"
    empty = tmp_path / "empty"
    empty.mkdir()
    both = tmp_path / "both"
    both.mkdir()
    (both / "plan.json").write_text("{}")
    (both / "comparison.json").write_text("{}")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "plan.json").write_text("{not json")
    bad_yaml = _write(tmp_path / "bad.yaml", {**TWO_TIERS, "seed": -1})
    cases = {
        str(tmp_path / "missing"): "no such directory",
        str(empty): "neither a run nor a compare",
        str(both): "both",
        str(broken): "cannot be read as JSON",
        str(bad_yaml): "is a file",
    }
    for source, message in cases.items():
        result = runner.invoke(
            app, ["report", source, "--scenario", str(bad_yaml), "--out", str(tmp_path / "x")]
        )
        assert result.exit_code == 2, (source, result.output)
        assert message in result.output, (source, result.output)
        assert "Traceback" not in result.output
    invalid = runner.invoke(app, ["report", str(run_dir), "--scenario", str(bad_yaml)])
    assert invalid.exit_code == 2 and "seed = -1" in invalid.output
    desk = compare_dir.parent / "desk.yaml"
    other = runner.invoke(app, ["report", str(run_dir), "--scenario", str(desk)])
    assert (
        other.exit_code == 2 and "has tiers all" in other.output and "A, B missing" in other.output
    )
    assert not (tmp_path / "x").exists()
