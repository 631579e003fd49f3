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

from dataclasses import dataclass, field

import numpy as np

from ...model import Measurement, ProcessingError
from ...pipeline import StepOutput, step
from ._pattern import PreparedPattern, prepare_pattern
from .calculate import lorentz_polarization, two_theta_deg
from .results import Candidate, Identification, ObservedPeak, PhaseMatch

__all__ = ["LineTable", "PeakMatcher", "figure_of_merit", "identify", "identify_phases"]

_ELEMENTS = (
    "H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr "
    "Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb "
    "Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr"
).split()
_Z = {e: i + 1 for i, e in enumerate(_ELEMENTS)}


def _z(symbol: str) -> int:
    s = symbol.strip()
    s = s[:1].upper() + s[1:].lower()
    if s == "D":
        s = "H"
    if s not in _Z:
        raise ProcessingError(f"unknown element symbol {symbol!r}; use symbols such as Al, O, Fe")
    return _Z[s]


@dataclass(frozen=True)
class LineTable:
    """The strongest lines of every reference, flattened for vectorised scoring.

    ``line_entry`` indexes ``ids``; intensities are ``m|F|²`` (Lp applied at search time).
    """

    ids: np.ndarray
    group: np.ndarray
    elem_entry: np.ndarray
    elem_z: np.ndarray
    line_entry: np.ndarray
    line_d: np.ndarray
    line_mf2: np.ndarray
    _by_wavelength: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_rows(cls, rows) -> LineTable:
        """Build from ``(id, elements, group_id, n_top, top_d_blob, top_mf2_blob)`` rows.

        Vectorised: the blobs are joined and read once (100 000 entries load in about a second).
        """
        if not rows:
            z = np.zeros(0, np.int64)
            return cls(z, z, z.astype(np.int32), z.astype(np.int16), z.astype(np.int32),
                       z.astype(np.float32), z.astype(np.float32))
        ids, elements, groups, n_top, dblobs, mblobs = zip(*rows)
        n_top = np.array(n_top, np.int64)
        index = np.arange(len(ids), dtype=np.int32)
        # Elements: one pass over the distinct element strings, then a repeat.
        uniq: dict[str, np.ndarray] = {}
        codes = []
        for text in elements:
            z = uniq.get(text)
            if z is None:
                z = uniq[text] = np.array(
                    [_Z.get("H" if e == "D" else e, 0) for e in text.split(",") if e], np.int16
                )  # 0: unknown element
            codes.append(z)
        counts = np.array([len(z) for z in codes], np.int64)
        return cls(
            ids=np.array(ids, np.int64), group=np.array(groups, np.int64),
            elem_entry=np.repeat(index, counts), elem_z=np.concatenate(codes),
            line_entry=np.repeat(index, n_top),
            line_d=np.frombuffer(b"".join(dblobs), np.float32),
            line_mf2=np.frombuffer(b"".join(mblobs), np.float32),
        )

    def at_wavelength(self, wavelength_angstrom: float):
        """2θ (deg), ``m|F|²Lp`` and the match tolerance of every line (float32, cached per λ).

        Lines that cannot diffract at this wavelength get 2θ = 999 (outside every pattern).
        """
        key = round(float(wavelength_angstrom), 6)
        hit = self._by_wavelength.get(key)
        if hit is None:
            tth = two_theta_deg(self.line_d.astype(float), wavelength_angstrom)
            inten = self.line_mf2 * lorentz_polarization(np.nan_to_num(tth, nan=90.0))
            tol = _tolerance_deg(np.nan_to_num(tth, nan=90.0))
            hit = (np.nan_to_num(tth, nan=999.0).astype(np.float32), inten.astype(np.float32),
                   tol.astype(np.float32))
            self._by_wavelength.clear()
            self._by_wavelength[key] = hit
        return hit

    def allowed(self, elements=None, exclude=None) -> np.ndarray:
        """Boolean mask of entries whose elements are all in ``elements`` and none in ``exclude``."""
        ok = np.ones(len(self.ids), bool)
        if elements:
            allowed_z = np.zeros(120, bool)
            allowed_z[[_z(e) for e in elements]] = True
            bad = np.bincount(self.elem_entry, weights=~allowed_z[self.elem_z], minlength=len(self.ids))
            ok &= bad == 0
        if exclude:
            excl = np.zeros(120, bool)
            excl[[_z(e) for e in exclude]] = True
            bad = np.bincount(self.elem_entry, weights=excl[self.elem_z], minlength=len(self.ids))
            ok &= bad == 0
        return ok


