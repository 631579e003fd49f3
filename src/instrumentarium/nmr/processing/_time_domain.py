"""Time-domain steps on a 1D FID: apodization and zero filling.

Apodization follows TopSpin's window definitions so that a vendor recipe built from
``procs`` (WDW, LB, GB, SSB) reproduces TopSpin's ``1r``; time is counted from the first
stored point, digital-filter points included, as TopSpin does.
"""

from __future__ import annotations

import numpy as np

from ...model import Axis, Measurement, ProcessingError
from ...pipeline import step
from ._domain import acquisition_of, fresh, require_fid

__all__ = ["apodize", "zero_fill", "window"]

_WINDOWS = ("none", "exponential", "gaussian", "sine", "sine_squared")


def window(
    n_points: int,
    spectral_width_hz: float,
    *,
    function: str = "exponential",
    line_broadening_hz: float = 0.0,
    gaussian_fraction: float = 0.1,
    sine_offset: float = 0.0,
) -> np.ndarray:
    """Return a window function of ``n_points`` for an FID sampled at ``spectral_width_hz``.

    Parameters
    ----------
    function
        ``"exponential"``: ``exp(-pi LB t)`` (Lorentzian broadening by LB Hz, TopSpin EM).
        ``"gaussian"``: Lorentz-to-Gauss, TopSpin GM: ``exp(-a t - b t**2)`` with
        ``a = pi LB`` and ``b = -a / (2 GB AQ)`` (LB < 0 narrows, GB in (0, 1) is where the
        Gaussian peaks as a fraction of the acquisition time AQ).
        ``"sine"`` / ``"sine_squared"``: ``sin((pi - phi) t / AQ + phi)`` (squared), with
        ``phi = pi / SSB`` for ``sine_offset`` SSB >= 2 and 0 otherwise (TopSpin SINE/QSINE).
        ``"none"``: all ones.
    line_broadening_hz, gaussian_fraction, sine_offset
        TopSpin LB, GB and SSB.

    References
    ----------
    Ernst, R. R. Sensitivity enhancement in magnetic resonance. Adv. Magn. Reson. 2, 1-135 (1966);
    Ferrige, A. G. & Lindon, J. C. Resolution enhancement in FT NMR through the use of a double
    exponential function. J. Magn. Reson. 31, 337-340 (1978); Bruker TopSpin Processing Reference
    (EM, GM, SINE, QSINE).
    """
    if function not in _WINDOWS:
        raise ProcessingError(f"unknown window {function!r}; choose one of {', '.join(_WINDOWS)}")
    t = np.arange(n_points) / float(spectral_width_hz)
    aq = n_points / float(spectral_width_hz)
    if function == "none":
        return np.ones(n_points)
    if function == "exponential":
        return np.exp(-np.pi * line_broadening_hz * t)
    if function == "gaussian":
        if not 0.0 < gaussian_fraction < 1.0:
            raise ProcessingError(f"gaussian window: GB must be in (0, 1), got {gaussian_fraction}")
        a = np.pi * line_broadening_hz
        b = -a / (2.0 * gaussian_fraction * aq)
        return np.exp(-a * t - b * t * t)
    phi = np.pi / sine_offset if sine_offset >= 2 else 0.0
    w = np.sin((np.pi - phi) * t / aq + phi)
    return w * w if function == "sine_squared" else w


@step("nmr.apodize", technique="nmr")
def apodize(
    m: Measurement,
    *,
    function: str = "exponential",
    line_broadening_hz: float = 0.3,
    gaussian_fraction: float = 0.1,
    sine_offset: float = 0.0,
) -> Measurement:
    """Multiply the FID by a window function (see :func:`window` for the definitions)."""
    require_fid(m, "nmr.apodize")
    acq = acquisition_of(m, "nmr.apodize", "spectral_width_hz")
    w = window(
        m.shape[0], acq.spectral_width_hz, function=function, line_broadening_hz=line_broadening_hz,
        gaussian_fraction=gaussian_fraction, sine_offset=sine_offset,
    )
    return m.replace(signal=fresh(m.signal * w))


@step("nmr.zero_fill", technique="nmr")
def zero_fill(m: Measurement, *, size: int | None = None, factor: int = 2) -> Measurement:
    """Pad the FID with zeros (or truncate it) to ``size`` complex points.

    Parameters
    ----------
    size
        Final number of points (TopSpin SI). A size below the FID length truncates it,
        as TopSpin does. ``None``: the next power of two >= the FID length, times ``factor``.
    factor
        Used only when ``size`` is None; 1 means no zero filling beyond the power of two.
    """
    require_fid(m, "nmr.zero_fill")
    acq = acquisition_of(m, "nmr.zero_fill", "spectral_width_hz")
    n = m.shape[0]
    if size is None:
        if factor < 1:
            raise ProcessingError(f"nmr.zero_fill: factor must be >= 1, got {factor}")
        size = (1 << max(int(n - 1).bit_length(), 0)) * int(factor)
    size = int(size)
    if size < 2:
        raise ProcessingError(f"nmr.zero_fill: size must be >= 2 points, got {size}")
    out = np.zeros(size, dtype=np.result_type(m.signal.dtype, np.complex64))
    k = min(n, size)
    out[:k] = m.signal[:k]
    time = Axis("time", "s", fresh(np.arange(size) / float(acq.spectral_width_hz)))
    return m.replace(signal=fresh(out), axes=(time,))
