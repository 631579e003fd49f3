"""GSAS powder data (``.gsa .gsas .gss .xra .fxye .raw``) - constant-wavelength banks.

Format notes
------------
Fixed-width 80-column text (Larson & Von Dreele, *GSAS manual*, LAUR 86-748, "powder data
file"). Line 1 is a free title; an optional ``Instrument parameter file:NAME`` line and
``#`` comment lines may follow. Each data set starts with a bank record::

    BANK ibank nchan nrec BINTYP bcoef1 bcoef2 bcoef3 bcoef4 TYPE

For constant-wavelength data ``BINTYP`` is ``CONST``, ``bcoef1`` the first 2θ and
``bcoef2`` the step, both in **centidegrees** (``CONST 1000 2.5`` = 10° in steps of
0.025°). ``TYPE`` gives the record layout:

* ``STD`` (the default): 10 fields of 8 characters per line, each ``I2`` (number of counts
  summed; blank = 1) followed by ``F6.0`` (the intensity);
* ``ESD``: 5 pairs of ``F8`` (intensity, e.s.d.) per line;
* ``ALT``: 4 triples per line of 20 characters: position ``F8`` in centidegrees x 32,
  intensity ``F7`` x 1000, e.s.d. ``F5`` x 1000 (the GSAS-II convention);
* ``FXY``/``FXYE``: free format, one point a line: 2θ (centidegrees), intensity[, e.s.d.].

Quirks in real files: the IUCr CPD PbSO4 data (``PBSO4.XRA``) writes ``STD`` with bank
coefficients as integers; NIST660CBI writes fractional centidegrees (``1500.66 1.31303``)
and trailing blanks; the last line of a bank is short; neither names the wavelength: it
lives in a separate instrument-parameter ``.prm`` file (:mod:`.gsas_prm`). The ``.prm`` the
data file names on its second line, or one with the data file's stem, gives λ1, λ2 and
I(Kα2)/I(Kα1) (its zero and polarisation go to ``raw_parameters``); :func:`read_gsas` takes
one explicitly. Without one, the anode named in the title (``Cu Ka``) gives the standard
K-alpha wavelengths, with a warning. A ``.prm`` whose anode contradicts the title is not
applied automatically. Time-of-flight banks (``TIME_MAP``, ``RALF``, ``SLOG``) are refused
with a clear error.

Uncertainties: ESD and ALT records and FXYE's third column hold the e.s.d. of each
intensity; they become ``Measurement.signal_errors`` (STD and FXY carry none).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

from ...formats import Reader, read_head
from ...model import FormatError, Measurement, Sample, TruncatedFileError, XRDAcquisition
from ._pattern import KALPHA_ANGSTROM, make_pattern
from .gsas_prm import GsasInstrumentParameters, find_prm, other_prm_files, read_prm

__all__ = ["GsasReader", "read_gsas"]

_BANK = re.compile(rb"^BANK\s+\d+\s+\d+\s+\d+\s+(CONST|RALF|SLOG|TIME_MAP|LPSD|EDS)", re.MULTILINE)
_ANODE = re.compile(r"\b(Cu|Co|Mo|Fe|Cr|Ag)[\s-]*K", re.IGNORECASE)


def _field(text: str, start: int, width: int) -> float | None:
    s = text[start : start + width].strip()
    if not s:
        return None
    return float(s)


class GsasReader(Reader):
    """Read GSAS constant-wavelength powder data (STD, ESD, ALT, FXY, FXYE), every bank."""

    name = "gsas"
    technique = "xrd"
    description = "GSAS constant-wavelength powder data: STD, ESD, ALT, FXYE (.gsa .gsas .xra .fxye)"
    patterns = ("*.gsa", "*.gsas", "*.gss", "*.xra", "*.fxye", "*.fxy", "*.gda")
    version = "1"

    def sniff(self, path: Path) -> float:
        head = read_head(Path(path), 8192)
        if b"\x00" in head:
            return 0.0
        m = _BANK.search(head)
        if m is None:
            return 0.0
        return 0.95 if m.group(1) == b"CONST" else 0.6

    def read(self, path: Path) -> list[Measurement]:
        return self.read_with(path)

    def read_with(self, path: Path, instrument_parameters: str | Path | None = None) -> list[Measurement]:
        """Read every bank; ``instrument_parameters`` is a GSAS ``.prm`` to use (else one is looked for)."""
        path = Path(path)
        try:
            text = path.read_bytes().decode("latin-1")
        except OSError as exc:
            raise self.fail(path, f"cannot open the file ({exc})") from exc
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        title = lines[0].strip() if lines else ""
        comments: list[str] = []
        instrument_file = None
        banks: list[tuple[int, str]] = []
        for i, line in enumerate(lines[1:], start=1):
            if line.startswith("BANK"):
                banks.append((i, line))
            elif line.startswith("#") and not banks:
                comments.append(line[1:].strip())
            elif i == 1 and line[:4].lower() == "inst" and ":" in line:
                instrument_file = line.split(":", 1)[1].strip()
        if not banks:
            raise self.fail(path, "no BANK record: not GSAS powder data")
        anode_match = _ANODE.search(title)
        title_anode = anode_match.group(1).capitalize() if anode_match else None
        explicit = instrument_parameters is not None
        prm_path = Path(instrument_parameters) if explicit else find_prm(path, instrument_file)
        out = []
        for k, (i, bank) in enumerate(banks):
            end = banks[k + 1][0] if k + 1 < len(banks) else len(lines)
            body = [ln for ln in lines[i + 1 : end] if ln.strip() and not ln.startswith("#")]
            prm, notes = self._parameters(path, prm_path, bank, title_anode, explicit)
            out.append(
                self._bank(
                    path,
                    bank,
                    body,
                    title,
                    title_anode,
                    len(banks),
                    {"title": title, "comments": comments, "instrument_parameter_file": instrument_file},
                    prm,
                    notes,
                )
            )
        return out

    def _parameters(self, path: Path, prm_path: Path | None, bank: str, title_anode: str | None,
                    explicit: bool) -> tuple[GsasInstrumentParameters | None, list[str]]:
        """The instrument parameters for one bank, and notes on what was (not) used."""
        if prm_path is None:
            others = other_prm_files(path)
            if others:
                return None, [f"{', '.join(others)} in the same folder is not named by this file and does not "
                              "share its name: not used (give it with read_gsas(path, instrument_parameters=...) "
                              "if it describes this instrument)"]
            return None, []
        parts = bank.split()
        number = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 1
        try:
            try:
                prm = read_prm(prm_path, bank=number)
            except FormatError:
                if number == 1:
                    raise
                prm = read_prm(prm_path, bank=1)
        except FormatError as exc:
            if explicit:
                raise
            return None, [f"instrument parameter file {prm_path.name} not used: {exc}"]
        if title_anode and prm.anode and prm.anode != title_anode:
            note = (f"{prm_path.name} is for {prm.anode} radiation but the title names {title_anode}")
            if not explicit:
                return None, [note + ": not used"]
            return prm, [note + ": used as asked"]
        return prm, []

    def _bank(
        self,
        path: Path,
        bank: str,
        body: list[str],
        title: str,
        anode: str | None,
        n_banks: int,
        header: dict[str, Any],
        prm: GsasInstrumentParameters | None = None,
        notes: list[str] | None = None,
    ) -> Measurement:
        parts = bank.split()
        if len(parts) < 5:
            raise self.fail(path, f"BANK record {bank.strip()!r} has fewer than 5 fields")
        try:
            nchan = int(parts[2])
        except ValueError as exc:
            raise self.fail(path, f"BANK record {bank.strip()!r}: channel count is not an integer") from exc
        bintyp = parts[4]
        if bintyp != "CONST":
            raise self.fail(
                path, f"BANK {parts[1]} is {bintyp} (time-of-flight or energy): only CONST is read"
            )
        try:
            start, step = float(parts[5]) / 100.0, float(parts[6]) / 100.0
        except (IndexError, ValueError) as exc:
            raise self.fail(
                path, f"BANK record {bank.strip()!r}: start/step are missing or not numbers"
            ) from exc
        kind = next((t for t in ("FXYE", "FXY", "ESD", "ALT", "STD") if t in parts[7:]), "STD")
        if nchan <= 0 or nchan > 50_000_000:
            raise self.fail(path, f"BANK {parts[1]} announces {nchan} channels")
        try:
            x, y, esd = self._records(kind, body, start, step)
        except ValueError as exc:
            raise self.fail(path, f"BANK {parts[1]} ({kind}): a data field is not a number ({exc})") from exc
        warnings = []
        if y.size < nchan:
            raise TruncatedFileError(
                f"BANK {parts[1]} announces {nchan} points but holds {y.size} ({self.name} reader)", path=path
            )
        if y.size > nchan:
            if kind in ("STD", "ESD") and np.all(y[nchan:] == 0):
                x, y = x[:nchan], y[:nchan]  # padding of the last fixed-width line
                esd = esd[:nchan] if esd is not None else None
            else:
                warnings.append(f"BANK {parts[1]} holds {y.size} points, more than the {nchan} announced")
        warnings.extend(notes or [])
        k1 = k2 = ratio = None
        raw_prm: dict[str, Any] = {}
        if prm is not None:
            k1, k2, ratio = prm.wavelength_angstrom, prm.wavelength2_angstrom, prm.ka2_ka1_ratio
            anode = anode or prm.anode
            raw_prm = {"instrument_parameters": {
                "file": Path(prm.path).name, "bank": prm.bank, "histogram_type": prm.histogram_type,
                "wavelength_angstrom": k1, "wavelength2_angstrom": k2, "ka2_ka1_ratio": ratio,
                "zero_deg": prm.zero_deg, "polarisation": prm.polarisation, "anode": prm.anode}}
        elif anode in KALPHA_ANGSTROM:
            k1, k2, ratio = KALPHA_ANGSTROM[anode]
            warnings.append(
                f"the title names {anode} K-alpha radiation but no wavelength (GSAS keeps it in the .prm "
                f"file): the standard values {k1}/{k2} A (ratio {ratio}) were used"
            )
        acq = XRDAcquisition(
            title=title or None,
            anode=anode,
            wavelength_angstrom=k1,
            wavelength2_angstrom=k2,
            ka2_ka1_ratio=ratio,
            two_theta_start_deg=float(x[0]),
            two_theta_end_deg=float(x[-1]),
            step_deg=step if kind in ("STD", "ESD") else None,
            n_scans=n_banks,
        )
        raw = {**header, "bank": bank.strip(), "data_type": kind, **raw_prm}
        return make_pattern(
            path,
            x,
            y,
            reader=self,
            format=f"gsas-{kind.lower()}",
            acquisition=acq,
            raw_parameters=raw,
            sample=Sample(name=title or None),
            warnings=warnings,
            signal_errors=esd,
        )

    @staticmethod
    def _records(kind: str, body: list[str], start: float,
                 step: float) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """2θ (deg), intensities and their e.s.d. (None for STD and FXY) of one bank."""
        ys: list[float] = []
        xs: list[float] = []
        es: list[float] = []
        if kind in ("FXY", "FXYE"):
            for line in body:
                vals = line.split()
                if len(vals) < 2:
                    raise ValueError(f"line {line[:40]!r} has fewer than two columns")
                xs.append(float(vals[0]) / 100.0)
                ys.append(float(vals[1]))
                if kind == "FXYE":
                    if len(vals) < 3:
                        raise ValueError(f"FXYE line {line[:40]!r} has no e.s.d. column")
                    es.append(float(vals[2]))
            return np.array(xs), np.array(ys), (np.array(es) if kind == "FXYE" else None)
        if kind == "ALT":
            for line in body:
                for i in range(0, 80, 20):
                    xi = _field(line, i, 8)
                    if not xi:
                        break
                    xs.append(xi / 3200.0)
                    ys.append((_field(line, i + 8, 7) or 0.0) / 1000.0)
                    es.append((_field(line, i + 15, 5) or 0.0) / 1000.0)
            return np.array(xs), np.array(ys), np.array(es)
        width, count = (16, 5) if kind == "ESD" else (8, 10)
        for line in body:
            line = line.rstrip()
            for i in range(count):
                chunk = line[i * width : (i + 1) * width]
                if not chunk.strip():
                    break
                value = _field(chunk, 0, 8) if kind == "ESD" else _field(chunk, 2, 6)
                ys.append(value if value is not None else 0.0)
                if kind == "ESD":
                    es.append(_field(chunk, 8, 8) or 0.0)
        y = np.array(ys)
        return start + step * np.arange(y.size), y, (np.array(es) if kind == "ESD" else None)

    def examples(self, folder: Path) -> list[Path]:
        """One bank in each of STD, ESD, ALT and FXYE, written as GSAS does."""
        folder = Path(folder)
        n = 45
        x = 20.0 + 0.02 * np.arange(n)
        y = np.round(40 + 900 * np.exp(-0.5 * ((x - 20.44) / 0.05) ** 2))
        title = "Synthetic quartz  Cu Ka X-ray data".ljust(80)
        std = "".join(f"{v:8.0f}" + ("\n" if (i + 1) % 10 == 0 else "") for i, v in enumerate(y))
        esd = "".join(
            f"{v:8.1f}{np.sqrt(v):8.2f}" + ("\n" if (i + 1) % 5 == 0 else "") for i, v in enumerate(y)
        )
        alt = "".join(
            f"{u * 3200:8.0f}{v * 1000:7.0f}{np.sqrt(v) * 1000:5.0f}" + ("\n" if (i + 1) % 4 == 0 else "")
            for i, (u, v) in enumerate(zip(x, y, strict=True))
        )
        fxye = "".join(f"{u * 100:.3f} {v:.1f} {np.sqrt(v):.3f}\n" for u, v in zip(x, y, strict=True))
        files = {
            "example_std.gsa": f"BANK 1 {n} 5 CONST 2000 2 0 0 STD\n{std}\n",
            "example_esd.gsa": f"BANK 1 {n} 9 CONST 2000 2 0 0 ESD\n{esd}\n",
            "example_alt.gsa": f"BANK 1 {n} 12 CONST 2000 2 0 0 ALT\n{alt}\n",
            "example.fxye": f"BANK 1 {n} {n} CONST 2000 2 0 0 FXYE\n{fxye}",
        }
        out = []
        for name, body in files.items():
            p = folder / name
            p.write_text(title + "\n" + body)
            out.append(p)
        return out


def read_gsas(path: str | Path, *, instrument_parameters: str | Path | None = None) -> list[Measurement]:
    """Read a GSAS powder data file, taking λ1, λ2 and the Kα2 ratio from a ``.prm`` file.

    Parameters
    ----------
    path
        The data file (every bank is returned).
    instrument_parameters
        A GSAS instrument parameter file. None looks for the one the data file names,
        then one with the same stem (see :mod:`.gsas_prm`).

    Raises
    ------
    FormatError
        The data file, or an explicitly given parameter file, cannot be read.
    """
    return GsasReader().read_with(Path(path), instrument_parameters)
