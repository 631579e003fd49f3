"""Read and process every measured XRD dev file: time per pattern against a baseline.

Ours: ``instrumentarium.formats.read`` (format sniffing, sha256) followed by the
automatic recipe (``process``: slit conversion where needed, SNIP background, peak
search with counting statistics, pseudo-Voigt profile fits of every peak with the
K-alpha1/K-alpha2 doublet, uncertainties).

Baseline: ``geddes.read`` (Rust reader from PyPI) followed by ``scipy.signal.find_peaks``
with a prominence threshold (positions only: no background, no fit, no widths or
uncertainties). Files geddes rejects are timed for ours only.

Run by hand::

    python benchmarks/xrd_processing.py [--data ../shared/data] [--limit N]

Prints one row per format folder (files, peaks found, median ms per pattern for each,
ratio ours / baseline), a total, the slowest files and the machine load (timings on a
shared machine are only comparable as ratios taken in the same run; the CPU time of our
code is printed too, as it depends less on the load).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from scipy.signal import find_peaks

from instrumentarium.formats import read
from instrumentarium.pipeline import process

SKIP_SUFFIXES = {".prm", ".md", ".json", ".txt"}


def _ours(path: Path) -> int:
    m = read(path)
    patterns = m if isinstance(m, list) else [m]
    n = 0
    for p in patterns:
        n += len(process(p).results.get("peaks", ()))
    return n


def _baseline(path: Path) -> int | None:
    import geddes

    try:
        pat = geddes.read(str(path))
    except Exception:  # geddes rejects the file: not timed
        return None
    y = np.asarray(pat.y, float)
    idx, _ = find_peaks(y, prominence=3 * np.sqrt(max(float(np.median(y)), 1.0)))
    return int(idx.size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--limit", type=int, default=0, help="at most N files per subfolder (0: all)")
    parser.add_argument("--verbose", action="store_true", help="print the time of every file")
    parser.add_argument("--slowest", type=int, default=5, help="list the N slowest files (ours)")
    args = parser.parse_args()
    root = args.data / "xrd" / "measured"
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() not in SKIP_SUFFIXES)
    rows: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    failures = []
    seen: list[Path] = []
    per_file: list[tuple[float, float, str]] = []
    load0 = os.getloadavg()[0]
    for path in files:
        folder = path.relative_to(root).parts[0]
        sub = path.parent
        done_here = sum(1 for q in seen if q == sub)
        if args.limit and done_here >= args.limit:
            continue
        seen.append(sub)
        t0, c0 = time.perf_counter(), time.process_time()
        try:
            n = _ours(path)
        except Exception as exc:
            failures.append(f"{path.relative_to(root)}: {type(exc).__name__}: {exc}")
            continue
        rows[folder]["ours"].append(time.perf_counter() - t0)
        rows[folder]["cpu"].append(time.process_time() - c0)
        per_file.append((rows[folder]["ours"][-1], rows[folder]["cpu"][-1], str(path.relative_to(root))))
        rows[folder]["peaks"].append(n)
        if args.verbose:
            ms = rows[folder]["ours"][-1] * 1e3
            print(f"  {ms:9.1f} ms  {n:4d} peaks  {path.relative_to(root)}", flush=True)
        t0 = time.perf_counter()
        nb = _baseline(path)
        if nb is not None:
            rows[folder]["base"].append(time.perf_counter() - t0)
            rows[folder]["base_peaks"].append(nb)
    head = (f"{'folder':<8} {'files':>5} {'peaks':>7} {'ours ms':>9} {'ours cpu ms':>12} {'geddes+find_peaks ms':>21} "
            f"{'ratio':>7}")
    print(head)
    print("-" * len(head))
    all_ours, all_base, all_cpu = [], [], []
    for folder, r in sorted(rows.items()):
        ours = statistics.median(r["ours"]) * 1e3
        cpu = statistics.median(r["cpu"]) * 1e3
        base = statistics.median(r["base"]) * 1e3 if r["base"] else float("nan")
        all_ours += r["ours"]
        all_cpu += r["cpu"]
        all_base += r["base"]
        print(f"{folder:<8} {len(r['ours']):>5} {sum(r['peaks']):>7} {ours:>9.1f} {cpu:>12.1f} {base:>21.2f} "
              f"{ours / base:>7.0f}")
    ours = statistics.median(all_ours) * 1e3
    base = statistics.median(all_base) * 1e3
    print("-" * len(head))
    print(f"{'all':<8} {len(all_ours):>5} {'':>7} {ours:>9.1f} {statistics.median(all_cpu) * 1e3:>12.1f} "
          f"{base:>21.2f} {ours / base:>7.0f}"
          f"   (total {sum(all_ours):.1f} s ours, {sum(all_base):.2f} s baseline)")
    print(f"load average {load0:.1f} at the start, {os.getloadavg()[0]:.1f} at the end "
          f"({os.cpu_count()} CPUs)")
    if args.slowest:
        print(f"slowest {args.slowest} (ours, wall / cpu ms):")
        for wall, cpu, name in sorted(per_file, reverse=True)[: args.slowest]:
            print(f"  {wall * 1e3:9.1f} {cpu * 1e3:9.1f}  {name}")
    for f in failures:
        print("FAILED", f)


if __name__ == "__main__":
    main()
