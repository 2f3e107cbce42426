"""Analytic queueing and inventory theory (Erlang, priority queues, base stock) and offered loads."""

__all__: list[str] = []
