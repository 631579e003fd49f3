"""Which domain a measurement is in, and the acquisition parameters steps need.

A raw FID has one ``time`` axis in seconds; a spectrum made by
:func:`~instrumentarium.nmr.processing.fourier_transform` has one ``chemical_shift`` axis in
ppm with index 0 at the highest shift (TopSpin ``1r`` order). Steps check the domain they
need here so that a recipe in the wrong order fails with a message that says which step
to run first.
"""

from __future__ import annotations

import numpy as np

from ...model import Measurement, MissingParameterError, NMRAcquisition, ProcessingError

__all__ = ["require_fid", "require_spectrum", "acquisition_of", "applied_steps", "fresh"]


def fresh(values: np.ndarray) -> np.ndarray:
    """Mark an array that a step has just computed (and holds no other reference to) read-only.

    A Measurement copies writeable arrays to protect itself from later changes by the caller;
    a read-only one is shared. Steps hand their new arrays over this way, which saves one
    copy of the signal per step without weakening immutability.
    """
    values.setflags(write=False)
    return values


def require_fid(m: Measurement, step: str) -> None:
    """Raise ProcessingError unless ``m`` is a 1D time-domain FID."""
    if m.ndim != 1 or m.axes[0].name != "time":
        axes = [a.name for a in m.axes]
        raise ProcessingError(
            f"{step}: needs a 1D FID with a 'time' axis, got axes {axes}; "
            "run it before nmr.fourier_transform (2D processing is not supported yet)"
        )


def require_spectrum(m: Measurement, step: str) -> None:
    """Raise ProcessingError unless ``m`` is a 1D spectrum on a ppm axis."""
    if m.ndim != 1 or m.axes[0].name != "chemical_shift":
        axes = [a.name for a in m.axes]
        raise ProcessingError(
            f"{step}: needs a 1D spectrum with a 'chemical_shift' axis, got axes {axes}; "
            "run nmr.fourier_transform first"
        )


def acquisition_of(m: Measurement, step: str, *fields: str) -> NMRAcquisition:
    """Return ``m.acquisition`` as NMRAcquisition, checking that ``fields`` are set."""
    acq = m.acquisition
    if not isinstance(acq, NMRAcquisition):
        raise MissingParameterError(
            f"{step}: the measurement has no NMR acquisition parameters "
            f"({type(acq).__name__}); read it with an NMR reader"
        )
    missing = [f for f in fields if getattr(acq, f) is None]
    if missing:
        raise MissingParameterError(
            f"{step}: acquisition parameter(s) {', '.join(missing)} missing; "
            "the reader could not find them in the vendor files"
        )
    return acq


def applied_steps(m: Measurement) -> list[str]:
    """Names of the provenance steps already applied to ``m``, in order."""
    return [p.step for p in m.provenance]
