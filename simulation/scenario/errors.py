"""Scenario errors and the one formatter of their messages.

Every problem with a scenario, a ``--set`` override, a sweep spec or a strategy file becomes
a line of a :class:`ScenarioError`. A line names the field path, the offending value and what
is allowed, with a "did you mean" suggestion for an unknown key or name::

    tiers.A.priorty: unknown key; did you mean 'priority'? (allowed here: channel_mix, ...)
    tiers.B.orders_per_hour = -3: must be >= 0
    order_entry.pools.dsk.agents: the base scenario has no 'dsk' in order_entry.pools; did
    you mean 'desk'? (known: desk)

:func:`validation_problems` turns a :class:`pydantic.ValidationError` of any model (the
scenario, a sweep spec, a strategy file) into such lines; :func:`unknown_key`,
:func:`unknown_name` and :func:`not_a_section` word the problems the override walker finds
before validation, the same way.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from tierwise.simulation.scenario.fieldpaths import describe_expected, resolve_location

__all__ = [
    "ScenarioError",
    "describe_error",
    "did_you_mean",
    "format_value",
    "not_a_section",
    "unknown_key",
    "unknown_name",
    "validation_problems",
]

#: Longest value repr shown in a message (longer ones are cut with "...").
MAX_VALUE_CHARS = 60

_BOUND_SYMBOLS = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<"}


class ScenarioError(ValueError):
    """A scenario (file, dict or override) is invalid; ``problems`` lists one line each."""

    def __init__(self, problems: list[str], source: str = "scenario") -> None:
        self.problems = problems
        self.source = source
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{source} is invalid ({len(problems)} problem(s)):\n{lines}")


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest of ``choices``, or ``""`` when none is close."""
    close = difflib.get_close_matches(word, [str(c) for c in choices], n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def format_value(value: Any) -> str:
    """``repr`` of a value, cut to :data:`MAX_VALUE_CHARS` characters."""
    text = repr(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 3] + "..."


def unknown_key(path: str, allowed: Iterable[str]) -> str:
    """A key that is not a field of its model: the nearest field and every allowed one."""
    names = sorted(str(a) for a in allowed)
    key = path.rsplit(".", 1)[-1]
    return f"{path}: unknown key{did_you_mean(key, names)} (allowed here: {', '.join(names)})"


def unknown_name(path: str, where: str, key: str, known: Sequence[str], can_add: bool) -> str:
    """A path through a name (pool, tier, mode, family …) that the base scenario lacks.

    Parameters
    ----------
    path : str
        The whole dotted path.
    where : str
        The mapping the name was looked up in (``order_entry.pools``).
    key : str
        The missing name.
    known : sequence of str
        The names the base scenario has there.
    can_add : bool
        Whether a complete new entry may be given instead (the message then says how).
    """
    listed = ", ".join(map(str, known)) or "none"
    text = (
        f"{path}: the base scenario has no '{key}' in {where}{did_you_mean(key, known)} "
        f"(known: {listed})"
    )
    if can_add:
        text += f"; to add one, give the whole entry: {where}.{key}={{...}}"
    return text


def not_a_section(path: str, where: str) -> str:
    """A path that continues below a plain value."""
    return f"{path}: '{where}' is a value, not a section"


def describe_error(error: Mapping[str, Any], root: type[BaseModel]) -> list[str]:
    """Lines for one pydantic error of ``root``: field path, bad value, what is allowed.

    Parameters
    ----------
    error : mapping
        One entry of :meth:`pydantic.ValidationError.errors`.
    root : type of BaseModel
        The model that was validated (for union tags, allowed keys and expected types).

    Returns
    -------
    list of str
        Usually one line; a validator that reports several problems (one per line of its
        message) gives one line each.
    """
    loc = tuple(error.get("loc", ()))
    parts, shape = resolve_location(root, loc)
    path = ".".join(parts) or "(top level)"
    kind = str(error.get("type", ""))
    value = error.get("input")
    msg = str(error.get("msg", "")).removeprefix("Value error, ")
    if kind == "extra_forbidden":
        _, parent = resolve_location(root, loc[:-1])
        if parent.model is not None:
            return [unknown_key(path, parent.model.model_fields)]
        return [f"{path}: unknown key"]
    if kind == "missing":
        return [f"{path}: required field is missing (expected {describe_expected(shape)})"]
    if kind.startswith(("greater_than", "less_than")):
        ctx = error.get("ctx", {})
        bound = " and ".join(f"{_BOUND_SYMBOLS.get(k, k)} {v}" for k, v in ctx.items())
        return [f"{path} = {format_value(value)}: must be {bound}"]
    lines = [line for line in msg.splitlines() if line.strip()] or [msg]
    if len(lines) > 1:
        # a validator that collects problems writes "field: problem" lines; keep them as given
        return [line if not parts or line.startswith(path) else f"{path}: {line}" for line in lines]
    if isinstance(value, Mapping):
        return [f"{path}: {msg}"]  # the value is a whole section; the message names its fields
    return [f"{path} = {format_value(value)}: {msg}"]


def validation_problems(exc: ValidationError, root: type[BaseModel]) -> list[str]:
    """Every line of every error of ``exc`` (see :func:`describe_error`), duplicates dropped."""
    lines = [line for error in exc.errors() for line in describe_error(error, root)]
    return list(dict.fromkeys(lines))
