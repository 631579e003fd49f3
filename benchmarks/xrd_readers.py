"""Read every measured XRD dev file: time per pattern, by format, against geddes.

Baseline: ``geddes.read`` (Rust, PyPI ``geddes``), the fastest independent reader that
opens these formats. Ours is ``instrumentarium.formats.read_all`` including format
sniffing over every registered reader and the sha256 of the file (geddes does neither).

Run by hand::

    python benchmarks/xrd_readers.py [--repeat 3] [--data ../shared/data]

Prints one row per format folder: files, median time per file for each reader, and the
ratio ours / geddes (files geddes rejects are timed for ours only).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import defaultdict
from pathlib import Path

from instrumentarium.formats import read_all


def _best_of(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    try:
        import geddes
    except ImportError:  # pragma: no cover - the baseline is a dev dependency
        geddes = None
    rows = json.loads((args.data / "xrd/manifest.json").read_text())["patterns"]
    ours: dict[str, list[float]] = defaultdict(list)
    theirs: dict[str, list[float]] = defaultdict(list)
    rejected: dict[str, int] = defaultdict(int)
    for row in rows:
        path = args.data / "xrd" / row["file"]
        if path.suffix.lower() == ".prm":
            continue
        family = Path(row["file"]).parts[1]
        ours[family].append(_best_of(lambda p=path: read_all(p), args.repeat))
        if geddes is None:
            continue
        try:
            geddes.read(str(path))
        except Exception:  # geddes rejects it (MiniFlex .ras): no baseline
            rejected[family] += 1
            continue
        theirs[family].append(_best_of(lambda p=path: geddes.read(str(p)), args.repeat))

    header = f"{'format':<12}{'files':>6}{'ours ms':>10}{'geddes ms':>11}{'ratio':>8}  note"
    print(header)
    print("-" * len(header))
    all_ours, all_theirs = [], []
    for family in sorted(ours):
        o = statistics.median(ours[family]) * 1e3
        all_ours += ours[family]
        note = f"geddes rejects {rejected[family]}" if rejected[family] else ""
        if theirs[family]:
            t = statistics.median(theirs[family]) * 1e3
            all_theirs += theirs[family]
            print(f"{family:<12}{len(ours[family]):>6}{o:>10.2f}{t:>11.2f}{o / t:>8.1f}  {note}")
        else:
            print(f"{family:<12}{len(ours[family]):>6}{o:>10.2f}{'-':>11}{'-':>8}  {note}")
    if all_theirs:
        o, t = statistics.median(all_ours) * 1e3, statistics.median(all_theirs) * 1e3
        print(f"{'all':<12}{len(all_ours):>6}{o:>10.2f}{t:>11.2f}{o / t:>8.1f}  median per file")


if __name__ == "__main__":
    main()
