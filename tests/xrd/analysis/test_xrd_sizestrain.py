"""Scherrer and Williamson-Hall on patterns synthesised with known size and strain."""

from __future__ import annotations

import numpy as np
import pytest

from instrumentarium.model import Axis, Measurement, XRDAcquisition
from instrumentarium.xrd.analysis import (
    XRDInstrumentFunction,
    analyze,
    cubic_reflections,
    scherrer,
    synthesize_pattern,
    williamson_hall,
)
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


@pytest.mark.parametrize(("size_nm", "strain"), [
    (30.0, 2e-3),
    (80.0, 1e-3),
    # sample broadening below the instrument's at most angles: the W-H intercept is lost
    # in the instrument-function error (known weakness, see the report)
    pytest.param(150.0, 5e-4, marks=[pytest.mark.xfail(reason="breadths below instrument "
                                                                             "resolution", strict=False)]),
])
def test_williamson_hall_recovers_size_and_strain(size_nm: float, strain: float,
                                                  instrument: XRDInstrumentFunction) -> None:
    a = analyze(background(sample(size_nm=size_nm, strain=strain)), instrument=instrument)
    wh = a.williamson_hall
    assert wh is not None and wh.n_peaks >= 5
    assert wh.size_nm == pytest.approx(size_nm, rel=0.10)
    assert wh.strain == pytest.approx(strain, rel=0.10)
    assert wh.r_squared > 0.9


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
