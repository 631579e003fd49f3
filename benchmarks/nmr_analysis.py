"""Time per spectrum of ``instrumentarium.nmr.analysis.analyze`` against nmrglue's peak picking.

Baseline: ``nmrglue.peakpick.pick(data, pthres=6*noise, algorithm="thres", msep=(1,))`` on the same
real spectrum (threshold picking only, no fitting, no multiplets). Ours does peak picking
with pseudo-Voigt fitting of overlapped lines, ripple/skirt rejection, ranges, integrals, J
analysis and classification. Spectra are read with ``instrumentarium.read`` (TopSpin 1r,
JCAMP-DX). Run by hand: ``python benchmarks/nmr_analysis.py`` (needs ../shared/data).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nmrglue as ng
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "nmr" / "analysis"))

from nmr_realdata import vendor_processed  # noqa: E402

from instrumentarium.nmr.analysis import analyze, spectrum_arrays  # noqa: E402
from instrumentarium.nmr.analysis.noise import baseline_offset, noise_std  # noqa: E402

DEV = REPO.parent / "shared" / "data" / "nmr" / "nmr_dev_v1"
CASES = {
    "d01 aspirin 300 MHz (1r)": lambda: vendor_processed(
        DEV / "d01_bruker_1H_300MHz_aspirin_CDCl3/1/pdata/1"
    ),
    "d04 naphthoic 500 MHz (jdx)": lambda: vendor_processed(
        DEV / "d04_bruker_1H_500MHz_naphthoic_acid_acetone/jcamp/1h.dx"
    ),
    "d05 menthol 500 MHz (1r)": lambda: vendor_processed(
        DEV / "d05_bruker_1H_500MHz_menthol_CDCl3_nmredata/AN-menthol/10/pdata/1"
    ),
    "d16 cyclopropanes (jdx)": lambda: vendor_processed(
        DEV / "d16_jcamp_1H_multiplet_reference_nmr-dataset3/cyclopropanes/1h.jdx"
    ),
    "d16 geraniol (jdx)": lambda: vendor_processed(
        DEV / "d16_jcamp_1H_multiplet_reference_nmr-dataset3/geraniol/1h.jdx"
    ),
}


def timed(func, repeat: int = 1) -> tuple[float, object]:
    """Return (best wall time of ``repeat`` calls, the last result)."""
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = func()
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> None:
    head = ("spectrum", "points", "nmrglue s", "ours s", "ratio", "ng peaks", "our peaks")
    print(f"{head[0]:28s} " + " ".join(f"{h:>9s}" for h in head[1:]))
    for name, load in CASES.items():
        m = load()
        y, _ = spectrum_arrays(m)
        y0 = y - baseline_offset(y)
        noise = noise_std(y0)
        # one call each: nmrglue's threshold picking takes minutes on d04's 131072 points
        t_ng, picked = timed(
            lambda y0=y0, noise=noise: ng.peakpick.pick(y0, pthres=6 * noise, algorithm="thres", msep=(1,))
        )
        t_ours, result = timed(lambda m=m: analyze(m))
        n_ng, n_ours = len(picked), len(result.peaks)
        row = f"{y.size:9d} {t_ng:9.3f} {t_ours:9.3f} {t_ours / t_ng:9.2f} {n_ng:9d} {n_ours:9d}"
        print(f"{name:28s} {row}", flush=True)
    print("ratio = our full analysis time / nmrglue threshold peak picking time (lower is better)")
    print(f"machine load: {np.round(__import__('os').getloadavg(), 1).tolist()}")


if __name__ == "__main__":
    main()
