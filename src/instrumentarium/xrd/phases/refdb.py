"""Reference database of calculated powder patterns (SQLite, in the instrumentarium home).

One row per CIF: name, reduced formula, elements, space group, cell, density, the calculated
line list (d spacings and ``m·|F|²`` at Cu Kα1, so any wavelength's Lp can be applied later)
and the reference intensity ratio I/Ic (strongest line against corundum's strongest line in
a 1:1 mixture by weight; Hubbard, Evans & Smith, J. Appl. Cryst. 9 (1976) 169, calculated as
in Hubbard & Snyder, Powder Diffr. 3 (1988) 74: I ∝ (w/ρ)·m|F|²Lp/V²).

Imports run in parallel (a process pool computes, the parent is the single SQLite writer),
are resumable (a file already stored or already reported broken is skipped) and record
every broken CIF with the reason. Duplicates — the same reduced formula and space group and
a cell within ``cell_tolerance`` — share a ``group_id`` (the id of the first one stored), so
search-match shows one representative per group.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..._home import home_path
from ...model import FormatError, InstrumentariumError
from .calculate import (
    CU_KA1_ANGSTROM,
    lorentz_polarization,
    read_structure,
    reflections,
    structure_info,
    two_theta_deg,
)

__all__ = [
    "ImportReport",
    "ReferenceDB",
    "ReferenceEntry",
    "compute_entry",
    "default_db_path",
    "import_cifs",
]

SCHEMA_VERSION = 2
TOP_LINES = 25  # strongest lines kept for the peak-list figure of merit
D_MIN_ANGSTROM = 1.0  # 2θ ≈ 100° with Cu Kα1; the search range of typical lab patterns

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY,
    path TEXT UNIQUE,
    sha256 TEXT,
    name TEXT,
    formula TEXT,
    elements TEXT,
    space_group TEXT,
    space_group_number INTEGER,
    a REAL, b REAL, c REAL, alpha REAL, beta REAL, gamma REAL,
    volume REAL,
    density REAL,
    rir REAL,
    group_id INTEGER,
    n_lines INTEGER,
    d BLOB,
    mf2 BLOB,
    n_top INTEGER,
    top_d BLOB,
    top_mf2 BLOB
);
CREATE INDEX IF NOT EXISTS entries_formula_sg ON entries (formula, space_group_number);
CREATE TABLE IF NOT EXISTS failures (path TEXT PRIMARY KEY, error TEXT);
"""


@dataclass(frozen=True)
class ReferenceEntry:
    """One reference phase (a row of the database)."""

    id: int
    name: str
    formula: str
    elements: tuple[str, ...]
    space_group: str
    space_group_number: int
    cell: tuple[float, float, float, float, float, float]
    volume_angstrom3: float
    density_g_cm3: float
    rir: float
    group_id: int
    path: str
    d_angstrom: np.ndarray
    mf2: np.ndarray

    def lines(self, wavelength_angstrom: float = CU_KA1_ANGSTROM, *, monochromator_two_theta_deg: float = 0.0):
        """Return 2θ (deg) and integrated intensity (``m|F|²Lp/V²``) of the lines at a wavelength."""
        tth = two_theta_deg(self.d_angstrom, wavelength_angstrom)
        ok = np.isfinite(tth)
        lp = lorentz_polarization(tth[ok], monochromator_two_theta_deg=monochromator_two_theta_deg)
        return tth[ok], self.mf2[ok] * lp / self.volume_angstrom3**2


@dataclass(frozen=True)
class ImportReport:
    """What an import did: counts, broken files with the reason, and the rate."""

    added: int
    skipped: int
    failed: tuple[tuple[str, str], ...]
    seconds: float

    @property
    def rate_per_s(self) -> float:
        """CIFs processed per second (added + failed)."""
        return (self.added + len(self.failed)) / self.seconds if self.seconds > 0 else float("inf")


def default_db_path(name: str = "reference") -> Path:
    """Return ``<home>/refdb/<name>.sqlite``."""
    return home_path("refdb", f"{name}.sqlite")


# Corundum's strongest line, m|F|²Lp/V²/ρ at Cu Kα1 (no monochromator), computed once from
# the starter library's corundum so that RIRs are consistent with our own calculation.
_CORUNDUM_REF: float | None = None


def _corundum_reference() -> float:
    global _CORUNDUM_REF
    if _CORUNDUM_REF is None:
        from .starter import starter_cif_paths

        path = next(p for p in starter_cif_paths() if p.stem == "corundum")
        small = read_structure(path)
        info = structure_info(small)
        r = reflections(small, d_min_angstrom=D_MIN_ANGSTROM)
        _, inten = r.intensity()
        _CORUNDUM_REF = float(inten.max() / info.volume_angstrom3**2 / info.density_g_cm3)
    return _CORUNDUM_REF


