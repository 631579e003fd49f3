"""Crystallite size and microstrain from line broadening: Scherrer and Williamson–Hall.

Instrument correction (Voigt algebra: a Voigt convolved with a Voigt is a Voigt whose
Gaussian integral breadths add in quadrature and Lorentzian ones linearly; de Keijser,
Langford, Mittemeijer & Vogels 1982, J. Appl. Cryst. 15, 308; Langford 1978, J. Appl.
Cryst. 11, 10). Two ways of taking the instrument out of each fitted line:

- ``sample_profile="lorentzian"`` (default): the sample profile is a Lorentzian (size
  and microstrain broadening of real powders are nearly so; GSAS-II and TOPAS make the
  same choice). The observed integral breadth β_obs = area/height of the fitted line —
  the best-determined width of a fit — is matched to the Voigt of the instrument
  (β_G,i, β_L,i from Caglioti U, V, W and X, Y) convolved with a Lorentzian of breadth
  β_s: β_obs = β_V(β_G,i, β_L,i + β_s), solved for β_s. It does not depend on how the
  fit split a line into Gaussian and Lorentzian parts, which is poorly determined when
  one part dominates.
- ``sample_profile="voigt"``: the fitted line's Gaussian and Lorentzian breadths are
  each corrected (β_G,s² = β_G² − β_G,i², β_L,s = β_L − β_L,i) and recombined into the
  sample Voigt's β (Langford 1978). Needed when the sample broadening has a Gaussian
  part (e.g. a narrow size distribution), but noisier.

Lines are kept only when well determined: fitted, significant, with a finite FWHM
uncertainty below 20 % (and area/height uncertainties giving a breadth known to 20 %),
not sitting on the tail of a much stronger line and resolved
from their neighbours (an unresolved pair shares its width between two fits).

- Scherrer (1918): L = K λ / (β cosθ) per reflection; the median is reported.
- Williamson & Hall (1953, Acta Metall. 1, 22): β cosθ = K λ / L + 4 ε sinθ, fitted by
  weighted least squares with each point's σ from the fit's area and height
  uncertainties (plus a 1 % floor for profile-model error); points more than 4 robust σ
  off the line are dropped one at a time (at least 3 are kept).

With integral breadths and K = 1 the size is the volume-weighted column length
(Stokes & Wilson 1942); K = 0.9 is the customary Scherrer constant. Either way the
same K must be used when comparing sizes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._profiles import caglioti_fwhm, voigt_components, voigt_integral_breadth
from ._records import XRDInstrumentFunction, XRDPeak, XRDSizeStrain

__all__ = ["gauss_lorentz_breadths", "sample_breadths", "sample_lines", "scherrer", "williamson_hall",
           "SAMPLE_PROFILES"]

_BG_PER_HG = np.sqrt(np.pi / (4 * np.log(2)))
SAMPLE_PROFILES = ("lorentzian", "voigt")
_MODEL_FLOOR = 0.01  # relative σ of a line breadth from profile-model error (pV vs Voigt, ~1 %)


def gauss_lorentz_breadths(peaks: Sequence[XRDPeak]) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian and Lorentzian integral breadths (deg) of each peak.

    Taken from the TCH fit's components when present, else split from FWHM and η.
    """
    if peaks and all(p.fwhm_gauss_deg is not None and p.fwhm_lorentz_deg is not None for p in peaks):
        hg = np.array([p.fwhm_gauss_deg for p in peaks], float)
        hl = np.array([p.fwhm_lorentz_deg for p in peaks], float)
        return hg * _BG_PER_HG, hl * np.pi / 2
    return voigt_components(np.array([p.fwhm_deg for p in peaks], float),
                            np.array([p.eta for p in peaks], float))


def _usable(p: XRDPeak, min_significance: float) -> bool:
    if not p.fitted or p.fwhm_deg <= 0 or (p.significance or 0.0) < min_significance:
        return False
    if p.fwhm_sigma_deg is None:
        return True  # peak lists from elsewhere carry no uncertainties: keep, weight equally
    # a zero σ means the fit stopped on a bound: the width is not determined
    return 0 < p.fwhm_sigma_deg < 0.2 * p.fwhm_deg


def _select(peaks: Sequence[XRDPeak], min_significance: float) -> list[XRDPeak]:
    good = sorted((p for p in peaks if _usable(p, min_significance)), key=lambda p: p.two_theta_deg)
    if len(good) >= 3:
        # weak peaks sitting on the tails of strong ones give unreliable breadths
        top = max(p.significance or 0.0 for p in good)
        good = [p for p in good if (p.significance or 0.0) >= 0.02 * top]
    # unresolved neighbours (closer than half their summed FWHMs): neither width is reliable
    bad = set()
    for i in range(len(good) - 1):
        a, b = good[i], good[i + 1]
        if b.two_theta_deg - a.two_theta_deg < 0.5 * (a.fwhm_deg + b.fwhm_deg):
            bad.update((i, i + 1))
    return [p for i, p in enumerate(good) if i not in bad]


