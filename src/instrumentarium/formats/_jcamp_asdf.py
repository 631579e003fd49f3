"""JCAMP-DX data-table decoding: AFFN and the ASDF compressions (SQZ, DIF, DUP, PAC).

ASDF ("ASCII squeezed difference form", McDonald & Wilks 1988, section 5.9) packs the
ordinates of an ``(X++(Y..Y))`` table into characters:

==========  ==========================  ==================================
form        characters                  meaning
==========  ==========================  ==================================
PAC         ``+`` ``-`` or a space      a signed/unsigned integer follows
SQZ         ``@ A..I`` / ``a..i``       first digit 0..9 / -1..-9 of a value
DIF         ``% J..R`` / ``j..r``       first digit 0..9 / -1..-9 of a difference
DUP         ``S..Z s``                  repeat the previous token 1..9 times in all
==========  ==========================  ==================================

Every line starts with the abscissa. When a line ends in DIF form, the next line repeats
the last ordinate as a "Y check" value, which is verified and dropped.
"""

from __future__ import annotations

import re

import numpy as np

from ..model import FormatError

__all__ = ["decode_xydata_lines", "encode_xydata_lines", "parse_affn_numbers"]

# first character of a token -> (kind, signed leading digit)
_FIRST: dict[str, tuple[str, str]] = {}
for _i, _c in enumerate("@ABCDEFGHI"):
    _FIRST[_c] = ("abs", str(_i))
for _i, _c in enumerate("abcdefghi"):
    _FIRST[_c] = ("abs", f"-{_i + 1}")
for _i, _c in enumerate("%JKLMNOPQR"):
    _FIRST[_c] = ("dif", str(_i))
for _i, _c in enumerate("jklmnopqr"):
    _FIRST[_c] = ("dif", f"-{_i + 1}")
for _i, _c in enumerate("STUVWXYZs"):
    _FIRST[_c] = ("dup", str(_i + 1))

# one token: a compression character with its digits, a plain (PAC/AFFN) number, or "?"
_TOKEN = re.compile(r"[@A-Ia-i%J-Rj-rS-Zs][0-9.]*|[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)|\?")
# E/e count as SQZ 5/-5 unless they read as an exponent (followed by a sign: "1.5E+02")
_COMPRESSED = re.compile(r"[@A-DF-Ia-df-i%J-Rj-rS-Zs]|[Ee](?![+-])")
_AFFN_SPLIT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|\?")


def parse_affn_numbers(text: str) -> list[float]:
    """Return every number of an AFFN/PAC text (separators: space, comma, ``;``, signs)."""
    return [float("nan") if t == "?" else float(t) for t in _AFFN_SPLIT.findall(text)]


def _number(token: str) -> tuple[float, str]:
    """``(value, kind)`` of one token, kind in ``abs``, ``dif``, ``dup``."""
    info = _FIRST.get(token[0])
    if info is None:
        return (float("nan") if token == "?" else float(token)), "abs"
    kind, lead = info
    return float(lead + token[1:]), kind


