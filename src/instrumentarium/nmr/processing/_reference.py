"""Chemical-shift referencing: internal standard (TMS/DSS) or solvent residual.

Order of preference, as a spectroscopist would do it: for 1H an internal standard singlet at
0 ppm (TMS in organic solvents, DSS/TSP in water) when one is clearly present, else the
residual solvent signal from :mod:`._solvents`; for 13C the solvent carbon first (TMS is
often weak), then TMS. The spectrometer's unreferenced axis (lock-based, BF1) is normally
within a few hundredths of a ppm, so signals are searched near their expected shift, nearer
lines weighted up (TopSpin axes of the dev set with SR = 0: CHCl3 +0.025 ppm (d05), acetone-d5
+0.040 ppm (d04)). A 1H residual further off (C6D5H in d02, +0.115 ppm) is taken only when it is
unmistakable: the one line of its window, with nothing at the table shift (:func:`._reference_lines._find_far`).
The shift applied and the signal used are recorded; nothing is shifted when nothing fits.

What counts as the reference line (the dev set's vendor spectra showed each of these going wrong):

- an internal standard must look added: at least :data:`MIN_STANDARD_FRACTION` of the tallest
  line (TMS at 0.03 % v/v gives ~2 mM of a 12-proton singlet, a few percent of a typical solute
  line; dev d01 has no TMS, and a 19-sigma impurity line at 6e-5 of the tallest was taken for it);
- a 1H standard must agree with the solvent residual, when there is one, within 0.03 ppm; when it
  does not and it stands at the solvent's silicone grease shift (0.07 ppm in CDCl3) on the
  residual's axis, it is grease (dev d15, d16 artemisin), and the residual references the axis;
- a solvent whose residual is a singlet (CHCl3, HDO) must stand alone: at least 70 % of the
  summed prominence of the lines within 20 Hz of it (a solute multiplet's partners lie there).
  A line inside a multiplet (dev d01: the middle line of aspirin's H5 td, 0.02 ppm from 7.26)
  is not the solvent;
- a deuterium-split solvent signal (13C of CDCl3 a 1:1:1 triplet, acetone-d5 a 1:2:3:2:1
  quintet...) is referenced at the centre of its multiplet, not at its tallest line (dev d15:
  the edge line of the CDCl3 triplet, 0.21 ppm off);
- the suppressed solvent of a solvent-suppression experiment (presat water) is not a reference.

``check_vendor=True`` checks an axis a vendor's software already made instead of replacing it
(processed spectra, TopSpin ``1r``/``1i``): the reference line is found as above and the axis
is kept when the line lies within ``vendor_tolerance_ppm`` of its table shift (default
:data:`VENDOR_TOLERANCE_PPM`), when no reference line is found, or when it is found with less
than :data:`VENDOR_MIN_CONFIDENCE`; otherwise it is re-referenced with a warning.

- Gottlieb, Kotlyar & Nudelman, J. Org. Chem. 62, 7512 (1997); Fulmer et al.,
  Organometallics 29, 2176 (2010): residual shifts and their multiplicities.
- Harris et al., Pure Appl. Chem. 73, 1795 (2001) (IUPAC): TMS/DSS as the primary references.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ...model import Axis, Measurement, NMRAcquisition, ProcessingError
from ...pipeline import StepOutput, step
from ._autophase import is_solvent_suppressed, noise_sigma
from ._domain import fresh, require_spectrum
from ._reference_lines import (
    LOCAL_HZ,
    _Candidate,
    _find,
    _find_far,
    _Found,
    dominant_line,
    find_reference_signal,
    multiplet_centre,
)
from ._solvents import SOLVENTS, normalise_solvent

__all__ = [
    "reference",
    "dominant_line",
    "find_reference_signal",
    "multiplet_centre",
    "MIN_STANDARD_FRACTION",
    "VENDOR_TOLERANCE_PPM",
    "VENDOR_MIN_CONFIDENCE",
]

_AQUEOUS = {"D2O", "H2O+D2O"}

#: smallest height of an internal standard line, as a fraction of the spectrum's tallest line
MIN_STANDARD_FRACTION = 1e-3
#: smallest share of a singlet solvent line in the summed prominence of the lines within
#: :data:`._reference_lines.LOCAL_HZ` of it (a solute multiplet's partner lines lie within ~20 Hz)
_MIN_SINGLET_SHARE = 0.7
#: how far (ppm) a vendor's reference line may lie from its table shift and still be kept.
#: Accepted tables differ by up to 0.02 ppm for 1H (CHCl3 7.24-7.27, DMSO-d5 2.49-2.50,
#: acetone-d5 2.04-2.05) and up to 0.23 ppm for 13C (CDCl3 77.0-77.23), and residual lines move
#: by ~0.01 ppm (1H) with solute, concentration and temperature (Gottlieb 1997): an axis inside
#: that spread is as well referenced as any re-referencing could make it. Other nuclei: 0.03 ppm.
VENDOR_TOLERANCE_PPM = {"1H": 0.03, "13C": 0.3}
#: a vendor's axis is changed only on a reference line found with at least this confidence
#: (dev d16 borohydride, a MAS spectrum in THF: a 0.21-confidence line 0.08 ppm from THF-d7's
#: shift is no reason to move it; d15's 13C CDCl3 triplet, 1.16 ppm off, is found with 0.35)
VENDOR_MIN_CONFIDENCE = 0.3
#: a standard line lying within this of the solvent's silicone grease shift, on the residual's
#: axis, is grease
_GREASE_TOL_PPM = 0.02

# deuterium splitting of the solvent signal: (lines, J_HD or J_CD in Hz); the residual 1H of
# CDCl3/H2O is a singlet, C6D5H a broad unresolved one. Cambridge Isotope Laboratories, "NMR
# Solvent Data Chart"; Gottlieb (1997). Lines of 2k+1: coefficients of (1 + x + x^2)^k (spin 1).
_SPLITTING = {
    ("CDCl3", "1H"): (1, 0.0),
    ("D2O", "1H"): (1, 0.0),
    ("H2O+D2O", "1H"): (1, 0.0),
    ("C6D6", "1H"): (1, 0.0),
    ("acetone-d6", "1H"): (5, 2.2),
    ("DMSO-d6", "1H"): (5, 1.9),
    ("CD3OD", "1H"): (5, 1.7),
    ("CD3CN", "1H"): (5, 2.5),
    ("toluene-d8", "1H"): (5, 2.3),
    ("CD2Cl2", "1H"): (3, 1.0),
    ("CDCl3", "13C"): (3, 32.0),
    ("C6D6", "13C"): (3, 24.3),
    ("CD2Cl2", "13C"): (5, 27.2),
    ("acetone-d6", "13C"): (7, 19.4),
    ("DMSO-d6", "13C"): (7, 21.0),
    ("CD3OD", "13C"): (7, 21.4),
    ("CD3CN", "13C"): (7, 21.0),
    ("THF-d8", "13C"): (5, 22.2),
    ("toluene-d8", "13C"): (7, 19.0),
    ("pyridine-d5", "13C"): (3, 27.5),
}


def _candidates(nucleus: str | None, solvent_key: str | None) -> list[_Candidate]:
    """Reference candidates in order of preference."""
    standard = []
    if nucleus == "1H":
        standard.append(_Candidate("internal_standard", "DSS" if solvent_key in _AQUEOUS else "TMS", 0.0, 0.2))
    elif nucleus == "13C":
        standard.append(_Candidate("internal_standard", "TMS", 0.0, 1.0))
    residual = []
    if solvent_key is not None:
        sv = SOLVENTS[solvent_key]
        lines, j = _SPLITTING.get((sv.key, nucleus or ""), (0, 0.0))
        if nucleus == "1H" and sv.residual_1h_ppm is not None:
            residual.append(_Candidate("solvent", sv.key, sv.residual_1h_ppm, 0.15, lines, j))
        elif nucleus == "13C" and sv.carbon_13c_ppm is not None:
            residual.append(_Candidate("solvent", sv.key, sv.carbon_13c_ppm, 1.5, lines, j))
    return residual + standard if nucleus == "13C" else standard + residual


def _suppressed_window(m: Measurement, half_width_ppm: float = 0.25) -> tuple[float, float] | None:
    """The ppm range of the solvent line a solvent-suppression experiment saturated (the carrier)."""
    acq = m.acquisition
    if not isinstance(acq, NMRAcquisition) or not is_solvent_suppressed(acq.pulse_program):
        return None
    axis = m.axes[0].values
    centre = float(axis[0] + axis[-1]) / 2.0
    return centre - half_width_ppm, centre + half_width_ppm


def _locate(
    m: Measurement,
    real: np.ndarray,
    sigma: float,
    c: _Candidate,
    frequency_mhz: float | None,
    tallest: float,
    suppressed: tuple[float, float] | None,
    min_confidence: float,
) -> tuple[_Found | None, str | None]:
    """Find candidate ``c``; return (found, None) or (None, why it was not used).

    A 1H solvent residual the distance-weighted search does not trust is looked for again by
    :func:`._reference_lines._find_far` (an unreferenced axis).
    """
    axis = m.axes[0].values
    acq = m.acquisition
    nucleus = acq.nucleus if isinstance(acq, NMRAcquisition) else None
    if c.kind == "solvent" and suppressed and suppressed[0] <= c.expected_ppm <= suppressed[1]:
        return None, f"{c.compound} at {c.expected_ppm} ppm is the suppressed solvent (pulse program)"
    found = _find(
        axis,
        real,
        c.expected_ppm,
        c.search_ppm,
        20.0,
        sigma,
        local_ppm=LOCAL_HZ / frequency_mhz if frequency_mhz else 0.05,
    )
    if c.kind == "solvent" and (found is None or found.confidence < min_confidence):
        far = _find_far(axis, real, c, sigma, frequency_mhz) if frequency_mhz and nucleus == "1H" else None
        if far is not None and far.confidence >= min_confidence:
            found = replace(far, far=True)
    if found is None:
        return None, f"no {c.compound} line within {c.search_ppm} ppm of {c.expected_ppm}"
    where = f"{c.compound} candidate at {found.ppm:.4f} ppm"
    if c.kind == "internal_standard" and found.height < MIN_STANDARD_FRACTION * tallest:
        return None, (
            f"{where} is {found.height / tallest:.1e} of the tallest line "
            f"(< {MIN_STANDARD_FRACTION:g}): an impurity, not an added standard"
        )
    if c.kind == "solvent" and c.lines == 1 and found.share < _MIN_SINGLET_SHARE:
        return None, (
            f"{where} is {found.share:.2f} of the lines within {LOCAL_HZ:g} Hz of it "
            f"(< {_MIN_SINGLET_SHARE:g}): a line of a solute multiplet, not the solvent singlet"
        )
    if c.lines >= 3 and frequency_mhz:
        found = replace(found, ppm=multiplet_centre(axis, real, found.ppm, c.lines, c.j_hz / frequency_mhz))
    return found, None


def _standard_against_residual(
    c: _Candidate, found: _Found, residual: _Candidate, s_found: _Found, solvent_key: str | None
) -> tuple[str | None, str | None]:
    """Check a 1H standard line against the solvent residual: (why it is grease, a warning).

    TMS and the residual cannot disagree by more than the residual's own spread
    (:data:`VENDOR_TOLERANCE_PPM`, 0.03 ppm). When they do and the "standard" sits, on the
    residual's axis, at the solvent's silicone grease shift (Gottlieb 1997: 0.07 ppm in CDCl3),
    it is grease: dev d15's vendor put grease at 0 ppm, leaving CHCl3 at 7.199 ppm and every
    butyl acrylate line 0.06 ppm low. Any other disagreement keeps the standard, with a warning.
    """
    on_standard = s_found.ppm + (c.expected_ppm - found.ppm)
    off = on_standard - residual.expected_ppm
    if abs(off) <= VENDOR_TOLERANCE_PPM["1H"]:
        return None, None
    at = found.ppm + (residual.expected_ppm - s_found.ppm)
    sv = SOLVENTS.get(solvent_key or "")
    grease = sv.grease_1h_ppm if sv is not None else None
    if grease is not None and abs(at - grease) <= _GREASE_TOL_PPM:
        return (
            f"{c.compound} candidate at {found.ppm:.4f} ppm is silicone grease: with {residual.compound} "
            f"at {residual.expected_ppm} it lies at {at:.3f} ppm (grease {grease} in {solvent_key}, "
            f"Gottlieb 1997); taken for {c.compound} it would put {residual.compound} at {on_standard:.3f}"
        ), None
    return None, (
        f"{residual.compound} residual at {on_standard:.3f} ppm on the {c.compound} axis, {off:+.3f} ppm "
        f"from its table shift {residual.expected_ppm}: check the solvent and the standard"
    )


@step("nmr.reference", technique="nmr")
def reference(
    m: Measurement,
    *,
    method: str = "auto",
    shift_ppm: float | None = None,
    solvent: str | None = None,
    min_confidence: float = 0.2,
    vendor_tolerance_ppm: float | None = None,
    check_vendor: bool = False,
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
    check_vendor
        The axis is a vendor's (a processed spectrum): keep it unless its reference line lies
        more than ``vendor_tolerance_ppm`` from the table shift; when no reference line is
        found, keep it without a warning. A changed axis gives a warning.
    vendor_tolerance_ppm
        The tolerance (ppm) for ``check_vendor``; None: :data:`VENDOR_TOLERANCE_PPM` for the
        nucleus (0.03 ppm 1H, 0.3 ppm 13C, see there why).
    """
    require_spectrum(m, "nmr.reference")
    if method not in ("auto", "internal_standard", "solvent", "none"):
        raise ProcessingError(f"nmr.reference: unknown method {method!r}; use auto, internal_standard, solvent or none")
    axis = m.axes[0].values
    if shift_ppm is not None:
        out = m.replace(axes=(Axis("chemical_shift", "ppm", fresh(axis + float(shift_ppm))),))
        decisions = {"method": "manual", "shift_ppm": float(shift_ppm), "confidence": 1.0}
        return StepOutput(out, decisions=decisions)
    acq = m.acquisition
    nucleus = acq.nucleus if isinstance(acq, NMRAcquisition) else None
    mhz = acq.spectrometer_frequency_mhz if isinstance(acq, NMRAcquisition) else None
    text = solvent if solvent is not None else (acq.solvent if isinstance(acq, NMRAcquisition) else None)
    key = normalise_solvent(text)
    decisions: dict = {"method": "none", "solvent": text, "solvent_key": key, "shift_ppm": 0.0, "confidence": 0.0}
    tolerance = None
    if check_vendor:
        tolerance = (
            vendor_tolerance_ppm if vendor_tolerance_ppm is not None else VENDOR_TOLERANCE_PPM.get(nucleus or "", 0.03)
        )
        decisions.update(vendor_axis="kept", vendor_tolerance_ppm=tolerance)
    if method == "none":
        return StepOutput(m, decisions=decisions)
    real = np.asarray(m.signal.real, dtype=float)
    sigma = noise_sigma(real)
    # the tallest line above the spectrum's typical level (a vendor spectrum may be offset)
    tallest = float(real.max() - np.median(real)) if real.size else 0.0
    suppressed = _suppressed_window(m)
    rejected: list[str] = []
    candidates = _candidates(nucleus, key)
    located: dict[_Candidate, tuple[_Found | None, str | None]] = {}

    def locate(c: _Candidate) -> tuple[_Found | None, str | None]:
        # once per candidate: the residual is looked at for the standard's check and on its own
        if c not in located:
            located[c] = _locate(m, real, sigma, c, mhz, tallest, suppressed, min_confidence)
        return located[c]

    for c in candidates:
        if method != "auto" and c.kind != method:
            continue
        found, why = locate(c)
        if found is None:
            rejected.append(why or "")
            continue
        if found.confidence < min_confidence:
            rejected.append(
                f"{c.compound} at {found.ppm:.4f} ppm: confidence {found.confidence:.2f} < {min_confidence:g}"
            )
            continue
        shift = c.expected_ppm - found.ppm
        notes: list[str] = []
        if c.kind == "internal_standard" and nucleus == "1H" and method == "auto":
            residual = next((r for r in candidates if r.kind == "solvent"), None)
            s_found = locate(residual)[0] if residual is not None else None
            if residual is not None and s_found is not None and s_found.confidence >= min_confidence:
                grease, note = _standard_against_residual(c, found, residual, s_found, key)
                if grease:
                    rejected.append(grease)
                    continue
                if note:
                    notes.append(note)
        if found.far:
            notes.append(
                f"{c.compound} residual found {abs(shift):.3f} ppm from its table shift {c.expected_ppm} "
                "(an axis never referenced?): referenced to it as the only line there"
            )
            decisions["far_from_table"] = True
        decisions.update(
            method=c.kind,
            compound=c.compound,
            expected_ppm=c.expected_ppm,
            observed_ppm=round(float(found.ppm), 5),
            shift_ppm=round(float(shift), 5),
            confidence=round(found.confidence, 3),
        )
        if rejected:
            decisions["rejected"] = rejected
        if tolerance is not None:
            decisions["vendor_offset_ppm"] = round(float(-shift), 5)
            if abs(shift) <= tolerance:
                decisions.update(
                    shift_ppm=0.0,
                    reason=(
                        f"{c.compound} at {found.ppm:.4f} ppm, within {tolerance:g} ppm of {c.expected_ppm}: "
                        "vendor reference kept"
                    ),
                )
                return StepOutput(m, decisions=decisions, warnings=notes)
            if found.confidence < VENDOR_MIN_CONFIDENCE:
                decisions.update(
                    shift_ppm=0.0,
                    reason=(
                        f"{c.compound} candidate at {found.ppm:.4f} ppm, {abs(shift):.3f} ppm from {c.expected_ppm}, "
                        f"found with confidence {found.confidence:.2f} < {VENDOR_MIN_CONFIDENCE:g}: too weak to "
                        "change the vendor's axis; vendor reference kept"
                    ),
                )
                return StepOutput(m, decisions=decisions, warnings=notes)
            decisions.update(
                vendor_axis="re-referenced",
                reason=(
                    f"{c.compound} at {found.ppm:.4f} ppm, {abs(shift):.3f} ppm from {c.expected_ppm} "
                    f"(> {tolerance:g}): vendor axis off"
                ),
            )
        out = m.replace(axes=(Axis("chemical_shift", "ppm", fresh(axis + shift)),))
        warnings = notes
        if tolerance is not None:
            warnings.append(
                f"vendor reference changed by {shift:+.3f} ppm: {c.compound} was at {found.ppm:.3f} "
                f"ppm, table {c.expected_ppm} (tolerance {tolerance:g} ppm)"
            )
        if found.confidence < 0.5:
            warnings.append(
                f"referenced to {c.compound} at {found.ppm:.3f} ppm with moderate confidence "
                f"{found.confidence:.2f}; check it"
            )
        return StepOutput(out, decisions=decisions, warnings=warnings)
    if rejected:
        decisions["rejected"] = rejected
    if tolerance is not None:
        decisions["reason"] = "no reference line found: vendor reference kept"
        return StepOutput(m, decisions=decisions)
    why = (
        f"no TMS/DSS line near 0 ppm and no residual signal of {key}"
        if key
        else f"no TMS/DSS line near 0 ppm and solvent {text!r} is not in the solvent table"
    )
    return StepOutput(m, decisions=decisions, warnings=[f"{why} for {nucleus}: axis left as acquired (unreferenced)"])
