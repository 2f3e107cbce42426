"""What the main job says about its plan besides the plan itself: targets answered, the plan
in words, and today versus the plan.

:func:`answer_plan` runs at the end of the main job (:func:`tierwise.pipeline.run_pipeline`),
once the plan is verified: it answers the scenario's targets
(:func:`tierwise.optimization.planning.targets.answer_targets`, on the problem the final plan
was solved on), says the plan in words
(:func:`tierwise.optimization.planning.words.plan_in_words`), simulates the scenario as given
with the verification's seed, replications and executor and compares it with the plan
(:mod:`tierwise.optimization.planning.baseline`), writing ``baseline_comparison.csv``. It
returns ``plan.json``'s document: the plan (:meth:`PlanResult.to_dict`), the price of the
targets (:data:`~tierwise.optimization.planning.targets.PRICE_OF_TARGETS_KEY`), the ``targets``
block, the plan ``in_words`` and whether the most valuable tier is served best
(``tier_ranking``, :mod:`tierwise.optimization.planning.tier_ranking`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from tierwise.artifacts import Kind, OutputFolder
from tierwise.optimization.economics.tiers import scenario_revenue
from tierwise.optimization.milp.problem import PlanProblem
from tierwise.optimization.milp.result import PlanResult
from tierwise.optimization.planning.baseline import compare_with_today, simulate_today
from tierwise.optimization.planning.targets import (
    PRICE_OF_TARGETS_KEY,
    TARGETS_KEY,
    TargetsAnswer,
    answer_targets,
    scenario_targets,
)
from tierwise.optimization.planning.tier_ranking import (
    TIER_RANKING_KEY,
    TierRankingAnswer,
    answer_tier_ranking,
)
from tierwise.optimization.planning.verify import VerifiedPlan
from tierwise.optimization.planning.words import IN_WORDS_KEY, PlanInWords, plan_in_words
from tierwise.simulation.experiments.executor import Executor
from tierwise.simulation.scenario.schema import Scenario

__all__ = ["PlanAnswers", "answer_plan"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlanAnswers:
    """The main job's answers about its plan.

    Attributes
    ----------
    document : dict
        ``plan.json``: the plan, the price of the targets, the targets block, the words.
    targets : TargetsAnswer or None
        Targets answered (``None`` without a plan).
    words : PlanInWords or None
        The plan in words (``None`` without a plan).
    baseline : pandas.DataFrame or None
        Today versus the plan (``None`` without a verified plan).
    ranking : TierRankingAnswer or None
        Whether the most valuable tier is served best (``None`` without a plan).
    """

    document: dict[str, Any]
    targets: TargetsAnswer | None = None
    words: PlanInWords | None = None
    baseline: pd.DataFrame | None = None
    ranking: TierRankingAnswer | None = None


def answer_plan(
    folder: OutputFolder,
    scenario: Scenario,
    problem: PlanProblem,
    plan: PlanResult,
    verified: VerifiedPlan | None,
    base_values: Mapping[str, Any],
    solver: str,
    time_limit_s: float,
    executor: Executor | None = None,
    say: Callable[[str], None] | None = None,
) -> PlanAnswers:
    """Targets, words and today versus the plan; writes ``baseline_comparison.csv``.

    Parameters
    ----------
    folder : OutputFolder
        The run's open output folder.
    scenario : Scenario
        The scenario as given (``--set`` values applied).
    problem : PlanProblem
        The sweep's planning problem (the verification's corrected one is taken when the plan
        was verified).
    plan : PlanResult
        The recommended plan.
    verified : VerifiedPlan, optional
        Its verification (simulated values for the targets, the runs to pair with today).
    base_values : mapping
        The scenario's value of each lever (changes flagged in the words).
    solver, time_limit_s
        As the run's solves.
    executor : Executor, optional
        The verification's running executor (today is simulated on it).
    say : callable, optional
        Progress messages.
    """
    document = plan.to_dict()
    if not plan.has_plan:
        return PlanAnswers(document)
    words = plan_in_words({t: o.params for t, o in plan.chosen.items()}, base_values)
    summary = verified.summary if verified is not None else None
    answer = answer_targets(
        verified.problem if verified is not None and verified.problem is not None else problem,
        scenario_targets(scenario),
        plan,
        summary.estimates() if summary is not None else None,
        base_values,
        solver=solver,
        time_limit_s=time_limit_s,
    )
    for message in answer.messages():
        logger.info("targets: %s", message)
    document[PRICE_OF_TARGETS_KEY] = answer.price_usd_per_day
    document[TARGETS_KEY] = answer.to_dict()
    document[IN_WORDS_KEY] = words.to_dict()
    ranking = answer_tier_ranking(
        scenario,
        verified.problem if verified is not None and verified.problem is not None else problem,
        plan,
        summary.estimates() if summary is not None else None,
        solver=solver,
        time_limit_s=time_limit_s,
    )
    for message in ranking.messages():
        logger.info("tier ranking: %s", message)
    document[TIER_RANKING_KEY] = ranking.to_dict()
    baseline = None
    if summary is not None:
        if say:
            say("today versus the plan: simulating the scenario as given")
        metric = problem.metric_name(problem.tiers[0])
        revenue = scenario_revenue(scenario, metric)
        today = simulate_today(scenario, summary, revenue, executor=executor)
        baseline = compare_with_today(today, summary, metric, revenue=revenue)
        folder.write_frame(
            "baseline_comparison.csv",
            baseline,
            Kind.BASELINE_COMPARISON,
            "the plan against the scenario as given, paired per replication",
        )
    return PlanAnswers(document, answer, words, baseline, ranking)
