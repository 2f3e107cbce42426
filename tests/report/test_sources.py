"""Reading an output folder: files by the manifest's kinds, by fixed names only without one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.report.folders import write_manifest
from tierwise.artifacts import Kind
from tierwise.report.sources import Folder, ReportError, RunFiles, detect_kind, read_comparison


def test_a_manifest_names_the_files_and_nothing_is_guessed(tmp_path: Path) -> None:
    (tmp_path / "the-plan.json").write_text(json.dumps({"status": "optimal"}))
    (tmp_path / "plan.json").write_text(json.dumps({"status": "stale, not listed"}))
    (tmp_path / "cost_vs_service.png").write_bytes(b"\x89PNG")
    write_manifest(tmp_path, {"the-plan.json": Kind.PLAN})
    folder = Folder.open(tmp_path)
    assert folder.file(Kind.PLAN) == tmp_path / "the-plan.json"
    assert folder.file(Kind.OPTIMUM) is None
    assert folder.figures() == [] and folder.figure("cost_vs_service") is None
    files = RunFiles.read(tmp_path)
    assert files.plan == {"status": "optimal"} and files.optimum is None
    assert files.results_file() == tmp_path / "the-plan.json"
    assert detect_kind(tmp_path) == "run"


def test_without_a_manifest_files_are_found_by_their_fixed_names(tmp_path: Path) -> None:
    (tmp_path / "plan.json").write_text(json.dumps({"status": "optimal"}))
    (tmp_path / "cost_vs_service.png").write_bytes(b"\x89PNG")
    folder = Folder.open(tmp_path)
    assert folder.manifest is None
    assert folder.file(Kind.PLAN) == tmp_path / "plan.json"
    assert folder.figure("cost_vs_service") == tmp_path / "cost_vs_service.png"
    assert RunFiles.read(tmp_path).plan == {"status": "optimal"}


def test_the_kind_of_folder_comes_from_the_manifest(tmp_path: Path) -> None:
    (tmp_path / "result.json").write_text(json.dumps({"differences": []}))
    write_manifest(tmp_path, {"result.json": Kind.COMPARISON})
    assert detect_kind(tmp_path) == "compare"
    path, document = read_comparison(Folder.open(tmp_path))
    assert path == tmp_path / "result.json" and document == {"differences": []}


def test_unreadable_files_are_clean_errors(tmp_path: Path) -> None:
    (tmp_path / "plan.json").write_text("[1, 2]")
    with pytest.raises(ReportError, match="expected a JSON object"):
        RunFiles.read(tmp_path)
    (tmp_path / "plan.json").write_text("{")
    with pytest.raises(ReportError, match="cannot be read as JSON"):
        RunFiles.read(tmp_path)
    (tmp_path / "comparison.json").write_text(json.dumps({"no": "differences"}))
    with pytest.raises(ReportError, match="not a comparison"):
        read_comparison(Folder.open(tmp_path))
    (tmp_path / "manifest.json").write_text("{}")
    with pytest.raises(ReportError, match="not a Tierwise manifest"):
        Folder.open(tmp_path)
