"""Figures: one style, one save function (PNG + SVG, atomic), one module per figure kind.

:mod:`~tierwise.figures.style` (colours, tick formatters, legends), :mod:`~.intervals` (rate
intervals inside [0, 1]), :mod:`~.labels` (variants named by their decisions),
:mod:`~.placement` (annotation boxes where they cover no curve), :mod:`~.files` (saving);
figures: :mod:`~.curves`, :mod:`~.budget`, :mod:`~.comparison`.
"""

__all__: list[str] = []
