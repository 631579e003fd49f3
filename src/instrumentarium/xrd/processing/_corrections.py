
"""Intensity and angle corrections: slits, zero shift, Kα2 stripping, smoothing."""

from __future__ import annotations

import numpy as np
from scipy.signal import savgol_filter

from ...model import Axis, Measurement, ProcessingError
from ...pipeline import StepOutput, step
from ._radiation import radiation, two_theta_deg

__all__ = ["fixed_slit", "zero_shift", "strip_kalpha2", "smooth", "rachinger"]


@step("xrd.fixed_slit", technique="xrd")
def fixed_slit(
    m: Measurement,
    *,
    divergence_slit_deg: float | None = None,
) -> StepOutput:
    """Convert a variable (automatic) divergence-slit pattern to fixed-slit intensities.

    An automatic slit keeps the irradiated length L constant, so the divergence grows
    as α(θ) = L sinθ / R and the diffracting volume with it. A fixed slit α_f gives
    I_fixed = I_auto · α_f / α(θ) = I_auto · α_f R / (L sinθ). With L or R unknown the
    factor is normalised to 1 at 2θ = 90° (only relative intensities change). Patterns
    measured with a fixed slit (or an unknown mode) are returned unchanged.

    Parameters
    ----------
    divergence_slit_deg
        Fixed slit to convert to, in degrees (default: the file's
        ``divergence_slit_deg``).

    References
    ----------
    Kleeberg, R. et al. (2008) on ADS/FDS conversion; the geometry is that of
    Klug & Alexander, *X-ray Diffraction Procedures* (1974), ch. 5.
    """
    acq = m.acquisition
    mode = (getattr(acq, "slit_mode", None) or "").lower()
    if mode != "automatic":
        return StepOutput(m, decisions={"applied": False, "reason": f"slit mode {mode or 'unknown'}",
                                        "confidence": 1.0 if mode == "fixed" else 0.5})
    x = two_theta_deg(m)
    sin_t = np.sin(np.radians(x / 2))
    if np.any(sin_t <= 0):
        raise ProcessingError("fixed_slit: 2theta must be > 0 deg for a slit conversion")
    length = getattr(acq, "irradiated_length_mm", None)
    radius = getattr(acq, "goniometer_radius_mm", None)
    alpha_f = divergence_slit_deg or getattr(acq, "divergence_slit_deg", None)
    if length and radius and alpha_f:
        factor = np.radians(alpha_f) * radius / (length * sin_t)
        normalised = False
    else:
        factor = 1.0 / sin_t
        normalised = True
    errors = m.signal_errors * factor if m.signal_errors is not None else None
    out = m.replace(signal=np.asarray(m.signal, float) * factor, signal_errors=errors)
    warns = ["irradiated length/radius/slit unknown: factor 1/sin(theta) normalised at 90 deg"] \
        if normalised else []
    return StepOutput(out, decisions={"applied": True, "normalised": normalised,
                                      "confidence": 0.7 if normalised else 1.0}, warnings=warns)


@step("xrd.zero_shift", technique="xrd")
def zero_shift(m: Measurement, *, zero_shift_deg: float = 0.0,
               displacement_mm: float = 0.0) -> Measurement:
    """Correct the 2θ axis for a zero offset and a specimen displacement.

    The observed angle is 2θ_obs = 2θ + Z − (2 s cosθ / R)·(180/π) (specimen
    displacement s, positive towards the tube side of the focusing circle, goniometer
    radius R). The corrected axis is 2θ = 2θ_obs − Z + displacement term. Get Z and s
    from a standard with :func:`instrumentarium.xrd.analysis.calibrate`.

    Parameters
    ----------
    zero_shift_deg
        Z, degrees (subtracted from the axis).
    displacement_mm
        s, mm; needs ``goniometer_radius_mm`` in the acquisition (or 240 mm assumed).

    References
    ----------
    Klug & Alexander (1974), *X-ray Diffraction Procedures*, §5.2 (displacement error).
    """
    x = two_theta_deg(m)
    radius = getattr(m.acquisition, "goniometer_radius_mm", None) or 240.0
    corrected = x - zero_shift_deg + np.degrees(2 * displacement_mm * np.cos(np.radians(x / 2)) / radius)
    if np.any(np.diff(corrected) <= 0):
        raise ProcessingError("zero_shift: the correction made the 2theta axis non-monotonic")
    return m.replace(axes=(Axis("two_theta", "deg", corrected),))


