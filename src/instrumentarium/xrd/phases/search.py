"""Search-match: which reference phases make up a measured powder pattern, and how much of each.

Two stages, as in the commercial tools (Match!, HighScore) and Dara (notes §3):

1. **Peak-list figure of merit**, vectorised over the whole database: for every reference
   the intensity-weighted share of its strong lines (in the measured range) that fall on an
   observed peak (*reverse* search, "reference lines found") and the share of the observed
   peak intensity those lines explain (*forward* search). FoM = found² · √explained.
2. **Whole-profile check** of the best hypotheses: each shortlisted reference becomes a
   calculated profile (its own lines, Kα1+Kα2, the width measured on the pattern, a lattice
   scale refined by correlation with the residual) and non-negative scale factors of the
   accepted set plus the candidate are fitted to the background-subtracted pattern
   (Lawson–Hanson NNLS, weighted by 1/√counts). The candidate that lowers the weighted
   residual Rwp most is accepted; the search repeats on what is still unexplained
   ("auto-residue"), keeps the runners-up as alternatives, and finally drops any phase whose
   removal hardly changes Rwp.

Weight fractions follow from the fitted scales: a phase's calculated intensities are
``m|F|²Lp/V²`` per unit cell, so its scale is proportional to ``w/ρ`` and
``w_k = S_k ρ_k / Σ S_j ρ_j`` — the RIR (I/Ic) method of Chung, J. Appl. Cryst. 7 (1974) 519
with calculated I/Ic values (Hubbard & Snyder, Powder Diffr. 3 (1988) 74), applied to the
whole pattern instead of one line per phase.
"""

from __future__ import annotations

import numpy as np

from ...model import Measurement, ProcessingError
from ...pipeline import StepOutput, step
from . import _profile_fit as pf
from ._matching import LineTable, PeakMatcher, figure_of_merit
from ._pattern import prepare_pattern
from .calculate import two_theta_deg
from .results import Candidate, Identification, ObservedPeak, PhaseMatch

__all__ = ["LineTable", "PeakMatcher", "figure_of_merit", "identify", "identify_phases", "quantify"]


def identify(
    m: Measurement,
    elements=None,
    exclude=None,
    db=None,
    *,
    max_phases: int = 6,
    shortlist: int = 20,
    min_gain: float = 0.03,
    min_novelty: float = 0.2,
    min_lines_found: float = 0.3,
    monochromator_two_theta_deg: float = 0.0,
    reject=None,
) -> Identification:
    """Identify the crystalline phases of a powder pattern and estimate their weight fractions.

    To quantify a set of phases chosen by a person instead of searching, see :func:`quantify`.

    Parameters
    ----------
    m
        XRD Measurement, ``two_theta`` axis in deg; λ from ``XRDAcquisition`` (Cu Kα1 when
        absent, with Kα2 assumed for Cu).
    elements
        Element symbols the sample may contain (references with any other element are
        skipped); None searches everything.
    exclude
        Element symbols that are certainly absent.
    db
        A :class:`~instrumentarium.xrd.phases.refdb.ReferenceDB`, or the path of one; None
        uses ``<home>/refdb/reference.sqlite`` when ``instrumentarium xrd refdb build`` made
        one, else the starter library (built in the home on first use).
    max_phases
        At most this many phases are accepted.
    shortlist
        Hypotheses (one per duplicate group) given the whole-profile check in each round.
    min_gain
        A phase is accepted only if it lowers the profile residual Rwp by this fraction.
    min_novelty
        ... and if at least this share of its line intensity falls on observed peaks that the
        phases already accepted do not explain (an isostructural look-alike, such as Si under
        fluorite or chromite under magnetite, explains nothing new and is refused).
    min_lines_found
        Share of a reference's line intensity that must fall on observed peaks.
    monochromator_two_theta_deg
        Diffracted-beam monochromator angle for the polarisation factor (26.6 for graphite/Cu).
    reject
        Reference ids a person has ruled out: neither they nor their duplicates (entries of
        the same duplicate group, e.g. another CIF of the same mineral) are accepted.
    """
    if isinstance(elements, str):
        elements = [e for e in elements.replace(" ", ",").split(",") if e]
    if isinstance(exclude, str):
        exclude = [e for e in exclude.replace(" ", ",").split(",") if e]
    rdb, own = _open_db(db)
    try:
        return _identify(
            m, rdb, elements, exclude, max_phases, shortlist, min_gain, min_novelty, min_lines_found,
            monochromator_two_theta_deg, _reference_ids(reject, "reject"),
        )
    finally:
        if own:
            rdb.close()


