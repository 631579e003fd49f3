"""Bruker TopSpin / XWIN-NMR experiment folders: raw ``fid`` (1D) and ``ser`` (2D).

Format notes
------------
An experiment folder (``<dataset>/<expno>/``) holds ``acqus`` (JCAMP-DX parameters of the
direct dimension), ``acqu2s`` for 2D, the raw data ``fid`` or ``ser``, ``pulseprogram``,
optional lists (``vdlist`` for T1/T2 pseudo-2D) and processed data in ``pdata/<procno>/``
(read by :mod:`instrumentarium.nmr.readers.bruker_processed`).

- Raw data are interleaved real/imaginary pairs, int32 (``DTYPA = 0``) or float64
  (``DTYPA = 2``), little-endian (``BYTORDA = 0``) or big-endian (``BYTORDA = 1``, XWIN-NMR on
  SGI). ``TD`` counts real + imaginary values of one FID.
- Up to TopSpin 2/3 each FID in a ``ser`` file (and the ``fid`` file itself) is padded to a
  multiple of 1024 bytes; TopSpin 4 may write unpadded files. Both are accepted.
- A 2D ``ser`` holds ``TD(acqu2s)`` FIDs; a stopped acquisition has fewer: those present
  are read and a warning says so. A file ending inside a FID is truncated (error).
- The FID starts with the digital filter's group delay (about 60-80 points of rising
  signal): it is kept as stored; ``group_delay_points`` says how long it is.
- ``pdata/1/procs`` is read too (when present) so the vendor recipe can redo TopSpin's
  processing (SI, WDW, LB, GB, PHC0, PHC1...).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from ...formats import Reader, read_head
from ...model import Axis, FormatError, Measurement, Sample, Source, TruncatedFileError
from ._bruker_params import (
    FNMODE_NAMES,
    acquisition_from_acqus,
    instrument_from_acqus,
    read_parameter_file,
    read_peaklist,
    read_vdlist,
)
from ._bruker_synthetic import write_bruker_experiment

__all__ = ["BrukerReader", "experiment_folder", "experiments_in_dataset", "read_bruker_binary"]

_RAW_NAMES = ("fid", "ser")


def _is_experiment(folder: Path) -> bool:
    return (folder / "acqus").is_file() and any((folder / n).is_file() for n in _RAW_NAMES)


def experiments_in_dataset(folder: Path) -> list[Path]:
    """The numbered experiment folders (``<dataset>/<expno>``) directly inside ``folder``."""
    try:
        return sorted(
            (d for d in folder.iterdir() if d.name.isdigit() and _is_experiment(d)), key=lambda d: int(d.name)
        )
    except OSError:
        return []


def experiment_folder(path: Path) -> Path | None:
    """Return the experiment folder for ``path``: the folder, its fid/ser/acqus file, or a
    dataset folder holding exactly one experiment."""
    if path.is_dir():
        if _is_experiment(path):
            return path
        found = experiments_in_dataset(path)
        return found[0] if len(found) == 1 else None
    if path.name in (*_RAW_NAMES, "acqus", "acqu2s") and (path.parent / "acqus").is_file():
        return path.parent
    return None


def _dtype(params: dict[str, Any], dtype_key: str, order_key: str, path: Path) -> np.dtype:
    kind = params.get(dtype_key, 0)
    order = params.get(order_key, 0)
    if kind not in (0, 2):
        raise FormatError(f"{dtype_key} = {kind!r}: only 0 (int32) and 2 (float64) data exist", path=path)
    if order not in (0, 1):
        raise FormatError(f"{order_key} = {order!r}: byte order must be 0 (little) or 1 (big)", path=path)
    return np.dtype(("<" if order == 0 else ">") + ("i4" if kind == 0 else "f8"))


def read_bruker_binary(
    path: Path, dtype: np.dtype, n_values: int, n_rows: int | None
) -> tuple[np.ndarray, str]:
    """Read ``n_rows`` FIDs of ``n_values`` numbers from a fid/ser file (block padding aware).

    Returns the real array of shape ``(rows, n_values)`` (``rows`` may be fewer than
    ``n_rows`` for an interrupted 2D acquisition) and a warning text ('' if none).
    """
    size = path.stat().st_size
    item = dtype.itemsize
    padded = int(math.ceil(n_values * item / 1024.0) * 1024 // item)
    rows_wanted = 1 if n_rows is None else n_rows
    warning = ""
    row_len = padded
    if size % (padded * item) != 0 and size % (n_values * item) == 0:
        row_len = n_values  # TopSpin 4: no padding
    if n_rows is None:
        if size < n_values * item:
            raise TruncatedFileError(
                f"{size} bytes hold {size // item // 2} complex points but acqus TD announces "
                f"{n_values // 2}: the file is truncated (copy it again from the spectrometer)",
                path=path,
            )
        raw = np.fromfile(path, dtype=dtype, count=n_values)
        return raw.reshape(1, n_values), warning
    rows = size // (row_len * item)
    if size % (row_len * item) != 0:
        raise TruncatedFileError(
            f"{size} bytes is not a whole number of FIDs of {row_len * item} bytes "
            f"(TD = {n_values}): the file is truncated or TD is wrong",
            path=path,
        )
    if rows == 0:
        raise TruncatedFileError("the file holds no complete FID", path=path)
    if rows < rows_wanted:
        warning = (
            f"{path.name}: {rows} of the {rows_wanted} FIDs announced by acqu2s TD are present "
            "(acquisition stopped early?); read what is there"
        )
    rows = min(rows, rows_wanted)
    raw = np.fromfile(path, dtype=dtype, count=rows * row_len).reshape(rows, row_len)
    return raw[:, :n_values], warning


def _indirect_times(n_rows: int, acqu2s: dict[str, Any]) -> np.ndarray:
    """Evolution time of each stored row: QF 1/SW, TPPI 1/(2 SW), States-like pairs."""
    sw = acqu2s.get("SW_h")
    if not isinstance(sw, int | float) or isinstance(sw, bool) or not sw or sw <= 0:
        return np.arange(n_rows, dtype=float)
    mode = FNMODE_NAMES.get(acqu2s.get("FnMODE", 0), "undefined")
    rows = np.arange(n_rows, dtype=float)
    if mode in ("States", "States-TPPI", "Echo-Antiecho", "QSEQ"):
        return np.floor(rows / 2) / float(sw)
    if mode == "TPPI":
        return rows / (2.0 * float(sw))
    return rows / float(sw)


def read_title(pdata: Path) -> str | None:
    """The first lines of ``pdata/N/title`` (the operator's description), or None."""
    t = pdata / "title"
    if not t.is_file():
        return None
    text = t.read_bytes()[:4096].decode("latin-1").strip()
    return text or None


class BrukerReader(Reader):
    """Read a Bruker experiment folder's raw FID (``fid``) or 2D/pseudo-2D data (``ser``)."""

    name = "bruker"
    technique = "nmr"
    description = "Bruker TopSpin/XWIN-NMR experiment folder: raw fid or ser + acqus"
    patterns = ("*/acqus", "*/fid", "*/ser")
    version = "1"

    def sniff(self, path: Path) -> float:
        try:
            path = Path(path)
            exp = experiment_folder(path)
            if exp is None:
                # a dataset with several experiments: claim it, to say which ones there are
                return 0.5 if path.is_dir() and len(experiments_in_dataset(path)) > 1 else 0.0
            head = read_head(exp / "acqus", 256)
            return 0.95 if head.startswith(b"##") else 0.3
        except OSError:
            return 0.0

    def read(self, path: Path) -> Measurement:
        path = Path(path)
        exp = experiment_folder(path)
        if exp is None:
            several = experiments_in_dataset(path) if path.is_dir() else []
            if several:
                names = ", ".join(d.name for d in several)
                raise self.fail(path, f"a Bruker dataset with experiments {names}: read one of them")
            raise self.fail(path, "not a Bruker experiment folder (needs acqus and fid or ser)")
        acqus = read_parameter_file(exp / "acqus")
        assert acqus is not None
        data_file = exp / "fid" if (exp / "fid").is_file() else exp / "ser"
        if path.name == "ser" or (path.is_dir() and not (exp / "fid").is_file()):
            data_file = exp / "ser"
        is_2d = data_file.name == "ser"
        acqu2s = read_parameter_file(exp / "acqu2s", required=is_2d) if is_2d else None
        pdata1 = exp / "pdata" / "1"
        procs = read_parameter_file(pdata1 / "procs", required=False)
        proc2s = read_parameter_file(pdata1 / "proc2s", required=False) if is_2d else None
        files = [exp / "acqus", data_file]
        warnings: list[str] = []

        td = acqus.get("TD")
        if not isinstance(td, int) or isinstance(td, bool) or td < 2:
            raise FormatError(f"acqus TD = {td!r} is not a point count", path=exp / "acqus")
        if td % 2:
            warnings.append(f"acqus TD = {td} is odd; the last real value is dropped")
            td -= 1
        dtype = _dtype(acqus, "DTYPA", "BYTORDA", exp / "acqus")
        n_rows = None
        if is_2d:
            assert acqu2s is not None
            files.append(exp / "acqu2s")
            td1 = acqu2s.get("TD")
            if not isinstance(td1, int) or isinstance(td1, bool) or td1 < 1:
                raise FormatError(f"acqu2s TD = {td1!r} is not a row count", path=exp / "acqu2s")
            n_rows = td1
            acqu3s = read_parameter_file(exp / "acqu3s", required=False)
            if acqu3s is not None:
                td3 = acqu3s.get("TD")
                if isinstance(td3, int) and not isinstance(td3, bool) and td3 > 0:
                    n_rows = td1 * td3
                    warnings.append(
                        f"3D experiment: read as {n_rows} FIDs (TD2 x TD3 = {td1} x {td3}) in one "
                        "2D array; its time_f1 axis is only meaningful within the first TD2 rows"
                    )
        raw, warn = read_bruker_binary(data_file, dtype, td, n_rows)
        if warn:
            warnings.append(warn)
        data = raw[:, 0::2].astype(np.float64) + 1j * raw[:, 1::2].astype(np.float64)
        if not np.all(np.isfinite(data)):
            raise FormatError("the data contain NaN or infinite values (damaged file?)", path=data_file)

        sw = acqus.get("SW_h")
        if not isinstance(sw, int | float) or isinstance(sw, bool) or not sw > 0:
            raise FormatError(f"acqus SW_h = {sw!r} is not a spectral width in Hz", path=exp / "acqus")
        t2 = Axis("time", "s", np.arange(data.shape[1], dtype=float) / float(sw))
        acquisition, w = acquisition_from_acqus(
            acqus, indirect=(acqu2s,) if acqu2s else (), title=read_title(pdata1)
        )
        warnings.extend(w)
        raw_parameters: dict[str, Any] = {"acqus": acqus}
        if acqu2s is not None:
            raw_parameters["acqu2s"] = acqu2s
        if procs is not None:
            raw_parameters["procs"] = procs
            files.append(pdata1 / "procs")
        if proc2s is not None:
            raw_parameters["proc2s"] = proc2s
            files.append(pdata1 / "proc2s")
        peaks = read_peaklist(pdata1 / "peaklist.xml")
        if peaks is not None:
            raw_parameters["peaklist"] = peaks
            files.append(pdata1 / "peaklist.xml")

        if is_2d:
            assert acqu2s is not None
            axis0 = Axis("time_f1", "s", _indirect_times(data.shape[0], acqu2s))
            vd = exp / "vdlist"
            if vd.is_file():
                delays = read_vdlist(vd)
                files.append(vd)
                raw_parameters["vdlist"] = delays
                if len(delays) >= data.shape[0]:
                    axis0 = Axis("delay", "s", np.asarray(delays[: data.shape[0]], dtype=float))
                else:
                    warnings.append(
                        f"vdlist has {len(delays)} delays for {data.shape[0]} rows; "
                        "rows are indexed by evolution time instead"
                    )
            signal, axes = data, (axis0, t2)
        else:
            signal, axes = data[0], (t2,)

        return Measurement(
            technique="nmr",
            signal=signal,
            axes=axes,
            signal_unit="arb",
            acquisition=acquisition,
            raw_parameters=raw_parameters,
            source=Source.from_files(
                files, reader=self.name, reader_version=self.version, format="bruker-" + data_file.name
            ),
            sample=Sample(name=exp.parent.name or None, description=acquisition.title),
            instrument=instrument_from_acqus(acqus),
            warnings=tuple(warnings),
        )

    def examples(self, folder: Path) -> list[Path]:
        """A 1D experiment (int32, little-endian, padded) and a pseudo-2D one with a vdlist."""
        return [
            write_bruker_experiment(folder / "exp1d" / "1"),
            write_bruker_experiment(folder / "exp2d" / "2", n_rows=4, vdlist=[1.0, 0.5, 0.1, 0.01]),
        ]
