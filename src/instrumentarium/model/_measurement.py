"""The immutable Measurement: a signal, its axes and everything known about it."""

from __future__ import annotations

import dataclasses
import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from ._acquisition import Acquisition
from ._axis import Axis, frozen_array
from ._metadata import Instrument, ProvenanceStep, Sample, Source
from ._serialize import to_jsonable

__all__ = ["Measurement"]


def _freeze_mapping(m: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(m or {}))


@dataclass(frozen=True, eq=False)
class Measurement:
    """One measurement (raw or processed), immutable.

    Parameters
    ----------
    technique
        ``"nmr"``, ``"xrd"``, ... (the name of a registered technique plugin).
    signal
        n-dimensional real or complex array; stored read-only.
    axes
        One :class:`Axis` per dimension of ``signal``, in order.
    signal_unit
        Unit of the signal values (``"counts"``, ``"arb"``...).
    acquisition
        Typed acquisition metadata (:class:`NMRAcquisition`, :class:`XRDAcquisition`...).
    raw_parameters
        The vendor's parameters, untouched (JSON-compatible values).
    source, sample, instrument
        Where the data came from.
    provenance
        The processing steps applied, in order.
    results
        Typed analysis results by name (a registered record or a tuple of them).
    warnings
        Suspicious-but-usable conditions found while reading or processing.
    signal_errors
        One standard deviation of each signal value, same shape as ``signal``, when
        the file gives them (e.g. the e.s.d. column of ``.xye``/GSAS ESD data); else
        None. Saved as the NXdata ``signal_errors`` field of a NeXus file.

    Processing never changes a Measurement: :meth:`replace` and :meth:`with_step`
    return new ones. A change of ``signal`` without ``signal_errors`` drops the errors
    (they described the old values); a step that knows how they propagate passes them on.
    """

    technique: str
    signal: np.ndarray = field(repr=False)
    axes: tuple[Axis, ...]
    signal_unit: str = "arb"
    acquisition: Acquisition = field(default_factory=Acquisition)
    raw_parameters: Mapping[str, Any] = field(default_factory=dict, repr=False)
    source: Source = field(default_factory=Source)
    sample: Sample = field(default_factory=Sample)
    instrument: Instrument = field(default_factory=Instrument)
    provenance: tuple[ProvenanceStep, ...] = ()
    results: Mapping[str, Any] = field(default_factory=dict, repr=False)
    warnings: tuple[str, ...] = ()
    signal_errors: np.ndarray | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        signal = frozen_array(self.signal)
        if signal.dtype.kind not in "biufc":
            raise TypeError(f"signal must be numeric, got dtype {signal.dtype}")
        axes = tuple(self.axes)
        if len(axes) != signal.ndim:
            raise ValueError(
                f"signal has {signal.ndim} dimension(s) but {len(axes)} axis/axes were given"
            )
        for i, (axis, n) in enumerate(zip(axes, signal.shape, strict=True)):
            if not isinstance(axis, Axis):
                raise TypeError(f"axes[{i}] must be an Axis, got {type(axis).__name__}")
            if len(axis) != n:
                raise ValueError(
                    f"axis {axis.name!r} has {len(axis)} values but signal dimension {i} has {n}"
                )
        if self.signal_errors is not None:
            errors = frozen_array(self.signal_errors, dtype=np.float64)
            if errors.shape != signal.shape:
                raise ValueError(f"signal_errors has shape {errors.shape} but signal has {signal.shape}")
            if not np.all(np.isfinite(errors) & (errors >= 0)):
                raise ValueError("signal_errors must be finite and >= 0")
            object.__setattr__(self, "signal_errors", errors)
        object.__setattr__(self, "signal", signal)
        object.__setattr__(self, "axes", axes)
        object.__setattr__(self, "raw_parameters", _freeze_mapping(self.raw_parameters))
        object.__setattr__(self, "results", _freeze_mapping(self.results))
        object.__setattr__(self, "provenance", tuple(self.provenance))
        object.__setattr__(self, "warnings", tuple(self.warnings))

    # -- convenience -------------------------------------------------------------
    @property
    def ndim(self) -> int:
        """Number of dimensions of the signal."""
        return int(self.signal.ndim)

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of the signal."""
        return tuple(self.signal.shape)

    @property
    def is_complex(self) -> bool:
        """True when the signal is complex."""
        return self.signal.dtype.kind == "c"

    def axis(self, name: str) -> Axis:
        """Return the axis called ``name``."""
        for a in self.axes:
            if a.name == name:
                return a
        raise KeyError(f"no axis {name!r}; axes are {[a.name for a in self.axes]}")

    def replace(self, **changes: Any) -> Measurement:
        """Return a copy with some fields replaced (provenance is not touched).

        A new ``signal`` without ``signal_errors`` drops the old errors.
        """
        return dataclasses.replace(self, **_errors_follow(changes))

    def with_step(
        self,
        step: str,
        *,
        parameters: Mapping[str, Any] | None = None,
        decisions: Mapping[str, Any] | None = None,
        software: str = "",
        manual: bool = False,
        **changes: Any,
    ) -> Measurement:
        """Return a copy with ``changes`` applied and one provenance entry appended."""
        entry = ProvenanceStep(
            step=step,
            parameters=dict(parameters or {}),
            software=software,
            decisions=dict(decisions or {}),
            manual=manual,
            timestamp=_dt.datetime.now(_dt.UTC),
        )
        return dataclasses.replace(self, provenance=(*self.provenance, entry), **_errors_follow(changes))

    def with_results(self, **results: Any) -> Measurement:
        """Return a copy with named results added (replacing those of the same name)."""
        return dataclasses.replace(self, results={**self.results, **results})

    def with_warning(self, message: str) -> Measurement:
        """Return a copy with one more warning recorded."""
        return dataclasses.replace(self, warnings=(*self.warnings, message))

    # -- comparison --------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Measurement):
            return NotImplemented
        if self.technique != other.technique or self.signal_unit != other.signal_unit:
            return False
        if self.signal.shape != other.signal.shape or self.signal.dtype != other.signal.dtype:
            return False
        if not np.array_equal(self.signal, other.signal, equal_nan=self.signal.dtype.kind in "fc"):
            return False
        if self.axes != other.axes:
            return False
        if (self.signal_errors is None) != (other.signal_errors is None) or (
                self.signal_errors is not None and not np.array_equal(self.signal_errors, other.signal_errors)):
            return False
        return _same(self, other)

    __hash__ = None  # type: ignore[assignment]


def _errors_follow(changes: dict[str, Any]) -> dict[str, Any]:
    """Drop the signal errors when the signal changes and the caller did not pass new ones."""
    if "signal" in changes and "signal_errors" not in changes:
        return {**changes, "signal_errors": None}
    return changes


def _same(a: Measurement, b: Measurement) -> bool:
    for name in ("acquisition", "raw_parameters", "source", "sample", "instrument",
                 "provenance", "results", "warnings"):
        if to_jsonable(getattr(a, name)) != to_jsonable(getattr(b, name)):
            return False
    return True
