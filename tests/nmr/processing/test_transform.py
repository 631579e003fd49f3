"""Fourier transform, group-delay ramp and ppm axis, checked on simulated FIDs."""

from __future__ import annotations

import numpy as np
import pytest

from instrumentarium.model import ProcessingError
from instrumentarium.nmr.processing import (
    correct_group_delay,
    fourier_transform,
    hz_axis,
    set_ppm_axis,
    simulate_fid,
    zero_fill,
)

SW, N, MHZ, CARRIER = 8000.0, 16384, 400.13, 4.7


def on_grid(k: int) -> float:
    """A shift exactly on a spectrum point (k points from the carrier)."""
    return CARRIER + k * SW / N / MHZ


@pytest.mark.parametrize("group_delay", [0.0, 10.5, 61.020833, 67.9862060546875])
def test_lines_land_at_their_ppm_with_zero_phase(group_delay: float) -> None:
    shifts = [on_grid(2000), on_grid(-3000), on_grid(500)]
    m = simulate_fid([(s, 1.0, 1.0) for s in shifts], n_points=N, spectral_width_hz=SW,
                     frequency_mhz=MHZ, carrier_ppm=CARRIER, group_delay_points=group_delay)
    spec = correct_group_delay(fourier_transform(m, first_point_factor=1.0))
    axis = spec.axes[0].values
    assert spec.axes[0].name == "chemical_shift" and spec.axes[0].unit == "ppm"
    assert axis[0] > axis[-1]
    for s in shifts:
        j = int(np.argmin(np.abs(axis - s)))
        window = np.abs(spec.signal[j - 20:j + 21])
        assert int(np.argmax(window)) == 20  # the line maximum is on the expected point
        assert np.degrees(np.angle(spec.signal[j])) == pytest.approx(0.0, abs=0.2)
        assert spec.signal[j].real == pytest.approx(1.0, rel=0.01)


def test_axis_runs_from_carrier_plus_half_width_down() -> None:
    m = simulate_fid([(1.0, 1.0, 1.0)], n_points=1024, spectral_width_hz=SW, frequency_mhz=MHZ,
                     carrier_ppm=CARRIER)
    axis = fourier_transform(m).axes[0].values
    assert axis[0] == pytest.approx(CARRIER + SW / 2 / MHZ)
    assert axis[0] - axis[1] == pytest.approx(SW / MHZ / 1024)


def test_group_delay_uses_the_acquisition_value_and_records_it() -> None:
    m = simulate_fid([(1.0, 1.0, 1.0)], n_points=1024, group_delay_points=67.5)
    out = correct_group_delay(fourier_transform(m))
    assert out.provenance[-1].decisions["group_delay_points"] == 67.5


def test_group_delay_twice_or_before_ft_is_refused() -> None:
    m = simulate_fid([(1.0, 1.0, 1.0)], n_points=1024)
    with pytest.raises(ProcessingError, match="chemical_shift"):
        correct_group_delay(m)
    once = correct_group_delay(fourier_transform(m))
    with pytest.raises(ProcessingError, match="already"):
        correct_group_delay(once)


def test_set_ppm_axis_from_topspin_offset() -> None:
    spec = fourier_transform(zero_fill(simulate_fid([(1.0, 1.0, 1.0)], n_points=1000), size=2048))
    out = set_ppm_axis(spec, offset_ppm=12.5, spectral_width_hz=SW, frequency_mhz=MHZ)
    assert out.axes[0].values[0] == 12.5
    assert out.axes[0].values[-1] == pytest.approx(12.5 - 2047 * SW / MHZ / 2048)


def test_hz_axis_is_ppm_times_frequency() -> None:
    spec = fourier_transform(simulate_fid([(1.0, 1.0, 1.0)], n_points=512, frequency_mhz=MHZ))
    np.testing.assert_allclose(hz_axis(spec), spec.axes[0].values * MHZ)
