"""Tierwise optimisation layer: revenue response, profit curves, PuLP plans and figures.

This package may import :mod:`simulation`; :mod:`simulation` never imports it. PuLP appears
only here. Solve a plan with :func:`optimization.solve.solve`.
"""

from optimization.options import PlanProblem, PlanResult, PlanStatus, ResourceSpec, TierOption

__all__ = ["PlanProblem", "PlanResult", "PlanStatus", "ResourceSpec", "TierOption"]
