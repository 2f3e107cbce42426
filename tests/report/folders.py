"""Test helpers for the report: scenarios, real and hand-made output folders, an HTML reader.

The real folders come from a quick ``run_pipeline`` on a two-tier scenario of a day and a half
(about 3 s) and ``tierwise compare`` on a one-desk scenario of half a day; hand-made folders
hold only the files a test needs. The HTML is read with the standard library's ``html.parser``.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import typer
import yaml
from typer.testing import CliRunner

from tierwise.artifacts import MANIFEST_NAME, FileEntry, Manifest
from tierwise.cli.compare import compare_command
from tierwise.cli.report import report_command
from tierwise.pipeline import PipelineConfig, run_pipeline
from tierwise.simulation.scenario.loading import load_scenario

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
    "tiers": {
        "all": {
            "customers": 1,
            "orders_per_hour": 100.0,
            "revenue_per_order_usd": 20.0,
            "revenue_profile": "B",
        }
    },
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

STRATEGIES: dict[str, Any] = {
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
}

INFEASIBLE_PLAN: dict[str, Any] = {
    "status": "infeasible",
    "objective": "profit",
    "chosen": {},
    "solver": "cbc",
    "solver_status": "Infeasible",
    "message": "no plan meets the minimum service",
    "explanation": {"messages": ["tier A: minimum 99% but the best option reaches 91%"]},
    "violations": [],
}


def write_yaml(path: Path, data: Any) -> Path:
    """``data`` as a YAML file at ``path``."""
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def make_run(root: Path) -> Path:
    """A real ``tierwise run --quick`` of :data:`TWO_TIERS` in ``root/run`` (scenario in
    ``root/two_tiers.yaml``)."""
    scenario = write_yaml(root / "two_tiers.yaml", TWO_TIERS)
    out = root / "run"
    run_pipeline(scenario, out, PipelineConfig(quick=True, workers=1))
    return out


def make_compare(root: Path) -> Path:
    """A real ``tierwise compare`` of :data:`STRATEGIES` (three strategies, 3 replications) in
    ``root/out``."""
    write_yaml(root / "desk.yaml", DESK)
    write_yaml(root / "strategies.yaml", STRATEGIES)
    out = root / "out"
    result = runner.invoke(
        app,
        ["compare", str(root / "strategies.yaml"), "--replications", "3", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    return out


def make_infeasible_run(root: Path, scenario: dict[str, Any] = TWO_TIERS) -> tuple[Path, Path]:
    """A hand-made run folder with only an infeasible ``plan.json``; returns (folder, scenario)."""
    path = write_yaml(root / "s.yaml", scenario)
    run = root / "run"
    run.mkdir()
    (run / "plan.json").write_text(json.dumps(INFEASIBLE_PLAN), encoding="utf-8")
    return run, path


def write_sweep(folder: Path, scenario_hash: str, name: str = "sweep.parquet") -> Path:
    """A minimal sweep table recording ``scenario_hash`` (one variant, no overrides)."""
    frame = pd.DataFrame(
        {"variant_id": ["v0"], "replication": [0], "seed": [11], "scenario_hash": [scenario_hash]}
    )
    frame.to_parquet(folder / name, index=False)
    return folder / name


def scenario_hash(path: Path) -> str:
    """The content hash of the scenario file at ``path``."""
    return load_scenario(path).content_hash


def write_manifest(
    folder: Path,
    files: dict[str, str],
    scenario_path: Path | None = None,
    scenario_hash: str | None = None,
    inputs: dict[str, str] | None = None,
) -> Manifest:
    """A ``manifest.json`` listing ``files`` (``name → kind``, files must exist) as a command
    writing the folder would."""
    manifest = Manifest(
        run_id="test",
        command="test",
        tierwise_version="test",
        created_utc="2024-01-01T00:00:00+00:00",
        scenario_path=None if scenario_path is None else str(scenario_path),
        scenario_hash=scenario_hash,
        inputs=inputs or {},
        files=[
            FileEntry(name=name, kind=kind, bytes=(folder / name).stat().st_size, sha256="0" * 64)
            for name, kind in files.items()
        ],
    )
    (folder / MANIFEST_NAME).write_text(manifest.model_dump_json(indent=2), encoding="utf-8")
    return manifest


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}


class Structure(HTMLParser):
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


def parse(document: str) -> Structure:
    """The structure of an HTML document."""
    parser = Structure()
    parser.feed(document)
    parser.close()
    return parser


def check_self_contained(document: str) -> Structure:
    """Assert the page needs nothing outside itself: no script, link, URL; data: images only;
    every table filled."""
    page = parse(document)
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


def table_with(page: Structure, text: str) -> list[list[str]]:
    """The first table with a body or foot cell equal to ``text``."""
    for table in page.tables:
        if any(text in row for row in table):
            return table
    raise AssertionError(f"no table with a cell {text!r}")
