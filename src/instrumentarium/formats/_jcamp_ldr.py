"""JCAMP-DX labelled data records (LDRs): splitting text into ``##LABEL= value`` records.

JCAMP-DX (McDonald & Wilks, *Appl. Spectrosc.* 42, 151, 1988; NMR: Davies & Lampen,
*Appl. Spectrosc.* 47, 1093, 1993; nD NMR: Lampen et al., *Appl. Spectrosc.* 53, 1313, 1999)
is a text format made of labelled data records. A record starts with ``##`` at the beginning
of a line and runs until the next ``##``; ``$$`` starts a comment that runs to the end of the
line. Labels are compared after normalisation (upper case, spaces, ``-``, ``/`` and ``_``
removed), except user-defined labels starting with ``$`` (vendor parameters such as Bruker's
``##$SFO1=``), whose normalisation only strips surrounding space and upper-cases them.

Bruker's parameter files (``acqus``, ``procs``...) are JCAMP-DX too;
:func:`parse_bruker_value` turns their values into numbers, strings, booleans and lists
exactly as nmrglue's ``bruker.read_jcamp`` does, but never loops on a truncated file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

__all__ = [
    "LDR",
    "iter_ldrs",
    "normalise_label",
    "strip_comment",
    "parse_bruker_value",
    "parse_bruker_parameters",
]

_STRIP = str.maketrans("", "", " -/_")


def normalise_label(label: str) -> str:
    """Return the canonical form of a JCAMP-DX label (``"Data Table"`` -> ``"DATATABLE"``).

    User-defined labels (starting with ``$``) keep their inner spaces and underscores, so
    ``"$OBSERVED MULTIPLETS"`` and ``"$SW_h"`` stay readable; they are only upper-cased.
    """
    label = label.strip()
    if label.startswith("$"):
        return label.upper()
    return label.upper().translate(_STRIP)


@dataclass(frozen=True)
class LDR:
    """One labelled data record.

    Attributes
    ----------
    label
        The label as written, without ``##`` and ``=``.
    key
        The normalised label (see :func:`normalise_label`).
    value
        The raw text after ``=``, continuation lines joined with ``"\\n"``, comments kept.
    line
        1-based line number where the record starts (for error messages).
    """

    label: str
    key: str
    value: str
    line: int


def iter_ldrs(text: str) -> Iterator[LDR]:
    """Yield the labelled data records of a JCAMP-DX text, in order.

    Lines before the first ``##`` and lines made only of a ``$$`` comment are skipped.
    The value text is returned untouched (comments included) so data tables and vendor
    blocks can be decoded by whoever needs them.
    """
    label: str | None = None
    start = 0
    buf: list[str] = []
    for i, raw in enumerate(text.splitlines(), start=1):
        if raw.startswith("##"):
            if label is not None:
                yield LDR(label, normalise_label(label), "\n".join(buf), start)
            eq = raw.find("=", 2)
            if eq < 0:  # "##" line without "=": not a record, treat as comment
                label = None
                buf = []
                continue
            label = raw[2:eq]
            buf = [raw[eq + 1 :].strip()]
            start = i
        elif label is not None:
            if raw.lstrip().startswith("$$"):
                continue
            buf.append(raw.rstrip())
    if label is not None:
        yield LDR(label, normalise_label(label), "\n".join(buf), start)


def strip_comment(text: str) -> str:
    """Remove a trailing ``$$`` comment from one line of text."""
    i = text.find("$$")
    return text if i < 0 else text[:i]


_ARRAY = re.compile(r"^\((\d+)\.\.(\d+)\)\s*(.*)$", re.DOTALL)
_TOKEN = re.compile(r"<[^>]*>|\S+")
_INT = re.compile(r"[+-]?[0-9]+")


def _scalar(token: str) -> Any:
    if token.startswith("<") and token.endswith(">"):
        return token[1:-1]
    if token == "yes":
        return True
    if token == "no":
        return False
    if _INT.fullmatch(token):  # the common case, without a costly exception
        return int(token)
    try:
        return float(token)
    except ValueError:
        return token


def parse_bruker_value(value: str) -> Any:
    """Convert the text of a Bruker ``##$NAME=`` record into a Python value.

    ``<text>`` gives a string (multi-line strings are joined with ``"\\n"``), ``(0..n)``
    followed by values gives a list (numbers or strings), ``yes``/``no`` give booleans,
    numbers give ``int`` or ``float``; anything else is kept as text.
    An unterminated string or a short array is returned as far as it goes.
    """
    text = value.strip()
    if not text:
        return None
    if text.startswith("<"):
        end = text.rfind(">")
        return text[1:end] if end > 0 else text[1:]
    m = _ARRAY.match(text)
    if m:
        body = m.group(3)
        if "$$" in body:
            body = "\n".join(strip_comment(ln) for ln in body.splitlines())
        return [_scalar(t) for t in _TOKEN.findall(body)]
    text = strip_comment(text).strip()
    return _scalar(text)


def parse_bruker_parameters(text: str) -> dict[str, Any]:
    """Parse a Bruker parameter file (acqus, procs...) into ``{NAME: value}``.

    Vendor parameters ``##$NAME=`` are keyed by ``NAME`` (as nmrglue does); the core
    records (``TITLE``, ``JCAMPDX``, ``ORIGIN``, ``OWNER``...) are kept under
    ``"_coreheader"`` as ``{label: text}`` and ``$$`` comment lines under ``"_comments"``.
    Reading stops at ``##END=``.
    """
    out: dict[str, Any] = {}
    core: dict[str, str] = {}
    comments = [ln.strip() for ln in text.splitlines() if ln.startswith("$$")]
    for ldr in iter_ldrs(text):
        if ldr.key == "END":
            break
        if ldr.label.startswith("$"):
            out[ldr.label[1:].strip()] = parse_bruker_value(ldr.value)
        else:
            core[ldr.label.strip()] = strip_comment(ldr.value).strip()
    out["_coreheader"] = core
    out["_comments"] = comments
    return out