def compute_entry(path: str | Path) -> dict:
    """Read one CIF and compute everything stored for it (runs in worker processes).

    Raises
    ------
    FormatError
        When the CIF cannot be used (the message says why).
    """
    path = Path(path)
    data = path.read_bytes()
    small = read_structure(path)
    info = structure_info(small)
    try:
        r = reflections(small, d_min_angstrom=D_MIN_ANGSTROM)
    except (RuntimeError, ValueError, MemoryError) as exc:
        raise FormatError(f"pattern calculation failed: {exc}", path=path) from exc
    mf2 = r.multiplicity * r.f_squared
    if len(mf2) == 0 or not np.all(np.isfinite(mf2)) or not np.isfinite(info.density_g_cm3):
        raise FormatError("no diffraction lines above d = 1 Å or non-finite intensities", path=path)
    _, inten = r.intensity()
    # Drop lines that can never matter (< 0.05 % of the strongest): keeps big cells small.
    keep = mf2 * lorentz_polarization(two_theta_deg(r.d_angstrom)) >= 5e-4 * inten.max()
    top = np.sort(np.argsort(-(mf2 * lorentz_polarization(np.nan_to_num(two_theta_deg(r.d_angstrom), nan=179.0))))[
        :TOP_LINES])
    rir = float(inten.max() / info.volume_angstrom3**2 / info.density_g_cm3 / _corundum_reference())
    return {
        "path": str(path.resolve()),
        "sha256": hashlib.sha256(data).hexdigest(),
        "name": info.name,
        "formula": info.formula,
        "elements": ",".join(info.elements),
        "space_group": info.space_group,
        "space_group_number": info.space_group_number,
        "cell": info.cell,
        "volume": info.volume_angstrom3,
        "density": info.density_g_cm3,
        "rir": rir,
        "d": r.d_angstrom[keep].astype(np.float32).tobytes(),
        "mf2": mf2[keep].astype(np.float32).tobytes(),
        "n_lines": int(keep.sum()),
        # strongest lines at Cu Kα1, sorted by d so that lines of one entry hitting the same
        # observed peak are neighbours in the search
        "n_top": len(top),
        "top_d": r.d_angstrom[top].astype(np.float32).tobytes(),
        "top_mf2": mf2[top].astype(np.float32).tobytes(),
    }


def _worker(path: str) -> tuple[str, dict | None, str | None]:
    try:
        return path, compute_entry(path), None
    except InstrumentariumError as exc:
        return path, None, str(exc)
    except Exception as exc:  # a worker must report, never kill the import
        return path, None, f"{type(exc).__name__}: {exc}"


def _same_cell(c1: Sequence[float], c2: Sequence[float], tol: float) -> bool:
    l1, l2 = sorted(c1[:3]), sorted(c2[:3])
    a1, a2 = sorted(c1[3:]), sorted(c2[3:])
    return all(abs(x - y) <= tol * y for x, y in zip(l1, l2)) and all(
        abs(x - y) <= 100 * tol for x, y in zip(a1, a2)
    )


class ReferenceDB:
    """A reference database file; ``ReferenceDB(path)`` creates it when missing.

    Parameters
    ----------
    path
        The SQLite file (default ``<home>/refdb/reference.sqlite``).
    """

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path is not None else default_db_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._con = sqlite3.connect(self.path)
        self._con.execute("PRAGMA journal_mode=WAL")
        self._con.executescript(_SCHEMA)
        self._con.execute(
            "INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
        )
        self._con.commit()
        self._cache = None

    def close(self) -> None:
        """Close the connection."""
        self._con.close()

    def __enter__(self) -> ReferenceDB:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __len__(self) -> int:
        return int(self._con.execute("SELECT COUNT(*) FROM entries").fetchone()[0])

    def known_paths(self) -> set[str]:
        """Paths already stored or already reported broken (skipped on re-import)."""
        done = {r[0] for r in self._con.execute("SELECT path FROM entries")}
        done |= {r[0] for r in self._con.execute("SELECT path FROM failures")}
        return done

    def failures(self) -> list[tuple[str, str]]:
        """Broken CIFs with the reason."""
        return list(self._con.execute("SELECT path, error FROM failures ORDER BY path"))

    def add(self, rows: Iterable[dict], *, cell_tolerance: float = 0.015) -> int:
        """Store computed rows (from :func:`compute_entry`), grouping duplicates; return the count."""
        n = 0
        cur = self._con.cursor()
        for row in rows:
            group = None
            for gid, a, b, c, al, be, ga in cur.execute(
                "SELECT group_id, a, b, c, alpha, beta, gamma FROM entries "
                "WHERE formula = ? AND space_group_number = ?",
                (row["formula"], row["space_group_number"]),
            ).fetchall():
                if _same_cell(row["cell"], (a, b, c, al, be, ga), cell_tolerance):
                    group = gid
                    break
            cur.execute(
                "INSERT OR REPLACE INTO entries (path, sha256, name, formula, elements, space_group, "
                "space_group_number, a, b, c, alpha, beta, gamma, volume, density, rir, group_id, n_lines, "
                "d, mf2, n_top, top_d, top_mf2) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    row["path"], row["sha256"], row["name"], row["formula"], row["elements"],
                    row["space_group"], row["space_group_number"], *row["cell"], row["volume"],
                    row["density"], row["rir"], group, row["n_lines"], row["d"], row["mf2"],
                    row["n_top"], row["top_d"], row["top_mf2"],
                ),
            )
            if group is None:
                cur.execute("UPDATE entries SET group_id = id WHERE id = ?", (cur.lastrowid,))
            n += 1
        self._con.commit()
        self._cache = None
        return n

    def add_failures(self, failures: Iterable[tuple[str, str]]) -> None:
        """Record broken CIFs so that a resumed import skips them."""
        self._con.executemany("INSERT OR REPLACE INTO failures VALUES (?, ?)", list(failures))
        self._con.commit()

    def entry(self, entry_id: int) -> ReferenceEntry:
        """Return one entry by id."""
        row = self._con.execute(
            "SELECT id, name, formula, elements, space_group, space_group_number, a, b, c, alpha, beta, "
            "gamma, volume, density, rir, group_id, path, d, mf2 FROM entries WHERE id = ?",
            (int(entry_id),),
        ).fetchone()
        if row is None:
            raise KeyError(f"no reference entry {entry_id} in {self.path}")
        return ReferenceEntry(
            id=row[0], name=row[1], formula=row[2], elements=tuple(row[3].split(",")), space_group=row[4],
            space_group_number=row[5], cell=tuple(row[6:12]), volume_angstrom3=row[12],
            density_g_cm3=row[13], rir=row[14], group_id=row[15], path=row[16],
            d_angstrom=np.frombuffer(row[17], dtype=np.float32).astype(float),
            mf2=np.frombuffer(row[18], dtype=np.float32).astype(float),
        )

    def arrays(self):
        """All entries as flat arrays for vectorised search (cached until the next write).

        Returns a :class:`~instrumentarium.xrd.phases.search.LineTable` (from ``_matching``).
        """
        if self._cache is None:
            from ._matching import LineTable

            self._cache = LineTable.from_rows(
                self._con.execute(
                    "SELECT id, elements, group_id, n_top, top_d, top_mf2 FROM entries ORDER BY id"
                ).fetchall()
            )
        return self._cache


