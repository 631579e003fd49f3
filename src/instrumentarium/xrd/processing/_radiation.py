
"""Wavelengths and counting statistics of a pattern, with documented defaults.

Readers leave acquisition fields they cannot find as ``None``. Processing needs the
Kα1/Kα2 wavelengths and ratio; when they are missing the Cu Kα values of Hölzer et al.
(Phys. Rev. A 56, 4554, 1997) are assumed, and the assumption is returned so each step
records it in its decisions and warnings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import median_filter

from ...model import Measurement, ProcessingError

__all__ = [
    "CU_KA1_ANGSTROM",
    "CU_KA2_ANGSTROM",
    "CU_KA2_KA1_RATIO",
    "Radiation",
    "radiation",
    "two_theta_deg",
    "counting_sigma",
]

CU_KA1_ANGSTROM = 1.540593
CU_KA2_ANGSTROM = 1.544414
CU_KA2_KA1_RATIO = 0.5


@dataclass(frozen=True)
class Radiation:
    """The wavelengths used for a pattern and what had to be assumed."""

    wavelength_angstrom: float
    wavelength2_angstrom: float | None
    ka2_ka1_ratio: float
    assumptions: tuple[str, ...] = ()

    @property
    def has_doublet(self) -> bool:
        """True when a Kα2 line is present (a second wavelength and a ratio > 0)."""
        return self.wavelength2_angstrom is not None and self.ka2_ka1_ratio > 0


def radiation(m: Measurement) -> Radiation:
    """Kα1, Kα2 and I(Kα2)/I(Kα1) of ``m``, assuming Cu Kα where the file is silent.

    A single wavelength given without Kα2 (synchrotron, monochromated Kα1) is taken as
    monochromatic only when ``ka2_ka1_ratio`` is explicitly 0; otherwise a Cu anode
    (or an unknown one with λ1 = 1.5406 Å) gets the Cu Kα2 line.
    """
    acq = m.acquisition
    lam1 = getattr(acq, "wavelength_angstrom", None)
    lam2 = getattr(acq, "wavelength2_angstrom", None)
    ratio = getattr(acq, "ka2_ka1_ratio", None)
    notes: list[str] = []
    if lam1 is None:
        lam1 = CU_KA1_ANGSTROM
        notes.append(f"wavelength not in the file: assumed Cu Ka1 {CU_KA1_ANGSTROM} A")
    if ratio is not None and ratio == 0:
        return Radiation(float(lam1), None, 0.0, tuple(notes))
    if lam2 is None:
        if abs(lam1 - CU_KA1_ANGSTROM) < 2e-4:
            lam2 = CU_KA2_ANGSTROM
            notes.append(f"Ka2 wavelength not in the file: assumed Cu Ka2 {CU_KA2_ANGSTROM} A")
        else:
            return Radiation(float(lam1), None, 0.0, tuple(notes))
    if ratio is None:
        ratio = CU_KA2_KA1_RATIO
        notes.append(f"Ka2/Ka1 ratio not in the file: assumed {CU_KA2_KA1_RATIO}")
    if not (0 < lam1 < 10) or not (0 < lam2 < 10) or not (0 <= ratio < 1.5):
        raise ProcessingError(
            f"implausible radiation in the acquisition (lambda1={lam1}, lambda2={lam2}, "
            f"ratio={ratio}); fix the file's metadata or set them with m.replace(acquisition=...)"
        )
    return Radiation(float(lam1), float(lam2), float(ratio), tuple(notes))


def two_theta_deg(m: Measurement) -> np.ndarray:
    """The 2θ axis of ``m`` in degrees (checks that it is one, ascending)."""
    if m.ndim != 1:
        raise ProcessingError(f"an XRD pattern must be 1-D, got shape {m.shape}")
    ax = m.axes[0]
    if ax.name != "two_theta" or ax.unit != "deg":
        raise ProcessingError(
            f"expected a 'two_theta' axis in 'deg', got {ax.name!r} in {ax.unit!r}"
        )
    x = np.asarray(ax.values, dtype=float)
    if x.size < 2 or np.any(np.diff(x) <= 0):
        raise ProcessingError("the two_theta axis must be strictly ascending with at least 2 points")
    return x


def counting_sigma(total_intensity: np.ndarray, m: Measurement) -> np.ndarray:
    """Standard deviation of each point from counting statistics.

    ``total_intensity`` is the signal before any background subtraction. When the file
    gave uncertainties (``m.signal_errors``: GSAS ESD, ``.xye``, pdCIF s.u.) they are used
    as they are (zero σ raised to the smallest positive one). Otherwise, for
    ``signal_unit == "counts"`` σ = √max(N, 1) (Poisson). For count rates with a known
    ``time_per_step_s`` σ = √(N t)/t. Otherwise the Poisson gain g in σ² = g·I is
    estimated from the point-to-point scatter (second differences: Var(y[i-1] - 2y[i] +
    y[i+1]) = 6σ² for white noise), which is robust to peaks, and a running median of
    the same local scatter sets a floor (rebinned data, variable counting times).
    """
    y = np.clip(np.asarray(total_intensity, dtype=float), 0.0, None)
    errors = m.signal_errors
    if errors is not None and errors.shape == y.shape and np.any(errors > 0):
        return np.maximum(errors, float(np.min(errors[errors > 0])))
    unit = (m.signal_unit or "").lower()
    t = getattr(m.acquisition, "time_per_step_s", None)
    if unit == "counts":
        return np.sqrt(np.maximum(y, 1.0))
    if unit in ("counts/s", "cps") and t:
        return np.sqrt(np.maximum(y * t, 1.0)) / t
    if y.size < 5:
        return np.sqrt(np.maximum(y, 1.0))
    d2 = np.empty_like(y)
    d2[1:-1] = y[:-2] - 2 * y[1:-1] + y[2:]
    d2[0], d2[-1] = d2[1], d2[-2]
    # var(second difference) = 6 sigma^2; median of chi2(1) = 0.4549
    local = d2**2 / (6.0 * 0.4549)
    level = np.maximum(y, 1e-12)
    gain = float(np.median(local / level))
    if not np.isfinite(gain) or gain <= 0:
        gain = 1.0
    # the noise of rebinned or scaled data need not follow one gain: take the larger of
    # the Poisson-like estimate and a running median of the local scatter (101 points,
    # wider than a peak, so curvature inside peaks does not count as noise)
    win = int(min(101, y.size - (1 - y.size % 2)))
    running = median_filter(local, size=max(win, 3), mode="nearest")
    return np.sqrt(np.maximum(np.maximum(gain * y, running), 1e-12 * max(float(np.max(y)), 1.0)))
