"""NMReDATA tags (SDF) for peaks and multiplets.

Format: Pupier et al., "NMReDATA, a standard to report the NMR assignment and
parameters of organic compounds", Magn. Reson. Chem. 56, 703 (2018), version 1.1: an
SD file whose data items ``NMREDATA_VERSION``, ``NMREDATA_LEVEL``, ``NMREDATA_SOLVENT``
and ``NMREDATA_1D_1H`` (one line per signal: ``shift, S=multiplicity, N=nH, L=label,
J=...``; lines continued with a backslash) carry the spectrum's signals. Without a
structure the molfile block is empty (level 0: no assignment).
"""

from __future__ import annotations

import os
from pathlib import Path

from ...model import Measurement
from ..analysis import NMRAnalysis, analysis_of

__all__ = ["NMReDATAExporter", "nmredata_tags", "write_nmredata"]

_EMPTY_MOL = "\n  instrumentarium\n\n  0  0  0  0  0  0  0  0  0  0999 V2000\nM  END\n"


def nmredata_tags(analysis: NMRAnalysis) -> dict[str, str]:
    """Return the NMReDATA data items (name -> text) for the compound's multiplets."""
    nuc = analysis.nucleus
    lines = [f"Larmor={analysis.frequency_mhz:.6f}"]
    for i, mp in enumerate(
        sorted((x for x in analysis.multiplets if x.kind == "compound"), key=lambda x: -x.center_ppm), start=1
    ):
        parts = [f"{mp.center_ppm:.4f}"]
        if mp.multiplicity == "m":
            parts[0] = f"{mp.range_ppm[0]:.4f}-{mp.range_ppm[1]:.4f}"
        parts.append(f"S={mp.multiplicity}")
        parts.append(f"N={max(1, round(mp.n_h))}")
        parts.append(f"L=s{i}")
        if mp.j_hz:
            parts.append("J=" + ",".join(f"{j:.2f}" for j in mp.j_hz))
        lines.append(", ".join(parts))
    return {
        "NMREDATA_VERSION": "1.1",
        "NMREDATA_LEVEL": "0",
        "NMREDATA_SOLVENT": analysis.solvent or "unknown",
        f"NMREDATA_1D_{nuc.upper()}": "\\\n".join(lines) + "\\",
    }


def write_nmredata(
    analysis: NMRAnalysis, path: str | os.PathLike[str], *, molfile: str | None = None
) -> Path:
    """Write an NMReDATA SD file with the signals of ``analysis`` (and an optional molfile)."""
    path = Path(path)
    mol = molfile if molfile is not None else _EMPTY_MOL
    if not mol.rstrip().endswith("M  END"):
        mol = mol.rstrip("\n") + "\nM  END"
    items = [f">  <{k}>\n{v}\n" for k, v in nmredata_tags(analysis).items()]
    path.write_text(mol.rstrip("\n") + "\n" + "\n".join(items) + "\n$$$$\n", encoding="utf-8")
    return path


class NMReDATAExporter:
    """Multiplets of a 1-D spectrum as an NMReDATA SD file (``.nmredata.sdf``)."""

    name = "nmr-nmredata"
    suffixes = (".nmredata.sdf", ".sdf")

    def export(self, m: Measurement, path: Path) -> Path:
        """Analyse ``m`` (or use its stored analysis) and write the NMReDATA file."""
        return write_nmredata(analysis_of(m), path)
