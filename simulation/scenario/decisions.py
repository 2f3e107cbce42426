"""A scenario's declared levers: check the ``decisions:`` section against the scenario, expand it.

The section's shape (lists, ranges, counts) is checked by the schema
(:mod:`~tierwise.simulation.scenario.decision_spec`). What needs the scenario itself is
checked here, before any simulation:

* each lever's path names a field of the scenario, by the one override walker
  (:func:`~tierwise.simulation.scenario.overrides.check_override_path`): an unknown key gets
  the nearest field, a path through a pool, tier, mode or family the scenario lacks gets the
  nearest name (a path may end at a name the mapping lacks, as ``reserve_units.C`` does);
* each candidate, applied as an override to the scenario, gives a valid scenario; a problem
  names ``decisions.<path>``, the candidate and what the schema allows.

:func:`declared_levers` returns the levers with their candidates expanded (ranges listed);
:func:`check_decisions` returns the problems without raising. Both are cached per scenario.
"""

from __future__ import annotations

import functools
from typing import Any

from pydantic import ValidationError

from tierwise.simulation.scenario.decision_spec import candidate_values
from tierwise.simulation.scenario.errors import ScenarioError, format_value, validation_problems
from tierwise.simulation.scenario.overrides import apply_overrides, check_override_path
from tierwise.simulation.scenario.schema import Scenario

__all__ = ["MAX_LISTED_PROBLEMS", "check_decisions", "declared_levers"]

#: Most problems listed for one lever (the rest are counted).
MAX_LISTED_PROBLEMS = 10


def check_decisions(scenario: Scenario) -> list[str]:
    """What is wrong with ``scenario``'s ``decisions`` (one line each; empty when fine).

    Parameters
    ----------
    scenario : Scenario
        A validated scenario (its section's shape is already checked by the schema).

    Returns
    -------
    list of str
        Lines starting with ``decisions.<path>``: an unknown field or name (with the nearest
        one), or a candidate that gives an invalid scenario (with the schema's reason).
    """
    return list(_problems(scenario))


def declared_levers(scenario: Scenario) -> dict[str, tuple[Any, ...]]:
    """The levers of ``scenario``'s ``decisions`` with their candidate values, in file order.

    A range ``{from, to, step}`` is expanded (``to`` included); a list candidate (a set of
    cut-off hours) is a list. A scenario without the section has no declared levers (``{}``).

    Raises
    ------
    ScenarioError
        If a lever's path or candidate is invalid (see :func:`check_decisions`).
    """
    problems = _problems(scenario)
    if problems:
        raise ScenarioError(list(problems), f"scenario {scenario.name!r}")
    return dict(_levers(scenario))


def _levers(scenario: Scenario) -> tuple[tuple[str, tuple[Any, ...]], ...]:
    decisions = scenario.decisions or {}
    return tuple((path, candidate_values(c)) for path, c in decisions.items())


@functools.lru_cache(maxsize=32)
def _problems(scenario: Scenario) -> tuple[str, ...]:
    if not scenario.decisions:
        return ()
    base = scenario.model_dump(mode="json")
    base["decisions"] = None  # a candidate scenario is checked without the section
    problems: list[str] = []
    for path, candidates in _levers(scenario):
        problem = check_override_path(path, base)
        if problem is not None:
            problems.append(f"decisions.{problem}")
            continue
        problems += _candidate_problems(base, path, candidates)
    return tuple(problems)


def _candidate_problems(base: dict[str, Any], path: str, candidates: tuple[Any, ...]) -> list[str]:
    """One line per candidate of ``path`` that makes ``base`` invalid (at most a few listed)."""
    problems: list[str] = []
    bad = 0
    for value in candidates:
        try:
            Scenario.model_validate(apply_overrides(base, [(path, value)]))
        except ValidationError as exc:
            bad += 1
            if bad <= MAX_LISTED_PROBLEMS:
                reasons = "; ".join(
                    line.removeprefix("(top level): ")
                    for line in validation_problems(exc, Scenario)
                )
                problems.append(
                    f"decisions.{path}: candidate {format_value(value)} gives an invalid "
                    f"scenario: {reasons}"
                )
        except ScenarioError as exc:  # the path continues below a plain value
            return [f"decisions.{line}" for line in exc.problems]
    if bad > MAX_LISTED_PROBLEMS:
        problems.append(
            f"decisions.{path}: … and {bad - MAX_LISTED_PROBLEMS} more invalid candidate(s)"
        )
    return problems
