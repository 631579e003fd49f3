"""Corrections by hand: pure functions and the manual processing steps built on them.

What automation gets wrong, a scientist fixes in the workstation: the phase of an NMR
spectrum, the regions that are baseline, the integral ranges, which candidate phases of a
powder pattern are really there. Each correction is a registered step marked ``manual``,
so it is recorded in the provenance with its parameters and can be replayed from a recipe.

The steps are named ``web.*`` (they belong to the workstation, not to a technique) and are
declared as entry points of ``instrumentarium.steps``. This module imports no web
framework, so loading the step registry never needs the ``web`` extra.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..model import Measurement, ProcessingError, register_record, to_plain
from ..pipeline import StepOutput, step

__all__ = [
    "IntegralRange",
    "PhaseDecision",
    "apply_phase",
    "baseline_from_regions",
    "integrate_ranges",
    "manual_baseline",
    "manual_integrals",
    "manual_phase",
    "phase_selection",
    "region_mask",
]


@register_record("web.integral_range")
@dataclass(frozen=True)
class IntegralRange:
    """An integral over a range chosen by hand.

    ``value`` is the area in signal units times axis units (trapezoidal rule);
    ``relative`` is the area divided by that of the first range (the reference).
    """

    start_ppm: float
    end_ppm: float
    value: float
    relative: float


@register_record("web.phase_decision")
@dataclass(frozen=True)
class PhaseDecision:
    """A scientist's decision on one candidate crystalline phase."""

    name: str
    accepted: bool
    reference_id: int | None = None


def _spectral_axis(m: Measurement) -> np.ndarray:
    if m.ndim != 1:
        raise ProcessingError(
            f"manual corrections work on 1-D spectra; this measurement has shape {m.shape}"
        )
    return np.asarray(m.axes[0].values, dtype=float)


def apply_phase(
    spectrum: np.ndarray,
    axis: np.ndarray,
    *,
    p0_deg: float,
    p1_deg: float = 0.0,
    pivot: float | None = None,
) -> np.ndarray:
    """Apply a zero- and first-order phase correction to a complex spectrum (TopSpin convention).

    Point ``j`` of ``n`` (``j = 0`` at the first, highest-ppm point) is multiplied by
    ``exp(-i (p0 + p1 (j/n - j_pivot/n)))``, angles in degrees: ``p1`` is the phase change
    across the whole spectral width and the pivot keeps its phase whatever ``p1`` is. With
    the pivot on the first point (the default) ``p0``/``p1`` are TopSpin's PHC0/PHC1, the
    convention of the ``nmr.phase`` step too (Ernst, Bodenhausen & Wokaun, *Principles of
    NMR in One and Two Dimensions*, 1987, section 4.2.3).

    Parameters
    ----------
    spectrum
        Complex spectrum, shape ``(n,)``.
    axis
        Its coordinate (ppm, evenly spaced), shape ``(n,)``.
    p0_deg, p1_deg
        Zero- and first-order phase, degrees.
    pivot
        Axis value (ppm) where the first-order term is zero; default ``axis[0]``.
    """
    spectrum = np.asarray(spectrum)
    axis = np.asarray(axis, dtype=float)
    if not np.iscomplexobj(spectrum):
        raise ProcessingError(
            "phase correction needs the complex spectrum (real and imaginary parts); "
            "this run kept only the real part: correct the phase from the raw data instead"
        )
    if spectrum.shape != axis.shape or spectrum.ndim != 1:
        raise ProcessingError(f"spectrum shape {spectrum.shape} does not match axis shape {axis.shape}")
    if not (np.isfinite(p0_deg) and np.isfinite(p1_deg)):
        raise ProcessingError(f"phase angles must be finite numbers, got p0={p0_deg}, p1={p1_deg}")
    n = axis.size
    step_ppm = (axis[0] - axis[-1]) / (n - 1) if n > 1 else 0.0
    pivot_frac = 0.0 if pivot is None or step_ppm == 0.0 else float((axis[0] - pivot) / step_ppm / n)
    x = np.arange(n) / n
    return spectrum * np.exp(-1j * np.deg2rad(p0_deg + p1_deg * (x - pivot_frac)))


@step("web.nmr_phase", technique="nmr", manual=True)
def manual_phase(
    m: Measurement, *, p0_deg: float, p1_deg: float = 0.0, pivot_ppm: float | None = None
) -> Measurement:
    """Phase an NMR spectrum by hand (zero and first order, degrees); see :func:`apply_phase`."""
    axis = _spectral_axis(m)
    signal = apply_phase(m.signal, axis, p0_deg=float(p0_deg), p1_deg=float(p1_deg), pivot=pivot_ppm)
    return m.replace(signal=signal)


