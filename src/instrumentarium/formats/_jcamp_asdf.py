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

_SQZ = {c: (i, False) for i, c in enumerate("@ABCDEFGHI")}
_SQZ.update({c: (-(i + 1), False) for i, c in enumerate("abcdefghi")})
_SQZ.update({c: (i, True) for i, c in enumerate("%JKLMNOPQR")})
_SQZ.update({c: (-(i + 1), True) for i, c in enumerate("jklmnopqr")})
_DUP = {c: i + 1 for i, c in enumerate("STUVWXYZs")}

# one token: a compression character with its digits, or a plain (PAC/AFFN) number
_TOKEN = re.compile(r"([@A-Ia-i%J-Rj-rS-Zs])(\d*\.?\d*)|([+-]?(?:\d+\.?\d*|\.\d+))|(\?)")
# E/e count as SQZ 5/-5 unless they read as an exponent (followed by a sign: "1.5E+02")
_COMPRESSED = re.compile(r"[@A-DF-Ia-df-i%J-Rj-rS-Zs]|[Ee](?![+-])")
_AFFN_SPLIT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|\?")


def parse_affn_numbers(text: str) -> list[float]:
    """Return every number of an AFFN/PAC text (separators: space, comma, ``;``, signs)."""
    return [float("nan") if t == "?" else float(t) for t in _AFFN_SPLIT.findall(text)]


def _tokens(line: str) -> list[tuple[float, str]]:
    """Split one ASDF line into ``(value, kind)`` with kind in ``abs``, ``dif``, ``dup``."""
    out: list[tuple[float, str]] = []
    for m in _TOKEN.finditer(line):
        char, digits, plain, missing = m.groups()
        if plain is not None:
            out.append((float(plain), "abs"))
        elif missing is not None:
            out.append((float("nan"), "abs"))
        elif char in _DUP:
            count = int(str(_DUP[char]) + digits) if digits else _DUP[char]
            out.append((float(count), "dup"))
        else:
            first, is_dif = _SQZ[char]
            text = str(abs(first)) + digits
            value = float(text) if "." in text else int(text)
            out.append((float(-value if first < 0 else value), "dif" if is_dif else "abs"))
    return out


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
    for n, raw in enumerate(lines):
        line = raw.split("$$", 1)[0].strip()
        if not line:
            continue
        if not _COMPRESSED.search(line):
            values = parse_affn_numbers(line)
            if not values:
                continue
            xs.append(values[0])
            ys.extend(values[1:])
            previous_dif = False
            continue
        tokens = _tokens(line)
        if not tokens:
            continue
        if tokens[0][1] != "abs":
            raise FormatError(
                f"{where}line {n + 1} of the data table does not start with an abscissa: {raw!r}"
            )
        xs.append(tokens[0][0])
        line_values: list[float] = []
        last_kind = "abs"
        last_value = 0.0
        for value, kind in tokens[1:]:
            if kind == "abs":
                line_values.append(value)
                last_value, last_kind = value, "abs"
            elif kind == "dif":
                base = line_values[-1] if line_values else (ys[-1] if ys else None)
                if base is None:
                    raise FormatError(f"{where}line {n + 1}: a difference (DIF) with no value before it")
                line_values.append(base + value)
                last_value, last_kind = value, "dif"
            else:
                if not line_values:
                    raise FormatError(f"{where}line {n + 1}: a repeat (DUP) with nothing to repeat")
                for _ in range(int(value) - 1):
                    line_values.append(line_values[-1] + last_value if last_kind == "dif" else last_value)
        check = ys[-1] if previous_dif and ys else None
        if check is not None and line_values and np.isclose(line_values[0], check, rtol=1e-9, atol=1e-6):
            # the Y check repeats the previous line's last value; TopSpin omits it on its
            # one-point last line, so a differing value is data (lengths are checked by callers)
            line_values = line_values[1:]
        ys.extend(line_values)
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
