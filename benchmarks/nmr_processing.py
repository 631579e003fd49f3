"""Benchmark: read + automatic processing of 1D NMR spectra, against nmrglue + ACME.

Baseline ("nmrglue+acme"): nmrglue's own pipeline, ``ng.bruker.read`` -> ``em`` -> ``zf_size``
-> ``fft`` -> ``rev`` -> ``ng.bruker.remove_digital_filter(post_proc=True)`` ->
``ng.proc_autophase.autops(data, "acme")`` (Chen et al. 2002) from (0, 0). Ours: ``instrumentarium.read``
-> ``instrumentarium.process`` (automatic recipe: apodize, zero fill, FT, group delay,
autophase, polynomial baseline, referencing). Median of ``--repeat`` runs, one thread; ours and
the baseline run alternately, so a change of machine load hits both alike. ``--clock cpu`` times
process CPU time instead of wall time (steadier on a shared machine). The target is on the median
over the real dev spectra (the synthetic FID is reported apart).

Run: ``python benchmarks/nmr_processing.py [--data ../shared/data/nmr/nmr_dev_v1] [--repeat 5] [--clock cpu]``
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import nmrglue as ng  # noqa: E402
import numpy as np  # noqa: E402

import instrumentarium  # noqa: E402
from instrumentarium.nmr.processing import simulate_fid  # noqa: E402
from instrumentarium.nmr.recipes import auto_recipe  # noqa: E402

BRUKER = [
    "d01_bruker_1H_300MHz_aspirin_CDCl3/1",
    "d02_bruker_1H_500MHz_cyclosporin_C6D6/1",
    "d04_bruker_1H_500MHz_naphthoic_acid_acetone/1",
    "d05_bruker_1H_500MHz_menthol_CDCl3_nmredata/AN-menthol/10",
    "d06_bruker_13C_151MHz_nmrpy_H2O/1",
    "d07_bruker_31P_243MHz_nmrpy_H2O/2",
    "d08_bruker_1H_600MHz_presat_nmrpy_H2O/3",
    "d09_bruker_1H_400MHz_noesy1d_coffee_extract/22",
]


def median_times(funcs, repeat: int, clock=time.perf_counter) -> list[float]:
    """Median time of each function, the functions run in turn ``repeat`` times."""
    times: list[list[float]] = [[] for _ in funcs]
    for _ in range(repeat):
        for f, t in zip(funcs, times):
            t0 = clock()
            f()
            t.append(clock() - t0)
    return [statistics.median(t) for t in times]


def nmrglue_pipeline(dic: dict, fid: np.ndarray, size: int, lb_hz: float) -> np.ndarray:
    sw = dic["acqus"]["SW_h"]
    data = ng.proc_base.em(fid, lb=lb_hz / sw)
    data = ng.proc_base.zf_size(data, size)
    data = ng.proc_base.rev(ng.proc_base.fft(data))
    data = ng.bruker.remove_digital_filter(dic, data, post_proc=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ng.proc_autophase.autops(data, "acme", disp=False)


def ours_size_lb(m) -> tuple[int, float]:
    p = {s.step: s.parameters for s in auto_recipe(m).steps}
    n = m.shape[0]
    zf = p["nmr.zero_fill"]
    size = zf["size"] or (1 << max(int(n - 1).bit_length(), 0)) * zf["factor"]
    return int(size), float(p["nmr.apodize"]["line_broadening_hz"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "nmr" / "nmr_dev_v1"
    ap.add_argument("--data", type=Path, default=default)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall")
    args = ap.parse_args()
    clock = time.perf_counter if args.clock == "wall" else time.process_time

    rows = []
    for rel in BRUKER:
        folder = args.data / rel
        if not (folder / "fid").is_file():
            continue
        raw = instrumentarium.read(folder)
        size, lb = ours_size_lb(raw)

        def base(f=folder, size=size, lb=lb):
            dic, fid = ng.bruker.read(str(f))
            nmrglue_pipeline(dic, fid, size, lb)

        ours, baseline = median_times(
            [lambda f=folder: instrumentarium.process(instrumentarium.read(f)), base], args.repeat, clock)
        rows.append((rel.split("/")[0][:40], raw.shape[0], size, ours, baseline))

    # the 64k-point synthetic 1H FID (processed in memory: no file reading on either side)
    lines = [(7.26, 0.3, 1.0), (6.9, 1.0, 1.2), (3.8, 2.0, 1.0), (2.1, 3.0, 1.0), (1.3, 3.0, 1.2),
             (0.0, 0.5, 0.8)]
    syn = simulate_fid(lines, n_points=65536, spectral_width_hz=8000.0, p0_deg=40.0, p1_deg=-20.0, noise=1e-4)
    size, lb = ours_size_lb(syn)
    dic = {"acqus": {"SW_h": 8000.0, "GRPDLY": syn.acquisition.group_delay_points, "DSPFVS": 20, "DECIM": 1}}
    ours, baseline = median_times([lambda: instrumentarium.process(syn),
                                   lambda: nmrglue_pipeline(dic, np.asarray(syn.signal), size, lb)],
                                  args.repeat, clock)
    rows.append(("synthetic 1H FID, 64k points", 65536, size, ours, baseline))

    head = ("spectrum", "TD/2", "SI", "ours ms", "nmrglue+acme ms", "speed-up")
    print(f"{head[0]:42s} {head[1]:>7s} {head[2]:>7s} {head[3]:>9s} {head[4]:>16s} {head[5]:>9s}")
    for name, n, si, a, b in rows:
        print(f"{name:42s} {n:7d} {si:7d} {1e3 * a:9.1f} {1e3 * b:16.1f} {b / a:8.1f}x")
    ratios = [b / a for *_, a, b in rows]
    print(f"median speed-up vs nmrglue+acme, real dev spectra: {statistics.median(ratios[:-1]):.1f}x; "
          f"with the synthetic FID: {statistics.median(ratios):.1f}x ({args.clock} clock)")


if __name__ == "__main__":
    main()
