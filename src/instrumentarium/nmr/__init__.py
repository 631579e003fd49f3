"""NMR: processing steps and recipes (readers in :mod:`.readers`, analysis in :mod:`.analysis`).

Importing :mod:`instrumentarium.nmr.processing` registers the ``nmr.*`` processing steps.
"""

__all__: list[str] = []