def _tolerance_deg(two_theta) -> np.ndarray:
    """Position tolerance: instrument/zero errors plus a 0.3 % cell mismatch (Δ2θ = 2 tanθ Δd/d)."""
    return 0.1 + np.degrees(2 * np.tan(np.radians(np.asarray(two_theta) / 2)) * 0.003)


class PeakMatcher:
    """Peak-list matching of every reference, done once per pattern; scored per search round.

    Which reference line falls on which observed peak does not depend on how much of each
    peak is still unexplained, so the expensive part (nearest peak of every line, for a few
    2θ zero shifts — sample displacement of a few tenths of a degree is common on laboratory
    instruments) runs once and each round only re-weights the matched pairs.
    """

    def __init__(self, table: LineTable, pattern: PreparedPattern, mask: np.ndarray,
                 shifts_deg=(-0.12, 0.0, 0.12)):
        self.n = n = len(table.ids)
        self.mask = mask
        peaks = pattern.peak_two_theta
        self.npk = len(peaks)
        self.per_shift = []
        if self.npk == 0 or n == 0:
            return
        lo, hi = pattern.two_theta[0] + 0.3, pattern.two_theta[-1] - 0.3
        tth0, inten0, tol0 = table.at_wavelength(pattern.wavelength_angstrom)
        e0 = table.line_entry
        if not mask.all():
            keep = mask[e0]
            e0, tth0, inten0, tol0 = e0[keep], tth0[keep], inten0[keep], tol0[keep]
        # Nearest observed peak on a 0.01° grid: one gather per line instead of a binary search.
        g0, step = lo - 1.0, 0.01
        grid = g0 + step * np.arange(int((hi - lo + 2.0) / step) + 2)
        j = np.clip(np.searchsorted(peaks, grid), 1, max(self.npk - 1, 1))
        jm = np.minimum(j, self.npk - 1)
        nn = np.where(np.abs(grid - peaks[j - 1]) <= np.abs(peaks[jm] - grid), j - 1, jm).astype(np.int32)
        peaks32 = peaks.astype(np.float32)
        for shift in shifts_deg:
            tth = tth0 + np.float32(shift)
            inrange = (tth >= lo) & (tth <= hi)
            b = np.clip(((tth - np.float32(g0)) * np.float32(1 / step) + 0.5).astype(np.int32), 0, len(grid) - 1)
            nearest_all = nn[b]
            matched_all = inrange & (np.abs(peaks32[nearest_all] - tth) <= tol0)
            e, w, matched, nearest = e0, inten0 * inrange, matched_all, nearest_all
            total = np.bincount(e, weights=w, minlength=n)
            found = np.bincount(e, weights=w * matched, minlength=n)
            nlines = np.bincount(e, weights=inrange, minlength=n)
            with np.errstate(invalid="ignore", divide="ignore"):
                lines_found = np.where(total > 0, found / total, 0.0) * np.minimum(1.0, nlines / 3.0)
            # Lines of an entry are sorted by d, so two of them on the same peak are neighbours:
            # count each (entry, peak) pair once without sorting millions of keys.
            em, pm = e[matched], nearest[matched]
            first = np.ones(len(em), bool)
            first[1:] = (em[1:] != em[:-1]) | (pm[1:] != pm[:-1])
            self.per_shift.append((lines_found, em[first], pm[first]))

    def score(self, peak_weight: np.ndarray, mask: np.ndarray | None = None):
        """Return (score, lines_found, explained) per entry, the best over the zero shifts.

        ``explained`` is the share of ``peak_weight`` (e.g. the still-unexplained peak
        heights) on peaks that the entry's lines hit; score = lines_found² · √explained.
        """
        n = self.n
        mask = self.mask if mask is None else mask
        best = (np.zeros(n), np.zeros(n), np.zeros(n))
        pw = np.asarray(peak_weight, float)
        for lines_found, ke, kp in self.per_shift:
            explained = np.bincount(ke, weights=pw[kp], minlength=n) / max(pw.sum(), 1e-12)
            score = np.where(mask, lines_found**2 * np.sqrt(np.clip(explained, 0, 1)), 0.0)
            better = score > best[0]
            best = tuple(np.where(better, a, b) for a, b in zip((score, lines_found, explained), best))
        return best


