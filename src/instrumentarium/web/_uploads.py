"""Uploads: unpack safely, find the measurements, process and catalogue them.

A zip is attacker-controlled input. It is unpacked member by member with limits checked
*before* writing: member count, total uncompressed size (as declared and as actually
read, so a lying header cannot get past), the compression ratio of each member (zip
bombs), names (no absolute paths, no ``..``, no drive letters, no symlinks or special
files). Anything wrong raises :class:`UploadError` with an HTTP status and a message
that says what to do; the app answers it as a 4xx, never a 500.
"""

from __future__ import annotations

import shutil
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ..formats import read_all, sniff
from ..model import InstrumentariumError, Measurement
from ..pipeline import resolve_recipe
from ._errors import RequestError

__all__ = ["Limits", "UploadError", "clear", "find_measurements", "ingest_path", "safe_unzip", "save_upload"]


class UploadError(RequestError):
    """An upload was refused; ``status`` is the HTTP status to answer with."""


@dataclass(frozen=True)
class Limits:
    """Upload limits (bytes, counts)."""

    max_upload_bytes: int = 200 * 1024**2
    max_unpacked_bytes: int = 1024**3
    max_members: int = 10_000
    max_ratio: float = 200.0
    max_depth: int = 32


def _safe_member_path(name: str) -> PurePosixPath:
    if "\\" in name:
        name = name.replace("\\", "/")
    p = PurePosixPath(name)
    if p.is_absolute() or name.startswith("/") or (p.parts and ":" in p.parts[0]):
        raise UploadError(f"zip member {name!r} has an absolute path; only relative paths are accepted",
                          status=400)
    if any(part == ".." for part in p.parts):
        raise UploadError(f"zip member {name!r} points outside the archive ('..'); refusing to unpack",
                          status=400)
    return p


def safe_unzip(archive: Path, dest: Path, limits: Limits = Limits()) -> list[Path]:
    """Unpack ``archive`` into ``dest`` within ``limits``; return the files written.

    Raises
    ------
    UploadError
        400 for a corrupt archive or an unsafe member name, 413 when a limit is exceeded.
    """
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UploadError(f"not a readable zip archive ({exc}); upload a .zip made by a zip tool",
                          status=400) from None
    written: list[Path] = []
    dest = dest.resolve()
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_members:
            raise UploadError(f"the zip has {len(infos)} members; the limit is {limits.max_members}",
                              status=413)
        declared = sum(i.file_size for i in infos)
        if declared > limits.max_unpacked_bytes:
            raise UploadError(
                f"the zip unpacks to {declared:,} bytes; the limit is {limits.max_unpacked_bytes:,}",
                status=413,
            )
        total = 0
        for info in infos:
            rel = _safe_member_path(info.filename)
            if len(rel.parts) > limits.max_depth:
                raise UploadError(f"zip member {info.filename!r} is nested too deep", status=400)
            # unix file type in the high bits: refuse links, devices, fifos (0 = not recorded)
            ftype = stat.S_IFMT(info.external_attr >> 16)
            if ftype and ftype not in (stat.S_IFREG, stat.S_IFDIR):
                raise UploadError(f"zip member {info.filename!r} is a link or special file; refusing it",
                                  status=400)
            target = (dest / rel).resolve()
            if not target.is_relative_to(dest):
                raise UploadError(f"zip member {info.filename!r} points outside the archive", status=400)
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            ratio = info.file_size / info.compress_size if info.compress_size else 0.0
            if ratio > limits.max_ratio and info.file_size > 1 << 20:
                raise UploadError(
                    f"zip member {info.filename!r} expands {info.file_size / info.compress_size:.0f}-fold "
                    f"(limit {limits.max_ratio:.0f}): refusing a possible zip bomb", status=413)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with zf.open(info) as src, open(target, "wb") as out:
                    while chunk := src.read(1 << 16):
                        total += len(chunk)
                        if total > limits.max_unpacked_bytes:
                            raise UploadError(
                                f"the zip unpacks to more than {limits.max_unpacked_bytes:,} bytes",
                                status=413)
                        out.write(chunk)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
                if isinstance(exc, UploadError):
                    raise
                raise UploadError(f"zip member {info.filename!r} is corrupt ({exc})", status=400) from None
            written.append(target)
    return written


