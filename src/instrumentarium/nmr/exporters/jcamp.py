"""JCAMP-DX 5.01 writer for processed 1-D NMR spectra.

Follows McDonald and Wilks, Appl. Spectrosc. 42, 151 (1988) (JCAMP-DX core) and
Davies and Lampen, Appl. Spectrosc. 47, 1093 (1993) (the NMR labels ``.OBSERVE
FREQUENCY``, ``.OBSERVE NUCLEUS``, ``.SOLVENT NAME``). The abscissa is written in Hz
(``XUNITS=HZ``) from high to low frequency, the ordinate as integers times
``YFACTOR`` in the plain ``(X++(Y..Y))`` AFFN form, which every JCAMP reader
(nmrglue's ``jcampdx.read`` included) understands. Only the real part is written.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ...model import Measurement, NMRAcquisition, ProcessingError
from ..analysis import spectrum_arrays

__all__ = ["JCAMPExporter", "write_jcamp"]

_PER_LINE = 10


def write_jcamp(m: Measurement, path: str | os.PathLike[str], *, title: str | None = None) -> Path:
    """Write the processed spectrum ``m`` (real part) as JCAMP-DX; return the path.

    Raises
    ------
    ProcessingError
        When ``m`` is not a 1-D spectrum in ppm or its spectrometer frequency is unknown.
    """
    y, ppm = spectrum_arrays(m)
    acq = m.acquisition if isinstance(m.acquisition, NMRAcquisition) else NMRAcquisition()
    sf = acq.spectrometer_frequency_mhz
    if not sf:
        raise ProcessingError(
            "JCAMP-DX export needs the spectrometer frequency (acquisition.spectrometer_frequency_mhz)"
        )
    hz = ppm * sf
    n = len(y)
    ymax = float(np.max(np.abs(y))) or 1.0
    yfactor = ymax / (2**31 - 1) * 4  # integers well inside 32 bits
    yi = np.rint(y / yfactor).astype(np.int64)
    dx = (hz[-1] - hz[0]) / (n - 1)
    nucleus = acq.nucleus or "1H"
    mass = "".join(ch for ch in nucleus if ch.isdigit())
    sym = "".join(ch for ch in nucleus if ch.isalpha())
    head = [
        f"##TITLE={title or acq.title or getattr(m.sample, 'name', None) or 'spectrum'}",
        "##JCAMP-DX=5.01",
        "##DATA TYPE=NMR SPECTRUM",
        "##DATA CLASS=XYDATA",
        "##ORIGIN=instrumentarium",
        "##OWNER=public",
        f"##.OBSERVE FREQUENCY={sf:.10g}",
        f"##.OBSERVE NUCLEUS=^{mass}{sym}",
        f"##.SOLVENT NAME={acq.solvent or 'unknown'}",
        "##XUNITS=HZ",
        "##YUNITS=ARBITRARY UNITS",
        "##XFACTOR=1",
        f"##YFACTOR={yfactor:.12g}",
        f"##FIRSTX={hz[0]:.10g}",
        f"##LASTX={hz[-1]:.10g}",
        f"##DELTAX={dx:.10g}",
        f"##MAXY={int(yi.max())}",
        f"##MINY={int(yi.min())}",
        f"##NPOINTS={n}",
        f"##FIRSTY={int(yi[0])}",
        "##XYDATA=(X++(Y..Y))",
    ]
    body = []
    for i in range(0, n, _PER_LINE):
        chunk = " ".join(str(int(v)) for v in yi[i : i + _PER_LINE])
        body.append(f"{hz[0] + i * dx:.6f} {chunk}")
    path = Path(path)
    path.write_text("\n".join([*head, *body, "##END="]) + "\n", encoding="ascii")
    return path


class JCAMPExporter:
    """Processed 1-D NMR spectrum as JCAMP-DX (``.jdx``, ``.dx``)."""

    name = "nmr-jcamp"
    suffixes = (".jdx", ".dx")

    def export(self, m: Measurement, path: Path) -> Path:
        """Write ``m`` to ``path``; see :func:`write_jcamp`."""
        return write_jcamp(m, path)
