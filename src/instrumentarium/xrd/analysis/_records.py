
"""Typed XRD analysis results (serialised to JSON and NeXus by the model)."""

from __future__ import annotations

from dataclasses import dataclass

from ...model import register_record

__all__ = ["XRDPeak", "XRDInstrumentFunction", "XRDCalibration", "XRDSizeStrain", "XRDAnalysis"]


@register_record("xrd.peak")
@dataclass(frozen=True)
class XRDPeak:
    """One reflection (its Kα1 component when a Kα doublet was modelled).

    Positions and widths in degrees 2θ, ``d_angstrom`` from Bragg's law with Kα1.
    ``height`` and ``area`` are in the pattern's signal unit (area: unit·deg).
    ``relative_intensity_percent`` is I/I0 from heights (strongest = 100).
    ``integral_breadth_deg`` = area/height. ``*_sigma_*`` are one-standard-deviation
    uncertainties from the least-squares covariance (None when not fitted).
    ``significance`` is the net height in units of the counting σ at the peak.
    ``fwhm_gauss_deg``/``fwhm_lorentz_deg`` are the Voigt components of a TCH fit.
    """

    two_theta_deg: float
    d_angstrom: float
    height: float
    area: float
    fwhm_deg: float
    integral_breadth_deg: float
    eta: float
    relative_intensity_percent: float = 100.0
    significance: float | None = None
    two_theta_sigma_deg: float | None = None
    d_sigma_angstrom: float | None = None
    height_sigma: float | None = None
    area_sigma: float | None = None
    fwhm_sigma_deg: float | None = None
    fwhm_gauss_deg: float | None = None
    fwhm_lorentz_deg: float | None = None
    fitted: bool = True


@register_record("xrd.instrument_function")
@dataclass(frozen=True)
class XRDInstrumentFunction:
    """Instrumental profile from a standard: Caglioti U, V, W (Gaussian) and X, Y (Lorentzian).

    H_G² = U tan²θ + V tanθ + W (deg²), H_L = X tanθ + Y / cosθ (deg), as in the
    Thompson–Cox–Hastings pseudo-Voigt (J. Appl. Cryst. 20, 79, 1987).
    """

    u_deg2: float
    v_deg2: float
    w_deg2: float
    x_deg: float
    y_deg: float
    n_peaks: int
    standard: str = ""
    two_theta_min_deg: float | None = None
    two_theta_max_deg: float | None = None


@register_record("xrd.calibration")
@dataclass(frozen=True)
class XRDCalibration:
    """Zero shift, specimen displacement and cubic lattice parameter from a standard.

    Model: 2θ_obs = 2θ_Bragg(a) + Z − (180/π)·2 s cosθ / R + A cot2θ, where A is the
    axial-divergence centroid shift (Wilson 1963; zero when not refined).
    ``residual_max_deg`` is the largest |observed − model| over the matched reflections.
    ``displacement_refined`` is False when s was left at 0 because the pattern cannot
    separate it from the lattice parameter (narrow 2θ range). ``axial_sh_l`` is the
    Finger–Cox–Jephcoat S/L = H/L when the positions came from asymmetric profiles.
    """

    standard: str
    lattice_a_angstrom: float
    lattice_a_sigma_angstrom: float
    zero_shift_deg: float
    zero_shift_sigma_deg: float
    displacement_mm: float
    displacement_sigma_mm: float
    goniometer_radius_mm: float
    n_peaks: int
    residual_rms_deg: float
    residual_max_deg: float
    reference_a_angstrom: float | None = None
    lattice_refined: bool = False
    axial_divergence_deg: float = 0.0
    hkl: tuple[tuple[int, int, int], ...] = ()
    residuals_deg: tuple[float, ...] = ()
    displacement_refined: bool = True
    axial_sh_l: float | None = None


@register_record("xrd.size_strain")
@dataclass(frozen=True)
class XRDSizeStrain:
    """Crystallite size and microstrain from line broadening.

    ``method`` is ``"scherrer"`` (size only, mean over peaks) or ``"williamson_hall"``
    (β cosθ = Kλ/L + 4ε sinθ). Size in nm (volume-weighted column length times K),
    ``strain`` is the dimensionless microstrain ε (None for Scherrer).
    """

    method: str
    size_nm: float
    size_sigma_nm: float
    shape_factor: float
    n_peaks: int
    instrument_corrected: bool
    strain: float | None = None
    strain_sigma: float | None = None
    r_squared: float | None = None


@register_record("xrd.analysis")
@dataclass(frozen=True)
class XRDAnalysis:
    """Everything :func:`instrumentarium.xrd.analysis.analyze` found in a pattern."""

    peaks: tuple[XRDPeak, ...]
    wavelength_angstrom: float
    wavelength2_angstrom: float | None = None
    ka2_ka1_ratio: float = 0.0
    profile: str = "pseudo_voigt"
    instrument_function: XRDInstrumentFunction | None = None
    calibration: XRDCalibration | None = None
    scherrer: XRDSizeStrain | None = None
    williamson_hall: XRDSizeStrain | None = None
    warnings: tuple[str, ...] = ()
