"""Analysis of simulated results.

Statistics and the noise-aware cost-versus-service frontier.
"""

__all__: list[str] = []
