"""A technique-neutral JCAMP-DX parser: blocks, LDRs, XYDATA/XYPOINTS, NTUPLES, ASDF.

JCAMP-DX 4.24/5.x/6.0 (McDonald & Wilks, *Appl. Spectrosc.* 42, 151, 1988; NMR: Davies &
Lampen, *Appl. Spectrosc.* 47, 1093, 1993; nD NMR NTUPLES: Lampen, Lambert, Lancashire
et al., *Appl. Spectrosc.* 53, 1313, 1999).

Format notes (what real files do, nmr_dev_v1)
---------------------------------------------
- A file holds one block (``##TITLE=`` ... ``##END=``) or a ``##DATA TYPE= LINK`` block
  with child blocks (MestReNova: spectrum + peak table). Labels are case/space/``-``/``_``
  insensitive (``##DATA TYPE`` = ``##DATATYPE``); ``$`` labels are vendor parameters.
- 1D data: ``##XYDATA= (X++(Y..Y))`` with ``FIRSTX``, ``LASTX``, ``NPOINTS``, ``XFACTOR``,
  ``YFACTOR`` (AFFN or ASDF compressed); ``##XYPOINTS=``/``##PEAK TABLE= (XY..XY)`` pairs.
- NTUPLES (Bruker, Magritek, Nanalysis exports): ``##VAR_NAME``, ``##SYMBOL``, ``##VAR_DIM``,
  ``##FACTOR``, ``##FIRST``, ``##LAST``... per column, then ``##PAGE= N=1`` /
  ``##DATA TABLE= (X++(R..R)), XYDATA`` for the real part and ``N=2``/``(X++(I..I))`` for the
  imaginary part; nD files have one page per indirect point (``##PAGE= T1=4e-005``, data
  table ``(T2++(R..R)), PROFILE``) and repeat ``##FIRST=`` before every page.
- Bruker exports embed acqus/procs (and acqu2s/proc2s after ``$$ Bruker specific
  parameters for F1``) as ``##$`` records, alphabetically sorted per file;
  :func:`bruker_sections` splits them back into files.
- MestReNova writes ``##$OBSERVED MULTIPLETS=`` / ``##$OBSERVED MULTIPLETS PEAKS=`` /
  ``##$OBSERVED INTEGRALS=`` tables; :func:`parse_observed_multiplets` types the first.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..model import FormatError, TruncatedFileError, register_record
from ._jcamp_asdf import decode_xydata_lines, encode_xydata_lines, parse_affn_numbers
from ._jcamp_ldr import LDR, iter_ldrs, normalise_label, parse_bruker_value, strip_comment

__all__ = [
    "JcampBlock",
    "JcampPage",
    "ObservedMultiplet",
    "read_jcamp",
    "parse_jcamp",
    "ldr_dict",
    "bruker_sections",
    "parse_observed_multiplets",
    "ObservedIntegral",
    "parse_observed_integrals",
    "decode_xydata_lines",
    "encode_xydata_lines",
    "parse_affn_numbers",
    "iter_ldrs",
    "normalise_label",
]

_MAX_BYTES = 256 << 20
_DATA_KEYS = {"XYDATA", "XYPOINTS", "PEAKTABLE", "DATATABLE", "PEAKASSIGNMENTS", "RADATA"}


@dataclass(frozen=True, eq=False)
class JcampPage:
    """One NTUPLES page: the page label (``"N=1"``, ``"T1=4e-05"``) and its decoded column."""

    page: str
    variables: str
    symbol: str
    values: np.ndarray = field(repr=False)
    page_ldrs: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class JcampBlock:
    """One JCAMP-DX block.

    Attributes
    ----------
    ldrs
        Every labelled data record outside data tables and NTUPLES pages, in file order.
    x, y
        The 1D data (``XYDATA`` or ``XYPOINTS``), scaled by X/YFACTOR; ``None`` when absent.
    ntuples
        The NTUPLES header columns (``{"VARNAME": [...], "SYMBOL": [...], ...}``), or ``{}``.
    pages
        The NTUPLES pages in file order.
    peaks
        A ``PEAK TABLE`` as an ``(n, k)`` array, or ``None``.
    children
        Blocks nested in a ``LINK`` block.
    """

    ldrs: tuple[LDR, ...]
    x: np.ndarray | None = field(default=None, repr=False)
    y: np.ndarray | None = field(default=None, repr=False)
    ntuples: Mapping[str, list[str]] = field(default_factory=dict)
    pages: tuple[JcampPage, ...] = ()
    peaks: np.ndarray | None = field(default=None, repr=False)
    children: tuple[JcampBlock, ...] = ()
    warnings: tuple[str, ...] = ()

    def get(self, label: str, default: str | None = None) -> str | None:
        """The first value of ``label`` (any spelling), comments removed, stripped."""
        key = normalise_label(label)
        for ldr in self.ldrs:
            if ldr.key == key:
                return strip_comment(ldr.value.split("\n", 1)[0]).strip()
        return default

    def number(self, label: str) -> float | None:
        """The first value of ``label`` as a float, or ``None``."""
        v = self.get(label)
        if v is None:
            return None
        nums = parse_affn_numbers(v)
        return nums[0] if nums else None

    @property
    def data_type(self) -> str:
        """``DATA TYPE`` in upper case (``"NMR SPECTRUM"``, ``"NMR FID"``, ``"LINK"``...)."""
        return " ".join((self.get("DATATYPE") or "").upper().split())

    @property
    def title(self) -> str:
        """The block title."""
        return self.get("TITLE") or ""

    def walk(self) -> list[JcampBlock]:
        """This block and all nested blocks, depth first."""
        out = [self]
        for c in self.children:
            out.extend(c.walk())
        return out


def ldr_dict(ldrs: Sequence[LDR]) -> dict[str, Any]:
    """Return ``{label: raw text}`` (a list of texts where a label repeats), labels as written."""
    out: dict[str, Any] = {}
    for ldr in ldrs:
        label = ldr.label.strip()
        if label in out:
            prev = out[label]
            out[label] = [*prev, ldr.value] if isinstance(prev, list) else [prev, ldr.value]
        else:
            out[label] = ldr.value
    return out


def read_jcamp(path: str | os.PathLike[str]) -> list[JcampBlock]:
    """Read a JCAMP-DX file into its top-level blocks.

    Raises
    ------
    FormatError
        The file is not JCAMP-DX (no ``##TITLE=``) or a data table cannot be decoded.
    TruncatedFileError
        A data table has fewer points than announced.
    """
    p = Path(path)
    size = p.stat().st_size
    if size > _MAX_BYTES:
        raise FormatError(f"{size} bytes is too large for a JCAMP-DX file read in memory", path=p)
    raw = p.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    try:
        return parse_jcamp(text)
    except FormatError as exc:
        if exc.path is None:
            cls = type(exc)
            raise cls(str(exc), path=p) from exc
        raise


def parse_jcamp(text: str) -> list[JcampBlock]:
    """Parse JCAMP-DX text into its top-level blocks (see :func:`read_jcamp`)."""
    ldrs = list(iter_ldrs(text))
    if not ldrs or not any(x.key == "TITLE" for x in ldrs):
        raise FormatError("no ##TITLE= record: not a JCAMP-DX file")
    blocks: list[JcampBlock] = []
    i = 0
    while i < len(ldrs):
        if ldrs[i].key != "TITLE":
            i += 1
            continue
        block, i = _parse_block(ldrs, i)
        blocks.append(block)
    if not blocks:
        raise FormatError("no JCAMP-DX block found")
    return blocks


def _parse_block(ldrs: list[LDR], i: int) -> tuple[JcampBlock, int]:
    """Parse the block starting at ``ldrs[i]`` (a TITLE); return it and the next index."""
    header: list[LDR] = [ldrs[i]]
    children: list[JcampBlock] = []
    data: dict[str, LDR] = {}
    pages: list[JcampPage] = []
    ntuples: dict[str, list[str]] = {}
    i += 1
    in_ntuples = False
    page_ldrs: dict[str, str] = {}
    page_label = ""
    while i < len(ldrs):
        ldr = ldrs[i]
        if ldr.key == "TITLE":
            child, i = _parse_block(ldrs, i)
            children.append(child)
            continue
        if ldr.key == "END":
            i += 1
            break
        if ldr.key == "NTUPLES":
            in_ntuples = True
            header.append(ldr)
        elif ldr.key == "ENDNTUPLES":
            in_ntuples = False
        elif in_ntuples and ldr.key == "PAGE":
            page_label = strip_comment(ldr.value).strip()
            page_ldrs = {}
        elif in_ntuples and ldr.key == "DATATABLE":
            pages.append(_page(ldr, page_label, page_ldrs, ntuples, header))
        elif in_ntuples and pages:
            page_ldrs[ldr.label.strip()] = ldr.value  # per-page records (##FIRST= repeats)
        elif in_ntuples and not ldr.label.startswith("$"):
            if ldr.key not in ntuples:
                ntuples[ldr.key] = [s.strip() for s in strip_comment(ldr.value).split(",")]
            if ldr.key not in ("FIRST",) or ldr.key not in {h.key for h in header}:
                header.append(ldr)
        elif ldr.key in _DATA_KEYS:
            data[ldr.key] = ldr
        else:
            header.append(ldr)
        i += 1
    block = JcampBlock(ldrs=tuple(header), ntuples=ntuples, pages=tuple(pages), children=tuple(children))
    return _with_xy(block, data), i


def _page(ldr: LDR, page_label: str, page_ldrs: dict[str, str], ntuples: dict[str, list[str]],
          header: list[LDR]) -> JcampPage:
    first_line, _, body = ldr.value.partition("\n")
    m = re.search(r"\(\s*([A-Za-z0-9]+)\s*\+\+\s*\(\s*([A-Za-z0-9]+)\s*\.\.", first_line)
    if not m:
        raise FormatError(f"line {ldr.line}: unsupported NTUPLES data table {first_line.strip()!r}")
    symbol = m.group(2).upper()
    _, y = decode_xydata_lines(body.splitlines(), where=f"page {page_label}: ")
    symbols = [s.upper() for s in ntuples.get("SYMBOL", [])]
    if symbol in symbols:
        col = symbols.index(symbol)
        factors = ntuples.get("FACTOR", [])
        if col < len(factors) and factors[col]:
            try:
                y = y * float(factors[col])
            except ValueError as exc:
                raise FormatError(f"##FACTOR= column {col + 1} is not a number: {factors[col]!r}") from exc
    return JcampPage(page=page_label, variables=first_line.strip(), symbol=symbol, values=y,
                     page_ldrs=dict(page_ldrs))


def _with_xy(block: JcampBlock, data: dict[str, LDR]) -> JcampBlock:
    x = y = peaks = None
    warnings: list[str] = []
    if "XYDATA" in data:
        ldr = data["XYDATA"]
        form, _, body = ldr.value.partition("\n")
        if "++" not in form:
            raise FormatError(f"line {ldr.line}: unsupported XYDATA form {form.strip()!r}")
        _, ys = decode_xydata_lines(body.splitlines(), where="XYDATA ")
        if ys.size == 0:
            raise TruncatedFileError("XYDATA holds no point")
        first, last = block.number("FIRSTX"), block.number("LASTX")
        if first is None or last is None:
            raise FormatError("XYDATA without ##FIRSTX= and ##LASTX=")
        npoints = block.number("NPOINTS")
        if npoints is not None and int(npoints) != ys.size:
            delta = block.number("DELTAX")
            spanned = None if not delta else (last - first) / delta + 1
            if spanned is not None and abs(spanned - ys.size) < 1e-3 * ys.size:
                warnings.append(
                    f"##NPOINTS= says {int(npoints)} but XYDATA holds {ys.size} points, as FIRSTX, "
                    "LASTX and DELTAX imply: NPOINTS is wrong in the file, the data are used"
                )
            else:
                cls = TruncatedFileError if ys.size < npoints else FormatError
                raise cls(f"XYDATA holds {ys.size} points but ##NPOINTS= says {int(npoints)}")
        x = np.linspace(first, last, ys.size) if ys.size > 1 else np.array([first])
        y = ys * (block.number("YFACTOR") or 1.0)
    elif "XYPOINTS" in data:
        x, y = _pairs(data["XYPOINTS"], block, 2)
    if "PEAKTABLE" in data:
        form = data["PEAKTABLE"].value.split("\n", 1)[0]
        width = 3 if "XYW" in form.upper().replace(" ", "") else 2
        px, py = _pairs(data["PEAKTABLE"], block, width, scale=False)
        peaks = np.column_stack([px, py])
    if x is None and peaks is None:
        return block
    return JcampBlock(ldrs=block.ldrs, x=x, y=y, ntuples=block.ntuples, pages=block.pages, peaks=peaks,
                      children=block.children, warnings=tuple(warnings))


def _pairs(ldr: LDR, block: JcampBlock, width: int, scale: bool = True) -> tuple[np.ndarray, np.ndarray]:
    _, _, body = ldr.value.partition("\n")
    nums = parse_affn_numbers("\n".join(strip_comment(ln) for ln in body.splitlines()))
    n = len(nums) // width
    if n == 0:
        raise TruncatedFileError(f"line {ldr.line}: the (XY..XY) table holds no pair")
    arr = np.asarray(nums[: n * width], dtype=float).reshape(n, width)
    xf = (block.number("XFACTOR") or 1.0) if scale else 1.0
    yf = (block.number("YFACTOR") or 1.0) if scale else 1.0
    return arr[:, 0] * xf, arr[:, 1] * yf


def bruker_sections(block: JcampBlock) -> dict[str, dict[str, Any]]:
    """Split the ``##$`` records of a Bruker JCAMP export back into parameter files.

    Returns ``{"acqus": {...}, "procs": {...}, "acqu2s": {...}, "proc2s": {...}}`` (the files
    present), values parsed as in Bruker parameter files. TopSpin writes each file's records
    in ASCII order, so a file ends where the order restarts; a run holding ``TD`` and ``SW_h``
    is an acquisition file, one holding ``SI`` and ``OFFSET`` a processing file, and other
    runs (plot settings) are kept with the file before them. Returns ``{}`` for files
    without Bruker parameters (Magritek, JEOL, Mnova write other ``$`` records).
    """
    runs: list[dict[str, Any]] = [{}]
    previous = ""
    skip = {"$RELAX", "$DATPATH", "$EXPNO", "$NAME", "$PROCNO"}
    for ldr in block.ldrs:
        if not ldr.label.startswith("$") or ldr.key in skip or " " in ldr.label.strip():
            continue
        name = ldr.label.strip()[1:]
        if runs[-1] and name < previous:
            runs.append({})
        previous = name
        runs[-1][name] = parse_bruker_value(ldr.value)
    acqu = [r for r in runs if {"TD", "SW_h"} <= set(r)]
    if not acqu or "BF1" not in acqu[0]:
        return {}
    out: dict[str, dict[str, Any]] = {}
    counts = {"acqu": 0, "proc": 0}
    last: dict[str, Any] | None = None
    for r in runs:
        kind = "acqu" if {"TD", "SW_h"} <= set(r) else "proc" if {"SI", "OFFSET"} <= set(r) else None
        if kind is None:
            if last is not None:
                last.update({k: v for k, v in r.items() if k not in last})
            continue
        counts[kind] += 1
        n = counts[kind]
        out[f"{kind}s" if n == 1 else f"{kind}{n}s"] = r
        last = r
    return out


@register_record("jcamp.observed_multiplet")
@dataclass(frozen=True)
class ObservedMultiplet:
    """One row of a MestReNova ``##$OBSERVED MULTIPLETS=`` table (a reference multiplet).

    ``range_low_ppm``/``range_high_ppm`` bound the multiplet, ``centre_ppm`` is its shift,
    ``integral`` its (normalised) area, ``n_nuclei`` the number of nuclei it stands for,
    ``multiplicity`` the pattern (``"dddd"``, ``"tqt"``, ``"m"``), ``label`` the assignment
    and ``j_hz`` the coupling constants in Hz (empty for ``m``).
    """

    index: int
    range_low_ppm: float
    range_high_ppm: float
    centre_ppm: float
    integral: float
    n_nuclei: int
    multiplicity: str
    label: str
    j_hz: tuple[float, ...] = ()


_ROW = re.compile(r"^[ \t]*\((.*)\)[ \t]*$", re.MULTILINE)  # one row a line; labels may hold "(t)"


def parse_observed_multiplets(ldrs: Mapping[str, Any] | JcampBlock) -> tuple[ObservedMultiplet, ...]:
    """Type the ``##$OBSERVED MULTIPLETS=`` table of a MestReNova JCAMP-DX export.

    Parameters
    ----------
    ldrs
        A :class:`JcampBlock`, or the ``raw_parameters["jcamp"]`` mapping of a measurement.

    Returns
    -------
    tuple of ObservedMultiplet
        Empty when the file has no such table. Rows are
        ``(index, from ppm, to ppm, centre ppm, integral, nH, multiplicity, label, J J ...)``.
    """
    if isinstance(ldrs, JcampBlock):
        text = next((x.value for x in ldrs.ldrs if x.key == "$OBSERVED MULTIPLETS"), None)
    else:
        text = next((v for k, v in ldrs.items() if normalise_label(k) == "$OBSERVED MULTIPLETS"), None)
        if isinstance(text, list):
            text = text[0]
    if not text:
        return ()
    rows = []
    for m in _ROW.finditer(str(text)):
        parts = [p.strip() for p in m.group(1).split(",")]
        if len(parts) < 8:
            continue
        try:
            j = tuple(float(v) for v in parts[8].split()) if len(parts) > 8 else ()
            rows.append(ObservedMultiplet(
                index=int(parts[0]), range_low_ppm=min(float(parts[1]), float(parts[2])),
                range_high_ppm=max(float(parts[1]), float(parts[2])), centre_ppm=float(parts[3]),
                integral=float(parts[4]), n_nuclei=int(float(parts[5])), multiplicity=parts[6],
                label=parts[7], j_hz=j,
            ))
        except ValueError as exc:
            raise FormatError(f"##$OBSERVED MULTIPLETS row {m.group(0)!r} is malformed") from exc
    return tuple(rows)


@register_record("jcamp.observed_integral")
@dataclass(frozen=True)
class ObservedIntegral:
    """One row of a MestReNova ``##$OBSERVED INTEGRALS= (X Y Z)`` table: a range and its area."""

    range_low_ppm: float
    range_high_ppm: float
    integral: float


def _ldr_text(ldrs: Mapping[str, Any] | JcampBlock, key: str) -> str | None:
    if isinstance(ldrs, JcampBlock):
        return next((x.value for x in ldrs.ldrs if x.key == key), None)
    text = next((v for k, v in ldrs.items() if normalise_label(k) == key), None)
    return text[0] if isinstance(text, list) else text


def parse_observed_integrals(ldrs: Mapping[str, Any] | JcampBlock) -> tuple[ObservedIntegral, ...]:
    """Type the ``##$OBSERVED INTEGRALS=`` table of a MestReNova export (empty if absent)."""
    text = _ldr_text(ldrs, "$OBSERVED INTEGRALS")
    if not text:
        return ()
    rows = []
    for m in _ROW.finditer(str(text).split("\n", 1)[-1]):
        nums = parse_affn_numbers(m.group(1))
        if len(nums) != 3:
            raise FormatError(f"##$OBSERVED INTEGRALS row {m.group(0)!r} is not (from, to, value)")
        rows.append(ObservedIntegral(min(nums[:2]), max(nums[:2]), nums[2]))
    return tuple(rows)
