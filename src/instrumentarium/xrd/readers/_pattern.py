"""Build a powder-pattern Measurement the same way for every XRD reader.

Every reader ends with :func:`make_pattern`: it checks the arrays (same length, finite,
non-empty), sorts a descending scan into ascending order, and fills ``technique``,
the axis, ``signal_unit`` and ``source`` consistently. Small parsing helpers shared by
the readers (numbers that may be written as ``"3001.0000"``, dates with or without a
time zone, slit names such as ``"Fixed slit 1/32°"``) live here too.
"""

from __future__ import annotations

import datetime as _dt
import re
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ...model import (
    Axis,
    FormatError,
    Instrument,
    Measurement,
    Sample,
    Source,
    XRDAcquisition,
)

__all__ = [
    "make_pattern",
    "parse_float",
    "parse_int",
    "parse_datetime",
    "slit_angle_deg",
    "anode_from_wavelength",
    "uniform_step",
    "duration_s",
    "numeric_table",
    "KALPHA_ANGSTROM",
]

#: K-alpha1, K-alpha2 (Å) and the usual I(K-alpha2)/I(K-alpha1) of common anodes
#: (Hölzer et al., Phys. Rev. A 56, 4554 (1997) for Cu; International Tables for
#: Crystallography Vol. C, Table 4.2.2.1).
KALPHA_ANGSTROM: dict[str, tuple[float, float, float]] = {
    "Cu": (1.5405929, 1.5444274, 0.5),
    "Co": (1.7889960, 1.7928350, 0.5),
    "Fe": (1.9360410, 1.9399730, 0.5),
    "Cr": (2.2897260, 2.2936510, 0.5),
    "Mo": (0.7093171, 0.7136900, 0.5),
    "Ag": (0.5594075, 0.5638130, 0.5),
}


def anode_from_wavelength(wavelength_angstrom: float | None) -> str | None:
    """Return the anode whose K-alpha1 (or K-alpha mean) is within 0.002 Å of ``wavelength_angstrom``."""
    if wavelength_angstrom is None or not np.isfinite(wavelength_angstrom):
        return None
    for anode, (k1, k2, ratio) in KALPHA_ANGSTROM.items():
        mean = (k1 + ratio * k2) / (1 + ratio)
        if abs(wavelength_angstrom - k1) < 0.002 or abs(wavelength_angstrom - mean) < 0.002:
            return anode
    return None


_SPLIT = re.compile(r"[,;\s]+")
_SEPARATORS = str.maketrans({",": " ", ";": " ", "\t": " "})


def numeric_table(lines: list[str]) -> np.ndarray | None:
    """Lines of numbers (spaces, tabs, commas or semicolons) as a 2-D array in one C loop.

    Returns None - and the caller parses line by line, to report what is wrong where -
    unless every non-blank line holds the same number (>= 2) of numbers. ``np.fromstring``
    in text mode stops at the first non-number with a warning, which is caught here.
    """
    rows = [ln for ln in lines if ln.strip()]
    if not rows:
        return None
    width = len(_SPLIT.split(rows[0].strip()))
    if width < 2 or len(_SPLIT.split(rows[-1].strip())) != width:
        return None
    body = "\n".join(rows).translate(_SEPARATORS)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            values = np.fromstring(body, dtype=np.float64, sep=" ")
        except (ValueError, DeprecationWarning):
            return None
    if values.size != len(rows) * width:
        return None
    return values.reshape(len(rows), width)


def duration_s(started: object, finished: object) -> float | None:
    """Seconds between two time-zone-aware vendor time stamps, None when either is missing."""
    a, b = parse_datetime(started), parse_datetime(finished)
    if a is None or b is None or b < a:
        return None
    return (b - a).total_seconds()


def uniform_step(x: np.ndarray, *, rtol: float = 1e-3) -> float | None:
    """The step of an equally spaced axis, or None when the spacing varies (stitched ranges)."""
    if x.size < 2:
        return None
    d = np.diff(x)
    step = float((x[-1] - x[0]) / (x.size - 1))
    if step == 0 or not np.allclose(d, step, rtol=rtol, atol=abs(step) * rtol + 1e-4):
        return None
    return step


def parse_float(text: object) -> float | None:
    """``float(text)`` for a header value, ``None`` when empty or not a finite number."""
    if text is None:
        return None
    s = str(text).strip().strip('"').strip()
    if not s:
        return None
    try:
        value = float(s)
    except ValueError:
        return None
    return value if np.isfinite(value) else None


def parse_int(text: object) -> int | None:
    """An integer header value, also when written as ``"3001.0000000000"`` (Rigaku MiniFlex)."""
    value = parse_float(text)
    if value is None or value != round(value) or abs(value) > 2**62:
        return None
    return round(value)


