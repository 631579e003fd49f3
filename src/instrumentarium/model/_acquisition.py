"""Typed acquisition metadata, per technique.

Units are in the field names. Fields the vendor file does not give are ``None``; the
vendor's own parameters stay untouched in ``Measurement.raw_parameters``.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from ._serialize import register_record

__all__ = ["Acquisition", "NMRDimension", "NMRAcquisition", "XRDAcquisition"]


@register_record("acquisition")
@dataclass(frozen=True)
class Acquisition:
    """Acquisition metadata common to every technique."""

    acquired_at: _dt.datetime | None = None
    title: str | None = None
    operator: str | None = None
    duration_s: float | None = None


@register_record("nmr.dimension")
@dataclass(frozen=True)
class NMRDimension:
    """One indirect dimension of a multidimensional NMR experiment."""

    nucleus: str | None = None
    spectrometer_frequency_mhz: float | None = None
    spectral_width_hz: float | None = None
    carrier_ppm: float | None = None
    n_points: int | None = None
    acquisition_mode: str | None = None


@register_record("nmr.acquisition")
@dataclass(frozen=True)
class NMRAcquisition(Acquisition):
    """NMR acquisition parameters of the directly detected dimension (and indirect ones).

    ``spectrometer_frequency_mhz`` is the observe frequency (Bruker SFO1, Varian sfrq),
    ``base_frequency_mhz`` the frequency at 0 ppm before referencing (Bruker BF1).
    ``carrier_ppm`` is the transmitter offset in ppm. ``n_points`` counts complex points
    of the FID. ``group_delay_points`` is the digital-filter delay in points (Bruker GRPDLY
    or the DSPFVS/DECIM table), 0 for analogue-filtered data.
    """

    nucleus: str | None = None
    spectrometer_frequency_mhz: float | None = None
    base_frequency_mhz: float | None = None
    spectral_width_hz: float | None = None
    carrier_ppm: float | None = None
    n_points: int | None = None
    n_scans: int | None = None
    n_dummy_scans: int | None = None
    pulse_program: str | None = None
    solvent: str | None = None
    temperature_k: float | None = None
    probe: str | None = None
    receiver_gain: float | None = None
    relaxation_delay_s: float | None = None
    group_delay_points: float | None = None
    indirect: tuple[NMRDimension, ...] = ()


@register_record("xrd.acquisition")
@dataclass(frozen=True)
class XRDAcquisition(Acquisition):
    """Powder-diffraction acquisition parameters.

    ``wavelength_angstrom`` is Kα1 (or the single wavelength), ``wavelength2_angstrom``
    Kα2, ``ka2_ka1_ratio`` the intensity ratio I(Kα2)/I(Kα1). ``slit_mode`` is
    ``"fixed"`` or ``"automatic"`` (variable divergence slit).
    """

    wavelength_angstrom: float | None = None
    wavelength2_angstrom: float | None = None
    ka2_ka1_ratio: float | None = None
    anode: str | None = None
    scan_axis: str | None = None
    two_theta_start_deg: float | None = None
    two_theta_end_deg: float | None = None
    step_deg: float | None = None
    time_per_step_s: float | None = None
    slit_mode: str | None = None
    divergence_slit_deg: float | None = None
    irradiated_length_mm: float | None = None
    goniometer_radius_mm: float | None = None
    monochromator: str | None = None
    monochromator_angle_deg: float | None = None
    n_scans: int | None = None
