"""Turn a processed Measurement (and its analysis) into plain catalog rows.

The technique packages define their own typed results; the catalog knows none of them.
It reads them by duck typing on their plain JSON form (:func:`instrumentarium.model.to_plain`):

- a record with ``ppm`` or ``two_theta_deg`` (or ``position`` + ``unit``) is a **peak**;
- a record with ``multiplicity`` (or ``center_ppm`` and ``j_hz``) is a **multiplet**;
- a record with ``weight_fraction``, or ``formula`` and a name, is a **phase**; where a result
  quantifies some of its phases (search-match), the unquantified ones are runners-up and not indexed;
- a finite scalar number at the top level of a result record is a **metric**
  (``analysis.noise``, ``qc.snr``...), and a short string there a textual metric.

Every result is also kept whole as JSON, so nothing the technique said is lost.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping
from typing import Any

from ..model import Measurement, to_plain

__all__ = ["measurement_row", "result_rows", "instrument_fields", "sample_fields"]

_PHASE_NAME_KEYS = ("name", "phase", "mineral", "label")
_MAX_METRIC_TEXT = 200


def _num(x: Any) -> float | None:
    if isinstance(x, bool) or not isinstance(x, int | float):
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def _utc(when: Any) -> _dt.datetime | None:
    """Aware times in UTC (what every backend stores alike); naive ones as the file gave them."""
    if not isinstance(when, _dt.datetime):
        return None
    return when.astimezone(_dt.UTC) if when.tzinfo is not None else when


def measurement_row(m: Measurement) -> dict[str, Any]:
    """The queryable columns (and JSON) of one measurement."""
    acq = m.acquisition
    freq = getattr(acq, "spectrometer_frequency_mhz", None)
    solvent = getattr(acq, "solvent", None)
    return {
        "technique": m.technique,
        "reader": m.source.reader,
        "format": m.source.format,
        "title": getattr(acq, "title", None) or m.sample.name,
        "acquired_at": _utc(getattr(acq, "acquired_at", None)),
        "nucleus": getattr(acq, "nucleus", None),
        "solvent": solvent,
        "frequency_mhz": _num(freq),
        "pulse_program": getattr(acq, "pulse_program", None),
        "temperature_k": _num(getattr(acq, "temperature_k", None)),
        "wavelength_angstrom": _num(getattr(acq, "wavelength_angstrom", None)),
        "anode": getattr(acq, "anode", None),
        "shape": list(m.shape),
        "acquisition": to_plain(acq),
        "source": to_plain(m.source),
        "warnings": list(m.warnings),
    }


def instrument_fields(m: Measurement) -> dict[str, Any] | None:
    """The instrument's fields, or None when the files say nothing about it."""
    d = {k: v for k, v in to_plain(m.instrument).items() if v not in (None, "")}
    return d or None


def sample_fields(m: Measurement) -> dict[str, Any] | None:
    """The sample's name, description and formula, or None when unknown."""
    d = to_plain(m.sample)
    out = {k: d.get(k) for k in ("name", "description", "formula") if d.get(k) not in (None, "")}
    return out or None


def _type_name(value: Any) -> str | None:
    v = value[0] if isinstance(value, tuple | list) and value else value
    return None if isinstance(v, tuple | list) else type(v).__name__


def _peak(rec: Mapping[str, Any]) -> dict[str, Any] | None:
    if _num(rec.get("ppm")) is not None:
        pos, unit = rec["ppm"], "ppm"
    elif _num(rec.get("two_theta_deg")) is not None:
        pos, unit = rec["two_theta_deg"], "deg"
    elif _num(rec.get("position")) is not None and isinstance(rec.get("unit"), str):
        pos, unit = rec["position"], rec["unit"]
    else:
        return None
    width = next((_num(rec[k]) for k in ("width_hz", "fwhm_deg", "fwhm", "width") if k in rec), None)
    label = rec.get("label") or rec.get("hkl") or rec.get("kind")
    return {
        "position": float(pos),
        "unit": unit,
        "intensity": _num(rec.get("intensity", rec.get("height"))),
        "width": width,
        "label": None if label in (None, "") else str(label)[:200],
        "data": rec,
    }


