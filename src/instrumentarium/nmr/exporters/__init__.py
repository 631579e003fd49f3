"""NMR exporters: processed spectrum as JCAMP-DX, peaks/multiplets as NMReDATA and CSV.

Registered in the ``instrumentarium.exporters`` entry-point group; each has ``name``,
``suffixes`` and ``export(m, path) -> Path``.
"""

from __future__ import annotations

from .csv import CSVExporter, write_multiplets_csv, write_peaks_csv
from .jcamp import JCAMPExporter, write_jcamp
from .nmredata import NMReDATAExporter, nmredata_tags, write_nmredata

__all__ = [
    "CSVExporter",
    "JCAMPExporter",
    "NMReDATAExporter",
    "nmredata_tags",
    "write_jcamp",
    "write_multiplets_csv",
    "write_nmredata",
    "write_peaks_csv",
]
