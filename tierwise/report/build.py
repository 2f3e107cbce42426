"""One self-contained HTML report of a ``tierwise run`` or ``tierwise compare`` output directory.

The report is a single file: figures are embedded as base64 PNG (``data:`` URIs), the style
sheet is inline, there is no JavaScript and no reference to any URL, so it opens in any browser
with no server and no internet. It holds the title and generation information, the scenario's
assumptions (tiers, resources, costs), then

* for a run directory: the sweep, the cost-versus-service and profit curves per tier with the
  optimum table, the chosen plan per tier (service ± CI, cost, revenue, profit, totals,
  resources, status, solver), the verification rounds (predicted vs re-simulated) and the
  profit-versus-budget figure;
* for a compare directory: the strategies, the differences to the baseline (± half-width,
  significance), the profit table with the multiple-comparisons-with-the-best intervals, the
  best-strategy verdict with its method, and the figures;

and the definition and unit of every metric (:data:`METRIC_DEFINITIONS`).

:func:`build_report` reads the files and returns a :class:`Report` (the HTML string and the
warnings); :func:`write_report` writes it atomically. Nothing here prints; bad input raises
:class:`ReportError` with a one-paragraph message.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import importlib.metadata
import json
import math
import os
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from tierwise.simulation.experiments.comparison import TOTAL
from tierwise.simulation.experiments.strategies import is_strategy_file, load_sources
from tierwise.simulation.metrics import METRIC_UNITS, METRICS, PROFIT
from tierwise.simulation.scenario.distributions import Distribution
from tierwise.simulation.scenario.loading import ScenarioError, load_scenario
from tierwise.simulation.scenario.schema import Scenario, Targets

__all__ = [
    "METRIC_DEFINITIONS",
    "Report",
    "ReportError",
    "ReportKind",
    "build_report",
    "detect_kind",
    "write_report",
]

ReportKind = Literal["run", "compare"]

#: One-line definition of every per-tier metric and of profit (from the metric registry).
METRIC_DEFINITIONS: dict[str, str] = {name: m.definition for name, m in METRICS.items()}

_TRUNCATE = 90


class ReportError(ValueError):
    """The source directory or the scenario cannot make a report; the message says why."""


@dataclass(frozen=True)
class Report:
    """A rendered report.

    Attributes
    ----------
    kind : {"run", "compare"}
        What the source directory holds.
    title : str
        Title of the page.
    html : str
        The complete, self-contained HTML document.
    source : Path
        The output directory the report describes.
    scenario_path : Path
        The scenario (or strategy) file whose assumptions are shown.
    warnings : tuple of str
        Problems that did not stop the report (also shown in it), e.g. a scenario file that
        no longer matches the results.
    """

    kind: ReportKind
    title: str
    html: str
    source: Path
    scenario_path: Path
    warnings: tuple[str, ...] = ()


# ============================================================================ detection

_RUN_MARKERS = ("plan.json", "optimum.csv", "sweep.summary.json")
_COMPARE_MARKERS = ("comparison.json",)


def detect_kind(source: Path) -> ReportKind:
    """Whether ``source`` is a ``tierwise run`` or a ``tierwise compare`` output directory.

    A compare directory holds ``comparison.json``; a run directory ``plan.json`` (or, when
    the plan step did not finish, ``optimum.csv`` / ``sweep.summary.json``).

    Raises
    ------
    ReportError
        If ``source`` is not a directory, holds neither kind of output, or both.
    """
    if not source.exists():
        raise ReportError(f"{source}: no such directory")
    if not source.is_dir():
        raise ReportError(
            f"{source} is a file; give the output directory of `tierwise run` or `tierwise compare`"
        )
    is_run = any((source / name).is_file() for name in _RUN_MARKERS)
    is_compare = any((source / name).is_file() for name in _COMPARE_MARKERS)
    if is_run and is_compare:
        raise ReportError(
            f"{source} holds the output of both `tierwise run` (plan.json) and `tierwise "
            "compare` (comparison.json); write them to separate directories"
        )
    if is_run:
        return "run"
    if is_compare:
        return "compare"
    raise ReportError(
        f"{source} is neither a run nor a compare output directory: expected plan.json "
        "(from `tierwise run`) or comparison.json (from `tierwise compare`)"
    )


# ============================================================================ HTML helpers


class _Raw(str):
    """Text that is already HTML (not escaped again)."""


Cell = str | _Raw


def _e(text: object) -> str:
    return text if isinstance(text, _Raw) else html.escape(str(text), quote=True)


def _tag(name: str, content: object = "", cls: str = "", **attrs: str) -> _Raw:
    parts = [name]
    if cls:
        parts.append(f'class="{_e(cls)}"')
    parts += [f'{k.rstrip("_")}="{_e(v)}"' for k, v in attrs.items() if v]
    return _Raw(f"<{' '.join(parts)}>{_e(content)}</{name}>")


def _join(parts: Iterable[object], sep: str = "\n") -> _Raw:
    return _Raw(sep.join(_e(p) for p in parts))


def _code(text: object) -> _Raw:
    return _tag("code", text)


@dataclass(frozen=True)
class _Col:
    label: str
    numeric: bool = False
    title: str = ""


def _table(
    cols: Sequence[_Col | str],
    rows: Sequence[Sequence[Cell]],
    *,
    caption: str | _Raw = "",
    foot: Sequence[Sequence[Cell]] = (),
    row_classes: Sequence[str] = (),
    cls: str = "",
) -> _Raw:
    columns = [c if isinstance(c, _Col) else _Col(c) for c in cols]
    head = "".join(
        str(_tag("th", c.label, "num" if c.numeric else "", scope="col", title=c.title))
        for c in columns
    )

    def line(cells: Sequence[Cell], row_cls: str = "") -> str:
        tds = "".join(
            str(_tag("td", cell, "num" if i < len(columns) and columns[i].numeric else ""))
            for i, cell in enumerate(cells)
        )
        return f'<tr class="{row_cls}">{tds}</tr>' if row_cls else f"<tr>{tds}</tr>"

    body = "\n".join(
        line(r, row_classes[i] if i < len(row_classes) else "") for i, r in enumerate(rows)
    )
    footer = f"<tfoot>{''.join(line(r) for r in foot)}</tfoot>" if foot else ""
    cap = f"<caption>{_e(caption)}</caption>" if caption else ""
    klass = f' class="{_e(cls)}"' if cls else ""
    return _Raw(
        f'<div class="table-wrap"><table{klass}>{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>\n{body}\n</tbody>{footer}</table></div>"
    )


def _sub(heading: str, cols: Sequence[_Col | str], rows: Sequence[Sequence[Cell]]) -> _Raw:
    """A sub-heading and its table."""
    return _join([_tag("h3", heading), _table(cols, rows)])


def _definition_list(items: Sequence[tuple[str, Cell]], cls: str = "meta") -> _Raw:
    body = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in items)
    return _Raw(f'<dl class="{cls}">{body}</dl>')


def _box(content: object, kind: str = "info") -> _Raw:
    """A call-out; ``kind`` is ``info``, ``ok``, ``warn`` or ``alert``."""
    return _tag("div", content, f"box box-{kind}")


def _section(anchor: str, heading: str, *parts: object) -> _Raw:
    inner = _join(p for p in parts if p)
    return _Raw(f'<section id="{anchor}">\n<h2>{_e(heading)}</h2>\n{inner}\n</section>')


def _figure(path: Path, caption: str) -> _Raw:
    """The PNG at ``path`` embedded as a ``data:`` URI, or a note when it is missing."""
    if not path.is_file():
        return _tag("p", f"({path.name} was not produced.)", "note")
    raw = path.read_bytes()
    data = base64.b64encode(raw).decode("ascii")
    width = _png_css_width(raw)
    style = f' style="width:{width}px"' if width else ""
    img = f'<img src="data:image/png;base64,{data}" alt="{_e(caption)}"{style}>'
    return _Raw(f"<figure>{img}<figcaption>{_e(caption)}</figcaption></figure>")


def _png_css_width(raw: bytes) -> int:
    """Width in CSS pixels (96 per inch) from the PNG's size and resolution; 0 if unknown."""
    if raw[:8] != b"\x89PNG\r\n\x1a\n" or len(raw) < 24:
        return 0
    width = int.from_bytes(raw[16:20], "big")
    dpi = 96.0
    position = 8
    while position + 8 <= len(raw):
        length = int.from_bytes(raw[position : position + 4], "big")
        kind = raw[position + 4 : position + 8]
        if kind == b"pHYs" and length == 9:
            chunk = raw[position + 8 : position + 17]
            per_metre = int.from_bytes(chunk[:4], "big")
            if chunk[8] == 1 and per_metre > 0:
                dpi = per_metre * 0.0254
            break
        if kind in (b"IDAT", b"IEND"):
            break
        position += 12 + length
    return round(width * 96.0 / dpi)