def quantify(m: Measurement, phases, db=None, *, monochromator_two_theta_deg: float = 0.0) -> Identification:
    """Weight fractions of exactly the given reference phases, without searching.

    What a scientist needs after deciding which phases are really there (accepting or
    rejecting candidates of :func:`identify`): each reference becomes a calculated profile
    as in the search (its lines with Lp, Kα1+Kα2, the width measured on the pattern, lattice
    scale and zero shift aligned by stick correlation, the zero shift then shared by the
    sample), non-negative scale factors of all of them are fitted to the background-free
    pattern (Lawson & Hanson 1974, NNLS weighted by 1/√counts) and the weight fractions
    follow from the scales by the RIR method (Chung, J. Appl. Cryst. 7 (1974) 519, with
    calculated I/Ic: Hubbard & Snyder, Powder Diffr. 3 (1988) 74), summing to 1.

    Parameters
    ----------
    m
        XRD Measurement, ``two_theta`` axis in deg (as for :func:`identify`).
    phases
        Reference ids (``PhaseMatch.reference_id``/``Candidate.reference_id`` of the same
        database), in the order their zero shift is aligned: put the main phase first. An
        empty sequence gives an identification with no phases (everything unexplained).
    db
        The :class:`~instrumentarium.xrd.phases.refdb.ReferenceDB` (or its path) the ids
        belong to; None: the same default as :func:`identify`.
    monochromator_two_theta_deg
        Diffracted-beam monochromator angle for the polarisation factor.

    Returns
    -------
    Identification
        ``phases`` in the order of decreasing weight fraction (a phase whose fitted scale is
        zero keeps a weight fraction of 0), no ``candidates``, ``rwp`` and the peaks the
        given phases leave unexplained.

    Raises
    ------
    ProcessingError
        When an id is not in the database, or the pattern cannot be searched.
    """
    ids = _reference_ids(phases, "phases")
    rdb, own = _open_db(db)
    try:
        return _quantify(m, rdb, ids, monochromator_two_theta_deg)
    finally:
        if own:
            rdb.close()


def _reference_ids(values, what: str) -> list[int]:
    if values is None:
        return []
    if isinstance(values, int | str):
        values = [values]
    out = []
    for v in values:
        try:
            out.append(int(v))
        except (TypeError, ValueError):
            raise ProcessingError(f"{what}: {v!r} is not a reference id (an integer)") from None
    return list(dict.fromkeys(out))


def _open_db(db):
    """(ReferenceDB, whether this call opened it and must close it)."""
    from .refdb import ReferenceDB

    if isinstance(db, ReferenceDB):
        return db, False
    if db is not None:
        return ReferenceDB(db), True
    return _default_db(), True


def _quantify(m, rdb, ids, mono) -> Identification:
    pattern = prepare_pattern(m)
    table = rdb.arrays()
    x = pattern.two_theta
    dmin_tth = two_theta_deg(1.0, pattern.wavelength_angstrom)
    sel = x <= (dmin_tth if np.isfinite(dmin_tth) else x[-1]) - 0.5
    known = {int(i): k for k, i in enumerate(table.ids)}
    missing = [i for i in ids if i not in known]
    if missing:
        raise ProcessingError(f"reference id(s) {missing} not in the reference database {rdb.path}")
    mask = np.zeros(len(table.ids), bool)
    mask[[known[i] for i in ids]] = True
    _, found, expl = PeakMatcher(table, pattern, mask).score(pattern.peak_height, mask)
    taken = np.zeros(len(pattern.peak_two_theta), bool)
    accepted: list[pf.Hypothesis] = []
    model = np.zeros_like(x)
    for i in ids:
        ent = rdb.entry(i)
        ds, shift = pf.align(ent, pattern, pattern.net - model, mono, accepted[0].shift if accepted else None)
        tth, inten, d = pf.lines(ent, pattern, ds, mono, shift)
        prof = pf.profile(pattern, tth, inten, d)
        k = known[i]
        accepted.append(pf.Hypothesis(ent, ds, shift, prof, tth, inten, float(found[k]), 0.0, float(expl[k]),
                                      pf.novelty(pattern, tth, inten, taken), 0.0))
        _, model, _ = pf.fit(pattern, [p.profile for p in accepted], sel)
    coef, model, rwp = pf.fit(pattern, [p.profile for p in accepted], sel)
    return _result(pattern, rdb, accepted, coef, model, rwp, [], {}, len(ids), sel)


