"""Helpers shared by the NMR readers: nucleus names, axes, warnings and error wrapping.

Every NMR reader follows the conventions written in :mod:`instrumentarium.nmr.readers`;
the small pieces they have in common live here so that each reader says the same thing
the same way (a nucleus is ``"13C"``, a raw FID's axis is ``time`` in ``s``, a vendor
library's warning becomes a recorded ``Measurement.warnings`` entry, a vendor library's
exception becomes a :class:`~instrumentarium.model.FormatError` naming the file).
"""

from __future__ import annotations

import contextlib
import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ..model import Axis, FormatError, InstrumentariumError

__all__ = [
    "normalise_nucleus",
    "time_axis",
    "ppm_axis",
    "recorded_warnings",
    "vendor_errors",
    "jsonable",
]

_NUCLEUS_MASS_FIRST = re.compile(r"^\s*(\d{1,3})\s*([A-Za-z]{1,2})\s*$")
_NUCLEUS_SYMBOL_FIRST = re.compile(r"^\s*([A-Za-z]{1,2})\s*(\d{1,3})\s*$")


def normalise_nucleus(text: object) -> str | None:
    """Return a nucleus as mass number + symbol (``"1H"``, ``"13C"``, ``"31P"``).

    Accepts the spellings vendors write: ``"1H"``, ``"H1"``, ``"C13"``, ``"<13C>"``,
    ``"13c"``, JCAMP-DX's ``"^13C"``. Returns ``None`` for empty or ``"off"`` values, and the text unchanged
    when it is not recognisable (so nothing is lost).
    """
    if text is None:
        return None
    s = str(text).strip().strip("<>").strip().lstrip("^")
    if not s or s.lower() in {"off", "none", "undefined"}:
        return None
    for pattern, order in ((_NUCLEUS_MASS_FIRST, (1, 2)), (_NUCLEUS_SYMBOL_FIRST, (2, 1))):
        m = pattern.match(s)
        if m:
            mass, symbol = m.group(order[0]), m.group(order[1])
            return f"{int(mass)}{symbol[0].upper()}{symbol[1:].lower()}"
    return s


def time_axis(n_points: int, spectral_width_hz: float, name: str = "time") -> Axis:
    """Return the acquisition-time axis ``arange(n) / SW`` in seconds."""
    if not spectral_width_hz or not np.isfinite(spectral_width_hz) or spectral_width_hz <= 0:
        raise FormatError(f"spectral width {spectral_width_hz!r} Hz is not a positive number")
    return Axis(name, "s", np.arange(n_points, dtype=float) / float(spectral_width_hz))


def ppm_axis(n_points: int, *, first_ppm: float, step_ppm: float, name: str = "chemical_shift") -> Axis:
    """Return a chemical-shift axis ``first_ppm - j * step_ppm`` (index 0 = highest ppm)."""
    return Axis(name, "ppm", float(first_ppm) - float(step_ppm) * np.arange(n_points, dtype=float))


@contextlib.contextmanager
def recorded_warnings(into: list[str], prefix: str = "") -> Iterator[None]:
    """Catch every warning raised inside the block and append its text to ``into``.

    Vendor libraries (nmrglue) warn about odd files; the test suite turns warnings into
    errors and users should see them in ``Measurement.warnings`` instead of on stderr.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for w in caught:
        into.append(f"{prefix}{w.message}")


@contextlib.contextmanager
def vendor_errors(path: Path | str, what: str) -> Iterator[None]:
    """Turn any non-instrumentarium exception raised in the block into a FormatError.

    ``what`` says what was being done (``"reading the JEOL header"``) so the message tells
    the user where it failed. A FormatError that names no file gets ``path``.
    """
    try:
        yield
    except FormatError as exc:
        if exc.path is None:  # say which file, whatever raised it
            raise type(exc)(str(exc), path=path) from exc
        raise
    except InstrumentariumError:
        raise
    except MemoryError as exc:
        raise FormatError(f"{what}: the file announces more data than fits in memory", path=path) from exc
    except Exception as exc:
        raise FormatError(
            f"{what} failed ({type(exc).__name__}: {exc}); the file is damaged or not in the "
            "expected format",
            path=path,
        ) from exc


def jsonable(value: object) -> object:
    """Return ``value`` as plain JSON types (dict, list, str, int, float, bool, None).

    Vendor libraries hand back tuples, numpy scalars and arrays, bytes and small objects;
    ``raw_parameters`` must stay JSON-compatible. Non-finite floats become strings.
    """
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        return value if np.isfinite(value) else repr(value)
    if isinstance(value, np.generic):
        return jsonable(value.item())
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    if isinstance(value, bytes):
        return value.decode("latin-1").rstrip("\x00")
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    return str(value)
