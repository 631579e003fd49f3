"""Apodization windows and zero filling."""

from __future__ import annotations

import numpy as np
import pytest

from instrumentarium.model import ProcessingError
from instrumentarium.nmr.processing import apodize, fourier_transform, simulate_fid, window, zero_fill


def test_exponential_window_matches_definition() -> None:
    w = window(1000, 5000.0, function="exponential", line_broadening_hz=2.0)
    t = np.arange(1000) / 5000.0
    np.testing.assert_allclose(w, np.exp(-np.pi * 2.0 * t))


def test_gaussian_window_peaks_at_gb_fraction_of_acquisition_time() -> None:
    w = window(4000, 4000.0, function="gaussian", line_broadening_hz=-1.0, gaussian_fraction=0.25)
    assert abs(int(np.argmax(w)) - 1000) <= 1


def test_sine_bells_start_and_end_as_topspin() -> None:
    plain = window(512, 1000.0, function="sine", sine_offset=0.0)
    shifted = window(512, 1000.0, function="sine_squared", sine_offset=2.0)
    assert plain[0] == pytest.approx(0.0)
    assert shifted[0] == pytest.approx(1.0)  # SSB=2: cosine-squared, starts at its maximum
    assert abs(shifted[-1]) < 1e-4


def test_unknown_window_is_a_processing_error() -> None:
    with pytest.raises(ProcessingError, match="unknown window"):
        window(10, 100.0, function="hamming")


def test_apodize_records_parameters_and_leaves_input_unchanged() -> None:
    m = simulate_fid([(1.0, 1.0, 1.0)], n_points=2048)
    before = m.signal.copy()
    out = apodize(m, function="exponential", line_broadening_hz=1.5)
    np.testing.assert_array_equal(m.signal, before)
    assert out.provenance[-1].step == "nmr.apodize"
    assert out.provenance[-1].parameters["line_broadening_hz"] == 1.5
    assert abs(out.signal[-1]) < abs(m.signal[-1])


def test_zero_fill_defaults_to_twice_the_next_power_of_two() -> None:
    m = simulate_fid([(1.0, 1.0, 1.0)], n_points=3000)
    out = zero_fill(m)
    assert out.shape == (8192,)
    np.testing.assert_array_equal(out.signal[:3000], m.signal)
    assert not out.signal[3000:].any()
    assert out.axes[0].values[1] == pytest.approx(1 / m.acquisition.spectral_width_hz)


def test_zero_fill_to_a_smaller_size_truncates_like_topspin() -> None:
    m = simulate_fid([(1.0, 1.0, 1.0)], n_points=4096)
    assert zero_fill(m, size=1024).shape == (1024,)


def test_time_domain_steps_refuse_a_spectrum() -> None:
    spec = fourier_transform(simulate_fid([(1.0, 1.0, 1.0)], n_points=1024))
    with pytest.raises(ProcessingError, match=r"before nmr\.fourier_transform"):
        apodize(spec)
