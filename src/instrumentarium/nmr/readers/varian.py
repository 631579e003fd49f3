"""Agilent/Varian VnmrJ (and VNMR) experiment folders: ``<name>.fid/{fid, procpar}``.

Format notes
------------
- ``fid``: big-endian. A 32-byte file header (``nblocks, ntraces, np, ebytes, tbytes,
  bbytes`` as int32, ``vers_id, status`` as int16, ``nbheaders`` int32), then ``nblocks``
  blocks, each ``nbheaders`` 28-byte block headers followed by ``ntraces`` traces of ``np``
  values (real/imaginary interleaved). ``status`` bit 3 = float32, else bit 2 = int32,
  else int16 (Varian, *VNMR User Programming*, "Data file structures").
- ``procpar``: text, one parameter per entry: a line ``name subtype basictype ...``, a
  line ``n v1 v2 ...`` (strings quoted, one per line) and an enumeration line.
- VnmrJ digitally filters in the console: the FID starts at time 0, group delay 0.
- ``sfrq`` is the observe frequency (MHz), ``reffrq`` the frequency of 0 ppm after
  referencing; ``tn`` the observed nucleus (``"P31"``); ``temp`` in degrees Celsius;
  ``time_run`` local time without a zone (d10: ``20160405T155739``); ``rp``/``lp`` are
  VnmrJ's phase (its sign convention differs from TopSpin's).
- Arrayed/2D experiments have several traces/blocks: read as 2D (rows x np/2).
- VnmrJ stores the opposite frequency sense to Bruker: software that reads both (NMRPy,
  ``Fid._ft``) Fourier-transforms Varian FIDs without the reversal it applies to Bruker
  ones. The reader returns the complex conjugate so that, as for every reader,
  ``fftshift(fft(fid))`` runs from low to high ppm. (No VnmrJ-processed spectrum exists
  in nmr_dev_v1 to check this against; d10's two main 31P lines then fall at +2.75 and
  +1.56 ppm with VnmrJ's own referencing, rfl/rfp.)
"""

from __future__ import annotations

import re
import struct
from pathlib import Path
from typing import Any

import numpy as np

from ...formats import Reader, read_head
from ...model import (
    Axis,
    FormatError,
    Instrument,
    Measurement,
    MissingParameterError,
    NMRAcquisition,
    NMRDimension,
    Sample,
    Source,
    TruncatedFileError,
)
from .._conventions import normalise_nucleus

__all__ = ["VarianReader", "read_procpar", "write_varian_experiment"]

_HEADER = struct.Struct(">6i2hi")


def experiment_folder(path: Path) -> Path | None:
    """The ``.fid`` folder for ``path`` (the folder or its fid/procpar file), or None."""
    folder = path if path.is_dir() else path.parent
    if path.is_file() and path.name not in ("fid", "procpar"):
        return None
    if (folder / "fid").is_file() and (folder / "procpar").is_file():
        return folder
    return None


_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(\S+)')


def read_procpar(path: Path, *, inactive: set[str] | None = None) -> dict[str, Any]:
    """Parse a VnmrJ ``procpar`` into ``{name: value}`` (a list when arrayed).

    Reals (basictype 1) become floats, strings (basictype 2) stay strings. ``inactive``: a
    set that receives the names of the parameters marked inactive (the "active" field of
    the entry's first line is 0: VnmrJ shows them as ``'n'`` and does not use them, e.g.
    ``lb='n'`` means no line broadening).
    """
    if not path.is_file():
        raise MissingParameterError(
            "procpar is missing: a Varian .fid folder needs fid and procpar", path=path
        )
    lines = path.read_bytes().decode("latin-1").splitlines()
    out: dict[str, Any] = {}
    i = 0
    try:
        while i < len(lines):
            head = lines[i].split()
            i += 1
            if not head:
                continue
            name, basictype = head[0], int(head[2])
            if inactive is not None and len(head) > 9 and head[9] == "0":
                inactive.add(name)
            tokens = [m.group(1) if m.group(1) is not None else m.group(2) for m in _TOKEN.finditer(lines[i])]
            i += 1
            count = int(tokens[0])
            values = tokens[1:]
            while basictype == 2 and len(values) < count and i < len(lines):
                values += [m.group(1) or "" for m in _TOKEN.finditer(lines[i])]
                i += 1
            i += 1  # enumeration line
            if basictype == 1:
                parsed: list[Any] = [float(v) for v in values[:count]]
            else:
                parsed = values[:count]
            out[name] = parsed[0] if len(parsed) == 1 else parsed
    except (IndexError, ValueError) as exc:
        raise FormatError(f"procpar line {i}: not a VnmrJ parameter entry ({exc})", path=path) from exc
    if not out:
        raise FormatError("procpar holds no parameter", path=path)
    return out


