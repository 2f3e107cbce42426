"""Strategy files: named what-if variants of one base scenario, to compare under CRN.

A strategy file names a base scenario (a path relative to the file) and, per strategy, a
description and the field overrides (dotted paths, as with ``--set``) that turn the base into
that strategy::

    base: ../default.yaml
    baseline: pooled_priority            # optional; default: the first strategy
    strategies:
      pooled_priority:
        description: one desk, A served first (today)
      dedicated_a_team:
        description: 2 agents only for A, the shared desk keeps 5
        overrides:
          order_entry.pools: {desk: {agents: 5}, a_team: {agents: 2}}
          tiers.A.order_entry_pool: a_team

Everything is validated up front (:func:`load_strategy_file`): unknown keys, a baseline that
is not a strategy, override paths that go through a pool/tier/mode/family the base does not
have (a misspelt name would otherwise silently add a new, unused entry), and every strategy's
scenario against the schema. All problems are raised together in one
:class:`~tierwise.simulation.scenario.errors.ScenarioError` whose lines start with
``strategies.<name>``.

Plain scenario files are accepted too (:func:`strategies_from_scenario_files`): each file is a
strategy named by its file stem.

Common random numbers need one seed: a strategy file's overrides may not set ``seed`` (the
base scenario's seed applies to every strategy), and plain scenario files are all re-seeded
with the first file's seed (logged as a warning when they differ).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tierwise.simulation.scenario.errors import ScenarioError, validation_problems
from tierwise.simulation.scenario.loading import load_scenario, scenario_from_dict
from tierwise.simulation.scenario.overrides import apply_overrides, check_overrides
from tierwise.simulation.scenario.schema import Scenario
from tierwise.simulation.scenario.yaml_input import read_yaml

__all__ = [
    "StrategyFile",
    "StrategySet",
    "StrategySpec",
    "is_strategy_file",
    "load_sources",
    "load_strategies",
    "load_strategy_file",
    "strategies_from_scenario_files",
]

logger = logging.getLogger(__name__)


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class StrategySpec(_Spec):
    """One strategy: what it means, and how it differs from the base scenario.

    Attributes
    ----------
    description : str
        One line for tables and reports.
    overrides : dict
        ``dotted.field.path → value`` applied to the base scenario (values as in YAML).
    """

    description: str = ""
    overrides: dict[str, Any] = Field(default_factory=dict)


class StrategyFile(_Spec):
    """The contents of a strategy YAML file.

    Attributes
    ----------
    name : str, optional
        Name of the comparison (default: the file stem).
    description : str
        Free text.
    base : str
        Base scenario path, relative to the strategy file's folder.
    baseline : str, optional
        The strategy the others are compared with (default: the first).
    strategies : dict
        ``name → StrategySpec``, in file order; at least two.
    """

    name: str | None = None
    description: str = ""
    base: str
    baseline: str | None = None
    strategies: dict[str, StrategySpec] = Field(min_length=2)

    @model_validator(mode="after")
    def _check(self) -> StrategyFile:
        if self.baseline is not None and self.baseline not in self.strategies:
            raise ValueError(
                f"baseline '{self.baseline}' is not one of the strategies "
                f"({', '.join(self.strategies)})"
            )
        return self


@dataclass(frozen=True)
class StrategySet:
    """Validated strategies, ready to compare.

    Attributes
    ----------
    name : str
        Name of the comparison.
    scenarios : dict
        ``strategy name → Scenario`` in the order given; all share one seed.
    descriptions : dict
        ``strategy name → description``.
    baseline : str
        Default baseline strategy.
    seed : int
        The shared seed (common random numbers).
    source : str
        Where the strategies came from (for messages).
    reseeded : tuple of str
        Scenario files whose own seed was replaced by the shared one.
    """

    name: str
    scenarios: dict[str, Scenario]
    descriptions: dict[str, str]
    baseline: str
    seed: int
    source: str
    reseeded: tuple[str, ...] = ()


# ---------------------------------------------------------------------------- reading files


def is_strategy_file(path: str | Path) -> bool:
    """Whether ``path`` holds a strategy file (a mapping with a ``strategies`` key).

    Raises
    ------
    ScenarioError
        If the file cannot be read or is not valid YAML.
    """
    data = read_yaml(Path(path))
    return isinstance(data, Mapping) and "strategies" in data


# ---------------------------------------------------------------------------- building


def _apply(
    base_data: Mapping[str, Any],
    base_full: Mapping[str, Any],
    name: str,
    spec: StrategySpec,
    source: str,
) -> tuple[Scenario | None, list[str]]:
    """Build one strategy's scenario; return it or the problems (prefixed with its name)."""
    prefix = f"strategies.{name}"
    problems: list[str] = []
    if "seed" in spec.overrides:
        problems.append(
            f"{prefix}.overrides.seed: strategies share the base scenario's seed so that "
            "they see the same random numbers (common random numbers); set seed in the base "
            "scenario instead"
        )
    given = [(path, value) for path, value in spec.overrides.items() if path != "seed"]
    problems += [f"{prefix}: {p}" for p in check_overrides(base_full, given)]
    if problems:
        return None, problems
    try:
        data = apply_overrides(base_data, spec.overrides.items())
        return scenario_from_dict(data, f"{source}: {prefix}"), []
    except ScenarioError as exc:
        return None, [f"{prefix}: {p}" for p in exc.problems]


