"""Synthetic first-order 1H spectra with known shifts, couplings, proton counts (ground truth)."""

from __future__ import annotations

import itertools

import numpy as np

from instrumentarium.model import Axis, Measurement, NMRAcquisition

__all__ = ["first_order_spectrum", "lines_of"]


def lines_of(delta_ppm: float, j_hz: tuple[float, ...], n_h: float, mhz: float) -> list[tuple[float, float]]:
    """Return (ppm, area) of every component of a first-order multiplet (areas sum to n_h)."""
    out = []
    for signs in itertools.product((-0.5, 0.5), repeat=len(j_hz)):
        out.append((delta_ppm + sum(s * j for s, j in zip(signs, j_hz)) / mhz, n_h / 2 ** len(j_hz)))
    return out


def first_order_spectrum(
    multiplets: list[tuple[float, tuple[float, ...], float]],
    *,
    mhz: float = 500.0,
    lw_hz: float = 0.8,
    noise: float = 0.0005,
    n: int = 65536,
    ppm_range: tuple[float, float] = (10.0, -0.5),
    solvent: str = "CDCl3",
    seed: int = 0,
) -> Measurement:
    """Return a processed Lorentzian spectrum (index 0 = highest ppm).

    Each multiplet is ``(delta_ppm, (J1, J2, ...), n_h)``; a line of area A has height
    2 A / (pi * lw) in points of the ppm grid, so integrals are proportional to n_h.
    """
    ppm = np.linspace(ppm_range[0], ppm_range[1], n)
    hz = ppm * mhz
    y = np.zeros(n)
    g = 0.5 * lw_hz
    for delta, js, nh in multiplets:
        for p, area in lines_of(delta, js, nh, mhz):
            y += area * (g / np.pi) / ((hz - p * mhz) ** 2 + g * g)
    rng = np.random.default_rng(seed)
    y = y + rng.normal(0.0, noise, n)
    acq = NMRAcquisition(nucleus="1H", spectrometer_frequency_mhz=mhz, solvent=solvent)
    return Measurement("nmr", y, (Axis("chemical_shift", "ppm", ppm),), acquisition=acq)
