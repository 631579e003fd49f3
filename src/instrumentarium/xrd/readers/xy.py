"""Plain-text two/three-column powder patterns (``.xy .xye .csv .prn .dat .txt``).

Format notes
------------
No standard: columns 2θ (deg), intensity and optionally its e.s.d., separated by spaces,
tabs, commas or semicolons; optional header lines before the data. Quirks seen in real
files: IUCr CPD round-robin ``.prn`` files are right-aligned with CRLF line ends and no
header; powdR ``.xy`` files hold half counts (``476.5``: averaged scans); Szymanski
``.xy`` use tabs and CRLF, their ``_parsed.csv`` commas; Dara ``.xy`` tab-separated with
eight decimals; RRUFF writes ``##KEY=value`` headers and ``##END=`` after the data;
HighScore CSV exports start with ``[Measurement conditions:]`` and ``key,value`` lines
(``K-Alpha1 wavelength,1.540598``) before ``[Scan points:]``; other programs write a
``2theta,intensity`` column-title line or ``# wavelength = 1.5406`` comments. A third
column is not always an e.s.d.: Szymanski's XRD-AutoAnalyzer ``.xy`` files carry a
smoothed/background curve there, of the same size as the intensity.

Because anything with numbers in it could be called ``.dat``, :meth:`XYReader.sniff`
claims a file only when at least five lines parse as ≥ 2 numeric columns, the first
column strictly increases, and it stays within a plausible 2θ range (-5° to 180°).
Header ``key = value`` / ``key: value`` / ``key,value`` lines are kept in
``raw_parameters``; a K-alpha1 wavelength written there is used. The e.s.d. column, when
present, becomes ``Measurement.signal_errors`` (used as fitting weights) when it is one:
the file is ``.xye`` or a column-title line names it (``esd``, ``sigma``, ``error``,
``err``, ``su``, ``uncertainty``), or its values look like one (non-negative and, at the
median, under half the intensity). Otherwise it is ignored and ``raw_parameters``
says so (``third_column``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

from ...formats import Reader, read_head
from ...model import Measurement, Sample, XRDAcquisition
from ._pattern import anode_from_wavelength, make_pattern, numeric_table, parse_float, uniform_step

__all__ = ["XYReader", "parse_columns"]

_SPLIT = re.compile(r"[,;\s]+")
_KEY_VALUE = re.compile(r"^[#!;%'*\s]*([A-Za-z_][\w .()/\-]{0,40}?)\s*[=:,]\s*(.*?)\s*$")
_EXTENSIONS = {".xy", ".xye", ".csv", ".prn", ".dat", ".txt", ".asc"}
_ESD_WORDS = re.compile(r"\b(e\.?s\.?d|esd|sigma|s\.?u|error|errors|err|uncertainty|std|stdev|dy|dI)\b",
                        re.IGNORECASE)
_MIN_ROWS = 5
_TWO_THETA_RANGE = (-5.0, 180.0)


def _row(line: str) -> list[float] | None:
    parts = [p for p in _SPLIT.split(line.strip()) if p]
    if len(parts) < 2:
        return None
    try:
        return [float(p) for p in parts]
    except ValueError:
        return None


def parse_columns(text: str) -> tuple[list[str], list[list[float]] | np.ndarray, list[str]]:
    """Split a text pattern into header lines, numeric rows and notes about skipped lines.

    Header lines are the non-numeric lines before the first numeric row; later non-numeric
    lines are comments (``#``, ``!``, ``;``) or an error reported by the caller.
    """
    lines = text.splitlines()
    for first, line in enumerate(lines):
        stripped = line.strip()
        if stripped and stripped[0] not in "#!;%'*" and _row(stripped) is not None:
            fast = numeric_table(lines[first:])
            if fast is not None:
                return [ln.strip() for ln in lines[:first] if ln.strip()], fast, []
            break
    header: list[str] = []
    rows: list[list[float]] = []
    bad: list[str] = []
    for i, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            continue
        row = _row(stripped) if stripped[0] not in "#!;%'*" else None
        if row is None:
            if rows and stripped[0] not in "#!;%'*":
                bad.append(f"line {i}: {stripped[:40]!r}")
            elif not rows:
                header.append(stripped)
            continue
        rows.append(row)
    return header, rows, bad


def _header_values(header: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for line in header:
        m = _KEY_VALUE.match(line)
        if m and m.group(2):
            out[m.group(1).strip()] = m.group(2)
    return out


_WAVELENGTH_KEYS = {
    "wavelength",
    "lambda",
    "wavelength(a)",
    "wavelength(angstrom)",
    "lambda1",
    "alpha1",
    "k-alpha1wavelength",
    "kalpha1",
    "k-alpha1",
    "ka1",
    "wavelength1",
}


def _wavelength(values: dict[str, Any]) -> float | None:
    """K-alpha1 (or the single wavelength) from header keys: RRUFF ``##WAVELENGTH=``, HighScore
    ``K-Alpha1 wavelength,1.540598``, ``# wavelength = 1.5406``."""
    for key, value in values.items():
        k = key.lower().replace(" ", "").replace("_", "")
        if k in _WAVELENGTH_KEYS:
            w = parse_float(str(value).split()[0] if str(value).split() else None)
            if w is not None and 0.05 < w < 5:
                return w
    return None


def _esd_column(path: Path, header: list[str], y: np.ndarray,
                col: np.ndarray) -> tuple[np.ndarray | None, str]:
    """The third column as e.s.d. values (or None) and what it was taken for."""
    named = path.suffix.lower() == ".xye" or bool(header and _ESD_WORDS.search(header[-1]))
    if not np.all(np.isfinite(col)) or np.any(col < 0):
        return None, "e.s.d. rejected: negative or non-finite values" if named else "ignored (not an e.s.d.)"
    pos = np.abs(y) > 0
    ratio = float(np.median(col[pos] / np.abs(y[pos]))) if np.any(pos) else np.inf
    if named:
        return col, "e.s.d."
    if ratio < 0.5:
        return col, "e.s.d. (values under half the intensity)"
    return None, "ignored (as large as the intensity: not an e.s.d.)"


class XYReader(Reader):
    """Read two/three-column text patterns, with or without header lines."""

    name = "xrd-xy"
    technique = "xrd"
    description = "Powder pattern as text columns 2θ, intensity[, esd] (.xy .xye .csv .prn .dat .txt)"
    patterns = ("*.xy", "*.xye", "*.csv", "*.prn", "*.dat", "*.txt", "*.asc")
    version = "1"

    def sniff(self, path: Path) -> float:
        path = Path(path)
        head = read_head(path, 8192)
        if head.startswith(b"\xef\xbb\xbf"):
            head = head[3:]  # a UTF-8 byte-order mark (XRDML files often start with one)
        if not head or b"\x00" in head or head.startswith(b"PK\x03\x04") or head.lstrip()[:1] in b"<{*":
            return 0.0  # XML, JSON, Rigaku RAS, zip: never a column file (HighScore CSV starts "[")
        try:
            text = head.decode("utf-8")
        except UnicodeDecodeError:
            text = head.decode("latin-1")
        lines = text.splitlines()
        if len(head) == 8192 and lines:
            lines = lines[:-1]  # the last line may be cut by the head size
        _, rows, bad = parse_columns("\n".join(lines))
        if len(rows) < _MIN_ROWS or bad:
            return 0.0
        if isinstance(rows, np.ndarray):
            ncols, x = {rows.shape[1]}, rows[:, 0]
        else:
            ncols, x = {len(r) for r in rows}, np.array([r[0] for r in rows])
        if len(ncols) != 1 or next(iter(ncols)) > 6:
            return 0.0
        if not np.all(np.diff(x) > 0):
            return 0.0
        lo, hi = _TWO_THETA_RANGE
        if x[0] < lo or x[-1] > hi:
            return 0.0
        return 0.7 if path.suffix.lower() in _EXTENSIONS else 0.5

    def read(self, path: Path) -> Measurement:
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise self.fail(path, f"cannot open the file ({exc})") from exc
        if b"\x00" in data:
            raise self.fail(path, "holds NUL bytes: a binary file, not a text pattern")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
        header, rows, bad = parse_columns(text)
        warnings: list[str] = []
        if len(rows) == 0:
            raise self.fail(path, "no line with two numeric columns (2θ, intensity) was found")
        if bad:
            last_line = len(text.splitlines())
            tail = bad[-1].split(":", 1)[0]
            if len(bad) == 1 and tail == f"line {last_line}":
                warnings.append(f"ignored an incomplete last line ({bad[0]}); the file may be truncated")
            else:
                raise self.fail(
                    path,
                    f"{len(bad)} line(s) inside the data are not numeric columns, first {bad[0]}; "
                    "fix or remove them",
                )
        ncols = rows.shape[1] if isinstance(rows, np.ndarray) else min(len(r) for r in rows)
        if not isinstance(rows, np.ndarray) and any(len(r) != ncols for r in rows):
            widths = sorted({len(r) for r in rows})
            if len(rows) > 1 and all(len(r) == len(rows[0]) for r in rows[:-1]):
                warnings.append("the last data line has fewer columns; it was dropped (truncated file?)")
                rows = rows[:-1]
            else:
                raise self.fail(path, f"data lines have different numbers of columns ({widths})")
        arr = (
            rows[:, :2] if isinstance(rows, np.ndarray) else np.array([r[:2] for r in rows], dtype=np.float64)
        )
        x, y = arr[:, 0], arr[:, 1]
        errors, third = None, None
        if ncols >= 3:
            col = rows[:, 2] if isinstance(rows, np.ndarray) else np.array([r[2] for r in rows], dtype=np.float64)
            errors, third = _esd_column(path, header, y, col)
            if errors is None and third.startswith("e.s.d."):
                warnings.append(f"column 3 is named or typed as an e.s.d. but {third.split(': ', 1)[-1]}")
        values = _header_values(header)
        wavelength = _wavelength(values)
        acq = XRDAcquisition(
            wavelength_angstrom=wavelength,
            anode=anode_from_wavelength(wavelength),
            two_theta_start_deg=float(np.min(x)),
            two_theta_end_deg=float(np.max(x)),
            step_deg=uniform_step(np.sort(x)),
        )
        raw: dict[str, Any] = {"header_lines": header, "n_columns": ncols, **values}
        if third is not None:
            raw["third_column"] = third
        return make_pattern(
            path,
            x,
            y,
            reader=self,
            format="xy",
            acquisition=acq,
            raw_parameters=raw,
            sample=Sample(name=path.stem),
            warnings=warnings,
            signal_errors=errors,
        )

    def examples(self, folder: Path) -> list[Path]:
        """A headerless ``.xy``, a ``.csv`` with a title line and a commented ``.xye`` (CRLF)."""
        folder = Path(folder)
        x = np.round(np.arange(20.0, 22.0, 0.05), 4)
        y = 100 + 900 * np.exp(-0.5 * ((x - 21.0) / 0.06) ** 2)
        a = folder / "example.xy"
        a.write_text("".join(f"{u:.4f} {v:.1f}\n" for u, v in zip(x, y, strict=True)))
        b = folder / "example.csv"
        b.write_text("2theta,intensity\n" + "".join(f"{u},{v:.0f}\n" for u, v in zip(x, y, strict=True)))
        c = folder / "example.xye"
        body = "".join(f"{u:10.4f}\t{v:10.2f}\t{np.sqrt(v):8.3f}\r\n" for u, v in zip(x, y, strict=True))
        c.write_bytes(("# sample = quartz\r\n# wavelength = 1.540593\r\n" + body).encode())
        return [a, b, c]
