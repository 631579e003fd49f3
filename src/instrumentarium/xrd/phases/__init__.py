"""Powder XRD phase identification: pattern calculation, reference database, search-match.

>>> from instrumentarium.xrd.phases import identify
>>> result = identify(pattern, elements=["Al", "O"])     # doctest: +SKIP
>>> [(p.name, p.weight_fraction) for p in result.phases]  # doctest: +SKIP
"""

from .calculate import (
    InstrumentProfile,
    Reflection,
    lorentz_polarization,
    powder_profile,
    read_structure,
    reflections,
    structure_info,
)
from .refdb import ImportReport, ReferenceDB, ReferenceEntry, import_cifs
from .results import Candidate, Identification, ObservedPeak, PhaseMatch
from .search import identify, identify_phases, quantify
from .starter import mixture_profile, open_starter_db, starter_cif_paths

__all__ = [
    "Candidate",
    "Identification",
    "ImportReport",
    "InstrumentProfile",
    "ObservedPeak",
    "PhaseMatch",
    "ReferenceDB",
    "ReferenceEntry",
    "Reflection",
    "identify",
    "identify_phases",
    "import_cifs",
    "mixture_profile",
    "lorentz_polarization",
    "open_starter_db",
    "powder_profile",
    "quantify",
    "read_structure",
    "reflections",
    "starter_cif_paths",
    "structure_info",
]