def region_mask(axis: np.ndarray, regions: Sequence[Sequence[float]]) -> np.ndarray:
    """Boolean mask of the points of ``axis`` inside any ``(start, end)`` region (either order)."""
    axis = np.asarray(axis, dtype=float)
    mask = np.zeros(axis.shape, dtype=bool)
    for i, region in enumerate(regions):
        if len(region) != 2:
            raise ProcessingError(f"region {i} must be a (start, end) pair, got {list(region)}")
        lo, hi = sorted(float(v) for v in region)
        if not (np.isfinite(lo) and np.isfinite(hi)):
            raise ProcessingError(f"region {i} has a non-finite bound: {list(region)}")
        mask |= (axis >= lo) & (axis <= hi)
    return mask


def baseline_from_regions(
    y: np.ndarray, axis: np.ndarray, regions: Sequence[Sequence[float]], *, order: int = 3
) -> np.ndarray:
    """Fit a polynomial baseline through the points of the chosen signal-free regions.

    A weighted least-squares polynomial (weights 1 in the regions, 0 elsewhere), computed
    with pybaselines' ``poly`` (Erb, pybaselines, doi:10.5281/zenodo.5608581); the classic
    manual baseline of Pearson, J. Magn. Reson. 27, 265 (1977).

    Parameters
    ----------
    y
        Real spectrum, shape ``(n,)``.
    axis
        Its coordinate, shape ``(n,)``.
    regions
        ``(start, end)`` pairs in axis units that hold no signal.
    order
        Polynomial order, 0 to 6; at least ``order + 1`` points must be in the regions.
    """
    from pybaselines import Baseline

    if not 0 <= int(order) <= 6:
        raise ProcessingError(f"baseline polynomial order must be 0 to 6, got {order}")
    mask = region_mask(axis, regions)
    if int(mask.sum()) < order + 1:
        raise ProcessingError(
            f"the baseline regions hold {int(mask.sum())} point(s); a polynomial of order {order} "
            f"needs at least {order + 1}: choose wider signal-free regions"
        )
    x = np.asarray(axis, dtype=float)
    fitter = Baseline(x_data=x)
    baseline, _ = fitter.poly(np.asarray(y, dtype=float), poly_order=int(order), weights=mask.astype(float))
    return baseline


@step("web.nmr_baseline", technique="nmr", manual=True)
def manual_baseline(m: Measurement, *, regions_ppm: list[list[float]], order: int = 3) -> StepOutput:
    """Subtract a polynomial baseline fitted through hand-picked signal-free regions (ppm).

    The baseline is fitted to the real part and subtracted from it; the imaginary part,
    if any, is corrected with its own fit so the spectrum can still be phased.
    """
    axis = _spectral_axis(m)
    regions = [list(map(float, r)) for r in regions_ppm]
    if not regions:
        raise ProcessingError("give at least one baseline region (start_ppm, end_ppm)")
    real = np.real(m.signal)
    base = baseline_from_regions(real, axis, regions, order=order)
    if m.is_complex:
        imag_base = baseline_from_regions(np.imag(m.signal), axis, regions, order=order)
        signal = m.signal - (base + 1j * imag_base)
    else:
        signal = real - base
    n_points = int(region_mask(axis, regions).sum())
    return StepOutput(m.replace(signal=signal), decisions={"n_baseline_points": n_points})


def integrate_ranges(
    y: np.ndarray, axis: np.ndarray, ranges: Sequence[Sequence[float]]
) -> list[IntegralRange]:
    """Integrate a real spectrum over each ``(start, end)`` range (trapezoidal rule).

    Areas are positive for a positive peak whatever the axis direction (ppm axes descend).
    ``relative`` is each area over the first one (NaN when the first is zero).
    """
    y = np.asarray(y, dtype=float)
    x = np.asarray(axis, dtype=float)
    values = []
    for i, r in enumerate(ranges):
        mask = region_mask(x, [r])
        if int(mask.sum()) < 2:
            raise ProcessingError(f"integral range {i} {list(r)} holds fewer than 2 points of the spectrum")
        area = float(np.trapezoid(y[mask], x[mask]))
        if x[mask][0] > x[mask][-1]:
            area = -area
        values.append((float(min(r)), float(max(r)), area))
    ref = values[0][2] if values else 0.0
    return [
        IntegralRange(start_ppm=a, end_ppm=b, value=v, relative=(v / ref) if ref != 0 else float("nan"))
        for a, b, v in values
    ]


@step("web.nmr_integrals", technique="nmr", manual=True)
def manual_integrals(m: Measurement, *, ranges_ppm: list[list[float]]) -> Measurement:
    """Integrate hand-picked ranges (ppm) of the real spectrum; stored as ``results["manual_integrals"]``."""
    axis = _spectral_axis(m)
    if not ranges_ppm:
        raise ProcessingError("give at least one integral range (start_ppm, end_ppm)")
    records = integrate_ranges(np.real(m.signal), axis, [list(map(float, r)) for r in ranges_ppm])
    return m.with_results(manual_integrals=tuple(records))


def _identification(m: Measurement) -> tuple[str, Any] | None:
    """The search-match result among the results (key, typed ``Identification``), if any."""
    from ..model import from_jsonable, to_jsonable
    from ..xrd.phases.results import Identification  # registers the xrd.phase.* records

    for key, value in m.results.items():
        if not isinstance(value, Identification):
            plain = to_plain(value)
            if not (isinstance(plain, dict) and isinstance(plain.get("phases"), list) and "rwp" in plain):
                continue
            value = from_jsonable(to_jsonable(value))  # stored before the record type was loaded
            if not isinstance(value, Identification):
                continue
        return key, value
    return None


