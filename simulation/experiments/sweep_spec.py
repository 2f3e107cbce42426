"""Sweep specifications: which scenario variants to simulate, as data (a YAML file).

A sweep spec names a base scenario (a path relative to the spec file), the scenario fields to
vary (``axes``: dotted field paths → values) and how to combine them (``design``)::

    base: ../default.yaml
    axes:
      order_entry.pools.desk.agents: [5, 6, 7, 8]
      picking.pickers: {start: 10, stop: 14, step: 2}    # 10, 12, 14 (stop included)
      horizon_days: [12]                                   # one value: fixed for every variant
    design: grid              # or {kind: list, variants: [...]} or {kind: sample, n: 40, seed: 1}
    replications: 3           # or precision: {relative_half_width: 0.02, max_replications: 20}
    seed: 2024                # optional: replaces the base scenario's seed
    screening: true           # drop variants analytic theory shows unstable or dominated

Everything is checked up front (:func:`load_sweep`): unknown spec keys, unknown or misspelt
field paths (with a "did you mean"), names of pools/tiers/families that the base scenario does
not have, empty axes, and every variant's scenario against the scenario schema. All problems
are reported together in one :class:`~tierwise.simulation.scenario.errors.ScenarioError` whose
lines name the variant and the field (paths are checked by the one override walker,
:func:`~tierwise.simulation.scenario.overrides.check_override_path`). The designs and their
expansion are in :mod:`~tierwise.simulation.experiments.designs`.

Each variant has a stable ``variant_id`` (12 hex digits of the sha256 of its parameter
mapping's canonical JSON) and a validated :class:`~tierwise.simulation.scenario.schema.Scenario`.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from tierwise.simulation.experiments.designs import (
    MAX_VARIANTS,
    Design,
    GridDesign,
    ListDesign,
    Range,
    SampleDesign,
    design_size,
    expand_design,
)
from tierwise.simulation.metrics import METRIC_UNITS
from tierwise.simulation.scenario.errors import ScenarioError, describe_error, validation_problems
from tierwise.simulation.scenario.loading import load_scenario, scenario_from_dict
from tierwise.simulation.scenario.overrides import (
    apply_overrides,
    check_override_path,
    lookup_path,
)
from tierwise.simulation.scenario.schema import Scenario
from tierwise.simulation.scenario.values import MAX_REPLICATIONS, Count, Number, Seed
from tierwise.simulation.scenario.yaml_input import read_yaml

__all__ = [
    "Precision",
    "SweepPlan",
    "SweepSpec",
    "Variant",
    "load_sweep",
    "plan_sweep",
    "variant_id",
]

logger = logging.getLogger(__name__)

#: Most per-variant problems listed in one error (the rest are counted).
MAX_LISTED_PROBLEMS = 20


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Precision(_Spec):
    """Replicate each variant until the relative CI half-width meets a target (with a cap).

    Attributes
    ----------
    relative_half_width : float
        Target half-width / |mean| in (0, 1), e.g. 0.02 for ±2 %.
    max_replications : int
        Cap per variant.
    initial_replications : int
        Replications of the first round.
    metrics : list of str, optional
        Flat metric names (``"A.perfect_order_rate"``); default: every tier's
        ``perfect_order_rate`` and ``cost_per_day_usd``.
    confidence : float
        Confidence level of the half-width.
    """

    relative_half_width: Number = Field(gt=0.0, lt=1.0)
    max_replications: Count = Field(default=20, ge=2, le=MAX_REPLICATIONS)
    initial_replications: Count = Field(default=3, ge=2, le=MAX_REPLICATIONS)
    metrics: list[str] | None = None
    confidence: Number = Field(default=0.95, gt=0.0, lt=1.0)

    @model_validator(mode="after")
    def _check(self) -> Precision:
        if self.initial_replications > self.max_replications:
            raise ValueError(
                f"initial_replications ({self.initial_replications}) must be <= "
                f"max_replications ({self.max_replications})"
            )
        return self


class SweepSpec(_Spec):
    """A sweep spec file (see the module docstring for the format)."""

    base: str = Field(description="base scenario YAML, relative to the spec file")
    name: str | None = None
    description: str = ""
    axes: dict[str, list[Any] | Range] = Field(default_factory=dict)
    design: Design = Field(default_factory=GridDesign)
    replications: Count | None = Field(default=None, ge=1, le=MAX_REPLICATIONS)
    precision: Precision | None = None
    seed: Seed | None = None
    screening: bool = True

    @field_validator("design", mode="before")
    @classmethod
    def _design_shorthand(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"kind": value}
        return value

    @field_validator("precision", mode="before")
    @classmethod
    def _precision_shorthand(cls, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return {"relative_half_width": value}
        return value

    @field_validator("axes", mode="before")
    @classmethod
    def _axes(cls, value: Any) -> Any:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            raise ValueError("axes must map dotted field paths to lists of values or ranges")
        out: dict[str, Any] = {}
        problems: list[str] = []
        for path, values in value.items():
            if not isinstance(path, str) or not path.strip():
                problems.append(f"axis name {path!r} must be a dotted field path")
            elif isinstance(values, Mapping):
                try:
                    out[path] = Range.model_validate(dict(values))
                except ValidationError as exc:
                    problems += [
                        f"axes.{path}: a mapping must be a range {{start, stop, step}}: "
                        + line.removeprefix("(top level): ")
                        for e in exc.errors()
                        for line in describe_error(e, Range)
                    ]
            elif isinstance(values, list | tuple):
                if not values:
                    problems.append(f"axes.{path}: empty axis; give at least one value")
                if len(values) > MAX_VARIANTS:
                    problems.append(
                        f"axes.{path}: {len(values):,} values; at most {MAX_VARIANTS:,} are allowed"
                    )
                    continue
                counts = Counter(_canonical(v) for v in values)
                repeated = [v for v in values if counts[_canonical(v)] > 1]
                if repeated:
                    problems.append(f"axes.{path}: value {repeated[0]!r} appears more than once")
                out[path] = list(values)
            else:
                out[path] = [values]  # a single value fixes the field for every variant
        if problems:
            raise ValueError("\n".join(problems))
        return out

    @model_validator(mode="after")
    def _check(self) -> SweepSpec:
        problems: list[str] = []
        if self.replications is not None and self.precision is not None:
            problems.append("give replications or precision, not both")
        for path, values in self.axes.items():
            if isinstance(values, Range) and values.continuous and self.design.kind != "sample":
                problems.append(
                    f"axes.{path}: a range without step is continuous; it needs "
                    f"design: sample (or give a step)"
                )
        if self.design.kind in ("grid", "sample") and not self.axes:
            problems.append(f"design {self.design.kind} needs at least one axis")
        if self.design.kind == "list":
            for path, values in self.axes.items():
                if not isinstance(values, list) or len(values) != 1:
                    problems.append(
                        f"axes.{path}: with design: list an axis must have exactly one value "
                        "(the variants give the rest)"
                    )
        if self.seed is not None and "seed" in self.axes:
            problems.append("seed is both a sweep-level override and an axis; give it once")
        if not problems:
            size = design_size(self.design, self.axes)
            if size > MAX_VARIANTS:
                lengths = " × ".join(
                    f"{len(v) if isinstance(v, list) else v.count:,}" for v in self.axes.values()
                )
                problems.append(
                    f"design {self.design.kind} gives {size:,} variants ({lengths}); at most "
                    f"{MAX_VARIANTS:,} are allowed in one sweep"
                )
        if problems:
            raise ValueError("\n".join(problems))
        return self

    @property
    def initial_replications(self) -> int | None:
        """Replications of the first round (``None``: the base scenario's own count)."""
        if self.precision is not None:
            return self.precision.initial_replications
        return self.replications


@dataclass(frozen=True)
class Variant:
    """One point of a sweep.

    Attributes
    ----------
    index : int
        Position in design order (0-based); rows of the sweep table follow it.
    variant_id : str
        12 hex digits of the sha256 of the canonical JSON of ``params``.
    params : dict
        ``dotted path → value`` for every axis of the sweep.
    scenario : Scenario
        The validated scenario of this variant.
    """

    index: int
    variant_id: str
    params: Mapping[str, Any]
    scenario: Scenario

    def label(self) -> str:
        """Short ``path=value, …`` description."""
        return ", ".join(f"{p}={_short(v)}" for p, v in self.params.items()) or "(base)"


@dataclass(frozen=True)
class SweepPlan:
    """A validated sweep: its spec, base scenario and expanded variants.

    Attributes
    ----------
    spec : SweepSpec
        The spec as read.
    base : Scenario
        The base scenario (with the spec's seed, if any).
    variants : tuple of Variant
        In design order.
    param_paths : tuple of str
        The varied field paths (the ``param.*`` columns), in axis order.
    source : str
        Where the spec came from (for messages).
    name : str
        The spec's name, or the spec file's stem.
    """

    spec: SweepSpec
    base: Scenario
    variants: tuple[Variant, ...]
    param_paths: tuple[str, ...]
    source: str = "sweep spec"
    name: str = "sweep"
    notes: tuple[str, ...] = field(default=())

    @property
    def replications(self) -> int:
        """Replications per variant in the first (or only) round."""
        initial = self.spec.initial_replications
        return initial if initial is not None else self.base.replications

    @property
    def precision(self) -> Precision | None:
        """The precision target, when replications are sequential."""
        return self.spec.precision


def variant_id(params: Mapping[str, Any]) -> str:
    """Stable short id of a parameter mapping (key order does not matter).

    Returns
    -------
    str
        The first 12 hex digits of the sha256 of ``json.dumps(params, sort_keys=True)``.
    """
    return hashlib.sha256(_canonical(dict(params)).encode()).hexdigest()[:12]


# --------------------------------------------------------------------------- loading


def load_sweep(path: str | Path) -> SweepPlan:
    """Read, validate and expand a sweep spec file.

    Parameters
    ----------
    path : str or Path
        The spec YAML; its ``base`` is resolved relative to the spec's folder.

    Raises
    ------
    ScenarioError
        With one line per problem (spec keys, field paths, variants).
    """
    file = Path(path)
    source = str(file)
    data = read_yaml(file)
    if not isinstance(data, Mapping):
        raise ScenarioError(
            [f"(top level): expected a mapping (base, axes, design …), got {type(data).__name__}"],
            source,
        )
    return plan_sweep(data, file.parent, source=source, default_name=file.stem)


def plan_sweep(
    spec: SweepSpec | Mapping[str, Any],
    base_dir: str | Path = ".",
    source: str = "sweep spec",
    default_name: str = "sweep",
) -> SweepPlan:
    """Validate a spec (model or mapping) and expand it into variants.

    Parameters
    ----------
    spec : SweepSpec or mapping
        The spec.
    base_dir : str or Path
        Folder that ``spec.base`` is relative to.
    source : str
        Name used in error messages.
    default_name : str
        Name of the sweep when the spec gives none.

    Raises
    ------
    ScenarioError
        With one line per problem.
    """
    if not isinstance(spec, SweepSpec):
        try:
            spec = SweepSpec.model_validate(dict(spec))
        except ValidationError as exc:
            raise ScenarioError(validation_problems(exc, SweepSpec), source) from None

    base_path = Path(base_dir) / spec.base
    try:
        load_scenario(base_path)  # readable errors for a broken base file
    except ScenarioError as exc:
        lines = [f"base scenario {base_path}: {p}" for p in exc.problems]
        raise ScenarioError(lines, source) from None
    base_data: dict[str, Any] = read_yaml(base_path)
    if spec.seed is not None:
        base_data = apply_overrides(base_data, [("seed", spec.seed)])
    base = scenario_from_dict(base_data, str(base_path))
    base_dump = base.model_dump(mode="json")

    # every field path first: a typo would otherwise fail every variant
    problems: list[str] = []
    for path in spec.axes:
        problem = check_override_path(path, base_dump)
        if problem:
            problems.append(f"axes.{problem}")
    if isinstance(spec.design, ListDesign):
        checked: set[str] = set(spec.axes)
        for i, mapping in enumerate(spec.design.variants):
            for path in mapping:
                if path in spec.axes:
                    problems.append(
                        f"design.variants[{i}].{path}: also an axis; give it in one place"
                    )
                elif path not in checked:
                    checked.add(path)
                    problem = check_override_path(str(path), base_dump)
                    if problem:
                        problems.append(f"design.variants[{i}].{problem}")
    problems += _check_precision_metrics(spec, base)
    if problems:
        raise ScenarioError(problems, source)

    param_paths, explicit = expand_design(spec.design, spec.axes)
    variants: list[Variant] = []
    notes: list[str] = []
    by_hash: dict[str, tuple[int, str]] = {}
    duplicates: list[str] = []
    seen_problems: dict[str, list[Any]] = {}  # problem → [first variant, label, count]
    for position, given in enumerate(explicit):
        params = {p: given[p] if p in given else lookup_path(base_dump, p) for p in param_paths}
        vid = variant_id(params)
        label = ", ".join(f"{p}={_short(v)}" for p, v in given.items()) or "(base)"
        try:
            scenario = scenario_from_dict(apply_overrides(base_data, list(given.items())))
        except ScenarioError as exc:
            for problem in exc.problems:
                seen_problems.setdefault(problem, [position, label, 0])[2] += 1
            continue
        previous = by_hash.get(scenario.content_hash)
        if previous is not None:
            if isinstance(spec.design, SampleDesign):
                continue  # a Latin hypercube over few discrete values repeats points
            duplicates.append(
                f"variant #{position} ({label}) is the same scenario as variant "
                f"#{previous[0]} ({previous[1]})"
            )
            continue
        by_hash[scenario.content_hash] = (position, label)
        variants.append(Variant(len(variants), vid, params, scenario))
    for problem, (position, label, count) in list(seen_problems.items())[:MAX_LISTED_PROBLEMS]:
        also = f" (and {count - 1} more variant(s))" if count > 1 else ""
        problems.append(f"variant #{position} ({label}): {problem}{also}")
    if len(seen_problems) > MAX_LISTED_PROBLEMS:
        problems.append(f"… {len(seen_problems) - MAX_LISTED_PROBLEMS} more distinct problem(s)")
    problems += duplicates[:MAX_LISTED_PROBLEMS]
    if len(duplicates) > MAX_LISTED_PROBLEMS:
        problems.append(f"… {len(duplicates) - MAX_LISTED_PROBLEMS} more duplicate variant(s)")
    if problems:
        raise ScenarioError(problems, source)
    if isinstance(spec.design, SampleDesign) and len(variants) < spec.design.n:
        notes.append(
            f"sample of {spec.design.n} points gave {len(variants)} distinct variants "
            "(discrete axes with few values repeat)"
        )
        logger.info(notes[-1])
    return SweepPlan(
        spec=spec,
        base=base,
        variants=tuple(variants),
        param_paths=tuple(param_paths),
        source=source,
        name=spec.name or default_name,
        notes=tuple(notes),
    )


def _check_precision_metrics(spec: SweepSpec, base: Scenario) -> list[str]:
    if spec.precision is None or not spec.precision.metrics:
        return []
    problems = []
    for name in spec.precision.metrics:
        head, _, rest = name.partition(".")
        if head in base.tiers and rest in METRIC_UNITS:
            continue
        if name == "total.cost_per_day_usd" or (
            head in ("utilisation", "cost", "inventory") and rest
        ):
            continue
        problems.append(
            f"precision.metrics: unknown metric {name!r}; use <tier>.<metric> with tier in "
            f"{', '.join(base.tiers)} and metric one of {', '.join(sorted(METRIC_UNITS))}, or "
            "total.cost_per_day_usd"
        )
    return problems


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= 40 else text[:37] + "..."
