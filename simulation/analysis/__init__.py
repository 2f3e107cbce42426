"""Analysis of simulated results: statistics and the noise-aware cost-versus-service frontier."""

__all__: list[str] = []
