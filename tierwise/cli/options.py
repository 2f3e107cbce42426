"""Every CLI option kind, defined and checked once, for all commands.

Each kind is an ``Annotated`` type that a command uses as its parameter's type (``workers:
Workers = 2``), so a kind has one definition, one help text and one check. Checks that need
nothing but the value run while the command line is parsed (typer's ranges, or a callback);
checks that need the scenario or the sweep table (tier names, metrics present in a table) are
functions here that the commands call right after loading, before any work. Every check
raises :class:`typer.BadParameter` naming the option: exit code 2, a one-paragraph message,
never a traceback; unknown names get a "did you mean" and the allowed list.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from tierwise.artifacts import ArtifactError, check_output_folder
from tierwise.simulation.metrics import METRICS, PROFIT, get_metric
from tierwise.simulation.scenario.errors import ScenarioError, did_you_mean
from tierwise.simulation.scenario.overrides import parse_override

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DEFAULT_WORKERS",
    "MAX_SEED",
    "Budget",
    "ComparePrecision",
    "Confidence",
    "Format",
    "MaxCostPerOrder",
    "MinService",
    "Objective",
    "ObjectiveChoice",
    "OutputFormat",
    "Overrides",
    "Overwrite",
    "PairedReplications",
    "Precision",
    "PrecisionMetrics",
    "Replications",
    "Seed",
    "SeedOverride",
    "ServiceMetric",
    "Solver",
    "SolverChoice",
    "TierOrder",
    "TimeLimit",
    "Verify",
    "VerifyReplications",
    "Workers",
    "bad_option",
    "check_confidence",
    "check_names",
    "check_output_file",
    "check_output_folder_option",
    "check_precision",
    "check_table_metric",
    "comma_list",
    "comma_pairs",
    "metric_name",
    "parse_min_service",
    "parse_tier_order",
    "precision_metric_keys",
    "service_metric",
    "service_metrics",
    "split_list",
]

#: Worker processes of every command that simulates (results never depend on it).
DEFAULT_WORKERS = 2

#: Largest seed (numpy and the sweep table's int64 ``seed`` column).
MAX_SEED = 2**63 - 1

#: Short names of whole-system metrics accepted by ``compare --metric``.
_ALIASES = {
    "profit": PROFIT,
    "cost": "cost_per_day_usd",
    "revenue": "revenue_per_day_usd",
    "booked_revenue": "booked_revenue_per_day_usd",
}


class ObjectiveChoice(StrEnum):
    """Maximise profit, or minimise cost subject to the service floors."""

    profit = "profit"
    cost = "cost"


class OutputFormat(StrEnum):
    """What a command writes to standard output: tables for people, or its results as JSON
    or CSV for programs (then nothing else goes to standard output)."""

    table = "table"
    json = "json"
    csv = "csv"


class SolverChoice(StrEnum):
    """MILP solver."""

    cbc = "cbc"
    highs = "highs"


def bad_option(option: str, message: str) -> NoReturn:
    """Refuse the value of ``option`` (exit code 2, ``Invalid value for '--option': …``)."""
    raise typer.BadParameter(message, param_hint=f"'{option}'")


def _unknown(kind: str, name: str, allowed: Iterable[str]) -> str:
    """``unknown tier 'D'; did you mean 'B'? (allowed: A, B, C)``."""
    names = list(allowed)
    return f"unknown {kind} {name!r}{did_you_mean(name, names)} (allowed: {', '.join(names)})"


# -- one list syntax: comma-separated items, in one value or over repeated options -----------

#: A comma that starts a new ``NAME=`` item (``A=0.9,B=0.85``; ``a.b=1,c=[1, 2]``).
_NEXT_PAIR = re.compile(r"\s*[^\s=,\[\]{}\"']+\s*=")


def split_list(values: str | Sequence[str] | None, pairs: bool = False) -> list[str]:
    """The items of a list option: ``"A,B,C"`` → ``["A", "B", "C"]``.

    Every option that takes a list takes this one form: items separated by commas, in one
    value (``--tier A,B``) or spread over repeated options (``--tier A --tier B``; the two
    mix). Blank items are dropped and items are stripped. A comma inside brackets, braces or
    quotes does not separate (``--set 'tiers.A.channel_mix={web: 0.5, phone: 0.5}'``). With
    ``pairs`` (``NAME=VALUE`` items: ``--set``, ``--min-service``, ``--profile``,
    ``--column``) a comma separates only where a new ``NAME=`` follows, so a value may hold
    a comma (``--set description=fast, cheap`` is one item).

    Parameters
    ----------
    values : str, sequence of str or None
        The option's value, or the values of a repeated option.
    pairs : bool
        Items are ``NAME=VALUE``.

    Returns
    -------
    list of str
        The items in order (possibly empty).
    """
    texts = [values] if isinstance(values, str) else list(values or [])
    items: list[str] = []
    for text in texts:
        depth, quote, start = 0, "", 0
        for i, char in enumerate(text):
            if quote:
                quote = "" if char == quote else quote
            elif char in "\"'":
                quote = char
            elif char in "[{(":
                depth += 1
            elif char in "]})":
                depth = max(depth - 1, 0)
            elif char == "," and depth == 0:
                if pairs and text[i + 1 :].strip() and not _NEXT_PAIR.match(text, i + 1):
                    continue
                items.append(text[start:i])
                start = i + 1
        items.append(text[start:])
    return [item.strip() for item in items if item.strip()]


def comma_list(values: list[str] | None) -> list[str] | None:
    """Callback of a list option of names: its items by :func:`split_list`."""
    return None if values is None else split_list(values)


def comma_pairs(values: list[str] | None) -> list[str] | None:
    """Callback of a list option of ``NAME=VALUE`` items (:func:`split_list` with pairs)."""
    return None if values is None else split_list(values, pairs=True)


# -- values checked on their own, while the command line is parsed ---------------------------


def check_precision(value: float | None) -> float | None:
    """Callback of a relative precision option: ``None`` or a number in (0, 1)."""
    if value is not None and not (math.isfinite(value) and 0 < value < 1):
        raise typer.BadParameter(f"{value:g} must lie in (0, 1), e.g. 0.02 for ±2 %")
    return value


def check_confidence(value: float) -> float:
    """Callback of a confidence level option: a number in (0, 1)."""
    if not (math.isfinite(value) and 0 < value < 1):
        raise typer.BadParameter(f"{value:g} must lie in (0, 1), e.g. 0.95 or 0.99")
    return value


def _check_overrides(values: list[str] | None) -> list[str] | None:
    values = comma_pairs(values)
    for text in values or []:
        try:
            parse_override(text)
        except ScenarioError as exc:
            raise typer.BadParameter("; ".join(exc.problems)) from None
    return values


def _service_metric_callback(value: str) -> str:
    try:
        return service_metric(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


def _check_seed(value: int | None) -> int | None:
    if value is not None and not 0 <= value <= MAX_SEED:
        raise typer.BadParameter(f"{value} is not in the range 0 … 2^63 − 1")
    return value


def _check_positive(value: float | None) -> float | None:
    if value is not None and not (math.isfinite(value) and value > 0):
        raise typer.BadParameter(f"{value:g} must be > 0 (seconds)")
    return value


def _check_non_negative(value: float | None) -> float | None:
    if value is not None and not (math.isfinite(value) and value >= 0):
        raise typer.BadParameter(f"{value:g} must be a finite number >= 0")
    return value


Workers = Annotated[int, typer.Option(min=1, help="worker processes (>= 1)")]
Replications = Annotated[
    int | None,
    typer.Option(min=1, help="fixed replications (default: the scenario's, or the sweep spec's)"),
]
VerifyReplications = Annotated[
    int | None,
    typer.Option(
        "--replications",
        min=1,
        help="replications of each verification round (default: the verification's, 6)",
    ),
]
PairedReplications = Annotated[
    int | None,
    typer.Option(
        "--replications",
        min=2,
        help="paired replications per strategy (default: the scenario's, at least 2)",
    ),
]
ComparePrecision = Annotated[
    float | None,
    typer.Option(
        "--precision",
        callback=check_precision,
        help="add replications until every profit difference's CI half-width is at most "
        "this fraction of the baseline's profit, in (0, 1), e.g. 0.01 (cap 200)",
    ),
]
Verify = Annotated[
    bool,
    typer.Option(
        "--verify/--no-verify",
        help="re-simulate the chosen plan on the scenario and refine it (closed loop)",
    ),
]
Precision = Annotated[
    float | None,
    typer.Option(
        callback=check_precision,
        help="target relative 95 % CI half-width in (0, 1), e.g. 0.02; adds replications until met",
    ),
]
PrecisionMetrics = Annotated[
    list[str] | None,
    typer.Option(
        "--precision-metric",
        metavar="METRIC,…",
        callback=comma_list,
        help="metrics --precision watches, e.g. on_time,A.cost_per_day_usd: a per-tier metric "
        "(every tier), "
        "TIER.metric or total.cost_per_day_usd; default: every tier's perfect_order_rate and "
        "cost_per_day_usd",
    ),
]
Seed = Annotated[int, typer.Option(callback=_check_seed, help="seed (0 … 2^63 − 1)")]
SeedOverride = Annotated[
    int | None,
    typer.Option(
        callback=_check_seed,
        help="a new seed for what is simulated (0 … 2^63 − 1; default: the scenario's)",
    ),
]
Confidence = Annotated[
    float, typer.Option(callback=check_confidence, help="confidence level in (0, 1), e.g. 0.99")
]
Overrides = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="FIELD=VALUE,…",
        callback=_check_overrides,
        help="override scenario fields: dotted.path=value, e.g. seed=7,picking.pickers=12 "
        "(values are YAML)",
    ),
]
ServiceMetric = Annotated[
    str,
    typer.Option(
        metavar="METRIC",
        callback=_service_metric_callback,
        help="service metric of the plan: a rate, higher is better (perfect_order_rate, "
        "on_time_rate …; the _rate may be left off)",
    ),
]
Objective = Annotated[ObjectiveChoice, typer.Option(help="maximise profit or minimise cost")]
Format = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        help="standard output: tables, or the results as JSON or CSV (nothing else on stdout)",
    ),
]
Solver = Annotated[SolverChoice, typer.Option(help="MILP solver")]
TimeLimit = Annotated[
    float,
    typer.Option(
        metavar="SECONDS", callback=_check_positive, help="solver time limit per solve (> 0)"
    ),
]
Budget = Annotated[
    float | None,
    typer.Option(metavar="USD", callback=_check_non_negative, help="budget, USD per day (>= 0)"),
]
MaxCostPerOrder = Annotated[
    float | None,
    typer.Option(
        metavar="USD", callback=_check_non_negative, help="ceiling on cost per order, USD (>= 0)"
    ),
]
MinService = Annotated[
    str | None,
    typer.Option(
        metavar="TIER=LEVEL,…",
        help="minimum service per tier, each tier once, e.g. A=0.9,B=0.85",
    ),
]
TierOrder = Annotated[
    str | None,
    typer.Option(
        metavar="TIER,…",
        help="service must not rise down this order of distinct tiers, e.g. A,B,C",
    ),
]
Overwrite = Annotated[
    bool,
    typer.Option(
        "--overwrite",
        help="use a folder holding outputs that no manifest lists (they are removed)",
    ),
]


# -- names: metrics from the registry ---------------------------------------------------------


def service_metrics() -> list[str]:
    """Metrics a plan or curve can be chosen on: rates where higher is better."""
    return [m.name for m in METRICS.values() if m.unit == "rate" and m.direction > 0]


def service_metric(name: str) -> str:
    """Registry name of a service metric (``on_time`` → ``on_time_rate``).

    Raises
    ------
    ValueError
        Unknown name, or not a rate where higher is better (with the allowed list).
    """
    allowed = service_metrics()
    for candidate in (name, f"{name}_rate"):
        if candidate in allowed:
            return candidate
    if name in METRICS:
        raise ValueError(
            f"{name!r} is not a service metric (a rate, higher is better) (allowed: "
            + ", ".join(allowed)
            + ")"
        )
    raise ValueError(_unknown("service metric", name, allowed))


def metric_name(name: str) -> str:
    """Registry name of any per-tier metric (``perfect_order`` → ``perfect_order_rate``;
    ``profit``, ``cost``, ``revenue`` → the USD/day metric).

    Raises
    ------
    ValueError
        Unknown metric (did you mean, and the registry's names).
    """
    if name in _ALIASES:
        return _ALIASES[name]
    for candidate in (name, f"{name}_rate"):
        if candidate in METRICS:
            return candidate
    try:
        get_metric(name)
    except KeyError as exc:
        raise ValueError(str(exc.args[0])) from None
    return name  # pragma: no cover - get_metric raised


def precision_metric_keys(names: Sequence[str], tiers: Sequence[str]) -> list[str] | None:
    """Flat result keys ``--precision`` watches (``None``: the default of ``replicate``).

    ``perfect_order_rate`` (or ``perfect_order``) means that metric of every tier;
    ``A.on_time_rate`` one tier's; ``total.cost_per_day_usd`` the system's total cost.
    Checked against the registry and the scenario's tiers, before any simulation.
    """
    option = "--precision-metric"
    keys: list[str] = []
    simulated = [m for m in METRICS if m != PROFIT]
    for name in names:
        if name == "total.cost_per_day_usd":
            keys.append(name)
            continue
        head, dot, rest = name.partition(".")
        scope = [head] if dot else list(tiers)
        if dot and head not in tiers:
            bad_option(option, _unknown("tier", head, tiers) + f" (in {name!r})")
        metric = rest if dot else name
        if metric == PROFIT or metric == "profit":
            bad_option(option, f"{name!r}: profit is not measured per run; watch revenue or cost")
        resolved = next((c for c in (metric, f"{metric}_rate") if c in simulated), None)
        if resolved is None:
            bad_option(option, _unknown("metric", metric, [*simulated, "total.cost_per_day_usd"]))
        keys += [f"{tier}.{resolved}" for tier in scope]
    return list(dict.fromkeys(keys)) or None


def check_table_metric(
    table: pd.DataFrame, tiers: Sequence[str], metric: str, source: Path, option: str = "--metric"
) -> None:
    """Refuse a service metric that the sweep table lacks for one of its tiers."""
    if all(f"{t}.{metric}" in table.columns for t in tiers):
        return
    present = [m for m in service_metrics() if all(f"{t}.{m}" in table.columns for t in tiers)]
    bad_option(
        option,
        f"{metric!r} is not in the sweep table {source}{did_you_mean(metric, present)} "
        f"(allowed: {', '.join(present)})",
    )


# -- names: tiers of the scenario or the sweep table ------------------------------------------


def check_names(option: str, names: Sequence[str], allowed: Collection[str], kind: str) -> None:
    """Every name in ``allowed``, none twice; else refuse ``option``."""
    for name in names:
        if name not in allowed:
            bad_option(option, _unknown(kind, name, allowed))
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        bad_option(option, f"{kind} {', '.join(map(repr, repeated))} given more than once")


def parse_min_service(text: str | None, tiers: Collection[str]) -> dict[str, float]:
    """``"A=0.99,B=0.97"`` → ``{"A": 0.99, "B": 0.97}``; levels in [0, 1], tiers of the
    scenario, each once."""
    option = "--min-service"
    result: dict[str, float] = {}
    names: list[str] = []
    for part in split_list(text, pairs=True):
        tier, sep, value = part.partition("=")
        try:
            level = float(value)
        except ValueError:
            level = math.nan
        if not sep or not tier.strip() or not 0 <= level <= 1:
            bad_option(
                option,
                f"{part!r}: expected TIER=level with level in [0, 1], e.g. A=0.99,B=0.97",
            )
        names.append(tier.strip())
        result[tier.strip()] = level
    check_names(option, names, tiers, "tier")
    return result


def parse_tier_order(text: str | None, tiers: Collection[str]) -> list[str] | None:
    """``"A,B,C"`` → ``["A", "B", "C"]`` (``None`` when not given): two or more distinct tiers
    of the scenario."""
    if not text:
        return None
    order = split_list(text)
    if len(order) < 2:
        bad_option("--tier-order", f"{text!r}: name at least two tiers, e.g. A,B,C")
    check_names("--tier-order", order, tiers, "tier")
    return order


# -- output paths -----------------------------------------------------------------------------


def check_output_folder_option(path: Path, overwrite: bool, option: str = "--out") -> None:
    """Refuse an output folder that is a file, or holds another run's outputs (see
    :func:`tierwise.artifacts.check_output_folder`); nothing is created or removed."""
    try:
        check_output_folder(path, overwrite)
    except ArtifactError as exc:
        bad_option(option, str(exc))


def check_output_file(path: Path, option: str, suffixes: Sequence[str] = ()) -> None:
    """Refuse an output file that is a folder, lies below a file, or (when ``suffixes`` are
    given) has another suffix."""
    endings = " or ".join(suffixes)
    if path.is_dir():
        bad_option(
            option,
            f"{path} is a folder; give a file name" + (f" ending in {endings}" if suffixes else ""),
        )
    for parent in path.parents:
        if parent.exists() and not parent.is_dir():
            bad_option(option, f"{parent} exists and is not a folder")
    if suffixes and path.suffix.lower() not in suffixes:
        bad_option(option, f"{path}: the file name must end in {endings}")
