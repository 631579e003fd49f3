"""Peak search and profile fitting on synthetic patterns with exact ground truth."""

from __future__ import annotations

import numpy as np
import pytest

from instrumentarium.model import Axis, Measurement, XRDAcquisition
from instrumentarium.pipeline import process
from instrumentarium.xrd.analysis import (
    XRDInstrumentFunction,
    XRDPeak,
    find_peaks,
    line_widths,
    pv_integral_breadth,
    synthesize_pattern,
    tch_fwhm_eta,
    voigt_components,
)

LAM1, LAM2 = 1.540593, 1.544414
INST = XRDInstrumentFunction(0.004, -0.003, 0.0025, 0.005, 0.008, 0)
X = np.arange(15.0, 125.0, 0.01)
REFL = [(22.0, 400.0), (31.5, 900.0), (44.0, 250.0), (58.3, 600.0), (75.0, 150.0), (96.0, 300.0),
        (118.0, 200.0)]
ACQ = XRDAcquisition(wavelength_angstrom=LAM1, wavelength2_angstrom=LAM2, ka2_ka1_ratio=0.5)


def measured(seed: int = 0, refl=REFL, x: np.ndarray = X, **kw) -> Measurement:
    y = synthesize_pattern(x, refl, instrument=INST, background=60.0 + 1500.0 / x, **kw)
    counts = np.random.default_rng(seed).poisson(y).astype(float)
    return Measurement("xrd", counts, (Axis("two_theta", "deg", x),), signal_unit="counts", acquisition=ACQ)


def test_peaks_are_found_and_fitted_with_the_doublet() -> None:
    m = process(measured())
    peaks = m.results["peaks"]
    assert all(isinstance(p, XRDPeak) for p in peaks)
    strong = [p for p in peaks if p.significance > 10]
    # every reflection found once: no K-alpha2 line reported as a peak of its own
    assert len(strong) == len(REFL)
    for p, (tt, area) in zip(strong, REFL, strict=True):
        assert p.two_theta_deg == pytest.approx(tt, abs=0.003)
        assert abs(p.two_theta_deg - tt) < 5 * p.two_theta_sigma_deg + 1e-4
        assert p.area == pytest.approx(area, rel=0.05)
        hg, hl = line_widths(tt, wavelength_angstrom=LAM1, instrument=INST)
        fwhm, _eta = tch_fwhm_eta(hg, hl)
        assert p.fwhm_deg == pytest.approx(float(fwhm), rel=0.08)
        assert p.d_angstrom == pytest.approx(LAM1 / (2 * np.sin(np.radians(tt / 2))), rel=1e-4)
        assert p.integral_breadth_deg == pytest.approx(p.area / p.height, rel=1e-6)
        assert p.area_sigma > 0 and p.fwhm_sigma_deg > 0 and p.height_sigma > 0
    assert max(p.relative_intensity_percent for p in peaks) == pytest.approx(100.0)


def test_fit_uncertainties_match_the_scatter_over_noise_realisations() -> None:
    pos = []
    sig = []
    for seed in range(8):
        m = measured(seed, refl=[(44.0, 250.0)], x=np.arange(40.0, 48.0, 0.01))
        p = next(q for q in find_peaks(m) if q.significance > 10)
        pos.append(p.two_theta_deg)
        sig.append(p.two_theta_sigma_deg)
    assert np.std(pos, ddof=1) == pytest.approx(np.mean(sig), rel=0.6)


def test_no_peaks_in_pure_noise() -> None:
    y = np.random.default_rng(5).poisson(np.full_like(X, 200.0)).astype(float)
    m = Measurement("xrd", y, (Axis("two_theta", "deg", X),), signal_unit="counts", acquisition=ACQ)
    peaks = find_peaks(m)
    assert len(peaks) <= 0.001 * X.size
    assert all(p.significance < 5 for p in peaks)


def test_tch_profile_gives_gaussian_and_lorentzian_widths() -> None:
    peaks = [p for p in find_peaks(measured(), profile="tch") if p.significance > 10]
    for p, (tt, _) in zip(peaks, REFL, strict=True):
        hg, hl = line_widths(tt, wavelength_angstrom=LAM1, instrument=INST)
        assert p.fwhm_gauss_deg == pytest.approx(float(hg), abs=0.006)
        assert p.fwhm_lorentz_deg == pytest.approx(float(hl), abs=0.006)


def test_profile_helpers_are_consistent() -> None:
    f, eta = tch_fwhm_eta(0.08, 0.04)
    bg, bl = voigt_components(f, eta)
    assert float(bg) == pytest.approx(0.08 * np.sqrt(np.pi / (4 * np.log(2))), rel=0.02)
    assert float(bl) == pytest.approx(0.04 * np.pi / 2, rel=0.02)
    assert float(pv_integral_breadth(0.1, 0.0)) == pytest.approx(0.1 * np.sqrt(np.pi / (4 * np.log(2))))
    assert float(pv_integral_breadth(0.1, 1.0)) == pytest.approx(0.1 * np.pi / 2)
