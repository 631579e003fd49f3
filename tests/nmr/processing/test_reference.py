"""Solvent table and referencing."""

from __future__ import annotations

import numpy as np
import pytest

from instrumentarium.nmr.processing import (
    SOLVENTS,
    correct_group_delay,
    fourier_transform,
    normalise_solvent,
    phase,
    reference,
    simulate_fid,
    zero_fill,
)


@pytest.mark.parametrize(("text", "key"), [
    ("CDCl3", "CDCl3"), ("chloroform-d", "CDCl3"), ("CDCL3", "CDCl3"), ("DMSO", "DMSO-d6"),
    ("dmso-d6", "DMSO-d6"), ("Acetone", "acetone-d6"), ("MeOD", "CD3OD"), ("methanol-d4", "CD3OD"),
    ("C6D6", "C6D6"), ("H2O+D2O", "H2O+D2O"), ("90%H2O/10%D2O", "H2O+D2O"), ("D2O", "D2O"),
    ("H2O", "H2O+D2O"), ("water", "H2O+D2O"), ("Tol", "toluene-d8"),
    ("COFFEE_calctemp", None), ("", None), (None, None),
])
def test_solvent_names_normalise(text, key) -> None:
    assert normalise_solvent(text) == key


def test_solvent_table_has_gottlieb_values() -> None:
    assert SOLVENTS["CDCl3"].residual_1h_ppm == 7.26
    assert SOLVENTS["CDCl3"].carbon_13c_ppm == 77.16
    assert SOLVENTS["DMSO-d6"].residual_1h_ppm == 2.50


def spectrum(lines, *, solvent="CDCl3", offset_ppm=0.0, nucleus="1H", **kw):
    # the spectrometer's axis is off by offset_ppm: lines appear at ppm + offset
    shifted = [(p + offset_ppm, a, w) for p, a, w in lines]
    m = simulate_fid(shifted, solvent=solvent, nucleus=nucleus, noise=1e-4, n_points=8192, **kw)
    return phase(correct_group_delay(fourier_transform(zero_fill(m, factor=2))))


def test_tms_is_preferred_for_1h() -> None:
    s = spectrum([(0.0, 0.5, 0.8), (7.26, 0.3, 1.0), (3.2, 2.0, 1.0)], offset_ppm=0.04)
    out = reference(s)
    d = out.provenance[-1].decisions
    assert d["method"] == "internal_standard" and d["compound"] == "TMS"
    assert d["shift_ppm"] == pytest.approx(-0.04, abs=0.002)
    axis = out.axes[0].values
    assert abs(axis[np.argmax(out.signal.real * (np.abs(axis) < 0.1))]) < 0.002


def test_solvent_residual_when_no_tms() -> None:
    s = spectrum([(2.50, 0.4, 1.0), (3.9, 2.0, 1.0), (7.5, 1.0, 1.0)], solvent="DMSO", offset_ppm=-0.03)
    d = reference(s).provenance[-1].decisions
    assert (d["method"], d["compound"]) == ("solvent", "DMSO-d6")
    assert d["shift_ppm"] == pytest.approx(0.03, abs=0.002)
    assert d["expected_ppm"] == 2.50


def test_13c_uses_the_solvent_carbon_first() -> None:
    lines = [(77.16, 1.0, 2.0), (0.0, 0.3, 2.0), (128.0, 0.8, 2.0)]
    s = spectrum(lines, nucleus="13C", frequency_mhz=100.6, carrier_ppm=100.0, spectral_width_hz=25000.0,
                 offset_ppm=0.2)
    d = reference(s).provenance[-1].decisions
    assert d["compound"] == "CDCl3"
    assert d["shift_ppm"] == pytest.approx(-0.2, abs=0.02)


def test_unknown_solvent_without_tms_leaves_the_axis_and_says_so() -> None:
    s = spectrum([(3.9, 2.0, 1.0)], solvent="COFFEE_calctemp")
    out = reference(s)
    assert out.provenance[-1].decisions["method"] == "none"
    np.testing.assert_array_equal(out.axes[0].values, s.axes[0].values)
    assert any("unreferenced" in w for w in out.warnings)


def test_manual_shift() -> None:
    s = spectrum([(3.9, 2.0, 1.0)])
    out = reference(s, shift_ppm=0.123)
    np.testing.assert_allclose(out.axes[0].values, s.axes[0].values + 0.123)
    assert out.provenance[-1].decisions["method"] == "manual"


# -- an axis far off, and a "TMS" that is grease -------------------------------------------


def test_a_lone_residual_far_from_its_table_shift_references_the_axis() -> None:
    # TopSpin SR = 0 (dev d02): C6D5H 0.115 ppm high, beyond the distance-weighted search; it is
    # the only line within 0.15 ppm of 7.16, so it is the solvent and the axis moves
    s = spectrum([(7.16, 0.6, 3.0), (8.3, 0.5, 1.0), (3.0, 2.0, 1.0)], solvent="C6D6", offset_ppm=0.115)
    out = reference(s)
    d = out.provenance[-1].decisions
    assert (d["method"], d["compound"], d.get("far_from_table")) == ("solvent", "C6D6", True), d
    assert d["shift_ppm"] == pytest.approx(-0.115, abs=0.002)
    assert any("from its table shift" in w for w in out.warnings)


def test_a_far_line_beside_another_of_comparable_height_is_not_taken() -> None:
    # two lines within 0.15 ppm of 7.16, neither 3x the other: which is the solvent cannot be told
    s = spectrum([(7.16, 0.6, 3.0), (6.935, 0.4, 2.0), (3.0, 2.0, 1.0)], solvent="C6D6", offset_ppm=0.115)
    d = reference(s).provenance[-1].decisions
    assert d["method"] == "none", d


def test_a_zero_line_at_the_grease_shift_of_the_residual_is_not_tms() -> None:
    # dev d15: the "TMS" is silicone grease (0.07 ppm in CDCl3, Gottlieb 1997); referenced to it,
    # CHCl3 would read 7.19. The residual references the axis and the rejection says why
    s = spectrum([(0.07, 0.5, 1.0), (7.26, 0.4, 1.0), (4.1, 2.0, 1.0)], offset_ppm=0.03)
    out = reference(s)
    d = out.provenance[-1].decisions
    assert (d["method"], d["compound"]) == ("solvent", "CDCl3"), d
    assert d["shift_ppm"] == pytest.approx(-0.03, abs=0.002)
    assert any("silicone grease" in r for r in d["rejected"]), d
    # a real TMS beside the same residual stays the reference
    d = reference(spectrum([(0.0, 0.5, 1.0), (7.26, 0.4, 1.0), (4.1, 2.0, 1.0)], offset_ppm=0.03)).provenance[-1]
    assert (d.decisions["compound"], d.decisions.get("rejected")) == ("TMS", None), d.decisions


def test_a_standard_disagreeing_with_the_residual_otherwise_is_kept_with_a_warning() -> None:
    # 0.05 ppm apart but not at grease's shift: TMS stays, the disagreement is reported
    out = reference(spectrum([(0.0, 0.5, 1.0), (7.31, 0.4, 1.0), (4.1, 2.0, 1.0)]))
    assert out.provenance[-1].decisions["compound"] == "TMS"
    assert any("check the solvent and the standard" in w for w in out.warnings), out.warnings
