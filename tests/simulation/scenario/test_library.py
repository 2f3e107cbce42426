"""The bundled scenario library: names resolve to packaged files, init copies them out."""

from __future__ import annotations

from pathlib import Path

import pytest

from tierwise.simulation.experiments.sweep_spec import load_sweep
from tierwise.simulation.scenario.errors import ScenarioError
from tierwise.simulation.scenario.library import bundled_names, copy_library
from tierwise.simulation.scenario.loading import load_scenario


def test_a_bundled_name_loads_the_packaged_default() -> None:
    assert "default" in bundled_names()
    by_name = load_scenario("default")
    by_path = load_scenario(Path(__file__).resolve().parents[3] / "scenarios" / "default.yaml")
    assert by_name.content_hash == by_path.content_hash


def test_an_unknown_name_lists_the_bundled_scenarios() -> None:
    with pytest.raises(ScenarioError, match=r"bundled: .*default"):
        load_scenario("defualt")


def test_copy_library_writes_every_yaml_and_keeps_edited_files(tmp_path: Path) -> None:
    written = copy_library(tmp_path / "lib")
    names = {p.relative_to(tmp_path / "lib").as_posix() for p in written}
    assert {"default.yaml", "sweeps/tiny.yaml", "strategies/default.yaml"} <= names
    # the copied sweep spec still finds its base scenario next to it
    assert load_sweep(tmp_path / "lib" / "sweeps" / "tiny.yaml").variants
    edited = tmp_path / "lib" / "default.yaml"
    edited.write_text("# mine\n", encoding="utf-8")
    assert copy_library(tmp_path / "lib") == []
    assert edited.read_text(encoding="utf-8") == "# mine\n"
