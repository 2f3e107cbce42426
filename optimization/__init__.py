"""Tierwise optimisation layer: revenue response, profit curves, PuLP plans and figures.

This package may import :mod:`simulation`; :mod:`simulation` never imports it. PuLP appears
only here.
"""

from optimization.options import PlanProblem, PlanResult, PlanStatus, ResourceSpec, TierOption
from optimization.solve import solve

__all__ = ["PlanProblem", "PlanResult", "PlanStatus", "ResourceSpec", "TierOption", "solve"]