def decode_xydata_lines(lines: list[str], *, where: str = "") -> tuple[np.ndarray, np.ndarray]:
    """Decode the lines of an ``(X++(Y..Y))`` table.

    Returns
    -------
    x_first, y
        The abscissa written at the start of each line (shape ``(n_lines,)``) and every
        ordinate in order (Y-check values removed), as float arrays, unscaled.

    Raises
    ------
    FormatError
        A DUP with nothing to repeat, or a DIF with no value before it.
    """
    xs: list[float] = []
    ys: list[float] = []
    previous_dif = False
    first = _FIRST
    for n, raw in enumerate(lines):
        line = raw.split("$$", 1)[0] if "$$" in raw else raw
        if not line or line.isspace():
            continue
        if not _COMPRESSED.search(line):
            values = parse_affn_numbers(line)
            if values:
                xs.append(values[0])
                ys.extend(values[1:])
            previous_dif = False
            continue
        tokens = _TOKEN.findall(line)
        if not tokens:
            continue
        x, kind = _number(tokens[0])
        if kind != "abs":
            raise FormatError(
                f"{where}line {n + 1} of the data table does not start with an abscissa: {raw!r}"
            )
        xs.append(x)
        out: list[float] = []
        last_kind = "abs"
        last = 0.0
        for tok in tokens[1:]:
            info = first.get(tok[0])
            if info is None:
                last = float("nan") if tok == "?" else float(tok)
                out.append(last)
                last_kind = "abs"
                continue
            kind, lead = info
            if kind == "abs":
                last = float(lead + tok[1:])
                out.append(last)
                last_kind = "abs"
            elif kind == "dif":
                last = float(lead + tok[1:])
                if out:
                    out.append(out[-1] + last)
                elif ys:
                    out.append(ys[-1] + last)
                else:
                    raise FormatError(f"{where}line {n + 1}: a difference (DIF) with no value before it")
                last_kind = "dif"
            else:
                if not out:
                    raise FormatError(f"{where}line {n + 1}: a repeat (DUP) with nothing to repeat")
                for _ in range(int(lead + tok[1:]) - 1):
                    out.append(out[-1] + last if last_kind == "dif" else last)
        if previous_dif and out and ys and abs(out[0] - ys[-1]) <= 1e-6 + 1e-9 * abs(ys[-1]):
            # the Y check repeats the previous line's last value; TopSpin omits it on its
            # one-point last line, so a differing value is data (lengths are checked by callers)
            out = out[1:]
        ys.extend(out)
        previous_dif = last_kind == "dif"
    return np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)


def _sqz(v: int) -> str:
    s = str(abs(v))
    return ("@ABCDEFGHI"[int(s[0])] if v >= 0 else "@abcdefghi"[int(s[0])]) + s[1:]


def _dif(v: int) -> str:
    s = str(abs(v))
    return ("%JKLMNOPQR"[int(s[0])] if v >= 0 else "%jklmnopqr"[int(s[0])]) + s[1:]


def _dup(count: int) -> str:
    s = str(count)
    return "STUVWXYZs"[int(s[0]) - 1] + s[1:]


def encode_xydata_lines(x_first: float, x_step: float, y: np.ndarray, *, form: str = "DIFDUP",
                        per_line: int = 10) -> list[str]:
    """Encode integer ordinates as ``(X++(Y..Y))`` lines in AFFN, PAC, SQZ or DIFDUP form.

    The abscissa of each line is ``x_first + i * x_step`` (rounded, as writers do). DIFDUP
    lines repeat the previous line's last value as the Y check. Used to write test files
    and exports; :func:`decode_xydata_lines` is its inverse.
    """
    values = np.rint(np.asarray(y)).astype(np.int64)
    lines = []
    i = 0
    n = values.size
    while i < n:
        chunk = values[i : i + per_line]
        x = f"{x_first + i * x_step:.0f}" if float(x_step).is_integer() else f"{x_first + i * x_step:g}"
        if form == "AFFN":
            lines.append(x + " " + " ".join(str(v) for v in chunk))
        elif form == "PAC":
            lines.append(x + "".join(f"{v:+d}" for v in chunk))
        elif form == "SQZ":
            lines.append(x + "".join(_sqz(int(v)) for v in chunk))
        elif form == "DIFDUP":
            parts = [_sqz(int(chunk[0]))]
            diffs = np.diff(chunk)
            j = 0
            while j < diffs.size:
                k = j
                while k + 1 < diffs.size and diffs[k + 1] == diffs[j]:
                    k += 1
                parts.append(_dif(int(diffs[j])) + (_dup(k - j + 1) if k > j else ""))
                j = k + 1
            lines.append(x + "".join(parts))
            if i + chunk.size < n:
                i += chunk.size - 1  # next line starts with the Y check (this line's last value)
                continue
        else:
            raise ValueError(f"unknown ASDF form {form!r} (AFFN, PAC, SQZ or DIFDUP)")
        i += chunk.size
    return lines
