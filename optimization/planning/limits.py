"""What limits a target no simulated option reaches: the best option and each lever's effect.

For a tier whose target on the plan's service metric lies above every one of its options,
:func:`target_limit` says how far the best option falls short, what that option decides (in
words, changes against the scenario flagged), and how each lever moves the tier's service over
its options (:func:`lever_service_effects`: a main effect, the mean service at each of the
lever's values; the largest spread names the limiting lever). A numeric lever whose value in
the best option sits at the edge of its simulated range, where service is highest on average
and the effect exceeds the options' noise, is flagged: service may rise beyond the range.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from tierwise.common.formatting import pct
from tierwise.optimization.milp.problem import PlanProblem, TierOption
from tierwise.optimization.planning.words import (
    decision_phrase,
    decisions_in_words,
    is_decision,
    parameter_name,
    same_value,
    value_in_words,
)
from tierwise.simulation.metrics import METRICS

__all__ = [
    "LeverServiceEffect",
    "TargetLimit",
    "lever_service_effects",
    "metric_words",
    "target_limit",
]


def metric_words(metric: str) -> str:
    """The registry label of ``metric`` in lower case (``"perfect order rate"``)."""
    found = METRICS.get(metric)
    return found.label.lower() if found is not None else metric.replace("_", " ")


@dataclass(frozen=True)
class LeverServiceEffect:
    """How one lever moves a tier's service over the tier's options (a main effect).

    Attributes
    ----------
    path : str
        The lever's scenario field.
    mean_service : tuple of (value, float)
        Each value the options took, with the mean service of the options at that value, in
        the order of the values (numbers ascending).
    best_value : Any
        The lever's value in the tier's best option.
    edge : {"highest", "lowest"} or None
        Where ``best_value`` sits in the simulated range of a numeric lever when service is
        highest there on average (so it may rise beyond the range) and the lever's spread
        exceeds the noise (the mean service half-width of the tier's options); ``None``:
        inside the range, not a number, service higher elsewhere, or an effect within noise.
    """

    path: str
    mean_service: tuple[tuple[Any, float], ...]
    best_value: Any
    edge: Literal["highest", "lowest"] | None = None

    @property
    def spread(self) -> float:
        """Highest minus lowest mean service over the values (fraction)."""
        means = [m for _, m in self.mean_service]
        return max(means) - min(means)

    def in_words(self) -> str:
        """``"express cut-off hours: 82.3% at 17:00, 86.8% at 13:00 and 17:30"``."""
        shown = ", ".join(
            f"{pct(m)} at {value_in_words(self.path, v)}" for v, m in self.mean_service
        )
        return f"{parameter_name(self.path)}: {shown}"


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _numeric(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _own_or_shared(path: str, tier: str) -> bool:
    return is_decision(path) and (
        not path.startswith("tiers.") or path.startswith(f"tiers.{tier}.")
    )


def lever_service_effects(problem: PlanProblem, tier: str) -> list[LeverServiceEffect]:
    """Each lever's main effect on ``tier``'s service over its options, largest spread first.

    A lever is a ``params`` path of the tier's options (the tier's own levers and the shared
    ones; simulation settings left out) with at least two values among them; its effect at a
    value is the mean service of the options that have that value. The best option is the one
    with the highest service (:meth:`PlanProblem.effective_service`).
    """
    options = problem.options_for(tier)
    best = max(options, key=problem.effective_service)
    noise = sum(o.service_half_width for o in options) / len(options)
    paths = dict.fromkeys(p for o in options for p in o.params if _own_or_shared(p, tier))
    effects: list[LeverServiceEffect] = []
    for path in paths:
        groups: dict[str, tuple[Any, list[float]]] = {}
        for option in options:
            if path not in option.params:
                continue
            value = option.params[path]
            groups.setdefault(_key(value), (value, []))[1].append(option.service_level)
        if len(groups) < 2:
            continue
        values = [v for v, _ in groups.values()]
        numeric = all(_numeric(v) for v in values)
        ordered = sorted(groups.values(), key=lambda g: g[0]) if numeric else list(groups.values())
        means = tuple((v, sum(s) / len(s)) for v, s in ordered)
        best_value = best.params.get(path)
        edge: Literal["highest", "lowest"] | None = None
        top = max(means, key=lambda vm: vm[1])[0]
        spread = max(m for _, m in means) - min(m for _, m in means)
        if numeric and _numeric(best_value) and same_value(best_value, top) and spread > noise:
            if same_value(best_value, max(values)):
                edge = "highest"
            elif same_value(best_value, min(values)):
                edge = "lowest"
        effects.append(LeverServiceEffect(path, means, best_value, edge))
    effects.sort(key=lambda e: -e.spread)
    return effects


@dataclass(frozen=True)
class TargetLimit:
    """Why no option of a tier reaches its target on the plan's metric.

    Attributes
    ----------
    tier, metric : str
        The tier and the plan's service metric.
    target : float
        The target (fraction).
    best : TierOption
        The tier's option with the highest service.
    best_in_words : str
        Its levers in words (changes against the scenario flagged).
    effects : tuple of LeverServiceEffect
        Main effect of each lever over the tier's options, largest first.
    options : int
        How many options the tier has.
    """

    tier: str
    metric: str
    target: float
    best: TierOption
    best_in_words: str
    effects: tuple[LeverServiceEffect, ...]
    options: int

    @property
    def shortfall(self) -> float:
        """Target − best service (fraction, > 0)."""
        return self.target - self.best.service_level

    @property
    def limiting(self) -> LeverServiceEffect | None:
        """The lever that changes the tier's service the most (``None``: no lever varied)."""
        return self.effects[0] if self.effects else None

    @property
    def at_edge(self) -> tuple[LeverServiceEffect, ...]:
        """Levers whose value in the best option is at the edge of their simulated range."""
        return tuple(e for e in self.effects if e.edge is not None)

    def message(self) -> str:
        """The explanation as sentences."""
        label = metric_words(self.metric)
        text = (
            f"Tier {self.tier}'s {label} target {pct(self.target)} is out of reach of all "
            f"{self.options} simulated options: the best reaches {pct(self.best.service_level)}"
            f" ({100 * self.shortfall:.1f} pp short)"
            + (f" with {self.best_in_words}" if self.best_in_words else "")
            + "."
        )
        if self.limiting is not None:
            text += (
                f" The lever that moves it most is {self.limiting.in_words()} "
                f"(a spread of {100 * self.limiting.spread:.1f} pp)."
            )
        else:
            text += " No lever was varied across its options."
        if self.at_edge:
            edges = "; ".join(
                f"{decision_phrase(e.path, e.best_value)} is the "
                f"{'most' if e.edge == 'highest' else 'least'} simulated"
                for e in self.at_edge
            )
            text += (
                f" The best option sits at the edge of the simulated range, where service is "
                f"highest on average: {edges}; simulate beyond it."
            )
        return text

    def to_dict(self) -> dict[str, Any]:
        """JSON-able: the best option and its levers, each lever's effect, the message."""
        return {
            "tier": self.tier,
            "metric": self.metric,
            "target": self.target,
            "best_service": self.best.service_level,
            "best_half_width": self.best.service_half_width,
            "shortfall": self.shortfall,
            "best_option": self.best.option_id,
            "best_in_words": self.best_in_words,
            "limiting_lever": self.limiting.path if self.limiting else None,
            "effects": [
                {
                    "lever": e.path,
                    "spread": e.spread,
                    "mean_service": [[v, m] for v, m in e.mean_service],
                    "best_value": e.best_value,
                    "edge": e.edge,
                }
                for e in self.effects
            ],
            "message": self.message(),
        }


def target_limit(
    problem: PlanProblem,
    tier: str,
    target: float,
    base_values: Mapping[str, Any] | None = None,
) -> TargetLimit | None:
    """What limits ``tier``'s service below ``target``; ``None`` when an option reaches it.

    Reaching is judged as the problem judges minimum service
    (:meth:`PlanProblem.effective_service`: the mean, or its lower bound).
    """
    options = problem.options_for(tier)
    best = max(options, key=problem.effective_service)
    if problem.effective_service(best) >= target - 1e-12:
        return None
    # the tier's own levers first, then the shared ones
    params = {p: v for p, v in best.params.items() if p.startswith(f"tiers.{tier}.")}
    params.update({p: v for p, v in best.params.items() if _own_or_shared(p, tier)})
    return TargetLimit(
        tier,
        problem.metric_name(tier),
        target,
        best,
        decisions_in_words(params, base_values),
        tuple(lever_service_effects(problem, tier)),
        len(options),
    )
