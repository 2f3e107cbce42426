"""``tierwise init``: the bundled library copied out, ready to check and run; clean errors."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from tierwise.cli.app import app
from tierwise.simulation.scenario.library import library_path
from tierwise.simulation.scenario.loading import load_scenario

runner = CliRunner()


def test_init_copies_the_library_and_names_the_next_command(tmp_path: Path) -> None:
    target = tmp_path / "lib"
    result = runner.invoke(app, ["init", str(target)])
    assert result.exit_code == 0, result.output
    bundled = sorted(
        p.relative_to(library_path()).as_posix() for p in library_path().rglob("*.yaml")
    )
    copied = sorted(p.relative_to(target).as_posix() for p in target.rglob("*.yaml"))
    assert copied == bundled and "default.yaml" in copied
    assert f"wrote {len(bundled)} file(s)" in result.output
    for name in bundled:
        assert name in result.output
    assert f"tierwise run {target / 'default.yaml'} --quick" in result.output.replace("\n", "")
    copy = load_scenario(target / "default.yaml")
    assert copy.content_hash == load_scenario("default").content_hash
    checked = runner.invoke(app, ["check", str(target / "default.yaml")])
    assert checked.exit_code == 0, checked.output


def test_init_keeps_edited_files_unless_told_to_overwrite(tmp_path: Path) -> None:
    assert runner.invoke(app, ["init", str(tmp_path)]).exit_code == 0
    edited = tmp_path / "default.yaml"
    edited.write_text("# mine\n", encoding="utf-8")
    again = runner.invoke(app, ["init", str(tmp_path)])
    assert again.exit_code == 0 and "nothing written" in again.output
    assert edited.read_text(encoding="utf-8") == "# mine\n"
    forced = runner.invoke(app, ["init", str(tmp_path), "--overwrite"])
    assert forced.exit_code == 0 and "default.yaml" in forced.output
    assert edited.read_text(encoding="utf-8") != "# mine\n"


def test_init_into_a_file_is_a_clean_error(tmp_path: Path) -> None:
    file = tmp_path / "taken"
    file.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["init", str(file)])
    assert result.exit_code == 2 and "is not a folder" in result.output
    assert "Traceback" not in result.output
