"""Loading scenarios: read YAML, apply ``--set path=value`` overrides, validate.

Every problem becomes a :class:`~tierwise.simulation.scenario.errors.ScenarioError` whose
lines name the field path, the offending value and what is allowed (with a "did you mean"
suggestion for unknown keys and names, and the line number for YAML syntax errors); the
wording is :mod:`~tierwise.simulation.scenario.errors`'s, the override paths are checked by
:mod:`~tierwise.simulation.scenario.overrides`, and the file is read within the size,
encoding, duplicate-key, nesting and alias limits of
:mod:`~tierwise.simulation.scenario.yaml_input`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tierwise.simulation.scenario.decisions import check_decisions
from tierwise.simulation.scenario.errors import ScenarioError, validation_problems
from tierwise.simulation.scenario.library import bundled_names, resolve_scenario_path
from tierwise.simulation.scenario.overrides import apply_overrides, check_overrides
from tierwise.simulation.scenario.schema import Scenario
from tierwise.simulation.scenario.yaml_input import read_yaml

__all__ = [
    "load_scenario",
    "scenario_from_dict",
]


def scenario_from_dict(data: Any, source: str = "scenario") -> Scenario:
    """Validate a plain mapping into a :class:`Scenario`.

    Raises
    ------
    ScenarioError
        With one readable line per problem.
    """
    if not isinstance(data, Mapping):
        raise ScenarioError(
            [f"(top level): expected a mapping of fields, got {type(data).__name__}"], source
        )
    try:
        return Scenario.model_validate(dict(data))
    except ValidationError as exc:
        raise ScenarioError(validation_problems(exc, Scenario), source) from None


def load_scenario(path: str | Path, overrides: Iterable[tuple[str, Any]] = ()) -> Scenario:
    """Read a YAML scenario, apply overrides, validate.

    Parameters
    ----------
    path : str or Path
        The YAML file, or the name of a bundled scenario (``"default"``).
    overrides : iterable of (dotted path, value)
        What-if changes applied before validation. A path must name a schema field and may
        go only through pools, tiers, modes … that the scenario has (it may end at a new
        name given as a whole entry); see
        :func:`~tierwise.simulation.scenario.overrides.check_override_path`.

    Raises
    ------
    ScenarioError
        If the file is missing, is not valid YAML (message has the line number) or does not
        satisfy the schema, or an override path is unknown (nearest field or name given), or
        a lever of its ``decisions:`` section names an unknown field or an invalid candidate.
    """
    file = resolve_scenario_path(path) or Path(path)
    if not file.exists():
        names = ", ".join(bundled_names())
        raise ScenarioError(
            [f"file not found: {path} (nor a bundled scenario name; bundled: {names})"], str(path)
        )
    source = str(file)
    data = read_yaml(file)
    if data is None:
        raise ScenarioError(["file is empty"], source)
    if not isinstance(data, dict):
        raise ScenarioError(
            [f"(top level): expected a mapping of fields, got {type(data).__name__}"], source
        )
    overrides = list(overrides)
    if overrides:
        problems = check_overrides(_reference_data(data), overrides)
        if problems:
            raise ScenarioError([f"--set {p}" for p in problems], source)
        data = apply_overrides(data, overrides)
    scenario = scenario_from_dict(data, source)
    problems = check_decisions(scenario)  # the levers' paths and candidates, before any run
    if problems:
        raise ScenarioError(problems, source)
    return scenario


def _reference_data(data: dict[str, Any]) -> dict[str, Any]:
    """The data override paths are checked against: the validated scenario with its defaults
    (so a default pool counts as present), or the raw file when it does not validate yet."""
    try:
        return Scenario.model_validate(data).model_dump(mode="json")
    except ValidationError:
        return data
