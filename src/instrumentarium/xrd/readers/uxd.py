"""Bruker / Siemens DIFFRAC-AT ``.uxd`` text.

Format notes
------------
Line-oriented text written by DIFFRAC-AT and by Bruker's XCH converter. ``;`` starts a
comment; ``_KEY=value`` lines are parameters (strings in single quotes); a line holding
only ``_KEY`` opens a data block:

* ``_2THETACOUNTS`` / ``_2THETACPS`` (and ``_THETACOUNTS``...): one ``angle value`` pair a
  line;
* ``_COUNTS`` / ``_CPS``: values only (one or several a line), angles from ``_START`` and
  ``_STEPSIZE``.

Parameters before the first range (``_FILEVERSION``, ``_SAMPLE``, ``_GONIOMETER_RADIUS``,
``_FIXED_DIVSLIT``, ``_WL1``/``_WL2``/``_WLRATIO``, ``_ANODE``, ``_DATEMEASURED``) hold
for the file; each range (``; (Data for Range number N)``, ``_DRIVE``, ``_STEPTIME``,
``_STEPSIZE``, ``_START``, ``_2THETA``, ``_VARDIVERGENCE``...) adds its own before its
data block. ``CPS`` blocks are count rates (``signal_unit = "counts/s"``).

Quirks in real files: XCH writes the 2θ column with four significant digits (``39.97``,
``40.00``), coarser than the step (0.0156°): when ``_START``/``_STEPSIZE`` reproduce the
written angles to within their rounding, the reader uses that exact grid (noted in
``raw_parameters["reader_corrections"]``), so a UXD and the RAW it came from give the same
angles; ``_VARDIVERGENCE='V6'`` names a variable slit of 6 mm irradiated length (the slit
mode is then "automatic"); ``_DATEMEASURED`` has no time zone.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

from ...formats import Reader, read_head
from ...model import Instrument, Measurement, Sample, XRDAcquisition
from ._pattern import make_pattern, parse_float

__all__ = ["UxdReader"]

_PARAM = re.compile(r"^_([A-Za-z0-9_]+)\s*=\s*(.*?)\s*$")
_BLOCK = re.compile(r"^_([A-Za-z0-9]*?)(COUNTS|CPS)\s*$")
_NUMBER_START = frozenset("0123456789+-.")
_VAR_SLIT = re.compile(r"^V(\d+(?:\.\d+)?)$")


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


class UxdReader(Reader):
    """Read Bruker/Siemens UXD text files (every range)."""

    name = "bruker-uxd"
    technique = "xrd"
    description = "Bruker / Siemens DIFFRAC-AT UXD text powder pattern (.uxd)"
    patterns = ("*.uxd", "*.UXD")
    version = "1"

    def sniff(self, path: Path) -> float:
        head = read_head(Path(path), 8192)
        if b"\x00" in head:
            return 0.0
        if re.search(rb"^_FILEVERSION\s*=", head, re.MULTILINE):
            return 0.95
        if re.search(rb"^_(2THETA)?(COUNTS|CPS)\s*$", head, re.MULTILINE) and re.search(
            rb"^_(START|STEPSIZE|DRIVE)\s*=", head, re.MULTILINE
        ):
            return 0.9
        return 0.0

    def read(self, path: Path) -> list[Measurement]:
        path = Path(path)
        try:
            text = path.read_bytes().decode("latin-1")
        except OSError as exc:
            raise self.fail(path, f"cannot open the file ({exc})") from exc
        global_params: dict[str, str] = {}
        params: dict[str, str] = {}
        ranges: list[tuple[dict[str, str], str, list[list[float]]]] = []
        block: tuple[str, list[list[float]]] | None = None
        in_range = False
        for number, line in enumerate(text.splitlines(), start=1):
            s = line.strip()
            if not s:
                continue
            if block is not None and s[0] in _NUMBER_START:
                # data line (the bulk of a file): no parameter regexes
                try:
                    block[1].append([float(v) for v in s.replace(",", " ").split()])
                    continue
                except ValueError:
                    pass  # e.g. a parameter line that starts with a digit: handled below
            if s.startswith(";"):
                if "range" in s.lower() and block is None:
                    in_range = True
                continue
            m = _BLOCK.match(s)
            if m:
                block = (m.group(1).upper() + m.group(2).upper(), [])
                continue
            m = _PARAM.match(s)
            if m:
                if block is not None:
                    ranges.append(({**global_params, **params}, *block))
                    block, params, in_range = None, {}, True
                key, value = m.group(1).upper(), _unquote(m.group(2))
                if key == "DRIVE":
                    in_range = True
                (params if in_range else global_params)[key] = value
                continue
            if block is None:
                raise self.fail(
                    path, f"line {number}: {s[:40]!r} is neither a parameter nor inside a data block"
                )
            try:
                block[1].append([float(v) for v in s.replace(",", " ").split()])
            except ValueError as exc:
                raise self.fail(path, f"line {number}: data {s[:40]!r} is not numeric") from exc
        if block is not None:
            ranges.append(({**global_params, **params}, *block))
        if not ranges:
            raise self.fail(path, "no data block (_COUNTS, _CPS, _2THETACOUNTS...) found")
        return [self._range(path, p, kind, rows, i, len(ranges)) for i, (p, kind, rows) in enumerate(ranges)]

    def _range(
        self, path: Path, p: dict[str, str], kind: str, rows: list[list[float]], index: int, n: int
    ) -> Measurement:
        where = f"range {index + 1}"
        if not rows:
            raise self.fail(path, f"{where}: the {kind} block is empty")
        start, step = parse_float(p.get("START")), parse_float(p.get("STEPSIZE"))
        raw: dict[str, Any] = dict(p)
        paired = kind.startswith(("2THETA", "THETA", "OMEGA", "CHI", "PHI"))
        if paired:
            if any(len(r) % 2 for r in rows):
                raise self.fail(path, f"{where}: a line of the {kind} block does not hold angle/value pairs")
            flat = np.array([v for r in rows for v in r]).reshape(-1, 2)
            x, y = flat[:, 0], flat[:, 1]
            if x.size > 2:
                grid = self._scan_grid(x, start, p.get("STEPSIZE"))
                if grid is not None:
                    x = grid
                    raw["reader_corrections"] = ["angles recomputed from the scan grid (written rounded)"]
        else:
            y = np.array([v for r in rows for v in r])
            if start is None or not step:
                raise self.fail(path, f"{where}: a {kind} block needs _START and _STEPSIZE")
            x = start + step * np.arange(y.size)
        unit = "counts/s" if kind.endswith("CPS") else "counts"
        base = kind[: -len("COUNTS")] if kind.endswith("COUNTS") else kind[: -len("CPS")]
        axis = "two_theta" if base in ("", "2THETA") else base.lower()
        var_slit = _VAR_SLIT.match(p.get("VARDIVERGENCE", ""))
        fixed_div = parse_float(p.get("FIXED_DIVSLIT"))
        k1 = parse_float(p.get("WL1"))
        acq = XRDAcquisition(
            operator=p.get("USER") or None,
            wavelength_angstrom=k1,
            wavelength2_angstrom=parse_float(p.get("WL2")),
            ka2_ka1_ratio=parse_float(p.get("WLRATIO")),
            anode=(p.get("ANODE") or "").capitalize() or None,
            scan_axis=p.get("DRIVE") or None,
            two_theta_start_deg=float(np.min(x)) if axis == "two_theta" else None,
            two_theta_end_deg=float(np.max(x)) if axis == "two_theta" else None,
            step_deg=step,
            time_per_step_s=parse_float(p.get("STEPTIME")),
            slit_mode="automatic" if var_slit else ("fixed" if fixed_div else None),
            irradiated_length_mm=float(var_slit.group(1)) if var_slit else None,
            goniometer_radius_mm=parse_float(p.get("GONIOMETER_RADIUS")),
            n_scans=n,
        )
        raw.update({"data_block": kind, "range_index": index})
        return make_pattern(
            path,
            x,
            y,
            reader=self,
            format="bruker-uxd",
            signal_unit=unit,
            axis_name=axis,
            acquisition=acq,
            raw_parameters=raw,
            sample=Sample(name=p.get("SAMPLE") or None),
            instrument=Instrument(vendor="Bruker"),
        )

    @staticmethod
    def _scan_grid(x: np.ndarray, start: float | None, step_text: str | None) -> np.ndarray | None:
        """The equally spaced grid the rounded angles ``x`` were written from, or None.

        XCH writes angles with four significant digits (39.97, 100.1) and ``_STEPSIZE`` with a
        few decimals. Candidates: ``_START + _STEPSIZE * i`` and the least-squares line through
        the written angles; the one whose step is known more precisely is used, provided every
        written angle lies within one unit of its last digit of it (some writers truncate).
        """
        index = np.arange(x.size)
        digits = np.floor(np.log10(np.maximum(np.abs(x), 1e-3)))
        tolerance = 10.0 ** (digits - 3) + 1e-9
        slope, intercept = np.polyfit(index, x, 1)
        slope_error = float(np.median(tolerance)) / x.size**1.5
        candidates = []
        step = parse_float(step_text)
        if start is not None and step:
            decimals = len(step_text.strip().split(".")[1]) if "." in str(step_text) else 0
            candidates.append((0.5 * 10.0**-decimals, start + step * index))
        candidates.append((slope_error, intercept + slope * index))
        for _, grid in sorted(candidates, key=lambda c: c[0]):
            if np.all(np.abs(grid - x) <= tolerance):
                return None if np.allclose(grid, x, atol=1e-9, rtol=0) else grid
        return None

    def examples(self, folder: Path) -> list[Path]:
        """A two-range file: a rounded ``_2THETACOUNTS`` block and a ``_CPS`` block."""
        folder = Path(folder)
        x = 20.0 + 0.0155922 * np.arange(60)
        y = np.round(30 + 700 * np.exp(-0.5 * ((x - 20.5) / 0.04) ** 2))
        head = (
            "; synthetic, written like XCH\n_FILEVERSION=2\n_SAMPLE='quartz'\n_GONIOMETER_RADIUS=200.500000\n"
            "_FIXED_DIVSLIT=0.150000\n_WL1=1.540600\n_WL2=1.544390\n_WLRATIO=0.500000\n_ANODE='Cu'\n"
        )
        r1 = "; (Data for Range number 1)\n_DRIVE='COUPLED'\n_STEPTIME=0.500000\n_STEPSIZE=0.0155922\n"
        r1 += "_START=20.000000\n_VARDIVERGENCE='V6'\n_2THETACOUNTS\n"
        r1 += "".join(f"{u:.4g}\t{v:.0f}\n" for u, v in zip(x, y, strict=True))
        r2 = "; (Data for Range number 2)\n_DRIVE='COUPLED'\n_STEPTIME=1.0\n"
        r2 += "_STEPSIZE=0.02\n_START=40.0\n_CPS\n"
        r2 += "".join(f"{a:10.2f}{b:10.2f}{c:10.2f}\n" for a, b, c in (y[:60] / 2).reshape(-1, 3))
        p = folder / "example.uxd"
        p.write_text(head + r1 + r2)
        return [p]
