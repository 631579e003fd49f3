"""The NMR technique plugin: recipes, summaries, and lazy delegation to analysis/reports.

Registered as the ``nmr`` entry point of ``instrumentarium.techniques``. Importing this
module registers the processing steps (``nmr.*``) so recipes can name them.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np

from ..model import InstrumentariumError, Measurement, NMRAcquisition, ProcessingError, to_plain
from ..pipeline import Recipe
from . import processing as _processing  # noqa: F401  (registers the nmr.* steps)
from .processing._phase import pivot_fraction, to_edge_pivot
from .recipes import auto_recipe, vendor_recipe

__all__ = ["NMRTechnique"]

_ANALYSIS = "instrumentarium.nmr.analysis"
_REPORT = "instrumentarium.nmr.analysis.report"
# modules that register nmr result records, imported by load_record_types when present
_RECORD_MODULES = (_ANALYSIS, "instrumentarium.nmr.analysis.records", "instrumentarium.nmr.records")


def _optional_module(name: str) -> Any | None:
    """Import ``name`` if it exists; None if it (not one of its own imports) is missing."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and (name == exc.name or name.startswith(exc.name + ".")):
            return None
        raise


def total_phase(m: Measurement) -> dict[str, Any] | None:
    """The phase applied to ``m`` (TopSpin convention, edge pivot), summed over its steps."""
    p0 = p1 = 0.0
    confidence: float | None = None
    method = None
    for st in m.provenance:
        if st.step == "nmr.autophase" or (st.step == "nmr.rephase_processed" and st.decisions.get("applied")):
            p0 += float(st.decisions.get("p0_deg", 0.0))
            p1 += float(st.decisions.get("p1_deg", 0.0))
            confidence = st.decisions.get("confidence")
            method = "automatic"
        elif st.step == "nmr.phase":
            q0, q1 = float(st.parameters.get("p0_deg", 0.0)), float(st.parameters.get("p1_deg", 0.0))
            pivot = st.parameters.get("pivot_ppm")
            if pivot is not None and m.ndim == 1 and m.axes[0].name == "chemical_shift":
                q0, q1 = to_edge_pivot(q0, q1, pivot_fraction(m.axes[0].values, pivot))
            p0, p1 = p0 + q0, p1 + q1
            method = "manual" if method is None else f"{method}+manual"
            confidence = 1.0 if confidence is None else confidence
    if method is None:
        return None
    return {"p0_deg": round((p0 + 180.0) % 360.0 - 180.0, 3), "p1_deg": round(p1, 3),
            "confidence": confidence, "method": method, "pivot": "high-ppm edge (TopSpin PHC0/PHC1)"}


def reference_used(m: Measurement) -> dict[str, Any] | None:
    """What referenced the ppm axis of ``m`` (the last referencing step's decisions)."""
    for st in reversed(m.provenance):
        if st.step == "nmr.reference":
            return to_plain(dict(st.decisions))
        if st.step == "nmr.set_ppm_axis":
            return {"method": "vendor", "offset_ppm": st.parameters.get("offset_ppm"),
                    "confidence": 1.0}
    return None