def _reference_id(item: str | int, ident: Any) -> int:
    """A phase named by reference id (int or digits) or by name, as the identification lists it."""
    if isinstance(item, int) or (isinstance(item, str) and item.strip().isdigit()):
        return int(item)
    for rec in (*ident.phases, *ident.candidates):
        if rec.name.casefold() == str(item).strip().casefold():
            return int(rec.reference_id)
    raise ProcessingError(f"no phase named {item!r} among the identified phases and candidates of this run")


def _identify_options(m: Measurement) -> dict[str, Any]:
    """Options of the search that made the identification (monochromator angle), from provenance."""
    for p in reversed(m.provenance):
        if p.step == "xrd.identify_phases":
            mono = p.parameters.get("monochromator_two_theta_deg")
            return {"monochromator_two_theta_deg": float(mono)} if mono else {}
    return {}


@step("web.xrd_phases", technique="xrd", manual=True)
def phase_selection(m: Measurement, *, accepted: list[str | int], rejected: list[str | int]) -> StepOutput:
    """Accept or reject candidate phases by hand, and quantify the accepted ones again.

    Phases are named by reference id (as the identification lists them) or by name. When
    the run holds a search-match result (:func:`instrumentarium.xrd.phases.identify`), the
    phases kept are those identified plus the ``accepted`` candidates, minus the
    ``rejected``; they are fitted again by :func:`instrumentarium.xrd.phases.quantify`
    (whole-profile NNLS, RIR weight fractions renormalised to 1) and replace ``phases``
    and the identification in the results, which keeps its candidates so that a rejected
    phase can be accepted again. Without one (phases from elsewhere, with no reference
    ids) the decisions are recorded and nothing is recomputed. The decisions are kept as
    ``results["phase_decisions"]``; the accepted and rejected reference ids and the new
    weight fractions are in the provenance's decisions.
    """
    both = {str(v) for v in accepted} & {str(v) for v in rejected}
    if both:
        raise ProcessingError(f"phases both accepted and rejected: {sorted(both)}")
    found = _identification(m)
    if found is None:
        decisions = tuple(PhaseDecision(str(n), True) for n in accepted) + tuple(
            PhaseDecision(str(n), False) for n in rejected
        )
        warnings = ["these phases carry no reference ids (not from instrumentarium's search-match): the "
                    "decisions are recorded, the weight fractions not recomputed"] if m.results else []
        return StepOutput(m.with_results(phase_decisions=decisions), decisions={"recomputed": False},
                          warnings=warnings)
    return _requantify(m, *found, accepted, rejected)


def _requantify(m: Measurement, key: str, ident: Any, accepted: list, rejected: list) -> StepOutput:
    from pathlib import Path

    from ..xrd.phases import quantify

    acc = [_reference_id(v, ident) for v in accepted]
    rej = [_reference_id(v, ident) for v in rejected]
    if set(acc) & set(rej):
        raise ProcessingError(f"reference ids both accepted and rejected: {sorted(set(acc) & set(rej))}")
    keep = [i for i in dict.fromkeys([p.reference_id for p in ident.phases] + acc) if i not in rej]
    db = ident.database if ident.database and Path(ident.database).is_file() else None
    new = quantify(m, keep, db=db, **_identify_options(m))
    names = {r.reference_id: r.name for r in (*ident.phases, *ident.candidates)}
    moved = [p.reference_id for p in new.phases if names.get(p.reference_id, p.name) != p.name]
    if moved:  # the identification's database is gone and the default one numbers entries otherwise
        raise ProcessingError(f"reference database {ident.database} not found, and reference id(s) {moved} "
                              "name other phases in the default database: run the identification again")
    # the candidates stay (a rejected phase can be accepted again); so do the alternatives
    alternatives = {p.reference_id: p.alternatives for p in ident.phases}
    new = dataclasses.replace(
        new, candidates=ident.candidates, n_references=ident.n_references,
        phases=tuple(dataclasses.replace(p, alternatives=alternatives.get(p.reference_id, ())) for p in new.phases),
    )
    decisions = tuple(PhaseDecision(names.get(i, str(i)), True, i) for i in keep) + tuple(
        PhaseDecision(names.get(i, str(i)), False, i) for i in rej
    )
    results = {key: new, "phase_decisions": decisions}
    if "phases" in m.results and key != "phases":
        results["phases"] = new.phases
    warnings = [f"reference database {ident.database} not found: the phases were fitted with the default "
                "database's entries of the same ids"] if db is None and ident.database else []
    return StepOutput(m.with_results(**results), warnings=warnings, decisions={
        "accepted_ids": keep, "rejected_ids": rej,
        "weight_fractions": {p.name: p.weight_fraction for p in new.phases}, "rwp": new.rwp,
    })
