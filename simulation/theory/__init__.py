"""Analytic queueing and inventory theory.

Erlang, priority queues, base stock, and the offered loads of a scenario.
"""

__all__: list[str] = []
