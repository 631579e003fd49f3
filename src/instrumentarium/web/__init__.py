"""The web workstation: browse the catalog, look at spectra and patterns, correct by hand.

``create_app()`` builds the FastAPI app (needs the ``web`` extra); the manual-correction
steps in :mod:`._corrections` need only the core package. Imports are lazy so that loading
the step registry never pulls in the web framework.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app", "demo_measurements", "open_store"]


def __getattr__(name: str) -> Any:
    if name in ("create_app", "open_store"):
        from . import _app

        return getattr(_app, name)
    if name == "demo_measurements":
        from ._demo import demo_measurements

        return demo_measurements
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
