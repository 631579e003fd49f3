"""Automatic phase correction on simulated spectra with known phase errors."""

from __future__ import annotations

import numpy as np
import pytest

from instrumentarium.nmr.processing import (
    autophase,
    correct_group_delay,
    estimate_phase,
    fourier_transform,
    is_edited_experiment,
    is_solvent_suppressed,
    simulate_fid,
    zero_fill,
)

LINES = [(8.1, 0.6, 1.2), (7.26, 1.0, 1.0), (7.1, 0.8, 1.0), (3.7, 1.5, 1.5), (3.65, 1.4, 1.5),
         (2.1, 3.0, 1.0), (1.25, 2.0, 1.2), (0.9, 2.5, 1.2)]


def spectrum(p0: float, p1: float, *, lines=LINES, noise: float = 2e-4, **kw):
    m = simulate_fid(lines, p0_deg=p0, p1_deg=p1, noise=noise, n_points=16384, **kw)
    return correct_group_delay(fourier_transform(zero_fill(m, factor=2)))


def wrap(d: float) -> float:
    return (d + 180.0) % 360.0 - 180.0


@pytest.mark.parametrize(("p0", "p1"), [(0.0, 0.0), (73.0, -40.0), (-150.0, 95.0), (170.0, 20.0)])
def test_recovers_known_phase_within_one_degree(p0: float, p1: float) -> None:
    out = autophase(spectrum(p0, p1))
    d = out.provenance[-1].decisions
    axis = out.axes[0].values
    x = np.array([np.argmin(np.abs(axis - ppm)) for ppm, _, _ in LINES]) / axis.size  # at the lines
    err = wrap_arr((d["p0_deg"] + d["p1_deg"] * x) - (p0 + p1 * x))
    assert np.abs(err).max() < 1.0, d
    assert d["confidence"] > 0.6
    assert not out.warnings


def wrap_arr(d: np.ndarray) -> np.ndarray:
    return (d + 180.0) % 360.0 - 180.0


def test_phased_lines_are_positive_absorption() -> None:
    out = autophase(spectrum(120.0, 60.0))
    axis, real = out.axes[0].values, out.signal.real
    for ppm, _, _ in LINES:
        j = int(np.argmin(np.abs(axis - ppm)))
        assert real[j - 3:j + 4].max() > 0.3


def test_edited_experiment_keeps_negative_peaks() -> None:
    lines = [(128.0, 1.0, 2.0), (77.0, -1.0, 2.0), (55.0, 1.0, 2.0), (30.0, -0.8, 2.0), (14.0, 1.2, 2.0),
             (100.0, 0.9, 2.0)]
    s = spectrum(40.0, -30.0, lines=lines, nucleus="13C", frequency_mhz=100.6, carrier_ppm=100.0,
                 spectral_width_hz=25000.0, pulse_program="dept135", noise=1e-4)
    out = autophase(s)
    d = out.provenance[-1].decisions
    assert d["edited"] is True
    axis, real = out.axes[0].values, out.signal.real
    signs = [np.sign(real[int(np.argmin(np.abs(axis - ppm)))]) for ppm, _, _ in lines]
    assert signs == [np.sign(a) for _, a, _ in lines]
    assert abs(wrap(d["p0_deg"] + d["p1_deg"] * 0.5 - (40.0 - 15.0))) < 1.0
    # clean lines agree with the fit: the line check leaves the confidence high
    assert d["line_residual_deg"] < 2.0 and d["confidence"] > 0.9