# ============================================================================ number formats


def _finite(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _float(value: Any) -> float:
    """``float(value)``, or NaN when it is missing or not a number."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _minus(text: str) -> str:
    return text.replace("-", "−")


def _num(value: Any, digits: int = 0) -> str:
    """``12,345`` (thousands separators, a true minus sign); ``—`` when missing."""
    if not _finite(value):
        return "—"
    return _minus(f"{float(value):,.{digits}f}")


def _signed(value: Any, digits: int = 0) -> str:
    """``+1,234`` / ``−0.5``; a value that rounds to zero has no sign."""
    if not _finite(value):
        return "—"
    text = f"{float(value):+,.{digits}f}"
    if float(text.replace(",", "")) == 0:
        return text[1:]
    return _minus(text)


def _pct(value: Any, digits: int = 1) -> str:
    """A fraction as a percentage: ``0.774 → 77.4%``."""
    if not _finite(value):
        return "—"
    return _minus(f"{float(value) * 100:.{digits}f}%")


def _pct_ci(mean: Any, half_width: Any) -> str:
    """``77.4% ± 4.8 pp`` (the half-width in percentage points)."""
    text = _pct(mean)
    if text != "—" and _finite(half_width):
        text += f" ± {float(half_width) * 100:.1f} pp"
    return text


def _g(value: Any) -> str:
    """Compact number: ``30``, ``0.5``, ``1,250``."""
    if not _finite(value):
        return "—"
    number = float(value)
    if number == int(number) and abs(number) < 1e15:
        return _minus(f"{int(number):,}")
    return _minus(f"{number:,.4g}" if abs(number) >= 1 else f"{number:.4g}")


def _decimals(reference: float) -> int:
    """Decimals that show a half-width with about two significant digits."""
    if not math.isfinite(reference) or reference <= 0:
        return 0
    return min(4, max(0, 1 - math.floor(math.log10(reference))))


def _value(value: Any, unit: str) -> str:
    """A level in its unit: ``81.0%`` for rates, ``12,345`` for large numbers."""
    if not _finite(value):
        return "—"
    if unit == "rate":
        return _pct(value)
    number = float(value)
    return _num(number) if abs(number) >= 100 else _minus(f"{number:.3g}")


def _dist(d: Distribution | None, unit: str) -> str:
    """``lognormal, mean 210 s, cv 0.5``."""
    if d is None:
        return "—"
    u = f" {unit}" if unit else ""
    if d.dist == "deterministic":
        return f"{_g(d.mean)}{u} (fixed)"
    if d.dist == "exponential":
        return f"exponential, mean {_g(d.mean)}{u}"
    if d.dist in ("lognormal", "gamma"):
        return f"{d.dist}, mean {_g(d.mean)}{u}, cv {_g(d.cv)}"
    if d.dist == "triangular":
        return f"triangular {_g(d.low)}–{_g(d.mode)}–{_g(d.high)}{u}"
    if d.dist == "uniform":
        return f"uniform {_g(d.low)}–{_g(d.high)}{u}"
    values = ", ".join(_g(v) for v in d.values or ())
    return f"empirical {{{values}}}{u}"


def _short(value: Any) -> str:
    """Compact one-line text of a (YAML-like) value, truncated."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = _g(value)
    elif isinstance(value, Mapping | list | tuple):
        text = json.dumps(value, default=str, separators=(", ", ": "))
    else:
        text = str(value)
    return text if len(text) <= _TRUNCATE else text[: _TRUNCATE - 1] + "…"


def _metric_label(metric: str) -> str:
    """``perfect_order_rate`` → ``perfect order rate``; ``cost_per_day_usd`` → ``cost per day``."""
    name = re.sub(r"_(h|s|usd)$", "", metric)
    return name.replace("_", " ")


def _resource_label(path: str) -> str:
    """``order_entry.pools.desk.agents`` → ``agents, pool desk``."""
    parts = path.split(".")
    if len(parts) == 4 and parts[:2] == ["order_entry", "pools"]:
        return f"agents, pool {parts[2]}"
    if len(parts) == 4 and parts[:2] == ["shipping", "modes"]:
        return f"{parts[3]}, mode {parts[2]}"
    if path == "picking.pickers":
        return "pickers"
    if path == "recovery.own_team_agents":
        return "recovery team agents"
    return path


# ============================================================================ reading files


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportError(f"{path} cannot be read as JSON: {exc}") from None


def _read_csv(path: Path) -> pd.DataFrame | None:
    if not path.is_file():
        return None
    try:
        return pd.read_csv(path)
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise ReportError(f"{path} cannot be read as CSV: {exc}") from None


def _read_parquet(path: Path) -> pd.DataFrame | None:
    if not path.is_file():
        return None
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises many types for a torn or foreign file
        raise ReportError(f"{path} cannot be read as Parquet: {exc}") from None


def _mtime(path: Path) -> str:
    if not path.exists():
        return "—"
    stamp = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
    return stamp.strftime("%Y-%m-%d %H:%M UTC")


def _version() -> str:
    try:
        return importlib.metadata.version("tierwise")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _plain(value: Any) -> Any:
    """numpy scalars → Python numbers (so overrides validate like YAML values)."""
    item = getattr(value, "item", None)
    return item() if callable(item) else value


@dataclass
class _RunFiles:
    source: Path
    summary: dict[str, Any] | None
    sweep: pd.DataFrame | None
    frontier: pd.DataFrame | None
    optimum: pd.DataFrame | None
    plan: dict[str, Any] | None
    verification: pd.DataFrame | None
    plan_overrides: dict[str, Any] | None

    @classmethod
    def read(cls, source: Path) -> _RunFiles:
        summary = _read_json(source / "sweep.summary.json")
        plan = _read_json(source / "plan.json")
        overrides = _read_json(source / "plan_scenario_overrides.json")
        for name, doc in (
            ("sweep.summary.json", summary),
            ("plan.json", plan),
            ("plan_scenario_overrides.json", overrides),
        ):
            if doc is not None and not isinstance(doc, dict):
                raise ReportError(f"{source / name}: expected a JSON object")
        return cls(
            source=source,
            summary=summary,
            sweep=_read_parquet(source / "sweep.parquet"),
            frontier=_read_csv(source / "frontier.csv"),
            optimum=_read_csv(source / "optimum.csv"),
            plan=plan,
            verification=_read_csv(source / "verification.csv"),
            plan_overrides=overrides,
        )

    def params(self) -> dict[str, list[Any]]:
        """Swept and fixed scenario fields of the sweep: ``path → sorted distinct values``."""
        if self.sweep is None:
            return {}
        result: dict[str, list[Any]] = {}
        for column in self.sweep.columns:
            if str(column).startswith("param."):
                values = {_plain(v) for v in self.sweep[column].dropna().unique()}
                result[str(column)[6:]] = sorted(values, key=lambda v: (str(type(v)), v))
        return result

    def recorded_hash(self) -> tuple[str, list[tuple[str, Any]]] | None:
        """Hash of the first sweep variant and the overrides that made it, if recorded."""
        sweep = self.sweep
        if sweep is None or sweep.empty or "scenario_hash" not in sweep.columns:
            return None
        row = sweep.iloc[0]
        overrides = [
            (str(c)[6:], _plain(row[c]))
            for c in sweep.columns
            if str(c).startswith("param.") and not pd.isna(row[c])
        ]
        return str(row["scenario_hash"]), overrides

    def replications(self) -> int | None:
        sweep = self.sweep
        if sweep is None or sweep.empty or "variant_id" not in sweep.columns:
            return None
        return int(sweep.groupby("variant_id").size().max())

    def seed(self) -> int | None:
        sweep = self.sweep
        if sweep is None or sweep.empty or "seed" not in sweep.columns:
            return None
        return int(sweep["seed"].iloc[0])

    def metric(self) -> str:
        if self.optimum is not None and "metric" in self.optimum.columns:
            values = self.optimum["metric"].dropna().unique()
            if len(values) == 1:
                return str(values[0])
        return "service"


# ============================================================================ scenario


@dataclass
class _Assumed:
    """The scenario(s) the report describes."""

    path: Path
    scenario: Scenario
    how: str
    strategies: dict[str, Scenario] = field(default_factory=dict)
    strategy_set: str = ""
    warnings: list[str] = field(default_factory=list)


_SPEC_SOURCE = re.compile(r"^run sweep of (?P<path>.+)$")


def _load(path: Path) -> Scenario:
    try:
        return load_scenario(path)
    except ScenarioError as exc:
        raise ReportError(str(exc)) from None


def _check_tiers(scenario: Scenario, path: Path, tiers: Iterable[str], what: str) -> None:
    """A scenario without the tiers of the results is another scenario: refuse it."""
    missing = [t for t in tiers if t not in scenario.tiers]
    if missing:
        raise ReportError(
            f"{path} has tiers {', '.join(scenario.tiers)}, but the {what} has tiers "
            f"{', '.join(map(str, tiers))} ({', '.join(missing)} missing); pass the scenario "
            "the results were made from"
        )


def _run_scenario(files: _RunFiles, given: Path | None) -> _Assumed:
    recorded = files.recorded_hash()

    def matches(path: Path) -> bool | None:
        if recorded is None:
            return None
        expected, overrides = recorded
        try:
            variant = load_scenario(path, overrides)
        except ScenarioError:
            return False
        return variant.content_hash == expected

    if given is not None:
        scenario = _load(given)
        planned = list((files.plan or {}).get("chosen") or {})
        _check_tiers(scenario, given, planned, "run's plan")
        assumed = _Assumed(given, scenario, "given with --scenario")
        if matches(given) is False:
            assumed.warnings.append(
                f"{given} does not match the run: with the sweep's settings it does not "
                "reproduce the scenario hash recorded in sweep.parquet (was the file edited "
                "since, or is it another scenario?); the report's assumptions may differ "
                "what was simulated"
            )
        return assumed
    spec = str((files.summary or {}).get("spec", ""))
    found = _SPEC_SOURCE.match(spec)
    if found:
        candidate = Path(found.group("path"))
        if candidate.is_file() and matches(candidate):
            return _Assumed(candidate, _load(candidate), "recorded in sweep.summary.json")
    hint = f" (the run names {found.group('path')}, " if found else ""
    if found:
        hint += (
            "which is not found from here or no longer matches the results)"
            if recorded is not None
            else "which is not found from here)"
        )
    raise ReportError(
        f"the run in {files.source} does not record a scenario file this report can use"
        f"{hint}; pass --scenario SCENARIO.yaml, the file given to `tierwise run`"
    )


def _compare_scenario(document: Mapping[str, Any], source: Path, given: Path | None) -> _Assumed:
    if given is None:
        raise ReportError(
            f"comparison.json in {source} does not record the scenario files; pass --scenario "
            "with the strategy file (or the baseline scenario file) given to `tierwise compare`"
        )
    recorded = {
        str(s.get("name")): str(s.get("scenario_hash", ""))
        for s in document.get("strategies", [])
        if isinstance(s, Mapping)
    }
    baseline = str(document.get("baseline", ""))
    try:
        strategy_file = is_strategy_file(given)
        if strategy_file:
            loaded = load_sources([given])
        else:
            scenario = load_scenario(given)
    except ScenarioError as exc:
        raise ReportError(str(exc)) from None
    if strategy_file:
        if baseline not in loaded.scenarios:
            raise ReportError(
                f"{given} has no strategy '{baseline}', the baseline of the comparison in "
                f"{source} (its strategies: {', '.join(loaded.scenarios)}); is it the strategy "
                "file given to `tierwise compare`?"
            )
        tiers = [str(t) for t in document.get("tiers", [])]
        _check_tiers(loaded.scenarios[baseline], given, tiers, "comparison")
        assumed = _Assumed(
            given,
            loaded.scenarios[baseline],
            f"baseline strategy '{baseline}' of the strategy file given with --scenario",
            strategies=dict(loaded.scenarios),
            strategy_set=loaded.name,
        )
        stale = [
            name
            for name, scen in loaded.scenarios.items()
            if name in recorded and recorded[name] != scen.content_hash
        ]
        missing = [name for name in recorded if name not in loaded.scenarios]
        if stale:
            assumed.warnings.append(
                f"{given}: strategies {', '.join(stale)} do not match the comparison (scenario "
                "hash differs from comparison.json; edited since?); the report's assumptions may "
                "differ from what was simulated"
            )
        if missing:
            assumed.warnings.append(
                f"{given} has no strategies {', '.join(missing)}, which the comparison holds"
            )
        return assumed
    _check_tiers(scenario, given, [str(t) for t in document.get("tiers", [])], "comparison")
    by_hash = {h: name for name, h in recorded.items()}
    name = by_hash.get(scenario.content_hash)
    assumed = _Assumed(
        given,
        scenario,
        f"strategy '{name}' (given with --scenario)" if name else "given with --scenario",
    )
    if name is None:
        assumed.warnings.append(
            f"{given} matches none of the compared strategies (its scenario hash is not in "
            "comparison.json); the report's assumptions may differ from what was simulated"
        )
    return assumed


# ============================================================================ sections


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _days(days: Sequence[int]) -> str:
    """``(0, 1, 2, 3, 4)`` → ``Mon–Fri``; ``(0, 2)`` → ``Mon, Wed``."""
    ordered = sorted(set(days))
    runs: list[list[int]] = []
    for d in ordered:
        if runs and d == runs[-1][-1] + 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{_WEEKDAYS[run[0]]}–{_WEEKDAYS[run[-1]]}")
        else:
            parts += [_WEEKDAYS[d] for d in run]
    return ", ".join(parts)


def _clock(hour: float) -> str:
    minutes = round(hour * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _general(s: Scenario) -> _Raw:
    if s.calendar is None:
        calendar = "24/7 (no calendar)"
    else:
        calendar = (
            f"{_days(s.calendar.working_days)}, {_clock(s.calendar.open_hour)}–"
            f"{_clock(s.calendar.close_hour)} (agents, pickers and dispatch)"
        )
    return _definition_list(
        [
            ("horizon", f"{_g(s.horizon_days)} days, of which {_g(s.warmup_days)} warm-up"),
            ("drain", f"{_g(s.drain_days)} days after the horizon (no new arrivals)"),
            ("replications", f"{s.replications} (the scenario's default)"),
            ("calendar", calendar),
        ]
    )


def _tiers_table(s: Scenario) -> _Raw:
    names = list(s.tiers)
    tiers = [s.tiers[n] for n in names]

    def pool(name: str) -> str:
        if not s.order_entry.enabled:
            return "—"
        tier = s.tiers[name]
        entered = any(s.channels[c].uses_order_entry and v > 0 for c, v in tier.channel_mix.items())
        if not entered:
            return "— (no calls)"
        chosen = s.pool_of(name)
        spec = s.order_entry.pools.get(chosen)
        if spec is not None and spec.discipline == "priority":
            return f"{chosen}, priority {tier.priority}"
        return f"{chosen}, fifo"

    def per_day(tier: Any) -> float:
        hourly = tier.hourly_profile or (1.0,) * 24
        weekly = tier.weekday_profile or (1.0,) * 7
        return float(tier.orders_per_hour * sum(hourly) * sum(weekly) / 7.0)

    def revenue_model(name: str) -> str:
        tier = s.tiers[name]
        if tier.revenue_response is not None:
            return f"{tier.revenue_response.get('model', 'custom')} (given)"
        profile = tier.revenue_profile or (name if name in ("A", "B", "C") else None)
        return f"default, profile {profile}" if profile else "—"

    rows: list[list[Cell]] = [
        ["customers", *[_num(t.customers) for t in tiers]],
        ["orders per hour (base rate)", *[_g(t.orders_per_hour) for t in tiers]],
        ["orders per calendar day (expected)", *[_num(per_day(t)) for t in tiers]],
        ["lines per order", *[_dist(t.lines_per_order, "") for t in tiers]],
        ["units per line", *[_dist(t.units_per_line, "") for t in tiers]],
        [
            "channels",
            *[", ".join(f"{c} {_pct(v, 0)}" for c, v in t.channel_mix.items()) for t in tiers],
        ],
    ]
    if s.inventory.enabled:
        rows.append(
            [
                "stock families",
                *[
                    ", ".join(f"{f} {_pct(v, 0)}" for f, v in (t.family_mix or {}).items())
                    for t in tiers
                ],
            ]
        )
    rows += [
        ["order-entry pool", *[pool(n) for n in names]],
        ["shipping mode", *[t.shipping_mode or "—" for t in tiers]],
        ["promised cycle time", *[f"{_g(t.promised_cycle_time_h)} h" for t in tiers]],
        ["revenue per order", *[f"{_num(t.revenue_per_order_usd)} USD" for t in tiers]],
        ["late penalty per order", *[f"{_num(t.late_penalty_usd_per_order)} USD" for t in tiers]],
        ["revenue response", *[revenue_model(n) for n in names]],
    ]
    targets = [t.targets.model_dump() for t in tiers]
    for key in Targets.model_fields:
        if any(target.get(key) is not None for target in targets):
            rows.append(
                [
                    f"target: {_metric_label(key)}",
                    *[f"≥ {_pct(t[key], 0)}" if t.get(key) is not None else "—" for t in targets],
                ]
            )
    return _join(
        [
            _tag("h3", "Customer tiers"),
            _table(["", *[_Col(f"tier {n}") for n in names]], rows, cls="tiers"),
            _tag(
                "p",
                "Orders per calendar day: base rate × hourly profile × weekday profile, "
                "averaged over the week.",
                "note",
            ),
        ]
    )


def _resources_table(s: Scenario) -> _Raw:
    rows: list[list[Cell]] = []
    if s.order_entry.enabled:
        oe = s.order_entry
        patience = _dist(oe.patience_s, "s") if oe.patience_s else "callers never hang up"
        for name, spec in oe.pools.items():
            served = [t for t in s.tiers if s.pool_of(t) == name]
            rows.append(
                [
                    f"agents, pool {name}",
                    _num(spec.agents),
                    f"{spec.discipline} queue for tiers {', '.join(served) or '—'}; handling "
                    f"{_dist(oe.handling_time_s, 's')}; patience {patience}; answer target "
                    f"{_g(oe.answer_target_s)} s",
                ]
            )
    if s.recovery.enabled and s.recovery.desk == "own_team":
        rows.append(["agents, recovery team", _num(s.recovery.own_team_agents), "complaints"])
    if s.picking.enabled:
        p = s.picking
        rows.append(
            [
                "pickers",
                _num(p.pickers),
                f"per order {_dist(p.time_per_order_min, 'min')}; per line "
                f"{_dist(p.time_per_line_min, 'min')}; error per line "
                f"{_pct(p.error_probability_per_line, 2)}",
            ]
        )
    if s.shipping.enabled:
        for name, mode in s.shipping.modes.items():
            if mode.kind == "fleet":
                rows.append(
                    [
                        f"vehicles, mode {name}",
                        _num(mode.vehicles),
                        f"own fleet, {mode.vehicle_capacity_orders} orders per vehicle per cut-off",
                    ]
                )
    if not rows:
        return _Raw("")
    return _join(
        [_tag("h3", "Resources"), _table(["resource", _Col("units", True), "details"], rows)]
    )


def _channels_table(s: Scenario) -> _Raw:
    rows: list[list[Cell]] = []
    for name, ch in s.channels.items():
        delay = ch.transmission_delay_h
        none = delay.dist == "deterministic" and not delay.mean
        rows.append(
            [
                name,
                "none" if none else _dist(delay, "h"),
                "yes" if ch.uses_order_entry else "no",
                _pct(ch.entry_error_probability, 2),
            ]
        )
    parts: list[object] = [
        _tag("h3", "Order channels and processing"),
        _table(
            ["channel", "transmission delay", "keyed in by an agent", _Col("entry error", True)],
            rows,
        ),
    ]
    if s.processing.enabled:
        parts.append(
            _tag(
                "p",
                "Processing (credit check, documents): "
                f"{_dist(s.processing.processing_time_h, 'h')}; billing error probability "
                f"{_pct(s.processing.billing_error_probability, 2)}.",
            )
        )
    return _join(parts)


def _shipping_table(s: Scenario) -> _Raw:
    if not s.shipping.enabled or not s.shipping.modes:
        return _tag("p", "Shipping: off.", "note")
    rows: list[list[Cell]] = []
    for name, mode in s.shipping.modes.items():
        users = [t for t, tier in s.tiers.items() if tier.shipping_mode == name]
        fleet = mode.kind == "fleet"
        rows.append(
            [
                name,
                "own fleet" if fleet else "carrier",
                ", ".join(users) or "—",
                ", ".join(_clock(h) for h in mode.cutoff_hours) or "—",
                f"{mode.vehicles} × {mode.vehicle_capacity_orders}" if fleet else "—",
                _dist(mode.transit_time_h, "h"),
                _pct(mode.damage_probability, 2),
                "—" if fleet else _num(mode.cost_usd_per_shipment),
            ]
        )
    return _sub(
        "Shipping modes",
        [
            "mode",
            "kind",
            "tiers",
            "cut-offs",
            _Col("vehicles × orders", True),
            "transit",
            _Col("damage", True),
            _Col("USD/shipment", True),
        ],
        rows,
    )


def _inventory_table(s: Scenario) -> _Raw:
    if not s.inventory.enabled or not s.inventory.families:
        return _tag("p", "Inventory: off (every line is in stock).", "note")
    rows: list[list[Cell]] = []
    for name, fam in s.inventory.families.items():
        p = fam.policy
        if p.kind == "sQ":
            policy = (
                f"(s, Q): s = {_num(p.reorder_point_units)}, Q = {_num(p.order_quantity_units)}"
            )
        elif p.kind == "base_stock":
            policy = f"base stock S = {_num(p.base_stock_units)}"
        else:
            policy = (
                f"order-up-to S = {_num(p.base_stock_units)} every {_g(p.review_period_days)} d"
            )
        rows.append(
            [
                name,
                policy,
                _dist(fam.lead_time_days, "d"),
                _num(fam.unit_value_usd, 2),
                _num(fam.replenishment_order_cost_usd),
            ]
        )
    return _sub(
        f"Inventory (a line short of stock: {s.inventory.shortage})",
        [
            "family",
            "policy (units)",
            "supplier lead time",
            _Col("unit value USD", True),
            _Col("USD per replenishment", True),
        ],
        rows,
    )


def _costs_table(s: Scenario) -> _Raw:
    c = s.costs
    factor = c.wage_loading_factor
    rows: list[list[Cell]] = [
        [
            "agent wage",
            _num(c.agent_wage_usd_per_h, 2),
            f"USD/h base ({_num(c.agent_wage_usd_per_h * factor, 2)} loaded)",
        ],
        [
            "picker wage",
            _num(c.picker_wage_usd_per_h, 2),
            f"USD/h base ({_num(c.picker_wage_usd_per_h * factor, 2)} loaded)",
        ],
        ["wage loading factor", _g(factor), "× base wage"],
        ["vehicle", _num(c.vehicle_usd_per_day), "USD/day per vehicle"],
        ["holding rate", _pct(c.holding_rate_per_year, 0), "of unit value per year"],
        ["expediting", _num(c.expediting_usd_per_shipment), "USD per extra shipment"],
    ]
    if s.recovery.enabled:
        rows.append(
            ["service recovery", _num(s.recovery.cost_usd_per_recovery), "USD per recovery"]
        )
    return _join([_tag("h3", "Cost rates"), _table(["item", _Col("value", True), "unit"], rows)])


def _recovery_text(s: Scenario) -> _Raw:
    r = s.recovery
    if not r.enabled:
        return _tag("p", "Service recovery: off.", "note")
    desk = "order-entry agents" if r.desk == "order_entry" else "own recovery team"
    return _tag(
        "p",
        f"Service recovery: an imperfect order raises a complaint with probability "
        f"{_pct(r.complaint_probability, 0)}; the {desk} handle it (priority {r.priority}, "
        f"{_dist(r.handling_time_min, 'min')}); it succeeds with probability "
        f"{_pct(r.success_probability, 0)} at {_num(r.cost_usd_per_recovery)} USD.",
    )


def _assumptions(scenario: Scenario) -> _Raw:
    s = scenario
    return _join(
        [
            _general(s),
            _tiers_table(s),
            _resources_table(s),
            _costs_table(s),
            _channels_table(s),
            _shipping_table(s),
            _inventory_table(s),
            _recovery_text(s),
        ]
    )


def _header(
    title: str,
    kind: ReportKind,
    source: Path,
    assumed: _Assumed,
    facts: Sequence[tuple[str, Cell]],
    results_file: Path,
    now: dt.datetime,
) -> _Raw:
    s = assumed.scenario
    items: list[tuple[str, Cell]] = [
        ("scenario", _Raw(f"<strong>{_e(s.name)}</strong>")),
        (
            "scenario file",
            _Raw(f"{_code(assumed.path)} <span class='note'>({_e(assumed.how)})</span>"),
        ),
        (
            "scenario hash",
            _Raw(f"{_code(s.content_hash[:12])} <span class='note'>{_e(s.content_hash)}</span>"),
        ),
        *facts,
        ("results", _Raw(f"{_code(source)} ({kind}), written {_e(_mtime(results_file))}")),
        (
            "report generated",
            f"{now.strftime('%Y-%m-%d %H:%M UTC')} by tierwise {_version()}",
        ),
    ]
    description = _tag("p", s.description, "lead") if s.description else ""
    warnings = [_box(w, "warn") for w in assumed.warnings]
    return _join(
        [
            _Raw(f"<header>\n<h1>{_e(title)}</h1>"),
            description,
            _definition_list(items),
            *warnings,
            _Raw("</header>"),
        ]
    )


def _toc(entries: Sequence[tuple[str, str]]) -> _Raw:
    links = "".join(f'<li><a href="#{a}">{_e(t)}</a></li>' for a, t in entries)
    return _Raw(f'<nav class="toc"><ol>{links}</ol></nav>')


def _definitions(extra: Mapping[str, tuple[str, str]] | None = None) -> _Raw:
    rows: list[list[Cell]] = []
    units = METRIC_UNITS
    for metric, unit in units.items():
        rows.append(
            [
                _code(metric),
                "%" if unit == "rate" else unit,
                METRIC_DEFINITIONS.get(metric, "(no definition recorded)"),
            ]
        )
    for metric, (unit, text) in (extra or {}).items():
        rows.append([_code(metric), unit, text])
    notes = _tag(
        "p",
        "Conventions: every rate is over the measurement window [warm-up, horizon) and shown as "
        "a percentage; differences of rates are in percentage points (pp). “± x” is the half-"
        "width of the 95% confidence interval (Student t over replications) unless a table "
        "says otherwise. Money is in USD per calendar day of the measurement window. "
        "System-wide: utilisation.<resource> = busy hours / staffed hours; cost.<item> = the "
        "line item in USD/day.",
        "note",
    )
    return _join([_table(["metric", "unit", "definition"], rows, cls="defs"), notes])


# ---------------------------------------------------------------------------- run sections


def _sweep_section(files: _RunFiles, scenario: Scenario) -> _Raw:
    parts: list[object] = []
    summary = files.summary or {}
    params = files.params()
    if summary:
        facts = [
            ("variants", f"{summary.get('variants', '?')} ({summary.get('runs', '?')} runs)"),
            (
                "runs simulated / from cache / failed",
                f"{summary.get('runs_executed', '?')} / {summary.get('runs_from_cache', '?')} / "
                f"{summary.get('runs_failed', '?')}",
            ),
            ("screened out (analytically)", str(summary.get("variants_screened_out", 0))),
            (
                "elapsed",
                f"{_g(summary.get('elapsed_s'))} s on {summary.get('workers', '?')} "
                f"worker(s), {summary.get('backend', '?')}",
            ),
        ]
        parts.append(_definition_list(facts))
    if params:
        rows: list[list[Cell]] = []
        for path, values in params.items():
            label = _resource_label(path)
            shown = ", ".join(_g(v) if isinstance(v, int | float) else str(v) for v in values)
            role = "swept" if len(values) > 1 else "fixed"
            if path in ("horizon_days", "warmup_days"):
                own = getattr(scenario, path)
                role = f"sweep setting (scenario: {_g(own)})"
            rows.append([label if label != path else _code(path), shown, role])
        parts.append(_table(["scenario field", "values", "role"], rows, caption="Sweep grid"))
    notes = [*summary.get("screening_notes", []), *summary.get("notes", [])]
    failures = summary.get("failures", [])
    if failures:
        notes.append(f"{len(failures)} run(s) failed; see sweep.summary.json")
    if notes:
        parts.append(_tag("ul", _join(_tag("li", n) for n in notes), "note"))
    if not parts:
        parts.append(_tag("p", "(sweep.summary.json and sweep.parquet are missing.)", "note"))
    return _join(parts)


def _optimum_table(files: _RunFiles) -> _Raw:
    frame = files.optimum
    if frame is None or frame.empty:
        return _tag("p", "(optimum.csv was not produced.)", "note")
    rows: list[list[Cell]] = []
    for _, r in frame.iterrows():
        smooth = r.get("smooth_service_level")
        edge = r.get("at_boundary")
        where = _pct(smooth) if _finite(smooth) else "—"
        if where != "—" and isinstance(edge, str) and edge:
            where += f" (at the {edge} end of the swept range)"
        rows.append(
            [
                _Raw(f"<strong>{_e(r['tier'])}</strong>"),
                _code(r.get("variant_id", "")),
                _pct(r.get("service_level")),
                _num(r.get("revenue_per_day_usd")),
                _num(r.get("cost_per_day_usd")),
                _num(r.get("profit_per_day_usd")),
                f"{_num(r.get('profit_per_day_usd_low'))} … "
                f"{_num(r.get('profit_per_day_usd_high'))}",
                where,
            ]
        )
    return _table(
        [
            "tier",
            "variant",
            _Col("service", True),
            _Col("revenue USD/day", True),
            _Col("cost USD/day", True),
            _Col("profit USD/day", True),
            _Col("profit 95% CI", True),
            _Col("MR = MC at", True, "where marginal revenue equals marginal cost"),
        ],
        rows,
        caption=f"Most profitable variant per tier by {files.metric()}, each tier on its own "
        "(before the plan shares resources between tiers); MR = MC: where the smoothed "
        "marginal revenue equals the marginal cost",
    )


def _plan_section(files: _RunFiles) -> _Raw:
    plan = files.plan
    if plan is None:
        return _tag("p", "(plan.json was not produced: the run stopped before the plan.)", "note")
    status = str(plan.get("status", "?"))
    has_plan = status in ("optimal", "feasible_not_proven")
    parts: list[object] = []
    gap = plan.get("mip_gap")
    solver_text = (
        f"{plan.get('solver', '?')} ({plan.get('solver_status', '?')}), "
        f"objective: {plan.get('objective', '?')}"
        + (f", MIP gap {_pct(gap, 2)}" if _finite(gap) else "")
        + (
            f", solved in {_g(round(float(plan['solve_time_s']), 3))} s"
            if _finite(plan.get("solve_time_s"))
            else ""
        )
    )
    parts.append(
        _box(
            _Raw(
                f"<strong>status: {_e(status)}</strong> — {_e(plan.get('message') or '')}"
                f"<br><span class='note'>solver: {_e(solver_text)}</span>"
            ),
            "ok" if status == "optimal" else ("warn" if has_plan else "alert"),
        )
    )
    if not has_plan:
        explanation = plan.get("explanation") or {}
        messages = explanation.get("messages", []) if isinstance(explanation, Mapping) else []
        violations = [v.get("message", str(v)) for v in plan.get("violations", []) or []]
        if messages or violations:
            parts.append(_tag("ul", _join(_tag("li", m) for m in [*messages, *violations])))
        return _join(parts)
    chosen: Mapping[str, Any] = plan.get("chosen", {}) or {}
    resources = list(plan.get("resource_units", {}) or {})
    rows: list[list[Cell]] = []
    for tier, option in chosen.items():
        revenue, cost = option.get("revenue_per_day_usd"), option.get("cost_per_day_usd")
        profit = float(revenue) - float(cost) if _finite(revenue) and _finite(cost) else None
        option_resources = option.get("resources", {}) or {}
        rows.append(
            [
                _Raw(f"<strong>{_e(tier)}</strong>"),
                _code(option.get("option_id", "")),
                _pct_ci(option.get("service_level"), option.get("service_half_width")),
                _num(option.get("orders_per_day")),
                *[_g(option_resources.get(r)) for r in resources],
                _num(cost),
                _num(revenue),
                _num(profit),
            ]
        )
    foot = [
        [
            "total",
            "",
            "",
            _num(plan.get("total_orders_per_day")),
            *["" for _ in resources],
            _num(plan.get("total_cost_per_day_usd")),
            _num(plan.get("total_revenue_per_day_usd")),
            _num(plan.get("total_profit_per_day_usd")),
        ]
    ]
    parts.append(
        _table(
            [
                "tier",
                "option",
                _Col(f"{_metric_label(files.metric())} ± 95% CI", True),
                _Col("orders/day", True),
                *[_Col(_resource_label(r), True, r) for r in resources],
                _Col("cost USD/day", True),
                _Col("revenue USD/day", True),
                _Col("profit USD/day", True),
            ],
            rows,
            foot=foot,
            caption="Chosen option per tier (service and cost as predicted from the sweep)",
        )
    )
    if resources:
        units = plan.get("resource_units", {})
        parts.append(
            _table(
                ["resource", _Col("units in the plan", True), "scenario field"],
                [[_resource_label(r), _num(units[r]), _code(r)] for r in resources],
                caption="Resources of the plan (a pooled resource is staffed at the largest "
                "level any tier's option needs)",
            )
        )
    binding = plan.get("binding_constraints") or []
    shadow = plan.get("shadow_prices") or {}
    if binding:
        parts.append(_tag("p", "Binding constraints: " + ", ".join(map(str, binding)) + "."))
    if shadow:
        parts.append(
            _table(
                ["constraint", _Col("shadow price (LP relaxation)", True)],
                [[str(k), _num(v, 2)] for k, v in shadow.items()],
            )
        )
    return _join(parts)


def _verification_section(files: _RunFiles) -> _Raw:
    frame = files.verification
    if frame is None:
        return _tag(
            "p", "(verification.csv was not produced: the run was made with --no-verify.)", "note"
        )
    if frame.empty:
        return _tag("p", "(no verification rounds: there was no plan to verify.)", "note")
    rows: list[list[Cell]] = []
    classes: list[str] = []
    for _, r in frame.iterrows():
        agrees = str(r.get("agrees")).lower() == "true"
        rows.append(
            [
                str(r.get("round")),
                _Raw(f"<strong>{_e(r.get('tier'))}</strong>"),
                _pct_ci(r.get("predicted_service"), r.get("predicted_half_width")),
                _pct_ci(r.get("simulated_service"), r.get("simulated_half_width")),
                _signed(float(r["difference"]) * 100, 1) + " pp"
                if _finite(r.get("difference"))
                else "—",
                _Raw('<span class="good">yes</span>' if agrees else '<span class="bad">no</span>'),
                _num(r.get("predicted_cost_per_day_usd")),
                f"{_num(r.get('simulated_cost_per_day_usd'))} ± "
                f"{_num(r.get('simulated_cost_half_width_usd'))}",
            ]
        )
        classes.append("" if agrees else "flag")
    last = frame[frame["round"] == frame["round"].max()] if "round" in frame.columns else frame
    converged = bool(last["agrees"].astype(str).str.lower().eq("true").all())
    rounds = frame["round"].nunique() if "round" in frame.columns else 1
    verdict = (
        f"Converged after {rounds} round(s): in the last round every tier's re-simulated service "
        "lies within the prediction's confidence interval."
        if converged
        else f"Not converged after {rounds} round(s): some tier's re-simulated service differs "
        "from the prediction beyond its confidence interval (shared resources interact); treat "
        "the plan's service levels with care."
    )
    return _join(
        [
            _box(verdict, "ok" if converged else "warn"),
            _table(
                [
                    _Col("round", True),
                    "tier",
                    _Col("predicted ± CI", True),
                    _Col("simulated ± CI", True),
                    _Col("difference", True, "simulated − predicted"),
                    "within CI",
                    _Col("cost predicted USD/day", True),
                    _Col("cost simulated USD/day", True),
                ],
                rows,
                row_classes=classes,
                caption="The plan re-simulated as a whole (all tiers sharing the plan's "
                "resources) vs the per-option predictions from the sweep",
            ),
        ]
    )


def _reproduce(files: _RunFiles, assumed: _Assumed) -> _Raw:
    overrides = files.plan_overrides
    if not overrides:
        return _Raw("")
    sets = " ".join(f"--set {k}={_short(v).replace(' ', '')}" for k, v in overrides.items())
    return _join(
        [
            _tag(
                "p",
                "The verified plan as scenario overrides (plan_scenario_overrides.json); to "
                "simulate it again:",
            ),
            _Raw(f"<pre>{_e(f'tierwise simulate {assumed.path} {sets}')}</pre>"),
        ]
    )


def _run_report(
    source: Path, given: Path | None, title: str | None, now: dt.datetime
) -> tuple[str, _Raw, _Assumed]:
    files = _RunFiles.read(source)
    assumed = _run_scenario(files, given)
    s = assumed.scenario
    heading = title or f"Tierwise report — {s.name}"
    replications = files.replications()
    seed = files.seed()
    sweep_params = files.params()
    horizon = sweep_params.get("horizon_days")
    facts: list[tuple[str, Cell]] = [
        ("seed", str(seed if seed is not None else s.seed)),
        (
            "replications",
            f"{replications} per sweep variant" if replications else f"{s.replications}",
        ),
    ]
    if horizon:
        warmup = sweep_params.get("warmup_days", [s.warmup_days])
        facts.append(
            (
                "sweep horizon",
                f"{_g(horizon[0])} d incl. {_g(warmup[0])} d warm-up (scenario: "
                f"{_g(s.horizon_days)} d)",
            )
        )
    facts.append(("service metric", _code(files.metric())))
    results_file = source / "plan.json"
    if not results_file.exists():
        results_file = source / "sweep.summary.json"
    header = _header(heading, "run", source, assumed, facts, results_file, now)
    toc = _toc(
        [
            ("assumptions", "Assumptions"),
            ("sweep", "Sweep"),
            ("curves", "Curves per tier"),
            ("plan", "Chosen plan"),
            ("verification", "Verification"),
            ("budget", "Profit vs budget"),
            ("definitions", "Metric definitions"),
        ]
    )
    body = _join(
        [
            header,
            toc,
            _section("assumptions", "Assumptions", _assumptions(s)),
            _section(
                "sweep",
                "Sweep",
                _tag(
                    "p",
                    "Resource levels simulated to build each tier's cost-versus-service "
                    "curve (variants × replications under common random numbers).",
                ),
                _sweep_section(files, s),
            ),
            _section(
                "curves",
                "Curves per tier",
                _figure(
                    source / "cost_vs_service.png",
                    "Cost versus service per tier: every variant with its 95% CIs; the "
                    "noise-aware frontier joined.",
                ),
                _figure(
                    source / "revenue_cost_profit.png",
                    "Revenue, cost and profit versus service per tier; the optimum marked.",
                ),
                _optimum_table(files),
            ),
            _section(
                "plan",
                "Chosen plan",
                _tag(
                    "p",
                    "One option per tier chosen together (MILP) so that shared resources are "
                    "counted once and the totals are the most profitable.",
                ),
                _plan_section(files),
                _reproduce(files, assumed),
            ),
            _section("verification", "Verification", _verification_section(files)),
            _section(
                "budget",
                "Profit vs budget",
                _figure(
                    source / "profit_vs_budget.png",
                    "Best plan profit for a budget ceiling (USD/day): where extra money "
                    "stops paying.",
                ),
            ),
            _section("definitions", "Metric definitions", _definitions()),
        ]
    )
    return heading, body, assumed


# ---------------------------------------------------------------------------- compare sections


def _flatten_diff(a: Any, b: Any, prefix: str = "") -> list[tuple[str, Any, Any]]:
    """Leaves where ``a`` and ``b`` differ; a key on one side only is one entry."""
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        out: list[tuple[str, Any, Any]] = []
        for key in dict.fromkeys([*a, *b]):
            path = f"{prefix}.{key}" if prefix else str(key)
            if key not in a:
                out.append((path, None, b[key]))
            elif key not in b:
                out.append((path, a[key], None))
            else:
                out += _flatten_diff(a[key], b[key], path)
        return out
    return [] if a == b else [(prefix, a, b)]


def _change(path: str, before: Any, after: Any) -> _Raw:
    """``path: 7 → 5``, ``path: added {...}``, ``path: removed``."""
    if after is None:
        return _Raw(f"{_code(path)} removed")
    if before is None:
        return _Raw(f"{_code(path)} added: {_e(_short(after))}")
    return _Raw(f"{_code(path)}: {_e(_short(before))} → {_e(_short(after))}")


def _strategies_section(document: Mapping[str, Any], assumed: _Assumed) -> _Raw:
    baseline = str(document.get("baseline", ""))
    base = assumed.strategies.get(baseline)
    base_dump = base.model_dump(mode="json") if base is not None else None
    rows: list[list[Cell]] = []
    for entry in document.get("strategies", []):
        name = str(entry.get("name", ""))
        changes: Cell = "—"
        scen = assumed.strategies.get(name)
        if name == baseline:
            changes = "(baseline)"
        elif scen is not None and base_dump is not None:
            diff = _flatten_diff(base_dump, scen.model_dump(mode="json"))
            if diff:
                changes = _join((_change(p, x, y) for p, x, y in diff[:8]), "<br>")
                if len(diff) > 8:
                    changes = _Raw(f"{changes}<br>… and {len(diff) - 8} more")
            else:
                changes = "same as the baseline"
        label = _Raw(f"<strong>{_e(name)}</strong>") if name == baseline else name
        rows.append(
            [
                label,
                str(entry.get("description", "")),
                changes,
                _code(str(entry.get("scenario_hash", ""))[:12]),
            ]
        )
    cols = ["strategy", "description"]
    cols.append("changes vs the baseline" if assumed.strategies else "changes")
    cols.append("scenario hash")
    table = _table(cols, rows, cls="strategies")
    if not assumed.strategies:
        return _join(
            [
                table,
                _tag(
                    "p",
                    "(Pass the strategy file with --scenario to list what each strategy changes.)",
                    "note",
                ),
            ]
        )
    return table


def _difference_cell(row: Mapping[str, Any]) -> _Raw:
    unit = str(row.get("unit", ""))
    mean, hw = row.get("difference"), row.get("difference_half_width")
    if not _finite(mean):
        return _Raw("—")
    scale = 100.0 if unit == "rate" else 1.0
    m = _float(mean) * scale
    h = _float(hw) * scale
    if m == 0 and (h == 0 or not math.isfinite(h)):
        return _Raw('<span class="muted">0 (identical)</span>')
    digits = _decimals(h if math.isfinite(h) and h > 0 else abs(m))
    text = _signed(m, digits)
    if math.isfinite(h):
        text += f" ± {_num(h, digits)}"
    p = row.get("p_value")
    tip = f"p = {_float(p):.3g}" if _finite(p) else ""
    if not row.get("significant"):
        return _tag("span", text, "ns", title=tip)
    verdict = str(row.get("verdict", ""))
    cls = {"better": "better", "worse": "worse"}.get(verdict, "sig")
    return _tag("span", f"{text} *", cls, title=tip)


def _differences_table(document: Mapping[str, Any]) -> _Raw:
    baseline = str(document.get("baseline", ""))
    names = [str(s.get("name")) for s in document.get("strategies", [])]
    others = [n for n in names if n != baseline]
    tiers = [str(t) for t in document.get("tiers", [])]
    metrics = [str(m) for m in document.get("metrics", [])]
    index: dict[tuple[str, str, str], Mapping[str, Any]] = {}
    for r in document.get("differences", []):
        index[(str(r.get("strategy")), str(r.get("scope")), str(r.get("metric")))] = r
    rows: list[list[Cell]] = []
    classes: list[str] = []
    for scope in (*tiers, TOTAL):
        first = True
        for metric in metrics:
            if metric == PROFIT:
                continue
            found = [index.get((s, scope, metric)) for s in others]
            present = [r for r in found if r is not None]
            if not present:
                continue
            unit = str(present[0].get("unit", METRIC_UNITS.get(metric, "")))
            rows.append(
                [
                    _Raw(f"<strong>{_e(scope)}</strong>") if first else "",
                    _metric_label(metric),
                    "pp" if unit == "rate" else unit,
                    _value(present[0].get("baseline_mean"), unit),
                    *(_Raw("—") if r is None else _difference_cell(r) for r in found),
                ]
            )
            classes.append("group-start" if first else "")
            first = False
    conf = document.get("confidence", 0.95)
    return _table(
        [
            "tier",
            "metric",
            "Δ unit",
            _Col(f"{baseline} (baseline)", True),
            *[_Col(f"Δ {n}", True) for n in others],
        ],
        rows,
        row_classes=classes,
        caption=_Raw(
            f"Difference to the baseline: strategy − baseline, mean ± {_e(_pct(conf, 0))} CI "
            f"half-width over {_e(document.get('replications', '?'))} paired replications; "
            '<span class="better">green *</span> significantly better, '
            '<span class="worse">red *</span> significantly worse, plain: not significant; '
            "rates in percentage points."
        ),
        cls="diffs",
    )


def _profit_table(document: Mapping[str, Any]) -> _Raw:
    baseline = str(document.get("baseline", ""))
    names = [str(s.get("name")) for s in document.get("strategies", [])]
    tiers = [str(t) for t in document.get("tiers", [])]
    best_doc: Mapping[str, Any] = document.get("best", {}) or {}
    mcb = {str(r.get("strategy")): r for r in best_doc.get("strategies", [])}
    index = {
        (str(r.get("strategy")), str(r.get("scope"))): r
        for r in document.get("differences", [])
        if r.get("metric") == PROFIT
    }
    rows: list[list[Cell]] = []
    classes: list[str] = []
    for name in names:
        cells: list[Cell] = []
        for scope in (*tiers, TOTAL):
            if name == baseline:
                any_row = next((r for (s, sc), r in index.items() if sc == scope), None)
                value = any_row.get("baseline_mean") if any_row else None
            else:
                row = index.get((name, scope))
                value = row.get("strategy_mean") if row else None
            cells.append(_num(value))
        total_row = index.get((name, TOTAL))
        if name == baseline:
            delta: Cell = "(baseline)"
            p_text = ""
        else:
            delta = _difference_cell(total_row) if total_row else "—"
            p = total_row.get("p_value") if total_row else None
            p_text = f"{_float(p):.3g}" if _finite(p) else ""
        m = mcb.get(name, {})
        interval = (
            f"[{_signed(m.get('gap_to_best_of_others_low'))}, "
            f"{_signed(m.get('gap_to_best_of_others_high'))}]"
            if m
            else "—"
        )
        candidate = bool(m.get("candidate")) if m else False
        label = _Raw(f"<strong>{_e(name)}</strong>") if name == best_doc.get("best") else name
        rows.append(
            [
                label,
                *cells,
                delta,
                p_text,
                interval,
                _Raw(
                    '<span class="good">yes</span>'
                    if candidate
                    else '<span class="muted">no</span>'
                ),
            ]
        )
        classes.append("best" if name == best_doc.get("best") else "")
    conf = _pct(document.get("confidence", 0.95), 0)
    return _table(
        [
            "strategy",
            *[_Col(f"tier {t}", True) for t in tiers],
            _Col("total", True),
            _Col("Δ total vs baseline", True),
            _Col("p", True, "two-sided paired t-test"),
            _Col("vs best of the others", True, "MCB interval for total profit − best other"),
            "can be best",
        ],
        rows,
        row_classes=classes,
        caption=f"Profit per day (USD/day = revenue − cost, mean over replications) and the "
        f"{conf} family-wise MCB interval for total profit − the best of the others",
    )


def _verdict(document: Mapping[str, Any]) -> _Raw:
    best: Mapping[str, Any] = document.get("best", {}) or {}
    verdict = str(best.get("verdict", "(no verdict recorded)"))
    decisive = bool(best.get("decisive"))
    return _join(
        [
            _box(
                _Raw(f"<strong>Best strategy:</strong> {_e(verdict)}"),
                "ok" if decisive else "warn",
            ),
            _definition_list(
                [
                    ("best-strategy method", str(best.get("method", "—"))),
                    ("difference method", str(document.get("method", "—"))),
                ],
                "meta method",
            ),
        ]
    )


def _compare_report(
    source: Path, given: Path | None, title: str | None, now: dt.datetime
) -> tuple[str, _Raw, _Assumed]:
    document = _read_json(source / "comparison.json")
    if not isinstance(document, dict) or "differences" not in document:
        raise ReportError(
            f"{source / 'comparison.json'} is not a comparison written by `tierwise compare`"
        )
    assumed = _compare_scenario(document, source, given)
    baseline = str(document.get("baseline", ""))
    name = assumed.strategy_set or assumed.scenario.name
    heading = title or f"Tierwise comparison — {name}"
    names = [str(s.get("name")) for s in document.get("strategies", [])]
    precision = document.get("precision")
    reps = f"{document.get('replications', '?')} paired per strategy (common random numbers)"
    if precision is not None:
        reached = "reached" if document.get("precision_reached") else "NOT reached"
        reps += f"; precision {precision} {reached}"
    facts: list[tuple[str, Cell]] = [
        ("seed", str(document.get("seed", assumed.scenario.seed))),
        ("replications", reps),
        ("strategies", f"{len(names)}: {', '.join(names)} (baseline {baseline})"),
    ]
    header = _header(heading, "compare", source, assumed, facts, source / "comparison.json", now)
    figures = sorted(source.glob("compare_*.png"), key=lambda p: (PROFIT in p.stem, p.stem))
    figure_parts = [
        _figure(
            f,
            f"{_metric_label(f.stem.removeprefix('compare_'))}: difference of each strategy to "
            "the baseline per tier, paired 95% CI (filled marker: significant)",
        )
        for f in figures
    ] or [_tag("p", "(no compare_*.png figures were found.)", "note")]
    toc = _toc(
        [
            ("assumptions", "Assumptions"),
            ("strategies", "Strategies"),
            ("differences", "Differences to the baseline"),
            ("best", "Profit and best strategy"),
            ("figures", "Figures"),
            ("definitions", "Metric definitions"),
        ]
    )
    body = _join(
        [
            header,
            toc,
            _section(
                "assumptions",
                "Assumptions",
                _tag(
                    "p",
                    f"The baseline strategy '{baseline}' as built from {assumed.path}; the "
                    "strategies below change it as listed."
                    if assumed.strategies
                    else f"The scenario in {assumed.path} ({assumed.how}).",
                ),
                _assumptions(assumed.scenario),
            ),
            _section("strategies", "Strategies", _strategies_section(document, assumed)),
            _section("differences", "Differences to the baseline", _differences_table(document)),
            _section(
                "best", "Profit and best strategy", _profit_table(document), _verdict(document)
            ),
            _section("figures", "Figures", *figure_parts),
            _section(
                "definitions",
                "Metric definitions",
                _definitions(
                    {
                        "MCB interval": (
                            "USD/day",
                            "multiple comparisons with the best: total profit of the strategy "
                            "− the best of the others; all intervals hold jointly at the "
                            "family-wise level",
                        )
                    }
                ),
            ),
        ]
    )
    return heading, body, assumed


# ============================================================================ page


_CSS = """
:root { --ink:#1f2328; --muted:#59636e; --line:#d8dee4; --head:#f3f5f7; --accent:#0b5cad;
  --good:#1a7f37; --bad:#c0242f; --warn:#8a5a00; }
* { box-sizing: border-box; }
html { background: #fff; }
body { margin: 0 auto; max-width: 1180px; padding: 32px 40px 80px; color: var(--ink);
  font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; }
h1 { font-size: 30px; line-height: 1.2; margin: 0 0 6px; letter-spacing: -0.01em; }
h2 { font-size: 22px; margin: 44px 0 12px; padding-bottom: 6px;
  border-bottom: 2px solid var(--line); }
h3 { font-size: 16px; margin: 26px 0 6px; }
p { margin: 8px 0; max-width: 80ch; }
.lead { font-size: 17px; color: var(--muted); margin: 0 0 14px; }
.note, .muted { color: var(--muted); font-size: 13px; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono",
  monospace; font-size: 12.5px; }
code { background: var(--head); padding: 1px 4px; border-radius: 3px; }
pre { background: var(--head); padding: 10px 12px; border-radius: 4px; white-space: pre-wrap;
  word-break: break-all; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 3px 18px; margin: 12px 0;
  font-size: 14px; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; }
dl.meta dd .note { margin-left: 6px; word-break: break-all; }
dl.method { font-size: 13px; }
dl.method dd { max-width: 95ch; }
nav.toc { margin: 18px 0 4px; padding: 10px 16px; background: var(--head); border-radius: 6px; }
nav.toc ol { margin: 0; padding-left: 20px; columns: 2; font-size: 14px; }
nav.toc a { color: var(--accent); text-decoration: none; }
.table-wrap { overflow-x: auto; margin: 10px 0 18px; }
table { border-collapse: collapse; font-size: 13.5px; }
caption { caption-side: top; text-align: left; color: var(--muted); font-size: 13px;
  padding: 0 0 6px; max-width: 110ch; }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: left;
  vertical-align: top; }
thead th { background: var(--head); border-bottom: 2px solid #b8c0c8; font-weight: 600;
  font-size: 12.5px; }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
tbody tr:nth-child(even) td { background: #fafbfc; }
tfoot td { font-weight: 700; border-top: 2px solid #b8c0c8; border-bottom: none; }
tr.flag td { background: #fff4e5 !important; }
tr.best td { background: #eef7ee !important; }
tr.group-start td { border-top: 2px solid #c5ccd3; }
table.compact td { font-size: 13px; }
table.defs td:first-child, table.defs td:nth-child(2) { white-space: nowrap; }
table.strategies td:nth-child(3) { font-size: 12.5px; }
.better, .good { color: var(--good); font-weight: 600; }
.worse, .bad { color: var(--bad); font-weight: 600; }
.sig { color: var(--warn); font-weight: 600; }
.ns { color: var(--ink); }
.box { border-left: 4px solid var(--accent); background: #eef5fc; padding: 10px 14px;
  margin: 12px 0; border-radius: 0 4px 4px 0; max-width: 110ch; }
.box-ok { border-color: var(--good); background: #eef7ee; }
.box-warn { border-color: #d4a72c; background: #fff8db; }
.box-alert { border-color: var(--bad); background: #fdecec; }
figure { margin: 16px 0 26px; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 4px; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 4px; }
footer { margin-top: 48px; color: var(--muted); font-size: 12.5px;
  border-top: 1px solid var(--line); padding-top: 10px; }
@media print {
  body { max-width: none; padding: 0 8mm; font-size: 11pt; }
  nav.toc { display: none; }
  h2 { break-after: avoid; }
  figure, tr, .box { break-inside: avoid; }
  .table-wrap { overflow: visible; }
}
"""


def _page(title: str, body: _Raw) -> str:
    footer = (
        "<footer>Generated by Tierwise. This file is self-contained: figures are embedded, "
        "no scripts, no external resources.</footer>"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="tierwise">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n"
        f"<body>\n{body}\n{footer}\n</body>\n</html>\n"
    )


def build_report(
    source: str | Path,
    scenario: str | Path | None = None,
    title: str | None = None,
    now: dt.datetime | None = None,
) -> Report:
    """Read a ``tierwise run`` or ``tierwise compare`` output directory and render the report.

    Parameters
    ----------
    source : str or Path
        The output directory; its kind is detected from the files in it (:func:`detect_kind`).
    scenario : str or Path, optional
        Scenario YAML whose assumptions are shown. For a run directory it defaults to the file
        the run recorded (``sweep.summary.json``) when that file is still found and still
        reproduces the recorded scenario hash. For a compare directory it is required (the
        comparison does not record its files): the strategy file, or one scenario file.
    title : str, optional
        Page title (default: ``Tierwise report — <scenario name>``).
    now : datetime, optional
        Generation time shown in the report (default: now, UTC).

    Returns
    -------
    Report
        The HTML document and any warnings (e.g. a scenario that no longer matches the
        results; the report shows them too).

    Raises
    ------
    ReportError
        Not a run/compare directory, unreadable files, a missing or invalid scenario.
    """
    path = Path(source)
    kind = detect_kind(path)
    given = Path(scenario) if scenario is not None else None
    moment = now or dt.datetime.now(dt.UTC)
    if kind == "run":
        heading, body, assumed = _run_report(path, given, title, moment)
    else:
        heading, body, assumed = _compare_report(path, given, title, moment)
    return Report(
        kind=kind,
        title=heading,
        html=_page(heading, body),
        source=path,
        scenario_path=assumed.path,
        warnings=tuple(assumed.warnings),
    )


def write_report(report: Report, out: str | Path) -> Path:
    """Write ``report.html`` to ``out`` atomically (temp file + rename); folders are created.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    OSError
        When the file cannot be written.
    """
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(report.html)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
