"""Deuterated-solvent residual shifts (1H, 13C) keyed by normalised solvent names.

Values: Gottlieb, Kotlyar & Nudelman, J. Org. Chem. 62, 7512 (1997) and Fulmer et al.,
Organometallics 29, 2176 (2010) (residual protio signal / solvent carbon, ppm vs TMS). For
multiplets (CD2HOD, acetone-d5, DMSO-d5) the shift is the centre line. Spectrometer
``SOLVENT`` strings are free text ("CDCl3", "chloroform-d", "CDCL3", "DMSO", "Acetone",
"COFFEE_calctemp"), so :func:`normalise_solvent` maps them to one key or None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Solvent", "SOLVENTS", "normalise_solvent", "solvent"]


@dataclass(frozen=True)
class Solvent:
    """A deuterated solvent and its residual-signal shifts (ppm).

    ``grease_1h_ppm``: silicone grease's methyl singlet in this solvent (Gottlieb 1997), the line
    most often taken for TMS (CDCl3: 0.07 ppm).
    """

    key: str
    name: str
    residual_1h_ppm: float | None
    carbon_13c_ppm: float | None
    grease_1h_ppm: float | None = None


SOLVENTS: dict[str, Solvent] = {s.key: s for s in (
    Solvent("CDCl3", "chloroform-d", 7.26, 77.16, 0.07),
    Solvent("DMSO-d6", "dimethyl sulfoxide-d6", 2.50, 39.52),
    Solvent("CD3OD", "methanol-d4", 3.31, 49.00, 0.10),
    Solvent("acetone-d6", "acetone-d6", 2.05, 29.84, 0.13),
    Solvent("C6D6", "benzene-d6", 7.16, 128.06, 0.29),
    Solvent("D2O", "deuterium oxide (HDO)", 4.79, None),
    Solvent("H2O+D2O", "90 % H2O / 10 % D2O (Bruker SOLVENT H2O+D2O; the H2O line)", 4.79, None),
    Solvent("CD3CN", "acetonitrile-d3", 1.94, 118.26, 0.08),
    Solvent("CD2Cl2", "dichloromethane-d2", 5.32, 53.84),
    Solvent("THF-d8", "tetrahydrofuran-d8", 3.58, 67.21),
    Solvent("toluene-d8", "toluene-d8", 2.08, 20.43),
    Solvent("pyridine-d5", "pyridine-d5", 8.74, 150.35),
    Solvent("C6D5Cl", "chlorobenzene-d5", 7.14, 134.19),
    Solvent("TFE-d3", "2,2,2-trifluoroethanol-d3", 3.88, 61.50),
)}

# normalised spelling -> key; spellings are lower-cased with spaces, dashes, brackets removed
_ALIASES: dict[str, str] = {
    "cdcl3": "CDCl3", "chloroformd": "CDCl3", "chloroform": "CDCl3", "deuterochloroform": "CDCl3",
    "chloroformd1": "CDCl3",
    "dmso": "DMSO-d6", "dmsod6": "DMSO-d6", "cd3socd3": "DMSO-d6", "dimethylsulfoxided6": "DMSO-d6",
    "dimethylsulfoxide": "DMSO-d6",
    "cd3od": "CD3OD", "meod": "CD3OD", "methanold4": "CD3OD", "methanol": "CD3OD", "mecod": "CD3OD",
    "acetone": "acetone-d6", "acetoned6": "acetone-d6", "cd3cocd3": "acetone-d6",
    "c6d6": "C6D6", "benzened6": "C6D6", "benzene": "C6D6",
    "d2o": "D2O", "h2o+d2o": "H2O+D2O", "h2od2o": "H2O+D2O", "h2o": "H2O+D2O", "water": "H2O+D2O",
    "deuteriumoxide": "D2O", "heavywater": "D2O",
    "cd3cn": "CD3CN", "acetonitriled3": "CD3CN", "acetonitrile": "CD3CN", "acn": "CD3CN",
    "cd2cl2": "CD2Cl2", "dichloromethaned2": "CD2Cl2", "methylenechlorided2": "CD2Cl2", "dcm": "CD2Cl2",
    "thf": "THF-d8", "thfd8": "THF-d8", "tetrahydrofurand8": "THF-d8",
    "tol": "toluene-d8", "toluene": "toluene-d8", "toluened8": "toluene-d8", "c7d8": "toluene-d8",
    "pyr": "pyridine-d5", "pyridine": "pyridine-d5", "pyridined5": "pyridine-d5", "c5d5n": "pyridine-d5",
    "c6d5cl": "C6D5Cl", "chlorobenzened5": "C6D5Cl",
    "tfe": "TFE-d3", "tfed3": "TFE-d3", "trifluoroethanold3": "TFE-d3",
}


def normalise_solvent(text: str | None) -> str | None:
    """Map a free-text solvent name to a key of :data:`SOLVENTS`, or None if unknown.

    >>> normalise_solvent("chloroform-d"), normalise_solvent("CDCL3"), normalise_solvent("DMSO")
    ('CDCl3', 'CDCl3', 'DMSO-d6')
    """
    if not text:
        return None
    raw = text.strip().lower()
    key = re.sub(r"[\s\-_,()\[\]<>]", "", raw)
    if key in _ALIASES:
        return _ALIASES[key]
    # e.g. "H2O+D2O", "90%H2O/10%D2O", "CDCl3_calctemp"
    for part in re.split(r"[\s_/+%]+", raw):
        if part not in _ALIASES:
            part = re.sub(r"[\-,()\[\]<>0-9]*$", "", re.sub(r"^[0-9]+", "", part))
        if part in _ALIASES:
            return _ALIASES[part]
    return None


def solvent(text: str | None) -> Solvent | None:
    """The :class:`Solvent` named by free text ``text``, or None."""
    key = normalise_solvent(text)
    return SOLVENTS[key] if key else None