def _iter_cifs(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() == ".cif" and p.is_file())


def import_cifs(
    folder: str | Path | Sequence[str | Path],
    db: ReferenceDB | str | Path | None = None,
    *,
    processes: int | None = None,
    batch_size: int = 256,
    progress: bool | Callable[[int, int], None] = False,
) -> ImportReport:
    """Import every CIF under ``folder`` (or a list of files) into a reference database.

    Parameters
    ----------
    folder
        A folder searched recursively for ``*.cif``, or a sequence of CIF paths.
    db
        A :class:`ReferenceDB` or its path (default: the home's ``reference.sqlite``).
    processes
        Worker processes (default: the number of CPUs; 1 computes in this process).
    batch_size
        Rows written per transaction; an interrupted import loses at most one batch and
        resumes where it stopped.
    progress
        True draws a rich progress bar; a callable gets ``(done, total)``.
    """
    own = not isinstance(db, ReferenceDB)
    rdb = db if isinstance(db, ReferenceDB) else ReferenceDB(db)
    try:
        if isinstance(folder, str | Path):
            folder = Path(folder)
            if not folder.is_dir():
                raise NotADirectoryError(f"{folder}: not a folder of CIF files")
            paths = _iter_cifs(folder)
        else:
            paths = [Path(p) for p in folder]
        done = rdb.known_paths()
        todo = [str(p.resolve()) for p in paths if str(p.resolve()) not in done]
        skipped = len(paths) - len(todo)
        t0 = time.perf_counter()
        added, failed = 0, []
        nproc = processes or os.cpu_count() or 1
        bar = None
        callback = progress if callable(progress) else None
        if progress is True:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

            bar = Progress(
                "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                "{task.fields[rate]:>8} CIF/s", TimeRemainingColumn(),
            )
            bar.start()
            task = bar.add_task("importing CIFs", total=len(todo), rate="")
        pending: list[dict] = []
        pending_fail: list[tuple[str, str]] = []

        def flush() -> None:
            nonlocal added
            added += rdb.add(pending)
            rdb.add_failures(pending_fail)
            failed.extend(pending_fail)
            pending.clear()
            pending_fail.clear()

        if nproc > 1 and len(todo) > 1:
            ctx = multiprocessing.get_context("spawn" if os.name == "nt" else "fork")
            pool = ctx.Pool(nproc)
            results = pool.imap_unordered(_worker, todo, chunksize=8)
        else:
            pool = None
            results = map(_worker, todo)
        try:
            for i, (path, row, err) in enumerate(results, 1):
                if row is not None:
                    pending.append(row)
                else:
                    pending_fail.append((path, err or "unknown error"))
                if len(pending) + len(pending_fail) >= batch_size:
                    flush()
                if bar is not None:
                    rate = i / max(time.perf_counter() - t0, 1e-9)
                    bar.update(task, completed=i, rate=f"{rate:.0f}")
                if callback is not None:
                    callback(i, len(todo))
            flush()
        finally:
            if pool is not None:
                pool.terminate()
                pool.join()
            if bar is not None:
                bar.stop()
        return ImportReport(added, skipped, tuple(failed), time.perf_counter() - t0)
    finally:
        if own:
            rdb.close()