def figure_of_merit(table: LineTable, pattern: PreparedPattern, peak_weight: np.ndarray, mask: np.ndarray):
    """Return (score, lines_found, explained) per entry of ``table`` (zeros where masked out)."""
    return PeakMatcher(table, pattern, mask).score(peak_weight)


# -- whole-profile stage ------------------------------------------------------------------


@dataclass
class _Phase:
    entry: object  # ReferenceEntry
    d_scale: float
    shift: float
    profile: np.ndarray
    tth: np.ndarray
    inten: np.ndarray
    lines_found: float
    fom: float
    explained: float
    novelty: float
    local_gain: float


def _lines(entry, pattern: PreparedPattern, d_scale: float, mono: float, shift: float = 0.0):
    tth = two_theta_deg(entry.d_angstrom * d_scale, pattern.wavelength_angstrom) + shift
    ok = np.isfinite(tth) & (tth > pattern.two_theta[0] - 1) & (tth < pattern.two_theta[-1] + 1)
    lp = lorentz_polarization(tth[ok] - shift, monochromator_two_theta_deg=mono)
    return tth[ok], entry.mf2[ok] * lp / entry.volume_angstrom3**2, entry.d_angstrom[ok] * d_scale


def _profile(pattern: PreparedPattern, tth, inten, d) -> np.ndarray:
    """Pseudo-Voigt (η = 0.5) lines on the pattern grid, Kα2 added, vectorised by windows."""
    x = pattern.two_theta
    step = float(np.median(np.diff(x)))
    centers, areas = [tth], [inten]
    if pattern.wavelength2_angstrom:
        t2 = two_theta_deg(d, pattern.wavelength2_angstrom)
        ok = np.isfinite(t2)
        centers.append(t2[ok])
        areas.append(inten[ok] * pattern.ka2_ratio)
    c, a = np.concatenate(centers), np.concatenate(areas)
    out = np.zeros_like(x)
    if len(c) == 0:
        return out
    big = a >= 1e-3 * a.max()  # lines below 0.1 % of the strongest change nothing
    c, a = c[big], a[big]
    fw = pattern.fwhm(c)
    half = int(np.ceil(6 * fw.max() / step))
    i0 = np.searchsorted(x, c)
    offs = np.arange(-half, half + 1)
    idx = i0[:, None] + offs[None, :]
    valid = (idx >= 0) & (idx < len(x))
    idxc = np.clip(idx, 0, len(x) - 1)
    dx = x[idxc] - c[:, None]
    w = fw[:, None]
    g = np.sqrt(4 * np.log(2) / np.pi) / w * np.exp(-4 * np.log(2) * dx**2 / w**2)
    lor = (2 / np.pi) * w / (w**2 + 4 * dx**2)
    vals = a[:, None] * (0.5 * g + 0.5 * lor) * valid
    np.add.at(out, idxc.ravel(), vals.ravel())
    return out


def _best_alignment(
    entry, pattern: PreparedPattern, resid: np.ndarray, mono: float, zero: float | None = None
) -> tuple[float, float]:
    """Lattice scale and zero shift that put a reference's lines on the unexplained intensity.

    A stick correlation (line intensities times √residual at the line positions; the root
    keeps the misfit of big peaks from dominating) over a grid: scale 0.99–1.01 and zero shift
    ±0.3° for the first phase; once a phase is accepted, the zero shift belongs to the sample
    (zero error, displacement) and only ±0.04° around it is allowed.
    """
    tth, inten, _ = _lines(entry, pattern, 1.0, mono)
    if len(tth) == 0:
        return 1.0, zero or 0.0
    strong = np.argsort(-inten)[:40]
    tth, inten = tth[strong], inten[strong]
    if zero is None:
        scales, shifts = np.linspace(0.99, 1.01, 41), np.linspace(-0.3, 0.3, 13)
    else:
        scales, shifts = np.linspace(0.995, 1.005, 21), zero + np.linspace(-0.04, 0.04, 5)
    s = np.sin(np.radians(tth / 2))[None, :] / scales[:, None]
    t = 2 * np.degrees(np.arcsin(np.clip(s, -1, 1)))  # (nscale, nline)
    t = t[:, None, :] + shifts[None, :, None]  # (nscale, nshift, nline)
    r = np.interp(t, pattern.two_theta, np.sqrt(np.maximum(resid, 0)))
    corr = (r * inten).sum(axis=2)
    # Prefer the unstretched solution when the correlation is flat.
    center = 0.0 if zero is None else zero
    corr = corr * (1 - 0.02 * np.abs(scales - 1)[:, None] / 0.01 - 0.02 * np.abs(shifts - center)[None, :] / 0.3)
    i, j = np.unravel_index(int(np.argmax(corr)), corr.shape)
    return float(scales[i]), float(shifts[j])


