"""Fourier transform, digital-filter (group delay) correction and the ppm axis.

Conventions (verified against TopSpin's ``1r`` on every Bruker 1D of the dev data set,
Pearson r >= 0.9996): the spectrum is ``fftshift(fft(fid))`` reversed and rolled by one
point, so index 0 is the highest shift (TopSpin ``OFFSET``) and point ``j`` lies at
``sw/2 - j*sw/SI`` Hz from the carrier. In that order the digital filter's group delay of
``G`` points is the phase ramp ``exp(-2 pi i G j / SI)``: a first-order phase pivoting on
the high-shift edge, which carries TopSpin's constant ``360*frac(G)`` degree term
(the wrapped point ``j = 0`` is the ``-sw/2`` point, i.e. ``j = SI``).
"""

from __future__ import annotations

import numpy as np

from ...model import Axis, Measurement, ProcessingError
from ...pipeline import StepOutput, step
from ._domain import acquisition_of, applied_steps, fresh, require_fid, require_spectrum
from ._phase import rotations

__all__ = ["AXIS_ORDER", "fourier_transform", "correct_group_delay", "set_ppm_axis", "ppm_axis", "hz_axis"]

AXIS_ORDER = "descending: first point = highest ppm (TopSpin 1r order)"


def ppm_axis(n_points: int, *, offset_ppm: float, spectral_width_hz: float, frequency_mhz: float) -> Axis:
    """The ``chemical_shift`` axis (ppm, descending) of ``n_points``: ``OFFSET - j*SW/(SF*SI)``."""
    step_ppm = spectral_width_hz / frequency_mhz / n_points
    return Axis("chemical_shift", "ppm", fresh(offset_ppm - step_ppm * np.arange(n_points)))


def hz_axis(m: Measurement) -> np.ndarray:
    """Frequencies (Hz) of a spectrum's points relative to 0 ppm, from its ppm axis."""
    require_spectrum(m, "hz_axis")
    acq = acquisition_of(m, "hz_axis")
    mhz = acq.base_frequency_mhz or acq.spectrometer_frequency_mhz
    if mhz is None:
        raise ProcessingError("hz_axis: the spectrometer frequency is unknown")
    return m.axes[0].values * float(mhz)


def _reference_frequency(m: Measurement, step_name: str) -> tuple[float, float]:
    acq = acquisition_of(m, step_name, "spectral_width_hz")
    mhz = acq.base_frequency_mhz or acq.spectrometer_frequency_mhz
    if mhz is None:
        raise ProcessingError(f"{step_name}: spectrometer frequency unknown; cannot make a ppm axis")
    carrier = acq.carrier_ppm
    if carrier is None and acq.spectrometer_frequency_mhz and acq.base_frequency_mhz:
        carrier = (acq.spectrometer_frequency_mhz / acq.base_frequency_mhz - 1.0) * 1e6
    return float(mhz), float(carrier or 0.0)


@step("nmr.fourier_transform", technique="nmr")
def fourier_transform(m: Measurement, *, first_point_factor: float = 0.5) -> StepOutput:
    """Fourier-transform a 1D FID into a spectrum on a descending ppm axis.

    Parameters
    ----------
    first_point_factor
        The first FID point is multiplied by this before the transform (TopSpin FCOR):
        0.5 avoids a baseline offset from the discrete transform of a signal starting at t=0
        (Otting, Widmer & Wüthrich, J. Magn. Reson. 66, 187 (1986)).

    The result is complex; no group delay or phase is applied (see
    :func:`correct_group_delay`). The axis is ``carrier + (sw/2 - j*sw/SI)/SF`` ppm with SF
    the base frequency (unreferenced, as TopSpin with SR = 0).
    """
    require_fid(m, "nmr.fourier_transform")
    mhz, carrier = _reference_frequency(m, "nmr.fourier_transform")
    sw = float(m.acquisition.spectral_width_hz)  # type: ignore[attr-defined]
    fid = np.array(m.signal, dtype=np.complex128)
    fid[0] *= first_point_factor
    n = fid.shape[0]
    full = np.fft.fft(fid)
    # np.roll(np.fft.fftshift(full)[::-1], 1) in one pass: spec[j] = full[(n - n//2 - j) mod n]
    spec = fresh(full[(n - n // 2 - np.arange(n)) % n])
    offset = carrier + sw / 2.0 / mhz
    axis = ppm_axis(n, offset_ppm=offset, spectral_width_hz=sw, frequency_mhz=mhz)
    return StepOutput(m.replace(signal=spec, axes=(axis,)),
                      decisions={"size": n, "offset_ppm": offset, "axis_order": AXIS_ORDER})


@step("nmr.group_delay", technique="nmr")
def correct_group_delay(m: Measurement, *, points: float | None = None) -> StepOutput:
    """Remove the digital filter's group delay as a phase ramp on the spectrum.

    Parameters
    ----------
    points
        Group delay in (fractional) points; None: the acquisition's ``group_delay_points``
        (Bruker GRPDLY, or the DSPFVS/DECIM table), 0 when absent (analogue data).

    Multiplies point ``j`` of the spectrum straight from :func:`fourier_transform` by
    ``exp(-2 pi i G j'/SI)`` with ``j' = j`` (``SI`` for the wrapped point 0). This is
    TopSpin's correction including its constant ``360*frac(G)`` term; dropping or
    shifting points instead (nmrglue's default) leaves 30-180 degree errors on old data.
    """
    require_spectrum(m, "nmr.group_delay")
    done = applied_steps(m)
    if "nmr.fourier_transform" not in done:
        raise ProcessingError("nmr.group_delay: run nmr.fourier_transform first")
    if "nmr.group_delay" in done:
        raise ProcessingError("nmr.group_delay: the group delay was already corrected")
    warnings = []
    if points is None:
        g = getattr(m.acquisition, "group_delay_points", None)
        if g is None:
            warnings.append("group delay unknown (no GRPDLY/DSPFVS): assumed 0 points")
            g = 0.0
        source = "acquisition"
    else:
        g, source = float(points), "parameter"
    n = m.shape[0]
    out = m.signal
    if g:
        ramp = rotations(n, 0.0, 2.0 * np.pi * float(g) / n)  # exp(-2 pi i G j / n)
        ramp[0] = np.exp(-2j * np.pi * float(g))  # the wrapped point 0 is j = n
        out = fresh(m.signal * ramp)
    return StepOutput(m.replace(signal=out), decisions={"group_delay_points": float(g), "source": source},
                      warnings=warnings)


@step("nmr.set_ppm_axis", technique="nmr")
def set_ppm_axis(
    m: Measurement,
    *,
    offset_ppm: float,
    spectral_width_hz: float | None = None,
    frequency_mhz: float | None = None,
) -> Measurement:
    """Set the ppm axis from TopSpin's procs OFFSET (ppm of point 0), SW_p (Hz) and SF (MHz).

    Missing values come from the acquisition (spectral width; base frequency).
    """
    require_spectrum(m, "nmr.set_ppm_axis")
    acq = acquisition_of(m, "nmr.set_ppm_axis")
    sw = spectral_width_hz or acq.spectral_width_hz
    mhz = frequency_mhz or acq.base_frequency_mhz or acq.spectrometer_frequency_mhz
    if sw is None or mhz is None:
        raise ProcessingError("nmr.set_ppm_axis: spectral width or frequency unknown; give them")
    return m.replace(axes=(ppm_axis(m.shape[0], offset_ppm=offset_ppm, spectral_width_hz=sw,
                                    frequency_mhz=mhz),))
