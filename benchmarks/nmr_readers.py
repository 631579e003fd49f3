"""Read every 1D/2D file of nmr_dev_v1 with instrumentarium and with nmrglue (the baseline).

Run by hand::

    python benchmarks/nmr_readers.py [path/to/shared/data]

Prints, per file, the median wall time of ``instrumentarium.read`` (metadata, checks,
hashes included) and of the matching nmrglue call (data + parameter dictionary only),
and their ratio (> 1: instrumentarium is faster). nmrglue returns nothing for nD JCAMP-DX;
those rows have no baseline.
"""

from __future__ import annotations

import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import nmrglue as ng

import instrumentarium

REPEATS = 3


def _median_time(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _cases(root: Path) -> list[tuple[str, Path, Callable[[], object] | None]]:
    d = root / "nmr" / "nmr_dev_v1"
    cases: list[tuple[str, Path, Callable[[], object] | None]] = []
    for acqus in sorted(d.rglob("acqus")):
        exp = acqus.parent
        cases.append(("bruker fid/ser", exp, lambda e=exp: ng.bruker.read(str(e))))
        p1 = exp / "pdata" / "1"
        if (p1 / "1r").is_file() or (p1 / "2rr").is_file():
            cases.append(("bruker pdata", p1, lambda p=p1: ng.bruker.read_pdata(str(p), scale_data=True)))
    for ext in ("dx", "jdx", "jcamp"):
        for f in sorted(d.rglob(f"*.{ext}")):
            cases.append(("jcamp-dx", f, lambda f=f: ng.jcampdx.read(str(f))))
    for f in sorted(d.rglob("*.jdf")):
        cases.append(("jeol", f, lambda f=f: ng.jeol.read(str(f))))
    for f in sorted(d.rglob("procpar")):
        cases.append(("varian", f.parent, lambda p=f.parent: ng.varian.read(str(p))))
    for f in sorted(d.rglob("acqu.par")):
        cases.append(
            ("spinsolve", f.parent, lambda p=f.parent: ng.spinsolve.read(str(p), specfile="data.1d"))
        )
    return cases


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "data"
    warnings.simplefilter("ignore")
    instrumentarium.read(root / "nmr/nmr_dev_v1/d01_bruker_1H_300MHz_aspirin_CDCl3/1")  # imports, registry
    print(f"{'kind':<15} {'file':<58} {'ours ms':>8} {'nmrglue ms':>10} {'ratio':>6}")
    ratios = []
    for kind, path, baseline in _cases(root):
        ours = _median_time(lambda p=path: instrumentarium.read(p))
        if baseline is not None and kind == "jcamp-dx" and baseline()[1] is None:
            baseline = None  # nmrglue cannot decode it (nD NTUPLES): no baseline
        base = _median_time(baseline) if baseline else float("nan")
        ratio = base / ours if baseline else float("nan")
        if baseline:
            ratios.append(ratio)
        name = str(path.relative_to(root / "nmr/nmr_dev_v1"))[-58:]
        print(f"{kind:<15} {name:<58} {ours * 1e3:8.1f} {base * 1e3:10.1f} {ratio:6.2f}")
    print(f"median ratio nmrglue/instrumentarium over {len(ratios)} files: {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
