"""Tierwise optimisation layer: revenue response, profit curves, PuLP plans and figures.

This package may import :mod:`simulation`; :mod:`simulation` never imports it. PuLP appears
only here. Solve a plan with :func:`tierwise.optimization.milp.solve.solve`.
"""

from tierwise.optimization.milp.problem import PlanProblem, ResourceSpec, TierOption
from tierwise.optimization.milp.result import PlanResult, PlanStatus

__all__ = ["PlanProblem", "PlanResult", "PlanStatus", "ResourceSpec", "TierOption"]
