"""Peak-list stage of search-match: every reference's strongest lines against the observed peaks.

For every reference the intensity-weighted share of its strong lines (in the measured range)
that fall on an observed peak (*reverse* search, "reference lines found") and the share of the
observed peak intensity those lines explain (*forward* search); FoM = found² · √explained,
the best over a few 2θ zero shifts. Vectorised over the whole database (flat line arrays), so
100 000 references take a fraction of a second.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ...model import ProcessingError
from ._pattern import PreparedPattern
from .calculate import lorentz_polarization, two_theta_deg

__all__ = ["LineTable", "PeakMatcher", "figure_of_merit", "tolerance_deg"]

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
            tol = tolerance_deg(np.nan_to_num(tth, nan=90.0))
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


def tolerance_deg(two_theta) -> np.ndarray:
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
