"""An unreferenced vendor axis: the solvent residual's offset, and the proton unit of a big molecule."""

from __future__ import annotations

from pathlib import Path

import pytest
from nmr_realdata import DEV, processed_fid, vendor_processed
from nmr_synth import first_order_spectrum

from instrumentarium.nmr.analysis import analyze
from instrumentarium.nmr.analysis.impurities import residual_offset_ppm


def test_a_lone_residual_off_its_table_shift_gives_the_offset() -> None:
    # C6D5H 0.115 ppm high (d02), a compound doublet far away
    off = residual_offset_ppm([8.38, 8.36, 7.275], [1.0, 1.0, 10.0], "C6D6", mhz=500.0)
    assert off == pytest.approx(0.115)
    # acetone-d5's quintet counts as one line: its partners are within 6 Hz
    quint = [2.09 + k * 2.2 / 500.0 for k in (-2, -1, 0, 1, 2)]
    off = residual_offset_ppm(quint, [1.0, 2.0, 3.0, 2.0, 1.0], "acetone-d6", mhz=500.0)
    assert off == pytest.approx(0.04)


def test_no_offset_when_the_residual_is_where_the_table_puts_it_or_ambiguous() -> None:
    # a small CHCl3 at 7.26 beside a tall aromatic singlet at 7.35: the singlet is the compound's
    assert residual_offset_ppm([7.35, 7.26], [10.0, 2.0], "CDCl3", mhz=500.0) == 0.0
    # two comparable lines in the window: which one is the solvent cannot be told
    assert residual_offset_ppm([7.33, 7.20], [10.0, 5.0], "CDCl3", mhz=500.0) == 0.0
    # nothing near, or an unknown solvent
    assert residual_offset_ppm([5.0], [10.0], "CDCl3", mhz=500.0) == 0.0
    assert residual_offset_ppm([7.3], [10.0], "COFFEE_calctemp", mhz=500.0) == 0.0


def test_synthetic_axis_shifted_by_a_tenth_of_a_ppm() -> None:
    # a compound in CDCl3 whose whole axis is 0.10 ppm high: CHCl3 at 7.36, water at 1.66
    shift = 0.10
    sig = [(7.80 + shift, (8.0,), 2.0), (6.90 + shift, (8.0,), 2.0), (3.80 + shift, (), 3.0),
           (7.26 + shift, (), 0.3)]
    a = analyze(first_order_spectrum(sig, noise=0.0002, solvent="CDCl3"))
    assert a.axis_offset_ppm == pytest.approx(shift, abs=0.002)
    chcl3 = min(a.multiplets, key=lambda mp: abs(mp.center_ppm - 7.36))
    assert chcl3.kind == "solvent"
    assert [round(mp.n_h) for mp in a.multiplets if mp.kind == "compound"] == [2, 2, 3]


def test_cyclosporin_solvent_line_and_proton_counts(shared_data: Path) -> None:
    # d02: cyclosporin A (C62H111N11O12) in C6D6 on TopSpin's unreferenced axis (SR = 0): C6D5H
    # at 7.275 ppm for 7.16. Its four NH doublets (7.5-8.4 ppm) are one proton each, its N-methyl
    # singlets (2.6-3.9 ppm) three: the 24H methyl envelope must not shrink the 1H ranges into
    # "traces" (the N-methyls read 1H, the NH 0.34H)
    a = analyze(vendor_processed(shared_data / DEV / "d02_bruker_1H_500MHz_cyclosporin_C6D6/1/pdata/1"))
    assert a.axis_offset_ppm == pytest.approx(0.115, abs=0.005)
    c6d5h = max((p for p in a.peaks if 7.2 < p.ppm < 7.35), key=lambda p: p.intensity)
    assert c6d5h.kind == "solvent"
    assert "7.27" not in a.report
    nh = [mp for mp in a.multiplets if mp.kind == "compound" and mp.center_ppm > 7.4]
    assert [mp.multiplicity for mp in nh] == ["d"] * 4 and [round(mp.n_h) for mp in nh] == [1, 1, 1, 1], a.report
    nme = [mp for mp in a.multiplets if mp.kind == "compound" and mp.multiplicity == "s" and 3.1 < mp.center_ppm < 3.9]
    assert len(nme) == 3 and all(round(mp.n_h) == 3 for mp in nme), a.report
    total = sum(mp.n_h for mp in a.multiplets if mp.kind == "compound")
    assert 100 <= total <= 130, total  # 111 H; overlapped ranges carry baseline and traces


