"""``tierwise report`` on the command line: writes the page, prints warnings, and refuses bad
input with exit code 2 and a one-paragraph message, never a traceback.

The folders are hand-made (a plan, a tiny sweep table, a comparison), so no simulation runs;
the real run and compare folders are tested in ``tests/report``.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.report.folders import (
    DESK,
    TWO_TIERS,
    app,
    make_infeasible_run,
    runner,
    scenario_hash,
    write_sweep,
    write_yaml,
)


def test_report_writes_the_page_with_its_title(tmp_path: Path) -> None:
    run, scenario = make_infeasible_run(tmp_path)
    out = tmp_path / "deep" / "r.html"
    result = runner.invoke(
        app, ["report", str(run), "--scenario", str(scenario), "--out", str(out), "--title", "T"]
    )
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and out.is_file()
    assert "<title>T</title>" in out.read_text(encoding="utf-8")


def test_a_run_without_a_recorded_scenario_asks_for_scenario(tmp_path: Path) -> None:
    run, _ = make_infeasible_run(tmp_path)
    (run / "sweep.summary.json").write_text(
        json.dumps({"spec": "run sweep of gone/elsewhere.yaml"}), encoding="utf-8"
    )
    result = runner.invoke(app, ["report", str(run), "--out", str(tmp_path / "r.html")])
    assert result.exit_code == 2, result.output
    assert "--scenario" in result.output and "gone/elsewhere.yaml" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "r.html").exists()


def test_a_scenario_that_does_not_match_the_run_is_a_warning(tmp_path: Path) -> None:
    run, scenario = make_infeasible_run(tmp_path)
    write_sweep(run, scenario_hash(scenario))
    changed = write_yaml(tmp_path / "changed.yaml", {**TWO_TIERS, "seed": 12})
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["report", str(run), "--scenario", str(changed), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "warning:" in result.output and "does not match the run" in result.output
    page = out.read_text(encoding="utf-8")
    assert "box-warn" in page and "does not match the run" in page
    same = runner.invoke(app, ["report", str(run), "--scenario", str(scenario), "--out", str(out)])
    assert same.exit_code == 0 and "warning:" not in same.output


def test_a_comparison_without_a_manifest_needs_the_strategy_file(tmp_path: Path) -> None:
    folder = tmp_path / "cmp"
    folder.mkdir()
    (folder / "comparison.json").write_text(
        json.dumps({"baseline": "six", "strategies": [], "tiers": ["all"], "differences": []}),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["report", str(folder), "--out", str(tmp_path / "r.html")])
    assert result.exit_code == 2
    assert "--scenario" in result.output and "strategy file" in result.output


def test_bad_input_exits_2_with_a_clean_message(tmp_path: Path) -> None:
    run, _ = make_infeasible_run(tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    both = tmp_path / "both"
    both.mkdir()
    (both / "plan.json").write_text("{}")
    (both / "comparison.json").write_text("{}")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "plan.json").write_text("{not json")
    bad_manifest = tmp_path / "bad_manifest"
    bad_manifest.mkdir()
    (bad_manifest / "manifest.json").write_text("{not json")
    bad_yaml = write_yaml(tmp_path / "bad.yaml", {**TWO_TIERS, "seed": -1})
    cases = {
        str(tmp_path / "missing"): "no such directory",
        str(empty): "neither a run nor a compare",
        str(both): "both",
        str(broken): "cannot be read as JSON",
        str(bad_manifest): "not a Tierwise manifest",
        str(bad_yaml): "is a file",
    }
    for source, message in cases.items():
        result = runner.invoke(
            app, ["report", source, "--scenario", str(bad_yaml), "--out", str(tmp_path / "x")]
        )
        assert result.exit_code == 2, (source, result.output)
        assert message in result.output, (source, result.output)
        assert "Traceback" not in result.output
    invalid = runner.invoke(app, ["report", str(run), "--scenario", str(bad_yaml)])
    assert invalid.exit_code == 2 and "seed = -1" in invalid.output
    desk = write_yaml(tmp_path / "desk.yaml", DESK)
    plan = json.loads((run / "plan.json").read_text())
    (run / "plan.json").write_text(json.dumps({**plan, "chosen": {"A": {}, "B": {}}}))
    other = runner.invoke(app, ["report", str(run), "--scenario", str(desk)])
    assert (
        other.exit_code == 2 and "has tiers all" in other.output and "A, B missing" in other.output
    )
    assert not (tmp_path / "x").exists()


def test_the_default_report_goes_into_the_run_folder_and_its_manifest(tmp_path: Path) -> None:
    from tierwise.artifacts import OutputFolder, read_manifest

    run, scenario = make_infeasible_run(tmp_path)
    plan = (run / "plan.json").read_text(encoding="utf-8")
    folder = OutputFolder(
        run, scenario_path=scenario, scenario_hash=scenario_hash(scenario), overwrite=True
    )
    folder.write_text("plan.json", plan, "plan")
    folder.finish()
    result = runner.invoke(app, ["report", str(run)])
    assert result.exit_code == 0, result.output
    assert (run / "report.html").is_file()
    manifest = read_manifest(run)
    assert manifest is not None and manifest.find("report")[0].name == "report.html"


def test_company_name_and_logo_are_shown_and_a_bad_logo_refused(tmp_path: Path) -> None:
    import base64

    run, scenario = make_infeasible_run(tmp_path)
    png = tmp_path / "logo.png"
    png.write_bytes(
        base64.b64decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
        )
    )
    out = tmp_path / "r.html"
    args = ["report", str(run), "--scenario", str(scenario), "--out", str(out)]
    result = runner.invoke(app, [*args, "--company", "Acme & Co", "--logo", str(png)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "Acme &amp; Co" in page and 'src="data:image/png;base64,iVBOR' in page
    assert "Prepared for Acme &amp; Co" in page
    fake = tmp_path / "fake.png"
    fake.write_text("not a png", encoding="utf-8")
    for logo, message in ((fake, "not a png image"), (tmp_path / "logo.gif", "no such file")):
        bad = runner.invoke(app, [*args, "--logo", str(logo)])
        flat = " ".join(bad.output.replace("│", " ").split())  # the error box wraps lines
        assert bad.exit_code == 2 and message in flat, bad.output
        assert "Traceback" not in bad.output