def read_varian_fid(path: Path) -> tuple[np.ndarray, dict[str, int]]:
    """Read a VnmrJ ``fid`` file into a complex ``(traces, np/2)`` array and its header."""
    head = read_head(path, 32)
    if len(head) < 32:
        raise TruncatedFileError("shorter than the 32-byte file header", path=path)
    nblocks, ntraces, npts, ebytes, tbytes, bbytes, _vers, status, nbheaders = _HEADER.unpack(head)
    header = {
        "nblocks": nblocks,
        "ntraces": ntraces,
        "np": npts,
        "ebytes": ebytes,
        "tbytes": tbytes,
        "bbytes": bbytes,
        "status": status,
        "nbheaders": nbheaders,
    }
    if status & 0x8:
        dtype = np.dtype(">f4")
    elif status & 0x4:
        dtype = np.dtype(">i4")
    else:
        dtype = np.dtype(">i2")
    if (
        nblocks < 1
        or ntraces < 1
        or npts < 2
        or npts % 2
        or ebytes != dtype.itemsize
        or tbytes != npts * ebytes
        or bbytes != ntraces * tbytes + 28 * nbheaders
        or nbheaders < 0
    ):
        raise FormatError(f"inconsistent file header {header}: not a VnmrJ fid or damaged", path=path)
    size = path.stat().st_size
    if size < 32 + nblocks * bbytes:
        raise TruncatedFileError(
            f"{size} bytes but the header announces {nblocks} blocks of {bbytes} bytes: truncated", path=path
        )
    raw = np.fromfile(path, dtype=np.uint8, count=nblocks * bbytes, offset=32).reshape(nblocks, bbytes)
    traces = raw[:, 28 * nbheaders :].copy().view(dtype).reshape(nblocks * ntraces, npts).astype(float)
    return traces[:, 0::2] + 1j * traces[:, 1::2], header


def _num(pp: dict[str, Any], key: str) -> float | None:
    v = pp.get(key)
    if isinstance(v, list):
        v = v[0] if v else None
    return float(v) if isinstance(v, int | float) and np.isfinite(v) else None


def _text(pp: dict[str, Any], key: str) -> str | None:
    v = pp.get(key)
    if isinstance(v, list):
        v = v[0] if v else None
    return str(v).strip() or None if v is not None else None


