"""Economics.

Revenue responses (logistic, ADBUDG, retention/CLV, loyalty) and profit curves.
"""

__all__: list[str] = []
