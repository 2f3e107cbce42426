"""Run a built MILP through PuLP (CBC or HiGHS) and map the solver status honestly.

:func:`run_model` returns a :class:`SolverRun`: status (never ``OPTIMAL`` unless proven),
objective, bound, gap and the chosen options; :mod:`tierwise.optimization.milp.solve`,
:mod:`tierwise.optimization.milp.explain` and :mod:`tierwise.optimization.milp.relax` all
build on it.
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
from dataclasses import dataclass, field
from typing import Literal

import pulp

from tierwise.optimization.milp.model import PlanModel
from tierwise.optimization.milp.problem import PlanProblem, TierOption
from tierwise.optimization.milp.result import PlanStatus
from tierwise.optimization.milp.rows import OptionKey

__all__ = [
    "DIAGNOSTIC_GAP",
    "SolverName",
    "SolverRun",
    "available_solvers",
    "chosen_from_run",
    "normalise_solver",
    "run_model",
    "run_to_optimality",
]

log = logging.getLogger(__name__)

SolverName = Literal["cbc", "highs"]

DIAGNOSTIC_GAP = 1e-9
"""Relative MIP gap of the diagnostic sub-problems (solved to near proven optimality)."""


@dataclass
class SolverRun:
    """Raw outcome of one solver call on a :class:`~tierwise.optimization.milp.model.PlanModel`.

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


def normalise_solver(solver: str) -> SolverName:
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
    name: SolverName,
    *,
    mip: bool,
    time_limit_s: float,
    mip_gap: float,
    log_path: str,
    cbc_preprocess: bool = False,
) -> pulp.LpSolver:
    if name == "cbc":
        # PULP_CBC_CMD (bundled binary) is deprecated for PuLP 4; pyproject pins pulp<4.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            cls = getattr(pulp, "PULP_CBC_CMD", None)
            if cls is None or not cls().available():  # pragma: no cover - pulp >= 4
                cls = pulp.COIN_CMD
            # CBC 2.10's preprocessing can cut off the optimum of small multiple-choice
            # models and still report "Optimal" (seen on a 3-tier plan: 46,166 instead of
            # 51,497; tests/optimization/test_solvers.py keeps that instance). Off, it is right.
            return cls(
                mip=mip,
                msg=False,
                timeLimit=time_limit_s,
                gapRel=mip_gap,
                logPath=log_path,
                options=[] if cbc_preprocess else ["preprocess off"],
            )
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
        Built by :func:`tierwise.optimization.milp.model.build_model`.
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
    name = normalise_solver(solver)
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
        try:
            prob.solve(engine)
        except pulp.PulpSolverError:
            if name != "cbc":
                raise
            # without preprocessing, CBC writes no solution file when it proves the model
            # infeasible; its preprocessing is reliable for that verdict, so ask again with it
            log.info("cbc (preprocess off) gave no solution on %s; re-running with it", prob.name)
            engine = _make_solver(
                name,
                mip=not model.relaxed,
                time_limit_s=time_limit_s,
                mip_gap=mip_gap,
                log_path=log_path,
                cbc_preprocess=True,
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


def run_to_optimality(model: PlanModel, *, solver: str, time_limit_s: float) -> SolverRun:
    """:func:`run_model` at :data:`DIAGNOSTIC_GAP`, for the sub-problems that explain a plan.

    A run stopped before optimality was proven is logged as a warning: its numbers are
    then bounds, not exact values.
    """
    run = run_model(model, solver=solver, time_limit_s=time_limit_s, mip_gap=DIAGNOSTIC_GAP)
    if run.status == PlanStatus.FEASIBLE_NOT_PROVEN:
        log.warning("%s: sub-problem not solved to optimality; numbers are bounds", model.prob.name)
    return run


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


def _nan_low(v: float) -> float:
    return -math.inf if math.isnan(v) else v


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
