"""What the workstation shows of a measurement: searchable fields, plot data, result tables.

Result records come from other packages (NMR peaks, XRD phases...) whose exact types the
web does not import; it reads them as plain JSON and looks for the conventional field
names (units in names: ``*_ppm``, ``*_deg``). A record it cannot place is still shown in
the results tables, just not plotted.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

from ..model import Measurement, to_plain

__all__ = [
    "PEAK_FIELDS",
    "PHASE_NAME_FIELDS",
    "decimate",
    "index_fields",
    "peak_positions",
    "phase_names",
    "plot_data",
    "result_tables",
]

#: Field names that hold a peak position, by preference.
PEAK_FIELDS = ("position_ppm", "shift_ppm", "center_ppm", "ppm",
               "two_theta_deg", "position_deg", "center_deg")
#: Field names that name a crystalline phase.
PHASE_NAME_FIELDS = ("phase", "name", "mineral", "formula")


def _records(value: Any) -> list[dict[str, Any]]:
    plain = to_plain(value)
    items = plain if isinstance(plain, list) else [plain]
    return [r for r in items if isinstance(r, dict)]


def _finite(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def peak_positions(m: Measurement) -> list[float]:
    """Every peak position (ppm or degrees 2θ) found in the results, sorted."""
    out: list[float] = []
    for name, value in m.results.items():
        if "peak" not in name.lower():
            continue
        for r in _records(value):
            for f in PEAK_FIELDS:
                if _finite(r.get(f)):
                    out.append(float(r[f]))
                    break
    return sorted(out)


def _is_phase_result(name: str) -> bool:
    low = name.lower()
    return "phase" in low and "decision" not in low


def phase_names(m: Measurement) -> list[str]:
    """Names of the candidate or identified phases in the results (accepted ones only, if decided)."""
    names: list[str] = []
    for name, value in m.results.items():
        if not _is_phase_result(name):
            continue
        for r in _records(value):
            for f in PHASE_NAME_FIELDS:
                if isinstance(r.get(f), str) and r[f]:
                    names.append(r[f])
                    break
    rejected = {d["name"] for d in _records(m.results.get("phase_decisions", ())) if not d.get("accepted")}
    return [n for n in dict.fromkeys(names) if n not in rejected]


def index_fields(m: Measurement) -> dict[str, Any]:
    """The fields the catalog page filters on, as plain JSON."""
    acq = m.acquisition
    inst = m.instrument
    instrument = " ".join(x for x in (inst.vendor, inst.model, inst.name) if x) or None
    acquired = getattr(acq, "acquired_at", None)
    return {
        "technique": m.technique,
        "title": getattr(acq, "title", None) or m.sample.name,
        "sample": m.sample.name,
        "nucleus": getattr(acq, "nucleus", None),
        "solvent": getattr(acq, "solvent", None),
        "instrument": instrument,
        "acquired_at": acquired.isoformat() if acquired is not None else None,
        "phases": phase_names(m),
        "peaks": peak_positions(m),
        "n_points": int(m.signal.size),
        "warnings": list(m.warnings),
    }


def decimate(x: np.ndarray, y: np.ndarray, max_points: int) -> tuple[np.ndarray, np.ndarray]:
    """Reduce a curve to at most ``max_points`` points keeping every bucket's min and max.

    Min-max decimation keeps narrow peaks visible at any zoom-out, which plain striding
    loses (the M4 idea: Jugel et al., Proc. VLDB Endow. 7, 797 (2014)).
    """
    n = x.size
    if n <= max_points or max_points < 4:
        return x, y
    buckets = max_points // 2
    edges = np.linspace(0, n, buckets + 1).astype(int)
    idx = []
    for a, b in itertools.pairwise(edges):
        if b <= a:
            continue
        seg = y[a:b]
        i, j = a + int(np.argmin(seg)), a + int(np.argmax(seg))
        idx.extend(sorted({i, j}))
    sel = np.asarray(idx)
    return x[sel], y[sel]


def _axis_info(m: Measurement) -> dict[str, Any]:
    axis = m.axes[0]
    return {"name": axis.name, "unit": axis.unit, "reversed": bool(axis.is_descending or axis.unit == "ppm")}


def _sticks(m: Measurement) -> list[dict[str, Any]]:
    """Reference-phase sticks: records of phase results holding lists of positions."""
    out = []
    for name, value in m.results.items():
        if not _is_phase_result(name):
            continue
        for r in _records(value):
            label = next((r[f] for f in PHASE_NAME_FIELDS if isinstance(r.get(f), str)), name)
            pos = next((r[f] for f in ("two_theta_deg", "positions_deg", "stick_two_theta_deg")
                        if isinstance(r.get(f), list)), None)
            inten = next((r[f] for f in ("intensity", "intensities", "stick_intensity")
                          if isinstance(r.get(f), list)), None)
            if pos and inten and len(pos) == len(inten):
                out.append({"name": label, "x": pos, "y": inten})
    return out


def plot_data(m: Measurement, *, max_points: int = 8000) -> dict[str, Any]:
    """The JSON a browser plots: the (decimated) real curve, peaks, integrals, sticks.

    Multi-dimensional signals are shown by their first row (2-D NMR contours are not drawn yet).
    """
    signal = m.signal if m.ndim == 1 else m.signal.reshape(-1, m.shape[-1])[0]
    x = np.asarray(m.axes[-1].values, dtype=float)
    y = np.real(signal).astype(float)
    xd, yd = decimate(x, y, max_points)
    peaks = []
    for name, value in m.results.items():
        if "peak" not in name.lower():
            continue
        for r in _records(value):
            pos = next((float(r[f]) for f in PEAK_FIELDS if _finite(r.get(f))), None)
            if pos is not None:
                height = float(np.interp(pos, x[::-1], y[::-1]) if x[0] > x[-1] else np.interp(pos, x, y))
                label = r.get("label") or r.get("hkl") or f"{pos:.4g}"
                peaks.append({"x": pos, "y": height, "label": str(label)})
    integrals = []
    for name, value in m.results.items():
        if "integral" not in name.lower() and "multiplet" not in name.lower():
            continue
        for r in _records(value):
            a = next((r[f] for f in ("start_ppm", "low_ppm", "from_ppm") if _finite(r.get(f))), None)
            b = next((r[f] for f in ("end_ppm", "high_ppm", "to_ppm") if _finite(r.get(f))), None)
            if a is not None and b is not None:
                val = r.get("relative", r.get("value"))
                integrals.append({"start": float(a), "end": float(b), "kind": name,
                                  "label": f"{val:.3g}" if _finite(val) else ""})
    return {
        "x": [float(v) for v in xd],
        "y": [float(v) if math.isfinite(v) else None for v in yd],
        "axis": _axis_info(m),
        "signal_unit": m.signal_unit,
        "is_complex": m.is_complex,
        "n_points": int(x.size),
        "peaks": peaks,
        "integrals": integrals,
        "sticks": _sticks(m),
    }


def result_tables(m: Measurement) -> list[dict[str, Any]]:
    """Each result as a table: ``{"name", "columns", "rows"}`` of plain values."""
    tables = []
    for name, value in m.results.items():
        recs = _records(value)
        if not recs:
            tables.append({"name": name, "columns": ["value"], "rows": [[to_plain(value)]]})
            continue
        cols = list(dict.fromkeys(k for r in recs for k in r))
        rows = [[r.get(c) for c in cols] for r in recs]
        tables.append({"name": name, "columns": cols, "rows": rows})
    return tables
