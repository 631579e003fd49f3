"""GSAS instrument parameter files (``.prm``, ``.inst``, ``.iparm``) for constant-wavelength X-ray data.

Format notes
------------
GSAS keeps the wavelength out of the powder data file: it lives in an instrument
parameter file of 80-column records keyed by their first 12 characters (Larson & Von
Dreele, *GSAS manual*, LAUR 86-748, "Instrument parameter file")::

    INS   BANK      1
    INS   HTYPE   PXCR                  P(owder) X(-ray) C(onstant wavelength)
    INS  1 IRAD     3                   anode: 1 Cr, 2 Fe, 3 Cu, 4 Mo, 5 Ag, 6 Ti, 7 Co
    INS  1 ICONS  1.540500  1.544300       0.0         0       0.7    0       0.5
    INS  1PRCF1     3    8      0.01    profile function 3, 8 terms
    INS  1PRCF11   2.000000E+00  -2.000000E+00   5.000000E+00   0.100000E+00
    INS  1PRCF12   0.000000E+00   0.000000E+00   0.150000E-01   0.150000E-01

``ICONS`` is fixed-column after the key: λ1 [0:10], λ2 [10:20] (0 for monochromatic
data), zero [20:30] in centidegrees, polarisation [40:50], I(Kα2)/I(Kα1) [55:65] (the
columns GSAS-II's importer reads). Profile function 3 starts with Caglioti GU, GV, GW
(centidegrees²) and LX, LY (centidegrees).

A GSAS data file may name its parameter file on its second line
(``Instrument parameter file:NAME.PRM``). A parameter file is used for a pattern when it is
given explicitly, named by the data file, or shares the data file's stem; a different
``.prm`` that merely sits in the same folder is not applied (the GSAS-II tutorial folder
holds ``INST_XRY.PRM`` for ``PBSO4.XRA`` next to ``NIST660CBI.gsas``, which it does not
describe).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...model import FormatError

__all__ = ["GsasInstrumentParameters", "read_prm", "find_prm", "other_prm_files", "PRM_SUFFIXES"]

PRM_SUFFIXES = (".prm", ".inst", ".iparm")
_IRAD = {1: "Cr", 2: "Fe", 3: "Cu", 4: "Mo", 5: "Ag", 6: "Ti", 7: "Co"}


@dataclass(frozen=True)
class GsasInstrumentParameters:
    """What a GSAS ``.prm`` says about one bank of a constant-wavelength X-ray instrument."""

    path: str
    bank: int
    histogram_type: str
    wavelength_angstrom: float
    wavelength2_angstrom: float | None
    ka2_ka1_ratio: float | None
    zero_deg: float
    polarisation: float | None
    anode: str | None
    caglioti_uvw_centideg2: tuple[float, float, float] | None = None


def _float(text: str) -> float | None:
    s = text.strip()
    if not s:
        return None
    try:
        return float(s)
    except ValueError:
        return None


def read_prm(path: str | Path, *, bank: int = 1) -> GsasInstrumentParameters:
    """Read bank ``bank`` of a GSAS instrument parameter file.

    Raises
    ------
    FormatError
        Not a GSAS ``INS`` file, not constant-wavelength X-ray data, or no ``ICONS``
        record for the bank.
    """
    p = Path(path)
    try:
        lines = p.read_bytes().decode("latin-1").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    except OSError as exc:
        raise FormatError(f"cannot open the instrument parameter file ({exc})", path=p) from exc
    records: dict[str, str] = {}
    for line in lines:
        if line.startswith("INS"):
            records[line[:12]] = line[12:]
    if not records:
        raise FormatError("no 'INS' records: not a GSAS instrument parameter file", path=p)
    htype = (records.get("INS   HTYPE ") or "").strip()
    if not htype.startswith("PXC"):
        raise FormatError(
            f"histogram type {htype or '(none)'!r}: only constant-wavelength X-ray (PXC) parameters are used",
            path=p,
        )
    icons = records.get(f"INS {bank:2d} ICONS")
    if icons is None:
        raise FormatError(f"no ICONS record for bank {bank}", path=p)
    lam1 = _float(icons[0:10])
    if lam1 is None or not 0.05 < lam1 < 10:
        raise FormatError(f"ICONS of bank {bank}: wavelength {icons[0:10].strip()!r} is not plausible", path=p)
    lam2 = _float(icons[10:20])
    zero = _float(icons[20:30]) or 0.0
    pola = _float(icons[40:50])
    ratio = _float(icons[55:65])
    irad = _float(records.get(f"INS {bank:2d} IRAD ", "") or "")
    uvw = None
    prcf = records.get(f"INS {bank:2d}PRCF11")
    head = records.get(f"INS {bank:2d}PRCF1 ")
    if prcf and head and head.split() and head.split()[0] in ("2", "3", "4"):
        vals = [_float(v) for v in prcf.split()[:3]]
        if all(v is not None for v in vals):
            uvw = (float(vals[0]), float(vals[1]), float(vals[2]))  # type: ignore[arg-type]
    return GsasInstrumentParameters(
        path=str(p),
        bank=bank,
        histogram_type=htype,
        wavelength_angstrom=lam1,
        wavelength2_angstrom=lam2 if lam2 else None,
        ka2_ka1_ratio=ratio if lam2 else 0.0,
        zero_deg=zero / 100.0,
        polarisation=pola,
        anode=_IRAD.get(int(irad)) if irad is not None else None,
        caglioti_uvw_centideg2=uvw,
    )


def find_prm(data_path: str | Path, named: str | None = None) -> Path | None:
    """The parameter file of a GSAS data file: the one it names, else one with its stem.

    Names are matched case-insensitively in the data file's folder (GSAS files often come
    from DOS/Windows). Returns None when neither exists.
    """
    data = Path(data_path)
    folder = data.parent
    try:
        entries = {f.name.lower(): f for f in folder.iterdir() if f.is_file()}
    except OSError:
        return None
    if named:
        hit = entries.get(Path(named.replace("\\", "/")).name.lower())
        if hit is not None:
            return hit
    for suffix in PRM_SUFFIXES:
        hit = entries.get((data.stem + suffix).lower())
        if hit is not None:
            return hit
    return None


def other_prm_files(data_path: str | Path) -> list[str]:
    """Names of ``.prm`` files in the data file's folder (for a hint when none applies)."""
    folder = Path(data_path).parent
    try:
        return sorted(f.name for f in folder.iterdir() if f.suffix.lower() in PRM_SUFFIXES)
    except OSError:
        return []
