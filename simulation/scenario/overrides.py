"""``path=value`` overrides of scenario data: parse them, check their paths, apply them.

A dotted path goes through fields of the schema and through *names* of entries (a pool, a
tier, a shipping mode, a product family). The walker (:func:`check_override_path`) refuses a
path whose field is unknown (with the nearest field) and a path that goes *through* a name the
base scenario lacks (with the nearest name): ``order_entry.pools.dsk.agents=20`` is a typo for
``desk``, which would otherwise add a new, unused pool. A path may *end* at a new name, with
the whole entry as its value (``order_entry.pools.vip={agents: 2}``); the schema then
validates the entry. Values are parsed as YAML.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel

from tierwise.simulation.scenario.errors import (
    ScenarioError,
    not_a_section,
    unknown_key,
    unknown_name,
)
from tierwise.simulation.scenario.fieldpaths import child_shape, model_shape, settle
from tierwise.simulation.scenario.schema import Scenario
from tierwise.simulation.scenario.yaml_input import parse_yaml

__all__ = [
    "apply_overrides",
    "check_override_path",
    "check_overrides",
    "lookup_path",
    "parse_override",
]


def parse_override(text: str) -> tuple[str, Any]:
    """Split ``path=value``; the value is parsed as YAML (``12``, ``0.9``, ``[8, 16]``).

    Raises
    ------
    ScenarioError
        Without ``=``, with an empty path, or when the value is not valid YAML.
    """
    if "=" not in text:
        raise ScenarioError([f"--set {text!r}: expected path=value, e.g. picking.pickers=8"])
    path, raw = text.split("=", 1)
    path = path.strip()
    if not path:
        raise ScenarioError([f"--set {text!r}: empty path"])
    try:
        value = parse_yaml(raw, f"--set {path}")
    except ScenarioError as exc:
        problems = "; ".join(exc.problems)
        raise ScenarioError([f"--set {path}: cannot parse value {raw!r}: {problems}"]) from None
    return path, value


def check_override_path(
    path: str,
    base: Mapping[str, Any],
    root: type[BaseModel] = Scenario,
    new_entries: bool = True,
) -> str | None:
    """Why ``path`` does not name a field of ``root`` in ``base`` (``None`` when it does).

    Parameters
    ----------
    path : str
        Dotted path, e.g. ``order_entry.pools.desk.agents``.
    base : mapping
        The data the path applies to (a scenario's ``model_dump(mode="json")``, so that
        entries given by defaults count as present).
    root : type of BaseModel
        The schema of ``base``.
    new_entries : bool
        Whether the path may end at a name ``base`` lacks (a whole new entry).

    Returns
    -------
    str or None
        One message line starting with ``path`` (unknown field with the nearest field and the
        allowed ones, unknown name with the nearest and the known ones, or a path below a
        plain value).
    """
    parts = path.split(".")
    if any(not p for p in parts):
        return f"{path}: empty component in the dotted path"
    shape = model_shape(root)
    node: Any = base
    for i, part in enumerate(parts):
        shape = settle(shape)
        where = ".".join(parts[:i])
        if shape.kind == "model":
            fields = shape.annotation.model_fields
            if part not in fields:
                return unknown_key(".".join(parts[: i + 1]), fields)
        elif shape.kind == "mapping":
            if settle(child_shape(shape, part)).kind == "any":
                return None  # free-form mapping: its keys are not names of entries
            known = [str(k) for k in node] if isinstance(node, Mapping) else []
            last = i == len(parts) - 1
            if part not in known and not (last and new_entries):
                return unknown_name(path, where, part, known, can_add=new_entries)
        elif shape.kind == "any":
            return None  # the schema does not describe what lies below
        else:
            return not_a_section(path, where)
        shape = child_shape(shape, part)
        node = node.get(part) if isinstance(node, Mapping) else None
    return None


def check_overrides(
    base: Mapping[str, Any],
    overrides: Iterable[tuple[str, Any]],
    root: type[BaseModel] = Scenario,
) -> list[str]:
    """Check each override's path in order; an earlier override may add the entry a later uses.

    Returns
    -------
    list of str
        One line per bad path (see :func:`check_override_path`); empty when all are fine.
    """
    current: dict[str, Any] = copy.deepcopy(dict(base))
    problems: list[str] = []
    for path, value in overrides:
        problem = check_override_path(path, current, root)
        if problem is not None:
            problems.append(problem)
            continue
        try:
            current = apply_overrides(current, [(path, value)])
        except ScenarioError as exc:
            problems.extend(exc.problems)
    return problems


def apply_overrides(data: Mapping[str, Any], overrides: Iterable[tuple[str, Any]]) -> dict:
    """Return a deep copy of ``data`` with each dotted ``path`` set to its value.

    Intermediate mappings are created when missing (the schema then decides whether the key
    is allowed), so ``tiers.A.targets.on_time_rate=0.98`` works on a file that has no
    ``targets`` block. Paths are not checked here (see :func:`check_overrides`).

    Raises
    ------
    ScenarioError
        If a path continues below a plain value (``seed.x``).
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
                raise ScenarioError([not_a_section(path, ".".join(parts[: i + 1]))])
            node = child
        node[parts[-1]] = value
    return result


def lookup_path(data: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted ``path`` of nested mappings, or ``None`` where it is absent."""
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node
