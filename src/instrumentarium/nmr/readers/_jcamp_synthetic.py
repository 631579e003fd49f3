"""Small synthetic JCAMP-DX NMR files (reader examples and tests), in the shapes real writers use.

- a MestReNova-style 1D spectrum (``##XYDATA=`` in Hz from 0 ppm, DIFDUP, an
  ``##$OBSERVED MULTIPLETS=`` table);
- a Bruker-style NTUPLES FID (real and imaginary pages, SQZ, ``##$`` acqus records);
- a Bruker-style nD NTUPLES FID (2 x 2 pages of 64 points, PAC).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ...formats._jcamp_asdf import encode_xydata_lines

__all__ = [
    "write_jcamp_examples",
    "write_spectrum",
    "write_ntuples_fid",
    "write_nd_fid",
    "lorentzian_spectrum",
]

FREQ_MHZ = 400.13


def lorentzian_spectrum(n: int = 512, peaks_ppm: tuple[float, ...] = (7.26, 3.5, 1.2),
                        ppm_range: tuple[float, float] = (10.0, -0.5)) -> tuple[np.ndarray, np.ndarray]:
    """A real 1H-like spectrum (ppm axis high -> low, integer-valued intensities)."""
    ppm = np.linspace(ppm_range[0], ppm_range[1], n)
    y = np.zeros(n)
    for k, p in enumerate(peaks_ppm):
        y += (1000.0 * (k + 1)) / (1 + ((ppm - p) / 0.01) ** 2)
    return ppm, np.rint(y)


MULTIPLETS = """(1, 7.24, 7.28, 7.26, 1.0, 1, s, A)
(2, 3.48, 3.52, 3.50, 2.0, 2, t, B, 7.1 7.1)
(3, 1.18, 1.22, 1.20, 3.0, 3, d, C, 6.9)"""


def write_spectrum(path: Path) -> Path:
    """A 1D spectrum as MestReNova writes it: XYDATA (X++(Y..Y)) in Hz, DIFDUP."""
    ppm, y = lorentzian_spectrum()
    hz = ppm * FREQ_MHZ
    step = hz[1] - hz[0]
    lines = encode_xydata_lines(hz[0] / step, 1.0, y, form="DIFDUP")
    text = [
        "##TITLE= synthetic 1H spectrum", "##JCAMP-DX= 5.01 $$ instrumentarium test writer",
        "##DATA TYPE= NMR SPECTRUM", "##DATA CLASS= XYDATA", "##ORIGIN= Bruker BioSpin GmbH",
        "##OWNER= tester", f"##.OBSERVE FREQUENCY= {FREQ_MHZ}", "##.OBSERVE NUCLEUS= ^1H",
        "##.SOLVENT NAME= CDCl3", "##.PULSE SEQUENCE= zg30", "##XUNITS= HZ", "##YUNITS= ARBITRARY UNITS",
        f"##XFACTOR= {float(step)!r}", "##YFACTOR= 1", f"##FIRSTX= {float(hz[0])!r}",
        f"##LASTX= {float(hz[-1])!r}",
        f"##NPOINTS= {y.size}", f"##FIRSTY= {y[0]:g}", "##XYDATA= (X++(Y..Y))", *lines,
        "##$OBSERVED MULTIPLETS= ", MULTIPLETS, "##END=",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(text) + "\n")
    return path


def _fid(n: int, sw: float) -> np.ndarray:
    t = np.arange(n) / sw
    return 1e5 * (np.exp(2j * np.pi * 300 * t - t / 0.05) + 0.5 * np.exp(-2j * np.pi * 900 * t - t / 0.08))


_ACQUS = [
    "##$BF1= 400.13", "##$DATE= 1714983072", "##$DECIM= 24", "##$DSPFVS= 10", "##$GRPDLY= -1",
    "##$NS= 8", "##$NUC1= <1H>", "##$O1= 1880.61", "##$PULPROG= <zg30>", "##$SFO1= 400.13188061",
    "##$SOLVENT= <CDCl3>", "##$SW_h= 4000", "##$TD= 128", "##$TE= 298",
    "##$NC_proc= 0", "##$OFFSET= 12", "##$PHC0= 10.5", "##$PHC1= -4", "##$SF= 400.13", "##$SI= 64",
    "##$SW_p= 4000",
]


def write_ntuples_fid(path: Path, n: int = 64, sw: float = 4000.0) -> Path:
    """A 1D FID as TopSpin exports it: NTUPLES, R and I pages, SQZ, ##$ acqus/procs records."""
    fid = np.round(_fid(n, sw))
    dt = 1.0 / sw
    text = [
        "##TITLE= synthetic FID", "##JCAMPDX= 6.0 $$ Bruker NMR JCAMP-DX V2.0", "##DATA TYPE= NMR FID",
        "##DATA CLASS= NTUPLES", "##ORIGIN= Bruker BioSpin GmbH", "##OWNER= tester",
        "##LONG DATE= 2024/05/06 08:11:12+0000", f"##.OBSERVE FREQUENCY= {FREQ_MHZ}",
        "##.OBSERVE NUCLEUS= ^1H", "##.AVERAGES= 8", "##.PULSE SEQUENCE= zg30", "##.SOLVENT NAME= CDCl3",
        "$$ Bruker specific parameters", *_ACQUS,
        "##NTUPLES= NMR FID", "##VAR_NAME= TIME, FID/REAL, FID/IMAG",
        "##SYMBOL= X, R, I", "##VAR_TYPE= INDEPENDENT, DEPENDENT, DEPENDENT", "##VAR_FORM= AFFN, ASDF, ASDF",
        f"##VAR_DIM= {n}, {n}, {n}", "##UNITS= SECONDS, ARBITRARY UNITS, ARBITRARY UNITS",
        f"##FACTOR= {dt!r}, 1, 1", f"##FIRST= 0, {fid[0].real:g}, {fid[0].imag:g}",
        f"##LAST= {(n - 1) * dt!r}, {fid[-1].real:g}, {fid[-1].imag:g}",
        "##PAGE= N=1", "##DATA TABLE= (X++(R..R)), XYDATA", *encode_xydata_lines(0, 1, fid.real, form="SQZ"),
        "##PAGE= N=2", "##DATA TABLE= (X++(I..I)), XYDATA", *encode_xydata_lines(0, 1, fid.imag, form="SQZ"),
        "##END NTUPLES= NMR FID", "##END=",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(text) + "\n")
    return path


