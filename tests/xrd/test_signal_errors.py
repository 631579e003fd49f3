"""Per-point uncertainties from the files: the Measurement slot, NeXus round trip, fitting weights."""

from __future__ import annotations

from pathlib import Path

import h5py
import numpy as np
import pytest

import instrumentarium as ins
from instrumentarium.model import Axis, Measurement, XRDAcquisition
from instrumentarium.xrd.analysis import XRDInstrumentFunction, find_peaks, synthesize_pattern
from instrumentarium.xrd.processing import background
from instrumentarium.xrd.processing._radiation import counting_sigma

INST = XRDInstrumentFunction(0.004, -0.003, 0.0025, 0.005, 0.008, 0)
ACQ = XRDAcquisition(wavelength_angstrom=1.540593, wavelength2_angstrom=1.544414, ka2_ka1_ratio=0.5)


def pattern(errors: np.ndarray | None = None, unit: str = "counts") -> Measurement:
    x = np.arange(20.0, 40.0, 0.01)
    y = np.random.default_rng(3).poisson(synthesize_pattern(x, [(25.0, 400.0), (33.0, 300.0)], background=50.0,
                                                            instrument=INST))
    return Measurement("xrd", y.astype(float), (Axis("two_theta", "deg", x),), signal_unit=unit, acquisition=ACQ,
                       signal_errors=errors)


def test_the_slot_checks_shape_and_values() -> None:
    m = pattern()
    with pytest.raises(ValueError, match="shape"):
        m.replace(signal_errors=np.ones(3))
    with pytest.raises(ValueError, match=">= 0"):
        m.replace(signal_errors=-np.ones(m.shape))
    e = np.sqrt(np.maximum(m.signal, 1))
    with_errors = m.replace(signal_errors=e)
    assert not with_errors.signal_errors.flags.writeable
    assert with_errors != m and with_errors == m.replace(signal_errors=e.copy())


def test_a_new_signal_drops_stale_errors_unless_passed_on() -> None:
    m = pattern(np.full(2000, 5.0))
    assert m.replace(signal=m.signal * 2).signal_errors is None
    assert m.with_step("x.scale", signal=m.signal * 2).signal_errors is None
    kept = m.replace(signal=m.signal - 1.0, signal_errors=m.signal_errors)
    assert kept.signal_errors is not None
    assert m.replace(sample=m.sample).signal_errors is not None  # other changes keep them


def test_nexus_round_trip_writes_nxdata_signal_errors(tmp_path: Path) -> None:
    m = pattern(np.sqrt(np.arange(2000.0)) + 0.5)
    path = ins.save(m, tmp_path / "p.nxs")
    with h5py.File(path) as f:
        ds = f["entry/data/signal_errors"]
        assert ds.shape == m.shape and ds.attrs["units"] == "counts"
        assert np.array_equal(ds[()], m.signal_errors)
    back = ins.load(path)
    assert back == m and np.array_equal(back.signal_errors, m.signal_errors)
    without = ins.load(ins.save(pattern(), tmp_path / "q.nxs"))
    assert without.signal_errors is None


def test_file_errors_are_the_weights() -> None:
    m = pattern(np.full(2000, 7.0), unit="arb")
    assert np.all(counting_sigma(m.signal, m) == 7.0)
    zero = m.replace(signal_errors=np.where(np.arange(2000) % 2, 0.0, 3.0))
    assert np.all(counting_sigma(m.signal, zero) == 3.0)  # zero sigma raised to the smallest positive
    # the background step keeps the raw errors for the net signal
    b = background(m)
    assert np.array_equal(b.signal_errors, m.signal_errors)


def test_peak_uncertainties_follow_the_file_errors() -> None:
    raw = pattern()
    poisson = np.sqrt(np.maximum(raw.signal, 1.0))
    m = background(raw)
    # errors from the file (here: the Poisson sigma, then 4 times it) are the fit's weights:
    # with chi2 <= 1 the covariance is not rescaled, so the position sigma follows them
    exact = find_peaks(m.replace(signal_errors=poisson))
    loose = find_peaks(m.replace(signal_errors=4 * poisson))
    a = min(exact, key=lambda p: abs(p.two_theta_deg - 25.0))
    b = min(loose, key=lambda p: abs(p.two_theta_deg - 25.0))
    assert a.two_theta_deg == pytest.approx(25.0, abs=0.01)
    assert b.two_theta_sigma_deg == pytest.approx(4 * a.two_theta_sigma_deg, rel=0.25)
