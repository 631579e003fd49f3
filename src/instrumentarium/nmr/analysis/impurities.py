"""Residual-solvent, water and common-impurity 1H shifts, per deuterated solvent.

Values (ppm, 1H, ~298 K) from Gottlieb, Kotlyar and Nudelman, "NMR Chemical Shifts of
Common Laboratory Solvents as Trace Impurities", J. Org. Chem. 62, 7512-7515 (1997),
Table 1, and Fulmer et al., Organometallics 29, 2176-2179 (2010), which reproduces and
extends it. Only entries we are confident of are listed; a missing entry means "not in
this table", not "absent from the paper". The water (HDO/H2O) shift moves with
temperature and concentration (Gottlieb, Fig. 1), hence its wider tolerance.

An impurity is recognised by all its signals together, as the tables list them: a line
at ethanol's CH3 shift is ethanol only when ethanol's CH2 line is also in the spectrum
(:func:`classify_shift` with ``present``). A lone coincidence (ethyl acetate's own CH3
triplet at 1.26 ppm in CDCl3) stays the compound's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from ..processing import SOLVENTS, dominant_line, normalise_solvent

__all__ = [
    "SOLVENT_ALIASES",
    "RESIDUAL",
    "WATER",
    "IMPURITIES",
    "normalize_solvent",
    "classify_shift",
    "impurity_signals",
    "residual_offset_ppm",
    "C13_RESIDUAL",
]

#: free-text solvent names (Bruker SOLVENT, JCAMP ##.SOLVENT NAME...) to our keys
SOLVENT_ALIASES = {
    "cdcl3": "CDCl3",
    "chloroform-d": "CDCl3",
    "chloroform": "CDCl3",
    "acetone": "acetone-d6",
    "acetone-d6": "acetone-d6",
    "(cd3)2co": "acetone-d6",
    "cd3coc d3": "acetone-d6",
    "dmso": "DMSO-d6",
    "dmso-d6": "DMSO-d6",
    "(cd3)2so": "DMSO-d6",
    "c6d6": "C6D6",
    "benzene-d6": "C6D6",
    "benzene": "C6D6",
    "cd3cn": "CD3CN",
    "acetonitrile-d3": "CD3CN",
    "acn": "CD3CN",
    "cd3od": "CD3OD",
    "methanol-d4": "CD3OD",
    "meod": "CD3OD",
    "methanol": "CD3OD",
    "d2o": "D2O",
    "deuteriumoxide": "D2O",
    # 90 % H2O / 10 % D2O (Bruker SOLVENT "H2O+D2O"): the water line is H2O at 4.79, not HDO
    "h2o": "H2O+D2O",
    "h2o+d2o": "H2O+D2O",
    "h2od2o": "H2O+D2O",
    "water": "H2O+D2O",
}

#: residual protio-solvent 1H signal of the solvents these tables cover: the processing step's
#: table (:data:`instrumentarium.nmr.processing.SOLVENTS`); in D2O and H2O+D2O it is the water
#: line (:data:`WATER`)
RESIDUAL = {
    key: (() if key in ("D2O", "H2O+D2O") else (SOLVENTS[key].residual_1h_ppm,))
    for key in ("CDCl3", "acetone-d6", "DMSO-d6", "C6D6", "CD3CN", "CD3OD", "D2O", "H2O+D2O")
}
#: 13C solvent signals (Gottlieb 1997 Table 2)
C13_RESIDUAL = {
    "CDCl3": (77.16,),
    "acetone-d6": (29.84, 206.26),
    "DMSO-d6": (39.52,),
    "C6D6": (128.06,),
    "CD3CN": (1.32, 118.26),
    "CD3OD": (49.00,),
    "D2O": (),
    "H2O+D2O": (),
}
#: H2O/HDO
WATER = {
    "CDCl3": 1.56,
    "acetone-d6": 2.84,
    "DMSO-d6": 3.33,
    "C6D6": 0.40,
    "CD3CN": 2.13,
    "CD3OD": 4.87,
    "D2O": 4.79,
    "H2O+D2O": 4.79,
}

_COLS = ("CDCl3", "acetone-d6", "DMSO-d6", "C6D6", "CD3CN", "CD3OD", "D2O")
# name, group: shifts in the column order above (None where we do not list a value)
_TABLE = {
    ("acetic acid", "CH3"): (2.10, 1.96, 1.91, 1.55, 1.96, 1.99, 2.08),
    ("acetone", "CH3"): (2.17, 2.09, 2.09, 1.55, 2.08, 2.15, 2.22),
    ("acetonitrile", "CH3"): (2.10, 2.05, 2.07, None, 1.96, 2.03, 2.06),
    ("benzene", "CH"): (7.36, 7.36, 7.37, 7.15, 7.37, 7.33, None),
    ("tert-butyl alcohol", "CH3"): (1.28, 1.18, 1.11, 1.05, 1.16, 1.40, 1.24),
    ("chloroform", "CH"): (7.26, 8.02, 8.32, 6.15, 7.58, 7.90, None),
    ("cyclohexane", "CH2"): (1.43, 1.43, 1.40, 1.40, 1.44, 1.45, None),
    ("1,2-dichloroethane", "CH2"): (3.73, 3.87, 3.90, 2.90, 3.81, 3.78, None),
    ("dichloromethane", "CH2"): (5.30, 5.63, 5.76, 4.27, 5.44, 5.49, None),
    ("diethyl ether", "CH3"): (1.21, 1.11, 1.09, 1.11, 1.12, 1.18, 1.17),
    ("diethyl ether", "CH2"): (3.48, 3.41, 3.38, 3.26, 3.42, 3.49, 3.56),
    ("DMF", "CH"): (8.02, 7.96, 7.95, 7.63, 7.92, 7.79, 7.92),
    ("DMF", "CH3"): (2.96, 2.94, 2.89, 2.36, 2.89, 2.99, 3.01),
    ("DMF", "CH3'"): (2.88, 2.78, 2.73, 1.86, 2.77, 2.86, 2.85),
    ("DMSO", "CH3"): (2.62, 2.52, 2.54, 1.68, 2.50, 2.65, 2.71),
    ("1,4-dioxane", "CH2"): (3.71, 3.59, 3.57, 3.35, 3.60, 3.66, 3.75),
    ("ethanol", "CH3"): (1.25, 1.12, 1.06, 0.96, 1.12, 1.19, 1.17),
    ("ethanol", "CH2"): (3.72, 3.57, 3.44, 3.34, 3.54, 3.60, 3.65),
    ("ethyl acetate", "CH3CO"): (2.05, 1.97, 1.99, 1.65, 1.97, 2.01, 2.07),
    ("ethyl acetate", "CH2"): (4.12, 4.05, 4.03, 3.89, 4.06, 4.09, 4.14),
    ("ethyl acetate", "CH3"): (1.26, 1.20, 1.17, 0.92, 1.20, 1.24, 1.24),
    ("grease", "CH3"): (0.86, 0.87, None, 0.92, 0.86, 0.88, None),
    ("grease", "CH2"): (1.26, 1.29, None, 1.36, 1.27, 1.29, None),
    ("n-hexane", "CH3"): (0.88, 0.88, 0.86, 0.89, 0.89, 0.90, None),
    ("n-hexane", "CH2"): (1.26, 1.28, 1.25, 1.24, 1.28, 1.29, None),
    ("methanol", "CH3"): (3.49, 3.31, 3.16, 3.07, 3.28, 3.34, 3.34),
    # the processing step's table (it tells grease from TMS): 0.07, 0.13, -, 0.29, 0.08, 0.10, -
    ("silicone grease", "CH3"): tuple(SOLVENTS[k].grease_1h_ppm if k in SOLVENTS else None for k in _COLS),
    ("tetrahydrofuran", "CH2"): (1.85, 1.79, 1.76, 1.40, 1.80, 1.87, 1.88),
    ("tetrahydrofuran", "CH2O"): (3.76, 3.63, 3.60, 3.57, 3.64, 3.71, 3.74),
    ("toluene", "CH3"): (2.36, 2.32, 2.30, 2.11, 2.33, 2.32, None),
    ("triethylamine", "CH3"): (1.03, 0.96, 0.93, 0.96, 0.96, 1.05, 0.99),
    ("triethylamine", "CH2"): (2.53, 2.45, 2.43, 2.40, 2.45, 2.58, 2.57),
}

#: impurity shifts per solvent: {solvent: [(ppm, "name group"), ...]}
IMPURITIES: dict[str, list[tuple[float, str]]] = {
    col: [
        (v[i], f"{name} {group.rstrip(chr(39))}") for (name, group), v in _TABLE.items() if v[i] is not None
    ]
    for i, col in enumerate(_COLS)
}
# in 90 % H2O / 10 % D2O the impurities sit where Gottlieb lists them in D2O
IMPURITIES["H2O+D2O"] = IMPURITIES["D2O"]


def impurity_signals(name: str, solvent: str | None) -> tuple[float, ...]:
    """Return every listed 1H shift of impurity ``name`` (e.g. "ethanol") in ``solvent``."""
    key = normalize_solvent(solvent)
    return tuple(s for s, label in IMPURITIES.get(key or "", ()) if label.rsplit(" ", 1)[0] == name)


def normalize_solvent(text: str | None) -> str | None:
    """Return the table key for a free-text solvent name, or None when unknown."""
    if not text:
        return None
    t = re.sub(r"[\s_]+", "", str(text).strip().lower())
    if t in SOLVENT_ALIASES:
        return SOLVENT_ALIASES[t]
    key = normalise_solvent(text)  # the processing table: more spellings ("90%H2O/10%D2O", "MeOD")
    if key in RESIDUAL:
        return key
    for alias, key in sorted(SOLVENT_ALIASES.items(), key=lambda kv: -len(kv[0])):
        if len(alias) > 3 and t.startswith(alias.replace(" ", "")):
            return key
    return None


def classify_shift(
    ppm: float,
    solvent: str | None,
    *,
    nucleus: str = "1H",
    tol_ppm: float = 0.02,
    water_tol_ppm: float = 0.1,
    present: Sequence[float] | None = None,
    present_tol_ppm: float = 0.03,
) -> tuple[str, str]:
    """Return ``(kind, label)`` for a line at ``ppm``: solvent, water, impurity, tms or compound.

    Only the listed values are used: an unknown solvent classifies TMS only.

    Parameters
    ----------
    present
        The shifts of all lines found in the spectrum. When given, a line is an impurity's
        only if every other signal the table lists for that impurity has a line within
        ``present_tol_ppm`` (Gottlieb et al. 1997 give all signals of each impurity; a
        trace of ethanol shows its CH2 quartet beside its CH3 triplet).
    """
    if nucleus == "1H" and abs(ppm) <= tol_ppm:
        return "tms", "TMS"
    if nucleus == "13C" and abs(ppm) <= 0.2:
        return "tms", "TMS"
    key = normalize_solvent(solvent)
    if key is None:
        return "compound", ""
    if nucleus == "13C":
        for s in C13_RESIDUAL.get(key, ()):
            if abs(ppm - s) <= 0.6:
                return "solvent", key
        return "compound", ""
    if nucleus != "1H":
        return "compound", ""
    for s in RESIDUAL.get(key, ()):
        if abs(ppm - s) <= tol_ppm:
            return "solvent", key
    w = WATER.get(key)
    if w is not None and abs(ppm - w) <= water_tol_ppm:
        return "water", "HDO" if key == "D2O" else "H2O"
    seen = np.asarray(present if present is not None else (), dtype=float)
    matches = []
    for s, label in IMPURITIES.get(key, ()):
        if abs(ppm - s) > tol_ppm:
            continue
        others = [o for o in impurity_signals(label.rsplit(" ", 1)[0], key) if abs(o - ppm) > tol_ppm]
        if present is not None and not all(
            seen.size and np.min(np.abs(seen - o)) <= present_tol_ppm for o in others
        ):
            continue
        # the impurity confirmed by more signals wins over a one-line coincidence
        matches.append((-len(others) if present is not None else 0, abs(ppm - s), label))
    if matches:
        return "impurity", min(matches)[2]
    return "compound", ""


def residual_offset_ppm(
    ppm: Sequence[float],
    height: Sequence[float],
    solvent: str | None,
    *,
    mhz: float,
    search_ppm: float = 0.15,
    tol_ppm: float = 0.02,
    dominance: float = 3.0,
    cluster_hz: float = 6.0,
    table_line: float = 0.05,
) -> float:
    """How far the 1H residual solvent line sits from its table shift on this axis; 0 when unsure.

    A vendor's axis that was never referenced (TopSpin ``SR = 0``: the lock sets it) can be a
    tenth of a ppm off: C6D5H of dev d02 at 7.275 ppm for 7.16, so every table shift misses
    its line by more than the classification's ``tol_ppm``. The residual is taken to be the
    tallest line within ``search_ppm`` of the table shift only when it is unmistakable, by the
    same test the reference step uses (:func:`instrumentarium.nmr.processing.dominant_line`):

    - no line of at least ``table_line`` of its height lies within ``tol_ppm`` of the table
      shift (a residual where the table puts it, even a small one, is the residual: nothing
      is moved);
    - it is ``dominance`` times taller than every other line of the window, its own
      deuterium-split partners (within ``cluster_hz``: acetone-d5's quintet spans 8.8 Hz) aside.

    Parameters
    ----------
    ppm, height
        The picked lines.
    solvent
        Free-text solvent name.
    mhz
        Spectrometer frequency.

    Returns
    -------
    The offset (found - table) in ppm, to subtract from a line's shift before the table
    lookups of :func:`classify_shift`.
    """
    key = normalize_solvent(solvent)
    shifts = RESIDUAL.get(key or "", ())
    if not shifts:
        return 0.0
    s = shifts[0]
    k = dominant_line(
        np.asarray(ppm, dtype=float),
        np.asarray(height, dtype=float),
        s,
        mhz=mhz,
        search_ppm=search_ppm,
        partners_hz=cluster_hz,
        at_table_ppm=tol_ppm,
        dominance=dominance,
        table_line=table_line,
    )
    return 0.0 if k is None else float(np.asarray(ppm, dtype=float)[k] - s)