def rachinger(two_theta: np.ndarray, intensity: np.ndarray, *, wavelength_angstrom: float,
              wavelength2_angstrom: float, ratio: float) -> np.ndarray:
    """Remove the Kα2 component point by point (Rachinger 1948).

    For each point the Kα2 contribution is ``ratio`` times the already-stripped Kα1
    intensity at the angle whose Kα2 reflection falls there:
    2θ₁ = 2 arcsin(λ1/λ2 · sinθ₂). Points are processed in ascending 2θ, interpolating
    linearly on the stripped pattern.

    References
    ----------
    Rachinger, W. A. (1948). J. Sci. Instrum. 25, 254.
    """
    x = np.asarray(two_theta, float)
    y = np.asarray(intensity, float)
    out = y.copy()
    s = np.clip(np.sin(np.radians(x / 2)) * wavelength_angstrom / wavelength2_angstrom, -1, 1)
    x1 = 2 * np.degrees(np.arcsin(s))  # the Kα1 angle whose Kα2 line lands at x
    idx = np.searchsorted(x, x1) - 1  # x[idx] <= x1 < x[idx+1]
    for i in range(x.size):
        j = idx[i]
        if j < 0:
            continue
        if j + 1 >= i:  # shift below one step: interpolate with the current point
            f = (x1[i] - x[j]) / (x[i] - x[j]) if i > j else 0.0
            # out[i] = y[i] - r*((1-f)out[j] + f out[i])  =>  solve for out[i]
            out[i] = (y[i] - ratio * (1 - f) * out[j]) / (1 + ratio * f)
            continue
        f = (x1[i] - x[j]) / (x[j + 1] - x[j])
        out[i] = y[i] - ratio * ((1 - f) * out[j] + f * out[j + 1])
    return out


@step("xrd.strip_kalpha2", technique="xrd")
def strip_kalpha2(m: Measurement) -> StepOutput:
    """Strip the Kα2 line with the Rachinger method (see :func:`rachinger`).

    Only for display or peak lists: profile fitting models the doublet instead, which
    does not amplify noise. Wavelengths and ratio come from the acquisition (Cu Kα
    assumed, and recorded, when absent); a monochromatic pattern is returned unchanged.
    """
    rad = radiation(m)
    if not rad.has_doublet:
        return StepOutput(m, decisions={"applied": False, "reason": "no Ka2 line", "confidence": 1.0},
                          warnings=list(rad.assumptions))
    x = two_theta_deg(m)
    y = rachinger(x, m.signal, wavelength_angstrom=rad.wavelength_angstrom,
                  wavelength2_angstrom=rad.wavelength2_angstrom, ratio=rad.ka2_ka1_ratio)
    decisions = {"applied": True, "wavelength_angstrom": rad.wavelength_angstrom,
                 "wavelength2_angstrom": rad.wavelength2_angstrom, "ka2_ka1_ratio": rad.ka2_ka1_ratio,
                 "assumptions": list(rad.assumptions),
                 "confidence": 0.8 if rad.assumptions else 1.0}
    return StepOutput(m.replace(signal=y), decisions=decisions, warnings=list(rad.assumptions))


@step("xrd.smooth", technique="xrd")
def smooth(m: Measurement, *, window_points: int = 7, polyorder: int = 2) -> Measurement:
    """Savitzky–Golay smoothing (least-squares polynomial in a sliding window).

    Parameters
    ----------
    window_points
        Odd window length in points; keep it below the FWHM in points or peaks broaden.
    polyorder
        Polynomial order (< window_points).

    References
    ----------
    Savitzky, A. & Golay, M. J. E. (1964). Anal. Chem. 36, 1627.
    """
    two_theta_deg(m)
    if window_points % 2 == 0 or window_points <= polyorder or window_points < 3:
        raise ProcessingError(
            f"smooth: window_points must be odd, >= 3 and > polyorder (got {window_points}, {polyorder})"
        )
    if window_points > m.shape[0]:
        raise ProcessingError(
            f"smooth: window of {window_points} points exceeds the {m.shape[0]}-point pattern"
        )
    y = savgol_filter(np.asarray(m.signal, float), window_points, polyorder, mode="interp")
    return m.replace(signal=y)
