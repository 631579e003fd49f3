"""Load real processed spectra and their vendor ground truth (until the NMR readers are merged).

TopSpin 1r through ``nmrglue.bruker.read_pdata(scale_data=True)``; JCAMP-DX processed
spectra through ``nmrglue.jcampdx.read``; peaklist.xml and ``##$OBSERVED MULTIPLETS``
parsed here.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import nmrglue as ng
import numpy as np

from instrumentarium.model import Axis, Measurement, NMRAcquisition

DEV = "nmr/nmr_dev_v1"


def _acq(sf: float, solvent: str, nucleus: str = "1H") -> NMRAcquisition:
    return NMRAcquisition(nucleus=nucleus, spectrometer_frequency_mhz=sf, solvent=solvent)


def bruker_processed(pdata: Path) -> Measurement:
    """Read a TopSpin pdata folder (1r) as a processed Measurement."""
    dic, data = ng.bruker.read_pdata(str(pdata), scale_data=True)
    procs = dic["procs"]
    acqus = ng.bruker.read_acqus_file(str(pdata.parent.parent))["acqus"]
    si = int(procs["SI"])
    sf = float(procs["SF"])
    ppm = procs["OFFSET"] - np.arange(si) * procs["SW_p"] / sf / si
    nuc = str(acqus.get("NUC1", "1H"))
    return Measurement(
        "nmr",
        np.asarray(data, dtype=float),
        (Axis("chemical_shift", "ppm", ppm),),
        acquisition=_acq(sf, str(acqus.get("SOLVENT", "")), nuc),
    )


def jcamp_processed(path: Path) -> Measurement:
    """Read a 1-D JCAMP-DX processed spectrum (real part) as a Measurement."""
    dic, data = ng.jcampdx.read(str(path))
    y = np.asarray(data[0] if isinstance(data, list) else data, dtype=float)
    sf = float(dic[".OBSERVEFREQUENCY"][0])
    if "FIRSTX" in dic:
        first, last = float(dic["FIRSTX"][0]), float(dic["LASTX"][0])
        unit = dic.get("XUNITS", ["HZ"])[0].upper()
    else:  # NTUPLES: x is the first column of FIRST/LAST
        first, last = (float(dic[k][0].split(",")[0]) for k in ("FIRST", "LAST"))
        unit = dic["UNITS"][0].split(",")[0].strip().upper()
    x = np.linspace(first, last, len(y))
    ppm = x / sf if unit == "HZ" else x
    if "$OFFSET" in dic and unit == "HZ":  # TopSpin export: x counts from the low edge
        ppm = float(dic["$OFFSET"][0]) - (first - x) / sf
    if ppm[0] < ppm[-1]:
        ppm, y = ppm[::-1], y[::-1]
    solvent = dic.get(".SOLVENTNAME", [""])[0]
    return Measurement("nmr", y, (Axis("chemical_shift", "ppm", ppm),), acquisition=_acq(sf, solvent))


def topspin_peaks(path: Path) -> list[tuple[float, float, str]]:
    """Return (ppm, intensity, annotation) from a TopSpin peaklist.xml."""
    root = ET.parse(path).getroot()
    return [
        (float(p.get("F1")), float(p.get("intensity")), p.get("annotation", "")) for p in root.iter("Peak1D")
    ]


def observed_multiplets(path: Path) -> list[dict]:
    """Return the ``##$OBSERVED MULTIPLETS`` table of a Mnova JCAMP export.

    Each row: (index, start ppm, stop ppm, centre ppm, integral, nH, multiplicity, label, J list).
    """
    text = Path(path).read_text(errors="replace")
    block = text.split("##$OBSERVED MULTIPLETS=", 1)[1].split("##", 1)[0]
    out = []
    for line in block.splitlines():
        line = line.strip()
        if not line.startswith("("):
            continue
        parts = [p.strip() for p in line.strip("()").split(",")]
        js = tuple(float(v) for v in parts[8].split()) if len(parts) > 8 and parts[8] else ()
        out.append(
            {
                "start": float(parts[1]),
                "stop": float(parts[2]),
                "center": float(parts[3]),
                "n_h": float(parts[5]),
                "multiplicity": parts[6],
                "label": parts[7],
                "j": js,
            }
        )
    return out


def nmredata_multiplets(path: Path) -> list[dict]:
    """Return the 1D 1H signals of an NMReDATA file: shift, multiplicity S=, couplings J=."""
    text = Path(path).read_text(errors="replace")
    m = re.search(r">\s*<NMREDATA_1D_1H[^>]*>(.*?)(?:\n\s*\n|\n>)", text, re.S)
    out = []
    if not m:
        return out
    for line in m.group(1).splitlines():
        line = line.strip().rstrip("\\").strip()
        if not line or line.startswith(("Larmor", "CorrType", "Spectrum_Location", "Pulse", "Temperature")):
            continue
        fields = [f.strip() for f in line.split(",")]
        try:
            shift = float(fields[0])
        except ValueError:
            continue
        d = {"center": shift, "multiplicity": "", "j": ()}
        for f in fields[1:]:
            if f.startswith("S="):
                d["multiplicity"] = f[2:]
        if "J=" in line:  # J=9.90(H3),4.80(OH),... up to the ';' comment
            jtext = line.split("J=", 1)[1].split(";", 1)[0]
            d["j"] = tuple(float(v) for v in re.findall(r"(\d+\.?\d*)\(", jtext))
        out.append(d)
    return out
