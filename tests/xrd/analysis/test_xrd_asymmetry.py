"""Finger-Cox-Jephcoat axial asymmetry: synthetic ground truth and the three LaB6 files of the dev set."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from instrumentarium.model import Axis, Measurement, XRDAcquisition
from instrumentarium.pipeline import process
from instrumentarium.xrd.analysis import XRDInstrumentFunction, calibrate, cubic_reflections, synthesize_pattern
from instrumentarium.xrd.analysis.asymmetry import calibrate_with_asymmetry, fcj_profile, fcj_shifts

LAM1, LAM2 = 1.540593, 1.544414
A_660C = 4.156826
INST = XRDInstrumentFunction(0.004, -0.003, 0.0025, 0.005, 0.008, 0)
X = np.arange(15.0, 140.0, 0.01)


def test_fcj_shifts_follow_the_geometry() -> None:
    low, w = fcj_shifts(20.0, 0.03)
    assert np.all(low <= 0) and w.sum() == pytest.approx(1.0)
    # the largest shift: cos 2phi_min = cos 2theta sqrt(1 + (S+H)^2/L^2)
    edge = np.degrees(np.arccos(np.cos(np.radians(20.0)) * np.sqrt(1 + 0.06**2))) - 20.0
    assert low.min() == pytest.approx(edge, rel=0.05)
    high, _ = fcj_shifts(140.0, 0.03)
    assert np.all(high >= 0)  # the tail turns to the high-angle side above 90 deg
    assert np.abs(fcj_shifts(90.0, 0.03)[0]).max() < 0.01 * np.abs(low).max()
    assert fcj_shifts(30.0, 0.0)[0].tolist() == [0.0]


def test_fcj_profile_has_unit_area_and_a_low_angle_tail() -> None:
    x = np.arange(19.0, 21.0, 0.0005)
    y = fcj_profile(x, 20.0, 0.05, 0.0, 0.03)  # Gaussian core: no tail beyond the window
    assert np.trapezoid(y, x) == pytest.approx(1.0, rel=2e-3)
    assert np.sum(y[x < 20.0]) > 1.5 * np.sum(y[x > 20.0])
    assert x[np.argmax(y)] < 20.0


def synthetic_lab6(shl: float, zero_deg: float = 0.0) -> Measurement:
    refl = [(tt + zero_deg, 600.0 / (1 + 0.1 * i))
            for i, (_, tt) in enumerate(cubic_reflections(A_660C, LAM1, two_theta_max_deg=135))]
    y = synthesize_pattern(X, refl, instrument=INST, background=40.0 + 1000.0 / X, axial_shl=shl)
    acq = XRDAcquisition(wavelength_angstrom=LAM1, wavelength2_angstrom=LAM2, ka2_ka1_ratio=0.5,
                         goniometer_radius_mm=240.0)
    counts = np.random.default_rng(5).poisson(y).astype(float)
    return Measurement("xrd", counts, (Axis("two_theta", "deg", X),), signal_unit="counts", acquisition=acq)


def test_asymmetric_lines_are_put_back_at_their_bragg_angles() -> None:
    m = process(synthetic_lab6(0.03, zero_deg=0.02))
    symmetric = calibrate(m.results["peaks"], standard="LaB6", wavelength_angstrom=LAM1, axial_divergence=False)
    cal, shl = calibrate_with_asymmetry(m, standard="LaB6", refine_lattice=False)
    assert shl == pytest.approx(0.03, rel=0.2)
    # symmetric fits: low-angle positions pulled down by > 0.01 deg, not a straight zero shift
    assert symmetric.residual_max_deg > 0.005
    assert cal.residual_max_deg < 0.003
    assert cal.zero_shift_deg == pytest.approx(0.02, abs=0.003)
    refined, _ = calibrate_with_asymmetry(m, standard="LaB6", shl=shl)
    assert refined.lattice_a_angstrom == pytest.approx(A_660C, abs=2e-4)


def _read(path: Path) -> Measurement:
    from instrumentarium.formats import read

    if not path.is_file():
        pytest.skip(f"{path} not found")
    m = read(path)
    return m[0] if isinstance(m, list) else m


@pytest.mark.parametrize("relative", [
    "pdcif/nist/nist_srm660c_100a.cif",
    "gsas/gsas2_tutorials/NIST660CBI.gsas",
    "bruker_raw/gsas2_tutorials/LaB6_Jan2018.raw",
])
def test_every_lab6_file_meets_the_issue_criterion(shared_data: Path, relative: str) -> None:
    m = process(_read(shared_data / "xrd" / "measured" / relative))
    fixed, shl = calibrate_with_asymmetry(m, standard="LaB6", refine_lattice=False)
    assert 0.005 < shl < 0.08
    assert fixed.residual_max_deg < 0.01  # every line within 0.01 deg after zero correction
    refined, _ = calibrate_with_asymmetry(m, standard="LaB6", shl=shl)
    assert refined.lattice_a_angstrom == pytest.approx(A_660C, abs=5e-4)


def test_cli_analyze_standard_with_axial_asymmetry(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from instrumentarium.cli import main
    from instrumentarium.formats import save

    path = save(synthetic_lab6(0.03, zero_deg=0.02), tmp_path / "lab6.nxs")
    out = CliRunner().invoke(main, ["xrd-analyze", str(path), "--standard", "LaB6", "--axial-asymmetry", "--json"])
    assert out.exit_code == 0, out.output
    cal = json.loads(out.output)["calibration"]
    assert cal["axial_sh_l"] == pytest.approx(0.03, rel=0.2)
    assert cal["lattice_a_angstrom"] == pytest.approx(A_660C, abs=2e-4)
    bad = CliRunner().invoke(main, ["xrd-analyze", str(path), "--axial-asymmetry"])
    assert bad.exit_code == 1 and "needs --standard" in bad.output