class NMRTechnique:
    """NMR spectroscopy (1D processing; analysis and reports delegated lazily)."""

    name = "nmr"
    label = "NMR spectroscopy"

    def auto_recipe(self, m: Measurement) -> Recipe:
        """The automatic recipe (see :func:`instrumentarium.nmr.recipes.auto_recipe`)."""
        return auto_recipe(m)

    def vendor_recipe(self, m: Measurement) -> Recipe:
        """The vendor recipe (see :func:`instrumentarium.nmr.recipes.vendor_recipe`)."""
        return vendor_recipe(m)

    def summary(self, m: Measurement) -> dict[str, Any]:
        """Key acquisition parameters, as plain JSON values (None left out)."""
        acq = m.acquisition
        d: dict[str, Any] = {}
        if isinstance(acq, NMRAcquisition):
            sw_ppm = (acq.spectral_width_hz / acq.spectrometer_frequency_mhz
                      if acq.spectral_width_hz and acq.spectrometer_frequency_mhz else None)
            d = {
                "nucleus": acq.nucleus,
                "frequency_mhz": acq.spectrometer_frequency_mhz,
                "spectral_width_hz": acq.spectral_width_hz,
                "spectral_width_ppm": round(sw_ppm, 4) if sw_ppm else None,
                "carrier_ppm": acq.carrier_ppm,
                "points": acq.n_points,
                "scans": acq.n_scans,
                "pulse_program": acq.pulse_program,
                "solvent": acq.solvent,
                "temperature_k": acq.temperature_k,
                "probe": acq.probe,
                "group_delay_points": acq.group_delay_points,
                "acquired_at": acq.acquired_at.isoformat() if acq.acquired_at else None,
                "title": acq.title,
                "dimensions": m.ndim,
            }
        d["domain"] = m.axes[-1].name if m.axes else None
        return {k: v for k, v in d.items() if v not in (None, "", [], ())}

    def process_summary(self, m: Measurement) -> dict[str, Any]:
        """``phase`` (p0_deg, p1_deg, confidence), ``reference``, ``axis`` for ``process --json``.

        Adds the keys of ``instrumentarium.nmr.analysis.process_summary_extra`` (peaks,
        multiplets...) when that package is installed.
        """
        out: dict[str, Any] = {"phase": total_phase(m), "reference": reference_used(m)}
        if m.ndim == 1 and m.axes[0].name == "chemical_shift":
            v = m.axes[0].values
            out["axis"] = {"name": "chemical_shift", "unit": "ppm", "first_ppm": float(v[0]),
                           "last_ppm": float(v[-1]),
                           "order": "descending (first point = highest ppm)" if v[0] > v[-1]
                           else "ascending (first point = lowest ppm)",
                           "points": int(v.shape[0])}
        # peaks, multiplets, report... from the analysis package when it is installed
        mod = _optional_module(_ANALYSIS)
        extra = getattr(mod, "process_summary_extra", None) if mod is not None else None
        if extra is not None:
            try:
                out.update(extra(m))
            except InstrumentariumError as exc:
                out["analysis_error"] = str(exc)
        return out

    def analyze(self, m: Measurement, **options: Any) -> Any:
        """Delegate to ``instrumentarium.nmr.analysis.analyze`` (imported on first use)."""
        mod = _optional_module(_ANALYSIS)
        if mod is None or not hasattr(mod, "analyze"):
            raise ProcessingError(
                "NMR analysis is not available: instrumentarium.nmr.analysis is not installed in this build"
            )
        return mod.analyze(m, **options)

    def load_record_types(self) -> None:
        """Import the modules that register NMR result records (those that exist)."""
        for name in _RECORD_MODULES:
            _optional_module(name)

    def report_figure(self, m: Measurement, analysis: Any = None) -> Any:
        """The report figure: ``nmr.analysis.report`` when present, else the spectrum."""
        mod = _optional_module(_REPORT)
        if mod is not None and hasattr(mod, "report_figure"):
            return mod.report_figure(m, analysis)
        from matplotlib.figure import Figure

        fig = Figure(figsize=(8, 3.5))
        ax = fig.add_subplot()
        x = m.axes[0].values
        ax.plot(x, np.real(m.signal), lw=0.7, color="k")
        if m.axes[0].name == "chemical_shift":
            ax.set_xlim(float(x.max()), float(x.min()))
        ax.set_xlabel(f"{m.axes[0].name} ({m.axes[0].unit})")
        ax.set_yticks([])
        return fig

    def report_tables(self, m: Measurement, analysis: Any = None) -> list[tuple[str, list[str], list[list]]]:
        """Report tables: ``nmr.analysis.report`` when present, else acquisition and processing."""
        mod = _optional_module(_REPORT)
        if mod is not None and hasattr(mod, "report_tables"):
            return mod.report_tables(m, analysis)
        acq = [[k, str(v)] for k, v in self.summary(m).items()]
        steps = [[p.step, str(to_plain(dict(p.parameters))), str(to_plain(dict(p.decisions)))]
                 for p in m.provenance]
        return [("Acquisition", ["parameter", "value"], acq),
                ("Processing", ["step", "parameters", "decisions"], steps)]
