"""From a company's own order history to customer tiers and a calibrated scenario.

Application layer (imports simulation, optimization, common and figures). Modules, in the
order of the work: :mod:`~tierwise.history.reading` (the CSV, column mapping, errors by line
and column), :mod:`~.rfm` (recency, frequency, monetary and profit per customer),
:mod:`~.classify` (Pareto or RFM tiers, the tier table), :mod:`~.fitting` (count distributions
by AIC and chi-square), :mod:`~.calibrate` (each tier's demand), :mod:`~.retention` (retention,
CLV, the retention revenue response), :mod:`~.writer` (the commented scenario YAML),
:mod:`~.figure` (the Pareto figure), :mod:`~.analysis` (all of it in one call, what
``tierwise tiers`` runs) and :mod:`~.sample` (the bundled sample history and its generator).
"""

__all__: list[str] = []
