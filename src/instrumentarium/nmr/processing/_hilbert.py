"""Hilbert transform of a real spectrum (TopSpin ``ht``) and the re-phasing of processed spectra.

A vendor's processed spectrum often comes real only (a MestReNova or TopSpin JCAMP-DX export,
a TopSpin ``pdata`` folder with ``1r`` and no ``1i``), so it cannot be phased again as it is.
The FID behind it is causal (zero before the acquisition starts): its real and imaginary
spectra are a Hilbert-transform pair (the Kramers-Kronig relations between absorption and
dispersion), so the imaginary part can be rebuilt from the real one. As TopSpin's ``ht``:
transform the real spectrum back to the time domain (that gives the FID's even part,
``(f(t) + f*(-t))/2``), keep the causal half doubled (the first point and, for an even size,
the middle point once), and transform forward again.

- Bracewell, R. N. *The Fourier Transform and Its Applications*, 3rd ed., McGraw-Hill (2000),
  ch. 12 "The Hilbert transform" (causal functions, the analytic signal).
- Ernst, R. R., Bodenhausen, G. & Wokaun, A. *Principles of Nuclear Magnetic Resonance in One
  and Two Dimensions*, Clarendon Press (1987), sec. 4.2 (absorption and dispersion of a causal
  response; Hilbert transform).
- Bruker TopSpin *Processing Commands and Parameters*, command ``ht`` ("Hilbert transform:
  calculate the imaginary part from the real part of a spectrum").

The reconstruction is exact (to rounding) when the spectrum is the transform of a FID
zero-filled at least twice, except for a constant imaginary offset ``Im f(0)`` that the real
part does not carry (the regional phase fit removes a straight baseline through each region,
so it does not matter there). Without zero filling the FID's second half folds onto the
first and the imaginary part is approximate; vendor baseline corrections add a smooth term.

:func:`rephase_processed` uses it to check, and if needed correct, the phase of a real
processed spectrum (the automatic recipe for such spectra): the imaginary part is rebuilt,
:func:`~instrumentarium.nmr.processing.estimate_phase` finds a phase, and it is applied only
when the phase error at the lines is clearly above what the method finds on correctly
phased vendor spectra and the fit is confident; otherwise the vendor's spectrum is returned
unchanged.
"""

from __future__ import annotations

import numpy as np

from ...model import Measurement
from ...pipeline import StepOutput, step
from ._autophase import estimate_phase, noise_sigma, phase_options, signal_regions
from ._baseline import polynomial_baseline
from ._domain import fresh, require_spectrum
from ._phase import phase_ramp

__all__ = ["hilbert", "hilbert_spectrum", "rephase_processed"]

#: rephase_processed: edited experiments (phase modulo 180 degrees, real negative lines)
#: need this much more confidence: their regional fit is weaker (see estimate_phase)
_EDITED_MIN_CONFIDENCE = 0.85