def test_mnova_rutin_export_dmso_line_is_the_solvent(shared_data: Path) -> None:
    # d12's Mnova export: the axis is 0.04 ppm low, DMSO-d5 at 2.46 ppm was reported "2.46 (s, 5H)"
    a = analyze(vendor_processed(shared_data / DEV / "d12_jeol_1H_400MHz_rutin_DMSO/qH_mnova_export.jdx"))
    assert a.axis_offset_ppm == pytest.approx(-0.04, abs=0.005)
    assert any(p.kind == "solvent" and abs(p.ppm - 2.46) < 0.01 for p in a.peaks)
    assert "2.46" not in a.report


def test_butyl_acrylate_axis_follows_its_chloroform_not_its_zero_line(shared_data: Path) -> None:
    # d15: the vendor put a line at 0 ppm, but CHCl3 sits at 7.199 ppm, and every butyl acrylate
    # signal lies 0.06 ppm below its literature shift (6.32 for 6.39, 4.09 for 4.15, 0.88 for 0.94):
    # the 0 ppm line is silicone grease (0.07 ppm in CDCl3), not TMS
    a = analyze(vendor_processed(shared_data / DEV / "d15_jcamp_600MHz_butyl_acrylate_141-32-2_with_2D_HSQC/1h.dx"))
    assert a.axis_offset_ppm == pytest.approx(-0.06, abs=0.005)
    assert any(p.kind == "solvent" and abs(p.ppm - 7.1985) < 0.005 for p in a.peaks)
    zero = max((p for p in a.peaks if abs(p.ppm) < 0.01), key=lambda p: p.intensity)
    assert zero.kind == "impurity" and "grease" in zero.label
    assert [round(mp.n_h) for mp in a.multiplets if mp.kind == "compound"] == [1, 1, 1, 2, 2, 2, 3], a.report


def test_referenced_dev_spectra_keep_their_axis(shared_data: Path) -> None:
    # a residual where its table puts it: no offset (d05 CHCl3 at 7.26 after our reference check,
    # d12 raw DMSO-d5 at 2.50, d01 aspirin whose H5 triplet stands on CHCl3's shift)
    paths = (
        "d01_bruker_1H_300MHz_aspirin_CDCl3/1",
        "d12_jeol_1H_400MHz_rutin_DMSO/Rutin_3080ug200uL_DMSOd6_qHNMR_400MHz_Jeol.jdf",
        "d05_bruker_1H_500MHz_menthol_CDCl3_nmredata/AN-menthol/10",
    )
    for path in paths:
        a = analyze(processed_fid(shared_data / DEV / path))
        assert a.axis_offset_ppm == 0.0, path
        assert any(p.kind == "solvent" for p in a.peaks), path


def test_cyclosporin_report_says_how_to_reference(shared_data: Path, tmp_path: Path) -> None:
    from instrumentarium.nmr.analysis import process_summary_extra, with_analysis
    from instrumentarium.nmr.analysis.report import write_report
    from instrumentarium.nmr.processing import reference

    m = vendor_processed(shared_data / DEV / "d02_bruker_1H_500MHz_cyclosporin_C6D6/1/pdata/1")
    a = analyze(m)
    html = write_report(m, tmp_path / "r.html", a).read_text(encoding="utf-8")
    assert "Axis check" in html and "shift_ppm=-0.115" in html
    assert process_summary_extra(with_analysis(m, a))["axis_offset_ppm"] == a.axis_offset_ppm
    # following the advice: the NH doublets move to their referenced shifts, no offset is left
    fixed = analyze(reference(m, shift_ppm=-a.axis_offset_ppm))
    assert fixed.axis_offset_ppm == 0.0 and "Axis check" not in write_report(m, tmp_path / "f.html", fixed).read_text()
    assert fixed.report.split("δ ")[1].startswith("8.26 (d, J = 9.7 Hz, 1H)")
