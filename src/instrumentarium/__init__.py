"""Instrumentarium: an open, vendor-neutral workstation for analytical instruments.

The top-level names are loaded lazily so that ``import instrumentarium`` stays fast::

    import instrumentarium as ins
    raw = ins.read("path/to/bruker/expno")      # any registered format
    spec = ins.process(raw)                     # the technique's automatic recipe
    ins.save(spec, "spectrum.nxs")              # NeXus/HDF5
"""

from __future__ import annotations

import importlib
from typing import Any

from ._version import __version__

__all__ = [
    "Axis",
    "InstrumentariumError",
    "Measurement",
    "Recipe",
    "__version__",
    "analyze",
    "home",
    "load",
    "process",
    "read",
    "read_all",
    "save",
]

_LAZY = {
    "Axis": "instrumentarium.model",
    "Measurement": "instrumentarium.model",
    "InstrumentariumError": "instrumentarium.model",
    "read": "instrumentarium.formats",
    "read_all": "instrumentarium.formats",
    "save": "instrumentarium.formats",
    "load": "instrumentarium.formats",
    "process": "instrumentarium.pipeline",
    "analyze": "instrumentarium.pipeline",
    "Recipe": "instrumentarium.pipeline",
    "home": "instrumentarium._home",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'instrumentarium' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
