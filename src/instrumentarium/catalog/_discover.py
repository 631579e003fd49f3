"""Find the datasets in a lab's folders.

A folder that a registered reader claims (``sniff(folder) >= 0.5``, e.g. a Bruker
experiment folder with ``acqus`` and ``fid``) is ONE dataset and is not descended into;
otherwise every file in it is asked, and subfolders are walked the same way. Hidden
entries (``.name``) and symbolic links to folders are skipped (no loops, no surprises).

The identity of a dataset is the sha256 over its content: for a file, the file's sha256;
for a folder, the sha256 of the sorted ``relative/path`` + file sha256 lines, so that a
copied or moved dataset is recognised and an edited one is not.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..formats import safe_sniff
from ..model import sha256_file
from ..plugins import readers

__all__ = ["DatasetCandidate", "RawFileInfo", "discover", "dataset_files", "hash_dataset",
           "FOLDER_CONFIDENCE", "FILE_CONFIDENCE"]

FOLDER_CONFIDENCE = 0.5
FILE_CONFIDENCE = 0.25


@dataclass(frozen=True)
class RawFileInfo:
    """One raw file: absolute path, size, modification time and (once hashed) sha256."""

    path: str
    size_bytes: int
    mtime_ns: int
    sha256: str | None = None


@dataclass(frozen=True)
class DatasetCandidate:
    """A dataset found on disk, with the reader that claimed it."""

    path: str
    is_folder: bool
    reader: str
    technique: str
    confidence: float


def _best(path: Path, registry: dict) -> tuple[float, str]:
    best = (0.0, "")
    for name, reader in registry.items():
        score = safe_sniff(reader, path)
        if score > best[0] or (score == best[0] and score > 0 and name < best[1]):
            best = (score, name)
    return best


def _hidden(name: str) -> bool:
    return name.startswith(".")


def discover(
    roots: Iterable[str | os.PathLike[str]],
    *,
    exclude: Iterable[str | os.PathLike[str]] = (),
    folder_confidence: float = FOLDER_CONFIDENCE,
    file_confidence: float = FILE_CONFIDENCE,
) -> Iterator[DatasetCandidate]:
    """Yield every dataset under ``roots`` once, in a stable (sorted) order.

    Parameters
    ----------
    roots
        Folders (walked) or files (asked directly).
    exclude
        Folders never walked (the catalog's own store, for example).
    folder_confidence, file_confidence
        The lowest sniff confidence for which a folder, or a file, counts as a dataset.
    """
    registry = readers()
    excluded = {Path(e).resolve() for e in exclude}
    seen: set[str] = set()

    def claim(path: Path, threshold: float, is_folder: bool) -> DatasetCandidate | None:
        score, name = _best(path, registry)
        if score < threshold or not name:
            return None
        technique = str(getattr(registry[name], "technique", "") or "unknown")
        return DatasetCandidate(str(path), is_folder, name, technique, score)

    def walk(folder: Path) -> Iterator[DatasetCandidate]:
        if folder.resolve() in excluded:
            return
        found = claim(folder, folder_confidence, True)
        if found is not None:
            yield found
            return
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            if _hidden(entry.name):
                continue
            if entry.is_dir(follow_symlinks=False):
                yield from walk(Path(entry.path))
            elif entry.is_file():
                hit = claim(Path(entry.path), file_confidence, False)
                if hit is not None:
                    yield hit

    for root in roots:
        p = Path(root).expanduser().resolve()
        if not p.exists():
            raise FileNotFoundError(f"{p}: no such file or folder to ingest")
        if p.is_dir():
            items = walk(p)
        else:  # a file named on purpose: any reader's claim will do
            single = claim(p, 1e-9, False)
            items = iter([single] if single else [])
        for cand in items:
            if cand.path not in seen:
                seen.add(cand.path)
                yield cand


def dataset_files(path: str | os.PathLike[str]) -> list[RawFileInfo]:
    """Stat every regular file of a dataset (the file itself, or all files under a folder)."""
    p = Path(path)
    paths = [p] if p.is_file() else sorted(q for q in p.rglob("*") if q.is_file() and not q.is_symlink())
    out = []
    for q in paths:
        st = q.stat()
        out.append(RawFileInfo(str(q), st.st_size, st.st_mtime_ns))
    return out


def hash_dataset(path: str | os.PathLike[str], files: list[RawFileInfo]) -> tuple[str, list[RawFileInfo]]:
    """Return the dataset sha256 and its files with their sha256 filled in."""
    root = Path(path)
    hashed = [RawFileInfo(f.path, f.size_bytes, f.mtime_ns, sha256_file(f.path)) for f in files]
    if root.is_file():
        return hashed[0].sha256 or "", hashed
    h = hashlib.sha256()
    for f in hashed:
        rel = Path(f.path).relative_to(root).as_posix()
        h.update(f"{rel}\0{f.sha256}\n".encode())
    return h.hexdigest(), hashed
