"""JCAMP-DX NMR files (``.dx``, ``.jdx``, ``.jcamp``): FIDs, spectra, 2D NTUPLES.

Format notes (the decoding itself is :mod:`instrumentarium.formats.jcampdx`)
------------------------------------------------------------------------------
- Bruker TopSpin exports (``$$ Bruker NMR JCAMP-DX V2.0``) use NTUPLES with real and
  imaginary pages, embed acqus/procs(/acqu2s/proc2s) as ``##$`` records, and give the
  spectrum's abscissa in Hz *relative to the right edge*; ``##.SHIFT REFERENCE= INTERNAL,
  CDCl3, 1, 15.47866`` gives the ppm of point 1 (= procs OFFSET). The values are the
  stored integers (not scaled by ``2**NC_proc``).
- MestReNova and JEOL exports give ``##XYDATA=`` with the abscissa in Hz from 0 ppm
  (ppm = Hz / ``.OBSERVE FREQUENCY``); MestReNova adds ``##$OBSERVED MULTIPLETS`` tables.
- The Varian GEMINI export in nmr_dev_v1 says ``##NPOINTS= 16385`` for 16384 points;
  FIRSTX/LASTX/DELTAX agree with the data, so the data are used and a warning recorded.
- Nanalysis writes ``##TEMPERATURE=`` in degrees Celsius (the JCAMP-DX unit).
- ``##.OBSERVE NUCLEUS= ^13C``: the caret is JCAMP's superscript mark.
- nmrglue's ``jcampdx.read`` returns nothing for nD NTUPLES; this reader owns the decoding.
- Magritek FIDs are conjugated, as by the spinsolve reader, to the common frequency sense.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import re
from pathlib import Path
from typing import Any

import numpy as np

from ...formats import Reader, read_head
from ...formats.jcampdx import JcampBlock, bruker_sections, ldr_dict, read_jcamp
from ...model import (
    Axis,
    FormatError,
    Instrument,
    Measurement,
    NMRAcquisition,
    NMRDimension,
    Sample,
    Source,
    TruncatedFileError,
)
from .._conventions import normalise_nucleus, vendor_errors
from ._bruker_params import acquisition_from_acqus
from ._jcamp_synthetic import write_jcamp_examples

__all__ = ["JcampNMRReader"]

_VENDORS = ("Bruker", "JEOL", "Varian", "Agilent", "Magritek", "Nanalysis", "Oxford", "Thermo")


def _first_block(blocks: list[JcampBlock]) -> tuple[JcampBlock, list[JcampBlock]]:
    every = [b for top in blocks for b in top.walk()]
    # a LINK child inherits what its parent says (units, frequency) and does not repeat
    parents = {id(c): b for b in every for c in b.children}
    with_data = [b for b in every if b.y is not None or b.pages]
    if not with_data:
        raise FormatError("the JCAMP-DX file holds no data table (XYDATA, XYPOINTS or NTUPLES)")
    nmr = [b for b in with_data if "NMR" in b.data_type.replace(" ", "") and "PEAK" not in b.data_type]
    chosen = (nmr or with_data)[0]
    parent = parents.get(id(chosen))
    if parent is not None:
        own = {x.key for x in chosen.ldrs}
        inherited = tuple(x for x in parent.ldrs if x.key not in own and x.key not in ("TITLE", "DATATYPE"))
        chosen = dataclasses.replace(chosen, ldrs=chosen.ldrs + inherited)
    return chosen, every


def _long_date(block: JcampBlock) -> _dt.datetime | None:
    text = block.get("LONGDATE")
    if not text:
        return None
    m = re.match(r"(\d{4})/(\d{2})/(\d{2})\s+(\d{2}):(\d{2}):(\d{2})\s*([+-]\d{4})", text)
    if not m:
        return None
    try:
        return _dt.datetime.strptime(" ".join(m.groups()), "%Y %m %d %H %M %S %z")
    except ValueError:
        return None


def _instrument(block: JcampBlock) -> Instrument:
    jcamp_comment = next((x.value.partition("$$")[2].strip() for x in block.ldrs if x.key == "JCAMPDX"), "")
    texts = [block.get("ORIGIN") or "", block.get("SPECTROMETER/DATA SYSTEM") or "", jcamp_comment,
             block.get("$ORIGINAL FORMAT") or ""]
    vendor = next((v for t in texts for v in _VENDORS if v.lower() in t.lower()), None)
    if vendor == "Agilent":
        vendor = "Varian"
    model = block.get("SPECTROMETER/DATA SYSTEM") or None
    return Instrument(vendor=vendor, model=model, software=jcamp_comment or None)


def _shift_reference(block: JcampBlock) -> tuple[int, float] | None:
    text = block.get(".SHIFT REFERENCE")
    if not text:
        return None
    parts = [p.strip() for p in text.strip().strip("()").split(",")]  # Magritek adds ( )
    try:
        return int(float(parts[2])), float(parts[3])
    except (IndexError, ValueError):
        return None


def _columns(block: JcampBlock, key: str) -> list[float | None]:
    out: list[float | None] = []
    for s in block.ntuples.get(key, []):
        try:
            out.append(float(s))
        except ValueError:
            out.append(None)
    return out


def _hz_to_ppm(x_hz: np.ndarray, block: JcampBlock, procs: dict[str, Any] | None, freq: float | None,
               shift_ref: tuple[int, float] | None) -> np.ndarray | None:
    sf = procs.get("SF") if procs else None
    sf = float(sf) if isinstance(sf, int | float) and sf > 0 else freq
    if not sf:
        return None
    if shift_ref is not None and 1 <= shift_ref[0] <= x_hz.size:
        point, ppm = shift_ref
        return ppm + (x_hz - x_hz[point - 1]) / sf
    if procs and isinstance(procs.get("OFFSET"), int | float) and block.pages:
        return float(procs["OFFSET"]) + (x_hz - x_hz[0]) / sf
    return x_hz / sf


class JcampNMRReader(Reader):
    """Read NMR JCAMP-DX files: 1D FID/spectrum (XYDATA or NTUPLES) and 2D NTUPLES."""

    name = "jcamp-dx"
    technique = "nmr"
    description = "JCAMP-DX NMR (FID, spectrum, nD NTUPLES; AFFN and ASDF compressions)"
    patterns = ("*.dx", "*.jdx", "*.jcamp", "*.jcm")
    version = "1"

    def sniff(self, path: Path) -> float:
        path = Path(path)
        if not path.is_file():
            return 0.0
        head = read_head(path, 8192).upper()
        if not head.lstrip().startswith(b"##") or b"##TITLE" not in head:
            return 0.0
        if re.search(rb"(?m)^##DATA ?TYPE=\s*PARAMETER VALUES", head):
            return 0.0  # Bruker acqus/procs: the bruker reader's
        if b"NMR" in head or b".OBSERVE FREQUENCY" in head:
            return 0.9
        return 0.3

    def read(self, path: Path) -> Measurement:
        path = Path(path)
        with vendor_errors(path, "reading the JCAMP-DX file"):
            return self._read(path)

    def _read(self, path: Path) -> Measurement:
        with vendor_errors(path, "decoding the JCAMP-DX file"):
            blocks = read_jcamp(path)
        block, every = _first_block(blocks)
        warnings: list[str] = [w for b in every for w in b.warnings]
        sections = bruker_sections(block)
        raw: dict[str, Any] = {"jcamp": ldr_dict(block.ldrs), **sections}
        peak_blocks = [b for b in every if b.peaks is not None]
        if peak_blocks:
            raw["jcamp_peak_table"] = np.asarray(peak_blocks[0].peaks).tolist()
        is_fid = "FID" in block.data_type
        with vendor_errors(path, "assembling the JCAMP-DX data"):
            signal, axes, w = self._signal(block, is_fid, sections)
        warnings.extend(w)
        instrument = _instrument(block)
        if is_fid and instrument.vendor == "Magritek":
            signal = np.conj(signal)  # same convention as the spinsolve reader (see its notes)
        if not np.all(np.isfinite(signal)):
            warnings.append("the data contain missing values ('?'); they are NaN")
        acquisition = self._acquisition(block, sections, signal, axes, is_fid)
        return Measurement(
            technique="nmr",
            signal=signal,
            axes=axes,
            signal_unit="arb",
            acquisition=acquisition,
            raw_parameters=raw,
            source=Source.from_files([path], reader=self.name, reader_version=self.version,
                                     format="jcamp-dx"),
            sample=Sample(name=block.title or path.stem),
            instrument=instrument,
            warnings=tuple(warnings),
        )

    def examples(self, folder: Path) -> list[Path]:
        """A MestReNova-style spectrum, a TopSpin-style NTUPLES FID and a 2D NTUPLES FID."""
        return write_jcamp_examples(folder)

    # -- data ------------------------------------------------------------------------
    def _signal(self, block: JcampBlock, is_fid: bool,
                sections: dict[str, dict[str, Any]]) -> tuple[np.ndarray, tuple[Axis, ...], list[str]]:
        warnings: list[str] = []
        freq = block.number(".OBSERVE FREQUENCY")
        procs = sections.get("procs")
        shift_ref = _shift_reference(block)
        if not block.pages:
            assert block.x is not None and block.y is not None
            x, y = np.asarray(block.x, dtype=float), np.asarray(block.y, dtype=float)
            units = (block.get("XUNITS") or "").upper()
            return self._one_d(x, y, units, is_fid, block, procs, freq, shift_ref, sections)
        first, last, dims = _columns(block, "FIRST"), _columns(block, "LAST"), _columns(block, "VARDIM")
        units = [u.upper() for u in block.ntuples.get("UNITS", [])]
        n_pages = len({p.page for p in block.pages})
        ndim = 2 if block.data_type.replace(" ", "").startswith("ND") or n_pages > 2 else 1
        if ndim == 1:
            real = next((p.values for p in block.pages if p.symbol == "R"), None)
            if real is None:
                real = block.pages[0].values
            imag = next((p.values for p in block.pages if p.symbol == "I"), None)
            n = real.size
            _check_length(real.size, dims, 1, "the real page")
            if imag is not None:
                _check_length(imag.size, dims, 2, "the imaginary page")
                if imag.size != n:
                    raise FormatError(f"real and imaginary pages differ in length ({n} vs {imag.size})")
            y = real if imag is None else real + 1j * imag
            x = np.linspace(first[0] or 0.0, last[0] if last and last[0] is not None else n - 1, n)
            unit = units[0] if units else ""
            return self._one_d(x, y, unit, is_fid, block, procs, freq, shift_ref, sections)
        return self._two_d(block, is_fid, sections, first, last, dims, units, shift_ref, freq, warnings)

    def _one_d(self, x: np.ndarray, y: np.ndarray, units: str, is_fid: bool, block: JcampBlock,
               procs: dict[str, Any] | None, freq: float | None, shift_ref: tuple[int, float] | None,
               sections: dict[str, dict[str, Any]]) -> tuple[np.ndarray, tuple[Axis, ...], list[str]]:
        if not is_fid and (units.startswith("SEC") or units == "S"):
            return y, (Axis("delay", "s", x),), []  # e.g. TopSpin's t1t2.dx relaxation curves
        if is_fid or units.startswith("SEC") or units == "S":
            sw = (sections.get("acqus") or {}).get("SW_h")
            if not isinstance(sw, int | float) or sw <= 0:
                dt = (x[-1] - x[0]) / (x.size - 1) if x.size > 1 else 0.0
                if not dt > 0:
                    raise FormatError("cannot tell the dwell time: FIRST and LAST of the time axis are equal")
                sw = 1.0 / dt
            return y, (Axis("time", "s", np.arange(y.size, dtype=float) / float(sw)),), []
        if units == "PPM":
            ppm = x
        elif units == "HZ":
            ppm = _hz_to_ppm(x, block, procs, freq, shift_ref)
            if ppm is None:
                return y, (Axis("frequency", "Hz", x),), ["no observe frequency: the axis stays in Hz"]
        else:
            return y, (Axis("x", units.lower() or "arb", x),), [f"unknown abscissa unit {units!r}"]
        if ppm.size > 1 and ppm[0] < ppm[-1]:
            ppm, y = ppm[::-1], y[::-1]
        return y, (Axis("chemical_shift", "ppm", ppm),), []

    def _two_d(self, block: JcampBlock, is_fid: bool, sections: dict[str, dict[str, Any]],
               first: list[float | None], last: list[float | None], dims: list[float | None],
               units: list[str], shift_ref: tuple[int, float] | None, freq: float | None,
               warnings: list[str]) -> tuple[np.ndarray, tuple[Axis, ...], list[str]]:
        rows: dict[str, dict[str, np.ndarray]] = {}
        for p in block.pages:
            rows.setdefault(p.page, {})[p.symbol] = p.values
        lengths = {v.size for r in rows.values() for v in r.values()}
        if len(lengths) != 1:
            raise FormatError(f"the pages of the 2D table differ in length: {sorted(lengths)}")
        n2 = lengths.pop()
        _check_length(n2, dims, 1, "each page")
        data = []
        for r in rows.values():
            real = r.get("R", r.get("Y", next(iter(r.values()))))
            data.append(real + 1j * r["I"] if "I" in r else real)
        signal = np.asarray(data)
        n1 = signal.shape[0]
        _check_length(n1, dims, 0, "the number of pages (rows)")
        page_x = np.array([float(k.split("=", 1)[1]) if "=" in k else np.nan for k in rows])
        x2 = np.linspace(first[1] or 0.0, last[1] or 0.0, n2)
        if is_fid:
            acqus = sections.get("acqus") or {}
            sw = acqus.get("SW_h")
            if not isinstance(sw, int | float) or sw <= 0:
                sw = (n2 - 1) / (x2[-1] - x2[0]) if x2[-1] > x2[0] else None
            if not sw:
                raise FormatError("cannot tell the dwell time of the direct dimension")
            t1 = page_x if np.all(np.isfinite(page_x)) else np.arange(n1, dtype=float)
            return signal, (Axis("time_f1", "s", t1), Axis("time", "s", np.arange(n2) / float(sw))), warnings
        ppm2 = _hz_to_ppm(x2, block, sections.get("procs"), freq, shift_ref)
        x1 = page_x if np.all(np.isfinite(page_x)) else np.linspace(first[0] or 0, last[0] or 0, n1)
        proc2s = sections.get("proc2s") or {}
        sf1 = proc2s.get("SF")
        if isinstance(sf1, int | float) and sf1 > 0:
            ppm1 = (float(proc2s["OFFSET"]) + (x1 - x1[0]) / sf1) if isinstance(
                proc2s.get("OFFSET"), int | float) else x1 / sf1
            ax1 = Axis("chemical_shift_f1", "ppm", ppm1)
        else:
            ax1 = Axis("frequency_f1", "Hz", x1)
            warnings.append("no F1 reference frequency: the F1 axis stays in Hz")
        ax2 = Axis("chemical_shift", "ppm", ppm2) if ppm2 is not None else Axis("frequency", "Hz", x2)
        return signal, (ax1, ax2), warnings

    # -- metadata --------------------------------------------------------------------
    def _acquisition(self, block: JcampBlock, sections: dict[str, dict[str, Any]], signal: np.ndarray,
                     axes: tuple[Axis, ...], is_fid: bool) -> NMRAcquisition:
        acqus = sections.get("acqus")
        if acqus:
            indirect = tuple(s for k, s in sections.items() if k in ("acqu2s", "acqu3s"))
            base, _ = acquisition_from_acqus(acqus, indirect=indirect if signal.ndim > 1 else ())
        else:
            base = NMRAcquisition(group_delay_points=0.0 if is_fid else None)
        nuclei = [normalise_nucleus(s) for s in block.ntuples.get(".NUCLEUS", [])]
        if signal.ndim > 1 and not base.indirect and nuclei:
            base = _replace(base, indirect=(NMRDimension(nucleus=nuclei[0], n_points=signal.shape[0]),))
        temp = block.number("TEMPERATURE")
        t_axis = axes[-1]
        sw = None
        if t_axis.unit == "s" and len(t_axis) > 1:
            sw = 1.0 / (t_axis.values[1] - t_axis.values[0])
        carrier = base.carrier_ppm
        if carrier is None and is_fid and sw and signal.ndim == 1:
            carrier = _carrier_from_shift_reference(block, signal.shape[0], sw)
        return _replace(
            base,
            carrier_ppm=carrier,
            acquired_at=base.acquired_at or _long_date(block),
            title=block.title or base.title,
            nucleus=normalise_nucleus(block.get(".OBSERVE NUCLEUS")) or base.nucleus,
            spectrometer_frequency_mhz=block.number(".OBSERVE FREQUENCY") or base.spectrometer_frequency_mhz,
            spectral_width_hz=base.spectral_width_hz or sw,
            n_points=base.n_points or (signal.shape[-1] if is_fid else None),
            n_scans=base.n_scans or _int(block.number(".AVERAGES")),
            pulse_program=base.pulse_program or block.get(".PULSE SEQUENCE") or None,
            solvent=block.get(".SOLVENT NAME") or base.solvent or _described_solvent(block),
            temperature_k=base.temperature_k or (temp + 273.15 if temp is not None else None),
        )


def _carrier_from_shift_reference(block: JcampBlock, n: int, sw_hz: float) -> float | None:
    """Carrier (spectrum centre) in ppm from ``##.SHIFT REFERENCE`` of a FID export.

    The reference names a point of the writer's spectrum (1-based, high to low ppm) of n or
    2n points (Nanalysis: point 1024 of 2048; Magritek: 16385 of 2 x 16384); the centre is
    point N/2 + 1. Other layouts give None rather than a guess.
    """
    ref = _shift_reference(block)
    freq = block.number(".OBSERVE FREQUENCY")
    if ref is None or not freq:
        return None
    point, ppm = ref
    for size in (n, 2 * n):
        if point in (size // 2, size // 2 + 1):
            return ppm - (size // 2 + 1 - point) * sw_hz / size / freq
    return None


def _check_length(n: int, dims: list[float | None], column: int, what: str) -> None:
    """Compare a decoded length with ``##VAR_DIM=`` (when the file gives it)."""
    if column >= len(dims) or not dims[column]:
        return
    expected = int(dims[column])  # type: ignore[arg-type]
    if n < expected:
        raise TruncatedFileError(f"{what} holds {n} points but ##VAR_DIM= announces {expected}: truncated")
    if n > expected:
        raise FormatError(f"{what} holds {n} points but ##VAR_DIM= announces {expected}: damaged data")


def _described_solvent(block: JcampBlock) -> str | None:
    """Magritek writes ``##SAMPLE DESCRIPTION=solvent=Water`` instead of ``.SOLVENT NAME``."""
    m = re.search(r"solvent\s*=\s*([^;,]+)", block.get("SAMPLE DESCRIPTION") or "", re.IGNORECASE)
    return m.group(1).strip() if m else None


def _int(v: float | None) -> int | None:
    return None if v is None else int(v)


def _replace(acq: NMRAcquisition, **changes: Any) -> NMRAcquisition:
    return dataclasses.replace(acq, **changes)

