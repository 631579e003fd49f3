"""Time-domain steps of Agilent/Varian VnmrJ processing: FID left shift and VnmrJ weighting.

VnmrJ (``wft``/``ft``) shifts the FID by ``lsfid`` complex points, multiplies it by the
product of the active weighting functions, zero-fills it to ``fn/2`` complex points and
Fourier-transforms it (Agilent, *VnmrJ Command and Parameter Reference*: ``lsfid``, ``lb``,
``gf``, ``gfs``, ``sb``, ``sbs``, ``awc``, ``fn``). Times are in seconds from the first point
(``t = j/sw``). The weightings, as implemented here:

- ``lb`` (Hz): exponential, ``exp(-pi*lb*t)`` (negative: resolution enhancement);
- ``gf``, ``gfs`` (s): Gaussian, ``exp(-((t - gfs)/gf)**2)``;
- ``sb``, ``sbs`` (s): sine bell ``sin(pi/2*(t - sbs)/|sb|)`` on ``0 <= t - sbs <= 2|sb|``
  and 0 elsewhere (a negative ``sb`` squares it);
- ``awc``: a constant added to the product.

An inactive parameter (``'n'`` in VnmrJ, see ``procpar_inactive`` from the reader) is given
as None and not applied. The exponential is exactly VnmrJ's; the Gaussian and sine-bell
forms follow the reference manual's descriptions but were not checked against a
VnmrJ-processed spectrum (none in the dev data set).
"""

from __future__ import annotations

import numpy as np

from ...model import Axis, Measurement, ProcessingError
from ...pipeline import step
from ._domain import acquisition_of, fresh, require_fid

__all__ = ["left_shift", "vnmrj_weighting", "vnmrj_window"]


def vnmrj_window(
    n_points: int, spectral_width_hz: float, *, lb_hz: float | None = None, gf_s: float | None = None,
    gfs_s: float | None = None, sb_s: float | None = None, sbs_s: float | None = None, awc: float | None = None,
) -> np.ndarray:
    """The VnmrJ weighting function on ``n_points`` FID points (see the module notes)."""
    t = np.arange(n_points) / float(spectral_width_hz)
    w = np.ones(n_points)
    if lb_hz:
        w *= np.exp(-np.pi * lb_hz * t)
    if gf_s:
        w *= np.exp(-(((t - (gfs_s or 0.0)) / gf_s) ** 2))
    if sb_s:
        arg = np.pi / 2.0 * (t - (sbs_s or 0.0)) / abs(sb_s)
        bell = np.where((arg >= 0.0) & (arg <= np.pi), np.sin(np.clip(arg, 0.0, np.pi)), 0.0)
        w *= bell**2 if sb_s < 0 else bell
    if awc:
        w = w + awc
    return w


@step("nmr.left_shift", technique="nmr")
def left_shift(m: Measurement, *, points: int = 0) -> Measurement:
    """Shift the FID left by ``points`` complex points (VnmrJ ``lsfid``), keeping its length.

    A positive value drops the first points and pads the end with zeros; a negative value
    inserts zeros at the start (a right shift) and drops as many points at the end.
    """
    require_fid(m, "nmr.left_shift")
    acq = acquisition_of(m, "nmr.left_shift", "spectral_width_hz")
    n = m.shape[0]
    k = int(points)
    if abs(k) >= n:
        raise ProcessingError(f"nmr.left_shift: cannot shift a {n}-point FID by {k} points")
    out = np.zeros(n, dtype=np.result_type(m.signal.dtype, np.complex64))
    if k >= 0:
        out[: n - k] = m.signal[k:]
    else:
        out[-k:] = m.signal[: n + k]
    time = Axis("time", "s", fresh(np.arange(n) / float(acq.spectral_width_hz)))
    return m.replace(signal=fresh(out), axes=(time,))


@step("nmr.vnmrj_weighting", technique="nmr")
def vnmrj_weighting(
    m: Measurement, *, lb_hz: float | None = None, gf_s: float | None = None, gfs_s: float | None = None,
    sb_s: float | None = None, sbs_s: float | None = None, awc: float | None = None,
) -> Measurement:
    """Multiply the FID by VnmrJ's weighting (``lb``, ``gf``/``gfs``, ``sb``/``sbs``, ``awc``).

    None leaves a term out (VnmrJ's inactive ``'n'``). See the module notes for the forms.
    """
    require_fid(m, "nmr.vnmrj_weighting")
    acq = acquisition_of(m, "nmr.vnmrj_weighting", "spectral_width_hz")
    w = vnmrj_window(m.shape[0], acq.spectral_width_hz, lb_hz=lb_hz, gf_s=gf_s, gfs_s=gfs_s, sb_s=sb_s,
                     sbs_s=sbs_s, awc=awc)
    return m.replace(signal=fresh(m.signal * w))
