"""Synthetic powder patterns with known peaks, instrument function, size and strain.

Each reflection is an exact Voigt profile (scipy.special.voigt_profile, not the
pseudo-Voigt the fits use) whose Gaussian FWHM follows Caglioti's law and whose
Lorentzian FWHM is the instrument's (X tanθ + Y/cosθ) plus the sample's: size
β = Kλ/(L cosθ) (Scherrer 1918) and microstrain β = 4ε tanθ (Stokes & Wilson 1944), both
Lorentzian so that the Williamson–Hall relation holds exactly. The Kα2 line gets its
own position and broadening. Optionally each line gets the axial-divergence asymmetry of
Finger, Cox & Jephcoat (1994) with S/L = H/L = ``axial_shl`` (see :mod:`.asymmetry`),
its peak then lying off the Bragg angle as in a real Bragg–Brentano pattern. Used by the
tests (exact ground truth), the benchmark and simulated instruments.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.special import voigt_profile

from ._profiles import caglioti_fwhm, kalpha2_position
from ._records import XRDInstrumentFunction
from .asymmetry import fcj_shifts

__all__ = ["synthesize_pattern", "line_widths"]


def line_widths(two_theta_deg: np.ndarray | float, *, wavelength_angstrom: float,
                instrument: XRDInstrumentFunction | None = None, size_nm: float | None = None,
                strain: float | None = None, shape_factor: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian and Lorentzian FWHMs (deg) of lines at ``two_theta_deg``."""
    tt = np.asarray(two_theta_deg, float)
    th = np.radians(tt / 2)
    if instrument is not None:
        hg = caglioti_fwhm(tt, instrument.u_deg2, instrument.v_deg2, instrument.w_deg2)
        hl = np.clip(instrument.x_deg * np.tan(th) + instrument.y_deg / np.cos(th), 0, None)
    else:
        hg, hl = np.full_like(tt, 1e-4), np.zeros_like(tt)
    beta = np.zeros_like(tt)
    if size_nm:
        beta = beta + shape_factor * wavelength_angstrom / (size_nm * 10.0 * np.cos(th))
    if strain:
        beta = beta + 4 * strain * np.tan(th)
    # a Lorentzian's integral breadth is π/2 times its FWHM
    return hg, hl + np.degrees(beta) * 2 / np.pi


def synthesize_pattern(two_theta_deg: np.ndarray, reflections: Sequence[tuple[float, float]], *,
                       wavelength_angstrom: float = 1.540593, wavelength2_angstrom: float | None = 1.544414,
                       ka2_ka1_ratio: float = 0.5, instrument: XRDInstrumentFunction | None = None,
                       size_nm: float | None = None, strain: float | None = None, shape_factor: float = 0.9,
                       background: np.ndarray | float = 0.0, axial_shl: float = 0.0) -> np.ndarray:
    """Noise-free intensity of ``reflections`` ((Kα1 2θ in deg, area) pairs) on a 2θ grid.

    Parameters
    ----------
    two_theta_deg
        The grid, degrees.
    reflections
        Kα1 position and integrated intensity (signal·deg) of each line.
    wavelength_angstrom, wavelength2_angstrom, ka2_ka1_ratio
        Kα1, Kα2 (None for monochromatic) and I(Kα2)/I(Kα1).
    instrument
        Instrumental broadening (Caglioti U, V, W and X, Y); None for sharp lines.
    size_nm, strain, shape_factor
        Sample broadening: crystallite size L (nm), microstrain ε, Scherrer K.
    background
        Added to the result (array on the grid or a constant).
    axial_shl
        S/L = H/L of the FCJ axial-divergence asymmetry (0: symmetric lines at the Bragg angles).
    """
    x = np.asarray(two_theta_deg, float)
    y = np.zeros_like(x) + background
    lam2 = wavelength2_angstrom if ka2_ka1_ratio > 0 else None
    for tt, area in reflections:
        lines = [(float(tt), float(area))]
        if lam2:
            pos2 = float(kalpha2_position(tt, wavelength_angstrom, lam2))
            lines.append((pos2, float(area) * ka2_ka1_ratio))
        for pos, a in lines:
            if not np.isfinite(pos):
                continue
            hg, hl = line_widths(pos, wavelength_angstrom=wavelength_angstrom, instrument=instrument,
                                 size_nm=size_nm, strain=strain, shape_factor=shape_factor)
            sigma = float(hg) / (2 * np.sqrt(2 * np.log(2)))
            shifts, weights = fcj_shifts(pos, axial_shl)
            for d, w in zip(shifts, weights, strict=True):
                y = y + a * w * voigt_profile(x - pos - d, sigma, float(hl) / 2)
    return y
