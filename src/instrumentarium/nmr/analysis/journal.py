"""The chemist's report string in journal (ACS) style.

Format of the ACS Guidelines for characterisation data: ``1H NMR (500 MHz, CDCl3)
δ 7.26 (d, J = 8.1 Hz, 2H), 3.43 (td, J = 10.4, 4.3 Hz, 1H), 1.90-1.80 (m, 2H).``
Shifts with two decimals (1H) or one (13C), couplings with one decimal, multiplets
that are not first order given as a range, high to low.
"""

from __future__ import annotations

from collections.abc import Sequence

from ._records import Multiplet

__all__ = ["journal_report", "format_multiplet"]


def format_multiplet(mp: Multiplet, nucleus: str = "1H") -> str:
    """Return one multiplet as ``3.43 (td, J = 10.4, 4.3 Hz, 1H)``."""
    if nucleus != "1H":
        return f"{mp.center_ppm:.1f}" if nucleus == "13C" else f"{mp.center_ppm:.2f}"
    nh = max(1, round(mp.n_h))
    if mp.multiplicity == "m":
        hi, lo = mp.range_ppm
        # report the lines' span, not the integration limits
        if mp.peak_ppm:
            hi, lo = max(mp.peak_ppm), min(mp.peak_ppm)
        return f"{hi:.2f}\u2013{lo:.2f} (m, {nh}H)"
    parts = [mp.multiplicity]
    if mp.j_hz:
        parts.append("J = " + ", ".join(f"{j:.1f}" for j in mp.j_hz) + " Hz")
    parts.append(f"{nh}H")
    return f"{mp.center_ppm:.2f} ({', '.join(parts)})"


def journal_report(nucleus: str, frequency_mhz: float, solvent: str, multiplets: Sequence[Multiplet]) -> str:
    """Return the journal line for the compound's multiplets (solvent, water, impurities left out)."""
    items = sorted((mp for mp in multiplets if mp.kind == "compound"), key=lambda mp: -mp.center_ppm)
    head = f"{nucleus} NMR ({frequency_mhz:.0f} MHz{', ' + solvent if solvent else ''}) δ "
    return head + ", ".join(format_multiplet(mp, nucleus) for mp in items) + "."
