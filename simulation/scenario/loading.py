"""Loading scenarios from YAML, applying ``--set path=value`` overrides, and clear errors.

Every problem with a scenario becomes a :class:`ScenarioError` whose message names the field
path, the offending value and what is allowed (with a "did you mean" suggestion for unknown
keys and the line number for YAML syntax errors).
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from tierwise.simulation.scenario.library import bundled_names, resolve_scenario_path
from tierwise.simulation.scenario.schema import Scenario

__all__ = [
    "ScenarioError",
    "apply_overrides",
    "load_scenario",
    "parse_override",
    "read_yaml",
    "scenario_from_dict",
]


class ScenarioError(ValueError):
    """A scenario (file, dict or override) is invalid; ``problems`` lists one line each."""

    def __init__(self, problems: list[str], source: str = "scenario") -> None:
        self.problems = problems
        self.source = source
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{source} is invalid ({len(problems)} problem(s)):\n{lines}")


def _model_at(path: tuple[Any, ...]) -> type[BaseModel] | None:
    """Walk the Scenario schema along ``path`` and return the model class found there."""
    model: Any = Scenario
    for part in path:
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None
        field = model.model_fields.get(str(part))
        if field is None:
            # inside a dict[str, Model]: the key is a user name, the value type is the model
            continue
        annotation = field.annotation
        model = _unwrap(annotation)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """Find the pydantic model inside ``Model | None`` or ``dict[str, Model]`` annotations."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _unwrap(arg)
        if found is not None:
            return found
    return None


def _format_value(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _describe(error: Mapping[str, Any]) -> str:
    loc = tuple(error.get("loc", ()))
    # pydantic appends the validator/union branch name to some locations; keep user paths only
    path = ".".join(str(p) for p in loc) or "(top level)"
    kind = error.get("type", "")
    value = error.get("input")
    msg = str(error.get("msg", "")).removeprefix("Value error, ")
    if kind == "extra_forbidden":
        parent = _model_at(loc[:-1])
        suggestion = ""
        if parent is not None:
            close = difflib.get_close_matches(str(loc[-1]), list(parent.model_fields), n=1)
            if close:
                suggestion = f"; did you mean '{close[0]}'?"
            allowed = ", ".join(sorted(parent.model_fields))
            return f"{path}: unknown key{suggestion} (allowed here: {allowed})"
        return f"{path}: unknown key{suggestion}"
    if kind == "missing":
        return f"{path}: required field is missing"
    if kind.startswith(("greater_than", "less_than")):
        ctx = error.get("ctx", {})
        symbols = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<"}
        bound = " and ".join(f"{symbols.get(k, k)} {v}" for k, v in ctx.items())
        return f"{path} = {_format_value(value)}: must be {bound}"
    if isinstance(value, Mapping):
        return f"{path}: {msg}"
    return f"{path} = {_format_value(value)}: {msg}"


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
        problems = [_describe(e) for e in exc.errors()]
        raise ScenarioError(list(dict.fromkeys(problems)), source) from None


def parse_override(text: str) -> tuple[str, Any]:
    """Split ``path=value``; the value is parsed as YAML (``12``, ``0.9``, ``[8, 16]``)."""
    if "=" not in text:
        raise ScenarioError([f"--set {text!r}: expected path=value, e.g. picking.pickers=8"])
    path, raw = text.split("=", 1)
    path = path.strip()
    if not path:
        raise ScenarioError([f"--set {text!r}: empty path"])
    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise ScenarioError([f"--set {path}: cannot parse value {raw!r}: {exc}"]) from None
    return path, value


def apply_overrides(data: Mapping[str, Any], overrides: Iterable[tuple[str, Any]]) -> dict:
    """Return a deep copy of ``data`` with each dotted ``path`` set to its value.

    Intermediate mappings are created when missing (the schema then decides whether the key
    is allowed), so ``--set tiers.A.targets.on_time_rate=0.98`` works on a file that has no
    ``targets`` block.
    """
    result = copy.deepcopy(dict(data))
    for path, value in overrides:
        parts = path.split(".")
        node: Any = result
        for i, part in enumerate(parts[:-1]):
            child = node.get(part) if isinstance(node, dict) else None
            if child is None:
                child = {}
                node[part] = child
            if not isinstance(child, dict):
                where = ".".join(parts[: i + 1])
                raise ScenarioError([f"--set {path}: '{where}' is a value, not a section"])
            node = child
        node[parts[-1]] = value
    return result


def read_yaml(path: str | Path) -> Any:
    """Parse a YAML file; every problem becomes a :class:`ScenarioError` naming the file.

    Raises
    ------
    ScenarioError
        If the file is missing, a directory, unreadable, or not valid YAML (the message gives
        the line and column).
    """
    file = Path(path)
    source = str(file)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([f"file not found: {file}"], source) from None
    except IsADirectoryError:
        raise ScenarioError([f"{file} is a directory, not a YAML file"], source) from None
    except OSError as exc:
        raise ScenarioError([f"cannot read {file}: {exc.strerror}"], source) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError([f"YAML syntax error at {where}: {problem}"], source) from None


def load_scenario(path: str | Path, overrides: Iterable[tuple[str, Any]] = ()) -> Scenario:
    """Read a YAML scenario, apply overrides, validate.

    Parameters
    ----------
    path : str or Path
        The YAML file, or the name of a bundled scenario (``"default"``).
    overrides : iterable of (dotted path, value)
        What-if changes applied before validation.

    Raises
    ------
    ScenarioError
        If the file is missing, is not valid YAML (message has the line number) or does not
        satisfy the schema.
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
    data = apply_overrides(data, overrides)
    return scenario_from_dict(data, source)
