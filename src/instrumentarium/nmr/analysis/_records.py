"""Typed, serialisable results of the NMR analysis (peaks, ranges, multiplets, qNMR)."""

from __future__ import annotations

from dataclasses import dataclass

from ...model import register_record

__all__ = ["NMRPeak", "NMRRange", "Multiplet", "NMRAnalysis", "QNMRResult", "PEAK_KINDS"]

#: What a peak is, for the chemist: the compound, or something not to report as it.
PEAK_KINDS = ("compound", "solvent", "water", "impurity", "tms", "c13_satellite", "reference", "artifact")


@register_record("nmr.peak")
@dataclass(frozen=True)
class NMRPeak:
    """One resolved line.

    ``ppm`` is the fitted (or interpolated) centre, ``index`` the nearest point of the
    spectrum, ``intensity`` the height above the baseline in signal units, ``width_hz``
    the full width at half height, ``area`` the fitted line area (signal units x ppm),
    ``snr`` the height over the noise standard deviation, ``kind`` one of
    :data:`PEAK_KINDS` and ``label`` the name of the solvent/impurity when classified.
    """

    ppm: float
    index: int
    intensity: float
    width_hz: float
    area: float
    snr: float
    kind: str = "compound"
    label: str = ""


@register_record("nmr.range")
@dataclass(frozen=True)
class NMRRange:
    """An integration range (ppm from high to low), its integral and proton count."""

    start_ppm: float
    stop_ppm: float
    integral: float
    n_h: float
    kind: str = "compound"


@register_record("nmr.multiplet")
@dataclass(frozen=True)
class Multiplet:
    """A first-order multiplet.

    ``multiplicity`` in the journal's letters (``s``, ``d``, ``td``, ``ddd``, ``m``...),
    ``j_hz`` the distinct couplings, largest first, one value per letter; ``n_h`` the
    proton count from the normalised integral; ``peak_ppm`` the lines it explains.
    """

    range_ppm: tuple[float, float]
    center_ppm: float
    multiplicity: str
    j_hz: tuple[float, ...]
    n_h: float
    integral: float
    peak_ppm: tuple[float, ...] = ()
    kind: str = "compound"
    label: str = ""


@register_record("nmr.analysis")
@dataclass(frozen=True)
class NMRAnalysis:
    """Everything read from one processed 1-D spectrum.

    ``noise`` is the standard deviation of the signal-free baseline (signal units),
    ``linewidths_hz`` the widths at 50 %, 0.55 % and 0.11 % height of the reference line
    (``reference_ppm``), ``report`` the journal-style text. ``axis_offset_ppm`` is how far the
    residual solvent line lies from its table shift when that is more than the classification
    tolerance (an unreferenced vendor axis, :func:`.impurities.residual_offset_ppm`); the
    solvent and impurity tables were read with it, the shifts reported are the axis's own.
    """

    nucleus: str
    frequency_mhz: float
    solvent: str
    noise: float
    peaks: tuple[NMRPeak, ...]
    ranges: tuple[NMRRange, ...]
    multiplets: tuple[Multiplet, ...]
    report: str
    reference_ppm: float | None = None
    linewidths_hz: tuple[float, float, float] | None = None
    h_per_integral: float | None = None
    axis_offset_ppm: float = 0.0


@register_record("nmr.qnmr")
@dataclass(frozen=True)
class QNMRResult:
    """qNMR result against an internal standard (mass fractions in %, masses in mg).

    ``purity_percent`` is the analyte's mass fraction, ``uncertainty_percent`` its
    standard uncertainty from the spread over the multiplets used (and the standard's
    stated purity), ``per_multiplet_percent`` the purity from each analyte multiplet.
    """

    purity_percent: float
    uncertainty_percent: float
    per_multiplet_percent: tuple[float, ...]
    analyte_multiplets_ppm: tuple[float, ...]
    standard_multiplets_ppm: tuple[float, ...]
    concentration_mol_per_l: float | None = None
