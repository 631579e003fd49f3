"""``analyze(m)``: from a processed 1-D spectrum to peaks, ranges, multiplets and a report."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

import numpy as np
from scipy.signal import peak_widths

from ...model import Measurement, NMRAcquisition, ProcessingError
from ._records import Multiplet, NMRAnalysis, NMRPeak, NMRRange
from .impurities import classify_shift, normalize_solvent, residual_offset_ppm
from .journal import journal_report
from .multiplets import (
    MAX_METHYL_J_HZ,
    MultipletFit,
    analyze_multiplet,
    refine_multiplet,
    symmetric_pattern,
    two_singlets,
)
from .noise import baseline_offset, linewidths_hz, noise_std, snr
from .peaks import pick_lines, skirt_maxima
from .ranges import (
    fraction_inside,
    group_lines,
    integrate,
    join_halves,
    merge_interleaved,
    proton_unit,
    range_limits,
    split_at_valleys,
    split_on_major_lines,
)
from .treefit import select_tree
from .treepair import two_overlapping
from .water import water_line, without_line

__all__ = ["analyze", "spectrum_arrays"]


def spectrum_arrays(m: Measurement) -> tuple[np.ndarray, np.ndarray]:
    """Return the real spectrum and its ppm axis, index 0 = highest ppm.

    Raises
    ------
    ProcessingError
        When ``m`` is not a processed 1-D spectrum on a chemical-shift axis.
    """
    if m.ndim != 1:
        raise ProcessingError(
            f"NMR analysis needs a 1-D spectrum, got {m.ndim} dimensions; process it and take a row first"
        )
    axis = m.axes[0]
    if axis.unit != "ppm":
        raise ProcessingError(
            f"NMR analysis needs a chemical-shift axis in ppm, got {axis.name!r} in {axis.unit!r}; "
            "Fourier-transform and reference the FID first (instrumentarium process)"
        )
    y = np.real(np.asarray(m.signal)).astype(float)
    ppm = np.asarray(axis.values, dtype=float)
    if len(ppm) < 16:
        raise ProcessingError(f"spectrum too short for analysis ({len(ppm)} points)")
    if ppm[0] < ppm[-1]:
        y, ppm = y[::-1], ppm[::-1]
    return y, ppm


def _satellites(ppm: np.ndarray, height: np.ndarray, mhz: float) -> set[int]:
    """Indices of lines that are 13C satellites of a much stronger line.

    1H-13C satellites sit J(CH)/2 (about 60-85 Hz for sp3/sp2 CH) either side of the
    12C line, each with 0.55 % of its intensity (1.1 % natural abundance of 13C).
    """
    sats: set[int] = set()
    hz = ppm * mhz
    order = np.argsort(height)[::-1]
    for p in order[: min(len(order), 40)]:
        for i in range(len(hz)):
            d = abs(hz[i] - hz[p])
            if 50.0 <= d <= 90.0 and 0.001 <= height[i] / height[p] <= 0.012:
                sats.add(i)
    return sats


def _lines_of(fitm, g: list[int], hz: np.ndarray, widths: np.ndarray) -> list[int]:
    """The lines of ``g`` within one of two overlapping multiplets' spans (lines may be shared)."""
    half = 0.5 * sum(fitm.all_j_hz)
    return [k for k in g if abs(hz[k] - fitm.center_hz) <= half + widths[k]]


