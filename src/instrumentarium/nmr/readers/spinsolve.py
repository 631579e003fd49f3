"""Magritek Spinsolve (benchtop) experiment folders: ``acqu.par`` + ``data.1d``/``spectrum.1d``.

Format notes
------------
- ``acqu.par``: ``name = value`` lines, strings in double quotes (which may themselves
  contain quotes, e.g. ``graphTitle``). ``b1Freq`` is the observe frequency (MHz),
  ``dwellTime`` in µs, ``bandwidth`` in kHz, ``repTime`` in ms, ``startTime`` local time
  with no zone, ``rxChannel`` the nucleus, ``Solvent`` free text.
- ``*.1d`` (``data.1d`` = FID, ``spectrum.1d`` = Magritek's processed spectrum): a 32-byte
  little-endian header (``PROS`` ``DATA`` ``V1.1`` magic, data type 504, xDim, yDim,
  zDim, qDim as int32), then ``n`` float32 abscissae (s for the FID, ppm ascending for the
  spectrum), then ``n`` complex float32 values.
- The FID has no digital-filter delay (its first point is already the maximum): 0.
- The FID is stored with the opposite frequency sense to Bruker's: the reader returns its
  complex conjugate, so that, as for every reader, ``fftshift(fft(fid))`` runs from low to
  high ppm. Checked on d11: |FFT| of the conjugate, reversed, correlates with Magritek's
  spectrum.1d at r = 1.0000 (the unconjugated FID: r = -0.004).
- ``b1Freq`` is the frequency of 0 ppm; the receiver (the centre of the Fourier-transformed
  FID) lies ``lowestFrequency + bandwidth/2`` Hz above it: d11 gives 4.7398 ppm, the centre
  of Magritek's own spectrum.1d axis.
- ``nmr_fid.dx`` beside them is a JCAMP-DX copy of the FID (read by the jcamp-dx reader).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ...formats import Reader, read_head
from ...model import (
    Axis,
    FormatError,
    Instrument,
    Measurement,
    NMRAcquisition,
    Sample,
    Source,
    TruncatedFileError,
)
from .._conventions import normalise_nucleus

__all__ = ["SpinsolveReader", "read_acqu_par", "write_spinsolve_experiment"]

_MAGIC = b"SORPATAD"
_FID_NAMES = ("data.1d", "fid.1d")
_SPECTRUM_NAMES = ("spectrum.1d", "spectrum_processed.1d")


def _data_file(path: Path) -> Path | None:
    """The .1d file to read for ``path`` (a folder means its FID), or None."""
    if path.is_file():
        return path if path.suffix == ".1d" and (path.parent / "acqu.par").is_file() else None
    if not (path / "acqu.par").is_file():
        return None
    for name in (*_FID_NAMES, *_SPECTRUM_NAMES):
        if (path / name).is_file():
            return path / name
    return None


def read_acqu_par(path: Path) -> dict[str, Any]:
    """Parse ``acqu.par`` into ``{name: value}`` (numbers as int/float, strings unquoted)."""
    out: dict[str, Any] = {}
    for line in path.read_bytes().decode("utf-8", errors="replace").splitlines():
        name, sep, value = line.partition("=")
        if not sep or not name.strip():
            continue
        v = value.strip()
        if len(v) >= 2 and v.startswith('"') and v.endswith('"'):
            out[name.strip()] = v[1:-1]
            continue
        try:
            out[name.strip()] = int(v)
        except ValueError:
            try:
                out[name.strip()] = float(v)
            except ValueError:
                out[name.strip()] = v
    if not out:
        raise FormatError("no 'name = value' line: not a Spinsolve acqu.par", path=path)
    return out


def read_1d(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Read a Spinsolve ``.1d`` file: (abscissa, complex values)."""
    head = read_head(path, 32)
    if len(head) < 32 or not head.startswith(_MAGIC):
        raise FormatError("no PROSDATA magic: not a Spinsolve .1d file", path=path)
    dims = np.frombuffer(head[16:32], "<i4")
    if np.any(dims < 1) or np.prod(dims.astype(np.int64)) > 1 << 28:
        raise FormatError(f"dimensions {dims.tolist()} are not valid", path=path)
    n = int(np.prod(dims.astype(np.int64)))
    size = path.stat().st_size
    if size < 32 + 12 * n:
        raise TruncatedFileError(f"{size} bytes but {n} points need {32 + 12 * n}: truncated", path=path)
    values = np.fromfile(path, dtype="<f4", count=3 * n, offset=32).astype(float)
    x = values[:n]
    data = values[n::2] + 1j * values[n + 1 :: 2]
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(data))):
        raise FormatError("non-finite values in the data (damaged file?)", path=path)
    return x, data


def _num(p: dict[str, Any], key: str) -> float | None:
    v = p.get(key)
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) and np.isfinite(v) else None