def hilbert_spectrum(real: np.ndarray, *, descending: bool = True) -> np.ndarray:
    """Complex spectrum whose imaginary part is the Hilbert transform of ``real``.

    Parameters
    ----------
    real
        A real 1-D spectrum (shape ``(n,)``).
    descending
        True when index 0 is the highest frequency (TopSpin ``1r`` order, the order of
        :func:`~instrumentarium.nmr.processing.fourier_transform`); False for ascending order.

    Returns
    -------
    A complex array of shape ``(n,)``, real part equal to ``real`` (to rounding), imaginary
    part rebuilt from a causal FID (see the module notes and references).
    """
    y = np.asarray(real, dtype=float)
    if y.ndim != 1:
        raise ValueError(f"hilbert_spectrum: needs a 1-D spectrum, got shape {y.shape}")
    if not descending:
        return hilbert_spectrum(y[::-1], descending=True)[::-1].copy()
    n = y.shape[0]
    # the order of fourier_transform: spec[j] = fft(fid)[(n - n//2 - j) mod n]
    idx = (n - n // 2 - np.arange(n)) % n
    full = np.empty(n)
    full[idx] = y
    even = np.fft.ifft(full)
    causal = np.zeros(n)
    causal[0] = 1.0
    half = (n + 1) // 2
    causal[1:half] = 2.0
    if n % 2 == 0:
        causal[n // 2] = 1.0
    return np.fft.fft(even * causal)[idx]


def _is_descending(m: Measurement) -> bool:
    v = m.axes[0].values
    return bool(v.shape[0] < 2 or v[0] >= v[-1])


@step("nmr.hilbert", technique="nmr")
def hilbert(m: Measurement) -> StepOutput:
    """Rebuild the imaginary part of a spectrum from its real part (TopSpin ``ht``).

    The spectrum becomes complex and can then be phased (``nmr.phase``, ``nmr.autophase``).
    An imaginary part already present is replaced. Bracewell (2000) ch. 12; see the module notes.
    """
    require_spectrum(m, "nmr.hilbert")
    z = hilbert_spectrum(np.real(m.signal), descending=_is_descending(m))
    return StepOutput(
        m.replace(signal=fresh(z)), decisions={"points": int(z.shape[0]), "replaced_imaginary": bool(m.is_complex)}
    )


def _negative_fraction(y: np.ndarray, regions: list[tuple[int, int]], sigma: float) -> float:
    """Area more than 3 noise sigmas below a straight baseline through each region's edges,
    over the absolute area: near 0 for absorptive lines, tens of percent for dispersive ones."""
    neg = total = 0.0
    for a, b in regions:
        seg = y[a:b]
        e = max(min(3, (b - a) // 8), 1)
        flat = seg - np.linspace(seg[:e].mean(), seg[-e:].mean(), b - a)
        neg += float(np.clip(-flat - 3.0 * sigma, 0.0, None).sum())
        total += float(np.abs(flat).sum())
    return neg / total if total > 0 else 0.0


def _wrapped_deg(angle_deg: np.ndarray, fold: int) -> np.ndarray:
    return np.rad2deg(np.angle(np.exp(1j * fold * np.deg2rad(angle_deg)))) / fold


@step("nmr.rephase_processed", technique="nmr")
def rephase_processed(
    m: Measurement,
    *,
    min_error_deg: float = 10.0,
    min_confidence: float = 0.7,
    edited: bool | None = None,
    exclude_ppm: list[list[float]] | None = None,
    solvent_window_ppm: float = 0.25,
    p1_limit_deg: float = 360.0,
    baseline_order: int | None = 5,
) -> StepOutput:
    """Re-phase a processed vendor spectrum when its phase is clearly wrong.

    A real spectrum's imaginary part is rebuilt (:func:`hilbert_spectrum`); a complex one
    (TopSpin 1r + 1i, complex JCAMP-DX) keeps the vendor's own. The phase is estimated as
    ``nmr.autophase`` does (:func:`~instrumentarium.nmr.processing.estimate_phase`: regional
    circular fit, line fits, entropy refinement), and the correction applied only when

    - the magnitude-weighted RMS phase error at the signal regions exceeds ``min_error_deg``
      (on the correctly phased vendor spectra of the dev set the estimate is within 5 deg),
    - the fit's confidence is at least ``min_confidence`` (0.85 for edited experiments), and
    - unless edited, the correction does not increase the negative area of the lines (the part
      of a mis-phased line's dispersion more than 3 noise sigmas below its local baseline:
      tens of percent of the line area for the dev set's mis-phased spectra, near 0 after).

    Otherwise the spectrum is returned exactly as it came. Either way the decision, the
    estimated phase and the measures behind it are recorded; a warning says when the spectrum
    was re-phased. After a re-phase, a polynomial baseline of ``baseline_order`` (None: none)
    is subtracted, as in the automatic FID recipe (the rebuilt dispersion of the vendor's
    baseline and of broad lines leaves a slow roll).

    Parameters
    ----------
    min_error_deg
        Smallest phase error (degrees, RMS at the lines) worth correcting.
    min_confidence
        Smallest auto-phase confidence at which the correction is trusted.
    edited, exclude_ppm, solvent_window_ppm, p1_limit_deg
        As for :func:`~instrumentarium.nmr.processing.autophase`.
    baseline_order
        Order of the polynomial baseline subtracted after a re-phase; None: no baseline step.

    The output keeps the input's type: a real spectrum stays real (TopSpin ``1r``), and its
    phase ``p0_deg``/``p1_deg`` is in TopSpin's convention (pivot on the high-ppm edge).
    """
    require_spectrum(m, "nmr.rephase_processed")
    acq = m.acquisition
    edited, windows = phase_options(m, edited, exclude_ppm, solvent_window_ppm)
    descending = _is_descending(m)
    values = np.asarray(m.signal)
    axis = m.axes[0].values if descending else m.axes[0].values[::-1]
    # a complex spectrum keeps the vendor's own imaginary part (exact, unlike the rebuilt one)
    z = (values if descending else values[::-1]).astype(complex) if m.is_complex else None
    y = np.real(values if descending else values[::-1]).astype(float)
    if z is None:
        z = hilbert_spectrum(y)
    mhz = getattr(acq, "spectrometer_frequency_mhz", None)
    hz_per_point = abs(float(axis[0] - axis[-1])) / max(axis.shape[0] - 1, 1) * mhz if mhz else None
    est = estimate_phase(
        z, axis, edited=edited, exclude_ppm=windows, p1_limit_deg=p1_limit_deg, hz_per_point=hz_per_point
    )
    decisions: dict = {
        "applied": False,
        "p0_deg": round(est.p0_deg, 3),
        "p1_deg": round(est.p1_deg, 3),
        "confidence": round(est.confidence, 3),
        "method": "regional-circular-fit",
        "imaginary": "vendor" if m.is_complex else "hilbert-transform",
        "n_regions": est.n_regions,
        "edited": edited,
        "excluded_ppm": [list(w) for w in windows],
    }
    if est.n_regions == 0:
        decisions["reason"] = "no signal found above the noise"
        return StepOutput(m, decisions=decisions)
    sigma = noise_sigma(y)
    regions = [
        (a, b)
        for a, b in signal_regions(z, sigma=sigma)
        if not any(axis[b - 1] <= hi and axis[a] >= lo for lo, hi in windows)
    ]
    regions = regions or [(0, z.shape[0])]
    x = np.array([(a + b - 1) / 2.0 for a, b in regions]) / z.shape[0]
    weight = np.array([float(np.abs(z[a:b]).sum()) for a, b in regions])
    err = _wrapped_deg(est.p0_deg + est.p1_deg * x, 2 if edited else 1)
    error_deg = float(np.sqrt(np.average(err**2, weights=weight)))
    phased = z * phase_ramp(z.shape[0], est.p0_deg, est.p1_deg)
    corrected = phased.real
    neg_before, neg_after = _negative_fraction(y, regions, sigma), _negative_fraction(corrected, regions, sigma)
    decisions.update(
        error_deg=round(error_deg, 2),
        max_error_deg=round(float(np.abs(err).max()), 2),
        negative_fraction_before=round(neg_before, 4),
        negative_fraction_after=round(neg_after, 4),
    )
    need_conf = max(min_confidence, _EDITED_MIN_CONFIDENCE) if edited else min_confidence
    if error_deg <= min_error_deg:
        decisions["reason"] = f"phase error {error_deg:.1f} deg at the lines <= {min_error_deg:g} deg: vendor phase"
    elif est.confidence < need_conf:
        decisions["reason"] = (
            f"phase error {error_deg:.1f} deg but confidence {est.confidence:.2f} < {need_conf:g}: vendor phase kept"
        )
        # a vendor phase is a human's choice: only a large disagreement is worth a warning
        # (J-modulated spin echoes, dev d08, give 13 deg at confidence 0.47 on a good phase)
        if error_deg > 3.0 * min_error_deg:
            return StepOutput(
                m,
                decisions=decisions,
                warnings=[
                    f"the vendor phase looks off by {error_deg:.0f} deg at the lines, but the automatic phase "
                    f"is not confident ({est.confidence:.2f}); spectrum left as it was, check the phase by hand"
                ],
            )
    elif not edited and neg_after > neg_before:
        decisions["reason"] = (
            f"the correction would increase the negative area of the lines "
            f"({neg_before:.3f} -> {neg_after:.3f}): vendor phase kept"
        )
    else:
        decisions["applied"] = True
        decisions["reason"] = f"phase error {error_deg:.1f} deg at the lines, confidence {est.confidence:.2f}"
        out = phased if m.is_complex else corrected
        if baseline_order is not None:
            fit, free = polynomial_baseline(corrected, order=baseline_order)
            out = out - fit
            decisions["baseline"] = {
                "model": "polynomial",
                "order": baseline_order,
                "baseline_fraction": round(float(free.mean()), 3),
            }
        signal = out if descending else out[::-1]
        if not m.is_complex:
            signal = signal.astype(values.dtype, copy=False)
        warning = (
            f"vendor spectrum re-phased by p0/p1 = {est.p0_deg:.1f}/{est.p1_deg:.1f} deg "
            f"(phase error {error_deg:.0f} deg at the lines, confidence {est.confidence:.2f})"
        )
        return StepOutput(
            m.replace(signal=fresh(np.ascontiguousarray(signal))), decisions=decisions, warnings=[warning]
        )
    return StepOutput(m, decisions=decisions)