def _candidates(root: Path) -> list[Path]:
    """Paths to try, outermost first: the root, folders (vendor experiment folders), files."""
    out = [root]
    for p in sorted(root.rglob("*")):
        if p.name.startswith(".") or p.name == "__MACOSX":
            continue
        out.append(p)
    return out


def find_measurements(
    root: Path,
) -> tuple[list[tuple[Path, list[Measurement]]], list[tuple[Path, str]], list[Path]]:
    """Read every measurement under ``root``.

    A folder a reader claims (a Bruker experiment) is read as one; what is inside it is
    not tried again. Returns ``(found, failures, skipped)``: failures are files a reader
    claimed but could not read, with the reason; skipped are files no reader claims.
    """
    found: list[tuple[Path, list[Measurement]]] = []
    failures: list[tuple[Path, str]] = []
    skipped: list[Path] = []
    claimed: list[Path] = []
    for p in _candidates(root):
        if any(p.is_relative_to(c) for c in claimed):
            continue
        if not sniff(p):
            if p.is_file():
                skipped.append(p)
            continue
        try:
            found.append((p, read_all(p)))
            claimed.append(p)
        except (InstrumentariumError, OSError, ValueError) as exc:
            failures.append((p, str(exc)))
            if p.is_dir():
                claimed.append(p)
    skipped = [p for p in skipped if not any(p.is_relative_to(c) for c in claimed)]
    return found, failures, skipped


def _process(m: Measurement, recipe: str) -> tuple[Measurement, Any]:
    if m.provenance:  # already processed (a .nxs): keep it as it is
        return m, None
    rec = resolve_recipe(m, recipe)
    return rec.run(m), rec


def ingest_path(
    root: Path,
    add: Callable[..., int],
    add_failure: Callable[[str, str], int],
    *,
    recipe: str = "auto",
    display_root: Path | None = None,
) -> dict[str, Any]:
    """Read, process and catalogue everything under ``root``; return ids and failures.

    ``add(m, recipe=, filename=)`` and ``add_failure(filename, error)`` are the store's.
    A measurement whose technique has no plugin installed is catalogued unprocessed, with
    a warning.
    """
    base = display_root or (root if root.is_dir() else root.parent)
    found, failures, skipped = find_measurements(root)
    ids: list[int] = []
    failed: list[dict[str, Any]] = []
    for path, items in found:
        name = str(path.relative_to(base)) if path.is_relative_to(base) and path != base else path.name
        for m in items:
            try:
                out, rec = _process(m, recipe)
            except InstrumentariumError as exc:
                out, rec = m.with_warning(f"not processed: {exc}"), None
            ids.append(add(out, recipe=rec, filename=name))
    for path, error in failures:
        name = str(path.relative_to(base)) if path.is_relative_to(base) else path.name
        failed.append({"file": name, "error": error, "id": add_failure(name, error)})
    def shown(p: Path) -> str:
        return str(p.relative_to(base)) if p.is_relative_to(base) else p.name

    return {"ids": ids, "failures": failed, "skipped": [shown(p) for p in skipped]}


def save_upload(stream: Any, dest: Path, limits: Limits) -> int:
    """Copy an uploaded file object to ``dest``, refusing (413) beyond ``limits.max_upload_bytes``."""
    size = 0
    with open(dest, "wb") as out:
        while chunk := stream.read(1 << 16):
            size += len(chunk)
            if size > limits.max_upload_bytes:
                raise UploadError(
                    f"the upload is larger than {limits.max_upload_bytes:,} bytes; "
                    "catalogue big archives with the command line instead", status=413)
            out.write(chunk)
    return size


def clear(path: Path) -> None:
    """Remove a temporary upload folder."""
    shutil.rmtree(path, ignore_errors=True)
