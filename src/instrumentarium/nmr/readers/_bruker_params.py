"""Bruker parameter files (acqus, acqu2s, procs, proc2s, vdlist) -> typed metadata.

Bruker parameter files are JCAMP-DX; ``##$NAME=`` records hold the vendor parameters.
Quirks seen in real files (nmr_dev_v1):

- XWIN-NMR (``##TITLE= Parameter file, XWIN-NMR Version 3.5``) and TopSpin 2-4 write the same
  keys; old data (DSPFVS 10-13) has no usable ``GRPDLY`` (absent or -1): the digital-filter
  delay comes from the DSPFVS/DECIM table (nmrglue ``bruker_dsp_table``) and is fractional
  (e.g. 61.0208 for DSPFVS 10, DECIM 24); the fraction matters for the zero-order phase.
- ``DATE`` is seconds since 1970 (UTC); the ``$$`` comment holds the local time and zone.
- ``SOLVENT`` is free text (``CDCl3``, ``H2O``, ``COFFEE_calctemp``): kept as written.
- ``D`` is an array; ``D[1]`` is the relaxation delay in seconds.
- ``vdlist`` values carry units: ``10s``, ``5m`` (ms), ``100u`` (µs); bare numbers are s.
- ``pdata/N/peaklist.xml`` (TopSpin 3+): ``<Peak1D F1="7.26" intensity="0.01" type="0"/>``
  rows; F1 in ppm. They coincide with 1r maxima within one point (nmr_dev_v1 MANIFEST).
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from pathlib import Path
from typing import Any

from ...formats._jcamp_ldr import _scalar, normalise_label, parse_bruker_value, strip_comment
from ...model import FormatError, Instrument, MissingParameterError, NMRAcquisition, NMRDimension
from .._conventions import normalise_nucleus

__all__ = [
    "read_parameter_file",
    "parse_parameters",
    "group_delay_points",
    "acquisition_from_acqus",
    "instrument_from_acqus",
    "read_vdlist",
    "read_peaklist",
    "FNMODE_NAMES",
]

#: Bruker acqu2s ``FnMODE`` codes (acquisition mode of the indirect dimension).
FNMODE_NAMES = {
    0: "undefined",
    1: "QF",
    2: "QSEQ",
    3: "TPPI",
    4: "States",
    5: "States-TPPI",
    6: "Echo-Antiecho",
}

_MAX_PARAMETER_BYTES = 8 << 20


def read_parameter_file(path: Path, *, required: bool = True) -> dict[str, Any] | None:
    """Parse one Bruker parameter file into ``{NAME: value}``.

    Raises
    ------
    MissingParameterError
        When ``required`` and the file does not exist.
    FormatError
        When the file is not a Bruker JCAMP-DX parameter file (no ``##$`` record).
    """
    if not path.is_file():
        if required:
            raise MissingParameterError(
                f"the Bruker parameter file {path.name} is missing; an experiment folder needs "
                "acqus next to fid/ser (and procs in pdata/N)",
                path=path,
            )
        return None
    size = path.stat().st_size
    if size > _MAX_PARAMETER_BYTES:
        raise FormatError(f"{size} bytes is far too large for a Bruker parameter file", path=path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    params = parse_parameters(text)
    if len(params) <= 2:  # only _coreheader and _comments
        raise FormatError("no ##$ parameter records: not a Bruker parameter file, or damaged", path=path)
    return params


_INTS = re.compile(r"[0-9+\-\s]*")
_SIMPLE_INT = re.compile(r"[+-]?[0-9]+")
_SIMPLE_FLOAT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_ARRAY_HEAD = re.compile(r"\(\d+\.\.\d+\)")
_COMMENT_LINE = re.compile(r"^\$\$[^\n]*", re.MULTILINE)


def _array(body: str) -> list[Any]:
    """The values of an array record's lines (no ``<strings>``, no ``$$`` comments)."""
    tokens = body.split()
    if _INTS.fullmatch(body):
        try:
            return [int(t) for t in tokens]
        except ValueError:
            pass
    return [_scalar(t) for t in tokens]


def _value(value: str) -> Any:
    """:func:`parse_bruker_value` with fast paths for plain numbers and integer arrays."""
    if _SIMPLE_INT.fullmatch(value):
        return int(value)
    if _SIMPLE_FLOAT.fullmatch(value):
        return float(value)
    if value.startswith("(") and "<" not in value and "$$" not in value:
        close = value.find(")")
        body = value[close + 1 :]
        if close > 0 and _INTS.fullmatch(body):
            try:
                head = parse_bruker_value(value[: close + 1])  # validates "(a..b)"; gives []
                if head == []:
                    return [int(t) for t in body.split()]
            except ValueError:
                pass
    return parse_bruker_value(value)


def parse_parameters(text: str) -> dict[str, Any]:
    """Parse a Bruker parameter file (acqus, procs...) into ``{NAME: value}``.

    Same result as :func:`instrumentarium.formats._jcamp_ldr.parse_bruker_parameters` (vendor
    ``##$NAME=`` records keyed by ``NAME``, core records under ``"_coreheader"``, ``$$``
    comment lines under ``"_comments"``, reading stops at ``##END=``), but the file is split
    into records at once (``"\n##"``) instead of line by line: only multi-line records
    (arrays, long strings) are looked at line by line. Several times faster on real acqus files.
    """
    norm = "\n".join(text.splitlines())
    out: dict[str, Any] = {}
    core: dict[str, str] = {}
    comments = [c.strip() for c in _COMMENT_LINE.findall(norm)] if "$$" in norm else []
    chunks = norm.split("\n##")
    if norm.startswith("##"):
        chunks[0] = chunks[0][2:]
    else:
        chunks = chunks[1:]
    for chunk in chunks:
        nl = chunk.find("\n")
        first = chunk if nl < 0 else chunk[:nl]
        eq = first.find("=")
        if eq < 0:  # "##" line without "=": not a record
            continue
        label = first[:eq]
        value = first[eq + 1 :].strip()
        if nl >= 0:
            rest = chunk[nl + 1 :]
            if label.startswith("$") and _ARRAY_HEAD.fullmatch(value) and "$$" not in rest and "<" not in rest:
                out[label[1:].strip()] = _array(rest)  # "(0..n)" then lines of numbers: the common case
                continue
            lines = [ln.rstrip() for ln in rest.split("\n") if not ln.lstrip().startswith("$$")]
            value = "\n".join([value, *lines])
        if label.startswith("$"):
            out[label[1:].strip()] = _value(value)
        elif normalise_label(label) == "END":
            break
        else:
            core[label.strip()] = strip_comment(value).strip()
    out["_coreheader"] = core
    out["_comments"] = comments
    return out


def _number(params: dict[str, Any], key: str) -> float | None:
    v = params.get(key)
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    return float(v) if math.isfinite(v) else None


def _int(params: dict[str, Any], key: str) -> int | None:
    v = _number(params, key)
    return None if v is None else int(v)


def _text(params: dict[str, Any], key: str) -> str | None:
    v = params.get(key)
    if v is None:
        return None
    s = str(v).strip()
    return s or None


def group_delay_points(acqus: dict[str, Any]) -> tuple[float, list[str]]:
    """Return the digital-filter group delay in points, and warnings.

    ``GRPDLY`` when it is > 0 (DSPFVS >= 20), else the DSPFVS/DECIM table of nmrglue
    (``nmrglue.fileio.bruker.bruker_dsp_table``, from Westler & Abildgaard's notes on the
    Bruker DMX digital filter), else 0 (analogue filter, or DSPFVS 0).
    """
    warnings: list[str] = []
    grpdly = _number(acqus, "GRPDLY")
    if grpdly is not None and grpdly > 0:
        return grpdly, warnings
    dspfvs = _int(acqus, "DSPFVS")
    decim = _number(acqus, "DECIM")
    digmod = _int(acqus, "DIGMOD")
    if digmod == 0 or not dspfvs or decim is None:
        return 0.0, warnings
    from nmrglue.fileio.bruker import bruker_dsp_table

    table = bruker_dsp_table.get(dspfvs)
    if table is None:
        warnings.append(
            f"acqus: DSPFVS {dspfvs} with no GRPDLY is not in the digital-filter table; "
            "group delay set to 0 (expect a large first-order phase)"
        )
        return 0.0, warnings
    key = int(decim) if float(decim).is_integer() else decim
    if key not in table:
        warnings.append(
            f"acqus: DECIM {decim} is not in the DSPFVS {dspfvs} digital-filter table; "
            "group delay set to 0 (expect a large first-order phase)"
        )
        return 0.0, warnings
    return float(table[key]), warnings


def _software(acqus: dict[str, Any]) -> str | None:
    title = acqus.get("_coreheader", {}).get("TITLE", "")
    m = re.search(r"(TOPSPIN|TopSpin|XWIN-NMR|XWINNMR|UXNMR)[\s,]*(?:Version)?\s*([\w.\s]*)", title)
    if not m:
        return title.replace("Parameter file,", "").strip() or None
    name = {"TOPSPIN": "TopSpin"}.get(m.group(1), m.group(1))
    version = " ".join(m.group(2).split())
    return f"{name} {version}".strip()


def instrument_from_acqus(acqus: dict[str, Any]) -> Instrument:
    """Vendor, software (from the acqus title) and host name (from the ``$$`` stamp)."""
    name = None
    for c in acqus.get("_comments", []):
        m = re.search(r"\b[\w.-]+@([\w.-]+)\s*$", c)
        if m:
            name = m.group(1)
            break
    return Instrument(vendor="Bruker", software=_software(acqus), name=name)


def _acquired_at(acqus: dict[str, Any]) -> _dt.datetime | None:
    date = _number(acqus, "DATE")
    if date is None or date <= 0:
        return None
    try:
        return _dt.datetime.fromtimestamp(date, tz=_dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _carrier_ppm(params: dict[str, Any]) -> float | None:
    o1, bf1 = _number(params, "O1"), _number(params, "BF1")
    if o1 is None or not bf1:
        return None
    return o1 / bf1


def _relaxation_delay(acqus: dict[str, Any]) -> float | None:
    d = acqus.get("D")
    if isinstance(d, list) and len(d) > 1 and isinstance(d[1], int | float) and not isinstance(d[1], bool):
        return float(d[1])
    return None


def indirect_dimension(acqu2s: dict[str, Any]) -> NMRDimension:
    """The indirect dimension described by an ``acqu2s`` file."""
    fnmode = _int(acqu2s, "FnMODE")
    return NMRDimension(
        nucleus=normalise_nucleus(acqu2s.get("NUC1")),
        spectrometer_frequency_mhz=_number(acqu2s, "SFO1"),
        spectral_width_hz=_number(acqu2s, "SW_h"),
        carrier_ppm=_carrier_ppm(acqu2s),
        n_points=_int(acqu2s, "TD"),
        acquisition_mode=None if fnmode is None else FNMODE_NAMES.get(fnmode, str(fnmode)),
    )


def acquisition_from_acqus(
    acqus: dict[str, Any], *, indirect: tuple[dict[str, Any], ...] = (), title: str | None = None
) -> tuple[NMRAcquisition, list[str]]:
    """Build the typed :class:`NMRAcquisition` from parsed acqus (and acqu2s...) files."""
    gd, warnings = group_delay_points(acqus)
    td = _int(acqus, "TD")
    owner = acqus.get("_coreheader", {}).get("OWNER") or None
    te = _number(acqus, "TE")
    acq = NMRAcquisition(
        acquired_at=_acquired_at(acqus),
        title=title,
        operator=owner,
        nucleus=normalise_nucleus(acqus.get("NUC1")),
        spectrometer_frequency_mhz=_number(acqus, "SFO1"),
        base_frequency_mhz=_number(acqus, "BF1"),
        spectral_width_hz=_number(acqus, "SW_h"),
        carrier_ppm=_carrier_ppm(acqus),
        n_points=None if td is None else td // 2,
        n_scans=_int(acqus, "NS"),
        n_dummy_scans=_int(acqus, "DS"),
        pulse_program=_text(acqus, "PULPROG"),
        solvent=_text(acqus, "SOLVENT"),
        temperature_k=te if te and te > 0 else None,
        probe=_text(acqus, "PROBHD"),
        receiver_gain=_number(acqus, "RG"),
        relaxation_delay_s=_relaxation_delay(acqus),
        group_delay_points=gd,
        indirect=tuple(indirect_dimension(p) for p in indirect),
    )
    return acq, warnings


_VD_UNITS = {"s": 1.0, "m": 1e-3, "ms": 1e-3, "u": 1e-6, "us": 1e-6}


def read_vdlist(path: Path) -> list[float]:
    """Read a Bruker variable-delay list (one delay a line, optional unit s/m/u) in seconds."""
    out = []
    for line in path.read_text(encoding="latin-1").splitlines():
        s = line.split("#", 1)[0].strip()
        if not s:
            continue
        m = re.fullmatch(r"([-+0-9.eE]+)\s*([a-zA-Z]*)", s)
        if not m or m.group(2).lower() not in {"", *_VD_UNITS}:
            raise FormatError(f"vdlist line {line!r} is not a delay (number with unit s, m or u)", path=path)
        try:
            value = float(m.group(1))
        except ValueError as exc:
            raise FormatError(f"vdlist line {line!r} is not a number", path=path) from exc
        out.append(value * _VD_UNITS.get(m.group(2).lower(), 1.0))
    return out


def read_peaklist(path: Path) -> list[dict[str, Any]] | None:
    """TopSpin's ``peaklist.xml`` as ``[{"F1": ppm, "intensity": ..., "type": ...}, ...]``.

    Returns None when the file is absent; a damaged file gives a FormatError.
    """
    if not path.is_file():
        return None
    import xml.etree.ElementTree as ET

    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise FormatError(f"not well-formed XML ({exc})", path=path) from exc
    rows: list[dict[str, Any]] = []
    for el in root.iter():
        if el.tag not in ("Peak1D", "Peak2D"):
            continue
        row: dict[str, Any] = {}
        for k, v in el.attrib.items():
            try:
                row[k] = int(v) if k == "type" else float(v)
            except ValueError:
                row[k] = v
        rows.append(row)
    return rows
