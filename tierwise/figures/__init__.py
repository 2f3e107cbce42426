"""Figures: one style, one save function (PNG + SVG, atomic), one module per figure kind."""

__all__: list[str] = []
