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
    add_to_manifest,
    check_output_folder,
    command_line,
    is_output_name,
    json_text,
    read_manifest,
    unlisted_outputs,
    write_table,
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


def _old_outputs(folder: Path) -> None:
    """A folder written before manifests existed: a feasible run's plan, overrides, figure."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("plan.json", "plan_scenario_overrides.json", "profit_vs_budget.png"):
        (folder / name).write_text("old", encoding="utf-8")


def test_a_folder_of_outputs_no_manifest_lists_is_refused_and_left_alone(tmp_path: Path) -> None:
    _old_outputs(tmp_path / "run")
    (tmp_path / "run" / "notes.txt").write_text("mine", encoding="utf-8")
    before = sorted(p.name for p in (tmp_path / "run").iterdir())
    with pytest.raises(ArtifactError, match=r"outputs of another run.*--overwrite"):
        check_output_folder(tmp_path / "run")
    with pytest.raises(ArtifactError, match=r"plan\.json"):
        OutputFolder(tmp_path / "run")
    assert sorted(p.name for p in (tmp_path / "run").iterdir()) == before
    check_output_folder(tmp_path / "run", overwrite=True)  # accepted, nothing removed yet
    check_output_folder(tmp_path / "new")  # a folder that does not exist yet is fine
    assert not (tmp_path / "new").exists()


def test_overwrite_removes_the_unlisted_outputs_only(tmp_path: Path) -> None:
    _old_outputs(tmp_path)
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    (tmp_path / "cache").mkdir()
    with OutputFolder(tmp_path, overwrite=True) as out:
        out.write_text("plan.json", "{}", kind="plan")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "cache",
        MANIFEST_NAME,
        "notes.txt",
        "plan.json",
    ]
    assert (tmp_path / "plan.json").read_text(encoding="utf-8") == "{}"


def test_an_output_beside_a_manifest_that_does_not_list_it_is_refused(tmp_path: Path) -> None:
    with OutputFolder(tmp_path) as out:
        out.write_text("result.json", "{}", kind="result")
    (tmp_path / "compare_profit_per_day_usd.png").write_bytes(b"copied in by hand")
    assert unlisted_outputs(tmp_path) == [tmp_path / "compare_profit_per_day_usd.png"]
    with pytest.raises(ArtifactError, match=r"compare_profit_per_day_usd\.png"):
        OutputFolder(tmp_path)
    assert (tmp_path / "result.json").exists()  # the refusal removed nothing
    assert is_output_name("sweep.summary.json") and not is_output_name("notes.txt")


def test_a_failed_command_still_writes_the_manifest_of_what_it_wrote(tmp_path: Path) -> None:
    with (
        pytest.raises(RuntimeError, match="solver crashed"),
        OutputFolder(tmp_path, command="tierwise run x") as out,
    ):
        out.write_text("sweep.summary.json", "{}", kind="sweep_summary")
        raise RuntimeError("solver crashed")
    manifest = read_manifest(tmp_path)
    assert manifest is not None and [f.name for f in manifest.files] == ["sweep.summary.json"]
    again = OutputFolder(tmp_path)  # the next run is not refused: it clears that file
    assert not (tmp_path / "sweep.summary.json").exists() and again.files == []


def test_tables_are_written_in_the_format_of_their_suffix(tmp_path: Path) -> None:
    frame = pd.DataFrame({"tier": ["A", "B"], "level": [0.9, 0.8]})
    pd.testing.assert_frame_equal(pd.read_csv(write_table(tmp_path / "t.csv", frame)), frame)
    pd.testing.assert_frame_equal(
        pd.read_parquet(write_table(tmp_path / "t.parquet", frame)), frame
    )
    assert (tmp_path / "t.csv").read_text(encoding="utf-8").startswith("tier,level")
    with pytest.raises(ArtifactError, match=r"\.csv or \.parquet"):
        write_table(tmp_path / "t.json", frame)


def test_a_file_added_to_the_manifest_later_is_cleared_by_the_next_run(tmp_path: Path) -> None:
    first = OutputFolder(tmp_path)
    first.write_text("plan.json", "{}", kind="plan")
    first.finish()
    (tmp_path / "report.html").write_text("<html>1</html>", encoding="utf-8")
    add_to_manifest(tmp_path / "report.html", "report")
    (tmp_path / "report.html").write_text("<html>22</html>", encoding="utf-8")
    manifest = add_to_manifest(tmp_path / "report.html", "report")  # written again: one entry
    assert manifest is not None and [f.name for f in manifest.files] == ["plan.json", "report.html"]
    assert manifest.files[-1].bytes == len("<html>22</html>")
    assert read_manifest(tmp_path) == manifest
    OutputFolder(tmp_path).finish()
    assert not (tmp_path / "report.html").exists()
    lone = tmp_path / "elsewhere"
    lone.mkdir()
    (lone / "report.html").write_text("x", encoding="utf-8")
    assert add_to_manifest(lone / "report.html", "report") is None  # no manifest: none written
    assert not (lone / MANIFEST_NAME).exists()