def _multiplet(rec: Mapping[str, Any]) -> dict[str, Any] | None:
    if "multiplicity" not in rec and not ("center_ppm" in rec and "j_hz" in rec):
        return None
    j = rec.get("j_hz") or []
    return {
        "center_ppm": _num(rec.get("center_ppm", rec.get("ppm"))),
        "multiplicity": None if rec.get("multiplicity") is None else str(rec["multiplicity"])[:32],
        "j_hz": [float(x) for x in j if _num(x) is not None] if isinstance(j, list) else [],
        "n_h": _num(rec.get("n_h")),
        "data": rec,
    }


def _phase(rec: Mapping[str, Any]) -> dict[str, Any] | None:
    name = next((rec[k] for k in _PHASE_NAME_KEYS if isinstance(rec.get(k), str) and rec[k]), None)
    formula = rec.get("formula") if isinstance(rec.get("formula"), str) else None
    if "weight_fraction" not in rec and not (formula and name):
        return None
    return {
        "name": name,
        "formula": formula,
        "weight_fraction": _num(rec.get("weight_fraction")),
        "data": rec,
    }


def _walk(value: Any, rows: dict[str, list[dict[str, Any]]], result: str) -> None:
    if isinstance(value, list):
        for v in value:
            _walk(v, rows, result)
        return
    if not isinstance(value, dict):
        return
    for kind, make in (("peaks", _peak), ("multiplets", _multiplet), ("phases", _phase)):
        row = make(value)
        if row is not None:
            rows[kind].append({"result": result, **row})
            return  # a peak's fields are not walked again
    for v in value.values():
        if isinstance(v, dict | list):
            _walk(v, rows, result)


def _metrics(name: str, plain: Any) -> list[dict[str, Any]]:
    out = []
    if _num(plain) is not None:
        return [{"result": name, "name": name, "value": float(plain), "text": None}]
    if not isinstance(plain, dict):
        return out
    for key, v in plain.items():
        if _num(v) is not None:
            out.append({"result": name, "name": f"{name}.{key}", "value": float(v), "text": None})
        elif isinstance(v, str) and 0 < len(v) <= _MAX_METRIC_TEXT and "\n" not in v:
            out.append({"result": name, "name": f"{name}.{key}", "value": None, "text": v})
    return out


def result_rows(results: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Queryable rows for a mapping of named results (typed records or tuples of them).

    Returns a dict with ``results`` (one plain-JSON row per name), ``peaks``,
    ``multiplets``, ``phases`` and ``metrics``, each a list of plain dicts carrying the
    name of the result they came from.
    """
    rows: dict[str, list[dict[str, Any]]] = {"results": [], "peaks": [], "multiplets": [], "phases": [],
                                              "metrics": []}
    for name, value in results.items():
        plain = to_plain(value)
        rows["results"].append({"result": name, "type_name": _type_name(value), "data": plain})
        found: dict[str, list[dict[str, Any]]] = {kind: [] for kind in rows}
        _walk(plain, found, name)
        if any(r["weight_fraction"] is not None for r in found["phases"]):
            # a search-match result: the quantified phases are the ones present, the rest runners-up
            found["phases"] = [r for r in found["phases"] if r["weight_fraction"] is not None]
        for kind, extracted in found.items():
            rows[kind].extend(extracted)
        # a single peak or phase record is not also a metric; an analysis summary is
        if not (isinstance(plain, dict) and _is_row_record(plain)):
            rows["metrics"].extend(_metrics(name, plain))
    return rows


def _is_row_record(plain: Mapping[str, Any]) -> bool:
    return any(make(plain) is not None for make in (_peak, _multiplet, _phase))
