"""Scherrer and Williamson-Hall on patterns synthesised with known size and strain."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from instrumentarium.model import Axis, Measurement, XRDAcquisition
from instrumentarium.xrd.analysis import (
    XRDInstrumentFunction,
    XRDPeak,
    analyze,
    cubic_reflections,
    line_widths,
    scherrer,
    synthesize_pattern,
    tch_fwhm_eta,
    voigt_integral_breadth,
    williamson_hall,
)
from instrumentarium.xrd.analysis._sizestrain import sample_lines
from instrumentarium.xrd.processing import background

LAM1, LAM2 = 1.540593, 1.544414
INST = XRDInstrumentFunction(0.004, -0.003, 0.0025, 0.005, 0.008, 0)
X = np.arange(18.0, 140.0, 0.01)
# a cubic phase (CeO2-like, F-centred): well separated lines up to 140 deg
REFL = [(tt, 3000.0 / (1 + 0.1 * i))
        for i, (_, tt) in enumerate(cubic_reflections(5.411651, LAM1, centring="F", two_theta_max_deg=135))]
ACQ = XRDAcquisition(wavelength_angstrom=LAM1, wavelength2_angstrom=LAM2, ka2_ka1_ratio=0.5)


def sample(seed: int = 0, **kw) -> Measurement:
    y = synthesize_pattern(X, REFL, instrument=INST, background=80.0 + 2000.0 / X, **kw)
    counts = np.random.default_rng(seed).poisson(y).astype(float)
    return Measurement("xrd", counts, (Axis("two_theta", "deg", X),), signal_unit="counts", acquisition=ACQ)


@pytest.fixture(scope="module")
def instrument() -> XRDInstrumentFunction:
    """The instrument function measured on a synthetic LaB6 standard."""
    refl = [(tt, 3000.0 / (1 + 0.1 * i)) for i, (_, tt) in enumerate(cubic_reflections(4.156826, LAM1))
            if tt < 135]
    y = synthesize_pattern(X, refl, instrument=INST, background=80.0 + 2000.0 / X)
    counts = np.random.default_rng(11).poisson(y).astype(float)
    std = Measurement("xrd", counts, (Axis("two_theta", "deg", X),), signal_unit="counts", acquisition=ACQ)
    return analyze(background(std), standard="LaB6").instrument_function


@pytest.mark.parametrize("size_nm", [20.0, 50.0,
                                     200.0])
def test_scherrer_recovers_the_crystallite_size(size_nm: float, instrument: XRDInstrumentFunction) -> None:
    a = analyze(background(sample(size_nm=size_nm)), instrument=instrument)
    assert a.scherrer is not None and a.scherrer.instrument_corrected
    assert a.scherrer.n_peaks >= 5
    assert a.scherrer.size_nm == pytest.approx(size_nm, rel=0.10)


# grid over the range: sizes 20-200 nm, microstrains 5e-4 to 3e-3, corners included
# (at 150-200 nm / 5e-4 the sample breadth is about the instrument's at low angles)
@pytest.mark.parametrize(("size_nm", "strain"), [
    (20.0, 3e-3),
    (20.0, 5e-4),
    (30.0, 2e-3),
    (80.0, 1e-3),
    (150.0, 5e-4),
    (200.0, 5e-4),
    (200.0, 3e-3),
])
def test_williamson_hall_recovers_size_and_strain(size_nm: float, strain: float,
                                                  instrument: XRDInstrumentFunction) -> None:
    a = analyze(background(sample(size_nm=size_nm, strain=strain)), instrument=instrument)
    wh = a.williamson_hall
    assert wh is not None and wh.n_peaks >= 5
    assert wh.size_nm == pytest.approx(size_nm, rel=0.10)
    assert wh.strain == pytest.approx(strain, rel=0.10)
    assert wh.r_squared > 0.9
    # the reported uncertainties are honest: the truth within 4 sigma
    assert abs(wh.size_nm - size_nm) < 4 * wh.size_sigma_nm
    assert abs(wh.strain - strain) < 4 * wh.strain_sigma


def test_without_instrument_function_size_is_a_lower_bound() -> None:
    a = analyze(background(sample(size_nm=100.0)), size_strain=True)
    assert a.scherrer is not None and not a.scherrer.instrument_corrected
    assert a.scherrer.size_nm < 100.0
    assert any("lower bounds" in w for w in a.warnings)


def test_size_strain_need_enough_peaks() -> None:
    with pytest.raises(ValueError, match="Williamson-Hall needs"):
        williamson_hall([], wavelength_angstrom=LAM1)
    with pytest.raises(ValueError, match="beyond the resolution"):
        scherrer([], wavelength_angstrom=LAM1)


# -- the instrument correction and the weighted fit on exact Voigt line records -----------------------
def exact_lines(size_nm: float, strain: float, *, rel_sigma: float = 0.005) -> list[XRDPeak]:
    """Peak records with the exact Voigt widths of INST convolved with a Lorentzian sample line."""
    tts = [tt for _, tt in cubic_reflections(5.411651, LAM1, centring="F", two_theta_max_deg=135)]
    out = []
    for tt in tts:
        hg, hl = line_widths(tt, wavelength_angstrom=LAM1, instrument=INST, size_nm=size_nm, strain=strain)
        hg, hl = float(hg), float(hl)
        fwhm, eta = (float(v) for v in tch_fwhm_eta(hg, hl))
        beta = float(voigt_integral_breadth(hg * np.sqrt(np.pi / (4 * np.log(2))), hl * np.pi / 2))
        out.append(XRDPeak(two_theta_deg=tt, d_angstrom=1.0, height=1000.0 / beta, area=1000.0, fwhm_deg=fwhm,
                           integral_breadth_deg=beta, eta=eta, significance=200.0,
                           area_sigma=1000.0 * rel_sigma, height_sigma=0.0, fwhm_sigma_deg=fwhm * rel_sigma,
                           fwhm_gauss_deg=hg, fwhm_lorentz_deg=hl))
    return out


def truth_breadths(tt: np.ndarray, size_nm: float, strain: float) -> np.ndarray:
    th = np.radians(tt / 2)
    return 0.9 * LAM1 / (size_nm * 10 * np.cos(th)) + 4 * strain * np.tan(th)


@pytest.mark.parametrize("sample_profile", ["lorentzian", "voigt"])
def test_voigt_deconvolution_is_exact_on_exact_lines(sample_profile: str) -> None:
    peaks = exact_lines(150.0, 5e-4)
    tt, beta, sigma = sample_lines(peaks, INST, sample_profile=sample_profile)
    assert tt.size == len(peaks)
    assert beta == pytest.approx(truth_breadths(tt, 150.0, 5e-4), rel=1e-6)
    assert np.all(sigma > 0)
    wh = williamson_hall(peaks, wavelength_angstrom=LAM1, instrument=INST, sample_profile=sample_profile)
    assert wh.size_nm == pytest.approx(150.0, rel=1e-4)
    assert wh.strain == pytest.approx(5e-4, rel=1e-4)


def test_fwhm_subtraction_would_be_wrong() -> None:
    # subtracting FWHMs (instead of Voigt components) mistakes the size by far more than 10 %
    peaks = exact_lines(150.0, 5e-4)
    tt = np.array([p.two_theta_deg for p in peaks])
    th = np.radians(tt / 2)
    hg_i, hl_i = line_widths(tt, wavelength_angstrom=LAM1, instrument=INST)
    fw_i = tch_fwhm_eta(hg_i, hl_i)[0]
    naive = np.radians(np.array([p.fwhm_deg for p in peaks]) - fw_i) * np.cos(th)
    intercept = np.polyfit(4 * np.sin(th), naive, 1)[1]
    assert abs(0.9 * LAM1 / intercept / 10 / 150.0 - 1) > 0.1


def test_outliers_and_unresolved_pairs_are_left_out() -> None:
    peaks = exact_lines(80.0, 1e-3)
    bad = peaks[6]
    peaks[6] = replace(bad, integral_breadth_deg=3 * bad.integral_breadth_deg, height=bad.height / 3)
    # a second fit on the same line (a split peak) makes both unusable
    twin = replace(peaks[9], two_theta_deg=peaks[9].two_theta_deg + 0.2 * peaks[9].fwhm_deg)
    wh = williamson_hall([*peaks, twin], wavelength_angstrom=LAM1, instrument=INST)
    assert wh.n_peaks == len(peaks) - 2
    assert wh.size_nm == pytest.approx(80.0, rel=1e-3)
    assert wh.strain == pytest.approx(1e-3, rel=1e-3)
    # a fit that stopped on a bound (zero width uncertainty) is not used either
    stuck = replace(peaks[3], fwhm_sigma_deg=0.0)
    tt, _, _ = sample_lines([*peaks[:3], stuck, *peaks[4:]], INST)
    assert peaks[3].two_theta_deg not in tt


def test_weights_follow_the_uncertainties() -> None:
    # a noisy (large sigma) line far off the line moves a weighted fit much less than an unweighted one
    peaks = exact_lines(50.0, 2e-3)
    k = len(peaks) - 1
    noisy = replace(peaks[k], integral_breadth_deg=1.5 * peaks[k].integral_breadth_deg,
                    height=peaks[k].height / 1.5, area_sigma=0.15 * peaks[k].area)
    wh = williamson_hall([*peaks[:k], noisy], wavelength_angstrom=LAM1, instrument=INST, reject_sigma=1e9)
    assert wh.n_peaks == len(peaks)
    assert wh.size_nm == pytest.approx(50.0, rel=0.02)
    assert wh.strain == pytest.approx(2e-3, rel=0.05)


def test_unknown_sample_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="sample_profile"):
        sample_lines(exact_lines(50.0, 1e-3), INST, sample_profile="gaussian")
