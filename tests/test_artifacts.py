"""Output folders: every file recorded in the manifest, no file of an earlier run left behind."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.figure import Figure

from tierwise.artifacts import (
    MANIFEST_NAME,
    ArtifactError,
    OutputFolder,
    command_line,
    json_text,
    read_manifest,
)


def test_manifest_lists_every_file_with_kind_hash_and_scenario(tmp_path: Path) -> None:
    out = OutputFolder(tmp_path / "run", command="tierwise run default", scenario_hash="abc")
    out.write_json("plan.json", {"profit": 1.5}, kind="plan")
    out.write_frame("plan.csv", pd.DataFrame({"tier": ["A"]}), kind="plan_table")
    fig = Figure()
    fig.subplots().plot([0, 1], [0, 1])
    out.write_figure("curve", fig)
    manifest = out.finish()
    again = read_manifest(tmp_path / "run")
    assert again == manifest
    assert [f.name for f in again.files] == ["plan.json", "plan.csv", "curve.png", "curve.svg"]
    assert again.path_of(tmp_path / "run", "plan") == tmp_path / "run" / "plan.json"
    assert again.scenario_hash == "abc" and again.command == "tierwise run default"
    assert all(len(f.sha256) == 64 and f.bytes > 0 for f in again.files)


def test_a_new_run_removes_the_files_of_the_previous_run_only(tmp_path: Path) -> None:
    first = OutputFolder(tmp_path)
    first.write_text("old_plan_overrides.json", "{}", kind="overrides")
    first.finish()
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    second = OutputFolder(tmp_path)
    second.write_text("plan.json", "{}", kind="plan")
    second.finish()
    assert not (tmp_path / "old_plan_overrides.json").exists()
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert [f.name for f in read_manifest(tmp_path).files] == ["plan.json"]  # type: ignore[union-attr]


def test_json_has_null_not_nan() -> None:
    text = json_text({"x": math.nan, "y": [math.inf, 1.0]})
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text) == {"x": None, "y": [None, 1.0]}


def test_bad_folders_and_names_are_refused(tmp_path: Path) -> None:
    file = tmp_path / "file.txt"
    file.write_text("x", encoding="utf-8")
    with pytest.raises(ArtifactError, match="is not a folder"):
        OutputFolder(file)
    out = OutputFolder(tmp_path / "ok")
    with pytest.raises(ArtifactError, match="plain relative name"):
        out.write_text("../escape.txt", "x", kind="x")
    with pytest.raises(ArtifactError, match=r"\.csv or \.parquet"):
        out.write_frame("table.xlsx", pd.DataFrame(), kind="x")
    (tmp_path / "ok" / MANIFEST_NAME).write_text("{not json", encoding="utf-8")
    with pytest.raises(ArtifactError, match="not a Tierwise manifest"):
        read_manifest(tmp_path / "ok")


def test_command_line_names_the_program_tierwise_and_quotes_arguments() -> None:
    argv = ["/venv/lib/tierwise/__main__.py", "run", "my scenario.yaml", "--quick"]
    assert command_line(argv) == "tierwise run 'my scenario.yaml' --quick"
    assert command_line(["/usr/bin/tierwise", "check", "default"]) == "tierwise check default"
    assert command_line(["pytest", "-q"]) == "pytest -q"
