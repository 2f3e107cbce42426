"""The PuLP planning model.

Problem data, the MILP, solvers, solve, infeasibility explanations, sensitivity; it imports
no simulation code.
"""

__all__: list[str] = []
