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
    "phase_candidates",
    "phase_names",
    "plot_data",
    "result_tables",
    "walk_records",
]

#: Field names that hold a peak position (ppm or degrees 2θ), by preference.
PEAK_FIELDS = ("ppm", "two_theta_deg", "position_ppm", "shift_ppm", "position_deg")
#: Field names that name a crystalline phase.
PHASE_NAME_FIELDS = ("name", "phase", "mineral", "formula")


def _finite(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def walk_records(results: Any) -> list[tuple[str, dict[str, Any]]]:
    """Every record (plain dict) in the results, at any depth, with its dotted path.

    ``{"analysis": NMRAnalysis(peaks=(...), multiplets=(...))}`` gives the analysis itself
    at ``"analysis"``, its peaks at ``"analysis.peaks"`` and so on.
    """
    out: list[tuple[str, dict[str, Any]]] = []

    def visit(value: Any, path: str) -> None:
        if isinstance(value, list):
            for v in value:
                visit(v, path)
        elif isinstance(value, dict):
            out.append((path, value))
            for k, v in value.items():
                if isinstance(v, dict) or (isinstance(v, list) and any(isinstance(x, dict) for x in v)):
                    visit(v, f"{path}.{k}")

    for name, value in results.items():
        visit(to_plain(value), name)
    return out


def _peak_position(r: dict[str, Any]) -> float | None:
    return next((float(r[f]) for f in PEAK_FIELDS if _finite(r.get(f))), None)


def _is_phase(path: str, r: dict[str, Any]) -> bool:
    if "decision" in path:
        return False
    named = any(isinstance(r.get(f), str) and r[f] for f in ("name", "phase", "mineral"))
    return "weight_fraction" in r or (named and isinstance(r.get("formula"), str))


def _decisions(m: Measurement) -> dict[str, bool]:
    """A person's decisions on phases, by name: True accepted, False rejected."""
    return {str(r.get("name")): bool(r.get("accepted")) for path, r in walk_records(m.results)
            if path.startswith("phase_decisions") and isinstance(r.get("accepted"), bool)}


def _rejected(m: Measurement) -> set[str]:
    return {name for name, ok in _decisions(m).items() if not ok}


def peak_positions(m: Measurement) -> list[float]:
    """Every peak position (ppm or degrees 2θ) found in the results, sorted, without repeats."""
    found = {round(p, 6) for _, r in walk_records(m.results) if (p := _peak_position(r)) is not None}
    return sorted(found)


def phase_candidates(m: Measurement) -> list[dict[str, Any]]:
    """Candidate or identified phases (name, formula, score, wt), with whether they are accepted.

    Where the results quantify phases (records with a ``weight_fraction``, as search-match
    gives), those are the accepted ones and the other candidates are alternatives, not
    accepted; otherwise every candidate counts as accepted. A person's decision overrides both.
    """
    decided = _decisions(m)
    records = [(path, r) for path, r in walk_records(m.results) if _is_phase(path, r)]
    quantified = any(_finite(r.get("weight_fraction")) for _, r in records)
    out: dict[str, dict[str, Any]] = {}
    for path, r in records:
        name = next(str(r[f]) for f in PHASE_NAME_FIELDS if isinstance(r.get(f), str) and r[f])
        wf = r.get("weight_fraction")
        if name in out:
            if out[name]["weight_fraction"] is None and _finite(wf):
                out[name].update(weight_fraction=wf, accepted=decided.get(name, True))
            continue
        default = _finite(wf) if quantified else True
        ref = r.get("reference_id")
        out[name] = {"name": name, "formula": r.get("formula"), "score": r.get("score"),
                     "weight_fraction": wf, "reference_id": ref if isinstance(ref, int) else None,
                     "from": path, "accepted": decided.get(name, default)}
    return list(out.values())


def phase_names(m: Measurement) -> list[str]:
    """Names of the candidate or identified phases, without those a person rejected."""
    return [c["name"] for c in phase_candidates(m) if c["accepted"]]


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
    """Reference-phase sticks: phase records holding lists of positions and intensities."""
    rejected = _rejected(m)
    out, seen = [], set()
    for path, r in walk_records(m.results):
        if not _is_phase(path, r):
            continue
        label = next(str(r[f]) for f in PHASE_NAME_FIELDS if isinstance(r.get(f), str) and r[f])
        pos = next((r[f] for f in ("stick_two_theta_deg", "two_theta_deg", "positions_deg")
                    if isinstance(r.get(f), list)), None)
        inten = next((r[f] for f in ("stick_intensity", "intensity", "intensities")
                      if isinstance(r.get(f), list)), None)
        if pos and inten and len(pos) == len(inten) and label not in seen:
            seen.add(label)
            out.append({"name": label, "x": pos, "y": inten, "rejected": label in rejected})
    return out


def _ranges(m: Measurement) -> list[dict[str, Any]]:
    """Integral ranges and multiplets to shade: (start, end) in ppm with a label."""
    out = []
    for path, r in walk_records(m.results):
        a = next((r[f] for f in ("start_ppm", "low_ppm", "from_ppm") if _finite(r.get(f))), None)
        b = next((r[f] for f in ("end_ppm", "stop_ppm", "high_ppm", "to_ppm") if _finite(r.get(f))), None)
        rng = r.get("range_ppm")
        if a is not None and b is not None:
            if _finite(r.get("relative")):
                label = f"{r['relative']:.3g}"
            elif _finite(r.get("n_h")) and r["n_h"] > 0:
                label = f"{r['n_h']:.2g}H"
            else:
                val = next((r[f] for f in ("value", "integral") if _finite(r.get(f))), None)
                label = f"{val:.3g}" if val is not None else ""
            out.append({"start": float(a), "end": float(b), "kind": "integral", "from": path, "label": label})
        elif isinstance(rng, list) and len(rng) == 2 and all(_finite(v) for v in rng):
            j = ", ".join(f"{v:.1f}" for v in r.get("j_hz") or [] if _finite(v))
            label = str(r.get("multiplicity") or "m") + (f" J={j} Hz" if j else "")
            if _finite(r.get("n_h")) and r["n_h"] > 0:
                label += f" {r['n_h']:.2g}H"
            out.append({"start": float(rng[0]), "end": float(rng[1]), "kind": "multiplet", "from": path,
                        "label": label})
    return out


def plot_data(m: Measurement, *, max_points: int = 8000, max_cells: int | None = None) -> dict[str, Any]:
    """The JSON a browser plots: the (decimated) real curve, peaks, integrals, multiplets, sticks.

    ``kind`` is ``"line"``; a 2-D measurement gives the contours or stacked rows of
    :func:`instrumentarium.web._plot2d.plot_data_2d` (at most ``max_cells`` matrix cells).
    Higher dimensions are shown by their first 2-D plane.
    """
    if m.ndim >= 2 and min(m.shape[-2:]) > 1:
        from ._plot2d import MAX_CELLS, plot_data_2d

        if m.ndim > 2:
            m = m.replace(signal=m.signal.reshape(-1, *m.shape[-2:])[0], axes=m.axes[-2:])
        return plot_data_2d(m, max_cells=max_cells or MAX_CELLS, max_points=max_points)
    signal = m.signal if m.ndim == 1 else m.signal.reshape(-1, m.shape[-1])[0]
    x = np.asarray(m.axes[-1].values, dtype=float)
    y = np.real(signal).astype(float)
    xd, yd = decimate(x, y, max_points)
    ascending = x[0] <= x[-1]
    peaks, seen = [], set()
    for _, r in walk_records(m.results):
        pos = _peak_position(r)
        if pos is None or "range_ppm" in r or round(pos, 4) in seen:
            continue
        seen.add(round(pos, 4))
        height = float(np.interp(pos, x, y) if ascending else np.interp(pos, x[::-1], y[::-1]))
        label = r.get("label") or r.get("hkl") or f"{pos:.4g}"
        peaks.append({"x": pos, "y": height, "label": str(label)})
    return {
        "kind": "line",
        "x": [float(v) for v in xd],
        "y": [float(v) if math.isfinite(v) else None for v in yd],
        "axis": _axis_info(m),
        "signal_unit": m.signal_unit,
        "is_complex": m.is_complex,
        "n_points": int(x.size),
        "peaks": peaks,
        "integrals": _ranges(m),
        "sticks": _sticks(m),
    }


def _cell(v: Any) -> Any:
    if isinstance(v, list):
        if v and all(_finite(x) or isinstance(x, str) for x in v):
            return ", ".join(f"{x:.6g}" if _finite(x) else str(x) for x in v[:12]) + (" …" if len(v) > 12 else "")
        return f"[{len(v)} items]"
    if isinstance(v, dict):
        return "{…}"
    return v


def result_tables(m: Measurement) -> list[dict[str, Any]]:
    """The results as tables, one per path of records (``analysis``, ``analysis.peaks``...)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for path, r in walk_records(m.results):
        groups.setdefault(path, []).append(r)
    tables = []
    for name, value in m.results.items():
        if not isinstance(to_plain(value), dict | list):
            tables.append({"name": name, "columns": ["value"], "rows": [[to_plain(value)]]})
    for path, recs in groups.items():
        cols = [k for k in dict.fromkeys(k for r in recs for k in r)
                if not any(isinstance(r.get(k), list) and any(isinstance(x, dict) for x in r[k]) for r in recs)
                and not any(isinstance(r.get(k), dict) for r in recs)]
        tables.append({"name": path, "columns": cols, "rows": [[_cell(r.get(c)) for c in cols] for r in recs]})
    return tables
