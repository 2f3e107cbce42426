"""The PuLP planning model: problem data, MILP, solvers, solve, infeasibility explanations, sensitivity (imports no simulation code)."""

__all__: list[str] = []
