"""One home for everything instrumentarium keeps: catalog, store, reference data, settings.

``$INSTRUMENTARIUM_HOME`` when set, else the user's data directory
(``~/.local/share/instrumentarium`` on Linux).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["home", "home_path", "ENV_VAR"]

ENV_VAR = "INSTRUMENTARIUM_HOME"


def home(*, create: bool = True) -> Path:
    """Return the instrumentarium home folder, creating it unless ``create=False``."""
    env = os.environ.get(ENV_VAR)
    if env:
        path = Path(env).expanduser()
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir("instrumentarium", appauthor=False))
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def home_path(*parts: str, create_parent: bool = True) -> Path:
    """Return a path inside the home (``home_path("refdb", "xrd.sqlite")``)."""
    path = home(create=create_parent).joinpath(*parts)
    if create_parent:
        path.parent.mkdir(parents=True, exist_ok=True)
    return path
