"""Reference cases: the engine against exact queueing and inventory theory.

Each :class:`ReferenceCase` is a scenario that switches off every stage but one, a metric and
its exact value from :mod:`tierwise.simulation.theory` (Erlang, priority, stock).
:func:`validate` simulates them and checks that
the confidence interval contains the exact value and is tight enough to mean something
(half-width at most ``max_relative_half_width`` of the value). With many checks, a family-wise
(Bonferroni) level keeps the chance of any false alarm at ``1 − confidence`` for any seed.

Cases that share a scenario share its runs, and each scenario is replicated only until every
check on it is tight enough (the sequential rule of
:mod:`~tierwise.simulation.experiments.precision`, from :data:`INITIAL_REPLICATIONS` up to the
cases' ``replications``), with the batches of all scenarios on one pool. The scenarios of a
family (Erlang C with c = 11 … 14, priority with c = 1, 2) share the seed, hence common random
numbers: the same arrivals and handling times. That leaves each estimate's variance as it is
(each is checked against its own exact value, not against its neighbour), so it saves no
runs; what saves runs is stopping each scenario at the precision its checks need.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tierwise.simulation.analysis.statistics import Estimate, estimate
from tierwise.simulation.experiments.executor import Executor, executor_scope
from tierwise.simulation.experiments.precision import PrecisionRule
from tierwise.simulation.experiments.tasks import longest_first, run_replication
from tierwise.simulation.scenario.loading import scenario_from_dict
from tierwise.simulation.scenario.schema import Scenario
from tierwise.simulation.theory import erlang, perfect_order, priority
from tierwise.simulation.theory.stock import poisson_base_stock

__all__ = [
    "INITIAL_REPLICATIONS",
    "PRECISION_CONFIDENCE",
    "CheckResult",
    "ReferenceCase",
    "check_case",
    "reference_cases",
    "run_case",
    "simulate_cases",
    "validate",
]

_OFF = {"enabled": False}

#: Confidence level at which tightness (the relative half-width) is judged.
PRECISION_CONFIDENCE = 0.99
#: First batch of a reference scenario under sequential stopping (then batches of the rule).
INITIAL_REPLICATIONS = 8
# The precision rule watches the worst check of a scenario in units of the check's own
# tolerance, scaled to this target (any value in (0, 1): only the ratio matters).
_RULE_TARGET = 0.5


@dataclass(frozen=True)
class ReferenceCase:
    """One exact value the engine must reproduce.

    Attributes
    ----------
    name : str
        Short label, e.g. ``"erlang_c c=12 P(wait)"``.
    scenario : Scenario
        The scenario to simulate.
    metric : str
        Flat metric key of :meth:`RunResult.flat`.
    exact : float
        The exact value, in the unit of ``transform(metric)``.
    replications : int
        Replications to run: the cap under sequential stopping (:func:`simulate_cases`), the
        count without it.
    transform : callable
        Maps the metric to the unit of ``exact`` (e.g. seconds → hours).
    max_relative_half_width : float
        Largest half-width, relative to ``exact``, for the interval to count as tight. 3 % by
        default; 8 % for mean waits near saturation, whose per-run averages are heavily
        autocorrelated (at 91 % load reaching 3 % would take 7× the simulated time).
    """

    name: str
    scenario: Scenario
    metric: str
    exact: float
    replications: int
    transform: Callable[[float], float] = lambda v: v
    max_relative_half_width: float = 0.03


@dataclass(frozen=True)
class CheckResult:
    """Outcome of one reference check.

    Attributes
    ----------
    case : ReferenceCase
        What was checked.
    estimate : Estimate
        Interval at the check's confidence (family-wise adjusted in :func:`validate`): it must
        contain the exact value.
    precision : Estimate
        The same data at 99 % per check: its half-width must be small (tightness is about how
        precisely the simulation pins the value, not about the family-wise level).
    """

    case: ReferenceCase
    estimate: Estimate
    precision: Estimate

    @property
    def max_relative_half_width(self) -> float:
        """Tightness required of this check."""
        return self.case.max_relative_half_width

    @property
    def contains_exact(self) -> bool:
        """The interval contains the exact value."""
        return self.estimate.contains(self.case.exact)

    @property
    def tight_enough(self) -> bool:
        """The 99 % half-width is at most ``max_relative_half_width`` of the exact value."""
        return self.precision.half_width <= self.max_relative_half_width * abs(self.case.exact)

    @property
    def passed(self) -> bool:
        """Both conditions hold."""
        return self.contains_exact and self.tight_enough


def _call_centre(servers: int, seed: int, horizon_days: float) -> Scenario:
    return scenario_from_dict(
        {
            "name": f"erlang_c_{servers}",
            "seed": seed,
            "horizon_days": horizon_days,
            "warmup_days": 0.25,
            "tiers": {"all": {"customers": 1, "orders_per_hour": 200.0}},
            "order_entry": {
                "pools": {"desk": {"agents": servers, "discipline": "fifo"}},
                "handling_time_s": {"dist": "exponential", "mean": 180.0},
                "answer_target_s": 20.0,
            },
            "processing": _OFF,
            "picking": _OFF,
            "shipping": _OFF,
        }
    )


def _priority_queue(servers: int, seed: int, horizon_days: float) -> Scenario:
    rates = (0.2, 0.6, 1.2)
    return scenario_from_dict(
        {
            "name": f"priority_c{servers}",
            "seed": seed,
            "horizon_days": horizon_days,
            "warmup_days": 2.0,
            "tiers": {
                f"class{i + 1}": {"customers": 1, "orders_per_hour": rate, "priority": i}
                for i, rate in enumerate(rates)
            },
            "order_entry": {
                "pools": {"desk": {"agents": servers, "discipline": "priority"}},
                "handling_time_s": {"dist": "exponential", "mean": 1200.0},
            },
            "processing": _OFF,
            "picking": _OFF,
            "shipping": _OFF,
        }
    )


def _base_stock(seed: int, horizon_days: float) -> Scenario:
    return scenario_from_dict(
        {
            "name": "periodic_base_stock",
            "seed": seed,
            "horizon_days": horizon_days,
            "warmup_days": 1.0,
            "tiers": {
                "all": {"customers": 1, "orders_per_hour": 6.0 / 24.0, "family_mix": {"item": 1.0}}
            },
            "order_entry": _OFF,
            "processing": _OFF,
            "picking": _OFF,
            "shipping": _OFF,
            "inventory": {
                "shortage": "backorder",
                "families": {
                    "item": {
                        "policy": {
                            "kind": "periodic",
                            "base_stock_units": 8,
                            "review_period_days": 1,
                        },
                        "lead_time_days": {"dist": "deterministic", "mean": 0},
                        "unit_value_usd": 1.0,
                    }
                },
            },
        }
    )


#: On-time rate 0.82 from exponential transit: P(T <= p) = 1 - exp(-p/m).
PERFECT_ORDER_RATES = {
    "order_accuracy_rate": 0.98,
    "billing_accuracy_rate": 0.97,
    "damage_free_rate": 0.99,
    "on_time_rate": 0.82,
}


def perfect_order_scenario(seed: int, horizon_days: float, correlated: bool = False) -> Scenario:
    """Failures with rates :data:`PERFECT_ORDER_RATES`; ``correlated`` adds stock-outs.

    Independent: picking errors, billing errors, damage and late delivery are drawn from
    separate streams. Correlated: an inventory with partial shipments is switched on, so an
    order short of stock is both incomplete and (waiting for its remainder) late.
    """
    transit_mean_h = 10.0
    promise_h = transit_mean_h * math.log(1.0 / (1.0 - PERFECT_ORDER_RATES["on_time_rate"]))
    data: dict[str, Any] = {
        "name": "perfect_order_correlated" if correlated else "perfect_order_independent",
        "seed": seed,
        "horizon_days": horizon_days,
        "warmup_days": 1.0,
        "tiers": {
            "all": {
                "customers": 1,
                "orders_per_hour": 10.0,
                "shipping_mode": "parcel",
                "promised_cycle_time_h": promise_h,
            }
        },
        "order_entry": _OFF,
        "processing": {"billing_error_probability": 0.03},
        "picking": {
            "pickers": 1,
            "time_per_line_min": {"dist": "deterministic", "mean": 0},
            "error_probability_per_line": 0.02,
        },
        "shipping": {
            "modes": {
                "parcel": {
                    "transit_time_h": {"dist": "exponential", "mean": transit_mean_h},
                    "damage_probability": 0.01,
                }
            }
        },
    }
    if correlated:
        data["tiers"]["all"]["family_mix"] = {"item": 1.0}
        data["inventory"] = {
            "shortage": "partial",
            "families": {
                "item": {
                    "policy": {
                        "kind": "sQ",
                        "reorder_point_units": 120,
                        "order_quantity_units": 480,
                    },
                    "lead_time_days": {"dist": "deterministic", "mean": 1.0},
                    "unit_value_usd": 1.0,
                }
            },
        }
    return scenario_from_dict(data)


def reference_cases(seed: int = 2024, effort: float = 1.0) -> list[ReferenceCase]:
    """The reference cases (docs/validation.md).

    Parameters
    ----------
    seed : int
        Scenario seed for every case.
    effort : float
        Multiplier of simulated time (1.0 gives half-widths of about 1–3 % of the values).
    """
    cases: list[ReferenceCase] = []
    lam, handle_h, target_h = 200.0, 180.0 / 3600.0, 20.0 / 3600.0
    for c in (11, 12, 13, 14):
        # at 91 % load (c = 11) run-to-run variance is largest: simulate longer
        sc = _call_centre(c, seed, 1.25 + (25.0 if c == 11 else 18.0) * effort)
        load = lam * handle_h
        cases += [
            ReferenceCase(
                f"erlang_c c={c} P(wait)",
                sc,
                "all.wait_probability",
                erlang.erlang_c_wait_probability(c, load),
                24,
            ),
            ReferenceCase(
                f"erlang_c c={c} SL(20 s)",
                sc,
                "all.answered_within_target_rate",
                erlang.erlang_c_service_level(c, lam, handle_h, target_h),
                24,
            ),
            ReferenceCase(
                f"erlang_c c={c} ASA (s)",
                sc,
                "all.mean_speed_of_answer_s",
                erlang.erlang_c_mean_wait_h(c, lam, handle_h) * 3600.0,
                24,
                max_relative_half_width=0.08,
            ),
        ]
    for servers, days in ((1, 1500.0), (2, 2400.0)):
        sc = _priority_queue(servers, seed, 2.0 + days * effort)
        waits = priority.priority_queue_waits_h((0.2, 0.6, 1.2), 3.0, servers)
        for k, wait in enumerate(waits, start=1):
            cases.append(
                ReferenceCase(
                    f"priority c={servers} class {k} Wq (h)",
                    sc,
                    f"class{k}.mean_speed_of_answer_s",
                    wait,
                    24,
                    lambda v: v / 3600.0,
                )
            )
    stock = poisson_base_stock(6.0, 8)
    sc = _base_stock(seed, 1.0 + 8000.0 * effort)
    cases += [
        ReferenceCase(
            "base stock P(D<=S)",
            sc,
            "inventory.item.no_stockout_period_rate",
            stock.no_stockout_probability,
            24,
        ),
        ReferenceCase(
            "base stock E[(D-S)+]",
            sc,
            "inventory.item.shortage_units_per_period",
            stock.expected_shortage_units,
            24,
        ),
        ReferenceCase(
            "base stock fill rate", sc, "inventory.item.line_fill_rate", stock.fill_rate, 24
        ),
    ]
    sc = perfect_order_scenario(seed, 1.0 + 40.0 * effort)
    cases.append(
        ReferenceCase(
            "perfect order (independent)",
            sc,
            "all.perfect_order_rate",
            perfect_order.perfect_order_rate_independent(list(PERFECT_ORDER_RATES.values())),
            24,
        )
    )
    return cases


def check_case(
    case: ReferenceCase, rows: Sequence[Mapping[str, float]], confidence: float
) -> CheckResult:
    """Check one case against the flat metrics of its replications.

    Parameters
    ----------
    case : ReferenceCase
        What is checked.
    rows : sequence of mapping
        ``RunResult.flat()`` of each replication of ``case.scenario``.
    confidence : float
        Level of the containment interval (the tightness is judged at 99 %).
    """
    values = [case.transform(row[case.metric]) for row in rows]
    return CheckResult(case, estimate(values, confidence), estimate(values, PRECISION_CONFIDENCE))


def _tightness(case: ReferenceCase, rows: Sequence[Mapping[str, float]]) -> float:
    """99 % half-width over the precision the case needs (``<= 1``: tight enough)."""
    values = [case.transform(row[case.metric]) for row in rows]
    half_width = estimate(values, PRECISION_CONFIDENCE).half_width
    return half_width / (case.max_relative_half_width * abs(case.exact))


def simulate_cases(
    cases: Sequence[ReferenceCase],
    executor: Executor,
    sequential: bool = True,
) -> dict[str, list[dict[str, float]]]:
    """Simulate the scenarios of ``cases`` (each once, however many cases share it).

    Parameters
    ----------
    cases : sequence of ReferenceCase
        The cases; those with the same scenario (same content hash) share its runs.
    executor : Executor
        Runs the replications; the batches of every scenario go to it together, longest
        runs first, so one pool stays busy across the cases.
    sequential : bool
        Stop each scenario by the rule of :mod:`~tierwise.simulation.experiments.precision`
        as soon as every check on it is tight enough (its 99 % half-width at most
        ``max_relative_half_width`` of the exact value), starting from
        :data:`INITIAL_REPLICATIONS` and capped at the cases' ``replications``. Without it,
        every scenario runs its cases' ``replications``.

    Returns
    -------
    dict
        ``scenario content hash → flat metrics per replication`` (replication order).
    """
    groups: dict[str, list[ReferenceCase]] = {}
    for case in cases:
        groups.setdefault(case.scenario.content_hash, []).append(case)
    cap = {key: max(c.replications for c in group) for key, group in groups.items()}
    rules = {
        key: PrecisionRule(
            _RULE_TARGET, min(INITIAL_REPLICATIONS, cap[key]), cap[key], PRECISION_CONFIDENCE
        )
        for key in groups
        if cap[key] >= 2
    }
    rows: dict[str, list[dict[str, float]]] = {key: [] for key in groups}
    batch = {key: rules[key].initial if sequential and key in rules else cap[key] for key in groups}
    while batch:
        jobs = [
            ((key, rep), (groups[key][0].scenario, rep))
            for key, more in batch.items()
            for rep in range(len(rows[key]), len(rows[key]) + more)
        ]
        done: dict[tuple[str, int], dict[str, float]] = {}
        for item in executor.submit_all(run_replication, longest_first(jobs)):
            if item.error is not None:
                raise item.error
            assert item.value is not None
            done[item.key] = item.value.flat()
        for key, rep in sorted(done, key=lambda k: k[1]):
            rows[key].append(done[(key, rep)])
        if not sequential:
            break
        batch = {}
        for key in groups:
            if key not in rules:
                continue
            worst = _RULE_TARGET * max(_tightness(c, rows[key]) for c in groups[key])
            more = rules[key].next_batch(len(rows[key]), worst)
            if more:
                batch[key] = more
    return rows


def run_case(
    case: ReferenceCase,
    confidence: float,
    workers: int = 1,
    executor: Executor | None = None,
    sequential: bool = True,
) -> CheckResult:
    """Simulate one case (sequentially stopped at its own precision) and check it.

    ``workers`` sizes the executor made for this call when no running ``executor`` is given.
    """
    with executor_scope(executor, workers) as pool:
        rows = simulate_cases([case], pool, sequential)[case.scenario.content_hash]
    return check_case(case, rows, confidence)


def validate(
    cases: Sequence[ReferenceCase] | None = None,
    confidence: float = 0.99,
    family_wise: bool = True,
    workers: int = 1,
    progress: Callable[[CheckResult], None] | None = None,
    executor: Executor | None = None,
    sequential: bool = True,
) -> list[CheckResult]:
    """Run every reference case.

    Parameters
    ----------
    cases : sequence of ReferenceCase, optional
        Default: :func:`reference_cases`.
    confidence : float
        Family-wise confidence when ``family_wise`` (Bonferroni: each check at
        ``1 − (1 − confidence)/m``), else per check.
    workers : int
        Processes for the replications (when no ``executor`` is given); one pool serves
        every case.
    progress : callable, optional
        Called with each :class:`CheckResult` as it is known.
    executor : Executor, optional
        A running executor to use and leave running.
    sequential : bool
        Replicate each scenario only until its checks are tight enough (see
        :func:`simulate_cases`); ``False`` runs every case's fixed ``replications``.

    Returns
    -------
    list of CheckResult
        In the order of ``cases``.
    """
    cases = list(cases) if cases is not None else reference_cases()
    per_check = 1.0 - (1.0 - confidence) / len(cases) if family_wise else confidence
    with executor_scope(executor, workers) as pool:
        rows = simulate_cases(cases, pool, sequential)
    results = []
    for case in cases:
        result = check_case(case, rows[case.scenario.content_hash], per_check)
        results.append(result)
        if progress:
            progress(result)
    return results
