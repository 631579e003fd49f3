"""Calibration against cubic standards: synthetic ground truth and NIST SRM 660c LaB6."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from instrumentarium.model import Axis, Measurement, ProcessingError, XRDAcquisition
from instrumentarium.pipeline import process
from instrumentarium.xrd.analysis import (
    XRDInstrumentFunction,
    analyze,
    caglioti_fwhm,
    calibrate,
    cubic_reflections,
    synthesize_pattern,
)

LAM1, LAM2 = 1.540593, 1.544414
A_660C = 4.156826  # Å, certified lattice parameter of NIST SRM 660c at 22.5 °C
INST = XRDInstrumentFunction(0.004, -0.003, 0.0025, 0.005, 0.008, 0)
X = np.arange(15.0, 140.0, 0.01)


def test_cubic_reflections_follow_the_extinction_rules() -> None:
    lab6 = cubic_reflections(A_660C, LAM1, centring="P")
    assert lab6[0][0] == (1, 0, 0)
    assert lab6[0][1] == pytest.approx(21.3583, abs=1e-3)
    si = [hkl for hkl, _ in cubic_reflections(5.431144, LAM1, centring="diamond")]
    assert si[:4] == [(1, 1, 1), (2, 2, 0), (3, 1, 1), (4, 0, 0)]
    assert (2, 0, 0) not in si and (2, 2, 2) not in si
    fcc = [hkl for hkl, _ in cubic_reflections(5.411651, LAM1, centring="F")]
    assert fcc[:3] == [(1, 1, 1), (2, 0, 0), (2, 2, 0)]


def synthetic_lab6(zero_deg: float, displacement_mm: float, radius_mm: float = 240.0) -> Measurement:
    refl = []
    for i, (_, tt) in enumerate(cubic_reflections(A_660C, LAM1, two_theta_max_deg=135)):
        shift = zero_deg - np.degrees(2 * displacement_mm * np.cos(np.radians(tt / 2)) / radius_mm)
        refl.append((tt + shift, 600.0 / (1 + 0.1 * i)))
    y = synthesize_pattern(X, refl, instrument=INST, background=40.0 + 1000.0 / X)
    counts = np.random.default_rng(7).poisson(y).astype(float)
    acq = XRDAcquisition(wavelength_angstrom=LAM1, wavelength2_angstrom=LAM2, ka2_ka1_ratio=0.5,
                         goniometer_radius_mm=radius_mm)
    return Measurement("xrd", counts, (Axis("two_theta", "deg", X),), signal_unit="counts", acquisition=acq)


def test_zero_shift_and_displacement_are_recovered() -> None:
    m = process(synthetic_lab6(0.05, 0.1))
    cal = calibrate(m.results["peaks"], standard="LaB6", wavelength_angstrom=LAM1, goniometer_radius_mm=240.0,
                    axial_divergence=False)
    assert cal.n_peaks >= 20
    assert cal.zero_shift_deg == pytest.approx(0.05, abs=0.003)
    assert cal.displacement_mm == pytest.approx(0.1, abs=0.01)
    assert cal.residual_max_deg < 0.005
    refined = calibrate(m.results["peaks"], standard="LaB6", wavelength_angstrom=LAM1,
                        goniometer_radius_mm=240.0, refine_lattice=True, axial_divergence=False)
    assert refined.lattice_a_angstrom == pytest.approx(A_660C, abs=2e-4)
    assert abs(refined.lattice_a_angstrom - A_660C) < 5 * refined.lattice_a_sigma_angstrom + 1e-5


def test_instrument_function_from_a_standard() -> None:
    a = analyze(process(synthetic_lab6(0.0, 0.0)), standard="LaB6")
    inst = a.instrument_function
    assert inst is not None and inst.n_peaks >= 20
    tt = np.array([25.0, 60.0, 100.0, 130.0])
    truth = caglioti_fwhm(tt, INST.u_deg2, INST.v_deg2, INST.w_deg2)
    assert caglioti_fwhm(tt, inst.u_deg2, inst.v_deg2, inst.w_deg2) == pytest.approx(truth, rel=0.1)
    th = np.radians(tt / 2)
    hl = inst.x_deg * np.tan(th) + inst.y_deg / np.cos(th)
    hl_true = INST.x_deg * np.tan(th) + INST.y_deg / np.cos(th)
    assert hl == pytest.approx(hl_true, abs=0.006)


def test_calibration_refuses_a_pattern_that_is_not_the_standard() -> None:
    refl = [(27.0, 500.0), (33.3, 300.0), (47.9, 200.0)]
    y = synthesize_pattern(X, refl, instrument=INST, background=50.0)
    m = Measurement("xrd", np.random.default_rng(1).poisson(y).astype(float), (Axis("two_theta", "deg", X),),
                    signal_unit="counts",
                    acquisition=XRDAcquisition(wavelength_angstrom=LAM1, wavelength2_angstrom=LAM2,
                                               ka2_ka1_ratio=0.5))
    with pytest.raises(ProcessingError, match="match LaB6"):
        analyze(m, standard="LaB6")


# -- NIST SRM 660c certification data (pdCIF) -------------------------------------------------------
def _read_nist_pdcif(path: Path) -> Measurement:
    """The NIST pdCIF through the registered readers, else its measured block via gemmi."""
    from instrumentarium.formats import read
    from instrumentarium.model import UnknownFormatError

    try:
        m = read(path)
        return m[0] if isinstance(m, list) else m
    except UnknownFormatError:
        pass  # the pdCIF reader (branch xrd-io) is not installed
    gemmi = pytest.importorskip("gemmi")
    doc = gemmi.cif.read(str(path))
    block = next(b for b in doc if b.name.endswith("_meas"))
    x = np.array(block.find_loop("_pd_proc_2theta_corrected"), float)
    y = np.array(block.find_loop("_pd_proc_intensity_total"), float)
    acq = XRDAcquisition(wavelength_angstrom=1.5405929, wavelength2_angstrom=1.544414, ka2_ka1_ratio=0.5,
                         goniometer_radius_mm=217.5)
    return Measurement("xrd", y, (Axis("two_theta", "deg", x),), signal_unit="arb", acquisition=acq)


def test_nist_srm_660c_positions_and_lattice_parameter(shared_data: Path) -> None:
    path = shared_data / "xrd" / "measured" / "pdcif" / "nist" / "nist_srm660c_100a.cif"
    if not path.is_file():
        pytest.skip(f"NIST SRM 660c data not found at {path}")
    m = process(_read_nist_pdcif(path))
    peaks = m.results["peaks"]
    radius = 217.5  # mm, NIST DBD (_pd_instr_dist_spec/detc)
    # zero (and displacement, axial-divergence) correction with a fixed at the certified value:
    # every LaB6 reflection then lies within 0.01 deg of its certified position
    lam = m.provenance[-1].decisions["wavelength_angstrom"]
    cal = calibrate(peaks, standard="LaB6", wavelength_angstrom=lam, goniometer_radius_mm=radius)
    assert cal.n_peaks >= 22
    assert cal.residual_max_deg < 0.01
    # refined lattice parameter
    refined = calibrate(peaks, standard="LaB6", wavelength_angstrom=lam, goniometer_radius_mm=radius,
                        refine_lattice=True)
    assert refined.lattice_a_angstrom == pytest.approx(A_660C, abs=5e-4)


def test_displacement_is_left_out_when_the_range_cannot_separate_it_from_a() -> None:
    wide = process(synthetic_lab6(0.03, 0.0))
    cal = calibrate(wide.results["peaks"], standard="LaB6", wavelength_angstrom=LAM1, refine_lattice=True)
    assert cal.displacement_refined and cal.lattice_a_angstrom == pytest.approx(A_660C, abs=3e-4)
    # 21-68 deg (the 8 lines of the GSAS-II tutorial scan): s and a are degenerate
    narrow = [p for p in wide.results["peaks"] if p.two_theta_deg < 70.0]
    cal = calibrate(narrow, standard="LaB6", wavelength_angstrom=LAM1, refine_lattice=True)
    assert cal.n_peaks == 8 and not cal.displacement_refined and cal.displacement_mm == 0.0
    assert cal.lattice_a_angstrom == pytest.approx(A_660C, abs=3e-4)
    assert cal.lattice_a_sigma_angstrom < 1e-3
    forced = calibrate(narrow, standard="LaB6", wavelength_angstrom=LAM1, refine_lattice=True, displacement=True)
    assert forced.displacement_refined and forced.lattice_a_sigma_angstrom > 10 * cal.lattice_a_sigma_angstrom
    # with a fixed the displacement is always refined
    assert calibrate(narrow, standard="LaB6", wavelength_angstrom=LAM1).displacement_refined


def _read_one(path: Path) -> Measurement:
    from instrumentarium.formats import read

    m = read(path)
    return m[0] if isinstance(m, list) else m


def test_gsas2_tutorial_lab6_raw_holds_eight_reflections(shared_data: Path) -> None:
    path = shared_data / "xrd" / "measured" / "bruker_raw" / "gsas2_tutorials" / "LaB6_Jan2018.raw"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    m = _read_one(path)
    # the RAW header gives Cu Ka1/Ka2 (1.5406/1.54439 A) and R = 250 mm; the scan ends at 70 deg
    acq = m.acquisition
    assert acq.wavelength_angstrom == pytest.approx(1.5406) and acq.goniometer_radius_mm == 250.0
    lines = [t for _, t in cubic_reflections(A_660C, acq.wavelength_angstrom) if t < acq.two_theta_end_deg]
    assert len(lines) == 8  # (100) at 21.36 ... (221) at 67.55; (310) at 71.75 is beyond the scan
    peaks = process(m).results["peaks"]
    cal = calibrate(peaks, standard="LaB6", wavelength_angstrom=acq.wavelength_angstrom, goniometer_radius_mm=250.0)
    assert cal.n_peaks == 8 and cal.residual_max_deg < 0.01
    refined = calibrate(peaks, standard="LaB6", wavelength_angstrom=acq.wavelength_angstrom,
                        goniometer_radius_mm=250.0, refine_lattice=True)
    assert not refined.displacement_refined
    assert refined.lattice_a_angstrom == pytest.approx(A_660C, abs=5e-4)


@pytest.fixture(scope="module")
def nist660cbi(shared_data: Path):
    path = shared_data / "xrd" / "measured" / "gsas" / "gsas2_tutorials" / "NIST660CBI.gsas"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    m = process(_read_one(path))
    return m.results["peaks"], m.provenance[-1].decisions["wavelength_angstrom"]


def test_gsas2_tutorial_nist660_positions(nist660cbi) -> None:
    peaks, lam = nist660cbi
    # no wavelength in the file (and INST_XRY.PRM beside it belongs to PBSO4.XRA): Cu Ka1 (Hoelzer) assumed
    assert lam == pytest.approx(1.540593)
    cal = calibrate(peaks, standard="LaB6", wavelength_angstrom=lam)
    assert cal.n_peaks == 20 and cal.residual_max_deg < 0.01


@pytest.mark.xfail(strict=True, reason="symmetric profiles + A cot2theta: a = 4.15625(53) A, 0.00058 A from 660c "
                                       "(the tutorial's own 1.5405 A: 4.15599 A); FCJ-corrected positions meet it "
                                       "(test_xrd_asymmetry)")
def test_gsas2_tutorial_nist660_lattice_parameter(nist660cbi) -> None:
    peaks, lam = nist660cbi
    refined = calibrate(peaks, standard="LaB6", wavelength_angstrom=lam, refine_lattice=True)
    assert refined.lattice_a_angstrom == pytest.approx(A_660C, abs=5e-4)
