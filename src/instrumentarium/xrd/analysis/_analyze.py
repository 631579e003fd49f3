
"""Peak list and full analysis of a powder pattern: the ``xrd.peaks`` step and ``analyze``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from ...model import Measurement, ProcessingError
from ...pipeline import StepOutput, step
from ..processing._background import XRDBackground, estimate_background, lift_to_noise_median
from ..processing._radiation import Radiation, counting_sigma, radiation, two_theta_deg
from ._calibration import STANDARDS, calibrate, instrument_function, match_reflections
from ._fitting import PROFILES, fit_peaks
from ._peaksearch import search_peaks
from ._profiles import pv_integral_breadth
from ._records import XRDAnalysis, XRDInstrumentFunction, XRDPeak
from ._sizestrain import scherrer, williamson_hall

__all__ = ["find_peaks", "peaks_step", "analyze"]


def _net_and_sigma(m: Measurement) -> tuple[np.ndarray, np.ndarray, np.ndarray, str | None]:
    x = two_theta_deg(m)
    y = np.asarray(m.signal, float)
    if not np.all(np.isfinite(y)):
        raise ProcessingError("the pattern has non-finite intensities; remove or repair those points")
    bkg = m.results.get("background")
    if isinstance(bkg, XRDBackground) and bkg.intensity.shape == y.shape:
        return x, y, counting_sigma(y + bkg.intensity, m), None
    sigma = counting_sigma(y, m)
    b, _ = lift_to_noise_median(y, estimate_background(x, y, method="snip", window_deg=4.0), sigma)
    return x, y - b, sigma, "no background step in the processing: SNIP (4 deg) estimated here"


def find_peaks(m: Measurement, *, min_significance: float = 3.0, profile: str = "pseudo_voigt",
               rad: Radiation | None = None, max_peaks: int = 250) -> list[XRDPeak]:
    """Search and profile-fit every significant reflection of ``m``.

    Peaks are found by :func:`~._peaksearch.search_peaks` (second derivative and
    counting statistics) and fitted with the Kα doublet by :func:`~._fitting.fit_peaks`.
    Uses the background stored by ``xrd.background`` when present (else estimates one).
    At most ``max_peaks`` candidates (the most significant) are fitted.
    """
    if profile not in PROFILES:
        raise ProcessingError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
    rad = rad or radiation(m)
    x, net, sigma, _ = _net_and_sigma(m)
    cands = search_peaks(x, net, sigma, min_significance=min_significance,
                         wavelength_angstrom=rad.wavelength_angstrom,
                         wavelength2_angstrom=rad.wavelength2_angstrom, ka2_ka1_ratio=rad.ka2_ka1_ratio)
    if len(cands) > max_peaks:
        # noise-like or scrambled data: fit only the most significant candidates
        keep = sorted(sorted(cands, key=lambda c: -c.significance)[:max_peaks], key=lambda c: c.two_theta_deg)
        cands = keep
    fits = fit_peaks(x, net, sigma, cands, wavelength_angstrom=rad.wavelength_angstrom,
                     wavelength2_angstrom=rad.wavelength2_angstrom, ka2_ka1_ratio=rad.ka2_ka1_ratio,
                     profile=profile)
    lam = rad.wavelength_angstrom
    peaks: list[XRDPeak] = []
    for c, f in zip(cands, fits):
        ok = f.converged and f.area > 0 and x[0] <= f.two_theta_deg <= x[-1] and np.isfinite(f.height)
        if f.converged and not ok:
            continue
        tt = f.two_theta_deg
        th = np.radians(tt / 2)
        d = lam / (2 * np.sin(th))
        d_sig = d / np.tan(th) * np.radians(f.two_theta_sigma_deg) / 2 if np.isfinite(f.two_theta_sigma_deg) \
            else None
        peaks.append(XRDPeak(
            two_theta_deg=tt, d_angstrom=float(d), height=f.height, area=f.area, fwhm_deg=f.fwhm_deg,
            integral_breadth_deg=float(pv_integral_breadth(f.fwhm_deg, f.eta)), eta=f.eta,
            significance=c.significance,
            two_theta_sigma_deg=_fin(f.two_theta_sigma_deg), d_sigma_angstrom=_fin(d_sig),
            height_sigma=_fin(f.height_sigma), area_sigma=_fin(f.area_sigma),
            fwhm_sigma_deg=_fin(f.fwhm_sigma_deg), fwhm_gauss_deg=f.fwhm_g_deg, fwhm_lorentz_deg=f.fwhm_l_deg,
            fitted=bool(ok),
        ))
    peaks.sort(key=lambda p: p.two_theta_deg)
    peaks = _drop_humps(peaks)
    top = max((p.height for p in peaks), default=0.0)
    if top > 0:
        peaks = [replace(p, relative_intensity_percent=100.0 * p.height / top) for p in peaks]
    return peaks


def _drop_humps(peaks: list[XRDPeak]) -> list[XRDPeak]:
    """Drop fitted "peaks" over 4 times wider than the strong reflections around them.

    The width of Bragg peaks grows slowly with 2θ; a fitted line much wider than the
    strong peaks at similar angles is a background undulation or amorphous hump.
    """
    strong = [p for p in peaks if p.fitted and (p.significance or 0) >= 20]
    if len(strong) < 3:
        return peaks
    tt = np.array([p.two_theta_deg for p in strong])
    fw = np.array([p.fwhm_deg for p in strong])
    out = []
    for p in peaks:
        near = np.argsort(np.abs(tt - p.two_theta_deg))[:5]
        if p.fitted and p.fwhm_deg > 4 * float(np.median(fw[near])):
            continue
        out.append(p)
    return out


def _fin(v: float | None) -> float | None:
    return float(v) if v is not None and np.isfinite(v) else None


@step("xrd.peaks", technique="xrd")
def peaks_step(m: Measurement, *, min_significance: float = 3.0, profile: str = "pseudo_voigt") -> StepOutput:
    """Find and fit the reflections; store them in ``m.results["peaks"]`` (tuple of XRDPeak)."""
    rad = radiation(m)
    peaks = find_peaks(m, min_significance=min_significance, profile=profile, rad=rad)
    n_bad = sum(not p.fitted for p in peaks)
    warns = list(rad.assumptions)
    if n_bad:
        warns.append(f"{n_bad} of {len(peaks)} peaks could not be fitted (search values kept)")
    decisions = {"n_peaks": len(peaks), "wavelength_angstrom": rad.wavelength_angstrom,
                 "wavelength2_angstrom": rad.wavelength2_angstrom, "ka2_ka1_ratio": rad.ka2_ka1_ratio,
                 "assumptions": list(rad.assumptions),
                 "confidence": round(0.9 * (1 - n_bad / max(len(peaks), 1))
                                     * (0.8 if rad.assumptions else 1.0), 3)}
    return StepOutput(m.with_results(peaks=tuple(peaks)), decisions=decisions, warnings=warns)


def analyze(m: Measurement, *, profile: str = "tch", min_significance: float = 3.0,
            standard: str | None = None, instrument: XRDInstrumentFunction | None = None,
            size_strain: bool | None = None, shape_factor: float = 0.9,
            peaks: Sequence[XRDPeak] | None = None, axial_asymmetry: bool = False) -> XRDAnalysis:
    """Analyse a (processed) pattern: peaks, and optionally calibration and size/strain.

    Parameters
    ----------
    m
        A pattern, ideally after ``xrd.background`` (else a SNIP background is estimated).
    profile
        ``"tch"`` (default) or ``"pseudo_voigt"``.
    min_significance
        Peak-search threshold in counting standard deviations.
    standard
        ``"LaB6"``, ``"Si"`` or ``"CeO2"`` when ``m`` is that standard: fits zero shift,
        displacement and the lattice parameter, and the instrument function.
    instrument
        Instrument function (from a standard's analysis) for instrument-corrected
        Scherrer and Williamson–Hall.
    size_strain
        Compute Scherrer/Williamson–Hall (default: when ``instrument`` is given and
        ``m`` is not a standard).
    shape_factor
        Scherrer constant K.
    peaks
        Reuse an already fitted peak list instead of searching again.
    axial_asymmetry
        With ``standard``: take the line positions from Finger–Cox–Jephcoat asymmetric
        profiles (:func:`~instrumentarium.xrd.analysis.asymmetry.calibrate_with_asymmetry`,
        Finger, Cox & Jephcoat, J. Appl. Cryst. 27 (1994) 892) instead of the A·cot2θ
        centroid term: more accurate at low and high angles, 10–25 s per pattern.
    """
    rad = radiation(m)
    warns = list(rad.assumptions)
    if peaks is None:
        stored = m.results.get("peaks")
        peaks = list(stored) if isinstance(stored, tuple) and stored and all(
            isinstance(p, XRDPeak) for p in stored) and profile == "pseudo_voigt" else None
    if peaks is None:
        peaks = find_peaks(m, min_significance=min_significance, profile=profile, rad=rad)
    if not isinstance(m.results.get("background"), XRDBackground):
        warns.append("no background step in the processing: SNIP (4 deg) estimated for the analysis")
    calib = None
    inst = instrument
    if standard is not None:
        if standard not in STANDARDS:
            raise ProcessingError(f"unknown standard {standard!r}; known: {', '.join(STANDARDS)}")
        radius = getattr(m.acquisition, "goniometer_radius_mm", None)
        if radius is None:
            radius = 240.0
            warns.append("goniometer radius unknown: 240 mm assumed for the displacement")
        try:
            if axial_asymmetry:
                from .asymmetry import calibrate_with_asymmetry

                calib, _ = calibrate_with_asymmetry(m, standard=standard, goniometer_radius_mm=radius, peaks=peaks)
            else:
                calib = calibrate(peaks, standard=standard, wavelength_angstrom=rad.wavelength_angstrom,
                                  goniometer_radius_mm=radius, refine_lattice=True)
            if inst is None:
                matched = [p for p, _ in match_reflections(peaks, standard=standard,
                                                           wavelength_angstrom=rad.wavelength_angstrom)]
                inst = instrument_function(matched, standard=standard)
        except ValueError as exc:
            raise ProcessingError(f"calibration against {standard}: {exc}") from None
    do_size = size_strain if size_strain is not None else (instrument is not None and standard is None)
    sch = wh = None
    if do_size:
        if inst is None:
            warns.append("no instrument function: sizes are lower bounds, strains upper bounds")
        try:
            sch = scherrer(peaks, wavelength_angstrom=rad.wavelength_angstrom, instrument=inst,
                           shape_factor=shape_factor)
            wh = williamson_hall(peaks, wavelength_angstrom=rad.wavelength_angstrom, instrument=inst,
                                 shape_factor=shape_factor)
        except ValueError as exc:
            warns.append(f"size/strain: {exc}")
    return XRDAnalysis(
        peaks=tuple(peaks), wavelength_angstrom=rad.wavelength_angstrom,
        wavelength2_angstrom=rad.wavelength2_angstrom, ka2_ka1_ratio=rad.ka2_ka1_ratio, profile=profile,
        instrument_function=inst, calibration=calib, scherrer=sch, williamson_hall=wh, warnings=tuple(warns),
    )
