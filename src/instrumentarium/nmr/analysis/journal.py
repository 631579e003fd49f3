"""The chemist's report string in journal (ACS) style.

Format of the ACS Guidelines for characterisation data: ``1H NMR (500 MHz, CDCl3)
δ 7.26 (d, J = 8.1 Hz, 2H), 3.43 (td, J = 10.4, 4.3 Hz, 1H), 1.90-1.80 (m, 2H).``
Shifts with two decimals (1H) or one (13C and other heteronuclei: ``13C NMR (151 MHz,
D2O) δ 170.1, 60.3``), couplings with one decimal, multiplets that are not first order
given as a range, high to low. Heteronuclear lines carry no proton count (13C integrals
are not quantitative); a resolved splitting (C-F, C-P, P-P, 13C-labelled C-C) is given as
``96.6 (d, J = 44.4 Hz)``. Two lines that would print the same shift get one more decimal.
"""

from __future__ import annotations

from collections.abc import Sequence

from ._records import Multiplet

__all__ = ["journal_report", "format_multiplet", "shift_decimals"]


#: solvent keys whose printed name differs
_SOLVENT_NAMES = {"H2O+D2O": "H2O/D2O"}


def shift_decimals(nucleus: str) -> int:
    """Decimals of a reported shift: 2 for 1H, 1 for 13C and the other heteronuclei (ACS)."""
    return 2 if nucleus == "1H" else 1


def _format_hetero(mp: Multiplet, decimals: int) -> str:
    shift = f"{mp.center_ppm:.{decimals}f}"
    if mp.multiplicity in ("s", "m", "br s", "") or not mp.j_hz:
        return shift
    return f"{shift} ({mp.multiplicity}, J = " + ", ".join(f"{j:.1f}" for j in mp.j_hz) + " Hz)"


def format_multiplet(mp: Multiplet, nucleus: str = "1H", decimals: int | None = None) -> str:
    """Return one multiplet as ``3.43 (td, J = 10.4, 4.3 Hz, 1H)`` (1H) or ``170.1`` (13C)."""
    if nucleus != "1H":
        return _format_hetero(mp, shift_decimals(nucleus) if decimals is None else decimals)
    nh = max(1, round(mp.n_h))
    if mp.multiplicity == "m":
        hi, lo = mp.range_ppm
        # report the lines' span, not the integration limits
        if mp.peak_ppm:
            hi, lo = max(mp.peak_ppm), min(mp.peak_ppm)
        if f"{hi:.2f}" == f"{lo:.2f}":  # lines within 0.01 ppm: one shift, not "8.46\u20138.46"
            return f"{mp.center_ppm:.2f} (m, {nh}H)"
        return f"{hi:.2f}\u2013{lo:.2f} (m, {nh}H)"
    parts = [mp.multiplicity]
    if mp.j_hz:
        parts.append("J = " + ", ".join(f"{j:.1f}" for j in mp.j_hz) + " Hz")
    parts.append(f"{nh}H")
    return f"{mp.center_ppm:.2f} ({', '.join(parts)})"


def journal_report(nucleus: str, frequency_mhz: float, solvent: str, multiplets: Sequence[Multiplet]) -> str:
    """Return the journal line for the compound's multiplets (solvent, water, impurities left out)."""
    items = sorted((mp for mp in multiplets if mp.kind == "compound"), key=lambda mp: -mp.center_ppm)
    solvent = _SOLVENT_NAMES.get(solvent, solvent)
    head = f"{nucleus} NMR ({frequency_mhz:.0f} MHz{', ' + solvent if solvent else ''}) δ "
    if nucleus == "1H":
        return head + ", ".join(format_multiplet(mp, nucleus) for mp in items) + "."
    base = shift_decimals(nucleus)
    printed = [f"{mp.center_ppm:.{base}f}" for mp in items]
    return head + ", ".join(
        format_multiplet(mp, nucleus, base + (printed.count(text) > 1)) for mp, text in zip(items, printed)
    ) + "."
