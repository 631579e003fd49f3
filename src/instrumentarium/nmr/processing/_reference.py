"""Chemical-shift referencing: internal standard (TMS/DSS) or solvent residual.

Order of preference, as a spectroscopist would do it: for 1H an internal standard singlet at
0 ppm (TMS in organic solvents, DSS/TSP in water) when one is clearly present, else the
residual solvent signal from :mod:`._solvents`; for 13C the solvent carbon first (TMS is
often weak), then TMS. The spectrometer's unreferenced axis (lock-based, BF1) is normally
within a few hundredths of a ppm, so signals are searched near their expected shift only.
The shift applied and the signal used are recorded; nothing is shifted when nothing fits.
"""

from __future__ import annotations

import numpy as np
from scipy import signal as _signal

from ...model import Axis, Measurement, NMRAcquisition, ProcessingError
from ...pipeline import StepOutput, step
from ._autophase import noise_sigma
from ._domain import fresh, require_spectrum
from ._solvents import SOLVENTS, normalise_solvent

__all__ = ["reference", "find_reference_signal"]

_AQUEOUS = {"D2O", "H2O+D2O"}


def find_reference_signal(
    axis_ppm: np.ndarray, real: np.ndarray, expected_ppm: float, search_ppm: float,
    *, min_snr: float = 20.0, sigma: float | None = None,
) -> tuple[float, float] | None:
    """Locate the line nearest ``expected_ppm`` (within ``search_ppm``); return (ppm, confidence).

    Candidates are local maxima of the real spectrum with a prominence above ``min_snr``
    times the noise; each is scored by height times ``exp(-(d/w)**2)`` with ``d`` its distance
    from the expected shift and ``w = search_ppm/3``, so the tallest line of a multiplet near
    the expected shift wins over a bigger one further away. The position is refined by a
    parabola through the top three points. ``sigma``: the noise of ``real`` if already known.
    """
    inside = np.flatnonzero(np.abs(axis_ppm - expected_ppm) <= search_ppm)
    if inside.size < 5:
        return None
    a, b = int(inside[0]), int(inside[-1]) + 1
    seg = real[a:b]
    if sigma is None:
        sigma = noise_sigma(real)
    peaks, props = _signal.find_peaks(seg, prominence=min_snr * sigma)
    if peaks.size == 0:
        return None
    d = axis_ppm[a + peaks] - expected_ppm
    w = search_ppm / 3.0
    score = seg[peaks] * np.exp(-((d / w) ** 2))
    k = int(np.argmax(score))
    i = a + int(peaks[k])
    pos = float(axis_ppm[i])
    if 0 < i < real.shape[0] - 1:
        y0, y1, y2 = real[i - 1], real[i], real[i + 1]
        den = y0 - 2 * y1 + y2
        if den < 0:
            frac = 0.5 * (y0 - y2) / den
            pos += frac * float(axis_ppm[i + 1] - axis_ppm[i])
    snr = float(props["prominences"][k] / sigma)
    dominance = float(score[k] / score.sum())
    confidence = min(1.0, snr / 200.0) ** 0.5 * dominance * float(np.exp(-((d[k] / w) ** 2) / 4))
    return pos, float(np.clip(confidence, 0.0, 1.0))


def _candidates(nucleus: str | None, solvent_key: str | None) -> list[tuple[str, str, float, float]]:
    """(method, compound, expected ppm, search half-width ppm) in order of preference."""
    standard = []
    if nucleus == "1H":
        name = "DSS" if solvent_key in _AQUEOUS else "TMS"
        standard.append(("internal_standard", name, 0.0, 0.2))
    elif nucleus == "13C":
        standard.append(("internal_standard", "TMS", 0.0, 1.0))
    residual = []
    if solvent_key is not None:
        sv = SOLVENTS[solvent_key]
        if nucleus == "1H" and sv.residual_1h_ppm is not None:
            residual.append(("solvent", sv.key, sv.residual_1h_ppm, 0.15))
        elif nucleus == "13C" and sv.carbon_13c_ppm is not None:
            residual.append(("solvent", sv.key, sv.carbon_13c_ppm, 1.5))
    return residual + standard if nucleus == "13C" else standard + residual


@step("nmr.reference", technique="nmr")
def reference(
    m: Measurement,
    *,
    method: str = "auto",
    shift_ppm: float | None = None,
    solvent: str | None = None,
    min_confidence: float = 0.2,
) -> StepOutput:
    """Reference the ppm axis; record the signal used and the shift applied.

    Parameters
    ----------
    method
        ``"auto"`` (internal standard, then solvent residual; for 13C the reverse),
        ``"internal_standard"``, ``"solvent"``, or ``"none"``.
    shift_ppm
        Add this to the axis instead of searching (a manual reference).
    solvent
        Solvent name overriding the acquisition's (free text, normalised).
    min_confidence
        A candidate signal found with less confidence is not used (the next one is tried).
    """
    require_spectrum(m, "nmr.reference")
    if method not in ("auto", "internal_standard", "solvent", "none"):
        raise ProcessingError(
            f"nmr.reference: unknown method {method!r}; use auto, internal_standard, solvent or none"
        )
    axis = m.axes[0].values
    if shift_ppm is not None:
        out = m.replace(axes=(Axis("chemical_shift", "ppm", fresh(axis + float(shift_ppm))),))
        decisions = {"method": "manual", "shift_ppm": float(shift_ppm), "confidence": 1.0}
        return StepOutput(out, decisions=decisions)
    acq = m.acquisition
    nucleus = acq.nucleus if isinstance(acq, NMRAcquisition) else None
    text = solvent if solvent is not None else (acq.solvent if isinstance(acq, NMRAcquisition) else None)
    key = normalise_solvent(text)
    decisions: dict = {"method": "none", "solvent": text, "solvent_key": key, "shift_ppm": 0.0,
                       "confidence": 0.0}
    if method == "none":
        return StepOutput(m, decisions=decisions)
    real = np.asarray(m.signal.real, dtype=float)
    sigma = None
    for kind, compound, expected, search in _candidates(nucleus, key):
        if method != "auto" and kind != method:
            continue
        if sigma is None:
            sigma = noise_sigma(real)
        found = find_reference_signal(axis, real, expected, search, sigma=sigma)
        if found is None:
            continue
        observed, confidence = found
        if confidence < min_confidence:
            continue
        shift = expected - observed
        out = m.replace(axes=(Axis("chemical_shift", "ppm", fresh(axis + shift)),))
        decisions.update(method=kind, compound=compound, expected_ppm=expected,
                         observed_ppm=round(float(observed), 5), shift_ppm=round(float(shift), 5),
                         confidence=round(confidence, 3))
        warnings = [] if confidence >= 0.5 else [
            f"referenced to {compound} at {observed:.3f} ppm with moderate confidence "
            f"{confidence:.2f}; check it"]
        return StepOutput(out, decisions=decisions, warnings=warnings)
    why = (f"no TMS/DSS line near 0 ppm and no residual signal of {key}" if key else
           f"no TMS/DSS line near 0 ppm and solvent {text!r} is not in the solvent table")
    return StepOutput(m, decisions=decisions,
                      warnings=[f"{why} for {nucleus}: axis left as acquired (unreferenced)"])
