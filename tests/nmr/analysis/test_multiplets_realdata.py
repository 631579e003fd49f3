"""Multiplets on real spectra against the published tables, scored strictly (multiplet_scoring.py).

Each test prints the per-range table (``pytest -s``; it is also the assertion message) and
asserts the measured count as a floor, so a regression fails. The issue's target is 85 % of
the published first-order ranges; what is reached is in the floors below and in
``python benchmarks/nmr_multiplets.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from multiplet_scoring import d16_rows, format_table, letters, nmredata_rows, score, totals
from nmr_realdata import DEV, bruker_processed, jcamp_processed

from instrumentarium.nmr.analysis import analyze

D16 = "d16_jcamp_1H_multiplet_reference_nmr-dataset3"

# data set -> (letters+J right at least, published first-order rows); measured on this branch
D16_FLOORS = {
    "artemisin": (4, 6),
    "borohydride": (0, 1),
    "cyclopropanes": (9, 9),
    "geraniol": (2, 4),
    "menthol": (3, 11),
}


@pytest.mark.parametrize("name", sorted(D16_FLOORS))
def test_d16_published_multiplets(shared_data: Path, name: str) -> None:
    path = shared_data / DEV / D16 / name / "1h.jdx"
    result = analyze(jcamp_processed(path))
    rows = score(d16_rows(path), result.multiplets)
    table = format_table(name, rows)
    print(table)
    ok, _, n = totals(rows)
    floor, n_pub = D16_FLOORS[name]
    assert n == n_pub, table
    assert ok >= floor, table
    # no nonsense where the trees explain a range poorly: overlapped protons read as one tree
    # with H-H couplings no molecule has (artemisin 1.42 ppm was "tq, J = 21.5, 14.8 Hz, 6H"),
    # or one CH2 cut into four half-proton multiplets (geraniol 2.05 ppm)
    comp = [mp for mp in result.multiplets if mp.kind == "compound"]
    assert not [mp for mp in comp if len(mp.j_hz) >= 2 and max(mp.j_hz) > 20.0], result.report
    for r in result.ranges:
        inside = [mp for mp in comp if mp.range_ppm == (r.start_ppm, r.stop_ppm)]
        assert len(inside) <= max(2, round(r.n_h)), (r, inside)


def test_menthol_nmredata_couplings(shared_data: Path) -> None:
    folder = shared_data / DEV / "d05_bruker_1H_500MHz_menthol_CDCl3_nmredata"
    rows = score(
        nmredata_rows(folder / "compound1.nmredata.sdf"),
        analyze(bruker_processed(folder / "AN-menthol/10/pdata/1")).multiplets,
    )
    table = format_table("d05 menthol", rows)
    print(table)
    strict, couplings, n = totals(rows)
    assert n == 14, table
    # the isopropyl CH: NMReDATA's dqq (2.70, 7.00, 7.05 Hz) is our septd (7.0, 2.8 Hz)
    h9 = next(r for r in rows if r.label == "H9")
    assert h9.ours_mult == "septd" and h9.coupling_ok, table
    # the isopropyl methyls (d 7.05 at 0.949, d 6.58 at 0.933) share a range with two ring
    # protons: two doublets, not one 6H dd (7.8, 6.8 Hz)
    for label in ("Me11", "Me7"):
        me = next(r for r in rows if r.label == label)
        assert me.status == "ok", table
    assert strict >= 2 and couplings >= 3, table


def test_scoring_is_strict() -> None:
    from types import SimpleNamespace as NS

    from multiplet_scoring import Row

    rows = [
        Row("a", 2.0, 1.95, 2.05, "td", (10.4, 10.4, 4.3), per_letter=False),
        Row("b", 3.0, 2.95, 3.05, "tt", (10.9, 9.9, 4.8, 4.3), per_letter=False),  # J inconsistent with tt
        Row("c", 4.0, 3.95, 4.05, "m", (), per_letter=False),
        Row("d", 5.0, 4.95, 5.05, "hept", (7.0,) * 6, per_letter=False),
    ]
    ours = [
        NS(center_ppm=2.001, multiplicity="td", j_hz=(10.5, 4.2)),
        NS(center_ppm=3.0, multiplicity="tt", j_hz=(10.4, 4.55)),
        NS(center_ppm=4.0, multiplicity="m", j_hz=()),
        NS(center_ppm=5.0, multiplicity="sept", j_hz=(7.1,)),
    ]
    out = score(rows, ours)
    assert [r.status for r in out] == ["ok", "FAIL J", "excl (published m)", "ok"]
    assert letters("thept") == ("t", "sept") and letters("tpd") == ("t", "quint", "d")


def test_rows_no_analysis_can_match_are_named() -> None:
    from multiplet_scoring import Row, ceiling, conflict, self_inconsistent

    tt4 = Row("4", 3.43, 3.39, 3.47, "tt", (10.9, 9.9, 4.8, 4.3), per_letter=False)
    ddd = Row("5ax", 0.95, 0.93, 1.01, "ddd", (12.09, 12.00, 10.90), per_letter=False)
    dt = Row("H", 1.63, 1.60, 1.66, "dt", (0.72, 0.72, 1.59), per_letter=False)  # Mnova lists J in any order
    dqq = Row("H9", 2.19, None, None, "dqq", (2.70, 7.00, 7.05), per_letter=True)
    ok = Row("3", 1.13, 1.10, 1.16, "dddd", (12.26, 10.14, 3.41, 2.86), per_letter=False)
    assert "9.90-10.90" in self_inconsistent(tt4)
    assert "12.00 and 12.09" in self_inconsistent(ddd)
    assert self_inconsistent(dt) == "" and self_inconsistent(ok) == ""
    assert "7.00 and 7.05" in self_inconsistent(dqq)
    me_a = Row("10", 0.831, 0.82, 0.84, "d", (7.15,), per_letter=False)
    me_b = Row("Me10", 0.831, None, None, "d", (7.90,), per_letter=True)
    assert "0.75" in conflict(me_a, me_b)
    assert conflict(me_a, Row("x", 0.831, None, None, "d", (7.40,), per_letter=True)) == ""
    reach, n, reasons = ceiling({"a": [tt4, ddd, ok, me_a], "b": [dt, dqq, me_b]}, [("a", "10", "b", "Me10")])
    assert (reach, n) == (3, 7) and len(reasons) == 4


def test_couplings_only_ceiling_ignores_letters() -> None:
    from multiplet_scoring import Row, ceiling, conflict

    tt4 = Row("4", 3.43, 3.39, 3.47, "tt", (10.9, 9.9, 4.8, 4.3), per_letter=False)
    h4 = Row("H4", 3.43, None, None, "dddd", (9.9, 4.8, 10.9, 4.5), per_letter=True)
    assert conflict(tt4, h4) and not conflict(tt4, h4, strict=False)
    ddd = Row("1Hax", 0.86, None, None, "ddd", (12.8, 12.0, 3.3), per_letter=True)
    dtd = Row("1ax", 0.86, 0.81, 0.93, "dtd", (12.75, 12.0, 12.0, 3.3), per_letter=False)
    assert "4 vs 3 couplings" in conflict(dtd, ddd, strict=False)
    reach, n, _ = ceiling({"a": [tt4, dtd], "b": [h4, ddd]}, [("a", "4", "b", "H4"), ("a", "1ax", "b", "1Hax")],
                          strict=False)
    assert (reach, n) == (3, 4)


def test_refit_with_published_couplings_synthetic() -> None:
    """A td made with known J: our (true) tree refits to the noise, a table 0.5 Hz off does not."""
    from types import SimpleNamespace as NS

    import numpy as np
    from multiplet_scoring import Row, refit, tree_groups, verdict
    from nmr_synth import first_order_spectrum

    mhz, noise = 400.0, 0.0005
    m = first_order_spectrum([(2.0, (7.0, 7.0, 3.0), 1.0)], mhz=mhz, lw_hz=0.8, noise=noise, seed=3)
    x, y = np.asarray(m.axes[0].values), np.asarray(m.signal)
    ours = NS(center_ppm=2.0, multiplicity="td", j_hz=(7.0, 3.0), range_ppm=(2.03, 1.97))
    analysis = NS(frequency_mhz=mhz, peaks=[NS(ppm=2.0 + k / mhz, width_hz=0.8) for k in (-5, -2, 2, 5)],
                  multiplets=[ours])
    rows = score([Row("a", 2.0, 1.97, 2.03, "td", (7.5, 7.5, 3.5), per_letter=False)], [ours])
    assert rows[0].status == "FAIL J" and rows[0].ours_range == (1.97, 2.03)
    (fit,) = refit(rows, x, y, analysis)
    noise_pct = 100.0 * noise / float(np.max(y[(x >= 1.97) & (x <= 2.03)]))
    assert fit.ours_rms < 1.3 * noise_pct, (fit, noise_pct)
    assert fit.pub_rms > 5.0 * fit.ours_rms, fit
    assert fit.verdict.startswith("published J fit worse x") and fit.overlap == 1
    # the true tree as the "published" one: nothing to tell them apart
    (same,) = refit(score([Row("a", 2.0, 1.97, 2.03, "td", (7.0, 7.0, 3.0), per_letter=False)], [ours]), x, y,
                    analysis)
    assert same.verdict == "similar" and abs(same.pub_rms - same.ours_rms) < 0.1 * noise_pct
    assert tree_groups([7.0, 7.05, 7.05, 2.7]) == ((7.05, 2), (7.0, 1), (2.7, 1))
    assert verdict(2.0, 1.2).startswith("ours worse") and verdict(1.0, 1.4) == "similar"
    assert verdict(None, 1.0) == "ours m"


def test_menthol_h6_published_couplings_fit_worse(shared_data: Path) -> None:
    """d05 menthol H6 (1.44 ppm): our tqt (11.8, 6.6, 3.6 Hz) describes the spectrum, the
    NMReDATA qdddd (12, 12, 6.58 x3, 4.0, 3.0 Hz) held fixed leaves a residual several times larger."""
    from multiplet_scoring import refit

    folder = shared_data / DEV / "d05_bruker_1H_500MHz_menthol_CDCl3_nmredata"
    m = bruker_processed(folder / "AN-menthol/10/pdata/1")
    a = analyze(m)
    rows = score(nmredata_rows(folder / "compound1.nmredata.sdf"), a.multiplets)
    fits = {f.row.label: f for f in refit(rows, m.axes[0].values, m.signal, a)}
    h6 = fits["H6"]
    assert h6.row.ours_mult == "tqt" and h6.overlap == 1, h6
    assert h6.ours_rms < 1.5 and h6.pub_rms > 2.0 * h6.ours_rms, h6
    assert h6.verdict.startswith("published J fit worse"), h6
