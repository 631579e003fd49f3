"""The shapes plugins must have. Built-ins implement the same protocols."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from ..model import Measurement

__all__ = ["ReaderProtocol", "TechniqueProtocol", "DriverProtocol", "ExporterProtocol"]


@runtime_checkable
class ReaderProtocol(Protocol):
    """A file-format reader (entry-point group ``instrumentarium.readers``).

    ``sniff`` must be fast (read at most a few kB), never raise, and return a confidence
    in [0, 1]; ``read`` returns a Measurement (or a list for multi-scan files) or raises
    a :class:`~instrumentarium.model.FormatError`.
    """

    name: str
    technique: str
    description: str
    patterns: Sequence[str]

    def sniff(self, path: Path) -> float: ...

    def read(self, path: Path) -> Measurement | list[Measurement]: ...


@runtime_checkable
class TechniqueProtocol(Protocol):
    """A technique (entry-point group ``instrumentarium.techniques``): NMR, XRD, ...

    Required: ``name``, ``label``, ``auto_recipe(m) -> Recipe`` (chosen from the
    acquisition), ``vendor_recipe(m) -> Recipe`` (reproduces the vendor's processing
    from its parameters), ``analyze(m, **options)`` (typed results) and ``summary(m)``
    (key acquisition parameters for ``instrumentarium info``, plain JSON values).

    Optional, used when present:

    - ``process_summary(m) -> dict``: extra keys for ``instrumentarium process --json``
      (e.g. NMR ``phase`` and ``reference``; ``peaks``).
    - ``load_record_types() -> None``: import the modules that register the technique's
      result records, so ``load`` rebuilds them as typed objects.
    - ``report_figure(m, analysis=None) -> matplotlib.figure.Figure``: the plot of a report.
    - ``report_tables(m, analysis=None) -> list[tuple[str, list[str], list[list]]]``:
      (title, headers, rows) tables for a report.
    """

    name: str
    label: str

    def auto_recipe(self, m: Measurement) -> Any: ...

    def vendor_recipe(self, m: Measurement) -> Any: ...

    def analyze(self, m: Measurement, **options: Any) -> Any: ...

    def summary(self, m: Measurement) -> dict[str, Any]: ...


@runtime_checkable
class DriverProtocol(Protocol):
    """An acquisition driver (entry-point group ``instrumentarium.drivers``)."""

    name: str

    def describe(self) -> dict[str, Any]: ...

    def stage(self) -> None: ...

    def acquire(self, emit: Callable[[str, dict[str, Any]], None]) -> None: ...

    def stop(self) -> None: ...

    def unstage(self) -> None: ...


@runtime_checkable
class ExporterProtocol(Protocol):
    """An exporter (entry-point group ``instrumentarium.exporters``)."""

    name: str
    suffixes: Sequence[str]

    def export(self, m: Measurement, path: Path) -> Path: ...