_DATE_FORMATS = (
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%S.%f%z",
    "%Y-%m-%d %H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%m/%d/%y %H:%M:%S",
    "%m/%d/%Y %H:%M:%S",
    "%d-%b-%Y %H:%M",
    "%d-%b-%Y %H:%M:%S",
)


def parse_datetime(text: object) -> _dt.datetime | None:
    """Parse a vendor date; ``None`` unless it carries a time zone.

    A date without a time zone cannot be placed in time reliably (the instrument PC's
    local zone is unknown), so it is left in ``raw_parameters`` only.
    """
    if text is None:
        return None
    s = str(text).strip().strip('"').strip()
    if not s:
        return None
    try:
        value = _dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        value = None
        for fmt in _DATE_FORMATS:
            try:
                value = _dt.datetime.strptime(s, fmt)
                break
            except ValueError:
                continue
    if value is None or value.tzinfo is None:
        return None
    return value


_FRACTION = re.compile(r"(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)")
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)")


def slit_angle_deg(name: str | None) -> float | None:
    """Opening in degrees from a slit name such as ``"Fixed slit 1/32°"`` or ``"Slit 1°"``."""
    if not name or ("°" not in name and "deg" not in name.lower()):
        return None
    m = _FRACTION.search(name)
    if m and float(m.group(2)) != 0:
        return float(m.group(1)) / float(m.group(2))
    m = _NUMBER.search(name)
    return float(m.group(1)) if m else None


def make_pattern(
    path: Path,
    x: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    *,
    reader: Any,
    format: str,
    signal_unit: str = "counts",
    axis_name: str = "two_theta",
    acquisition: XRDAcquisition | None = None,
    raw_parameters: Mapping[str, Any] | None = None,
    sample: Sample | None = None,
    instrument: Instrument | None = None,
    warnings: Sequence[str] = (),
    source_paths: Sequence[Path] | None = None,
    signal_errors: Sequence[float] | np.ndarray | None = None,
) -> Measurement:
    """Return a checked 1-D powder pattern (angle ascending, float64 intensities).

    ``signal_errors`` (the file's one-σ e.s.d. of each intensity) are kept with the
    signal when they are all finite and non-negative; otherwise they are left out with a
    warning.

    Raises
    ------
    FormatError
        When the arrays are empty, of different lengths, or hold non-finite values.
    """
    xa = np.asarray(x, dtype=np.float64).ravel()
    ya = np.asarray(y, dtype=np.float64).ravel()
    if xa.size == 0:
        raise reader.fail(path, "the pattern holds no data points")
    if xa.size != ya.size:
        raise reader.fail(path, f"{xa.size} angles but {ya.size} intensities")
    if not np.all(np.isfinite(xa)):
        raise reader.fail(path, "the angle column holds non-numeric or infinite values")
    if not np.all(np.isfinite(ya)):
        raise reader.fail(path, "the intensity column holds non-numeric or infinite values")
    notes = list(warnings)
    ea = None
    if signal_errors is not None:
        ea = np.asarray(signal_errors, dtype=np.float64).ravel()
        if ea.size != ya.size:
            raise reader.fail(path, f"{ya.size} intensities but {ea.size} e.s.d. values")
        if not np.all(np.isfinite(ea) & (ea >= 0)):
            notes.append("the e.s.d. column holds negative or non-numeric values: uncertainties not kept")
            ea = None
    if xa.size > 1:
        d = np.diff(xa)
        if np.all(d < 0):
            xa, ya = xa[::-1].copy(), ya[::-1].copy()
            ea = ea[::-1].copy() if ea is not None else None
        elif not np.all(d > 0):
            order = np.argsort(xa, kind="stable")
            xa, ya = xa[order], ya[order]
            ea = ea[order] if ea is not None else None
            notes.append(f"{axis_name} values were not monotonic; points were sorted by angle")
    try:
        source = Source.from_files(
            source_paths or [path], reader=reader.name, reader_version=reader.version, format=format
        )
    except OSError as exc:  # pragma: no cover - the file vanished while reading
        raise FormatError(f"cannot hash the file: {exc}", path=path) from exc
    return Measurement(
        technique="xrd",
        signal=ya,
        axes=(Axis(axis_name, "deg", xa),),
        signal_unit=signal_unit,
        acquisition=acquisition or XRDAcquisition(),
        raw_parameters=dict(raw_parameters or {}),
        source=source,
        sample=sample or Sample(),
        instrument=instrument or Instrument(),
        warnings=tuple(notes),
        signal_errors=ea,
    )