def write_nd_fid(path: Path, n_rows: int = 2, n: int = 64, sw: float = 4000.0) -> Path:
    """A 2D FID as TopSpin exports an nD ser: one R and one I page per T1 value, PAC."""
    fid = np.round(_fid(n, sw))
    pages = []
    for r in range(n_rows):
        row = fid * (1.0 - 0.3 * r)
        for sym, part in (("R", row.real), ("I", row.imag)):
            pages += [f"##PAGE= T1={r * 4e-5:g}", "##FIRST= 0, 0, 0, 0",
                      f"##DATA TABLE= (T2++({sym}..{sym})), PROFILE",
                      *encode_xydata_lines(0, 1, part, form="PAC")]
    text = [
        "##TITLE= synthetic HSQC ser", "##JCAMPDX= 6.0 $$ Bruker NMR JCAMP-DX V2.0",
        "##DATA TYPE= nD NMR FID", "##DATA CLASS= NTUPLES", "##NUM DIM= 2", "##ORIGIN= Bruker BioSpin GmbH",
        f"##.OBSERVE FREQUENCY= {FREQ_MHZ}", "##.OBSERVE NUCLEUS= ^1H", "##.SOLVENT NAME= CDCl3",
        "##NTUPLES= nD NMR FID", "##VAR_NAME= TIME1, TIME2, FID/REAL, FID/IMAG", "##SYMBOL= T1, T2, R, I",
        "##.NUCLEUS= 13C, 1H", f"##VAR_DIM= {n_rows}, {n}, {n}, {n}",
        "##UNITS= SECONDS, SECONDS, ARBITRARY UNITS, ARBITRARY UNITS",
        f"##FACTOR= 4e-05, {1 / sw!r}, 1, 1", "##FIRST= 0, 0, 0, 0",
        f"##LAST= {(n_rows - 1) * 4e-5:g}, {(n - 1) / sw!r}, 0, 0", *pages,
        "##END NTUPLES= nD NMR FID", "##END=",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(text) + "\n")
    return path


def write_jcamp_examples(folder: Path) -> list[Path]:
    """One file of each kind in ``folder``."""
    return [
        write_spectrum(folder / "spectrum.jdx"),
        write_ntuples_fid(folder / "fid.dx"),
        write_nd_fid(folder / "ser.dx"),
    ]