def _default_db():
    """The home's reference database when one was built there, else the starter library."""
    from .refdb import ReferenceDB, default_db_path
    from .starter import open_starter_db

    path = default_db_path()
    if path.is_file() and path.stat().st_size > 0:
        rdb = ReferenceDB(path)
        if len(rdb):
            return rdb
        rdb.close()
    return open_starter_db()


def _identify(
    m, rdb, elements, exclude, max_phases, shortlist, min_gain, min_novelty, min_lines_found, mono, reject=()
) -> Identification:
    import os

    debug = bool(os.environ.get("INSTRUMENTARIUM_DEBUG_SEARCH"))
    pattern = prepare_pattern(m)
    table = rdb.arrays()
    mask = table.allowed(elements, exclude)
    if reject:
        ruled_out = table.group[np.isin(table.ids, list(reject))]
        mask &= ~np.isin(table.group, ruled_out)
    n_refs = int(mask.sum())
    x = pattern.two_theta
    # References carry lines down to d = 1 Å: fit only where they can explain the pattern.
    dmin_tth = two_theta_deg(1.0, pattern.wavelength_angstrom)
    sel = x <= (dmin_tth if np.isfinite(dmin_tth) else x[-1]) - 0.5
    peak_idx = np.searchsorted(x, pattern.peak_two_theta)
    matcher = PeakMatcher(table, pattern, mask)
    accepted: list[pf.Hypothesis] = []
    candidates: list[Candidate] = []
    alternatives: dict[int, list[str]] = {}
    model = np.zeros_like(x)
    rwp = 1.0
    cache: dict[int, object] = {}

    def entry(eid: int):
        if eid not in cache:
            cache[eid] = rdb.entry(eid)
        return cache[eid]

    for _round in range(max_phases):
        resid = pattern.net - model
        peak_w = np.clip(resid[peak_idx], 0, None) if len(peak_idx) else np.zeros(0)
        if len(peak_w) == 0 or peak_w.sum() < 0.02 * pattern.peak_height.sum():
            break
        round_mask = mask.copy()
        for ph in accepted:
            round_mask &= table.group != ph.entry.group_id
        score, found, expl = matcher.score(peak_w, round_mask)
        order = np.argsort(-score)
        order = order[score[order] > 0]
        _, first = np.unique(table.group[order], return_index=True)
        short = order[np.sort(first)][:shortlist]
        trials = []
        # A peak is taken when the phases accepted so far model at least half of it (a weak
        # line of a phase that merely lies near a peak does not explain it).
        taken = model[peak_idx] >= 0.5 * pattern.net[peak_idx] if len(peak_idx) else np.zeros(0, bool)
        for k in short:
            if found[k] < min_lines_found:
                continue
            ent = entry(int(table.ids[k]))
            ds, shift = pf.align(ent, pattern, resid, mono, accepted[0].shift if accepted else None)
            tth, inten, d = pf.lines(ent, pattern, ds, mono, shift)
            novelty = pf.novelty(pattern, tth, inten, taken)
            if novelty < min_novelty:
                continue  # its lines only coincide with phases already there (e.g. Si under CaF2)
            prof = pf.profile(pattern, tth, inten, d)
            coef, mdl, r = pf.fit(pattern, [p.profile for p in accepted] + [prof], sel)
            if coef[-1] <= 0 or found[k] < min_lines_found:
                continue
            local = pf.local_gain(pattern, model, mdl, coef[-1] * prof, sel)
            ph = pf.Hypothesis(ent, ds, shift, prof, tth, inten, float(found[k]), float(score[k]), float(expl[k]),
                        novelty, local)
            if debug:
                print(f"  trial {ent.name[:30]:30s} r={r:.4f} found={found[k]:.2f} nov={novelty:.2f} local={local:.2f}")
            trials.append((r, ph, coef))
        if not trials:
            break
        # Rank by Rwp, a lattice or zero mismatch costing a little: among look-alikes
        # (magnetite/chromite) the reference that fits without stretching wins.
        trials.sort(key=lambda t: t[0] * (1 + 10 * abs(t[1].d_scale - 1) + 0.05 * abs(t[1].shift)))

        def acceptable(r: float, ph: pf.Hypothesis, rwp: float = rwp) -> bool:
            # Either the phase lowers Rwp clearly, or its strong lines are nearly all there,
            # mostly on peaks nothing else explains, and the fit improves a lot where its own
            # peaks are (a real minor phase whose global Rwp gain is drowned by the misfit of
            # the major ones, e.g. 5 wt % corundum in zincite).
            g = (rwp - r) / rwp
            if g >= min_gain:
                return True
            return ph.lines_found >= 0.6 and ph.novelty >= 0.5 and ph.local_gain >= 0.3 and g > 0.001

        chosen = next((t for t in trials if acceptable(t[0], t[1])), None)
        best_r, best, _ = chosen or trials[0]
        gain = (rwp - best_r) / rwp
        for r, ph, _ in trials[:8]:
            g = (rwp - r) / rwp
            candidates.append(Candidate(
                name=ph.entry.name, formula=ph.entry.formula, space_group=ph.entry.space_group,
                score=round(float(np.clip(ph.lines_found * np.sqrt(max(g, 0) / max(gain, 1e-9)), 0, 1)), 4),
                reference_id=ph.entry.id, lines_found=round(ph.lines_found, 4),
                pattern_explained=round(ph.explained, 4), profile_gain=round(float(g), 4),
                alternative_to=None if ph is best else best.entry.name,
            ))
        if chosen is None:
            break
        alternatives[best.entry.id] = [
            f"{ph.entry.name} ({ph.entry.formula}, {ph.entry.space_group})"
            for r, ph, _ in trials
            if ph is not best and (rwp - r) >= 0.8 * (rwp - best_r) and ph.entry.formula == best.entry.formula
        ][:5]
        accepted.append(best)
        _, model, rwp = pf.fit(pattern, [p.profile for p in accepted], sel)

    # Drop phases that the others make redundant (little global and little local gain).
    changed = True
    while changed and len(accepted) > 1:
        changed = False
        coef_all, model_all, _ = pf.fit(pattern, [p.profile for p in accepted], sel)
        for i in range(len(accepted)):
            rest = accepted[:i] + accepted[i + 1 :]
            _, model_rest, r = pf.fit(pattern, [p.profile for p in rest], sel)
            local = pf.local_gain(pattern, model_rest, model_all, coef_all[i] * accepted[i].profile, sel)
            if (r - rwp) / max(rwp, 1e-12) < min_gain / 2 and local < 0.3:
                accepted = rest
                _, model, rwp = pf.fit(pattern, [p.profile for p in accepted], sel)
                changed = True
                break
    coef, model, rwp = pf.fit(pattern, [p.profile for p in accepted], sel)
    return _result(pattern, rdb, accepted, coef, model, rwp, candidates, alternatives, n_refs, sel)


