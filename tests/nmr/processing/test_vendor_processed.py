"""Processed complex vendor spectra (TopSpin ``1r``/``1i``, complex JCAMP-DX) in the automatic recipe.

The vendor's phase and reference are kept unless confidently wrong: the phase through the gate
of ``nmr.rephase_processed`` (the vendor's own imaginary part), the reference through
``nmr.reference(check_vendor=True)`` (kept when the reference line lies within 0.03 ppm 1H /
0.3 ppm 13C of its table shift). Synthetic spectra with a known phase error and mis-reference,
the referencing pitfalls the dev set showed (an impurity taken for TMS, a solute line taken for
CHCl3, the edge line of a deuterium triplet, presaturated water), and every complex processed
spectrum of the dev set.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from nmr_proc_synth import CDCL3_LINES, TOPSPIN_PDATA

import instrumentarium as ins
from instrumentarium.nmr.processing import (
    correct_group_delay,
    fourier_transform,
    noise_sigma,
    phase,
    reference,
    simulate_fid,
    zero_fill,
)
from instrumentarium.nmr.processing._reference import VENDOR_TOLERANCE_PPM, multiplet_centre
from instrumentarium.nmr.recipes import auto_recipe

LINES = CDCL3_LINES


def spectrum(lines, *, offset_ppm: float = 0.0, p0: float = 0.0, p1: float = 0.0, noise: float = 2e-4, **kw):
    """A processed complex spectrum whose axis is off by ``offset_ppm`` and phase by ``p0``/``p1``."""
    shifted = [(ppm + offset_ppm, a, w) for ppm, a, w in lines]
    m = simulate_fid(shifted, p0_deg=p0, p1_deg=p1, noise=noise, n_points=16384, **kw)
    return correct_group_delay(fourier_transform(zero_fill(m, factor=2)))


def vendor_spectrum(lines, *, offset_ppm: float = 0.0, **kw):
    """As a vendor leaves it: correctly phased (the phase correction applied), axis as given."""
    return phase(spectrum(lines, offset_ppm=offset_ppm, **kw))


def line_ppm(m, near: float, within: float = 0.05) -> float:
    axis = m.axes[0].values
    inside = np.abs(axis - near) <= within
    return float(axis[inside][np.argmax(m.signal.real[inside])])


def decisions(out, step: str) -> dict:
    return next(p.decisions for p in out.provenance if p.step == step)


# -- synthetic ----------------------------------------------------------------------------


def test_auto_recipe_of_a_complex_processed_spectrum_checks_phase_and_reference_only() -> None:
    m = vendor_spectrum(LINES)
    assert m.is_complex
    recipe = auto_recipe(m)
    assert [s.step for s in recipe.steps] == ["nmr.rephase_processed", "nmr.reference"]
    assert recipe.steps[1].parameters["check_vendor"] is True


@pytest.mark.parametrize("offset", [0.0, 0.015, -0.025])
def test_well_processed_vendor_spectrum_comes_out_unchanged(offset: float) -> None:
    m = vendor_spectrum(LINES, offset_ppm=offset)
    out = ins.process(m)
    np.testing.assert_array_equal(out.signal, m.signal)
    np.testing.assert_array_equal(out.axes[0].values, m.axes[0].values)
    assert not out.warnings
    ph, ref = decisions(out, "nmr.rephase_processed"), decisions(out, "nmr.reference")
    assert ph["applied"] is False and ph["imaginary"] == "vendor", ph
    assert ref["vendor_axis"] == "kept" and ref["shift_ppm"] == 0.0, ref
    # the vendor's offset is measured and recorded even when it is kept
    assert ref["compound"] == "CDCl3" and ref["vendor_offset_ppm"] == pytest.approx(offset, abs=0.002), ref


@pytest.mark.parametrize(("p0", "p1", "offset"), [(60.0, -20.0, 0.05), (-45.0, 30.0, -0.045), (120.0, 0.0, 0.0)])
def test_known_phase_error_and_mis_reference_are_corrected(p0: float, p1: float, offset: float) -> None:
    m = spectrum(LINES, offset_ppm=offset, p0=p0, p1=p1)
    out = ins.process(m)
    ph, ref = decisions(out, "nmr.rephase_processed"), decisions(out, "nmr.reference")
    assert ph["applied"] is True, ph
    assert any("vendor spectrum re-phased" in w for w in out.warnings)
    # the phase found is the one put in (at the lines' positions)
    x = np.array([np.argmin(np.abs(m.axes[0].values - (p + offset))) for p, _, _ in LINES]) / m.shape[0]
    err = (ph["p0_deg"] + ph["p1_deg"] * x) - (p0 + p1 * x)
    assert np.abs((err + 180.0) % 360.0 - 180.0).max() < 3.0, ph
    truth = phase(m, p0_deg=p0, p1_deg=p1).signal.real
    assert np.corrcoef(out.signal.real, truth)[0, 1] > 0.995
    if abs(offset) > VENDOR_TOLERANCE_PPM["1H"]:
        assert ref["vendor_axis"] == "re-referenced" and ref["shift_ppm"] == pytest.approx(-offset, abs=0.002)
        assert any("vendor reference changed by" in w for w in out.warnings)
    else:
        assert ref["vendor_axis"] == "kept"
    assert line_ppm(out, 7.26) == pytest.approx(7.26, abs=0.002 + VENDOR_TOLERANCE_PPM["1H"] * (offset == 0.0))


def test_tolerance_can_be_set_and_is_recorded() -> None:
    m = vendor_spectrum(LINES, offset_ppm=0.02)
    kept = reference(m, check_vendor=True)
    moved = reference(m, check_vendor=True, vendor_tolerance_ppm=0.01)
    assert kept.provenance[-1].decisions["vendor_tolerance_ppm"] == 0.03
    assert moved.provenance[-1].decisions["vendor_tolerance_ppm"] == 0.01
    np.testing.assert_array_equal(kept.axes[0].values, m.axes[0].values)
    np.testing.assert_allclose(moved.axes[0].values, m.axes[0].values - 0.02, atol=0.002)


def test_an_impurity_near_0_ppm_is_not_taken_for_tms() -> None:
    # dev d01: a 19-sigma line at 0.058 ppm, 6e-5 of the tallest line, was taken for TMS
    lines = [*LINES, (0.058, 1.5e-3, 0.8)]
    m = vendor_spectrum(lines, offset_ppm=0.04, noise=1e-7)
    y, axis = m.signal.real, m.axes[0].values
    tms = y[np.argmin(np.abs(axis - 0.098))] - np.median(y[np.abs(axis - 0.098) < 0.1])
    # clearly a line, far too weak for an added standard
    assert tms > 50 * noise_sigma(y) and tms < 1e-3 * (y.max() - np.median(y))
    d = reference(m).provenance[-1].decisions
    assert d["compound"] == "CDCl3" and d["shift_ppm"] == pytest.approx(-0.04, abs=0.002), d
    assert any("not an added standard" in r for r in d["rejected"]), d
    # an added TMS (a few percent of the tallest line) is still preferred
    d = reference(vendor_spectrum([*LINES, (0.0, 0.2, 0.6)], offset_ppm=0.04, noise=1e-5)).provenance[-1].decisions
    assert d["compound"] == "TMS" and d["shift_ppm"] == pytest.approx(-0.04, abs=0.002), d


def test_a_solute_multiplet_line_is_not_taken_for_the_chloroform_singlet() -> None:
    # dev d01: no CHCl3 line to be seen, the middle line of aspirin's H5 td 0.02 ppm from 7.26
    j = 7.7 / 400.13
    td = [(7.28 + k * j, h, 0.8) for k, h in ((-1, 0.5), (0, 1.0), (1, 0.5))]
    m = vendor_spectrum([(2.1, 3.0, 1.0), *td], solvent="CDCl3")
    out = reference(m)
    d = out.provenance[-1].decisions
    assert d["method"] == "none", d
    assert any("solute multiplet" in r for r in d["rejected"]), d
    np.testing.assert_array_equal(out.axes[0].values, m.axes[0].values)
    # a lone CHCl3 line beside it is found
    d = reference(vendor_spectrum([(2.1, 3.0, 1.0), (7.45, 1.0, 0.8), (7.26, 1.0, 0.6)])).provenance[-1].decisions
    assert d["compound"] == "CDCl3" and abs(d["shift_ppm"]) < 0.002, d


def test_13c_deuterium_triplet_is_referenced_at_its_centre() -> None:
    # dev d15: the tallest line of the CDCl3 1:1:1 triplet is an edge line (0.21 ppm off at 151 MHz)
    j = 32.0 / 150.9
    triplet = [(77.16 + k * j, h, 2.0) for k, h in ((-1, 0.97), (0, 0.98), (1, 1.0))]
    m = vendor_spectrum(
        [(166.3, 0.3, 2.0), (64.5, 0.5, 2.0), *triplet],
        offset_ppm=-0.6,
        nucleus="13C",
        frequency_mhz=150.9,
        carrier_ppm=100.0,
        spectral_width_hz=36000.0,
    )
    out = reference(m)
    d = out.provenance[-1].decisions
    assert d["compound"] == "CDCl3" and d["shift_ppm"] == pytest.approx(0.6, abs=0.02), d
    assert line_ppm(out, 166.3, 0.5) == pytest.approx(166.3, abs=0.02)


def test_multiplet_centre_of_quintet_and_singlet() -> None:
    axis = np.linspace(2.2, 1.9, 3001)
    j = 2.2 / 500.0
    quintet = sum(h / (1 + ((axis - (2.05 + k * j)) / 0.0008) ** 2) for k, h in zip(range(-2, 3), (1, 2, 3, 2, 1)))
    for start in (2.05 - j, 2.05, 2.05 + 2 * j):
        assert multiplet_centre(axis, quintet, start, 5, j) == pytest.approx(2.05, abs=1e-9)
    singlet = 1 / (1 + ((axis - 2.0) / 0.0008) ** 2)
    assert multiplet_centre(axis, singlet, 2.0, 3, j) == 2.0


def test_presaturated_water_is_not_a_reference() -> None:
    lines = [(4.70, 0.3, 3.0), (3.2, 1.0, 1.0), (1.3, 1.5, 1.0)]
    m = vendor_spectrum(lines, solvent="H2O+D2O", pulse_program="zgpr", carrier_ppm=4.70, noise=1e-5)
    d = reference(m).provenance[-1].decisions
    assert d["method"] == "none" and any("suppressed solvent" in r for r in d["rejected"]), d
    # without suppression the water line is used (4.70 -> 4.79)
    d = reference(vendor_spectrum(lines, solvent="H2O+D2O", carrier_ppm=4.70, noise=1e-5)).provenance[-1].decisions
    assert d["compound"] == "H2O+D2O" and d["shift_ppm"] == pytest.approx(0.09, abs=0.003), d


# -- the dev set ---------------------------------------------------------------------------

DEV = "nmr/nmr_dev_v1"
# every complex processed vendor 1D spectrum of the dev set (TopSpin 1r+1i, complex JCAMP-DX)
COMPLEX = [
    *TOPSPIN_PDATA,
    f"{DEV}/d04_bruker_1H_500MHz_naphthoic_acid_acetone/jcamp/1h.dx",
    f"{DEV}/d13_jcamp_dx_misc/bruker_1h_300MHz_aspirin_spectrum.dx",
    f"{DEV}/d15_jcamp_600MHz_butyl_acrylate_141-32-2_with_2D_HSQC/1h.dx",
    f"{DEV}/d15_jcamp_600MHz_butyl_acrylate_141-32-2_with_2D_HSQC/13c.dx",
]
# those whose vendor axis is off by more than the tolerance (unreferenced lock axis, SR = 0 /
# a stale SR / silicone grease put at 0 ppm): (solvent line, table shift, where the vendor has it)
OFF = {
    "d02_bruker_1H_500MHz_cyclosporin_C6D6/1/pdata/1": ("C6D6", 7.16, 7.2746),
    "d04_bruker_1H_500MHz_naphthoic_acid_acetone/jcamp/1h.dx": ("acetone-d6", 2.05, 2.0903),
    "d15_jcamp_600MHz_butyl_acrylate_141-32-2_with_2D_HSQC/1h.dx": ("CDCl3", 7.26, 7.1986),
    "d15_jcamp_600MHz_butyl_acrylate_141-32-2_with_2D_HSQC/13c.dx": ("CDCl3", 77.16, 76.0025),
}


def read(shared_data: Path, rel: str):
    path = shared_data / rel
    if not path.exists():
        pytest.skip(f"{rel} not in this copy of the shared data")
    m = ins.read(path)
    return m[0] if isinstance(m, list) else m


def peaklist(path: Path) -> list[float]:
    return [float(v) for v in re.findall(r'F1="([-0-9.]+)"', path.read_text())]


@pytest.mark.parametrize("rel", COMPLEX, ids=lambda r: r.split("/")[2][:3] + ":" + r.split("/")[-1])
def test_complex_vendor_spectrum_keeps_the_vendors_phase_and_reference(shared_data: Path, rel: str) -> None:
    m = read(shared_data, rel)
    assert m.is_complex
    out = ins.process(m)
    assert [p.step for p in out.provenance[len(m.provenance) :]] == ["nmr.rephase_processed", "nmr.reference"]
    ph, ref = decisions(out, "nmr.rephase_processed"), decisions(out, "nmr.reference")
    # the phase: the vendor's, to the bit (no baseline step either: it only follows a re-phase)
    assert ph["applied"] is False, ph
    np.testing.assert_array_equal(out.signal, m.signal)
    key = rel.split("/", 2)[2]
    if key in OFF:
        compound, table, vendor = OFF[key]
        assert ref["vendor_axis"] == "re-referenced" and ref["compound"] == compound, ref
        assert ref["vendor_offset_ppm"] == pytest.approx(vendor - table, abs=0.003), ref
        np.testing.assert_allclose(out.axes[0].values, m.axes[0].values + table - vendor, atol=0.003)
        assert any("vendor reference changed by" in w for w in out.warnings)
        return
    assert ref["vendor_axis"] == "kept" and ref["shift_ppm"] == 0.0, ref
    tolerance = VENDOR_TOLERANCE_PPM.get(m.acquisition.nucleus, 0.03)
    if "vendor_offset_ppm" in ref:
        assert abs(ref["vendor_offset_ppm"]) <= tolerance, ref
    np.testing.assert_array_equal(out.axes[0].values, m.axes[0].values)
    assert not out.warnings, out.warnings


@pytest.mark.parametrize(
    ("spectrum_rel", "peaks_rel"),
    [
        ("d01_bruker_1H_300MHz_aspirin_CDCl3/1/pdata/1", "d01_bruker_1H_300MHz_aspirin_CDCl3/1/pdata/2/peaklist.xml"),
        (
            "d05_bruker_1H_500MHz_menthol_CDCl3_nmredata/AN-menthol/10/pdata/1",
            "d05_bruker_1H_500MHz_menthol_CDCl3_nmredata/AN-menthol/10/pdata/1/peaklist.xml",
        ),
    ],
)
def test_topspin_peak_list_is_where_our_output_has_its_maxima(
    shared_data: Path, spectrum_rel: str, peaks_rel: str
) -> None:
    m = read(shared_data, f"{DEV}/{spectrum_rel}")
    out = ins.process(m)
    axis, y = out.axes[0].values, out.signal.real
    step = abs(float(axis[1] - axis[0]))
    peaks = [p for p in peaklist(shared_data / DEV / peaks_rel) if axis.min() < p < axis.max()]
    assert len(peaks) >= 20
    off = []
    for p in peaks:
        i = int(np.argmin(np.abs(axis - p)))
        j = i - 3 + int(np.argmax(y[max(i - 3, 0) : i + 4]))
        off.append(axis[j] - p)
    # TopSpin's peaks are our maxima to within a point or two (a 20 Hz re-reference moved them all)
    assert float(np.median(np.abs(off))) <= 1.5 * step, np.median(np.abs(off))


def test_d04_acetone_quintet_decides_that_the_vendor_axis_is_off(shared_data: Path) -> None:
    # TopSpin's axis of d04 is the unreferenced lock axis (SF = BF1): the acetone-d5 quintet
    # (J_HD 2.2 Hz) is centred at 2.090 ppm, 0.040 from the table's 2.05; the FID path finds
    # the same line and the same correction
    m = read(shared_data, f"{DEV}/d04_bruker_1H_500MHz_naphthoic_acid_acetone/jcamp/1h.dx")
    raw = m.raw_parameters["jcamp"]
    assert float(raw["$SF"]) == float(raw["$BF1"])
    axis, y = m.axes[0].values, m.signal.real
    j = 2.2 / m.acquisition.spectrometer_frequency_mhz
    centre = line_ppm(m, 2.07, 0.05)
    assert centre == pytest.approx(2.090, abs=0.002)
    heights = [y[np.argmin(np.abs(axis - (centre + k * j)))] for k in range(-2, 3)]
    assert heights[2] == max(heights) and min(heights) > 0.2 * heights[2]
    fid = ins.process(read(shared_data, f"{DEV}/d04_bruker_1H_500MHz_naphthoic_acid_acetone/1"))
    d = decisions(fid, "nmr.reference")
    assert d["compound"] == "acetone-d6" and d["shift_ppm"] == pytest.approx(-0.040, abs=0.003), d


def test_d01_fid_path_is_not_referenced_to_an_impurity_or_a_solute_line(shared_data: Path) -> None:
    fid = read(shared_data, f"{DEV}/d01_bruker_1H_300MHz_aspirin_CDCl3/1")
    out = ins.process(fid)
    d = decisions(out, "nmr.reference")
    assert d["method"] == "none" and d["shift_ppm"] == 0.0, d
    assert any("solute multiplet" in r for r in d["rejected"]), d
    assert any("unreferenced" in w for w in out.warnings)
    # the same fid through the vendor recipe gives TopSpin's axis: the auto axis is the same one
    vendor = ins.process(fid, recipe="vendor")
    assert line_ppm(out, 2.29, 0.05) == pytest.approx(line_ppm(vendor, 2.29, 0.05), abs=0.002)


def test_d15_13c_fid_path_uses_the_centre_of_the_cdcl3_triplet(shared_data: Path) -> None:
    fid = read(shared_data, f"{DEV}/d15_jcamp_600MHz_butyl_acrylate_141-32-2_with_2D_HSQC/13c.fid.dx")
    out = ins.process(fid)
    d = decisions(out, "nmr.reference")
    assert d["compound"] == "CDCl3", d
    j = 32.0 / out.acquisition.spectrometer_frequency_mhz
    axis, y = out.axes[0].values, out.signal.real
    lines = [y[np.argmin(np.abs(axis - (77.16 + k * j)))] for k in (-1, 0, 1)]
    # all three triplet lines are where the table puts them (an edge line taken for the centre
    # leaves one of them in the gap 32 Hz outside)
    assert min(lines) > 0.5 * max(lines), lines


def test_fids_on_a_far_off_or_grease_axis_are_referenced_to_their_residual(shared_data: Path) -> None:
    # d02 (TopSpin SR = 0): C6D5H at 7.275 ppm, beyond the distance-weighted search, is the only
    # line within 0.15 ppm of 7.16; cyclosporin has no aromatic H
    out = ins.process(read(shared_data, f"{DEV}/d02_bruker_1H_500MHz_cyclosporin_C6D6/1"))
    ref = decisions(out, "nmr.reference")
    assert (ref["compound"], ref.get("far_from_table")) == ("C6D6", True), ref
    assert ref["shift_ppm"] == pytest.approx(-0.1145, abs=0.002), ref
    assert line_ppm(out, 7.16) == pytest.approx(7.16, abs=0.002)
    # d15: the line near 0 ppm is silicone grease (0.07 in CDCl3); taken for TMS it put CHCl3 at 7.199
    out = ins.process(read(shared_data, f"{DEV}/d15_jcamp_600MHz_butyl_acrylate_141-32-2_with_2D_HSQC/1h.fid.dx"))
    ref = decisions(out, "nmr.reference")
    assert ref["compound"] == "CDCl3" and any("silicone grease" in r for r in ref["rejected"]), ref
    assert line_ppm(out, 7.26) == pytest.approx(7.26, abs=0.002)
    assert line_ppm(out, 0.06, within=0.03) == pytest.approx(0.061, abs=0.003)


def test_a_weak_reference_line_does_not_move_a_vendor_axis(shared_data: Path) -> None:
    # d16 borohydride (a MAS spectrum, "THF"): the tallest line near THF-d7's 3.58 ppm is 0.084 ppm
    # off and found with confidence 0.21; nothing says the vendor's axis is wrong
    m = read(shared_data, f"{DEV}/d16_jcamp_1H_multiplet_reference_nmr-dataset3/borohydride/1h.jdx")
    out = ins.process(m)
    ref = decisions(out, "nmr.reference")
    assert ref["vendor_axis"] == "kept" and "too weak" in ref["reason"], ref
    assert out.axes == m.axes


def test_jeol_export_with_tms_off_its_zero_is_re_referenced(shared_data: Path) -> None:
    # d13's JEOL JCAMP-DX spectrum names no solvent; its TMS stands at 0.110 ppm. Re-referenced to
    # it, its two tallest lines fall on DMSO-d5 (2.50) and water in DMSO-d6 (3.33): the vendor's
    # axis was 0.11 ppm high, and the TMS line is no grease (that would leave DMSO at 2.39)
    m = read(shared_data, f"{DEV}/d13_jcamp_dx_misc/jeol_1h_400MHz_spectrum.dx")
    out = ins.process(m)
    ref = decisions(out, "nmr.reference")
    assert (ref["compound"], ref["vendor_axis"]) == ("TMS", "re-referenced"), ref
    assert ref["vendor_offset_ppm"] == pytest.approx(0.110, abs=0.002), ref
    assert line_ppm(out, 2.50, within=0.03) == pytest.approx(2.50, abs=0.005)
    assert line_ppm(out, 3.34, within=0.03) == pytest.approx(3.34, abs=0.01)
