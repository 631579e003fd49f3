"""``read(path)``: ask every registered reader, use the most confident."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..model import FormatError, Measurement, UnknownFormatError
from ..plugins import readers
from ._reader import safe_sniff

__all__ = ["read", "sniff", "read_all"]


def sniff(path: str | os.PathLike[str]) -> list[tuple[float, str]]:
    """Return ``(confidence, reader name)`` for every reader that claims ``path``, best first."""
    p = Path(path)
    scores = []
    for name, reader in readers().items():
        score = safe_sniff(reader, p)
        if score > 0:
            scores.append((score, name))
    scores.sort(key=lambda t: (-t[0], t[1]))
    return scores


def _resolve(path: str | os.PathLike[str], reader: str | None) -> tuple[Path, Any]:
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"{p}: no such file or folder")
    registry = readers()
    if reader is not None:
        if reader not in registry:
            raise UnknownFormatError(p, sorted(registry))
        return p, registry[reader]
    ranked = sniff(p)
    if not ranked:
        raise UnknownFormatError(p, sorted(registry))
    return p, registry[ranked[0][1]]


def read(path: str | os.PathLike[str], *, reader: str | None = None) -> Measurement:
    """Read a vendor file or folder into a Measurement.

    Parameters
    ----------
    path
        A file, or a vendor folder (a Bruker experiment directory is a folder).
    reader
        Force a reader by name instead of sniffing (see ``instrumentarium formats``).

    Returns
    -------
    Measurement
        For files holding several scans, the first; use :func:`read_all` for all.

    Raises
    ------
    UnknownFormatError
        When no registered reader claims the path (the error lists those tried).
    FormatError
        When the file is claimed but corrupt, truncated or inconsistent.
    """
    out = read_all(path, reader=reader)
    return out[0]


def read_all(path: str | os.PathLike[str], *, reader: str | None = None) -> list[Measurement]:
    """Read every measurement (scan) in a file or folder."""
    p, r = _resolve(path, reader)
    result = r.read(p)
    items = result if isinstance(result, list) else [result]
    if not items:
        raise FormatError(f"the {r.name} reader found no measurement in it", path=p)
    for m in items:
        if not isinstance(m, Measurement):
            raise FormatError(f"the {r.name} reader returned {type(m).__name__}", path=p)
    return items