def _result(pattern, rdb, accepted, coef, model, rwp, candidates, alternatives, n_refs, sel):
    mass = np.array([c * p.entry.density_g_cm3 for c, p in zip(coef, accepted)])
    frac = mass / mass.sum() if mass.sum() > 0 else mass
    net_total = float(pattern.net[sel].sum()) or 1.0
    phases = []
    for c, f, p in zip(coef, frac, accepted):
        share = float((c * p.profile[sel]).sum() / net_total)
        inside = (p.tth >= pattern.two_theta[0]) & (p.tth <= pattern.two_theta[-1])
        inside &= p.inten >= 1e-3 * p.inten.max() if len(p.inten) else inside
        phases.append(PhaseMatch(
            name=p.entry.name, formula=p.entry.formula, space_group=p.entry.space_group,
            score=round(float(np.clip(p.lines_found * min(1.0, share * 4 + 0.5), 0, 1)), 4),
            weight_fraction=round(float(f), 4), reference_id=p.entry.id, rir=round(p.entry.rir, 4),
            scale=float(c), d_scale=round(p.d_scale, 5), zero_shift_deg=round(p.shift, 3),
            lines_found=round(p.lines_found, 4),
            alternatives=tuple(alternatives.get(p.entry.id, ())),
            stick_two_theta_deg=tuple(round(float(t), 4) for t in p.tth[inside]),
            stick_intensity=tuple(float(f"{v:.5g}") for v in c * p.inten[inside]),
        ))
    phases.sort(key=lambda ph: -ph.weight_fraction)
    peaks, unexplained = [], []
    idx = np.searchsorted(pattern.two_theta, pattern.peak_two_theta)
    near = [pf.near(pattern.peak_two_theta, pf.all_lines(pattern, p.tth)) for p in accepted]
    for n_pk, (t, h, i) in enumerate(zip(pattern.peak_two_theta, pattern.peak_height, idx)):
        by = [p.entry.name for p, hit in zip(accepted, near) if hit[n_pk]]
        d = pattern.wavelength_angstrom / (2 * np.sin(np.radians(t / 2)))
        pk = ObservedPeak(round(float(t), 4), round(float(d), 5), round(float(h), 3), tuple(by))
        peaks.append(pk)
        if sel[min(i, len(sel) - 1)] and model[i] < 0.5 * pattern.net[i] and (
            pattern.net[i] - model[i]
        ) > 4 * pattern.noise:
            unexplained.append(pk)
    explained = float(np.clip(model[sel].sum() / max(pattern.net[sel].sum(), 1e-30), 0, 1))
    seen, ranked = set(), []
    for c in sorted(candidates, key=lambda c: -c.score):
        if c.reference_id not in seen:
            seen.add(c.reference_id)
            ranked.append(c)
    return Identification(
        phases=tuple(phases), candidates=tuple(ranked[:20]), peaks=tuple(peaks),
        unexplained_peaks=tuple(unexplained), rwp=round(float(rwp), 4), explained_fraction=round(explained, 4),
        wavelength_angstrom=pattern.wavelength_angstrom, n_references=n_refs, database=str(rdb.path),
        confidence=round(float(np.clip(1 - rwp, 0, 1)) * (1 - len(unexplained) / max(len(peaks), 1)), 4),
    )