def analyze(
    m: Measurement,
    *,
    threshold_snr: float = 6.0,
    prominence_snr: float = 4.0,
    min_relative_height: float = 0.00005,
    gap_hz: float = 16.0,
    reference: tuple[float, float] | None = None,
    total_h: int | None = None,
    solvent: str | None = None,
    fit: bool = True,
    tol_hz: float | None = None,
    exclude_ppm: Sequence[tuple[float, float]] = (),
    min_line_fraction: float = 0.04,
    minor_h: float = 0.3,
    skirt_window_hz: float = 300.0,
) -> NMRAnalysis:
    """Analyse a processed 1-D spectrum: noise, peaks, ranges, multiplets, journal report.

    Parameters
    ----------
    m
        Processed spectrum: technique ``"nmr"``, 1-D, axis ``chemical_shift`` in ppm
        (index 0 = highest ppm), real or complex (real part = absorption).
    threshold_snr
        Lines lower than this many noise standard deviations are not picked.
    prominence_snr
        Minimum rise of a line above its surroundings, in noise standard deviations.
    min_relative_height
        Lines lower than this fraction of the tallest line are not picked.
    gap_hz
        Lines closer than this belong to one range/multiplet.
    reference
        ``(ppm, n_h)``: the range containing ``ppm`` integrates to ``n_h`` protons.
    total_h
        The molecule's H count: the compound ranges add up to it (ignored with ``reference``).
    solvent
        Overrides the acquisition's free-text solvent for classification.
    fit
        Refine overlapped lines by pseudo-Voigt fitting.
    tol_hz
        Tolerance of the coupling-tree analysis (default: a quarter of the median
        linewidth, at least 0.4 Hz).
    min_line_fraction
        Lines smaller than this fraction of a range's largest line (by area) are left
        out of its coupling analysis (still integrated).
    minor_h
        Compound-looking ranges integrating to fewer protons than this are reported as
        impurities ("minor signal"), not as the compound.
    exclude_ppm
        ``(high, low)`` regions where nothing is picked (e.g. a presaturated water line).
    skirt_window_hz
        How far from a small maximum the strong line whose skirt it rides on is looked for
        (:func:`.peaks.skirt_maxima`); such maxima get the kind ``"artifact"``.

    Returns
    -------
    NMRAnalysis
    """
    y, ppm = spectrum_arrays(m)
    acq = m.acquisition if isinstance(m.acquisition, NMRAcquisition) else NMRAcquisition()
    mhz = float(acq.spectrometer_frequency_mhz or 0.0)
    if mhz <= 0:
        raise ProcessingError(
            "the spectrometer frequency is unknown (acquisition.spectrometer_frequency_mhz); "
            "couplings in Hz need it: set it with m.replace(acquisition=...)"
        )
    nucleus = acq.nucleus or "1H"
    solvent_text = solvent if solvent is not None else (acq.solvent or "")
    ppp = float((ppm[0] - ppm[-1]) / (len(ppm) - 1))  # ppm per point (positive)
    hz_pp = ppp * mhz

    offset = baseline_offset(y)
    y0 = y - offset
    noise = noise_std(y0)
    for hi, lo in exclude_ppm:
        sel = (ppm <= max(hi, lo)) & (ppm >= min(hi, lo))
        y0 = y0.copy()
        y0[sel] = 0.0
    lines = pick_lines(
        y0,
        noise,
        threshold_snr=threshold_snr,
        prominence_snr=prominence_snr,
        fit=fit,
        min_relative_height=min_relative_height,
    )
    idx_axis = np.arange(len(ppm), dtype=float)
    pos = np.array([ln.position for ln in lines])
    lppm = np.interp(pos, idx_axis, ppm) if lines else np.array([])
    apex_ppm = np.interp([ln.apex for ln in lines], idx_axis, ppm) if lines else np.array([])
    heights = np.array([ln.height for ln in lines])
    # the spectrum's own height at each apex: robust where joint fits trade area between lines
    apex_h = np.interp([ln.apex for ln in lines], idx_axis, y0) if lines else np.array([])
    sats = _satellites(lppm, heights, mhz) if nucleus == "1H" and lines else set()
    # maxima on the skirt of a much stronger line that do not rise from it (shimming humps)
    skirt = (
        skirt_maxima(
            y0,
            np.array([ln.apex for ln in lines]),
            np.array([ln.prominence for ln in lines]),
            noise,
            window_points=max(8, int(skirt_window_hz / hz_pp)),
        )
        if lines
        else np.zeros(0, dtype=bool)
    )

    # an unreferenced vendor axis: the table shifts are looked up where its solvent line says
    axis_offset = residual_offset_ppm(lppm, heights, solvent_text, mhz=mhz) if nucleus == "1H" else 0.0
    table_ppm = lppm - axis_offset  # the lines' shifts on the tables' axis
    # a maximum the joint fit could not separate from its neighbours (its fitted height fell
    # below a pickable line's rise, or its width under the half point a picked line has: a
    # broad neighbour took its area) is listed as the spectrum shows it, its height at the apex
    # and its width at half its prominence, not "S/N 0, 0.04 Hz" (d01: 28 of 233 lines; a
    # 3500-sigma line of d16 borohydride). The analysis below keeps the fitted values.
    unresolved = [k for k, ln in enumerate(lines) if ln.height < prominence_snr * noise or ln.fwhm < 0.5]
    seen_w = {}
    if unresolved:
        at = np.clip(np.round([lines[k].apex for k in unresolved]).astype(int), 0, len(y0) - 1)
        seen_w = dict(zip(unresolved, peak_widths(y0, at, rel_height=0.5)[0]))
    peaks: list[NMRPeak] = []
    for k, ln in enumerate(lines):
        kind, label = classify_shift(float(table_ppm[k]), solvent_text, nucleus=nucleus, present=table_ppm)
        if k in sats:
            kind, label = "c13_satellite", "13C satellite"
        elif kind == "compound" and skirt[k]:
            kind, label = "artifact", "skirt of a strong line"
        height = max(float(apex_h[k]), 0.0) if k in seen_w else float(ln.height)
        fwhm = max(float(seen_w[k]), 0.5) if k in seen_w else float(ln.fwhm)
        peaks.append(
            NMRPeak(
                ppm=round(float(apex_ppm[k]), 5),
                index=int(np.clip(round(ln.apex), 0, len(y) - 1)),
                intensity=height,
                width_hz=fwhm * hz_pp,
                area=float(ln.area * ppp),
                snr=snr(height, noise),
                kind=kind,
                label=label,
            )
        )

    # ranges and multiplets, lines in Hz (increasing ppm order does not matter)
    hz = apex_ppm * mhz  # apex positions: a poorly conditioned joint fit cannot move them
    widths = np.array([ln.fwhm * hz_pp for ln in lines])  # the fitted ones (the peak list may show the spectrum's)
    main = [k for k in range(len(peaks)) if k not in sats]
    groups = group_lines(hz[main], widths[main], gap_hz=gap_hz) if main else []
    groups = [[main[i] for i in g] for g in groups]
    groups = split_on_major_lines(groups, hz, widths, apex_h, gap_hz)
    if nucleus in ("1H", "19F", "31P"):

        def _explained(g: list[int]) -> bool:
            hs = apex_h[g]
            sig = [k for k, h in zip(g, hs) if h >= min_line_fraction * hs.max()]
            gt = tol_hz if tol_hz is not None else max(0.4, 0.35 * float(np.median(widths[sig])))
            if symmetric_pattern(hz[sig], apex_h[sig], tol_hz=gt):
                return True
            if analyze_multiplet(hz[sig], apex_h[sig], tol_hz=gt).multiplicity != "m":
                return True
            # two interleaved multiplets: one range, resolved by the pair fit (treepair.py)
            return fit and two_overlapping(hz[sig], apex_h[sig], tol_hz=gt)

        groups = split_at_valleys(groups, pos, y0, _explained)
        groups = join_halves(groups, hz, apex_h, widths, tol_hz=tol_hz)
    # limits: every line's apex plus a margin of a few widths of the range's real lines
    # (small humps and traces at its edges get less, they would stretch it over baseline
    # and neighbours); colliding margins are cut at the valley between (ranges.range_limits)
    apex_pt = np.array([ln.apex if np.isfinite(ln.apex) else ln.position for ln in lines])
    reach = np.array([max(2.0, 2.0 * ln.fwhm) for ln in lines])
    groups = merge_interleaved(groups, apex_pt)
    majors = []
    for g in groups:
        hmax = max(apex_h[k] for k in g)
        major = [k for k in g if apex_h[k] >= 0.03 * hmax]
        reach[major] = max(4.0 * float(np.max(widths[major])), 2.0 * hz_pp) / hz_pp
        majors.append(major)
    smooth = int(0.25 * float(np.median(widths)) / hz_pp) if len(widths) else 1
    bounds = range_limits(groups, apex_pt, reach, y0, noise=noise, smooth_points=smooth)
    # the lineshape fits look at the main lines (within the range): the humps and traces
    # at a range's edges are no part of its coupling pattern
    windows = [
        (max(lo, float(np.min(apex_pt[mj] - reach[mj]))), min(hi, float(np.max(apex_pt[mj] + reach[mj]))))
        for mj, (lo, hi) in zip(majors, bounds)
    ]
    med_w = float(np.median(widths)) if len(widths) else 1.0
    broad_hz = max(3.0 * med_w, 5.0)  # a lone line this wide is a "br s" (exchange, unresolved)
    tol = tol_hz if tol_hz is not None else max(0.4, 0.25 * med_w)

    # H-H couplings stay below ~20 Hz; a compound with F or P (or an F/P spectrum) may couple more
    elements = set(getattr(m.sample, "elements", ()) or ())
    formula = getattr(m.sample, "formula", None) or ""
    hetero = bool(elements & {"F", "P"}) or re.search(r"F(?![a-z])|P(?![a-z])", formula) is not None
    max_hh_j = None if hetero or nucleus != "1H" else 20.0
    no_hetero = nucleus == "1H" and bool(elements or formula) and not hetero  # the molecule is known

    def too_wide(mult: str, js) -> bool:
        # a doublet wider than any H-H coupling, no F or P in the molecule: not a doublet
        return no_hetero and mult == "d" and js[0] > (max_hh_j or np.inf)

    max_solvent_j_hz = 3.0
    raw = []
    comp_lines = [k for k in range(len(peaks)) if peaks[k].kind == "compound" and k not in sats]
    top_h = float(np.max(apex_h[comp_lines])) if comp_lines else 0.0
    classes = [p.kind for p in peaks]
    for g, (lo, hi), (f0, f1) in zip(groups, bounds, windows):
        # an exchange-broadened water line among the compound's lines: a range of its own (water.py)
        carved = water_line(g, lines, classes, widths, y0, (lo, hi), typical_width_hz=med_w) if (
            fit and nucleus == "1H") else None
        wk = None if carved is None else carved[0]
        if carved is not None:
            lines[wk] = carved[1]  # its area, refitted over the whole range, is subtracted below
        yfit = y0 if carved is None else without_line(y0, carved[1])
        g = [k for k in g if k != wk]
        integral = integrate(y0, lo, hi, ppp)
        if fit:
            # tails: add our lines' area beyond the limits, remove the neighbours' inside
            own = set(g)
            for k, ln in enumerate(lines):
                if k in own:
                    integral += ln.area * ppp * (1.0 - fraction_inside(ln.position, ln.fwhm, ln.eta, lo, hi))
                elif min(abs(ln.position - lo), abs(ln.position - hi)) < 200 * ln.fwhm:
                    integral -= ln.area * ppp * fraction_inside(ln.position, ln.fwhm, ln.eta, lo, hi)
        kinds = {peaks[k].kind for k in g}
        label = ""
        if nucleus == "13C" or nucleus not in ("1H", "19F", "31P"):
            fitm = analyze_multiplet(hz[g], heights[g], tol_hz=tol) if len(g) == 1 else None
        else:
            # small lines inside a range (shimming humps, impurities, spinning sidebands)
            # are not part of the coupling pattern: outer lines of a septet are 1/20
            hs = apex_h[g]
            sig = [k for k, h in zip(g, hs) if h >= min_line_fraction * hs.max()]
            gtol = tol if tol_hz is not None else max(tol, 0.35 * float(np.median(widths[sig])))
            fitm = analyze_multiplet(hz[sig], apex_h[sig], tol_hz=gtol)
        if (
            fit
            and fitm is not None
            and nucleus in ("1H", "19F", "31P")
            and "compound" in kinds
            and float(np.max(apex_h[g])) >= max(30.0 * noise, 0.01 * top_h)
        ):  # whole-lineshape tree fit (treefit.py) of the compound's ranges, not of traces
            i0, i1 = int(max(0, np.floor(f0))), int(min(len(y0), np.ceil(f1) + 1))
            fitm = select_tree(
                ppm[i0:i1] * mhz,
                yfit[i0:i1],
                hz[sig],
                apex_h[sig],
                fitm,
                fwhm_hz=float(np.median(widths[g])),
                tol_hz=gtol,
                max_j_hz=max_hh_j,
            )
        elif fit and fitm is not None and fitm.multiplicity not in ("s", "m"):
            i0, i1 = int(max(0, np.floor(f0))), int(min(len(y0), np.ceil(f1) + 1))
            fitm = refine_multiplet(ppm[i0:i1] * mhz, yfit[i0:i1], fitm, fwhm_hz=float(np.median(widths[g])))
        if len(g) == 1 and widths[g[0]] > broad_hz:
            fitm = fitm and type(fitm)("br s", (), (), fitm.center_hz, 0.0)
        kind = "compound"
        if kinds != {"compound"}:
            # a range is the solvent's/impurity's when its strongest line is
            top = max(g, key=lambda k: peaks[k].intensity)
            if peaks[top].kind != "compound" and not (wk is not None and peaks[top].kind == "water"):
                kind, label = peaks[top].kind, peaks[top].label
        if kind == "solvent" and fitm is not None and max(fitm.j_hz, default=0.0) > max_solvent_j_hz:
            # a residual solvent line is split only by deuterium (J(H,D) = J(H,H)/6.5, at most
            # ~2.5 Hz: CHD2 quintets); a 7.6 Hz triplet at 7.28 ppm is the compound's (aspirin H5)
            kind, label = "compound", ""
        raw.append((g, lo, hi, integral, fitm, kind, label))
        if wk is not None:  # the water range: the line's own span within the range, its fitted area
            w = lines[wk]
            shape = "br s" if widths[wk] > broad_hz else "s"
            raw.append(([wk], max(lo, w.position - 2.0 * w.fwhm), min(hi, w.position + 2.0 * w.fwhm),
                        w.area * ppp, MultipletFit(shape, (), (), float(hz[wk]), 0.0), "water", peaks[wk].label))

    if nucleus == "1H" and not any(r[5] == "compound" for r in raw):
        # only table shifts besides solvent/water/TMS: the sample is that compound (neat ethyl
        # acetate shows all of "ethyl acetate"'s signals), not a trace of it in nothing
        raw = [(*r[:5], "compound", "") if r[5] == "impurity" else r for r in raw]
    # proton counts
    comp = [r for r in raw if r[5] == "compound" and r[3] > 0]
    if comp:  # tiny ranges (noise, humps, traces) must not set the proton unit
        # measured against a typical real range, not the largest: beside a 24H methyl envelope
        # (cyclosporin, d02) every 1H range is 4 % of the largest, and the N-methyls became 1H
        big = max(r[3] for r in comp)
        typical = float(np.median([r[3] for r in comp if r[3] >= 0.08 * big]))
        comp = [r for r in comp if r[3] >= 0.08 * typical]
    if comp:  # an "impurity" shift as large as the compound's signals is the compound's own
        med = float(np.median([r[3] for r in comp]))
        comp += [r for r in raw if r[5] == "impurity" and r[3] >= 0.5 * med]
    unit = None
    if comp:
        if reference is not None:
            ref_ppm, ref_h = reference
            for r in raw:
                top_ppm, low_ppm = np.interp([r[1], r[2]], idx_axis, ppm)
                if low_ppm <= ref_ppm <= top_ppm:
                    unit = r[3] / ref_h
            if unit is None:
                raise ProcessingError(f"no range contains the reference shift {ref_ppm} ppm")
        elif total_h:
            unit = sum(r[3] for r in comp) / total_h
        else:
            unit = proton_unit(np.array([r[3] for r in comp]))
    # impurity shifts that hold a whole proton or more are the compound's own signals
    ranges: list[NMRRange] = []
    multiplets: list[Multiplet] = []
    for g, lo, hi, integral, fitm, kind, label in raw:
        n_h = integral / unit if unit else 0.0
        if kind == "impurity" and n_h >= 0.6:
            kind, label = "compound", ""
        if kind == "water" and fitm is not None and fitm.multiplicity not in ("s", "br s"):
            kind, label = "compound", ""
        if kind == "compound" and unit and n_h < minor_h and nucleus == "1H":
            # far below one proton of the compound: a trace (impurity, noise on a tail)
            kind, label = "impurity", "minor signal"
        top_ppm, low_ppm = (float(v) for v in np.interp([lo, hi], idx_axis, ppm))
        ranges.append(NMRRange(round(top_ppm, 4), round(low_ppm, 4), float(integral), round(n_h, 3), kind))
        centroid = float(np.sum(lppm[g] * heights[g]) / np.sum(heights[g]))  # of an unresolved range
        if fitm is None:
            center = centroid
            mult, js = ("s", ()) if len(g) == 1 else ("m", ())
        else:
            center, mult, js = fitm.center_hz / mhz, fitm.multiplicity, fitm.j_hz
            if mult == "m":
                center = centroid
        if (
            no_hetero
            and kind == "compound"
            and fitm is not None
            and fitm.partner is None
            and mult == "d"
            and js[0] > MAX_METHYL_J_HZ
            and n_h >= 2.5
        ):
            # a methyl "doublet" wider than any coupling a methyl has to protons, in a molecule
            # with no F or P to couple it: two singlets (d02's N-methyls 18 Hz apart, given
            # cyclosporin's formula), their shares by the lines' areas
            fitm = two_singlets(fitm, [(float(hz[k]), float(lines[k].area)) for k in g])
            center, mult, js = fitm.center_hz / mhz, "s", ()
        elif fitm is not None and fitm.partner is None and too_wide(mult, js):
            center, mult, js = centroid, "m", ()
        parts = [(fitm, center, mult, js)]
        p2 = fitm.partner if fitm is not None else None
        while p2 is not None:
            # multiplets overlapping in one range (treepair.py): one record each, same range
            wide = too_wide(p2.multiplicity, p2.j_hz)
            parts.append((p2, p2.center_hz / mhz, "m" if wide else p2.multiplicity, () if wide else p2.j_hz))
            p2 = p2.partner
        if len(parts) > 1 and unit and kind == "compound" and nucleus == "1H":
            # a part far below one proton beside the range's real multiplets is a fit's leftover,
            # not a signal: its area goes back to the largest part
            keep = [pt for pt in parts if n_h * pt[0].fraction >= minor_h]
            if keep and len(keep) < len(parts):
                lost = sum(pt[0].fraction for pt in parts if pt not in keep)
                top = max(keep, key=lambda pt: pt[0].fraction)
                parts = [(dataclasses.replace(pt[0], fraction=pt[0].fraction + lost) if pt is top else pt[0],
                          *pt[1:]) for pt in keep]
        if len(parts) > 2 and unit and kind == "compound" and round(n_h) < len(parts):
            # more multiplets than protons: the fit cut one signal into fragments (a CH2 as four
            # half-proton doublets); the range is one multiplet the trees do not explain. (Two
            # are always allowed: a minor isomer's multiplet under the major one's is < 1H.)
            parts = [(fitm, centroid, "m", ())]
        for part, c_ppm, mult_k, js_k in parts:
            share = part.fraction if len(parts) > 1 else 1.0
            g_k = g if len(parts) == 1 else _lines_of(part, g, hz, widths)
            multiplets.append(
                Multiplet(
                    range_ppm=(round(top_ppm, 4), round(low_ppm, 4)),
                    center_ppm=round(float(c_ppm), 4),
                    multiplicity=mult_k,
                    j_hz=tuple(float(j) for j in js_k),
                    n_h=round(n_h * share, 3),
                    integral=float(integral * share),
                    peak_ppm=tuple(round(float(apex_ppm[k]), 5) for k in g_k),
                    kind=kind,
                    label=label,
                )
            )
    for k, p in enumerate(peaks):  # propagate the range's kind to its lines
        for g, r in zip([row[0] for row in raw], ranges):
            if k in g and p.kind == "compound" and r.kind != "compound":
                peaks[k] = NMRPeak(**{**p.__dict__, "kind": r.kind})
            elif k in g and p.kind in ("impurity", "water") and r.kind == "compound":
                peaks[k] = NMRPeak(**{**p.__dict__, "kind": "compound", "label": ""})

    # lineshape of the strongest line (solvent/TMS reference when present)
    ref_ppm, lw = None, None
    if peaks:
        refs = [k for k, p in enumerate(peaks) if p.kind in ("tms", "solvent")]
        k = max(refs or range(len(peaks)), key=lambda i: peaks[i].intensity)
        ref_ppm = peaks[k].ppm
        lw = linewidths_hz(y0, peaks[k].index, hz_pp)
    solvent_key = normalize_solvent(solvent_text) or (solvent_text or "")
    report = journal_report(nucleus, mhz, solvent_key, multiplets)
    return NMRAnalysis(
        nucleus=nucleus,
        frequency_mhz=mhz,
        solvent=solvent_key,
        noise=float(noise),
        peaks=tuple(peaks),
        ranges=tuple(ranges),
        multiplets=tuple(multiplets),
        report=report,
        reference_ppm=ref_ppm,
        linewidths_hz=lw,
        h_per_integral=(1.0 / unit) if unit else None,
        axis_offset_ppm=round(float(axis_offset), 4),
    )
