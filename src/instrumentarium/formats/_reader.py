"""Base class and helpers for file-format readers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..model import FormatError, Measurement

__all__ = ["Reader", "read_head", "safe_sniff"]


def read_head(path: Path, n_bytes: int = 4096) -> bytes:
    """Return the first ``n_bytes`` of a file, or ``b""`` when it cannot be read."""
    try:
        with open(path, "rb") as fh:
            return fh.read(n_bytes)
    except OSError:
        return b""


def safe_sniff(reader: object, path: Path) -> float:
    """Call ``reader.sniff(path)``; any exception or out-of-range answer counts as 0."""
    try:
        score = float(reader.sniff(path))  # type: ignore[attr-defined]
    except Exception:
        return 0.0
    if not 0.0 <= score <= 1.0:
        return 0.0
    return score


class Reader:
    """Convenience base class for readers (the protocol is what counts).

    Subclasses set ``name``, ``technique``, ``description``, ``patterns`` and
    ``version`` and implement :meth:`sniff` and :meth:`read`. :meth:`examples` may write
    small valid files for the reader contract tests.
    """

    name: str = ""
    technique: str = ""
    description: str = ""
    patterns: Sequence[str] = ()
    version: str = "1"

    def sniff(self, path: Path) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def read(self, path: Path) -> Measurement | list[Measurement]:  # pragma: no cover
        raise NotImplementedError

    def examples(self, folder: Path) -> list[Path]:
        """Write small valid example files into ``folder`` and return their paths."""
        return []

    def fail(self, path: Path, message: str) -> FormatError:
        """Build a FormatError naming this reader and the path."""
        return FormatError(f"{message} ({self.name} reader)", path=path)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"
