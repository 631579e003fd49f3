"""Simulated 1D FIDs with exact ground truth (for tests, benchmarks and demonstrations).

The FID is what a Bruker spectrometer with a digital filter stores: Lorentzian lines
``exp(2 pi i f t - pi w t)`` sampled from ``t = -G*dw`` (the first ``G`` points are the
filter's delay, zero here), an optional phase error and complex Gaussian noise. After
:func:`~instrumentarium.nmr.processing.fourier_transform` and
:func:`~instrumentarium.nmr.processing.correct_group_delay` a line at ``f`` Hz from the
carrier lies at ``carrier_ppm + f/frequency_mhz`` on the descending ppm axis.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...model import Axis, Measurement, NMRAcquisition

__all__ = ["simulate_fid"]


def simulate_fid(
    lines: Sequence[tuple[float, float, float]],
    *,
    n_points: int = 16384,
    spectral_width_hz: float = 8000.0,
    frequency_mhz: float = 400.13,
    carrier_ppm: float = 4.7,
    group_delay_points: float = 67.9862060546875,
    p0_deg: float = 0.0,
    p1_deg: float = 0.0,
    noise: float = 0.0,
    nucleus: str = "1H",
    pulse_program: str = "zg30",
    solvent: str | None = "CDCl3",
    seed: int = 0,
) -> Measurement:
    """A raw FID Measurement with ``lines`` = ``[(ppm, amplitude, linewidth_hz), ...]``.

    ``p0_deg``/``p1_deg`` is the phase *error* put in, in TopSpin's convention: the
    correction that undoes it is ``nmr.phase(p0_deg=p0_deg, p1_deg=p1_deg)`` (a
    first-order error of ``p1`` degrees is an extra delay of ``p1/360`` points). Amplitude is
    the height of the absorption line (before apodization); noise is the standard deviation
    of the real and imaginary time-domain noise.
    """
    dw = 1.0 / spectral_width_hz
    delay = group_delay_points + p1_deg / 360.0
    n = np.arange(n_points)
    t = (n - delay) * dw
    fid = np.zeros(n_points, dtype=complex)
    for ppm, amplitude, width_hz in lines:
        f = (ppm - carrier_ppm) * frequency_mhz
        # height of an absorptive Lorentzian after FT: amplitude * 1/(pi * w * dw)
        a = amplitude * np.pi * width_hz * dw
        fid += a * np.exp(2j * np.pi * f * t - np.pi * width_hz * t)
    fid[t < 0] = 0.0
    # A delay of D points leaves, after TopSpin's group-delay ramp (pivot on the high-ppm
    # edge), a constant -180*D degrees: add it back so that p0 is the only zero-order error
    fid *= np.exp(1j * np.deg2rad(p0_deg + 180.0 * delay))
    if noise:
        rng = np.random.default_rng(seed)
        fid += noise * (rng.standard_normal(n_points) + 1j * rng.standard_normal(n_points))
    acq = NMRAcquisition(
        nucleus=nucleus, spectrometer_frequency_mhz=frequency_mhz * (1 + carrier_ppm * 1e-6),
        base_frequency_mhz=frequency_mhz, spectral_width_hz=spectral_width_hz, carrier_ppm=carrier_ppm,
        n_points=n_points, n_scans=1, pulse_program=pulse_program, solvent=solvent, temperature_k=298.0,
        group_delay_points=group_delay_points,
    )
    return Measurement("nmr", fid, (Axis("time", "s", n * dw),), signal_unit="arb", acquisition=acq)
