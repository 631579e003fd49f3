"""Small synthetic Bruker experiment folders (for reader examples and tests).

The files follow what TopSpin 3 writes: ``acqus``/``procs`` as JCAMP-DX with ``##$`` records,
raw data int32 little-endian padded to 1024-byte blocks, processed ``1r``/``1i`` int32
scaled by ``2**-NC_proc``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["write_bruker_parameters", "write_bruker_experiment", "write_bruker_pdata", "synthetic_fid"]


def _format_value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return f"<{value}>"
    if isinstance(value, list | tuple):
        body = " ".join(_format_value(v) for v in value)
        return f"(0..{len(value) - 1})\n{body}"
    return repr(value) if isinstance(value, float) else str(value)


def write_bruker_parameters(path: Path, params: Mapping[str, Any], title: str = "TopSpin 3.6") -> Path:
    """Write a Bruker JCAMP-DX parameter file with ``##$NAME=`` records."""
    lines = [
        f"##TITLE= Parameter file, {title}",
        "##JCAMPDX= 5.0",
        "##DATATYPE= Parameter Values",
        "##ORIGIN= Bruker BioSpin GmbH",
        "##OWNER= tester",
        "$$ 2024-05-06 10:11:12.000 +0200  tester@spect",
    ]
    lines += [f"##${k}= {_format_value(v)}" for k, v in params.items()]
    lines.append("##END=")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="latin-1")
    return path


def synthetic_fid(n: int, sw_hz: float, *, lines_hz: Sequence[float] = (-300.0, 250.0, 900.0),
                  t2_s: float = 0.2, amplitude: float = 1e6) -> np.ndarray:
    """A noiseless complex FID: a few Lorentzian lines at ``lines_hz`` from the carrier."""
    t = np.arange(n) / sw_hz
    fid = np.zeros(n, dtype=complex)
    for k, f in enumerate(lines_hz):
        fid += (1.0 + 0.5 * k) * np.exp(2j * np.pi * f * t - t / t2_s)
    return amplitude * fid


def _acqus(td: int, sw_hz: float, **extra: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "BF1": 400.13, "BYTORDA": 0, "D": [0.0, 1.5, 0.0, 0.0], "DATE": 1714983072, "DECIM": 1664,
        "DIGMOD": 1, "DS": 2, "DSPFVS": 20, "DTYPA": 0, "GRPDLY": 67.9862060546875, "NS": 16,
        "NUC1": "1H", "O1": 1880.61, "PROBHD": "5 mm PABBO BB/19F-1H/D Z-GRD", "PULPROG": "zg30",
        "RG": 101.0, "SFO1": 400.13188061, "SOLVENT": "CDCl3", "SW_h": sw_hz, "TD": td, "TE": 298.1,
    }
    params.update(extra)
    return params


def write_bruker_experiment(expdir: Path, *, n_points: int = 300, sw_hz: float = 4000.0,
                            n_rows: int | None = None, vdlist: Sequence[float] | None = None,
                            fid: np.ndarray | None = None, acqus: Mapping[str, Any] | None = None,
                            dtype: str = "<i4") -> Path:
    """Write ``expdir/{acqus,fid}`` (or ``ser`` + ``acqu2s`` when ``n_rows``); return ``expdir``.

    ``dtype`` is ``"<i4"``/``">i4"`` (DTYPA 0) or ``"<f8"``/``">f8"`` (DTYPA 2), the byte order
    giving BYTORDA.
    """
    expdir.mkdir(parents=True, exist_ok=True)
    kind = {"i4": 0, "f8": 2}[dtype[1:]]
    order = 0 if dtype[0] == "<" else 1
    extra = {"DTYPA": kind, "BYTORDA": order, **dict(acqus or {})}
    write_bruker_parameters(expdir / "acqus", _acqus(2 * n_points, sw_hz, **extra))
    base = synthetic_fid(n_points, sw_hz) if fid is None else np.asarray(fid)
    rows = [base] if n_rows is None else [base * (1 - 2 * np.exp(-d)) for d in (vdlist or range(n_rows))]
    item = np.dtype(dtype).itemsize
    block = int(np.ceil(2 * n_points * item / 1024) * 1024 // item)
    out = np.zeros((len(rows), block), dtype=dtype)
    for i, r in enumerate(rows):
        out[i, 0 : 2 * n_points : 2] = np.round(r.real)
        out[i, 1 : 2 * n_points : 2] = np.round(r.imag)
    (expdir / ("fid" if n_rows is None else "ser")).write_bytes(out.tobytes())
    if n_rows is not None:
        write_bruker_parameters(expdir / "acqu2s", {"FnMODE": 1, "NUC1": "1H", "SFO1": 400.13188061,
                                                     "SW_h": 10.0, "TD": len(rows), "O1": 0.0, "BF1": 400.13})
    if vdlist is not None:
        (expdir / "vdlist").write_text("".join(f"{d:g}s\n" for d in vdlist))
    return expdir


def write_bruker_pdata(pdir: Path, spectrum: np.ndarray, *, offset_ppm: float = 12.0,
                       sw_hz: float = 4000.0, sf_mhz: float = 400.13, nc_proc: int = -3,
                       procs: Mapping[str, Any] | None = None) -> Path:
    """Write ``pdir/{procs,1r,1i}`` for a complex spectrum (index 0 = highest ppm)."""
    spectrum = np.asarray(spectrum)
    params: dict[str, Any] = {
        "BYTORDP": 0, "DTYPP": 0, "LB": 0.3, "NC_proc": nc_proc, "OFFSET": offset_ppm, "PHC0": 12.5,
        "PHC1": -3.0, "SF": sf_mhz, "SI": spectrum.size, "SW_p": sw_hz, "WDW": 1, "AXNUC": "1H",
    }
    params.update(dict(procs or {}))
    write_bruker_parameters(pdir / "procs", params)
    scale = 2.0 ** (-nc_proc)
    (pdir / "1r").write_bytes(np.round(spectrum.real * scale).astype("<i4").tobytes())
    if np.iscomplexobj(spectrum):
        (pdir / "1i").write_bytes(np.round(spectrum.imag * scale).astype("<i4").tobytes())
    return pdir
