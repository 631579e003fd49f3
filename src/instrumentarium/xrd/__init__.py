"""Powder X-ray diffraction: readers, processing, analysis (see DESIGN.md).

Submodules load on demand: :mod:`instrumentarium.xrd.processing` (steps),
:mod:`instrumentarium.xrd.analysis` (peaks, calibration, size/strain),
:mod:`instrumentarium.xrd.recipes`, :mod:`instrumentarium.xrd.phases` (pattern calculation,
reference database, search-match; ``instrumentarium.xrd.identify``).
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["analysis", "identify", "phases", "processing", "recipes"]


def __getattr__(name: str) -> Any:
    if name == "identify":  # phase identification (search-match), instrumentarium.xrd.phases
        return importlib.import_module(f"{__name__}.phases").identify
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
