"""Writing a calibrated scenario: YAML whose every calibrated value says where it came from.

The scenario starts from a template (the bundled ``default`` unless told otherwise): its
calendar, channels, order entry, processing, inventory, picking, shipping, recovery and costs,
and per tier its priority, pool, shipping mode, promise, targets and late penalty (a tier the
template lacks takes its last tier's). The demand of each tier is the calibration's
(:mod:`tierwise.history.calibrate`); with retention measured, the tier's revenue response is
the measured ``retention`` response (:mod:`tierwise.history.retention`), else the default
response of its profile. What the history lacks (channels, families) stays the template's, and
the comment says so. Resources that carry the demand are resized to the new demand at the
template's utilisation: agents per pool, pickers and fleet vehicles become
``ceil(template servers × new offered load / template offered load)`` (at least 1, offered
loads of :func:`tierwise.simulation.theory.loads.offered_loads`), and each stock family's
policy quantities scale with its daily units. The text is validated as a scenario before it is
written (atomically, :func:`tierwise.common.atomic.write_text`).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tierwise.common.atomic import write_text
from tierwise.history.calibrate import DemandCalibration, TierDemand
from tierwise.history.fitting import FittedDistribution
from tierwise.history.retention import TierRetention, retention_response
from tierwise.optimization.economics.tiers import expected_orders_per_day
from tierwise.simulation.scenario.errors import ScenarioError
from tierwise.simulation.scenario.library import resolve_scenario_path
from tierwise.simulation.scenario.loading import scenario_from_dict
from tierwise.simulation.scenario.schema import Scenario
from tierwise.simulation.scenario.yaml_input import read_yaml
from tierwise.simulation.theory.loads import offered_loads

__all__ = ["Note", "build_scenario", "scenario_yaml", "write_scenario"]

#: Tier fields that are demand (calibrated); every other tier field comes from the template.
DEMAND_FIELDS = (
    "customers",
    "orders_per_hour",
    "hourly_profile",
    "weekday_profile",
    "lines_per_order",
    "units_per_line",
    "channel_mix",
    "family_mix",
    "revenue_per_order_usd",
    "revenue_profile",
    "revenue_response",
)
_DEFAULT_SERVICE = 0.9


@dataclass(frozen=True)
class Note:
    """A value with the comment written beside it (above it, for a block mapping)."""

    value: Any
    comment: str


def _native(value: Any) -> Any:
    """``value`` with numpy scalars as Python numbers (what YAML can write)."""
    if isinstance(value, Mapping):
        return {k: _native(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_native(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()
    return value


def _flow(value: Any) -> str:
    text = yaml.safe_dump(_native(value), default_flow_style=True, sort_keys=False, width=10**6)
    return text.strip().removesuffix("...").strip()


def _is_block(value: Any) -> bool:
    return isinstance(value, Mapping) and any(
        isinstance(v, Mapping | Note) or (isinstance(v, list) and len(v) > 8)
        for v in value.values()
    )


def scenario_yaml(tree: Mapping[str, Any], indent: int = 0) -> str:
    """YAML text of ``tree``; :class:`Note` values carry their comment. Mappings of plain
    values are written in flow style on one line, others as blocks."""
    pad = " " * indent
    lines: list[str] = []
    for key, item in tree.items():
        comment = ""
        if isinstance(item, Note):
            item, comment = item.value, item.comment
        if _is_block(item):
            lines += [f"{pad}# {part}" for part in comment.splitlines()] if comment else []
            lines.append(f"{pad}{key}:")
            lines.append(scenario_yaml(item, indent + 2).rstrip("\n"))
        else:
            tail = f"  # {comment}" if comment else ""
            lines.append(f"{pad}{key}: {_flow(item)}{tail}")
    return "\n".join(lines) + "\n"


def _plain(tree: Any) -> Any:
    """``tree`` without its notes."""
    if isinstance(tree, Note):
        return _plain(tree.value)
    if isinstance(tree, Mapping):
        return {k: _plain(v) for k, v in tree.items()}
    return tree


def _sig(value: float, digits: int = 4) -> float:
    if value == 0 or not math.isfinite(value):
        return float(value)
    return float(f"{value:.{digits}g}")


def _ci(mean: float, se: float, digits: int = 4) -> str:
    if not math.isfinite(se):
        return ""
    return f" (95 % CI {_sig(mean - 1.96 * se, digits):g} – {_sig(mean + 1.96 * se, digits):g})"


def _distribution(fit: FittedDistribution) -> Note:
    dump = fit.distribution.model_dump(exclude_none=True)
    spread = ""
    if math.isfinite(fit.mean_se) and fit.family not in ("empirical", "deterministic"):
        spread = f"; mean ± {1.96 * fit.mean_se:.3g}"
        if math.isfinite(fit.cv_se):
            spread += f", cv ± {1.96 * fit.cv_se:.3g} (95 %)"
    return Note(dump, fit.note + spread)


def _tier_block(
    name: str,
    demand: TierDemand,
    template_tier: Mapping[str, Any],
    template_name: str,
    borrowed_from: str,
    retention: TierRetention | None,
    span_days: float,
    source: str,
) -> dict[str, Any]:
    hours = span_days * 24
    block: dict[str, Any] = {
        "customers": Note(demand.customers, f"distinct customers of tier {name} in {source}"),
        "orders_per_hour": Note(
            _sig(demand.orders_per_hour),
            f"{demand.orders} orders in {span_days:g} days ({hours:g} h), per hour averaged "
            f"over the week{_ci(demand.orders_per_hour, demand.orders_per_hour_se)}; "
            "the profiles below (mean 1) shape it",
        ),
        "hourly_profile": Note(
            [round(v, 3) for v in demand.hourly_profile],
            f"24 × share of the tier's orders in each hour of the day, from {source}",
        ),
    }
    if demand.weekday_profile is not None:
        block["weekday_profile"] = Note(
            [round(v, 3) for v in demand.weekday_profile],
            "orders per Monday … Sunday date of the history / their mean",
        )
    else:
        block["weekday_profile"] = Note(
            None, "flat: the history is too short for a weekday profile (< 2 of each weekday)"
        )
    block["lines_per_order"] = _distribution(demand.lines_per_order)
    block["units_per_line"] = _distribution(demand.units_per_line)
    if demand.channel_mix is not None:
        block["channel_mix"] = Note(demand.channel_mix, f"share of orders by channel, {source}")
    else:
        block["channel_mix"] = Note(
            template_tier.get("channel_mix", {"phone": 1.0}),
            f"the history has no channel column: tier {borrowed_from} of {template_name}",
        )
    if demand.family_mix is not None:
        block["family_mix"] = Note(demand.family_mix, f"share of lines by family, {source}")
    elif "family_mix" in template_tier:
        block["family_mix"] = Note(
            template_tier["family_mix"],
            f"the history has no family column: tier {borrowed_from} of {template_name}",
        )
    mean_profit = demand.revenue_per_order_usd
    where = f"mean profit per order{_ci(mean_profit, demand.revenue_per_order_se)}"
    block["revenue_per_order_usd"] = Note(
        round(max(mean_profit, 0.0), 2),
        f"{where}, the contribution a revenue response prices"
        if mean_profit >= 0
        else f"{where} is a loss: set to 0 (give the tier a revenue_response to plan it)",
    )
    profile = name if name in ("A", "B", "C") else "C"
    if profile != name:
        block["revenue_profile"] = Note(profile, "no default profile for this name: C's")
    for key, value in template_tier.items():
        if key not in DEMAND_FIELDS:
            block[key] = Note(value, f"tier {borrowed_from} of {template_name}")
    if retention is not None and demand.revenue_per_order_usd > 0:
        target = (template_tier.get("targets") or {}).get("perfect_order_rate")
        service = float(target) if target else _DEFAULT_SERVICE
        response, note = retention_response(
            retention, profile, demand.revenue_per_order_usd, demand.orders_per_day, service
        )
        block["revenue_response"] = Note(response, note)
    return block


def _ratio(new: float, old: float) -> float:
    return new / old if old > 0 else 1.0


def _family_units_per_day(scenario: Scenario) -> dict[str, float]:
    units: dict[str, float] = {}
    for name, tier in scenario.tiers.items():
        per_order = tier.lines_per_order.expected_value * tier.units_per_line.expected_value
        for family, share in (tier.family_mix or {}).items():
            units[family] = units.get(family, 0.0) + (
                expected_orders_per_day(scenario, name) * per_order * share
            )
    return units


def _resize(tree: dict[str, Any], template: Scenario, template_name: str) -> None:
    """Resize agents, pickers, vehicles and stock policies to the calibrated demand."""
    draft = scenario_from_dict(_plain(tree), "calibrated scenario")
    old = {q.resource: q for q in offered_loads(template)}
    for q in offered_loads(draft):
        before = old.get(q.resource)
        if before is None or before.offered_load <= 0:
            continue
        servers = max(1, math.ceil(before.servers * q.offered_load / before.offered_load))
        note = (
            f"resized to the calibrated demand: {template_name}'s {before.servers} at offered "
            f"load {before.offered_load:.3g}, here {q.offered_load:.3g} (same utilisation or less)"
        )
        kind, _, name = q.resource.partition(".")
        if kind == "agents":
            tree["order_entry"]["pools"][name]["agents"] = Note(servers, note)
        elif kind == "pickers":
            tree["picking"]["pickers"] = Note(servers, note)
        elif kind == "vehicles":
            tree["shipping"]["modes"][name]["vehicles"] = Note(servers, note)
    if not draft.inventory.enabled:
        return
    old_units = _family_units_per_day(template)
    for family, units in _family_units_per_day(draft).items():
        families = tree["inventory"]["families"]
        base = old_units.get(family, 0.0)
        if family not in families or base <= 0:
            continue
        ratio = _ratio(units, base)
        policy = dict(_plain(families[family]["policy"]))
        for key in ("reorder_point_units", "order_quantity_units", "base_stock_units"):
            if key in policy:
                policy[key] = max(
                    1 if key != "reorder_point_units" else 0, round(policy[key] * ratio)
                )
        families[family]["policy"] = Note(
            policy,
            f"{template_name}'s policy × {ratio:.3g} (calibrated {units:,.0f} units/day against "
            f"{base:,.0f})",
        )
        if "initial_units" in families[family]:
            families[family]["initial_units"] = round(
                _plain(families[family]["initial_units"]) * ratio
            )


def build_scenario(
    calibration: DemandCalibration,
    retention: Mapping[str, TierRetention] | None,
    source: str,
    template: str | Path = "default",
    name: str | None = None,
) -> tuple[str, Scenario]:
    """The calibrated scenario as commented YAML text, and validated.

    Parameters
    ----------
    calibration : DemandCalibration
        Demand per tier.
    retention : mapping or None
        Measured retention per tier (None: default revenue responses).
    source : str
        Name of the history (for comments and the description).
    template : str or Path
        Scenario file or bundled name giving the non-demand sections (default ``default``).
    name : str, optional
        Scenario name (default ``from-<source stem>``).

    Returns
    -------
    str, Scenario
        The YAML text and the scenario it loads as.

    Raises
    ------
    ScenarioError
        The template is missing or invalid.
    """
    path = resolve_scenario_path(template) or Path(template)
    raw = read_yaml(path)
    template_scenario = scenario_from_dict(raw, str(path))
    template_name = f"the template {path.stem}"
    tree: dict[str, Any] = {}
    stem = source.split(".")[0]
    tree["name"] = name or f"from-{stem}"
    tree["description"] = (
        f"Demand calibrated from {source} ({sum(t.orders for t in calibration.tiers.values())} "
        f"orders, {calibration.span_days:g} days) by tierwise tiers; other sections from "
        f"{path.stem}."
    )
    for key, value in raw.items():
        # the template's levers (decisions) name its own tiers and stock: the planner declares
        # the calibrated scenario's levers; without them the main job uses theory's defaults
        if key not in ("name", "description", "decisions"):
            tree[key] = copy.deepcopy(value)  # the tiers are replaced below, in this place
    template_tiers: dict[str, Any] = raw["tiers"]
    last = list(template_tiers)[-1]
    tiers: dict[str, Any] = {}
    for tier_name, demand in calibration.tiers.items():
        borrowed = tier_name if tier_name in template_tiers else last
        tiers[tier_name] = _tier_block(
            tier_name,
            demand,
            template_tiers[borrowed],
            template_name,
            borrowed,
            None if retention is None else retention.get(tier_name),
            calibration.span_days,
            source,
        )
    tree["tiers"] = tiers
    channels = dict(tree.get("channels") or {})
    for block in tiers.values():
        for channel in _plain(block["channel_mix"]):
            if channel not in channels:
                channels[channel] = Note(
                    {}, "in the history, not in the template: keyed in by an agent, no delay"
                )
    tree["channels"] = channels
    inventory = tree.get("inventory")
    if isinstance(inventory, dict) and inventory.get("families"):
        families = inventory["families"]
        first = next(iter(families))
        for block in tiers.values():
            for family in _plain(block.get("family_mix")) or {}:
                if family not in families:
                    families[family] = Note(
                        copy.deepcopy(families[first]),
                        f"in the history, not in the template: {first}'s settings (set its "
                        "lead time and unit value)",
                    )
    _resize(tree, template_scenario, path.stem)
    header = (
        f"# Calibrated by `tierwise tiers` from {source}: each tier's demand (rates, profiles,\n"
        f"# lines, units, mixes, revenue per order, retention) from the history, the rest from\n"
        f"# {path.stem} ({path.name}). Comments say where each value came from.\n"
    )
    text = header + scenario_yaml(tree)
    scenario = scenario_from_dict(yaml.safe_load(text), "calibrated scenario")
    return text, scenario


def write_scenario(path: str | Path, text: str) -> Path:
    """Write the scenario text atomically; return the path."""
    try:
        return write_text(path, text)
    except OSError as exc:
        raise ScenarioError([f"cannot write {path}: {exc.strerror or exc}"], str(path)) from None