def _all_lines(pattern: PreparedPattern, tth: np.ndarray) -> np.ndarray:
    """Kα1 line positions plus their Kα2 partners (deg)."""
    if not pattern.wavelength2_angstrom or len(tth) == 0:
        return tth
    d = pattern.wavelength_angstrom / (2 * np.sin(np.radians(tth / 2)))
    t2 = two_theta_deg(d, pattern.wavelength2_angstrom)
    return np.concatenate([tth, t2[np.isfinite(t2)]])


def _near(points: np.ndarray, lines: np.ndarray) -> np.ndarray:
    """For each point, whether a line lies within the search tolerance."""
    if len(lines) == 0 or len(points) == 0:
        return np.zeros(len(points), bool)
    lines = np.sort(lines)
    j = np.clip(np.searchsorted(lines, points), 1, max(len(lines) - 1, 1))
    dist = np.minimum(np.abs(points - lines[j - 1]), np.abs(lines[np.minimum(j, len(lines) - 1)] - points))
    return dist <= _tolerance_deg(points)


def _novelty(pattern: PreparedPattern, tth, inten, taken: np.ndarray) -> float:
    """Intensity share of a candidate's lines that fall on observed peaks nobody explains yet."""
    peaks = pattern.peak_two_theta
    inr = (tth > pattern.two_theta[0]) & (tth < pattern.two_theta[-1])
    if len(peaks) == 0 or not inr.any():
        return 0.0
    t, w = tth[inr], inten[inr]
    j = np.clip(np.searchsorted(peaks, t), 1, max(len(peaks) - 1, 1))
    nearest = np.where(np.abs(t - peaks[j - 1]) <= np.abs(peaks[np.minimum(j, len(peaks) - 1)] - t), j - 1, j)
    nearest = np.minimum(nearest, len(peaks) - 1)
    hit = (np.abs(peaks[nearest] - t) <= _tolerance_deg(t)) & ~taken[nearest]
    return float(w[hit].sum() / max(w.sum(), 1e-30))


def _local_gain(pattern: PreparedPattern, before: np.ndarray, after: np.ndarray, contrib: np.ndarray, sel) -> float:
    """Relative drop of the weighted residual where a phase's own profile is significant."""
    if contrib.max() <= 0:
        return 0.0
    where = sel & (contrib > 0.1 * contrib[sel].max())
    if not where.any():
        return 0.0
    w, y = pattern.weights[where], pattern.net[where]
    r0 = np.sum((w * (y - before[where])) ** 2)
    r1 = np.sum((w * (y - after[where])) ** 2)
    return float((r0 - r1) / max(r0, 1e-30))


