"""Processing steps on synthetic patterns with exact ground truth."""

from __future__ import annotations

import numpy as np
import pytest

from instrumentarium.model import Axis, Measurement, ProcessingError, XRDAcquisition
from instrumentarium.xrd.analysis import XRDInstrumentFunction, kalpha2_position, synthesize_pattern
from instrumentarium.xrd.processing import (
    METHODS,
    XRDBackground,
    background,
    counting_sigma,
    fixed_slit,
    rachinger,
    radiation,
    smooth,
    strip_kalpha2,
    zero_shift,
)

LAM1, LAM2 = 1.540593, 1.544414
INST = XRDInstrumentFunction(0.004, -0.003, 0.0025, 0.005, 0.008, 0)
X = np.arange(10.0, 90.0, 0.02)
REFL = [(25.0, 300.0), (38.0, 200.0), (52.0, 400.0), (67.0, 150.0), (81.0, 250.0)]
ACQ = XRDAcquisition(wavelength_angstrom=LAM1, wavelength2_angstrom=LAM2, ka2_ka1_ratio=0.5)


def pattern(y: np.ndarray, acq: XRDAcquisition = ACQ, unit: str = "counts") -> Measurement:
    return Measurement("xrd", y, (Axis("two_theta", "deg", X),), signal_unit=unit, acquisition=acq)


def smooth_background() -> np.ndarray:
    return 80.0 + 3000.0 / X


@pytest.mark.parametrize("method", METHODS)
def test_background_methods_recover_a_smooth_background(method: str) -> None:
    truth = smooth_background()
    y = synthesize_pattern(X, REFL, instrument=INST, background=truth)
    noisy = np.random.default_rng(0).poisson(y).astype(float)
    out = background(pattern(noisy), method=method)
    est = out.results["background"].intensity
    off_peak = np.ones_like(X, bool)
    for tt, _ in REFL:
        off_peak &= np.abs(X - tt) > 1.0
    err = (est - truth)[off_peak]
    assert abs(np.mean(err)) < 0.05 * np.mean(truth), method
    assert np.sqrt(np.mean(err**2)) < 0.1 * np.mean(truth), method
    # the net pattern keeps the peak areas
    peaks_only = synthesize_pattern(X, REFL, instrument=INST)
    assert np.sum(out.signal[~off_peak]) == pytest.approx(np.sum(peaks_only[~off_peak]), rel=0.05)


@pytest.mark.parametrize("method", ["snip", "polynomial"])
def test_background_keeps_an_amorphous_hump_unless_asked(method: str) -> None:
    hump = 400.0 * np.exp(-0.5 * ((X - 30.0) / 4.0) ** 2)
    y = synthesize_pattern(X, REFL, instrument=INST, background=smooth_background() + hump)
    kept = background(pattern(y), method=method)
    removed = background(pattern(y), keep_amorphous=False, method=method, poly_order=12)
    region = np.abs(X - 30.0) < 6
    hump_area = np.sum(hump[region])
    peaks_in_region = synthesize_pattern(X, REFL, instrument=INST)[region].sum()
    assert (kept.signal[region].sum() - peaks_in_region) > 0.8 * hump_area
    assert (removed.signal[region].sum() - peaks_in_region) < 0.35 * hump_area


def test_background_step_records_provenance_and_keeps_input() -> None:
    m = pattern(synthesize_pattern(X, REFL, instrument=INST, background=smooth_background()))
    before = m.signal.copy()
    out = background(m, method="snip")
    assert np.array_equal(m.signal, before)
    assert out.provenance[-1].step == "xrd.background"
    assert out.provenance[-1].parameters["method"] == "snip"
    assert "window_deg" in out.provenance[-1].decisions
    assert isinstance(out.results["background"], XRDBackground)
    assert np.allclose(out.signal + out.results["background"].intensity, before)


def test_background_rejects_unknown_method() -> None:
    with pytest.raises(ProcessingError, match="unknown background method"):
        background(pattern(smooth_background()), method="magic")


