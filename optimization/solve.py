"""Solve a :class:`~optimization.options.PlanProblem` with CBC or HiGHS and verify the plan.

:func:`solve` builds the MILP (:mod:`optimization.model`), runs the solver through PuLP
(``pulp.PULP_CBC_CMD``, the CBC binary bundled with PuLP, or ``pulp.HiGHS``, the
in-process highspy API), maps the solver's status to :class:`PlanStatus` (never
``OPTIMAL`` unless optimality was proven within the requested relative gap), re-checks
the plan against every constraint in plain Python, reports binding constraints and
LP-relaxation shadow prices, and explains infeasibility
(:func:`optimization.explain.explain_infeasibility`).

Solver output is never printed: with ``msg=True`` the solver log is forwarded to this
module's :mod:`logging` logger at INFO level.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import re
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pulp

from .model import (
    GROUP_CHOOSE_ONE,
    GROUP_RESOURCE_LINK,
    RELAXABLE_GROUPS,
    OptionKey,
    PlanModel,
    build_model,
    check_assignment,
)
from .options import (
    ConstraintViolation,
    PlanProblem,
    PlanResult,
    PlanStatus,
    TierOption,
)

__all__ = [
    "PlanVerificationError",
    "SolverName",
    "SolverRun",
    "available_solvers",
    "check_plan",
    "chosen_from_run",
    "run_model",
    "solve",
]

log = logging.getLogger(__name__)

SolverName = Literal["cbc", "highs"]


class PlanVerificationError(RuntimeError):
    """The solver returned a plan that breaks a constraint (beyond tolerance).

    Attributes
    ----------
    violations : list[ConstraintViolation]
        What the plain-Python checker found.
    result : PlanResult or None
        The flagged result (status ``ERROR``).
    """

    def __init__(
        self, violations: list[ConstraintViolation], result: PlanResult | None = None
    ) -> None:
        self.violations = violations
        self.result = result
        super().__init__(
            "solver plan violates constraints: " + "; ".join(v.message for v in violations)
        )


@dataclass(frozen=True, kw_only=True)
class SolverRun:
    """Raw outcome of one solver call on a :class:`~optimization.model.PlanModel`.

    Attributes
    ----------
    status : PlanStatus
        Mapped status (``OPTIMAL`` only when proven within the gap).
    solver : str
        ``"cbc"`` or ``"highs"``.
    raw_status : str
        Solver's own status text.
    objective_value : float or None
        Objective reported by the model at the returned values (natural sense).
    best_bound : float or None
        Best bound on the optimum (natural sense: upper bound when maximising).
    x, y, slacks : dict
        Variable values (empty when there is no solution).
    duals : dict[str, float]
        Row duals normalised to :math:`\\partial z/\\partial \\mathrm{rhs}` in the natural
        objective sense (only filled for LP relaxations).
    solve_time_s : float
        Wall-clock seconds of the solver call.
    """

    status: PlanStatus
    solver: str
    raw_status: str
    objective_value: float | None = None
    best_bound: float | None = None
    x: dict[OptionKey, float] = field(default_factory=dict)
    y: dict[str, float] = field(default_factory=dict)
    slacks: dict[str, float] = field(default_factory=dict)
    duals: dict[str, float] = field(default_factory=dict)
    solve_time_s: float = 0.0


# --------------------------------------------------------------------------- solvers


def available_solvers() -> list[str]:
    """Solvers usable here, as accepted by ``solve(solver=...)``."""
    found = set(pulp.listSolvers(onlyAvailable=True))
    out = []
    if found & {"PULP_CBC_CMD", "COIN_CMD"}:
        out.append("cbc")
    if "HiGHS" in found:
        out.append("highs")
    return out


def _normalise_solver(solver: str) -> SolverName:
    key = str(solver).strip().lower()
    if key in ("cbc", "pulp_cbc_cmd", "coin_cmd"):
        return "cbc"
    if key in ("highs", "highspy"):
        return "highs"
    raise ValueError(f"solver = {solver!r} is not supported; allowed: 'cbc' or 'highs'")


_BANNER_LOCK = threading.Lock()
_BANNER_SILENCED = False


def _silence_highs_banner() -> None:
    """Swallow the copyright banner HiGHS prints to stdout on its first instance.

    The banner is written by C++ before options (``output_flag``) can be set, so the
    first ``highspy.Highs()`` of the process is created with file descriptor 1
    redirected to ``/dev/null``. Later instances print nothing.
    """
    global _BANNER_SILENCED
    with _BANNER_LOCK:
        if _BANNER_SILENCED:
            return
        _BANNER_SILENCED = True
        try:
            import highspy

            sys.stdout.flush()
            saved = os.dup(1)
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, 1)
                highspy.Highs()
            finally:
                os.dup2(saved, 1)
                os.close(saved)
                os.close(devnull)
        except Exception:  # pragma: no cover - best effort only
            log.debug("could not pre-create a silent HiGHS instance", exc_info=True)


def _make_solver(
    name: SolverName, *, mip: bool, time_limit_s: float, mip_gap: float, log_path: str
) -> pulp.LpSolver:
    if name == "cbc":
        # PULP_CBC_CMD (bundled binary) is deprecated for PuLP 4; pyproject pins pulp<4.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            cls = getattr(pulp, "PULP_CBC_CMD", None)
            if cls is None or not cls().available():  # pragma: no cover - pulp >= 4
                cls = pulp.COIN_CMD
            return cls(mip=mip, msg=False, timeLimit=time_limit_s, gapRel=mip_gap, logPath=log_path)
    _silence_highs_banner()
    # output goes to the log file only; it is forwarded to logging when msg=True
    return pulp.HiGHS(
        mip=mip,
        msg=True,
        timeLimit=time_limit_s,
        gapRel=mip_gap,
        log_to_console=False,
        log_file=log_path,
    )


_CBC_RESULT = re.compile(r"^Result - (.+)$", re.M)
_CBC_OBJ = re.compile(r"^Objective value:\s+(\S+)", re.M)
_CBC_BOUND = re.compile(r"^(?:Upper|Lower) bound:\s+(\S+)", re.M)


def _float_or_none(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        v = float(text)
    except ValueError:
        return None
    return v if math.isfinite(v) and abs(v) < 1e49 else None


def _cbc_status(
    lp_status: int, sol_status: int, log_text: str
) -> tuple[PlanStatus, str, float | None]:
    """Map PuLP/CBC statuses and the CBC log to ``(status, raw text, best bound)``.

    ``OPTIMAL`` needs PuLP's ``LpStatusOptimal`` *and* ``LpSolutionOptimal`` *and* (when
    CBC wrote a result line) "Optimal solution found"; an incumbent from a stopped run
    (``LpSolutionIntegerFeasible`` or a "Stopped" result) is ``FEASIBLE_NOT_PROVEN``.
    """
    m = _CBC_RESULT.search(log_text)
    result = m.group(1).strip() if m else ""
    raw = result or f"{pulp.LpStatus.get(lp_status, lp_status)} / " + str(
        pulp.LpSolution.get(sol_status, sol_status)
    )
    bm = _CBC_BOUND.search(log_text)
    bound = _float_or_none(bm.group(1)) if bm else None
    if lp_status == pulp.LpStatusOptimal:
        proven = sol_status == pulp.LpSolutionOptimal and (
            not result or result.lower().startswith("optimal")
        )
        if proven:
            return PlanStatus.OPTIMAL, raw, bound
        if sol_status in (pulp.LpSolutionIntegerFeasible, pulp.LpSolutionOptimal):
            return PlanStatus.FEASIBLE_NOT_PROVEN, raw, bound
        return PlanStatus.NOT_SOLVED, raw, bound
    if lp_status == pulp.LpStatusInfeasible:
        return PlanStatus.INFEASIBLE, raw, None
    if lp_status == pulp.LpStatusUnbounded:
        return PlanStatus.UNBOUNDED, raw, None
    if lp_status == pulp.LpStatusNotSolved:
        return PlanStatus.NOT_SOLVED, raw, None
    return PlanStatus.ERROR, raw, None


_HIGHS_STOPPED = {
    "kTimeLimit",
    "kIterationLimit",
    "kInterrupt",
    "kHighsInterrupt",
    "kSolutionLimit",
    "kObjectiveBound",
    "kObjectiveTarget",
    "kMemoryLimit",
}


def _highs_status(model_status: str, has_primal: bool) -> PlanStatus:
    """Map a HiGHS model-status name (``"kOptimal"``...) to :class:`PlanStatus`.

    ``kUnboundedOrInfeasible`` counts as infeasible: every variable of the plan
    models is bounded or penalised, so they cannot be unbounded.
    """
    if model_status == "kOptimal":
        return PlanStatus.OPTIMAL if has_primal else PlanStatus.ERROR
    if model_status in ("kInfeasible", "kUnboundedOrInfeasible"):
        return PlanStatus.INFEASIBLE
    if model_status == "kUnbounded":
        return PlanStatus.UNBOUNDED
    if model_status in _HIGHS_STOPPED:
        return PlanStatus.FEASIBLE_NOT_PROVEN if has_primal else PlanStatus.NOT_SOLVED
    if model_status in ("kNotset", "kUnknown", "kModelEmpty"):
        return PlanStatus.NOT_SOLVED
    return PlanStatus.ERROR


def run_model(
    model: PlanModel,
    *,
    solver: str = "cbc",
    time_limit_s: float = 30.0,
    mip_gap: float = 1e-4,
    msg: bool = False,
) -> SolverRun:
    """Run one solver on a built model and collect its raw outcome.

    Parameters
    ----------
    model : PlanModel
        Built by :func:`optimization.model.build_model`.
    solver : {"cbc", "highs"}, default "cbc"
        Solver to use.
    time_limit_s : float, default 30
        Wall-clock limit, seconds.
    mip_gap : float, default 1e-4
        Relative MIP gap at which the solver may stop and call the plan optimal.
    msg : bool, default False
        Forward the solver log to :mod:`logging` (INFO).

    Returns
    -------
    SolverRun
        Mapped status, values, bound and (for LP relaxations) normalised duals.
    """
    name = _normalise_solver(solver)
    if not (time_limit_s > 0 and math.isfinite(time_limit_s)):
        raise ValueError(f"time_limit_s = {time_limit_s!r}; allowed: a finite number > 0")
    if not (0 <= mip_gap < 1):
        raise ValueError(f"mip_gap = {mip_gap!r}; allowed: 0 <= mip_gap < 1")
    prob = model.prob
    fd, log_path = tempfile.mkstemp(prefix=f"tierwise_{name}_", suffix=".log")
    os.close(fd)
    t0 = time.perf_counter()
    try:
        engine = _make_solver(
            name,
            mip=not model.relaxed,
            time_limit_s=time_limit_s,
            mip_gap=mip_gap,
            log_path=log_path,
        )
        prob.solve(engine)
    except Exception as exc:  # solver crash, missing binary, unknown status...
        elapsed = time.perf_counter() - t0
        log.error("%s failed on %s: %s", name, prob.name, exc)
        _drop(log_path)
        return SolverRun(
            status=PlanStatus.ERROR,
            solver=name,
            raw_status=f"{type(exc).__name__}: {exc}",
            solve_time_s=elapsed,
        )
    elapsed = time.perf_counter() - t0
    log_text = _read_and_drop(log_path)
    if msg and log_text:
        for line in log_text.splitlines():
            if line.strip():
                log.info("[%s] %s", name, line)

    maximise = prob.sense == pulp.LpMaximize
    if name == "cbc":
        status, raw, bound = _cbc_status(prob.status, prob.sol_status, log_text)
    else:
        highs = prob.solverModel
        mstat = highs.getModelStatus()
        mname = getattr(mstat, "name", str(mstat).rsplit(".", 1)[-1])
        info = highs.getInfo()
        has_primal = int(getattr(info, "primal_solution_status", 0)) == 2
        status = _highs_status(mname, has_primal)
        # PuLP's own view must agree before we call anything optimal
        if status == PlanStatus.OPTIMAL and prob.sol_status != pulp.LpSolutionOptimal:
            status = PlanStatus.FEASIBLE_NOT_PROVEN
        raw = mname
        bound = None
        if not model.relaxed:
            dual_bound = _float_or_none(str(getattr(info, "mip_dual_bound", "nan")))
            if dual_bound is not None:
                bound = -dual_bound if maximise else dual_bound  # PuLP minimises -f
        elif status == PlanStatus.OPTIMAL:
            bound = _float_or_none(str(getattr(info, "objective_function_value", "nan")))
            if bound is not None and maximise:
                bound = -bound

    if not status.has_plan:
        log.debug("%s on %s: %s (%s) in %.3f s", name, prob.name, status.value, raw, elapsed)
        return SolverRun(status=status, solver=name, raw_status=raw, solve_time_s=elapsed)

    x = {k: float(v.varValue) if v.varValue is not None else math.nan for k, v in model.x.items()}
    y = {r: float(v.varValue) if v.varValue is not None else math.nan for r, v in model.y.items()}
    slacks = {
        r: float(v.varValue) if v.varValue is not None else math.nan
        for r, v in model.slacks.items()
    }
    obj = pulp.value(prob.objective)
    duals: dict[str, float] = {}
    if model.relaxed and status == PlanStatus.OPTIMAL:
        flip = -1.0 if (name == "highs" and maximise) else 1.0
        for c in prob.constraints():
            if c.pi is not None and c.name in model.rows:
                duals[c.name] = flip * float(c.pi) + 0.0
    log.debug(
        "%s on %s: %s (%s), objective %s, bound %s, %.3f s",
        name,
        prob.name,
        status.value,
        raw,
        obj,
        bound,
        elapsed,
    )
    return SolverRun(
        status=status,
        solver=name,
        raw_status=raw,
        objective_value=None if obj is None else float(obj),
        best_bound=bound,
        x=x,
        y=y,
        slacks=slacks,
        duals=duals,
        solve_time_s=elapsed,
    )


def _drop(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _read_and_drop(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read()
    except OSError:
        return ""
    finally:
        _drop(path)


# --------------------------------------------------------------------------- plans


def chosen_from_run(problem: PlanProblem, run: SolverRun) -> dict[str, TierOption]:
    """The option with the largest ``x`` in each tier (empty without a solution)."""
    if not run.x:
        return {}
    chosen: dict[str, TierOption] = {}
    for t in problem.tiers:
        best = max(
            problem.options_for(t),
            key=lambda o: _nan_low(run.x.get((t, o.option_id), 0.0)),
        )
        chosen[t] = best
    return chosen


def _nan_low(v: float) -> float:
    return -math.inf if math.isnan(v) else v


def _units_of(problem: PlanProblem, chosen: Mapping[str, TierOption]) -> dict[str, int]:
    return {
        r.name: sum(int(o.resources.get(r.name, 0)) for o in chosen.values())
        for r in problem.resources
    }


def _totals(
    problem: PlanProblem, chosen: Mapping[str, TierOption], units: Mapping[str, int]
) -> dict[str, float]:
    cost = math.fsum(
        [o.cost_per_day_usd for o in chosen.values()]
        + [r.cost_per_unit_day_usd * units.get(r.name, 0) for r in problem.resources]
    )
    revenue = math.fsum(o.revenue_per_day_usd for o in chosen.values())
    orders = math.fsum(o.orders_per_day for o in chosen.values())
    return {"cost": cost, "revenue": revenue, "profit": revenue - cost, "orders": orders}


def _selection(problem: PlanProblem, chosen: Mapping[str, TierOption]) -> dict[OptionKey, float]:
    return {(o.tier, o.option_id): 1.0 if chosen.get(o.tier) == o else 0.0 for o in problem.options}


def check_plan(
    problem: PlanProblem, plan: PlanResult, *, tol: float = 1e-6
) -> list[ConstraintViolation]:
    """Re-check a :class:`PlanResult` against ``problem`` in plain Python.

    Checks that every tier has exactly one chosen option that belongs to the problem,
    that the reported resource units cover the chosen options' needs within capacity,
    budget, minimum service, tier ordering and cost per order, and that the reported
    totals match the chosen options.

    Parameters
    ----------
    problem : PlanProblem
        The planning problem.
    plan : PlanResult
        A result carrying a plan.
    tol : float, default 1e-6
        Tolerance (absolute for service, relative for money and units).

    Returns
    -------
    list[ConstraintViolation]
        Empty when the plan is valid.
    """
    out: list[ConstraintViolation] = []
    for t, o in plan.chosen.items():
        if t not in problem.tiers:
            out.append(
                ConstraintViolation(
                    constraint="unknown_tier", message=f"plan chooses for unknown tier {t!r}"
                )
            )
        elif o.tier != t or not any(o == p for p in problem.options_for(t)):
            out.append(
                ConstraintViolation(
                    constraint="unknown_option",
                    message=f"tier {t!r}: option {o.option_id!r} is not one of the "
                    "problem's options",
                )
            )
    for t in problem.tiers:
        if t not in plan.chosen:
            out.append(
                ConstraintViolation(
                    constraint=f"one_option_{t}",
                    amount=1.0,
                    message=f"tier {t!r} has no chosen option, must be exactly 1",
                )
            )
    x = {(o.tier, o.option_id): 1.0 for t, o in plan.chosen.items() if o.tier == t}
    y = {r: float(v) for r, v in plan.resource_units.items()}
    out.extend(check_assignment(problem, x, y, tol=tol))
    if plan.chosen and plan.total_cost_per_day_usd is not None:
        units = {r.name: round(y.get(r.name, 0.0)) for r in problem.resources}
        tot = _totals(problem, plan.chosen, units)
        for key, reported in (
            ("cost", plan.total_cost_per_day_usd),
            ("revenue", plan.total_revenue_per_day_usd),
            ("profit", plan.total_profit_per_day_usd),
        ):
            if reported is None or abs(reported - tot[key]) > tol * max(1.0, abs(tot[key])):
                out.append(
                    ConstraintViolation(
                        constraint=f"total_{key}",
                        amount=abs((reported or 0.0) - tot[key]),
                        message=f"reported total {key} {reported} USD/day differs from the "
                        f"chosen options' {tot[key]:,.2f} USD/day",
                    )
                )
    return out


def _binding(
    model: PlanModel, x: Mapping[OptionKey, float], y: Mapping[str, float], tol: float
) -> tuple[str, ...]:
    out = []
    for row in model.rows.values():
        if row.group in (GROUP_CHOOSE_ONE, GROUP_RESOURCE_LINK):
            continue
        if abs(row.slack(x, y)) <= tol * row.scale():
            out.append(row.name)
    return tuple(out)


def _gap(objective: str, value: float, bound: float | None) -> float | None:
    if bound is None:
        return None
    diff = bound - value if objective == "profit" else value - bound
    return max(0.0, diff) / max(abs(value), 1e-9)


def _fmt_gap(gap: float | None) -> str:
    if gap is None:
        return "unknown"
    return "0%" if gap < 1e-9 else f"{100 * gap:.3g}%"


def _fmt_money(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.2f}"


def solve(
    problem: PlanProblem,
    solver: str = "cbc",
    time_limit_s: float = 30.0,
    mip_gap: float = 1e-4,
    msg: bool = False,
    *,
    explain: bool = True,
    shadow_prices: bool = True,
    strict: bool = True,
    tol: float = 1e-6,
) -> PlanResult:
    """Choose one option per tier optimally and verify the plan.

    Parameters
    ----------
    problem : PlanProblem
        The planning problem.
    solver : {"cbc", "highs"}, default "cbc"
        ``"cbc"``: PuLP's bundled CBC binary (``pulp.PULP_CBC_CMD``); ``"highs"``: HiGHS
        through highspy (``pulp.HiGHS``).
    time_limit_s : float, default 30
        Solver wall-clock limit, seconds (``timeLimit``).
    mip_gap : float, default 1e-4
        Relative gap (``gapRel``) at which the search may stop; ``OPTIMAL`` means
        proven within this gap.
    msg : bool, default False
        Forward the solver log to :mod:`logging` (INFO); nothing is printed.
    explain : bool, default True
        When infeasible, attach an :class:`~optimization.options.InfeasibilityReport`
        (extra solves).
    shadow_prices : bool, default True
        Attach LP-relaxation duals (one extra LP solve).
    strict : bool, default True
        Raise :class:`PlanVerificationError` when the solver's plan fails the
        plain-Python check; when False, return it with status ``ERROR`` instead.
    tol : float, default 1e-6
        Verification and binding tolerance.

    Returns
    -------
    PlanResult
        Status, chosen option per tier, resource units, totals (USD/day), gap, timing,
        binding constraints, shadow prices and, when infeasible, the explanation.

    Raises
    ------
    PlanVerificationError
        When ``strict`` and the returned plan breaks a constraint.
    ValueError
        On an unknown solver or invalid limits.
    """
    name = _normalise_solver(solver)
    model = build_model(problem)
    run = run_model(model, solver=name, time_limit_s=time_limit_s, mip_gap=mip_gap, msg=msg)
    common: dict[str, Any] = {
        "objective": problem.objective,
        "solver": name,
        "solver_status": run.raw_status,
        "build_time_s": model.build_time_s,
        "solve_time_s": run.solve_time_s,
    }

    if not run.status.has_plan:
        explanation = None
        if run.status == PlanStatus.INFEASIBLE and explain:
            from .explain import explain_infeasibility

            explanation = explain_infeasibility(problem, solver=name, time_limit_s=time_limit_s)
        text = {
            PlanStatus.INFEASIBLE: "no plan satisfies all constraints",
            PlanStatus.UNBOUNDED: "the model is unbounded",
            PlanStatus.NOT_SOLVED: f"the solver stopped without a plan "
            f"(time limit {time_limit_s:g} s)",
            PlanStatus.ERROR: f"the solver failed: {run.raw_status}",
        }.get(run.status, run.status.value)
        if explanation is not None and explanation.findings:
            text += ": " + explanation.findings[0].message
        log.info("solve %s: %s", name, text)
        return PlanResult(status=run.status, explanation=explanation, message=text, **common)

    chosen = chosen_from_run(problem, run)
    units = _units_of(problem, chosen)
    x_plan = _selection(problem, chosen)
    y_plan = {r: float(v) for r, v in units.items()}
    violations: list[ConstraintViolation] = []
    seen: set[tuple[str, str]] = set()
    for v in check_assignment(problem, run.x, run.y, tol=max(tol, 1e-5)) + check_assignment(
        problem, x_plan, y_plan, tol=tol
    ):
        if (v.constraint, v.message) not in seen:
            seen.add((v.constraint, v.message))
            violations.append(v)
    tot = _totals(problem, chosen, units)
    value = tot["profit"] if problem.objective == "profit" else tot["cost"]
    if run.objective_value is not None and abs(run.objective_value - value) > 1e-6 * max(
        1.0, abs(value)
    ):
        log.debug(
            "solver objective %s vs recomputed %s (minimal units)", run.objective_value, value
        )
    gap = _gap(problem.objective, value, run.best_bound)
    status = run.status
    if status == PlanStatus.OPTIMAL:
        if gap is None:
            gap = 0.0
        elif gap > mip_gap * 1.01 + 1e-9:
            log.warning("solver said optimal but gap %.3g > mip_gap %.3g: not proven", gap, mip_gap)
            status = PlanStatus.FEASIBLE_NOT_PROVEN
    elif gap is None:
        log.warning("%s stopped with a plan but reported no bound; gap unknown", name)

    binding = _binding(model, x_plan, y_plan, tol)
    duals: dict[str, float] = {}
    if shadow_prices and not violations:
        lp = run_model(
            build_model(problem, relax_integrality=True, name="tierwise_lp"),
            solver=name,
            time_limit_s=time_limit_s,
            mip_gap=mip_gap,
            msg=msg,
        )
        # duals of the limits a planner can change; choose-one/linking rows are omitted
        duals = {
            k: v
            for k, v in lp.duals.items()
            if model.rows[k].group in RELAXABLE_GROUPS and abs(v) > 1e-9
        }

    if violations:
        status = PlanStatus.ERROR
        text = "solver plan failed verification: " + "; ".join(v.message for v in violations)
        log.error(text)
    elif status == PlanStatus.OPTIMAL:
        text = (
            f"optimal plan: {problem.objective} {_fmt_money(value)} USD/day (gap {_fmt_gap(gap)})"
        )
    else:
        text = (
            f"feasible plan, optimality not proven: {problem.objective} "
            f"{_fmt_money(value)} USD/day, gap {_fmt_gap(gap)} ({run.raw_status})"
        )
    log.info("solve %s: %s", name, text)
    result = PlanResult(
        status=status,
        objective_value=value,
        best_bound=run.best_bound,
        mip_gap=gap,
        chosen=chosen,
        resource_units=units,
        total_cost_per_day_usd=tot["cost"],
        total_revenue_per_day_usd=tot["revenue"],
        total_profit_per_day_usd=tot["profit"],
        total_orders_per_day=tot["orders"],
        binding_constraints=binding,
        shadow_prices=duals,
        violations=tuple(violations),
        message=text,
        **common,
    )
    if violations and strict:
        raise PlanVerificationError(violations, result)
    return result