def _fit(pattern: PreparedPattern, profiles: list[np.ndarray], sel: np.ndarray):
    from scipy.optimize import nnls

    w = pattern.weights[sel]
    y = pattern.net[sel]
    if not profiles:
        return np.zeros(0), np.zeros_like(pattern.net), 1.0
    a = np.stack([p[sel] for p in profiles], axis=1)
    norm = np.maximum(a.max(axis=0), 1e-30)
    coef, _ = nnls(a * w[:, None] / norm, y * w, maxiter=50 * a.shape[1])
    coef = coef / norm
    model = np.stack(profiles, axis=1) @ coef
    rwp = float(np.sqrt(np.sum((w * (y - model[sel])) ** 2) / max(np.sum((w * y) ** 2), 1e-30)))
    return coef, model, rwp


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
) -> Identification:
    """Identify the crystalline phases of a powder pattern and estimate their weight fractions.

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
    """
    from .refdb import ReferenceDB

    if isinstance(elements, str):
        elements = [e for e in elements.replace(" ", ",").split(",") if e]
    if isinstance(exclude, str):
        exclude = [e for e in exclude.replace(" ", ",").split(",") if e]
    own = not isinstance(db, ReferenceDB)
    if isinstance(db, ReferenceDB):
        rdb = db
    elif db is not None:
        rdb = ReferenceDB(db)
    else:
        rdb = _default_db()
    try:
        return _identify(
            m, rdb, elements, exclude, max_phases, shortlist, min_gain, min_novelty, min_lines_found,
            monochromator_two_theta_deg,
        )
    finally:
        if own:
            rdb.close()


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
    m, rdb, elements, exclude, max_phases, shortlist, min_gain, min_novelty, min_lines_found, mono
) -> Identification:
    import os

    debug = bool(os.environ.get("INSTRUMENTARIUM_DEBUG_SEARCH"))
    pattern = prepare_pattern(m)
    table = rdb.arrays()
    mask = table.allowed(elements, exclude)
    n_refs = int(mask.sum())
    x = pattern.two_theta
    # References carry lines down to d = 1 Å: fit only where they can explain the pattern.
    dmin_tth = two_theta_deg(1.0, pattern.wavelength_angstrom)
    sel = x <= (dmin_tth if np.isfinite(dmin_tth) else x[-1]) - 0.5
    peak_idx = np.searchsorted(x, pattern.peak_two_theta)
    matcher = PeakMatcher(table, pattern, mask)
    accepted: list[_Phase] = []
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
            ds, shift = _best_alignment(ent, pattern, resid, mono, accepted[0].shift if accepted else None)
            tth, inten, d = _lines(ent, pattern, ds, mono, shift)
            novelty = _novelty(pattern, tth, inten, taken)
            if novelty < min_novelty:
                continue  # its lines only coincide with phases already there (e.g. Si under CaF2)
            prof = _profile(pattern, tth, inten, d)
            coef, mdl, r = _fit(pattern, [p.profile for p in accepted] + [prof], sel)
            if coef[-1] <= 0 or found[k] < min_lines_found:
                continue
            local = _local_gain(pattern, model, mdl, coef[-1] * prof, sel)
            ph = _Phase(ent, ds, shift, prof, tth, inten, float(found[k]), float(score[k]), float(expl[k]),
                        novelty, local)
            if debug:
                print(f"  trial {ent.name[:30]:30s} r={r:.4f} found={found[k]:.2f} nov={novelty:.2f} local={local:.2f}")
            trials.append((r, ph, coef))
        if not trials:
            break
        # Rank by Rwp, a lattice or zero mismatch costing a little: among look-alikes
        # (magnetite/chromite) the reference that fits without stretching wins.
        trials.sort(key=lambda t: t[0] * (1 + 10 * abs(t[1].d_scale - 1) + 0.05 * abs(t[1].shift)))

        def acceptable(r: float, ph: _Phase, rwp: float = rwp) -> bool:
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
        _, model, rwp = _fit(pattern, [p.profile for p in accepted], sel)

    # Drop phases that the others make redundant (little global and little local gain).
    changed = True
    while changed and len(accepted) > 1:
        changed = False
        coef_all, model_all, _ = _fit(pattern, [p.profile for p in accepted], sel)
        for i in range(len(accepted)):
            rest = accepted[:i] + accepted[i + 1 :]
            _, model_rest, r = _fit(pattern, [p.profile for p in rest], sel)
            local = _local_gain(pattern, model_rest, model_all, coef_all[i] * accepted[i].profile, sel)
            if (r - rwp) / max(rwp, 1e-12) < min_gain / 2 and local < 0.3:
                accepted = rest
                _, model, rwp = _fit(pattern, [p.profile for p in accepted], sel)
                changed = True
                break
    coef, model, rwp = _fit(pattern, [p.profile for p in accepted], sel)
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
    near = [_near(pattern.peak_two_theta, _all_lines(pattern, p.tth)) for p in accepted]
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
