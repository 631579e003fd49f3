"""Load real spectra with our own readers and pipeline, and their vendor ground truth.

Two ways to get a processed spectrum, and which test uses which:

- :func:`vendor_processed`: ``instrumentarium.read`` of the vendor's processed spectrum (TopSpin
  ``pdata/N`` with ``1r`` through the ``bruker-processed`` reader, or a TopSpin/Mnova JCAMP-DX
  spectrum through the ``jcamp-dx`` reader). Used wherever the ground truth was computed on
  that very spectrum: TopSpin's ``peaklist.xml`` ("found within one point" only means
  something on the same points) and Mnova's ``##$OBSERVED MULTIPLETS``.
- :func:`processed_fid`: ``instrumentarium.process(instrumentarium.read(expno))``, the raw FID
  through the automatic recipe (our own SI, phase and referencing). Used where the test is
  about the whole chain (classification of solvent/water lines).

``bruker_processed`` and ``jcamp_processed`` are kept as names of :func:`vendor_processed`.
TopSpin's ``peaklist.xml`` is parsed by our Bruker module (``read_peaklist``); the Mnova
``##$OBSERVED MULTIPLETS`` and NMReDATA 1D tables are parsed here.
"""

from __future__ import annotations

import re
from pathlib import Path

import instrumentarium as ins
from instrumentarium.model import Measurement
from instrumentarium.nmr.readers._bruker_params import read_peaklist

DEV = "nmr/nmr_dev_v1"

#: every dev spectrum that ships a TopSpin peaklist.xml (MANIFEST.md), with the processed
#: spectrum it was picked on: d01's list (pdata/2, TopSpin 3.5, no 1r kept) is scored on the
#: TopSpin 4.3 1r of the same FID (pdata/1, phases 1.6 deg apart); d04 has no 1r, its TopSpin
#: JCAMP-DX export of the same processing is used (MANIFEST: "use jcamp/1h.dx").
PEAKLIST_CASES = {
    "d01_aspirin": (
        "d01_bruker_1H_300MHz_aspirin_CDCl3/1/pdata/1",
        "d01_bruker_1H_300MHz_aspirin_CDCl3/1/pdata/2/peaklist.xml",
    ),
    "d04_naphthoic_acid": (
        "d04_bruker_1H_500MHz_naphthoic_acid_acetone/jcamp/1h.dx",
        "d04_bruker_1H_500MHz_naphthoic_acid_acetone/1/pdata/1/peaklist.xml",
    ),
    "d05_menthol": (
        "d05_bruker_1H_500MHz_menthol_CDCl3_nmredata/AN-menthol/10/pdata/1",
        "d05_bruker_1H_500MHz_menthol_CDCl3_nmredata/AN-menthol/10/pdata/1/peaklist.xml",
    ),
}


def vendor_processed(path: Path) -> Measurement:
    """Read a vendor-processed 1-D spectrum (TopSpin pdata folder, JCAMP-DX spectrum) with our readers."""
    return ins.read(path)


bruker_processed = vendor_processed
jcamp_processed = vendor_processed


def processed_fid(expno: Path) -> Measurement:
    """Read a raw FID (e.g. a Bruker expno folder) and process it with the automatic NMR recipe."""
    return ins.process(ins.read(expno))


def topspin_peaks(path: Path) -> list[tuple[float, float, str]]:
    """Return (ppm, intensity, annotation) from a TopSpin peaklist.xml."""
    rows = read_peaklist(Path(path)) or []
    return [(float(r["F1"]), float(r["intensity"]), str(r.get("annotation", ""))) for r in rows if "F1" in r]


def observed_multiplets(path: Path) -> list[dict]:
    """Return the ``##$OBSERVED MULTIPLETS`` table of a Mnova JCAMP export.

    Parsed here, not with ``instrumentarium.formats.jcampdx.parse_observed_multiplets``: that one
    drops the rows whose label holds parentheses (d16 cyclopropanes "CH2(t)", "Me(c)": keeps 11 of 15).

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


def score_peaks(m: Measurement, peaklist: Path, *, min_snr: float = 10.0) -> dict:
    """Score our peaks against a TopSpin peak list picked on the same processed spectrum.

    Returns a dict: ``ref`` (TopSpin peaks whose height is above ``min_snr`` times our noise
    estimate), ``found`` (those with one of our peaks within one point), ``extra`` (our
    peaks reported as the compound's with no TopSpin peak within one point), ``extra_all``
    (the same over every kind), ``n_ours`` and the analysis itself.
    """
    import numpy as np

    from instrumentarium.nmr.analysis import analyze, spectrum_arrays
    from instrumentarium.nmr.analysis.noise import baseline_offset, noise_std

    a = analyze(m)
    y, ppm = spectrum_arrays(m)
    y0 = y - baseline_offset(y)
    noise = noise_std(y0)
    step = abs(ppm[1] - ppm[0]) * 1.0001
    ts = np.array([p for p, _, _ in topspin_peaks(peaklist)])
    ref = [p for p in ts if y0[int(np.argmin(np.abs(ppm - p)))] > min_snr * noise]
    ours = np.array([p.ppm for p in a.peaks])
    found = [p for p in ref if ours.size and np.min(np.abs(ours - p)) <= step]

    def unmatched(peaks: list) -> list:
        return [p for p in peaks if not ts.size or np.min(np.abs(ts - p.ppm)) > step]

    return {
        "ref": ref,
        "found": found,
        "extra": unmatched([p for p in a.peaks if p.kind == "compound"]),
        "extra_all": unmatched(list(a.peaks)),
        "n_ours": len(a.peaks),
        "analysis": a,
    }
