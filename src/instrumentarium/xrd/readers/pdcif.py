"""Powder CIF (pdCIF, IUCr) patterns, parsed with gemmi's CIF parser.

Format notes
------------
A CIF 1.1 file (Toby, "CIF applications. XV. pdCIF", *J. Appl. Cryst.* 36 (2003) 1290). A
pattern is a ``loop_`` in one data block holding a 2θ column and an intensity column:

* 2θ: ``_pd_meas_2theta_scan``, ``_pd_meas_angle_2theta``, ``_pd_proc_2theta_corrected``
  or ``_pd_proc_2theta_range_*`` / ``_pd_meas_2theta_range_min/max/inc`` (an implicit,
  equally spaced axis);
* intensity: ``_pd_meas_counts_total`` / ``_pd_meas_intensity_total`` (raw counts, or a
  rate when ``_pd_meas_units_of_intensity`` says so) or ``_pd_proc_intensity_total`` /
  ``_pd_proc_intensity_net`` (processed); values may carry an s.u. in parentheses
  (``1234(35)``: 1234 ± 35; ``12.3(4)``: 12.3 ± 0.4);
* uncertainties: those s.u., else ``_pd_proc_ls_weight`` (w = 1/σ², the NIST files) or an
  explicit ``*_su``/``*_esd`` column become ``Measurement.signal_errors`` when every point
  has one (a weight of 0 marks an excluded point: its σ is set to 10⁶ × the largest other
  σ, which keeps it out of any weighted fit).

Metadata often sits in other data blocks of the same file (the NIST SRM certification
files put radiation, instrument, cell and specimen each in its own block), so single
values of every block are gathered into ``raw_parameters``: ``_diffrn_radiation_wavelength``
(a loop with ``_wt`` for K-alpha1/K-alpha2), ``_diffrn_radiation_type`` (``'Cu K\\a'``),
``_pd_instr_monochr_post_spec``, ``_pd_instr_dist_spec/detc`` (the goniometer radius),
``_pd_spec_description`` / ``_pd_phase_name``.

Quirks in real files: NIST's ``nist_srm660c_100a.cif`` holds a measured block
(``..._meas``) and a *calculated* profile block (``..._calc``) with the same tags: blocks
named ``*calc*`` or holding only ``_pd_calc_*`` intensities are not measurements and are
skipped while a measured block exists (listed in ``raw_parameters["skipped_blocks"]``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import gemmi
import numpy as np

from ...formats import Reader, read_head
from ...model import Instrument, Measurement, Sample, XRDAcquisition
from ._pattern import KALPHA_ANGSTROM, anode_from_wavelength, make_pattern, uniform_step

__all__ = ["PdCifReader"]

_X_TAGS = (
    "_pd_meas_2theta_scan",
    "_pd_meas_angle_2theta",
    "_pd_proc_2theta_corrected",
    "_pd_meas_2theta_corrected",
)
_Y_TAGS = (
    "_pd_meas_counts_total",
    "_pd_meas_intensity_total",
    "_pd_proc_intensity_total",
    "_pd_proc_intensity_net",
    "_pd_meas_counts_net",
    "_pd_calc_intensity_total",
)
_RANGE_PREFIXES = ("_pd_meas_2theta_range_", "_pd_proc_2theta_range_")
_ANODE = re.compile(r"\b(Cu|Co|Mo|Fe|Cr|Ag)\s*K", re.IGNORECASE)


def _number(text: str | None) -> float:
    if text is None or text in (".", "?"):
        return float("nan")
    return gemmi.cif.as_number(text)


_SU = re.compile(r"^\s*([-+]?(\d+)(?:\.(\d*))?(?:[eE]([-+]?\d+))?)\((\d+)\)\s*$")


def _su(text: str | None) -> float:
    """The standard uncertainty written in parentheses after a CIF number (NaN when none)."""
    m = _SU.match(text or "")
    if m is None:
        return float("nan")
    decimals = len(m.group(3) or "")
    exponent = int(m.group(4) or 0)
    return int(m.group(5)) * 10.0 ** (exponent - decimals)


def _single_values(block: gemmi.cif.Block) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in block:
        if item.pair is not None:
            tag, value = item.pair
            out[tag] = gemmi.cif.as_string(value)
    return out


class PdCifReader(Reader):
    """Read powder patterns from pdCIF files (every measured block)."""

    name = "pdcif"
    technique = "xrd"
    description = "Powder CIF pattern (_pd_meas_* / _pd_proc_* loops) (.cif, .pdcif)"
    patterns = ("*.cif", "*.pdcif", "*.rtv")
    version = "1"

    def sniff(self, path: Path) -> float:
        head = read_head(Path(path), 65536)
        if b"\x00" in head or b"data_" not in head:
            return 0.0
        if any(t.encode() in head for t in (*_X_TAGS, *_Y_TAGS)) or b"_pd_meas_2theta_range" in head:
            return 0.95
        return 0.0

    def read(self, path: Path) -> list[Measurement]:
        path = Path(path)
        try:
            doc = gemmi.cif.read_file(str(path))
        except Exception as exc:  # gemmi raises RuntimeError/ValueError/IndexError on bad syntax
            raise self.fail(path, f"not a valid CIF ({str(exc).strip()[:200]})") from exc
        try:
            return self._read_document(path, doc)
        except UnicodeDecodeError as exc:  # gemmi hands back raw bytes as str lazily
            raise self.fail(path, f"holds text that is not UTF-8 ({exc.reason} at byte {exc.start})") from exc

    def _read_document(self, path: Path, doc: gemmi.cif.Document) -> list[Measurement]:
        header: dict[str, Any] = {}
        for block in doc:
            for tag, value in _single_values(block).items():
                header.setdefault(tag, value)
        wavelengths = self._wavelengths(doc)
        patterns, skipped = [], []
        for block in doc:
            found = self._pattern(path, block)
            if found is None:
                continue
            is_calc = "calc" in block.name.lower() or found[2].startswith("_pd_calc")
            (skipped if is_calc else patterns).append((block, *found))
        if not patterns:
            patterns, skipped = skipped, []
        if not patterns:
            raise self.fail(path, "no data block holds a powder pattern (_pd_meas_* or _pd_proc_* loop)")
        k1, k2, ratio = wavelengths
        if k1 is None:
            k1 = (
                _number(header.get("_diffrn_radiation_wavelength"))
                if header.get("_diffrn_radiation_wavelength")
                else None
            )
            k1 = k1 if k1 is not None and np.isfinite(k1) else None
        radiation = header.get("_diffrn_radiation_type") or ""
        anode_match = _ANODE.search(radiation)
        anode = anode_match.group(1).capitalize() if anode_match else anode_from_wavelength(k1)
        radius = (
            _number(header.get("_pd_instr_dist_spec/detc"))
            if header.get("_pd_instr_dist_spec/detc")
            else None
        )
        warnings = []
        if k1 is None and anode in KALPHA_ANGSTROM and anode_match:
            k1, k2, ratio = KALPHA_ANGSTROM[anode]
            warnings.append(
                f"the file names the radiation ({radiation!r}) but no wavelength: the standard {anode} "
                f"K-alpha1/K-alpha2 values {k1}/{k2} A (ratio {ratio}) were used"
            )
        mono = header.get("_pd_instr_monochr_post_spec") or header.get("_diffrn_radiation_monochromator")
        mono_angle = re.search(r"(\d+(?:\.\d+)?)\s*deg", str(mono or ""))
        out = []
        for block, x, y, ytag, errors in patterns:
            unit_text = str(header.get("_pd_meas_units_of_intensity", "")).lower()
            unit = "counts/s" if ("/s" in unit_text or "cps" in unit_text) else "counts"
            acq = XRDAcquisition(
                wavelength_angstrom=k1,
                wavelength2_angstrom=k2,
                ka2_ka1_ratio=ratio,
                anode=anode,
                two_theta_start_deg=float(np.min(x)),
                two_theta_end_deg=float(np.max(x)),
                step_deg=uniform_step(np.sort(x)),
                goniometer_radius_mm=radius if radius is not None and np.isfinite(radius) else None,
                monochromator=mono,
                monochromator_angle_deg=float(mono_angle.group(1)) if mono_angle else None,
                n_scans=len(patterns),
            )
            raw = {**header, **_single_values(block), "data_block": block.name, "intensity_tag": ytag}
            if skipped:
                raw["skipped_blocks"] = [b.name for b, *_ in skipped]
            name = header.get("_pd_phase_name") or header.get("_pd_spec_description") or block.name
            out.append(
                make_pattern(
                    path,
                    x,
                    y,
                    reader=self,
                    format="pdcif",
                    signal_unit=unit,
                    acquisition=acq,
                    raw_parameters=raw,
                    sample=Sample(name=name, formula=header.get("_chemical_formula_sum")),
                    instrument=Instrument(name=header.get("_pd_instr_geometry")),
                    warnings=warnings,
                    signal_errors=errors,
                )
            )
        return out

    def _pattern(self, path: Path,
                 block: gemmi.cif.Block) -> tuple[np.ndarray, np.ndarray, str, np.ndarray | None] | None:
        ytag = next((t for t in _Y_TAGS if block.find_loop(t)), None)
        if ytag is None:
            return None
        texts = list(block.find_loop(ytag))
        y = np.array([_number(v) for v in texts], dtype=float)
        e = self._errors(block, ytag, texts)
        xtag = next((t for t in _X_TAGS if block.find_loop(t)), None)
        if xtag is not None:
            x = np.array([_number(v) for v in block.find_loop(xtag)], dtype=float)
        else:
            for prefix in _RANGE_PREFIXES:
                lo, hi, inc = (block.find_value(prefix + k) for k in ("min", "max", "inc"))
                if lo is not None and inc is not None:
                    x = _number(lo) + _number(inc) * np.arange(y.size)
                    if hi is not None and abs(x[-1] - _number(hi)) > abs(_number(inc)) / 2:
                        raise self.fail(
                            path, f"block {block.name}: {y.size} points from {lo} by {inc} do not end at {hi}"
                        )
                    break
            else:
                raise self.fail(path, f"block {block.name} has {ytag} but no 2-theta column or range")
        bad = ~np.isfinite(y)
        if bad.any():
            if bad.all():
                raise self.fail(path, f"block {block.name}: {ytag} holds no numbers")
            x, y = x[~bad], y[~bad]  # '?' or '.' points (excluded regions)
            e = e[~bad] if e is not None else None
        return x, y, ytag, e

    @staticmethod
    def _errors(block: gemmi.cif.Block, ytag: str, texts: list[str]) -> np.ndarray | None:
        """One σ per point: s.u. in parentheses, an ``_su``/``_esd`` column or ``_pd_proc_ls_weight``."""
        su = np.array([_su(v) for v in texts], dtype=float)
        if su.size and np.all(np.isfinite(su)):
            return su
        for tag in (ytag + "_su", ytag + "_esd"):
            col = block.find_loop(tag)
            if len(col) == len(texts):
                vals = np.array([_number(v) for v in col], dtype=float)
                if np.all(np.isfinite(vals) & (vals >= 0)):
                    return vals
        col = block.find_loop("_pd_proc_ls_weight")
        if len(col) != len(texts) or not len(texts):
            return None
        w = np.array([_number(v) for v in col], dtype=float)
        if not np.all(np.isfinite(w) & (w >= 0)) or not np.any(w > 0):
            return None
        sigma = np.zeros_like(w)
        sigma[w > 0] = 1.0 / np.sqrt(w[w > 0])
        sigma[w == 0] = 1e6 * float(sigma.max())
        return sigma

    @staticmethod
    def _wavelengths(doc: gemmi.cif.Document) -> tuple[float | None, float | None, float | None]:
        for block in doc:
            table = block.find(["_diffrn_radiation_wavelength"])
            if not len(table):
                continue
            wl = [_number(row[0]) for row in table]
            wt_col = block.find_loop("_diffrn_radiation_wavelength_wt")
            weights = [_number(v) for v in wt_col] if len(wt_col) == len(wl) else []
            k1 = wl[0] if np.isfinite(wl[0]) else None
            k2 = wl[1] if len(wl) > 1 and np.isfinite(wl[1]) else None
            ratio = weights[1] / weights[0] if len(weights) > 1 and weights[0] else None
            return k1, k2, ratio
        return None, None, None

    def examples(self, folder: Path) -> list[Path]:
        """A pdCIF with an explicit 2-theta loop and one with a range and counts only."""
        folder = Path(folder)
        x = np.round(20.0 + 0.02 * np.arange(60), 4)
        y = np.round(50 + 1200 * np.exp(-0.5 * ((x - 20.6) / 0.04) ** 2))
        head = (
            "data_synthetic_quartz\n_pd_phase_name 'quartz'\n_diffrn_radiation_type 'Cu K\\a'\n"
            "loop_\n_diffrn_radiation_wavelength\n_diffrn_radiation_wavelength_wt\n"
            "1.540593 1.0\n1.544414 0.5\n"
        )
        a = folder / "example_loop.cif"
        rows = "".join(f"  {u:.3f} {v:.0f}({np.sqrt(v):.0f})\n" for u, v in zip(x, y, strict=True))
        a.write_text(head + "loop_\n_pd_meas_2theta_scan\n_pd_meas_counts_total\n" + rows)
        b = folder / "example_range.cif"
        b.write_text(
            head + "_pd_meas_2theta_range_min 20.0\n_pd_meas_2theta_range_max 21.18\n"
            "_pd_meas_2theta_range_inc 0.02\nloop_\n_pd_meas_counts_total\n"
            + "".join(f"  {v:.0f}\n" for v in y)
        )
        return [a, b]