def test_rachinger_removes_the_kalpha2_line() -> None:
    y = synthesize_pattern(X, [(60.0, 500.0)], instrument=INST)
    ka1_only = synthesize_pattern(X, [(60.0, 500.0)], instrument=INST, ka2_ka1_ratio=0.0)
    stripped = rachinger(X, y, wavelength_angstrom=LAM1, wavelength2_angstrom=LAM2, ratio=0.5)
    x2 = float(kalpha2_position(60.0, LAM1, LAM2))
    assert np.abs(stripped - ka1_only).max() < 0.03 * ka1_only.max()
    assert stripped[np.argmin(np.abs(X - x2))] < 0.05 * ka1_only.max()
    assert np.sum(stripped) == pytest.approx(np.sum(ka1_only), rel=0.02)


def test_strip_kalpha2_assumes_cu_and_says_so() -> None:
    y = synthesize_pattern(X, REFL, instrument=INST)
    out = strip_kalpha2(pattern(y, XRDAcquisition()))
    dec = out.provenance[-1].decisions
    assert dec["applied"] is True
    assert dec["wavelength2_angstrom"] == LAM2
    assert any("assumed" in w for w in out.warnings)


def test_radiation_monochromatic_when_ratio_is_zero() -> None:
    rad = radiation(pattern(X * 0, XRDAcquisition(wavelength_angstrom=0.7093, ka2_ka1_ratio=0.0)))
    assert not rad.has_doublet and rad.wavelength_angstrom == 0.7093


def test_fixed_slit_converts_automatic_slit_patterns_only() -> None:
    y = np.full_like(X, 100.0)
    auto = fixed_slit(pattern(y, XRDAcquisition(slit_mode="automatic")))
    sin_t = np.sin(np.radians(X / 2))
    assert np.allclose(auto.signal, 100.0 / sin_t)
    assert auto.provenance[-1].decisions["applied"] is True
    fixed = fixed_slit(pattern(y, XRDAcquisition(slit_mode="fixed")))
    assert np.array_equal(fixed.signal, y)
    assert fixed.provenance[-1].decisions["applied"] is False
    geo = fixed_slit(pattern(y, XRDAcquisition(slit_mode="automatic", irradiated_length_mm=10.0,
                                               goniometer_radius_mm=240.0, divergence_slit_deg=0.5)))
    assert np.allclose(geo.signal, 100.0 * np.radians(0.5) * 240.0 / (10.0 * sin_t))


def test_zero_shift_moves_the_axis() -> None:
    m = pattern(np.ones_like(X))
    out = zero_shift(m, zero_shift_deg=0.05)
    assert np.allclose(out.axes[0].values, X - 0.05)
    disp = zero_shift(m, displacement_mm=0.1)
    expected = X + np.degrees(2 * 0.1 * np.cos(np.radians(X / 2)) / 240.0)
    assert np.allclose(disp.axes[0].values, expected)


def test_smooth_reduces_noise_and_keeps_area() -> None:
    truth = synthesize_pattern(X, REFL, instrument=INST, background=smooth_background())
    noisy = np.random.default_rng(3).poisson(truth).astype(float)
    out = smooth(pattern(noisy), window_points=5, polyorder=2)
    flat = np.ones_like(X, bool)
    for tt, _ in REFL:
        flat &= np.abs(X - tt) > 1.5
    assert np.std((out.signal - truth)[flat]) < 0.8 * np.std((noisy - truth)[flat])
    assert np.sum(out.signal) == pytest.approx(np.sum(noisy), rel=1e-3)
    with pytest.raises(ProcessingError, match="odd"):
        smooth(pattern(noisy), window_points=4)


def test_counting_sigma_poisson_and_estimated_gain() -> None:
    truth = synthesize_pattern(X, REFL, instrument=INST, background=smooth_background())
    counts = np.random.default_rng(4).poisson(truth).astype(float)
    assert np.allclose(counting_sigma(counts, pattern(counts)), np.sqrt(np.maximum(counts, 1)))
    # count rates of 2 s per step without the time in the file: gain estimated from the scatter
    rates = counts / 2.0
    sigma = counting_sigma(rates, pattern(rates, unit="arb"))
    ratio = np.median(sigma / (np.sqrt(np.maximum(counts, 1)) / 2.0))
    assert ratio == pytest.approx(1.0, abs=0.25)


def test_steps_refuse_a_non_two_theta_axis() -> None:
    m = Measurement("xrd", np.ones(10), (Axis("q", "1/angstrom", np.arange(10.0)),))
    with pytest.raises(ProcessingError, match="two_theta"):
        background(m)