def load_strategy_file(path: str | Path) -> StrategySet:
    """Read and validate a strategy file; build every strategy's scenario.

    Parameters
    ----------
    path : str or Path
        The strategy YAML; ``base`` is resolved relative to its folder.

    Returns
    -------
    StrategySet
        Scenarios in file order, all with the base scenario's seed.

    Raises
    ------
    ScenarioError
        One line per problem; lines about a strategy start with ``strategies.<name>`` and
        name the field.
    """
    file = Path(path)
    source = str(file)
    data = read_yaml(file)
    if data is None:
        raise ScenarioError(["file is empty"], source)
    if not isinstance(data, Mapping):
        raise ScenarioError(
            [f"(top level): expected a mapping (base, strategies …), got {type(data).__name__}"],
            source,
        )
    try:
        spec = StrategyFile.model_validate(dict(data))
    except ValidationError as exc:
        raise ScenarioError(validation_problems(exc, StrategyFile), source) from None
    base_path = (file.parent / spec.base).resolve()
    try:
        base = load_scenario(base_path)
    except ScenarioError as exc:
        raise ScenarioError([f"base {spec.base}: {p}" for p in exc.problems], source) from None
    base_data = read_yaml(base_path)
    base_full = base.model_dump(mode="json")
    scenarios: dict[str, Scenario] = {}
    problems: list[str] = []
    for name, strategy in spec.strategies.items():
        scenario, found = _apply(base_data, base_full, name, strategy, source)
        problems.extend(found)
        if scenario is not None:
            scenarios[name] = scenario
    if problems:
        raise ScenarioError(problems, source)
    names = list(spec.strategies)
    logger.info("loaded %d strategies from %s (base %s)", len(names), file, base_path)
    return StrategySet(
        name=spec.name or file.stem,
        scenarios=scenarios,
        descriptions={n: s.description for n, s in spec.strategies.items()},
        baseline=spec.baseline or names[0],
        seed=base.seed,
        source=source,
    )


def load_strategies(path: str | Path) -> dict[str, Scenario]:
    """``strategy name → Scenario`` from a strategy file, in file order.

    See :func:`load_strategy_file` (which also returns descriptions and the baseline).
    """
    return load_strategy_file(path).scenarios


def strategies_from_scenario_files(paths: Sequence[str | Path]) -> StrategySet:
    """Treat each scenario file as a strategy named by its file stem.

    Every scenario gets the first file's seed (common random numbers); a file whose own seed
    differs is re-seeded, with a logged warning.

    Raises
    ------
    ScenarioError
        If fewer than two files are given, two files share a stem, or a file is invalid
        (all files' problems together).
    """
    files = [Path(p) for p in paths]
    if len(files) < 2:
        raise ScenarioError(
            ["give a strategy file, or at least two scenario files to compare"], "strategies"
        )
    problems: list[str] = []
    stems: dict[str, Path] = {}
    for file in files:
        if file.stem in stems:
            problems.append(
                f"{stems[file.stem]} and {file} are both named '{file.stem}'; rename one "
                "(a strategy is named by its file stem)"
            )
        stems.setdefault(file.stem, file)
    loaded: dict[str, Scenario] = {}
    for file in files:
        try:
            loaded.setdefault(file.stem, load_scenario(file))
        except ScenarioError as exc:
            problems.extend(f"{file}: {p}" for p in exc.problems)
    if problems:
        raise ScenarioError(problems, "strategies")
    first = next(iter(loaded.values()))
    seed = first.seed
    reseeded = [name for name, s in loaded.items() if s.seed != seed]
    if reseeded:
        logger.warning(
            "common random numbers: %s re-seeded with seed %d (the first file's)",
            ", ".join(reseeded),
            seed,
        )
    scenarios = {
        name: s if s.seed == seed else s.model_copy(update={"seed": seed})
        for name, s in loaded.items()
    }
    return StrategySet(
        name=" vs ".join(scenarios),
        scenarios=scenarios,
        descriptions={name: s.description for name, s in scenarios.items()},
        baseline=next(iter(scenarios)),
        seed=seed,
        source=", ".join(str(f) for f in files),
        reseeded=tuple(reseeded),
    )


def load_sources(paths: Sequence[str | Path]) -> StrategySet:
    """One strategy file, or several scenario files, as a :class:`StrategySet`.

    Raises
    ------
    ScenarioError
        For bad input (also when a strategy file is mixed with other files).
    """
    files = [Path(p) for p in paths]
    if not files:
        raise ScenarioError(["no strategy or scenario file given"], "strategies")
    kinds = [is_strategy_file(f) for f in files]
    if any(kinds):
        if len(files) > 1:
            which = ", ".join(str(f) for f, k in zip(files, kinds, strict=True) if k)
            raise ScenarioError(
                [
                    f"give one strategy file on its own, or only scenario files (strategy file: "
                    f"{which})"
                ],
                "strategies",
            )
        return load_strategy_file(files[0])
    return strategies_from_scenario_files(files)
