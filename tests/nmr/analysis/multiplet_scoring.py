"""Strict scoring of our multiplets against published multiplet tables (d16 Mnova, d05 NMReDATA).

Rules (the same for every data set, stated in the report the lead reads):

- **Range**: a published multiplet is matched to one of ours one-to-one (greedy, nearest
  centres first). d16 rows give an integration range: our centre must lie inside it and
  within 0.02 ppm of the published centre. NMReDATA rows give only a shift: our centre
  must be within 0.01 ppm of it.
- **Multiplicity** (``string`` score): the letter strings must be equal after spelling
  normalisation only (Mnova's ``p`` = ``quint``, ``h`` = ``sext``, ``hept`` = ``sept``).
- **J**: every published coupling, expanded to one value per coupled spin (``t`` lists two,
  ``q`` three...), must be within 0.3 Hz of ours, compared as sorted lists of equal length.
- Published ``m`` rows are **excluded** (reported as ``excl``): ``m`` makes no claim of
  multiplicity or J that could be checked, and rewarding our ``m`` would reward giving up.
- ``couplings`` score (reported beside, never instead): the expanded J lists match within
  0.3 Hz whatever the letters. NMReDATA names multiplets by coupling partners
  (``dqq``, J = 2.70, 7.00, 7.05 Hz for an isopropyl CH), which no spectrum can tell
  from a ``septd``; this score shows whether the physics is right.

Evidence beside the score (:func:`refit`): where we disagree with a table, the spectrum is
fitted over the row's region with our tree and with the published one, J held fixed and
everything else free; a published tree that leaves a clearly larger residual does not
describe this spectrum, whatever its letters.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from nmr_realdata import nmredata_multiplets, observed_multiplets

from instrumentarium.nmr.analysis.treefit import fit_tree

__all__ = [
    "Row", "letters", "expand", "score", "d16_rows", "nmredata_rows", "format_table", "j_errors", "totals",
    "self_inconsistent", "conflict", "ceiling", "same_proton_pairs", "Refit", "tree_groups", "fixed_j_rms",
    "verdict", "refit",
]

_COUNT = {"s": 0, "d": 1, "t": 2, "q": 3, "quint": 4, "sext": 5, "sept": 6}
_SPELL = [("hept", "sept"), ("sept", "sept"), ("quint", "quint"), ("sext", "sext"), ("p", "quint"), ("h", "sext")]


def letters(mult: str) -> tuple[str, ...] | None:
    """Split a multiplicity string into canonical letters; None when it is not first order."""
    s = mult.strip().lower()
    if s in ("s", "br s", "bs", "brs"):
        return ()
    out: list[str] = []
    i = 0
    while i < len(s):
        for a, b in _SPELL:
            if s.startswith(a, i):
                out.append(b)
                i += len(a)
                break
        else:
            if s[i] in "dtq":
                out.append(s[i])
                i += 1
            else:
                return None
    return tuple(out)


def expand(mult: str, js: tuple[float, ...], *, per_letter: bool) -> list[float] | None:
    """Return every coupling, one per coupled spin, largest first.

    ``per_letter``: ``js`` has one value per letter (ours, NMReDATA); otherwise one value
    per coupled spin (Mnova's J list).
    """
    ls = letters(mult)
    if ls is None:
        return None
    if per_letter:
        if len(js) != len(ls):
            return None
        vals = [j for j, letter in zip(js, ls) for _ in range(_COUNT[letter])]
    else:
        vals = list(js)
    return sorted(vals, reverse=True)


@dataclass
class Row:
    """A published multiplet and what we made of it."""

    label: str
    center: float
    lo: float | None
    hi: float | None
    mult: str
    js: tuple[float, ...]
    per_letter: bool
    ours_center: float | None = None
    ours_mult: str = ""
    ours_js: tuple[float, ...] = ()
    ours_range: tuple[float, float] | None = None
    string_ok: bool = False
    coupling_ok: bool = False
    status: str = ""


def d16_rows(path: Path) -> list[Row]:
    return [
        Row(
            r["label"],
            r["center"],
            min(r["start"], r["stop"]),
            max(r["start"], r["stop"]),
            r["multiplicity"],
            tuple(r["j"]),
            per_letter=False,
        )
        for r in observed_multiplets(path)
    ]


def nmredata_rows(path: Path) -> list[Row]:
    text = Path(path).read_text(errors="replace")
    labels = re.findall(r"L=([^,]+),", text.split("NMREDATA_1D_1H", 1)[1].split("$$$$", 1)[0])
    rows = []
    for r, lab in zip(nmredata_multiplets(path), labels):
        rows.append(Row(lab.strip(), r["center"], None, None, r["multiplicity"], tuple(r["j"]), per_letter=True))
    return rows


def _close(a: list[float] | None, b: list[float] | None, tol: float) -> bool:
    return a is not None and b is not None and len(a) == len(b) and all(abs(x - y) <= tol for x, y in zip(a, b))


def score(rows: list[Row], multiplets, *, tol_hz: float = 0.3) -> list[Row]:
    """Fill in our matched multiplet and the verdicts for every published row."""
    cands = []
    for i, r in enumerate(rows):
        for k, mp in enumerate(multiplets):
            if getattr(mp, "kind", "compound") not in ("compound", "impurity", "water"):
                continue
            d = abs(mp.center_ppm - r.center)
            if r.lo is not None:
                if not (r.lo <= mp.center_ppm <= r.hi) or d > 0.02:
                    continue
            elif d > 0.01:
                continue
            cands.append((d, i, k))
    used_r, used_m = set(), set()
    for _, i, k in sorted(cands):
        if i in used_r or k in used_m:
            continue
        used_r.add(i)
        used_m.add(k)
        mp = multiplets[k]
        r = rows[i]
        r.ours_center, r.ours_mult, r.ours_js = mp.center_ppm, mp.multiplicity, tuple(mp.j_hz)
        rng = getattr(mp, "range_ppm", None)
        r.ours_range = (min(rng), max(rng)) if rng else None
    for r in rows:
        if letters(r.mult) is None:
            r.status = "excl (published m)"
            continue
        if r.ours_center is None:
            r.status = "FAIL no range"
            continue
        pub = expand(r.mult, r.js, per_letter=r.per_letter)
        ours = expand(r.ours_mult, r.ours_js, per_letter=True)
        r.coupling_ok = _close(pub, ours, tol_hz)
        r.string_ok = letters(r.mult) == letters(r.ours_mult) and r.coupling_ok
        if r.string_ok:
            r.status = "ok"
        elif letters(r.mult) != letters(r.ours_mult):
            r.status = "FAIL letters" + (" (J ok)" if r.coupling_ok else "")
        else:
            r.status = "FAIL J"
    return rows


def totals(rows: list[Row]) -> tuple[int, int, int]:
    """(string ok, couplings ok, scored rows)."""
    scored = [r for r in rows if not r.status.startswith("excl")]
    return sum(r.string_ok for r in scored), sum(r.coupling_ok for r in scored), len(scored)


def j_errors(rows: list[Row]) -> list[float]:
    """Largest |J(ours) - J(published)| (Hz) of every row whose couplings match."""
    out = []
    for r in rows:
        if r.coupling_ok:
            pub = expand(r.mult, r.js, per_letter=r.per_letter)
            ours = expand(r.ours_mult, r.ours_js, per_letter=True)
            out.append(max((abs(a - b) for a, b in zip(pub, ours)), default=0.0))
    return out


def format_table(name: str, rows: list[Row]) -> str:
    head = f"{'set':12s} {'label':8s} {'ppm':>7s} {'pub':8s} {'published J':28s} {'ours':8s} {'our J':22s} status"
    out = [head]
    for r in rows:
        pj = " ".join(f"{j:.2f}" for j in r.js)
        oj = " ".join(f"{j:.2f}" for j in r.ours_js)
        oc = f"{r.ours_mult:8s}" if r.ours_center is not None else f"{'-':8s}"
        out.append(
            f"{name:12s} {r.label[:8]:8s} {r.center:7.3f} {r.mult:8s} {pj[:28]:28s} {oc} {oj[:22]:22s} {r.status}"
        )
    s, c, n = totals(rows)
    errs = j_errors(rows)
    worst = f", worst J error {max(errs):.2f} Hz (mean {sum(errs) / len(errs):.2f})" if errs else ""
    out.append(f"{name}: letters+J {s}/{n}, couplings only {c}/{n}{worst}")
    return "\n".join(out)


def _letter_values(r: Row) -> list[tuple[str, list[float]]] | None:
    """The published couplings grouped by letter: ``[("t", [10.9, 9.9]), ("t", [4.8, 4.3])]``."""
    ls = letters(r.mult)
    if ls is None:
        return None
    if r.per_letter:
        if len(r.js) != len(ls):
            return None
        return [(lt, [j] * _COUNT[lt]) for lt, j in zip(ls, r.js)]
    if sum(_COUNT[lt] for lt in ls) != len(r.js):
        return None
    # Mnova lists one J per coupled spin in no letter order: give each letter a contiguous run
    # of the sorted values, in the order of letters that keeps every run tightest
    js = sorted(r.js)
    best = None
    for order in set(itertools.permutations(ls)):
        out, k = [], 0
        for lt in order:
            out.append((lt, js[k : k + _COUNT[lt]]))
            k += _COUNT[lt]
        spread = max((max(v) - min(v) for _, v in out if v), default=0.0)
        if best is None or spread < best[0]:
            best = (spread, out)
    return best[1] if best else None


def self_inconsistent(r: Row, *, tol_hz: float = 0.3) -> str:
    """Why no analysis could match this published row under the strict score ("" when one could).

    - one letter (t, q...) lists couplings more than ``2 * tol_hz`` apart: no single J is
      within ``tol_hz`` of all of them (menthol "4": tt, J = 10.9, 9.9, 4.8, 4.3 Hz);
    - two letters name couplings within ``tol_hz`` of each other: telling them apart needs a
      precision finer than the tolerance itself, and any analysis that merges equal couplings
      into t/q (as every journal convention asks) writes other letters (ddd 12.09, 12.00 Hz).
    """
    groups = _letter_values(r)
    if groups is None:
        return ""
    for lt, vals in groups:
        if vals and max(vals) - min(vals) > 2 * tol_hz:
            return f"one '{lt}' lists J {min(vals):.2f}-{max(vals):.2f} Hz"
    reps = sorted((float(np.mean(v)), lt) for lt, v in groups if v)
    for (a, la), (b, lb) in itertools.pairwise(reps):
        if b - a < tol_hz - 1e-9:
            return f"'{la}' and '{lb}' name J {a:.2f} and {b:.2f} Hz as different couplings"
    return ""


def conflict(a: Row, b: Row, *, tol_hz: float = 0.3, strict: bool = True) -> str:
    """Why no single analysis can match both published rows of one proton ("" when one can);
    ``strict=False``: by couplings only, whatever the letters."""
    if strict and letters(a.mult) != letters(b.mult):
        return f"letters {a.mult} vs {b.mult}"
    ea = expand(a.mult, a.js, per_letter=a.per_letter)
    eb = expand(b.mult, b.js, per_letter=b.per_letter)
    if ea is None or eb is None:
        return ""
    if len(ea) != len(eb):
        return f"{len(ea)} vs {len(eb)} couplings"
    worst = max((abs(x - y) for x, y in zip(ea, eb)), default=0.0)
    return f"J {worst:.2f} Hz apart" if worst > 2 * tol_hz else ""


def ceiling(
    tables: dict[str, list[Row]], same_proton: list[tuple[str, str, str, str]], *, strict: bool = True
) -> tuple[int, int, list[str]]:
    """The most rows any analysis could get right: (reachable, scored, reasons).

    ``same_proton`` pairs rows of two tables that describe one proton of one spectrum
    (``(table_a, label_a, table_b, label_b)``); where they conflict, at most one counts.
    ``strict``: the letters+J score; otherwise the couplings-only score (no row contradicts
    itself there, and two rows of one proton conflict only by their couplings).
    """
    reasons: list[str] = []
    dead: set[tuple[str, str]] = set()
    n = 0
    for name, rows in tables.items():
        for r in rows:
            if letters(r.mult) is None:
                continue
            n += 1
            why = self_inconsistent(r) if strict else ""
            if why:
                dead.add((name, r.label))
                reasons.append(f"{name} {r.label}: {why}")
    for ta, la, tb, lb in same_proton:
        ra = next(r for r in tables[ta] if r.label == la)
        rb = next(r for r in tables[tb] if r.label == lb)
        if (ta, la) in dead or (tb, lb) in dead or letters(ra.mult) is None or letters(rb.mult) is None:
            continue
        why = conflict(ra, rb, strict=strict)
        if why:
            dead.add((tb, lb))  # one of the two can count
            reasons.append(f"{ta} {la} / {tb} {lb}: {why}")
    return n - len(dead), n, reasons


def same_proton_pairs(name_a: str, rows_a: list[Row], name_b: str, rows_b: list[Row], *, within_ppm: float = 0.005):
    """Rows of two tables of one spectrum that describe one proton: one-to-one, nearest centres first."""
    cands = sorted(
        (abs(a.center - b.center), i, k)
        for i, a in enumerate(rows_a)
        for k, b in enumerate(rows_b)
        if abs(a.center - b.center) <= within_ppm
    )
    used_a, used_b, out = set(), set(), []
    for _, i, k in cands:
        if i not in used_a and k not in used_b:
            used_a.add(i)
            used_b.add(k)
            out.append((name_a, rows_a[i].label, name_b, rows_b[k].label))
    return out


@dataclass(frozen=True)
class Refit:
    """Our tree and the published one refitted to one row's region, J held fixed.

    ``ours_rms`` and ``pub_rms``: rms residual in % of the region's tallest point (None when
    the tree cannot be fitted: our ``m``, more than 9 coupled spins); ``overlap`` the number
    of our multiplets centred in the region (above 1, a one-tree fit there means little).
    """

    row: Row
    ours_rms: float | None
    pub_rms: float | None
    overlap: int
    verdict: str


def tree_groups(js: list[float] | None, *, equal_hz: float = 0.005) -> tuple[tuple[float, int], ...] | None:
    """Couplings listed once per coupled spin as ``(J, n)`` groups, largest first; values
    within ``equal_hz`` of the group's first are one group (``[7.05, 7.05, 7.0]`` is
    ``((7.05, 2), (7.0, 1))``)."""
    if js is None:
        return None
    groups: list[list[float]] = []
    for j in sorted(js, reverse=True):
        if groups and groups[-1][0] - j <= equal_hz:
            groups[-1].append(j)
        else:
            groups.append([j])
    return tuple((float(np.mean(g)), len(g)) for g in groups)


def fixed_j_rms(
    x_hz: np.ndarray, y: np.ndarray, groups, *, centers_hz: list[float], fwhm_hz: float
) -> float | None:
    """Best rms residual (fraction of ``max(y)``) of the tree ``groups`` with its J held fixed.

    Centre, linewidth, Lorentz/Gauss mix, amplitude, roof tilt and a linear baseline are free
    (:func:`instrumentarium.nmr.analysis.treefit.fit_tree`, the model of Cobas et al., Magn.
    Reson. Chem. 46, 2008). Starts: every centre and 1 Hz either side, linewidth ``fwhm_hz``
    and three times it (the fit bounds the width at three times its start); no coupling is
    rejected as unresolved, since the tree is given, not chosen.
    """
    pph = 1.0 / float(np.median(np.abs(np.diff(x_hz))))
    best = None
    for c in centers_hz:
        for dc in (-1.0, 0.0, 1.0):
            for w in (fwhm_hz, 3.0 * fwhm_hz):
                fit = fit_tree(
                    x_hz, y, groups, center_hz=c + dc, fwhm_hz=w, points_per_hz=pph,
                    j_slack_hz=0.001, min_j_hz=0.0, max_nfev=400, min_resolved=0.0,
                )
                if fit is not None and (best is None or fit.rss < best):
                    best = fit.rss
    return None if best is None else float(np.sqrt(best / len(x_hz)) / np.max(y))


def verdict(ours: float | None, pub: float | None, *, factor: float = 1.5) -> str:
    """Compare the two refit residuals: ``published J fit worse xN`` when the published tree's
    rms is at least ``factor`` times ours, ``ours worse xN`` the other way round, else
    ``similar`` (``ours m`` when only the published tree could be fitted)."""
    if ours is None or pub is None:
        return "ours m" if ours is None and pub is not None else "not fitted"
    if pub >= factor * ours:
        return f"published J fit worse x{pub / ours:.1f}"
    if ours >= factor * pub:
        return f"ours worse x{ours / pub:.1f}"
    return "similar"


def _region(r: Row, lw_hz: float, mhz: float) -> tuple[float, float]:
    """The row's ppm region: its published range, else our multiplet's range, else the
    centre +- (half the published span + 4 linewidths)."""
    if r.lo is not None and r.hi is not None:
        return r.lo, r.hi
    if r.ours_range is not None:
        return r.ours_range
    half = (0.5 * sum(expand(r.mult, r.js, per_letter=r.per_letter) or ()) + 4.0 * lw_hz) / mhz
    return r.center - half, r.center + half


def refit(rows: list[Row], x_ppm: np.ndarray, y: np.ndarray, analysis) -> list[Refit]:
    """Refit every scored row we matched with our tree and the published one (J fixed).

    ``rows`` come from :func:`score`; ``analysis`` gives ``frequency_mhz``, ``peaks`` (their
    median ``width_hz`` in the region starts the linewidth) and ``multiplets``.
    """
    mhz = analysis.frequency_mhz
    x_ppm, y = np.asarray(x_ppm, dtype=float), np.real(np.asarray(y))
    all_w = [p.width_hz for p in analysis.peaks] or [1.0]
    out = []
    for r in rows:
        if r.status.startswith("excl") or r.ours_center is None:
            continue
        lo, hi = _region(r, float(np.median(all_w)), mhz)
        sel = (x_ppm >= lo) & (x_ppm <= hi)
        widths = [p.width_hz for p in analysis.peaks if lo <= p.ppm <= hi] or all_w
        kw = {"centers_hz": sorted({r.center * mhz, r.ours_center * mhz}), "fwhm_hz": float(np.median(widths))}
        fits = []
        for groups in (
            tree_groups(expand(r.ours_mult, r.ours_js, per_letter=True)),
            tree_groups(expand(r.mult, r.js, per_letter=r.per_letter)),
        ):
            ok = groups is not None and sel.sum() > 10 and sum(n for _, n in groups) <= 9
            rms = fixed_j_rms(x_ppm[sel] * mhz, y[sel], groups, **kw) if ok else None
            fits.append(None if rms is None else 100.0 * rms)
        overlap = sum(lo <= mp.center_ppm <= hi for mp in analysis.multiplets)
        out.append(Refit(r, fits[0], fits[1], overlap, verdict(*fits)))
    return out