def test_j_modulated_spin_echo_keeps_inverted_doublets() -> None:
    # zgprse (presat + Hahn echo, 2*d2 = 1/J): the doublets come out inverted, the singlets not
    lines = [(8.2, 1.0, 2.0), (6.09, -0.4, 2.0), (3.57, 0.8, 2.0), (2.17, -0.5, 2.0), (1.33, -1.5, 2.0),
             (1.48, -0.6, 2.0), (0.0, 0.7, 1.0)]
    m = simulate_fid(lines, p0_deg=70.0, p1_deg=60.0, noise=2e-4, n_points=16384, carrier_ppm=4.7,
                     pulse_program="zgprse.bb")
    water = simulate_fid([(4.7, 30.0, 8.0)], p0_deg=70.0 + 90.0, p1_deg=60.0, n_points=16384, carrier_ppm=4.7)
    raw = m.replace(signal=m.signal + water.signal)
    out = autophase(correct_group_delay(fourier_transform(zero_fill(raw, factor=2))))
    d = out.provenance[-1].decisions
    assert d["edited"] is True and d["excluded_ppm"] == [pytest.approx([4.45, 4.95], abs=0.01)]
    axis, real = out.axes[0].values, out.signal.real
    signs = [np.sign(real[int(np.argmin(np.abs(axis - ppm)))]) for ppm, _, _ in lines]
    # most signal is negative here, so the sign is only known up to 180 degrees: relative signs
    assert signs == [np.sign(a) for _, a, _ in lines] or signs == [-np.sign(a) for _, a, _ in lines]
    x = np.array([np.argmin(np.abs(axis - ppm)) for ppm, _, _ in lines]) / axis.size
    err = wrap_arr(2 * ((d["p0_deg"] + d["p1_deg"] * x) - (70.0 + 60.0 * x))) / 2  # modulo 180 deg
    # the water wings reach the nearest lines' windows: within 3 degrees, not 1
    assert np.abs(err).max() < 3.0, (err, d)
    assert d["confidence"] > 0.6 and not out.warnings


def test_presaturation_excludes_the_water_region() -> None:
    # a huge, badly phased water residual at the carrier: its own phase is not the spectrum's
    m = simulate_fid(LINES, p0_deg=50.0, p1_deg=30.0, noise=2e-4, n_points=16384, carrier_ppm=4.7,
                     pulse_program="zgpr")
    water = simulate_fid([(4.7, 40.0, 8.0)], p0_deg=50.0 + 90.0, p1_deg=30.0, n_points=16384, carrier_ppm=4.7)
    raw = m.replace(signal=m.signal + water.signal)
    s = correct_group_delay(fourier_transform(zero_fill(raw, factor=2)))
    d = autophase(s).provenance[-1].decisions
    assert d["excluded_ppm"] == [pytest.approx([4.45, 4.95], abs=0.01)]
    assert abs(wrap(d["p0_deg"] + 0.5 * d["p1_deg"] - (50.0 + 15.0))) < 2.0


def test_pure_noise_is_flagged_not_phased() -> None:
    s = spectrum(0.0, 0.0, lines=[], noise=1.0)
    out = autophase(s)
    d = out.provenance[-1].decisions
    assert d["confidence"] < 0.6
    assert any("check" in w for w in out.warnings)


def test_estimate_phase_on_low_snr_13c_stays_close() -> None:
    lines = [(170.0, 1.0, 3.0), (128.0, 2.0, 3.0), (77.2, 1.5, 3.0), (40.0, 1.0, 3.0), (20.0, 1.0, 3.0)]
    s = spectrum(-60.0, 45.0, lines=lines, nucleus="13C", frequency_mhz=100.6, carrier_ppm=100.0,
                 spectral_width_hz=25000.0, noise=5e-4)
    est = estimate_phase(s.signal, s.axes[0].values)
    assert abs(wrap(est.p0_deg + 0.5 * est.p1_deg - (-60.0 + 22.5))) < 3.0


@pytest.mark.parametrize(("pulprog", "edited", "suppressed"), [
    ("zg30", False, False), ("dept135", True, False), ("deptqgpsp", True, False), ("jmod", True, False),
    ("hsqcedetgpsisp2.3", True, False), ("zgpr", False, True), ("noesygppr1d", False, True),
    ("noesygpps1d.comp", False, True), ("zgesgp", False, True), ("zgpg30", False, False),
    ("zgprse.bb", True, True), ("zgse", True, False), ("cpmgpr1d", False, True), (None, False, False),
])
def test_pulse_program_classes(pulprog, edited, suppressed) -> None:
    assert is_edited_experiment(pulprog) is edited
    assert is_solvent_suppressed(pulprog) is suppressed
