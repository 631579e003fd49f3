"""NMR analysis: from a processed 1-D spectrum to the chemist's answer.

``analyze(m)`` returns an :class:`NMRAnalysis` (noise, peaks with their kind, ranges and
integrals, first-order multiplets with J, the journal report); ``with_analysis`` stores
it in the measurement's results; ``qnmr_purity`` quantifies against an internal standard;
``process_summary_extra`` gives the keys ``instrumentarium process --json`` shows.
"""

from __future__ import annotations

from typing import Any

from ...model import Measurement, to_plain
from ._analyze import analyze, spectrum_arrays
from ._records import PEAK_KINDS, Multiplet, NMRAnalysis, NMRPeak, NMRRange, QNMRResult
from .journal import journal_report
from .multiplets import analyze_multiplet, multiplicity_name
from .qnmr import find_multiplet, qnmr_purity

__all__ = [
    "PEAK_KINDS",
    "Multiplet",
    "NMRAnalysis",
    "NMRPeak",
    "NMRRange",
    "QNMRResult",
    "analysis_of",
    "analyze",
    "analyze_multiplet",
    "find_multiplet",
    "journal_report",
    "multiplicity_name",
    "process_summary_extra",
    "qnmr_purity",
    "spectrum_arrays",
    "with_analysis",
]


def with_analysis(m: Measurement, analysis: NMRAnalysis) -> Measurement:
    """Return ``m`` with the analysis stored in its results.

    Keys: ``nmr_analysis`` (the whole record), ``nmr_peaks`` and ``nmr_multiplets``
    (tuples, written as tables in the NeXus file).
    """
    return m.with_results(nmr_analysis=analysis, nmr_peaks=analysis.peaks, nmr_multiplets=analysis.multiplets)


def analysis_of(m: Measurement, **options: Any) -> NMRAnalysis:
    """Return the stored analysis of ``m``, or analyse it now (1-D spectra only)."""
    stored = m.results.get("nmr_analysis")
    if isinstance(stored, NMRAnalysis) and not options:
        return stored
    return analyze(m, **options)


def process_summary_extra(m: Measurement) -> dict[str, Any]:
    """Return ``peaks``, ``multiplets``, ``report`` and ``axis_offset_ppm`` for ``instrumentarium process --json``.

    Returns an empty dict for anything that is not a 1-D spectrum on a ppm axis (a FID,
    a 2-D data set), so the technique's process_summary can always call it.
    """
    if m.ndim != 1 or m.axes[0].unit != "ppm":
        return {}
    a = analysis_of(m)
    return {
        "peaks": [
            {"ppm": p.ppm, "intensity": p.intensity, "width_hz": round(p.width_hz, 3), "kind": p.kind}
            for p in a.peaks
        ],
        "multiplets": [
            {
                "range_ppm": list(mp.range_ppm),
                "center_ppm": mp.center_ppm,
                "multiplicity": mp.multiplicity,
                "j_hz": list(mp.j_hz),
                "n_h": mp.n_h,
                "integral": mp.integral,
                "kind": mp.kind,
            }
            for mp in a.multiplets
        ],
        "report": a.report,
        "noise": to_plain(a.noise),
        "axis_offset_ppm": a.axis_offset_ppm,
    }
