
"""Crystallite size and microstrain from line broadening: Scherrer and Williamson–Hall.

Sample broadening is obtained by removing the instrument function from each fitted
peak, component by component (Voigt convolution: Gaussian widths add in quadrature,
Lorentzian widths linearly; de Keijser et al. 1982, J. Appl. Cryst. 15, 308), and the
sample integral breadth β (radians 2θ) is the Voigt's β (Langford 1978).

- Scherrer (1918): L = K λ / (β cosθ) per reflection; the median is reported.
- Williamson & Hall (1953, Acta Metall. 1, 22): β cosθ = K λ / L + 4 ε sinθ, a straight
  line whose intercept gives the size and slope the microstrain ε.

With integral breadths and K = 1 the size is the volume-weighted column length
(Stokes & Wilson 1942); K = 0.9 is the customary Scherrer constant. Either way the
same K must be used when comparing sizes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._profiles import caglioti_fwhm, voigt_components, voigt_integral_breadth
from ._records import XRDInstrumentFunction, XRDPeak, XRDSizeStrain

__all__ = ["gauss_lorentz_breadths", "sample_breadths", "scherrer", "williamson_hall"]

_BG_PER_HG = np.sqrt(np.pi / (4 * np.log(2)))


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
    return p.fwhm_sigma_deg is None or p.fwhm_sigma_deg < 0.2 * p.fwhm_deg


def sample_breadths(peaks: Sequence[XRDPeak], instrument: XRDInstrumentFunction | None, *,
                    min_significance: float = 10.0) -> tuple[np.ndarray, np.ndarray]:
    """2θ (deg) and instrument-corrected integral breadths β (rad) of the fitted peaks.

    Only well-determined peaks are used: significance ≥ ``min_significance`` and a FWHM
    known to better than 20 %. Peaks narrower than the instrument are dropped.
    """
    good = [p for p in peaks if _usable(p, min_significance)]
    if len(good) >= 3:
        # weak peaks sitting on the tails of strong ones give unreliable breadths
        top = max(p.significance or 0.0 for p in good)
        good = [p for p in good if (p.significance or 0.0) >= 0.02 * top]
    tt = np.array([p.two_theta_deg for p in good])
    bg, bl = gauss_lorentz_breadths(good)
    if instrument is not None:
        hg_i = caglioti_fwhm(tt, instrument.u_deg2, instrument.v_deg2, instrument.w_deg2)
        th = np.radians(tt / 2)
        hl_i = np.clip(instrument.x_deg * np.tan(th) + instrument.y_deg / np.cos(th), 0, None)
        bg = np.sqrt(np.clip(bg**2 - (hg_i * _BG_PER_HG) ** 2, 0, None))
        bl = np.clip(bl - hl_i * np.pi / 2, 0, None)
    beta = np.radians(voigt_integral_breadth(bg, bl))
    ok = np.isfinite(beta) & (beta > 0)
    return tt[ok], beta[ok]


def scherrer(peaks: Sequence[XRDPeak], *, wavelength_angstrom: float,
             instrument: XRDInstrumentFunction | None = None, shape_factor: float = 0.9) -> XRDSizeStrain:
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
    """
    tt, beta = sample_breadths(peaks, instrument)
    if tt.size == 0:
        raise ValueError("no peak is broader than the instrument: size is beyond the resolution")
    sizes = shape_factor * wavelength_angstrom / (beta * np.cos(np.radians(tt / 2))) / 10.0
    # the median resists a mis-fitted or overlapped peak; sigma from the MAD
    mad = float(np.median(np.abs(sizes - np.median(sizes)))) * 1.4826
    sigma = 1.2533 * mad / np.sqrt(sizes.size) if sizes.size > 1 else float("nan")
    return XRDSizeStrain("scherrer", float(np.median(sizes)), sigma, shape_factor, int(sizes.size),
                         instrument is not None)


def williamson_hall(peaks: Sequence[XRDPeak], *, wavelength_angstrom: float,
                    instrument: XRDInstrumentFunction | None = None,
                    shape_factor: float = 0.9) -> XRDSizeStrain:
    """Williamson–Hall size (nm) and microstrain ε from ≥ 3 fitted peaks."""
    tt, beta = sample_breadths(peaks, instrument)
    if tt.size < 3:
        raise ValueError(f"Williamson-Hall needs >= 3 peaks broader than the instrument, got {tt.size}")
    th = np.radians(tt / 2)
    xs = 4 * np.sin(th)
    ys = beta * np.cos(th)
    design = np.column_stack([np.ones_like(xs), xs])
    coef, *_ = np.linalg.lstsq(design, ys, rcond=None)
    resid = ys - design @ coef
    dof = max(xs.size - 2, 1)
    s2 = float(np.sum(resid**2) / dof)
    cov = np.linalg.inv(design.T @ design) * s2
    intercept, slope = float(coef[0]), float(coef[1])
    ss_tot = float(np.sum((ys - ys.mean()) ** 2))
    r2 = 1 - float(np.sum(resid**2)) / ss_tot if ss_tot > 0 else 1.0
    if intercept <= 0:
        size, size_sigma = float("inf"), float("nan")
    else:
        size = shape_factor * wavelength_angstrom / intercept / 10.0
        size_sigma = size * float(np.sqrt(cov[0, 0])) / intercept
    return XRDSizeStrain("williamson_hall", size, size_sigma, shape_factor, int(xs.size),
                         instrument is not None, strain=slope, strain_sigma=float(np.sqrt(cov[1, 1])),
                         r_squared=r2)