class SpinsolveReader(Reader):
    """Read a Magritek Spinsolve folder: the FID (``data.1d``) or, given the file, ``spectrum.1d``."""

    name = "spinsolve"
    technique = "nmr"
    description = "Magritek Spinsolve folder (acqu.par + data.1d FID / spectrum.1d)"
    patterns = ("*/acqu.par", "*/data.1d", "*/spectrum.1d")
    version = "1"

    def sniff(self, path: Path) -> float:
        try:
            f = _data_file(Path(path))
            if f is None:
                return 0.0
            return 0.9 if read_head(f, 8) == _MAGIC else 0.3
        except OSError:
            return 0.0

    def read(self, path: Path) -> Measurement:
        path = Path(path)
        f = _data_file(path)
        if f is None:
            raise self.fail(path, "not a Spinsolve folder (needs acqu.par and data.1d or spectrum.1d)")
        par = read_acqu_par(f.parent / "acqu.par")
        x, data = read_1d(f)
        warnings: list[str] = []
        is_spectrum = f.name in _SPECTRUM_NAMES
        freq = _num(par, "b1Freq")
        dwell_us = _num(par, "dwellTime")
        if is_spectrum:
            if x.size > 1 and x[0] < x[-1]:
                x, data = x[::-1], data[::-1]
            axis = Axis("chemical_shift", "ppm", x)
        else:
            data = np.conj(data)  # Magritek stores the opposite frequency sense (see notes)
            if not dwell_us or dwell_us <= 0:
                raise FormatError(
                    f"dwellTime = {par.get('dwellTime')!r} µs is not usable", path=f.parent / "acqu.par"
                )
            axis = Axis("time", "s", np.arange(data.size) / (1e6 / dwell_us))
        sw = 1e6 / dwell_us if dwell_us else None
        carrier = None
        lowest, bandwidth_khz = _num(par, "lowestFrequency"), _num(par, "bandwidth")
        spec = f.parent / "spectrum.1d"
        if freq and lowest is not None and bandwidth_khz:
            # the receiver (FFT centre) sits bandwidth/2 above the lowest frequency; b1Freq is 0 ppm
            carrier = (lowest + bandwidth_khz * 1e3 / 2.0) / freq
        elif spec.is_file():
            try:
                sx, _ = read_1d(spec)
                carrier = float(sx[sx.size // 2])
            except FormatError:
                warnings.append("spectrum.1d unreadable: carrier_ppm unknown")
        rep, n = _num(par, "repTime"), _num(par, "nrPnts")
        relax = rep / 1e3 - n * dwell_us / 1e6 if rep and n and dwell_us else None
        if par.get("startTime"):
            warnings.append(f"startTime {par['startTime']} has no time zone: acquired_at left empty")
        acq = NMRAcquisition(
            title=par.get("graphTitle") or None,
            operator=par.get("UserName") or None,
            nucleus=normalise_nucleus(par.get("rxChannel")),
            spectrometer_frequency_mhz=freq,
            base_frequency_mhz=freq,
            spectral_width_hz=sw,
            carrier_ppm=carrier,
            n_points=int(n) if n else (None if is_spectrum else data.size),
            n_scans=_int(_num(par, "nrScans")),
            n_dummy_scans=_int(_num(par, "dummy")),
            pulse_program=par.get("Protocol") or par.get("experiment"),
            solvent=par.get("Solvent") or None,
            receiver_gain=_num(par, "rxGain"),
            relaxation_delay_s=relax,
            group_delay_points=None if is_spectrum else 0.0,
        )
        files = [f.parent / "acqu.par", f]
        return Measurement(
            technique="nmr",
            signal=data,
            axes=(axis,),
            signal_unit="arb",
            acquisition=acq,
            raw_parameters={"acqu.par": par},
            source=Source.from_files(
                files, reader=self.name, reader_version=self.version, format="spinsolve-" + f.stem
            ),
            sample=Sample(name=par.get("Sample") or f.parent.name),
            instrument=Instrument(
                vendor="Magritek",
                model=par.get("InstrumentType") or None,
                serial=par.get("Spectrometer") or None,
                software=f"Spinsolve {par['Software']}" if par.get("Software") else "Spinsolve",
            ),
            warnings=tuple(warnings),
        )

    def examples(self, folder: Path) -> list[Path]:
        """A small Spinsolve folder (FID) and its spectrum file."""
        exp = write_spinsolve_experiment(folder / "1D_example")
        return [exp, exp / "spectrum.1d"]


def _int(v: float | None) -> int | None:
    return None if v is None else int(v)


def _write_1d(path: Path, x: np.ndarray, data: np.ndarray) -> None:
    head = _MAGIC + b"1.1V" + np.array([504, x.size, 1, 1, 1], "<i4").tobytes()
    inter = np.empty(2 * data.size, "<f4")
    inter[0::2], inter[1::2] = data.real, data.imag
    path.write_bytes(head + x.astype("<f4").tobytes() + inter.tobytes())


def write_spinsolve_experiment(folder: Path, n: int = 256, dwell_us: float = 400.0) -> Path:
    """Write a minimal Spinsolve folder: acqu.par, data.1d (FID) and spectrum.1d."""
    folder.mkdir(parents=True, exist_ok=True)
    t = np.arange(n) * dwell_us * 1e-6
    fid = 1e3 * np.exp(2j * np.pi * 150 * t - t / 0.1)
    _write_1d(folder / "data.1d", t, np.conj(fid))  # Magritek's frequency sense
    spec = np.fft.fftshift(np.fft.fft(fid))
    ppm = np.linspace(-10.0, 20.0, n)
    _write_1d(folder / "spectrum.1d", ppm, spec)
    (folder / "acqu.par").write_text(
        "\n".join(
            [
                'Solvent                             = "Water"',
                'Sample                              = "example"',
                'startTime                           = "2024-07-25T10:37:33.711"',
                "b1Freq = 80.4875791072845",
                f"dwellTime = {dwell_us:g}",
                f"nrPnts = {n}",
                "nrScans = 8",
                "repTime = 15000",
                'rxChannel = "1H"',
                "rxGain = 22",
                "dummy = 2",
                'Protocol = "1D EXTENDED+"',
                'Software = "2.1.3.5116"',
                'graphTitle = "1D-1H-"Auto"-20"',
            ]
        )
        + "\n"
    )
    return folder
