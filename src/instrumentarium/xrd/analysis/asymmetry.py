"""Axial-divergence asymmetry of powder lines (Finger, Cox & Jephcoat 1994) and unbiased positions.

A symmetric profile fitted to an axially asymmetric line puts its position between the
Bragg angle and the low-angle tail (high-angle tail above 90° 2θ), by an amount that is
not exactly the A·cot2θ centroid term of :func:`calibrate`. Finger, Cox & Jephcoat (J. Appl.
Cryst. 27, 892, 1994) derive the line from the geometry: a ray diffracted at the Bragg
angle 2θ from a sample point at height z_s reaches the detector at height z_d and is seen
at 2φ with

    cos 2φ = cos 2θ · √(1 + u²),   u = (z_d − z_s) / L,

z_s uniform over the sample half-height S, z_d over the receiving half-height H (both in
units of the goniometer radius L). The distribution of u is the convolution of the two
box functions, a trapezoid on |u| ≤ S + H with a flat top for |u| ≤ |H − S|; the observed
line is the symmetric profile averaged over the shifts 2φ(u) − 2θ with those weights. It
is evaluated here by quadrature over u (32 nodes), exact to quadrature error, with the
usual single parameter S/L = H/L (GSAS-II's SH/L).

:func:`refine_positions` refits the isolated lines of a standard with this profile (and the
Kα doublet) to give their Bragg positions, with one SH/L for the whole pattern chosen by
least squares; :func:`calibrate` can then run without its ``axial`` term.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from scipy.optimize import least_squares, minimize_scalar

from ...model import Measurement, ProcessingError
from ..processing._radiation import counting_sigma, radiation, two_theta_deg
from ._calibration import calibrate, match_reflections
from ._profiles import kalpha2_position, pseudo_voigt
from ._records import XRDCalibration, XRDPeak

__all__ = ["fcj_shifts", "fcj_profile", "refine_positions", "calibrate_with_asymmetry"]

_NODES = 32


def fcj_shifts(two_theta_deg: float, shl: float, *, nodes: int = _NODES) -> tuple[np.ndarray, np.ndarray]:
    """Shifts 2φ − 2θ (deg) of the axial-divergence quadrature nodes and their weights (sum 1).

    ``shl`` is S/L = H/L (sample and receiving half-heights over the radius).
    """
    if shl <= 0:
        return np.zeros(1), np.ones(1)
    s = h = float(shl)
    u = (np.arange(nodes) + 0.5) / nodes * (s + h)
    w = np.where(u <= abs(h - s), 2 * min(h, s), s + h - u)
    c = np.cos(np.radians(two_theta_deg))
    arg = np.clip(c * np.sqrt(1 + u * u), -1.0, 1.0)
    shift = np.degrees(np.arccos(arg)) - two_theta_deg
    return shift, w / w.sum()


def fcj_profile(x: np.ndarray, two_theta_deg: float, fwhm_deg: float, eta: float, shl: float) -> np.ndarray:
    """Unit-area pseudo-Voigt line at the Bragg angle ``two_theta_deg`` with FCJ axial asymmetry."""
    shift, w = fcj_shifts(two_theta_deg, shl)
    out = np.zeros_like(np.asarray(x, float))
    for d, wk in zip(shift, w, strict=True):
        out += wk * pseudo_voigt(x, two_theta_deg + d, fwhm_deg, eta)
    return out


def _line_model(p: np.ndarray, x: np.ndarray, xc: float, shl: float, lam1: float, lam2: float | None,
                ratio: float) -> np.ndarray:
    x0, area, fwhm, eta, b0, b1 = p
    y = b0 + b1 * (x - xc) + area * fcj_profile(x, x0, fwhm, eta, shl)
    if lam2 and ratio > 0:
        x2 = float(kalpha2_position(x0, lam1, lam2))
        y = y + ratio * area * fcj_profile(x, x2, fwhm, eta, shl)
    return y


def _fit_line(x, y, s, peak: XRDPeak, shl, lam1, lam2, ratio):
    fw = max(peak.fwhm_deg, 1e-3)
    hi_edge = float(kalpha2_position(peak.two_theta_deg, lam1, lam2)) if lam2 and ratio > 0 else peak.two_theta_deg
    tail = float(np.max(np.abs(fcj_shifts(peak.two_theta_deg, shl)[0])))
    lo, hi = peak.two_theta_deg - 6 * fw - tail, hi_edge + 6 * fw + tail
    sel = (x >= lo) & (x <= hi)
    if sel.sum() < 12:
        return None
    xs, ys, ss = x[sel], y[sel], s[sel]
    xc = 0.5 * (lo + hi)
    p0 = np.array([peak.two_theta_deg, max(peak.area, 1e-9), fw, min(max(peak.eta, 0.05), 0.95), 0.0, 0.0])
    lb = [peak.two_theta_deg - fw, 0.0, 0.2 * fw, 0.0, -np.inf, -np.inf]
    ub = [peak.two_theta_deg + fw, np.inf, 5 * fw, 1.0, np.inf, np.inf]
    p0 = np.clip(p0, np.array(lb) + 1e-12, np.array(ub) - 1e-12)
    res = least_squares(lambda p: (_line_model(p, xs, xc, shl, lam1, lam2, ratio) - ys) / ss, p0,
                        bounds=(lb, ub), x_scale="jac", max_nfev=200)
    dof = max(xs.size - p0.size, 1)
    chi2 = float(np.sum(res.fun**2))
    try:
        cov = np.linalg.pinv(res.jac.T @ res.jac) * max(chi2 / dof, 1.0)
        sigma = float(np.sqrt(max(cov[0, 0], 0.0)))
    except np.linalg.LinAlgError:
        sigma = float("nan")
    return res.x, sigma, chi2, xs.size


def refine_positions(two_theta: np.ndarray, net: np.ndarray, sigma: np.ndarray, peaks: Sequence[XRDPeak], *,
                     wavelength_angstrom: float, wavelength2_angstrom: float | None = None,
                     ka2_ka1_ratio: float = 0.0, shl: float | None = None,
                     shl_bounds: tuple[float, float] = (1e-4, 0.1)) -> tuple[list[XRDPeak], float]:
    """Refit ``peaks`` with the FCJ-asymmetric profile; returns them at their Bragg positions, and SH/L.

    Parameters
    ----------
    two_theta, net, sigma
        The pattern (deg), its background-subtracted intensity and σ.
    peaks
        Isolated lines to refit (e.g. the matched reflections of a standard).
    wavelength_angstrom, wavelength2_angstrom, ka2_ka1_ratio
        The Kα doublet (ratio 0: single line).
    shl
        S/L = H/L; None fits one value for all lines (minimum total χ² over ``shl_bounds``).

    Peaks that cannot be refitted are returned unchanged.
    """
    x = np.asarray(two_theta, float)
    y = np.asarray(net, float)
    s = np.maximum(np.asarray(sigma, float), 1e-12)
    lam2 = wavelength2_angstrom if ka2_ka1_ratio > 0 else None
    args = (wavelength_angstrom, lam2, ka2_ka1_ratio)

    if shl is None:
        # the asymmetry shows at low (and very high) angles: choose SH/L on those lines
        informative = [p for p in peaks if abs(1 / np.tan(np.radians(p.two_theta_deg))) > 0.5]
        probe = informative if len(informative) >= 3 else list(peaks)

        def total_chi2(value: float) -> float:
            fits = [_fit_line(x, y, s, p, value, *args) for p in probe]
            return float(sum(f[2] for f in fits if f is not None))

        shl = float(minimize_scalar(total_chi2, bounds=shl_bounds, method="bounded",
                                    options={"xatol": 5e-4}).x)
    out = []
    for p in peaks:
        fit = _fit_line(x, y, s, p, shl, *args)
        if fit is None:
            out.append(p)
            continue
        params, sig, _, _ = fit
        out.append(replace(p, two_theta_deg=float(params[0]),
                           two_theta_sigma_deg=sig if np.isfinite(sig) else p.two_theta_sigma_deg))
    return out, shl


def calibrate_with_asymmetry(m: Measurement, *, standard: str = "LaB6", goniometer_radius_mm: float | None = None,
                             refine_lattice: bool = True, shl: float | None = None,
                             peaks: Sequence[XRDPeak] | None = None) -> tuple[XRDCalibration, float]:
    """Calibrate against a standard with FCJ-corrected line positions; returns the result and SH/L.

    ``m`` is the processed pattern of the standard (its ``xrd.background`` and
    ``xrd.peaks`` results are used unless ``peaks`` is given). The matched reflections are
    refitted by :func:`refine_positions`, then :func:`calibrate` runs without its A·cot2θ
    term, which the asymmetric profile replaces.
    """
    rad = radiation(m)
    x, net, sigma = _net_and_sigma(m)
    found = list(peaks) if peaks is not None else list(m.results.get("peaks") or ())
    matched = [p for p, _ in match_reflections(found, standard=standard, wavelength_angstrom=rad.wavelength_angstrom)]
    refined, value = refine_positions(x, net, sigma, matched, wavelength_angstrom=rad.wavelength_angstrom,
                                      wavelength2_angstrom=rad.wavelength2_angstrom,
                                      ka2_ka1_ratio=rad.ka2_ka1_ratio, shl=shl)
    radius = goniometer_radius_mm or getattr(m.acquisition, "goniometer_radius_mm", None) or 240.0
    cal = calibrate(refined, standard=standard, wavelength_angstrom=rad.wavelength_angstrom,
                    goniometer_radius_mm=radius, refine_lattice=refine_lattice, axial_divergence=False)
    return replace(cal, axial_sh_l=float(value)), value


def _net_and_sigma(m: Measurement) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = two_theta_deg(m)
    y = np.asarray(m.signal, float)
    bkg = m.results.get("background")
    if bkg is None or np.shape(bkg.intensity) != y.shape:
        raise ProcessingError("calibrate_with_asymmetry needs a pattern processed with xrd.background")
    return x, y, counting_sigma(y + bkg.intensity, m)
