"""Solvent names, impurity recognition by all of an impurity's signals, heteronuclear reports."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from nmr_realdata import DEV, observed_multiplets, processed_fid, vendor_processed
from nmr_synth import first_order_spectrum

from instrumentarium.model import Axis, Measurement, NMRAcquisition
from instrumentarium.nmr.analysis import Multiplet, analyze, journal_report
from instrumentarium.nmr.analysis.impurities import classify_shift, impurity_signals, normalize_solvent
from instrumentarium.nmr.processing import normalise_solvent
from instrumentarium.web._demo import nmr_spectrum

ETHYL_ACETATE = [(4.12, (7.1, 7.1, 7.1), 2.0), (2.05, (), 3.0), (1.26, (7.1, 7.1), 3.0)]


@pytest.mark.parametrize(
    ("text", "key"),
    [("H2O", "H2O+D2O"), ("H2O+D2O", "H2O+D2O"), ("90%H2O/10%D2O", "H2O+D2O"), ("water", "H2O+D2O"),
     ("D2O", "D2O"), ("CDCl3", "CDCl3"), ("MeOD", "CD3OD"), ("COFFEE_calctemp", None)],
)
def test_water_solvents_are_not_d2o(text: str, key: str | None) -> None:
    assert normalize_solvent(text) == key
    assert normalise_solvent(text) == key


def test_h2o_samples_use_the_water_line() -> None:
    assert classify_shift(4.79, "H2O+D2O") == ("water", "H2O")
    assert classify_shift(4.79, "D2O") == ("water", "HDO")
    assert classify_shift(3.34, "H2O") == ("impurity", "methanol CH3")  # Gottlieb's D2O column


def test_an_impurity_needs_all_its_signals() -> None:
    assert impurity_signals("ethanol", "CDCl3") == (1.25, 3.72)
    assert classify_shift(1.25, "CDCl3", present=[1.25, 3.72]) == ("impurity", "ethanol CH3")
    # ethanol's CH2 quartet is absent: the triplet is not ethanol's
    assert classify_shift(1.25, "CDCl3", present=[1.25, 4.12, 2.05])[0] != "ethanol CH3"
    assert classify_shift(1.25, "CDCl3", present=[1.25]) == ("compound", "")
    # one-signal impurities need nothing else
    assert classify_shift(2.17, "CDCl3", present=[2.17]) == ("impurity", "acetone CH3")


def _demo_measurement(solvent: str) -> Measurement:
    ppm, spec, _ = nmr_spectrum("ethyl acetate", solvent=solvent, p0_error_deg=0.0, p1_error_deg=0.0)
    acq = NMRAcquisition(nucleus="1H", spectrometer_frequency_mhz=400.13, solvent=solvent)
    return Measurement("nmr", spec, (Axis("chemical_shift", "ppm", ppm),), acquisition=acq)


@pytest.mark.parametrize("solvent", ["CDCl3", "DMSO-d6"])
def test_web_demo_ethyl_acetate_is_the_compound(solvent: str) -> None:
    a = analyze(_demo_measurement(solvent))
    comp = {round(mp.center_ppm, 2): mp for mp in a.multiplets if mp.kind == "compound"}
    assert sorted(comp) == [1.26, 2.05, 4.12]
    assert [comp[k].multiplicity for k in (4.12, 2.05, 1.26)] == ["q", "s", "t"]
    assert [round(comp[k].n_h) for k in (4.12, 2.05, 1.26)] == [2, 3, 3]
    assert "ethanol" not in " ".join(mp.label for mp in a.multiplets)
    assert a.report.endswith("1.26 (t, J = 7.1 Hz, 3H).")


def test_synthetic_compound_with_an_ethanol_trace() -> None:
    # a compound with a CH3 triplet at 1.25 (ethanol's CH3 shift) and a real 2 % ethanol trace
    compound = [(7.30, (8.0,), 2.0), (6.90, (8.0,), 2.0), (4.40, (7.0, 7.0, 7.0), 2.0), (1.40, (7.0, 7.0), 3.0)]
    alone = analyze(first_order_spectrum([*compound, (1.25, (7.0, 7.0), 3.0)], noise=0.0002))
    t = min(alone.multiplets, key=lambda mp: abs(mp.center_ppm - 1.25))
    assert t.kind == "compound" and t.multiplicity == "t" and round(t.n_h) == 3
    trace = [(3.72, (7.0, 7.0, 7.0), 0.04), (1.25, (7.0, 7.0), 0.06)]
    a = analyze(first_order_spectrum([*compound, *trace], noise=0.0002))
    labels = {mp.label for mp in a.multiplets if mp.kind == "impurity"}
    assert {"ethanol CH3", "ethanol CH2"} <= labels
    assert "3.72" not in a.report and "1.25" not in a.report
    assert [round(mp.n_h) for mp in a.multiplets if mp.kind == "compound"] == [2, 2, 2, 3]


def test_impurity_as_large_as_the_compound_is_the_compound() -> None:
    # ethanol's both signals, but integrating like the compound's own: not a trace
    compound = [(7.30, (8.0,), 2.0), (6.90, (8.0,), 2.0)]
    a = analyze(first_order_spectrum([*compound, (3.72, (7.0, 7.0, 7.0), 2.0), (1.25, (7.0, 7.0), 3.0)]))
    assert all(mp.kind == "compound" for mp in a.multiplets if mp.center_ppm > 1.0)


# geraniol (CD3OD: its OH exchanges into the HDO line) and borohydride (11B-coupled BH4) left out
MULTIPLET_SETS = ["artemisin", "cyclopropanes", "menthol"]


@pytest.mark.parametrize("name", MULTIPLET_SETS)
def test_published_compound_signals_are_not_impurities(shared_data: Path, name: str) -> None:
    path = shared_data / DEV / f"d16_jcamp_1H_multiplet_reference_nmr-dataset3/{name}/1h.jdx"
    a = analyze(vendor_processed(path))
    for r in observed_multiplets(path):
        inside = [mp for mp in a.multiplets if mp.range_ppm[1] <= r["center"] <= mp.range_ppm[0]]
        assert inside and all(mp.kind == "compound" for mp in inside), (r["center"], inside)
    # Mnova's menthol export has CHCl3 at 7.28 ppm, outside the 0.02 ppm window: read with the
    # axis offset its residual shows (impurities.residual_offset_ppm)
    chcl3 = 7.26 + a.axis_offset_ppm
    assert {mp.kind for mp in a.multiplets if abs(mp.center_ppm - chcl3) < 0.02} == {"solvent"}


def test_dev_spectra_keep_solvent_water_and_tms(shared_data: Path) -> None:
    d = shared_data / DEV
    art = analyze(vendor_processed(d / "d16_jcamp_1H_multiplet_reference_nmr-dataset3/artemisin/1h.jdx"))
    assert any(mp.kind == "water" and abs(mp.center_ppm - 1.56) < 0.1 for mp in art.multiplets)
    aspirin = analyze(vendor_processed(d / "d13_jcamp_dx_misc/bruker_1h_300MHz_aspirin_spectrum.dx"))
    assert any(p.kind == "solvent" and abs(p.ppm - 7.26) < 0.02 for p in aspirin.peaks)
    # (d15's line at 0 ppm is silicone grease on an axis 0.06 ppm low: test_axis_offset.py)
    coffee = analyze(vendor_processed(d / "d09_bruker_1H_400MHz_noesy1d_coffee_extract/22/pdata/1"))
    assert max(coffee.peaks, key=lambda p: p.intensity if abs(p.ppm) < 0.02 else 0.0).kind == "tms"
    menthol = analyze(vendor_processed(d / "d05_bruker_1H_500MHz_menthol_CDCl3_nmredata/AN-menthol/10/pdata/1"))
    assert any(p.kind == "solvent" and abs(p.ppm - 7.26) < 0.02 for p in menthol.peaks)


def _mp(center: float, mult: str = "s", js: tuple[float, ...] = ()) -> Multiplet:
    return Multiplet((center + 0.1, center - 0.1), center, mult, js, 1.0, 1.0)


def test_carbon_report_in_journal_style() -> None:
    text = journal_report("13C", 150.9, "D2O", [_mp(60.31), _mp(170.12), _mp(96.56, "d", (44.42,))])
    assert text == "13C NMR (151 MHz, D2O) δ 170.1, 96.6 (d, J = 44.4 Hz), 60.3."
    # two carbons that would print the same shift get a second decimal
    assert journal_report("13C", 100.6, "CDCl3", [_mp(128.61), _mp(128.57)]).endswith("δ 128.61, 128.57.")
    assert journal_report("31P", 242.9, "H2O+D2O", [_mp(24.406)]) == "31P NMR (243 MHz, H2O/D2O) δ 24.4."


def test_proton_m_range_within_a_hundredth_prints_one_shift() -> None:
    wide = Multiplet((1.75, 1.60), 1.67, "m", (), 2.0, 2.0, peak_ppm=(1.741, 1.612))
    narrow = Multiplet((8.47, 8.45), 8.461, "m", (), 3.0, 3.0, peak_ppm=(8.4633, 8.4581))
    text = journal_report("1H", 600.1, "D2O", [wide, narrow])
    assert text == "1H NMR (600 MHz, D2O) δ 8.46 (m, 3H), 1.74\u20131.61 (m, 2H)."


def test_real_carbon_and_phosphorus_reports(shared_data: Path) -> None:
    c = analyze(processed_fid(shared_data / DEV / "d06_bruker_13C_151MHz_nmrpy_H2O/1"))
    assert c.report.startswith("13C NMR (151 MHz, H2O/D2O) δ 17")
    shifts = c.report.split("δ ", 1)[1].rstrip(".").split(", ")
    # the first line is in the broad carboxyl group (TopSpin's 1r: 176.7, 176.4, 174.7, 174.0 ppm)
    assert 173.5 <= float(shifts[0].split(" ")[0]) <= 177.5
    assert len(shifts) >= 10 and all(len(s.split(" ")[0].split(".")[1]) == 1 for s in shifts)
    assert not any(mp.kind == "impurity" for mp in c.multiplets)  # 13C integrals say nothing of traces
    p = analyze(processed_fid(shared_data / DEV / "d07_bruker_31P_243MHz_nmrpy_H2O/2"))
    assert p.report.startswith("31P NMR (243 MHz, H2O/D2O) δ 24.4, ")
    assert "H)" not in p.report and np.isfinite(p.noise)


def test_a_coupled_multiplet_at_the_solvent_shift_is_the_compounds() -> None:
    # CHCl3 is a singlet: a 7.6 Hz triplet of 1H at 7.27 ppm (aspirin H5 on an unreferenced
    # axis) is the compound's, while the singlet next to it stays the solvent's
    from nmr_synth import first_order_spectrum

    from instrumentarium.nmr.analysis import analyze

    a = analyze(first_order_spectrum([(7.265, (7.6, 7.6), 1.0), (2.3, (), 3.0), (8.0, (7.8, 1.7), 1.0)]))
    t = min(a.multiplets, key=lambda mp: abs(mp.center_ppm - 7.265))
    assert (t.multiplicity, t.kind) == ("t", "compound"), a.report
    assert "7.27 (t, J = 7.6 Hz, 1H)" in a.report or "7.26 (t, J = 7.6 Hz, 1H)" in a.report
    b = analyze(first_order_spectrum([(7.26, (), 0.2), (2.3, (), 3.0), (8.0, (7.8, 1.7), 1.0)]))
    s = min(b.multiplets, key=lambda mp: abs(mp.center_ppm - 7.26))
    assert s.kind == "solvent"
