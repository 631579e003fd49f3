"""Range limits: every line inside its own range, touching ranges cut at the valley between.

Synthetic spectra (``nmr_synth.first_order_spectrum``, exact shifts and areas) check the cut
and the integrals; every dev spectrum in the shared data checks that no range is reversed
and that every multiplet (its centre and its lines) lies inside its own range.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from nmr_realdata import DEV, vendor_processed
from nmr_synth import first_order_spectrum

from instrumentarium.nmr.analysis import analyze
from instrumentarium.nmr.analysis.ranges import merge_interleaved, range_limits

MHZ = 500.0


def _lorentz(x: np.ndarray, x0: float, area: float, fwhm: float) -> np.ndarray:
    g = 0.5 * fwhm
    return area * (g / np.pi) / ((x - x0) ** 2 + g * g)


# --- range_limits on its own -------------------------------------------------------------


def test_colliding_margins_are_cut_at_the_valley_not_midway() -> None:
    x = np.arange(400.0)
    y = _lorentz(x, 150.0, 9.0, 8.0) + _lorentz(x, 200.0, 1.0, 8.0)  # strong line, weak line
    apex = np.array([150.0, 200.0])
    (lo_a, hi_a), (lo_b, hi_b) = range_limits([[0], [1]], apex, np.array([40.0, 40.0]), y)
    valley = 150 + int(np.argmin(y[150:201]))
    assert hi_a == lo_b == pytest.approx(valley, abs=1.0)
    assert valley > 180  # the valley sits near the weak line: a midway cut (175) would differ
    assert lo_a == 110.0 and hi_b == 240.0  # the outer limits keep their whole margins


def test_margins_that_do_not_meet_are_kept() -> None:
    x = np.arange(400.0)
    y = _lorentz(x, 100.0, 1.0, 4.0) + _lorentz(x, 300.0, 1.0, 4.0)
    limits = range_limits([[0], [1]], np.array([100.0, 300.0]), np.array([20.0, 20.0]), y)
    assert limits == [(80.0, 120.0), (280.0, 320.0)]


def test_a_narrow_range_clamped_from_both_sides_is_not_reversed() -> None:
    # a small line between two wide multiplets whose margins both run over it
    x = np.arange(600.0)
    y = sum(_lorentz(x, c, a, 6.0) for c, a in ((200.0, 5.0), (240.0, 5.0), (300.0, 0.3), (360.0, 5.0), (400, 5.0)))
    apex = np.array([200.0, 240.0, 300.0, 360.0, 400.0])
    reach = np.array([90.0, 90.0, 4.0, 90.0, 90.0])
    limits = range_limits([[0, 1], [2], [3, 4]], apex, reach, y)
    for (lo, hi), g in zip(limits, ([0, 1], [2], [3, 4])):
        assert lo <= hi
        assert all(lo < apex[k] < hi for k in g)
    assert limits[0][1] == limits[1][0] and limits[1][1] == limits[2][0]  # they touch, never overlap


def test_flat_baseline_between_is_cut_midway() -> None:
    rng = np.random.default_rng(3)
    x = np.arange(1000.0)
    y = _lorentz(x, 300.0, 1.0, 3.0) + _lorentz(x, 700.0, 1.0, 3.0) + rng.normal(0.0, 1e-4, x.size)
    (_, hi_a), (lo_b, _) = range_limits([[0], [1]], np.array([300.0, 700.0]), np.array([300.0, 300.0]), y, noise=1e-4)
    assert hi_a == lo_b and abs(hi_a - 500.0) < 60.0  # not wherever the noise is lowest


def test_interleaved_groups_are_merged() -> None:
    apex = np.array([10.0, 12.0, 11.0, 30.0])
    assert merge_interleaved([[3], [0, 1], [2]], apex) == [[0, 1, 2], [3]]
    assert merge_interleaved([[1], [0]], np.array([1.0, 5.0])) == [[0], [1]]  # ordered, kept apart


# --- analyze on synthetic spectra ----------------------------------------------------------


def _inside(mp) -> bool:
    hi, lo = mp.range_ppm
    return lo <= mp.center_ppm <= hi and all(lo <= p <= hi for p in mp.peak_ppm)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_touching_multiplets_cut_at_the_valley_with_honest_integrals(seed: int) -> None:
    # a 9H singlet (tBu) 21 Hz from a 2H triplet, 3 Hz lines: their margins (4 widths) collide
    truth = [(1.300, (), 9.0), (1.246, (7.0, 7.0), 2.0)]
    m = first_order_spectrum(truth, lw_hz=3.0, seed=seed)
    clean = np.asarray(first_order_spectrum(truth, lw_hz=3.0, noise=0.0).signal)
    ppm = np.asarray(m.axes[0].values)
    a = analyze(m, total_h=11)
    s, t = (min(a.multiplets, key=lambda mp, d=d: abs(mp.center_ppm - d)) for d, _, _ in truth)
    assert (s.multiplicity, t.multiplicity) == ("s", "t")
    assert _inside(s) and _inside(t)
    assert s.range_ppm[1] == t.range_ppm[0]  # one cut shared by both
    between = (ppm < 1.300) & (ppm > 1.246 + 7.0 / MHZ)
    valley = float(ppm[between][np.argmin(clean[between])])
    midway = 0.5 * (1.300 + 1.246 + 7.0 / MHZ)
    assert abs(valley - midway) * MHZ > 4.0  # the setup: the valley is far from midway
    assert abs(s.range_ppm[1] - valley) * MHZ < 1.5
    assert s.n_h == pytest.approx(9.0, rel=0.01) and t.n_h == pytest.approx(2.0, rel=0.01)


def test_a_broad_line_margin_does_not_take_a_sharp_neighbours_line() -> None:
    # a broad exchanging OH (15 Hz) 48 Hz from a sharp doublet: the broad line's margin
    # (4 widths, 60 Hz) runs past the doublet's first line
    broad = first_order_spectrum([(2.000, (), 1.0)], lw_hz=15.0, seed=1)
    sharp = first_order_spectrum([(2.107, (7.0,), 1.0)], lw_hz=0.8, noise=0.0)
    m = broad.replace(signal=np.asarray(broad.signal) + np.asarray(sharp.signal))
    a = analyze(m)
    d = min(a.multiplets, key=lambda mp: abs(mp.center_ppm - 2.107))
    oh = min(a.multiplets, key=lambda mp: abs(mp.center_ppm - 2.000))
    assert d is not oh and d.multiplicity == "d"
    assert _inside(d) and _inside(oh)
    assert oh.range_ppm[0] <= d.range_ppm[1]  # no overlap
    assert d.n_h == pytest.approx(oh.n_h, rel=0.02)


# --- every dev spectrum ---------------------------------------------------------------------

D16 = "d16_jcamp_1H_multiplet_reference_nmr-dataset3"
DEV_SPECTRA = {
    "d01_aspirin": "d01_bruker_1H_300MHz_aspirin_CDCl3/1/pdata/1",
    "d04_naphthoic_acid": "d04_bruker_1H_500MHz_naphthoic_acid_acetone/jcamp/1h.dx",
    "d05_menthol": "d05_bruker_1H_500MHz_menthol_CDCl3_nmredata/AN-menthol/10/pdata/1",
    **{
        f"d16_{n}": f"{D16}/{n}/1h.jdx"
        for n in ("artemisin", "borohydride", "cyclopropanes", "cyclopropnes_wrongPhase", "geraniol", "menthol")
    },
}


@pytest.mark.parametrize("name", sorted(DEV_SPECTRA))
def test_dev_spectra_ranges_hold_their_own_multiplets(shared_data: Path, name: str) -> None:
    path = shared_data / DEV / DEV_SPECTRA[name]
    if not path.exists():
        pytest.skip(f"{path} not in the shared data")
    a = analyze(vendor_processed(path))
    assert a.ranges
    for r in a.ranges:
        assert r.start_ppm >= r.stop_ppm, r
    for r0, r1 in zip(a.ranges, a.ranges[1:]):
        assert r0.stop_ppm >= r1.start_ppm, (r0, r1)  # in order, never overlapping
    for mp in a.multiplets:
        hi, lo = mp.range_ppm
        assert lo <= mp.center_ppm <= hi, mp
        assert all(lo <= p <= hi for p in mp.peak_ppm), mp