def _relative_sigma(p: XRDPeak) -> float:
    """Relative σ of the integral breadth area/height from the fit's uncertainties."""
    terms = []
    if p.area_sigma is not None and p.area > 0:
        terms.append(p.area_sigma / p.area)
    if p.height_sigma is not None and p.height > 0:
        terms.append(p.height_sigma / p.height)
    if not terms and p.fwhm_sigma_deg is not None and p.fwhm_deg > 0:
        terms.append(p.fwhm_sigma_deg / p.fwhm_deg)
    rel = float(np.sqrt(np.sum(np.square(terms)))) if terms else 0.0
    return float(np.hypot(rel, _MODEL_FLOOR)) if np.isfinite(rel) else float("nan")


def _instrument_breadths(tt: np.ndarray, instrument: XRDInstrumentFunction) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian and Lorentzian integral breadths (deg) of the instrument at ``tt``."""
    hg_i = caglioti_fwhm(tt, instrument.u_deg2, instrument.v_deg2, instrument.w_deg2)
    th = np.radians(tt / 2)
    hl_i = np.clip(instrument.x_deg * np.tan(th) + instrument.y_deg / np.cos(th), 0, None)
    return hg_i * _BG_PER_HG, hl_i * np.pi / 2


def _lorentzian_excess(beta_obs: float, bg_i: float, bl_i: float) -> tuple[float, float]:
    """β_s with β_V(bg_i, bl_i + β_s) = beta_obs, and dβ_obs/dβ_s there (Langford 1978)."""
    base = float(voigt_integral_breadth(bg_i, bl_i))
    if not beta_obs > base:
        return 0.0, 1.0
    lo, hi = 0.0, beta_obs  # β_V ≥ β_L, so β_s ≤ β_obs
    for _ in range(60):  # bisection: β_V grows monotonically with its Lorentzian part
        mid = 0.5 * (lo + hi)
        if float(voigt_integral_breadth(bg_i, bl_i + mid)) < beta_obs:
            lo = mid
        else:
            hi = mid
    bs = 0.5 * (lo + hi)
    h = max(1e-6 * bs, 1e-9)
    slope = (float(voigt_integral_breadth(bg_i, bl_i + bs + h)) - float(voigt_integral_breadth(bg_i, bl_i + bs))) / h
    return bs, max(slope, 1e-6)


def sample_lines(peaks: Sequence[XRDPeak], instrument: XRDInstrumentFunction | None, *,
                 min_significance: float = 10.0,
                 sample_profile: str = "lorentzian") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """2θ (deg), instrument-corrected integral breadths β (rad) and their σ (rad).

    See the module notes for the selection of lines and the two ``sample_profile``
    corrections. Lines not broader than the instrument are dropped. σ combines the
    fit's area and height uncertainties (FWHM uncertainty when those are missing) with a
    1 % profile-model floor; lines whose breadth is known to no better than 20 % are
    left out.
    """
    if sample_profile not in SAMPLE_PROFILES:
        raise ValueError(f"unknown sample_profile {sample_profile!r}; choose one of {SAMPLE_PROFILES}")
    good = [p for p in _select(peaks, min_significance) if not _relative_sigma(p) > 0.2]
    tt = np.array([p.two_theta_deg for p in good], float)
    rel = np.array([_relative_sigma(p) for p in good], float)
    if sample_profile == "voigt" or instrument is None:
        bg, bl = gauss_lorentz_breadths(good)
        if instrument is not None:
            bg_i, bl_i = _instrument_breadths(tt, instrument)
            bg = np.sqrt(np.clip(bg**2 - bg_i**2, 0, None))
            bl = np.clip(bl - bl_i, 0, None)
        beta = voigt_integral_breadth(bg, bl) if tt.size else np.zeros(0)
        obs = np.array([p.integral_breadth_deg for p in good], float)
        # the observed breadth's error passes one to one into the sample breadth
        sigma = rel * obs
    else:
        bg_i, bl_i = _instrument_breadths(tt, instrument)
        beta = np.zeros_like(tt)
        sigma = np.zeros_like(tt)
        for k, p in enumerate(good):
            bs, slope = _lorentzian_excess(p.integral_breadth_deg, float(bg_i[k]), float(bl_i[k]))
            beta[k] = bs
            sigma[k] = rel[k] * p.integral_breadth_deg / slope
    beta = np.radians(np.asarray(beta, float))
    sigma = np.radians(np.asarray(sigma, float))
    ok = np.isfinite(beta) & (beta > 0)
    return tt[ok], beta[ok], sigma[ok]


def sample_breadths(peaks: Sequence[XRDPeak], instrument: XRDInstrumentFunction | None, *,
                    min_significance: float = 10.0,
                    sample_profile: str = "lorentzian") -> tuple[np.ndarray, np.ndarray]:
    """2θ (deg) and instrument-corrected integral breadths β (rad) of the well-determined lines."""
    tt, beta, _ = sample_lines(peaks, instrument, min_significance=min_significance,
                               sample_profile=sample_profile)
    return tt, beta


def scherrer(peaks: Sequence[XRDPeak], *, wavelength_angstrom: float,
             instrument: XRDInstrumentFunction | None = None, shape_factor: float = 0.9,
             sample_profile: str = "lorentzian") -> XRDSizeStrain:
    """Scherrer crystallite size (nm): the median over well-determined peaks.

    Parameters
    ----------
    peaks
        Fitted peaks (FWHM and η used).
    wavelength_angstrom
        Kα1.
    instrument
        Instrument function from a standard; without it the size is a lower bound.
    shape_factor
        Scherrer constant K (0.9 default).
    sample_profile
        ``"lorentzian"`` or ``"voigt"``: how the instrument is removed (module notes).
    """
    tt, beta = sample_breadths(peaks, instrument, sample_profile=sample_profile)
    if tt.size == 0:
        raise ValueError("no peak is broader than the instrument: size is beyond the resolution")
    sizes = shape_factor * wavelength_angstrom / (beta * np.cos(np.radians(tt / 2))) / 10.0
    # the median resists a mis-fitted or overlapped peak; sigma from the MAD
    mad = float(np.median(np.abs(sizes - np.median(sizes)))) * 1.4826
    sigma = 1.2533 * mad / np.sqrt(sizes.size) if sizes.size > 1 else float("nan")
    return XRDSizeStrain("scherrer", float(np.median(sizes)), sigma, shape_factor, int(sizes.size),
                         instrument is not None)


def _weighted_line(xs: np.ndarray, ys: np.ndarray, sy: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted straight-line fit: coefficients, covariance (scaled by χ²_ν ≥ 1), residuals."""
    design = np.column_stack([np.ones_like(xs), xs])
    w = 1.0 / sy
    coef, *_ = np.linalg.lstsq(design * w[:, None], ys * w, rcond=None)
    resid = ys - design @ coef
    dof = max(xs.size - 2, 1)
    chi2 = float(np.sum((resid * w) ** 2) / dof)
    cov = np.linalg.inv((design * w[:, None]).T @ (design * w[:, None])) * max(chi2, 1.0)
    return coef, cov, resid


