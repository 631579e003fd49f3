"""Bruker processed data: ``<expno>/pdata/<procno>/`` with ``1r``/``1i`` (1D) or ``2rr`` (2D).

Format notes
------------
- ``procs`` (and ``proc2s`` for 2D) describe the processed data: ``SI`` points, ``OFFSET`` = ppm
  of the first point, ``SW_p`` (Hz), ``SF`` (MHz), ``DTYPP`` (0 int32, 2 float64),
  ``BYTORDP`` (0 little, 1 big), ``NC_proc`` (stored values are ``value / 2**NC_proc``).
- ``1r``/``1i`` are stored from high to low ppm; this reader keeps that order
  (index 0 = ``OFFSET`` ppm), ``ppm(j) = OFFSET - j * SW_p / (SF * SI)``.
- ``2rr`` is stored in submatrix tiles of ``XDIM`` points per dimension (nmrglue's
  ``reorder_submatrix`` untiles them). Only the real-real quadrant is read for 2D.
- For a pseudo-2D (T1/T2 with a ``vdlist``) TopSpin pads F1 to a power of two (d14: 16 rows
  for 10 delays); the rows beyond the delay list are zeros and are dropped, with a warning.
- The acquisition parameters (``../../acqus``) are read when present so the processed
  spectrum carries the same typed metadata as the raw FID.
- Some 1r files already have TopSpin's polynomial baseline (``abs``) applied; ``auditp.txt``
  says so (it is not parsed here).
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
    MissingParameterError,
    NMRAcquisition,
    Sample,
    Source,
    TruncatedFileError,
)
from .._conventions import normalise_nucleus, vendor_errors
from ._bruker_params import (
    acquisition_from_acqus,
    instrument_from_acqus,
    read_parameter_file,
    read_peaklist,
    read_vdlist,
)
from ._bruker_synthetic import synthetic_fid, write_bruker_experiment, write_bruker_pdata
from .bruker import _dtype, read_title

__all__ = ["BrukerProcessedReader", "processed_folder"]

_DATA_NAMES = ("1r", "1i", "2rr", "2ii", "2ri", "2ir")


def processed_folder(path: Path) -> Path | None:
    """Return the ``pdata/N`` folder for ``path`` (the folder, or its 1r/2rr/procs file)."""
    if path.is_dir():
        if (path / "procs").is_file() and ((path / "1r").is_file() or (path / "2rr").is_file()):
            return path
        return None
    if path.name in (*_DATA_NAMES, "procs", "proc2s") and (path.parent / "procs").is_file():
        return path.parent
    return None


def _float(params: dict[str, Any], key: str, path: Path) -> float:
    v = params.get(key)
    if isinstance(v, bool) or not isinstance(v, int | float) or not np.isfinite(v):
        raise MissingParameterError(f"{key} = {v!r}: a number is needed to build the ppm axis", path=path)
    return float(v)


def _ppm_axis(params: dict[str, Any], n: int, name: str, path: Path) -> Axis:
    offset = _float(params, "OFFSET", path)
    sw_p = _float(params, "SW_p", path)
    sf = _float(params, "SF", path)
    si = params.get("SI")
    if not sf > 0:
        raise FormatError(f"SF = {sf} MHz is not a frequency", path=path)
    step = sw_p / sf / (si if isinstance(si, int) and si > 0 else n)
    return Axis(name, "ppm", offset - step * np.arange(n, dtype=float))


def _read_points(path: Path, dtype: np.dtype, n: int) -> np.ndarray:
    size = path.stat().st_size
    if size < n * dtype.itemsize:
        raise TruncatedFileError(
            f"{size} bytes hold {size // dtype.itemsize} points but procs SI announces {n}: "
            "the file is truncated",
            path=path,
        )
    return np.fromfile(path, dtype=dtype, count=n).astype(np.float64)


class BrukerProcessedReader(Reader):
    """Read TopSpin's processed spectrum from ``pdata/N`` (1r/1i, or 2rr)."""

    name = "bruker-processed"
    technique = "nmr"
    description = "Bruker TopSpin processed spectrum: pdata/N folder with procs and 1r (and 1i) or 2rr"
    patterns = ("*/pdata/*/procs", "*/pdata/*/1r", "*/pdata/*/2rr")
    version = "1"

    def sniff(self, path: Path) -> float:
        try:
            path = Path(path)
            pdir = processed_folder(path)
            if pdir is None:
                # a pdata/N folder with procs but no spectrum: claim it weakly, to say why
                is_pdata = path.is_dir() and path.parent.name == "pdata" and (path / "procs").is_file()
                return 0.2 if is_pdata else 0.0
            head = read_head(pdir / "procs", 256)
            return 0.95 if head.startswith(b"##") else 0.3
        except OSError:
            return 0.0

    def read(self, path: Path) -> Measurement:
        path = Path(path)
        pdir = processed_folder(path)
        if pdir is None:
            if path.is_dir() and (path / "procs").is_file():
                raise FormatError(
                    "this pdata folder has procs but no 1r/2rr: TopSpin's processed spectrum was not "
                    "kept; read the experiment folder (../..) for the raw FID and process it",
                    path=path,
                )
            raise self.fail(path, "not a Bruker pdata folder (needs procs and 1r or 2rr)")
        procs = read_parameter_file(pdir / "procs")
        assert procs is not None
        is_2d = (pdir / "2rr").is_file() and not (pdir / "1r").is_file()
        proc2s = read_parameter_file(pdir / "proc2s", required=is_2d)
        exp = pdir.parent.parent if pdir.parent.name == "pdata" else None
        warnings: list[str] = []
        files = [pdir / "procs"]
        raw_parameters: dict[str, Any] = {}
        acqus = acqu2s = None
        if exp is not None:
            acqus = read_parameter_file(exp / "acqus", required=False)
            acqu2s = read_parameter_file(exp / "acqu2s", required=False) if is_2d else None
        for name, params, f in (("acqus", acqus, "acqus"), ("acqu2s", acqu2s, "acqu2s")):
            if params is not None and exp is not None:
                raw_parameters[name] = params
                files.append(exp / f)
        raw_parameters["procs"] = procs
        if proc2s is not None:
            raw_parameters["proc2s"] = proc2s
            files.append(pdir / "proc2s")
        peaks = read_peaklist(pdir / "peaklist.xml")
        if peaks is not None:
            raw_parameters["peaklist"] = peaks
            files.append(pdir / "peaklist.xml")

        dtype = _dtype(procs, "DTYPP", "BYTORDP", pdir / "procs")
        nc = procs.get("NC_proc", 0)
        if not isinstance(nc, int) or isinstance(nc, bool) or abs(nc) > 64:
            raise FormatError(f"NC_proc = {nc!r} is not a small integer exponent", path=pdir / "procs")
        si = procs.get("SI")
        if not isinstance(si, int) or isinstance(si, bool) or si < 1:
            raise FormatError(f"SI = {si!r} is not a point count", path=pdir / "procs")

        if is_2d:
            assert proc2s is not None
            signal, axes, w = self._read_2d(pdir, procs, proc2s, dtype, exp)
            files.append(pdir / "2rr")
            warnings.extend(w)
            if exp is not None and (exp / "vdlist").is_file():
                files.append(exp / "vdlist")
        else:
            real = _read_points(pdir / "1r", dtype, si) * 2.0**nc
            files.append(pdir / "1r")
            signal: np.ndarray = real
            if (pdir / "1i").is_file():
                try:
                    imag = _read_points(pdir / "1i", dtype, si) * 2.0**nc
                    signal = real + 1j * imag
                    files.append(pdir / "1i")
                except TruncatedFileError as exc:
                    warnings.append(f"1i ignored: {exc}")
            axes = (_ppm_axis(procs, si, "chemical_shift", pdir / "procs"),)
        if not np.all(np.isfinite(signal)):
            raise FormatError("the processed data contain NaN or infinite values", path=pdir)

        title = read_title(pdir)
        if acqus is not None:
            acquisition, w = acquisition_from_acqus(acqus, indirect=(acqu2s,) if acqu2s else (), title=title)
            warnings.extend(w)
            instrument = instrument_from_acqus(acqus)
        else:
            warnings.append("acqus not found beside pdata: acquisition metadata taken from procs only")
            acquisition = NMRAcquisition(
                title=title, nucleus=normalise_nucleus(procs.get("AXNUC")),
                base_frequency_mhz=procs.get("SF") if isinstance(procs.get("SF"), float) else None,
            )
            instrument = Instrument(vendor="Bruker")
        dataset = exp.parent.name if exp is not None else pdir.name
        return Measurement(
            technique="nmr",
            signal=signal,
            axes=axes,
            signal_unit="arb",
            acquisition=acquisition,
            raw_parameters=raw_parameters,
            source=Source.from_files(files, reader=self.name, reader_version=self.version,
                                     format="bruker-pdata"),
            sample=Sample(name=dataset or None, description=title),
            instrument=instrument,
            warnings=tuple(warnings),
        )

    def _read_2d(self, pdir: Path, procs: dict[str, Any], proc2s: dict[str, Any], dtype: np.dtype,
                 exp: Path | None) -> tuple[np.ndarray, tuple[Axis, Axis], list[str]]:
        warnings: list[str] = []
        si2, si1 = procs.get("SI"), proc2s.get("SI")
        if not isinstance(si1, int) or isinstance(si1, bool) or si1 < 1:
            raise FormatError(f"SI = {si1!r} is not a point count", path=pdir / "proc2s")
        assert isinstance(si2, int)
        x2, x1 = procs.get("XDIM", si2), proc2s.get("XDIM", si1)
        if not (isinstance(x1, int) and isinstance(x2, int) and x1 > 0 and x2 > 0
                and si1 % x1 == 0 and si2 % x2 == 0):
            raise FormatError(f"XDIM {x1} x {x2} does not tile SI {si1} x {si2}", path=pdir / "procs")
        flat = _read_points(pdir / "2rr", dtype, si1 * si2) * 2.0 ** procs.get("NC_proc", 0)
        if (x1, x2) == (si1, si2):
            data = flat.reshape(si1, si2)
        else:
            from nmrglue.fileio.bruker import reorder_submatrix

            with vendor_errors(pdir / "2rr", "untiling the 2rr submatrices"):
                data = np.asarray(reorder_submatrix(flat, (si1, si2), (x1, x2)), dtype=float)
        f2 = _ppm_axis(procs, si2, "chemical_shift", pdir / "procs")
        vd = exp / "vdlist" if exp is not None else None
        if vd is not None and vd.is_file():
            delays = read_vdlist(vd)
            if 0 < len(delays) <= si1:
                if len(delays) < si1:
                    warnings.append(
                        f"2rr has {si1} rows for {len(delays)} vdlist delays; the {si1 - len(delays)} "
                        "padding rows are dropped"
                    )
                return data[: len(delays)], (Axis("delay", "s", np.asarray(delays)), f2), warnings
        f1 = _ppm_axis(proc2s, si1, "chemical_shift_f1", pdir / "proc2s")
        return data, (f1, f2), warnings

    def examples(self, folder: Path) -> list[Path]:
        """A 1D experiment with ``pdata/1`` holding a complex spectrum of 256 points."""
        exp = write_bruker_experiment(folder / "proc1d" / "1")
        spec = np.fft.fftshift(np.fft.fft(synthetic_fid(256, 4000.0)))[::-1] / 16.0
        return [write_bruker_pdata(exp / "pdata" / "1", spec)]
