"""A plan's decisions in plain words, with what changes against the scenario as given.

A decision is a scenario field (its dotted path) and the value a plan gives it. The words are
what a planner would say: ``"express pickups at 13:00 and 17:30"``, ``"9 desk agents"``,
``"6 vehicles in the regional fleet"``, ``"3,000 units of slow stock kept back from C"``. Given
the scenario's own values (``base_values``), a decision that differs from them is flagged as a
change: ``"express pickups at 17:30 (was 17:00)"``; one that keeps them is said plainly.

:func:`plan_in_words` says a whole plan, tier by tier: every tier's own levers
(``tiers.<t>.…``) and the shared levers once (a plan takes every tier's option from one
shared-lever configuration, so staffing, fleets, cut-offs and stock levels are the same for
all tiers). The CLI, ``plan.json``, the report and the notebooks use these functions; nothing
here reads files or prints.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tierwise.common.formatting import compact
from tierwise.optimization.planning.options import RUN_LENGTH_FIELDS

__all__ = [
    "IN_WORDS_KEY",
    "PlanInWords",
    "decision_phrase",
    "decisions_in_words",
    "is_decision",
    "parameter_name",
    "plan_in_words",
    "same_value",
    "value_in_words",
]

_PARAM_PREFIX = "param."

#: Key of ``plan.json`` holding the plan in words (:meth:`PlanInWords.to_dict`).
IN_WORDS_KEY = "in_words"


def _words(name: str) -> str:
    return name.replace("_", " ")


def _clock(value: Any) -> str:
    """``16`` → ``16:00``, ``17.5`` → ``17:30`` (hours of the day)."""
    try:
        hours = float(value)
    except (TypeError, ValueError):
        return str(value)
    whole = int(hours)
    minutes = round((hours - whole) * 60)
    if minutes == 60:
        whole, minutes = whole + 1, 0
    return f"{whole:02d}:{minutes:02d}"


def _times(value: Any) -> str:
    values = value if isinstance(value, list | tuple) else [value]
    return " and ".join(_clock(v) for v in values)


def _count(value: Any, shown: str, noun: str) -> str:
    """``1 picker`` / ``11 pickers`` (``noun`` is the plural)."""
    return f"{shown} {noun[:-1] if value == 1 else noun}"


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return compact(value) if isinstance(value, int | float) else str(value)


def is_decision(path: str) -> bool:
    """Whether ``path`` (``param.`` prefix allowed) is a decision, not a simulation setting
    (:data:`~tierwise.optimization.planning.options.RUN_LENGTH_FIELDS`)."""
    return path.removeprefix(_PARAM_PREFIX) not in RUN_LENGTH_FIELDS


def parameter_name(column: str) -> str:
    """Short name of a parameter column: its last two path parts, ``_`` as a space.

    ``"param.order_entry.pools.desk.agents"`` → ``"desk agents"``,
    ``"param.shipping.modes.regional.vehicles"`` → ``"regional vehicles"``. A second-to-last
    part that only repeats the stem of the last is dropped: ``"param.picking.pickers"`` →
    ``"pickers"``.
    """
    parts = column.removeprefix(_PARAM_PREFIX).split(".")
    tail = parts[-2:]
    if len(tail) == 2 and tail[0][:4].lower() == tail[1][:4].lower():
        tail = tail[1:]
    return " ".join(tail).replace("_", " ")


def value_in_words(path: str, value: Any) -> str:
    """A lever's value alone, as its phrase says it: ``"13:00 and 17:30"`` for cut-off hours,
    ``"express"`` for a shipping mode, ``"3,000"`` for a number (``(was …)``, tables)."""
    parts = path.removeprefix(_PARAM_PREFIX).split(".")
    match parts:
        case ["shipping", "modes", _, "cutoff_hours"]:
            return _times(value)
        case ["tiers", _, "shipping_mode"] | ["tiers", _, "order_entry_pool"]:
            return _words(str(value))
    return _shown(value)


def decision_phrase(path: str, value: Any, was: Any = None) -> str:
    """One decision in plain words.

    Parameters
    ----------
    path : str
        Dotted scenario field (``param.`` prefix allowed), e.g. ``"picking.pickers"``.
    value : Any
        Its value in the plan.
    was : Any, optional
        The scenario's own value; when given and different, the phrase ends with
        ``" (was …)"``.

    Returns
    -------
    str
        ``"7 desk agents"``, ``"11 pickers"``, ``"6 vehicles in the regional fleet"``,
        ``"express shipping"``, ``"express pickups at 13:00 and 17:30"``, ``"3,000 units of
        slow stock kept back from C"``, ``"reorder point 120 (fast stock)"``; any other field
        as ``"<last two parts> <value>"``.
    """
    parts = path.removeprefix(_PARAM_PREFIX).split(".")
    phrase = _phrase(parts, value)
    if was is not None and not same_value(value, was):
        phrase += f" (was {value_in_words(path, was)})"
    return phrase


def _phrase(parts: list[str], value: Any) -> str:
    shown = _shown(value)
    match parts:
        case ["order_entry", "pools", pool, "agents"]:
            if pool == "desk":
                return _count(value, shown, "desk agents")
            return f"{_count(value, shown, 'agents')} at {_words(pool)}"
        case ["picking", "pickers"]:
            return _count(value, shown, "pickers")
        case ["shipping", "modes", mode, "vehicles"]:
            return f"{_count(value, shown, 'vehicles')} in the {_words(mode)} fleet"
        case ["shipping", "modes", mode, "cutoff_hours"]:
            many = isinstance(value, list | tuple) and len(value) > 1
            return f"{_words(mode)} pickup{'s' if many else ''} at {_times(value)}"
        case ["tiers", _, "shipping_mode"]:
            return f"{_words(str(value))} shipping"
        case ["tiers", _, "order_entry_pool"]:
            return f"calls taken at {_words(str(value))}"
        case ["tiers", _, "priority"]:
            return f"desk priority {shown}" + (" (answered first)" if value == 0 else "")
        case ["recovery", "own_team_agents"]:
            return _count(value, shown, "recovery agents")
        case ["recovery", "desk"]:
            return f"complaints handled by the {_words(str(value))} desk"
        case ["inventory", "families", family, "reserve_units", tier]:
            if value == 0:
                return f"no {_words(family)} stock kept back from {tier}"
            return f"{shown} units of {_words(family)} stock kept back from {tier}"
        case ["inventory", "families", family, *rest] if rest:
            return f"{_words(rest[-1])} {shown} ({_words(family)} stock)"
    return f"{parameter_name('.'.join(parts))} {shown}"


def same_value(a: Any, b: Any) -> bool:
    """Whether two lever values are the same decision (``10 == 10.0``, lists item by item)."""
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, int | float) and isinstance(b, int | float):
        return float(a) == float(b)
    return a == b


def decisions_in_words(
    params: Mapping[str, Any], base_values: Mapping[str, Any] | None = None
) -> str:
    """Decisions (a plan's, or a variant's) in words, simulation settings left out.

    ``{"order_entry.pools.desk.agents": 7, "picking.pickers": 11, "horizon_days": 10}`` →
    ``"7 desk agents, 11 pickers"``; ``""`` when there is no decision. With ``base_values``
    (path → the scenario's own value) a changed decision ends with ``(was …)``.
    """
    base = base_values or {}
    return ", ".join(
        decision_phrase(path, value, base.get(path.removeprefix(_PARAM_PREFIX)))
        for path, value in params.items()
        if is_decision(path) and value is not None
    )


@dataclass(frozen=True)
class PlanInWords:
    """A plan's decisions in words.

    Attributes
    ----------
    tiers : Mapping[str, str]
        Each tier's own levers (``tiers.<t>.…``) in words (``""``: none decided).
    shared : str
        The shared levers (staffing, fleets, cut-offs, stock levels) in words, once.
    changes : Mapping[str, Any]
        Every decision that differs from the scenario as given: path → the plan's value.
    """

    tiers: Mapping[str, str]
    shared: str
    changes: Mapping[str, Any]

    def lines(self) -> list[str]:
        """``"Tier A: express shipping"`` per tier (``"as the scenario gives it"`` when it
        decides nothing of its own), then ``"All tiers: 9 desk agents, …"``."""
        out = [f"Tier {t}: {said or 'as the scenario gives it'}" for t, said in self.tiers.items()]
        if self.shared:
            out.append(f"All tiers: {self.shared}")
        return out

    def of_tier(self, tier: str) -> str:
        """Everything ``tier`` gets: its own levers, then the shared ones."""
        return ", ".join(part for part in (self.tiers.get(tier, ""), self.shared) if part)

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def to_dict(self) -> dict[str, Any]:
        """JSON-able: ``tiers`` (own levers), ``shared``, ``by_tier`` (:meth:`of_tier`),
        ``changes`` and ``lines``."""
        return {
            "tiers": dict(self.tiers),
            "shared": self.shared,
            "by_tier": {t: self.of_tier(t) for t in self.tiers},
            "changes": dict(self.changes),
            "lines": self.lines(),
        }


def plan_in_words(
    chosen: Mapping[str, Mapping[str, Any]], base_values: Mapping[str, Any] | None = None
) -> PlanInWords:
    """A plan, tier by tier, in words.

    Parameters
    ----------
    chosen : mapping
        ``tier → its chosen option's params`` (dotted path → value; simulation settings are
        left out). Tier ``t``'s own levers are its ``tiers.<t>.…`` paths; the shared levers
        are taken from the first tier's option (one configuration serves every tier).
    base_values : mapping, optional
        The scenario's own value of each lever; changed decisions are flagged ``(was …)``
        and listed in :attr:`PlanInWords.changes`.
    """
    base = {k.removeprefix(_PARAM_PREFIX): v for k, v in (base_values or {}).items()}
    own: dict[str, dict[str, Any]] = {}
    shared: dict[str, Any] = {}
    for tier, params in chosen.items():
        prefix = f"tiers.{tier}."
        plain = {k.removeprefix(_PARAM_PREFIX): v for k, v in params.items() if is_decision(k)}
        own[tier] = {k: v for k, v in plain.items() if k.startswith(prefix)}
        for path, value in plain.items():
            if not path.startswith("tiers."):
                shared.setdefault(path, value)
    changes = {
        path: value
        for decisions in (*own.values(), shared)
        for path, value in decisions.items()
        if path in base and base[path] is not None and not same_value(value, base[path])
    }
    return PlanInWords(
        tiers={t: decisions_in_words(d, base) for t, d in own.items()},
        shared=decisions_in_words(shared, base),
        changes=changes,
    )