class VarianReader(Reader):
    """Read an Agilent/Varian VnmrJ ``.fid`` folder (raw FID + procpar)."""

    name = "varian"
    technique = "nmr"
    description = "Agilent/Varian VnmrJ .fid folder (fid + procpar)"
    patterns = ("*.fid/fid", "*.fid/procpar", "*.fid")
    version = "1"

    def sniff(self, path: Path) -> float:
        try:
            folder = experiment_folder(Path(path))
            if folder is None:
                return 0.0
            return 0.9 if len(read_head(folder / "fid", 32)) == 32 else 0.3
        except OSError:
            return 0.0

    def read(self, path: Path) -> Measurement:
        path = Path(path)
        folder = experiment_folder(path)
        if folder is None:
            raise self.fail(path, "not a VnmrJ .fid folder (needs fid and procpar)")
        off: set[str] = set()
        pp = read_procpar(folder / "procpar", inactive=off)
        data, header = read_varian_fid(folder / "fid")
        data = np.conj(data)  # VnmrJ's frequency sense is the opposite of Bruker's (see notes)
        warnings: list[str] = []
        sw = _num(pp, "sw")
        if not sw or sw <= 0:
            raise MissingParameterError(
                f"procpar sw = {pp.get('sw')!r} is not a spectral width", path=folder / "procpar"
            )
        t = Axis("time", "s", np.arange(data.shape[1]) / sw)
        sfrq, reffrq = _num(pp, "sfrq"), _num(pp, "reffrq")
        temp = _num(pp, "temp")
        stamp = _text(pp, "time_run")
        if stamp:
            warnings.append(f"time_run {stamp} has no time zone: acquired_at left empty (see procpar)")
        indirect: tuple[NMRDimension, ...] = ()
        if data.shape[0] > 1:
            sw1 = _num(pp, "sw1")
            rows = np.arange(data.shape[0], dtype=float)
            axis0 = Axis("time_f1", "s", rows / sw1) if sw1 else Axis("index", "", rows)
            indirect = (
                NMRDimension(
                    nucleus=normalise_nucleus(_text(pp, "dn")), spectral_width_hz=sw1, n_points=data.shape[0]
                ),
            )
            signal, axes = data, (axis0, t)
        else:
            signal, axes = data[0], (t,)
        acq = NMRAcquisition(
            title=_text(pp, "pslabel"),
            operator=_text(pp, "operator_"),
            nucleus=normalise_nucleus(_text(pp, "tn")),
            spectrometer_frequency_mhz=sfrq,
            base_frequency_mhz=reffrq,
            spectral_width_hz=sw,
            carrier_ppm=(sfrq - reffrq) / reffrq * 1e6 if sfrq and reffrq else None,
            n_points=data.shape[1],
            n_scans=_int(_num(pp, "ct") or _num(pp, "nt")),
            n_dummy_scans=_int(_num(pp, "ss")),
            pulse_program=_text(pp, "seqfil"),
            solvent=_text(pp, "solvent"),
            temperature_k=temp + 273.15 if temp is not None else None,
            probe=_text(pp, "probe_"),
            receiver_gain=_num(pp, "gain"),
            relaxation_delay_s=_num(pp, "d1"),
            group_delay_points=0.0,
            indirect=indirect,
        )
        system = _text(pp, "systemname_") or ""
        return Measurement(
            technique="nmr",
            signal=signal,
            axes=axes,
            signal_unit="arb",
            acquisition=acq,
            raw_parameters={"procpar": pp, "procpar_inactive": sorted(off), "fid_header": header},
            source=Source.from_files(
                [folder / "fid", folder / "procpar"],
                reader=self.name,
                reader_version=self.version,
                format="varian-fid",
            ),
            sample=Sample(name=_text(pp, "samplename") or folder.stem),
            instrument=Instrument(
                vendor="Agilent" if "agilent" in system.lower() else "Varian",
                model=_text(pp, "console"),
                name=system or None,
                software="VnmrJ",
            ),
            warnings=tuple(warnings),
        )

    def examples(self, folder: Path) -> list[Path]:
        """A small VnmrJ .fid folder (float32 data, one block)."""
        return [write_varian_experiment(folder / "example.fid")]


def _int(v: float | None) -> int | None:
    return None if v is None else int(v)


def write_varian_experiment(folder: Path, n: int = 128, sw: float = 5000.0) -> Path:
    """Write a minimal valid VnmrJ ``.fid`` folder (for examples and tests)."""
    folder.mkdir(parents=True, exist_ok=True)
    t = np.arange(n) / sw
    fid = 1e4 * np.exp(2j * np.pi * 400 * t - t / 0.05)
    inter = np.empty(2 * n, dtype=">f4")
    inter[0::2], inter[1::2] = fid.real, -fid.imag  # VnmrJ's frequency sense
    head = _HEADER.pack(1, 1, 2 * n, 4, 8 * n, 8 * n + 28, 0, 0x8 | 0x1 | 0x40, 1)
    (folder / "fid").write_bytes(head + bytes(28) + inter.tobytes())
    params = {
        "sfrq": (1, "399.9"),
        "reffrq": (1, "399.8975"),
        "sw": (1, str(sw)),
        "np": (1, str(2 * n)),
        "nt": (1, "16"),
        "ct": (1, "16"),
        "ss": (1, "2"),
        "seqfil": (2, '"s2pul"'),
        "solvent": (2, '"cdcl3"'),
        "temp": (1, "25"),
        "tn": (2, '"H1"'),
        "dn": (2, '"C13"'),
        "gain": (1, "30"),
        "d1": (1, "1.5"),
        "rp": (1, "-12.5"),
        "lp": (1, "30"),
        "time_run": (2, '"20160405T155739"'),
        "samplename": (2, '"test sample"'),
        "probe_": (2, '"5mm_ID"'),
        "console": (2, '"vnmrs"'),
    }
    lines = []
    for name, (btype, value) in params.items():
        lines += [f"{name} 1 {btype} 1e+30 -1e+30 0 2 1 0 1 64", f"1 {value}", "0"]
    (folder / "procpar").write_text("\n".join(lines) + "\n")
    return folder
