"""Peaks and multiplets on real spectra against TopSpin's peak lists and published multiplet tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from nmr_realdata import DEV, bruker_processed, jcamp_processed, observed_multiplets, topspin_peaks

from instrumentarium.nmr.analysis import analyze, spectrum_arrays
from instrumentarium.nmr.analysis.noise import baseline_offset, noise_std

PEAK_CASES = {
    # spectrum (pdata with 1r), TopSpin peak list of the same fid
    "d01_aspirin": (
        "d01_bruker_1H_300MHz_aspirin_CDCl3/1/pdata/1",
        "d01_bruker_1H_300MHz_aspirin_CDCl3/1/pdata/2",
    ),
    "d05_menthol": ("d05_bruker_1H_500MHz_menthol_CDCl3_nmredata/AN-menthol/10/pdata/1",) * 2,
}


@pytest.mark.parametrize("case", sorted(PEAK_CASES))
def test_topspin_peaks_above_10x_noise_are_found(shared_data: Path, case: str) -> None:
    spec, plist = PEAK_CASES[case]
    folder = shared_data / DEV
    m = bruker_processed(folder / spec)
    a = analyze(m)
    y, ppm = spectrum_arrays(m)
    y0 = y - baseline_offset(y)
    noise = noise_std(y0)
    step = abs(ppm[1] - ppm[0])
    ours = np.array([p.ppm for p in a.peaks])
    ref = [
        p
        for p, _, _ in topspin_peaks(folder / plist / "peaklist.xml")
        if y0[int(np.argmin(np.abs(ppm - p)))] > 10 * noise
    ]
    found = [p for p in ref if np.min(np.abs(ours - p)) <= step * 1.0001]
    assert len(ref) > 10
    assert len(found) / len(ref) >= 0.95


def test_menthol_solvent_is_classified(shared_data: Path) -> None:
    m = bruker_processed(shared_data / DEV / PEAK_CASES["d05_menthol"][0])
    a = analyze(m)
    near = [p for p in a.peaks if abs(p.ppm - 7.26) < 0.01]
    assert near and all(p.kind == "solvent" for p in near)
    assert "7.26" not in a.report


def test_published_multiplets_cyclopropanes(shared_data: Path) -> None:
    path = shared_data / DEV / "d16_jcamp_1H_multiplet_reference_nmr-dataset3/cyclopropanes/1h.jdx"
    a = analyze(jcamp_processed(path))
    ok = 0
    refs = [r for r in observed_multiplets(path) if r["multiplicity"] in ("d", "t", "q", "dd", "ddd")]
    for r in refs:
        mp = min(a.multiplets, key=lambda x: abs(x.center_ppm - r["center"]))
        distinct = sorted({round(j, 1) for j in r["j"]}, reverse=True)
        if mp.multiplicity == r["multiplicity"] and np.allclose(
            sorted(mp.j_hz, reverse=True)[: len(distinct)], distinct, atol=0.3
        ):
            ok += 1
    # measured: 6 of the 8 first-order ranges (the two 2.93-2.98 ddd overlap into one range)
    assert ok >= 6
