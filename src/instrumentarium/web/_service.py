"""What pages and API share: measurement details, corrections saved as new runs, exports.

No HTTP here: functions of a store and plain values, so the JSON API and the HTML pages
say exactly the same thing.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..model import InstrumentariumError, Measurement, ProcessingError, UnknownStepError, to_plain
from ..pipeline import Recipe
from ..plugins import exporters, step, techniques
from . import _corrections  # noqa: F401  (registers the manual steps)
from ._store import Store
from ._summary import phase_candidates, plot_data, result_tables

__all__ = ["CORRECTIONS", "apply_correction", "detail", "export_csv", "exporter_for", "preview_phase",
           "report_html"]

#: Correction kind (URL segment) -> (registered step name, technique).
CORRECTIONS: Mapping[str, tuple[str, str]] = {
    "phase": ("web.nmr_phase", "nmr"),
    "baseline": ("web.nmr_baseline", "nmr"),
    "integrals": ("web.nmr_integrals", "nmr"),
    "phases": ("web.xrd_phases", "xrd"),
}


def _summary(m: Measurement) -> dict[str, Any]:
    plugin = techniques().get(m.technique)
    if plugin is not None:
        try:
            return to_plain(dict(plugin.summary(m)))
        except Exception:  # a plugin's summary must not take the page down; show the raw fields
            pass
    return {k: v for k, v in to_plain(m.acquisition).items() if v not in (None, [], "")}


def detail(store: Store, mid: int, run: int | None = None) -> dict[str, Any]:
    """Everything the measurement page shows, as plain JSON (no plot arrays)."""
    rec = store.get(mid)
    out: dict[str, Any] = {"id": mid, "record": rec, "run": None}
    if rec["status"] != "ok":
        return out
    m = store.load(mid, run)
    run_no = run if run is not None else rec["runs"][-1]["run"]
    out.update({
        "run": run_no,
        "technique": m.technique,
        "shape": list(m.shape),
        "axes": [{"name": a.name, "unit": a.unit, "n": len(a),
                  "first": float(a.values[0]), "last": float(a.values[-1])} for a in m.axes],
        "summary": _summary(m),
        "acquisition": to_plain(m.acquisition),
        "sample": to_plain(m.sample),
        "instrument": to_plain(m.instrument),
        "source": to_plain(m.source),
        "provenance": to_plain(m.provenance),
        "results": result_tables(m),
        "phase_candidates": phase_candidates(m),
        "warnings": list(m.warnings),
        "is_complex": m.is_complex,
        "corrections": [k for k, (_, tech) in CORRECTIONS.items() if tech == m.technique],
        "wavelength_angstrom": getattr(m.acquisition, "wavelength_angstrom", None),
        "downloads": ["nxs", "csv", "json", *(["jdx"] if exporter_for(m, ".jdx") else []), "report"],
    })
    return out


def _correction_step(kind: str) -> tuple[str, Any]:
    """The step a correction runs: the NMR technique's own ``nmr.phase`` where installed.

    ``nmr.phase`` (TopSpin's PHC0/PHC1 convention, the same as :func:`apply_phase`) is
    what the NMR package sums into the reported phase and replays in recipes; without it
    the workstation's own ``web.nmr_phase`` does the same arithmetic.
    """
    if kind == "phase":
        try:
            return "nmr.phase", step("nmr.phase")
        except UnknownStepError:
            pass
    name = CORRECTIONS[kind][0]
    return name, step(name)


def _marked_manual(m: Measurement) -> Measurement:
    """``m`` with its last provenance entry marked as a correction made by hand."""
    last = m.provenance[-1]
    return m.replace(provenance=(*m.provenance[:-1], dataclasses.replace(last, manual=True)))


def preview_phase(m: Measurement, *, p0_deg: float, p1_deg: float, pivot_ppm: float | None,
                  max_points: int = 8000) -> dict[str, Any]:
    """Plot data of ``m`` phased by (p0, p1) (TopSpin convention), without saving anything."""
    if m.technique != "nmr":
        raise ProcessingError(f"phase correction is for NMR spectra, not {m.technique} data")
    _, phase = _correction_step("phase")
    phased = phase(m, p0_deg=p0_deg, p1_deg=p1_deg, pivot_ppm=pivot_ppm)
    return plot_data(phased, max_points=max_points)


def _reanalyze(m: Measurement) -> Measurement:
    """Rerun the technique's analysis on a corrected spectrum, where it gives results."""
    plugin = techniques().get(m.technique)
    if plugin is None or not hasattr(plugin, "analyze"):
        return m
    try:
        result = plugin.analyze(m)
    except NotImplementedError:
        return m
    except Exception as exc:  # a plugin's analysis failing must not lose the correction
        return m.with_warning(f"analysis after the manual correction failed: {type(exc).__name__}: {exc}")
    if result is None:
        return m
    if isinstance(result, Measurement):
        return result
    # a typed analysis record (NMRAnalysis, Identification...) is kept as results["analysis"],
    # as the catalog's ingest does, so search and the page see the same thing
    return m.with_results(analysis=result)


def apply_correction(store: Store, mid: int, kind: str, params: Mapping[str, Any],
                     *, run: int | None = None) -> dict[str, Any]:
    """Apply a manual correction to a run, reanalyse, and save it as a new run.

    Returns ``{"id", "run", "step", "parameters"}`` of the new run.
    """
    if kind not in CORRECTIONS:
        raise ProcessingError(f"unknown correction {kind!r}; corrections are {sorted(CORRECTIONS)}")
    technique = CORRECTIONS[kind][1]
    m = store.load(mid, run)
    if m.technique != technique:
        raise ProcessingError(
            f"the {kind} correction is for {technique} data; measurement {mid} is {m.technique}")
    name, func = _correction_step(kind)
    corrected = _marked_manual(func(m, **dict(params)))
    if kind != "phases":
        corrected = _reanalyze(corrected)
    recipe = Recipe.from_provenance(corrected, name="manual")
    new_run = store.add_run(mid, corrected, recipe=recipe, label=f"manual {kind}")
    last = corrected.provenance[-1] if corrected.provenance else None
    used = last.parameters if last is not None and last.step == name else params
    return {"id": mid, "run": new_run, "step": name, "parameters": to_plain(used)}


def export_csv(m: Measurement) -> str:
    """The 1-D signal as CSV: axis, real part (and imaginary part when complex)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    axis = m.axes[-1]
    sig = m.signal if m.ndim == 1 else m.signal.reshape(-1, m.shape[-1])[0]
    head = [f"{axis.name} ({axis.unit})", f"real ({m.signal_unit})"]
    if m.is_complex:
        head.append(f"imaginary ({m.signal_unit})")
    w.writerow(head)
    cols = [axis.values, np.real(sig)] + ([np.imag(sig)] if m.is_complex else [])
    for row in zip(*cols, strict=True):
        w.writerow([f"{v:.10g}" for v in row])
    return buf.getvalue()


def report_html(m: Measurement) -> str:
    """The self-contained HTML report of ``instrumentarium.reports`` (plot as an embedded PNG)."""
    from ..reports import render_html

    try:
        return render_html(m)
    except InstrumentariumError:
        raise
    except Exception as exc:  # a technique's report figure failing is reported, not a 500
        raise ProcessingError(f"the report could not be made: {type(exc).__name__}: {exc}") from None


def exporter_for(m: Measurement, suffix: str) -> Any | None:
    """An installed exporter writing ``suffix`` files for this technique, if any."""
    try:
        found = exporters()
    except InstrumentariumError:
        return None
    for _, exp in sorted(found.items()):
        if suffix in tuple(getattr(exp, "suffixes", ())) and getattr(exp, "technique", m.technique) in (
            m.technique, None
        ):
            return exp
    return None