def williamson_hall(peaks: Sequence[XRDPeak], *, wavelength_angstrom: float,
                    instrument: XRDInstrumentFunction | None = None,
                    shape_factor: float = 0.9, sample_profile: str = "lorentzian",
                    reject_sigma: float = 4.0) -> XRDSizeStrain:
    """Williamson–Hall size (nm) and microstrain ε from ≥ 3 fitted peaks.

    Parameters
    ----------
    peaks
        Fitted peaks (integral breadths and their uncertainties used).
    wavelength_angstrom
        Kα1.
    instrument
        Instrument function from a standard (else sizes are lower bounds).
    shape_factor
        K in β cosθ = K λ / L + 4 ε sinθ.
    sample_profile
        ``"lorentzian"`` or ``"voigt"`` instrument correction (module notes).
    reject_sigma
        Points further than this many robust standard deviations from the weighted
        line are dropped, worst first (never below 3 points).
    """
    tt, beta, sig = sample_lines(peaks, instrument, sample_profile=sample_profile)
    if tt.size < 3:
        raise ValueError(f"Williamson-Hall needs >= 3 peaks broader than the instrument, got {tt.size}")
    th = np.radians(tt / 2)
    xs = 4 * np.sin(th)
    ys = beta * np.cos(th)
    sy = sig * np.cos(th)
    if not np.all(np.isfinite(sy) & (sy > 0)):
        sy = np.full_like(ys, float(np.median(ys)) * _MODEL_FLOOR)  # no uncertainties: equal weights
    keep = np.ones(xs.size, bool)
    while True:
        coef, cov, resid = _weighted_line(xs[keep], ys[keep], sy[keep])
        if keep.sum() <= 3:
            break
        z = (ys - (coef[0] + coef[1] * xs)) / sy
        scale = max(1.4826 * float(np.median(np.abs(z[keep]))), 1.0)
        worst = int(np.argmax(np.where(keep, np.abs(z), -np.inf)))
        if abs(z[worst]) <= reject_sigma * scale:
            break
        keep[worst] = False
    intercept, slope = float(coef[0]), float(coef[1])
    # weighted coefficient of determination (the fit is weighted)
    w = 1.0 / sy[keep] ** 2
    yk = ys[keep]
    ss_tot = float(np.sum(w * (yk - np.sum(w * yk) / np.sum(w)) ** 2))
    r2 = 1 - float(np.sum(w * resid**2)) / ss_tot if ss_tot > 0 else 1.0
    if intercept <= 0:
        size, size_sigma = float("inf"), float("nan")
    else:
        size = shape_factor * wavelength_angstrom / intercept / 10.0
        size_sigma = size * float(np.sqrt(cov[0, 0])) / intercept
    return XRDSizeStrain("williamson_hall", size, size_sigma, shape_factor, int(keep.sum()),
                         instrument is not None, strain=slope, strain_sigma=float(np.sqrt(cov[1, 1])),
                         r_squared=r2)
