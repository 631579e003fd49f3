"""Where a measurement came from: source files, sample, instrument, processing steps."""

from __future__ import annotations

import datetime as _dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._serialize import register_record

__all__ = ["Source", "Sample", "Instrument", "ProvenanceStep", "sha256_file"]


def sha256_file(path: str | Path, *, chunk_bytes: int = 1 << 20) -> str:
    """Return the hex sha256 of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(chunk_bytes):
            h.update(chunk)
    return h.hexdigest()


@register_record("source")
@dataclass(frozen=True)
class Source:
    """The raw files a measurement was read from, with their sha256, and the reader."""

    paths: tuple[str, ...] = ()
    sha256: tuple[str, ...] = ()
    reader: str | None = None
    reader_version: str | None = None
    format: str | None = None

    @classmethod
    def from_files(
        cls, paths: Iterable[str | Path], *, reader: str, reader_version: str, format: str
    ) -> Source:
        """Hash ``paths`` (sorted, absolute) and record the reader that read them."""
        resolved = sorted(str(Path(p).resolve()) for p in paths)
        return cls(
            paths=tuple(resolved),
            sha256=tuple(sha256_file(p) for p in resolved),
            reader=reader,
            reader_version=reader_version,
            format=format,
        )

    @property
    def fingerprint(self) -> str:
        """One sha256 over every raw file's hash: the identity of the raw data."""
        h = hashlib.sha256()
        for digest in sorted(self.sha256):
            h.update(digest.encode("ascii"))
        return h.hexdigest()


@register_record("sample")
@dataclass(frozen=True)
class Sample:
    """What was measured, as far as the files say."""

    name: str | None = None
    description: str | None = None
    formula: str | None = None
    elements: tuple[str, ...] = ()


@register_record("instrument")
@dataclass(frozen=True)
class Instrument:
    """The instrument, as far as the files say."""

    vendor: str | None = None
    model: str | None = None
    serial: str | None = None
    name: str | None = None
    software: str | None = None


@register_record("provenance")
@dataclass(frozen=True)
class ProvenanceStep:
    """One processing step applied to a measurement.

    ``parameters`` are the step's keyword arguments (enough to rerun it); ``decisions``
    are what an automatic step chose (phase angles, baseline model, reference) with a
    ``confidence`` in 0..1 where it applies.
    """

    step: str
    parameters: Mapping[str, Any] = field(default_factory=dict)
    software: str = ""
    decisions: Mapping[str, Any] = field(default_factory=dict)
    manual: bool = False
    timestamp: _dt.datetime | None = None
