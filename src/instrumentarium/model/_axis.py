"""Axes: one per dimension of a measurement's signal."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Axis", "frozen_array"]


def frozen_array(values: object, *, dtype: object | None = None) -> np.ndarray:
    """Return ``values`` as a read-only numpy array.

    A writeable input is copied, so later changes by the caller cannot reach a
    measurement; an already read-only array is shared.
    """
    arr = np.asarray(values, dtype=dtype)
    if arr.flags.writeable:
        arr = arr.copy()
        arr.setflags(write=False)
    return arr


@dataclass(frozen=True, eq=False)
class Axis:
    """A named coordinate axis with a unit.

    Parameters
    ----------
    name
        What the axis measures: ``"chemical_shift"``, ``"time"``, ``"two_theta"``...
    unit
        Unit symbol as in UDUNITS / NeXus: ``"ppm"``, ``"s"``, ``"deg"``, ``"Hz"``.
    values
        Coordinate of every point, shape ``(n,)``; stored read-only.
    """

    name: str
    unit: str
    values: np.ndarray = field(repr=False)

    def __post_init__(self) -> None:
        values = frozen_array(self.values)
        if values.ndim != 1:
            raise ValueError(f"axis {self.name!r}: values must be 1-D, got shape {values.shape}")
        object.__setattr__(self, "values", values)

    def __len__(self) -> int:
        return int(self.values.shape[0])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Axis):
            return NotImplemented
        return (
            self.name == other.name
            and self.unit == other.unit
            and self.values.shape == other.values.shape
            and bool(np.array_equal(self.values, other.values))
        )

    __hash__ = None  # type: ignore[assignment]

    @classmethod
    def linear(cls, name: str, unit: str, *, start: float, step: float, n: int) -> Axis:
        """Make an evenly spaced axis of ``n`` points from ``start`` by ``step``."""
        return cls(name, unit, start + step * np.arange(n, dtype=float))

    @property
    def is_descending(self) -> bool:
        """True when the first point has the highest value (NMR ppm convention)."""
        v = self.values
        return v.size > 1 and bool(v[0] > v[-1])