@step("xrd.identify_phases", technique="xrd")
def identify_phases(
    m: Measurement,
    *,
    elements: tuple[str, ...] | None = None,
    exclude: tuple[str, ...] | None = None,
    db: str | None = None,
    max_phases: int = 6,
    monochromator_two_theta_deg: float = 0.0,
) -> StepOutput:
    """Processing step: :func:`identify`, the result stored as ``results["phases"]`` (the
    accepted :class:`PhaseMatch` records, with sticks for report overlays) and
    ``results["identification"]`` (everything, candidates and unexplained peaks included).
    """
    result = identify(
        m, elements=elements, exclude=exclude, db=db, max_phases=max_phases,
        monochromator_two_theta_deg=monochromator_two_theta_deg,
    )
    out = m.with_results(phases=result.phases, identification=result)
    warnings = []
    if not result.phases:
        warnings.append("no reference phase explains the pattern")
    elif result.unexplained_peaks:
        warnings.append(
            f"{len(result.unexplained_peaks)} peak(s) unexplained by the identified phases: "
            + ", ".join(f"{p.two_theta_deg:.2f}°" for p in result.unexplained_peaks[:10])
        )
    decisions = {
        "phases": [f"{p.name} ({p.formula}, {p.space_group}) {100 * p.weight_fraction:.1f} wt %"
                   for p in result.phases],
        "confidence": result.confidence,
    }
    return StepOutput(out, decisions=decisions, warnings=warnings)
