"""Ingest throughput: datasets per second for NMR and XRD, serial and with N worker processes.

Run by hand (it is not a test)::

    python benchmarks/ingest.py                      # ../shared/data, 2 workers
    python benchmarks/ingest.py --limit 20 --workers 2 --no-analyze

Each configuration ingests the same datasets into a fresh SQLite catalog (fresh store),
so every dataset is read, processed with the automatic recipe, analysed (unless
``--no-analyze``), written to ``.nxs`` and indexed. The baseline is the serial ingest
(one process); the ratio is parallel throughput / serial throughput. A rerun on the
same catalog (everything unchanged) is timed too: that is the cost of an idempotent
nightly ingest over an archive that did not change. The readers that claimed the data
are printed, since the numbers depend on them.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections import Counter
from pathlib import Path

from instrumentarium.catalog import Catalog, discover, ingest

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data"


def _run(paths: list[str], workers: int, analyze: bool) -> tuple[float, float, float, int]:
    with tempfile.TemporaryDirectory(prefix="ingest-bench-") as tmp:
        os.environ["INSTRUMENTARIUM_HOME"] = tmp
        with Catalog(Path(tmp) / "catalog.sqlite") as cat:
            t0 = time.perf_counter()
            summary = ingest(paths, catalog=cat, workers=workers, analyze=analyze)
            first = time.perf_counter() - t0
            t0 = time.perf_counter()
            again = ingest(paths, catalog=cat, workers=workers, analyze=analyze)
            rerun = time.perf_counter() - t0
            assert again.new == 0, "a rerun must add nothing"
    return first, rerun, first - summary.work_s, summary.failed


def _synthetic(n: int, root: Path) -> dict[str, list[Path]]:
    """``n`` small fake NMR and XRD files (the tests' fake lab): the catalog's own throughput."""
    import sys

    sys.path.insert(0, str(REPO / "tests" / "catalog"))
    import instrumentarium_fakelab as fakelab

    info = root / "plugins" / "instrumentarium_fakelab-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: instrumentarium-fakelab\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(fakelab.ENTRY_POINTS)
    sys.path.insert(0, str(root / "plugins"))  # spawned workers inherit sys.path
    for i in range(n):
        fakelab.write_fake(root / "nmr" / f"s{i:04d}.fake", kind="nmr", peaks=f"{1 + (i % 90) * 0.1:.2f}")
        fakelab.write_fake(root / "xrd" / f"p{i:04d}.fake", kind="xrd", peaks="26.64", phases="quartz:SiO2:1")
    return {"fakenmr": [root / "nmr"], "fakexrd": [root / "xrd"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=int, default=40, help="at most this many datasets per technique")
    parser.add_argument("--no-analyze", action="store_true", help="process and store only")
    parser.add_argument("--technique", choices=["nmr", "xrd"], default=None, help="only this technique")
    parser.add_argument("--synthetic", type=int, default=0, metavar="N",
                        help="benchmark N tiny synthetic files per technique instead (catalog cost only)")
    args = parser.parse_args()

    roots = {"nmr": [args.data / "nmr"], "xrd": [args.data / "xrd" / "measured"]}
    if args.synthetic:
        roots = _synthetic(args.synthetic, Path(tempfile.mkdtemp(prefix="ingest-bench-data-")))
        args.limit = max(args.limit, args.synthetic)
    print(f"ingest benchmark: {os.cpu_count()} CPU(s), analyse={not args.no_analyze}, "
          f"up to {args.limit} datasets per technique\n")
    header = (f"{'technique':<9} {'datasets':>8} {'readers':<38} {'serial ds/s':>11} "
              f"{f'{args.workers} workers ds/s':>16} {'ratio':>6} {'rerun ds/s':>11} {'catalog ms/ds':>13} "
              f"{'failed':>6}")
    print(header)
    print("-" * len(header))
    for technique, tech_roots in roots.items():
        if args.technique and not technique.endswith(args.technique):
            continue
        existing = [r for r in tech_roots if r.is_dir()]
        found = [c for c in discover(existing) if args.synthetic or c.technique == technique][: args.limit]
        if not found:
            print(f"{technique:<9} {0:>8} (no installed reader claims {', '.join(map(str, tech_roots))})")
            continue
        readers = Counter(c.reader for c in found)
        used = ", ".join(f"{r} x{n}" for r, n in readers.most_common())
        paths = [c.path for c in found]
        serial, rerun, overhead, failed = _run(paths, 1, not args.no_analyze)
        parallel, _, _, _ = _run(paths, args.workers, not args.no_analyze)
        n = len(paths)
        print(f"{technique:<9} {n:>8} {used[:38]:<38} {n / serial:>11.2f} {n / parallel:>16.2f} "
              f"{serial / parallel:>6.2f} {n / rerun:>11.0f} {1000 * overhead / n:>13.1f} {failed:>6}")
    print("\nbaseline: serial ingest (1 process); ratio = serial time / parallel time. "
          "rerun: second ingest of the same data (all unchanged). catalog ms/ds: serial wall time minus "
          "the time spent in read/process/analyse/store, per dataset (discovery, hashing, rows).")


if __name__ == "__main__":
    main()
