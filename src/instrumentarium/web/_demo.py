"""Small, realistic demo measurements the package makes itself (no data of one's own needed).

NMR: 1H spectra at 400 MHz of ethyl acetate, ethanol and toluene (literature shifts and
J couplings: Fulmer et al., Organometallics 29, 2176 (2010)) as Lorentzian multiplets with
a deliberate phase error, so the manual phase tool has something to fix.
XRD: Cu K-alpha powder patterns of quartz, calcite and their mixture (pseudo-Voigt peaks on
a background, Poisson noise; reflections from the ICDD/AMCSD reference patterns of
quartz and calcite) with candidate phases, one of them wrong (halite), to accept or reject;
and a sand (quartz, calcite, corundum) calculated from the starter library's CIFs
(:func:`xrd_mixture`) and identified by the real search-match (``xrd.identify_phases``),
so that rejecting a phase in the workstation refits the weight fractions of the others.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from ..model import Axis as _Axis
from ..model import (
    GenericRecord,
    Instrument,
    Measurement,
    NMRAcquisition,
    Sample,
    XRDAcquisition,
)
from ._store import Filters, FolderStore, Store

__all__ = ["NMR_COMPOUNDS", "PHASES", "SAND", "demo_measurements", "fill_demo", "nmr_spectrum", "xrd_mixture",
           "xrd_pattern"]

# (shift ppm, n protons, multiplicity as number of equally coupled neighbours, J Hz)
NMR_COMPOUNDS: dict[str, list[tuple[float, int, int, float]]] = {
    "ethyl acetate": [(4.12, 2, 3, 7.1), (2.05, 3, 0, 0.0), (1.26, 3, 2, 7.1)],
    "ethanol": [(3.72, 2, 3, 7.0), (1.25, 3, 2, 7.0), (1.32, 1, 0, 0.0)],
    "toluene": [(7.25, 2, 0, 0.0), (7.17, 3, 0, 0.0), (2.36, 3, 0, 0.0)],
}
_SOLVENT_PEAK = {"CDCl3": 7.26, "DMSO-d6": 2.50, "C6D6": 7.16}

FORMULAS = {"Quartz": "SiO2", "Calcite": "CaCO3", "Halite": "NaCl"}

# Cu Ka1 reflections: (2theta deg, relative intensity)
PHASES: dict[str, list[tuple[float, float]]] = {
    "Quartz": [(20.86, 22), (26.64, 100), (36.54, 8), (39.47, 8), (40.29, 4), (42.45, 6), (45.79, 4),
               (50.14, 13), (54.87, 4), (59.96, 9), (67.74, 6), (68.14, 7)],
    "Calcite": [(23.06, 8), (29.41, 100), (35.97, 14), (39.40, 18), (43.16, 18), (47.49, 17),
                (48.51, 17), (57.41, 8), (60.68, 5), (64.67, 5)],
    "Halite": [(27.37, 13), (31.70, 100), (45.45, 55), (56.47, 15), (66.23, 6)],
}


def nmr_spectrum(compound: str, *, solvent: str = "CDCl3", n: int = 16384, sf_mhz: float = 400.13,
                 lw_hz: float = 0.8, p0_error_deg: float = 25.0, p1_error_deg: float = -20.0,
                 seed: int = 0) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """A complex 1H spectrum (ppm axis from 12 to -1, descending) with a phase error; and peak shifts.

    The error is undone by a phase correction of (``p0_error_deg``, ``p1_error_deg``) in
    TopSpin's convention (see :func:`instrumentarium.web._corrections.apply_phase`).
    """
    rng = np.random.default_rng(seed)
    ppm = np.linspace(12.0, -1.0, n)
    hz = ppm * sf_mhz
    spec = np.zeros(n, dtype=complex)
    lines = [*NMR_COMPOUNDS[compound], (0.0, 1, 0, 0.0), (_SOLVENT_PEAK.get(solvent, 7.26), 1, 0, 0.0)]
    shifts = []
    for delta, nh, neigh, j in lines:
        weights = np.array([math.comb(neigh, k) for k in range(neigh + 1)], dtype=float)
        weights = nh * weights / weights.sum()
        for k, w in enumerate(weights):
            f0 = delta * sf_mhz + (k - neigh / 2) * j
            spec += w / (lw_hz / 2 + 1j * (hz - f0))  # complex Lorentzian (absorption + i dispersion)
        shifts.append(delta)
    spec *= lw_hz / 2 * 100
    noise = rng.normal(0, 0.05, n) + 1j * rng.normal(0, 0.05, n)
    # the inverse of a TopSpin-convention correction by (p0_error_deg, p1_error_deg)
    phi = np.deg2rad(p0_error_deg + p1_error_deg * np.arange(n) / n)
    return ppm, (spec + noise) * np.exp(1j * phi), sorted(shifts)


def _pv(x: np.ndarray, x0: float, fwhm: float, eta: float = 0.5) -> np.ndarray:
    g = np.exp(-4 * np.log(2) * ((x - x0) / fwhm) ** 2)
    lor = 1 / (1 + 4 * ((x - x0) / fwhm) ** 2)
    return eta * lor + (1 - eta) * g


def xrd_pattern(fractions: dict[str, float], *, start: float = 10.0, end: float = 70.0, step: float = 0.02,
                seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A Cu K-alpha1 powder pattern of the given phase fractions: 2θ (deg) and counts."""
    rng = np.random.default_rng(seed)
    tt = np.arange(start, end + step / 2, step)
    y = 80 + 3000 / tt  # air scatter and fluorescence background
    for name, frac in fractions.items():
        for pos, inten in PHASES[name]:
            y = y + frac * 40 * inten * _pv(tt, pos, 0.08 + 0.0015 * pos)
    return tt, rng.poisson(y).astype(float)


#: The sand of the demo: weight fractions of starter-library phases (CIF file stems).
SAND: dict[str, float] = {"quartz": 0.6, "calcite": 0.3, "corundum": 0.1}


def xrd_mixture(fractions: dict[str, float], *, start: float = 10.0, end: float = 90.0, step: float = 0.02,
                seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A Cu Kα1+Kα2 pattern (2θ deg, counts) of a weighed mixture of starter-library phases
    (:func:`instrumentarium.xrd.phases.mixture_profile`) on a background, with Poisson noise."""
    from ..xrd.phases import mixture_profile

    x = np.arange(start, end + step / 2, step)
    y = mixture_profile(x, fractions)
    y = 20000 * y / y.max() + 200 + 3000 * np.exp(-x / 15)
    return x, np.random.default_rng(seed).poisson(y).astype(float)


def _sand(t0: _dt.datetime) -> Measurement:
    from ..plugins import step

    tt, y = xrd_mixture(SAND, seed=13)
    m = Measurement(
        technique="xrd", signal=y, axes=(_Axis("two_theta", "deg", tt),), signal_unit="counts",
        acquisition=XRDAcquisition(
            acquired_at=t0 + _dt.timedelta(days=9), title="sand powder", wavelength_angstrom=1.540593,
            wavelength2_angstrom=1.544414, ka2_ka1_ratio=0.5, anode="Cu", two_theta_start_deg=float(tt[0]),
            two_theta_end_deg=float(tt[-1]), step_deg=0.02, time_per_step_s=0.5),
        sample=Sample(name="sand"),
        instrument=Instrument(vendor="Bruker", model="D8 Advance", name="demo XRD"),
        warnings=("demo data: a pattern calculated from the starter library's CIFs",),
    ).with_step("demo.synthesize", parameters={"phases": dict(SAND)}, software="instrumentarium demo")
    return step("xrd.identify_phases")(m)


@dataclass(frozen=True)
class _NMRSpec:
    compound: str
    solvent: str
    instrument: str
    day: int


def demo_measurements() -> Iterator[Measurement]:
    """Yield the demo catalog: six 1H NMR spectra and four Cu K-alpha powder patterns (the last, the
    sand, identified by search-match against the starter library)."""
    t0 = _dt.datetime(2026, 3, 2, 9, 30, tzinfo=_dt.UTC)
    nmr = [_NMRSpec("ethyl acetate", "CDCl3", "Avance III HD 400", 0),
           _NMRSpec("ethanol", "CDCl3", "Avance III HD 400", 1),
           _NMRSpec("toluene", "CDCl3", "Avance III HD 400", 2),
           _NMRSpec("ethyl acetate", "DMSO-d6", "Avance NEO 400", 5),
           _NMRSpec("toluene", "C6D6", "Avance NEO 400", 8),
           _NMRSpec("ethanol", "DMSO-d6", "Avance NEO 400", 9)]
    for i, s in enumerate(nmr):
        ppm, spec, shifts = nmr_spectrum(s.compound, solvent=s.solvent, n=16384, seed=i,
                                         p0_error_deg=25.0 + 10 * i)
        peaks = tuple(GenericRecord("demo.peak", {"ppm": d, "label": f"{d:.2f}"}) for d in shifts)
        yield Measurement(
            technique="nmr", signal=spec, axes=(_Axis("chemical_shift", "ppm", ppm),), signal_unit="arb",
            acquisition=NMRAcquisition(
                acquired_at=t0 + _dt.timedelta(days=s.day, hours=i), title=f"{s.compound} in {s.solvent}",
                nucleus="1H", spectrometer_frequency_mhz=400.13, spectral_width_hz=13 * 400.13,
                n_points=16384, n_scans=16, pulse_program="zg30", solvent=s.solvent, temperature_k=298.0),
            sample=Sample(name=s.compound),
            instrument=Instrument(vendor="Bruker", model=s.instrument, name="demo NMR"),
            results={"peaks": peaks},
            warnings=("demo data: a synthetic spectrum with a deliberate phase error",),
        ).with_step("demo.synthesize", parameters={"compound": s.compound}, software="instrumentarium demo")
    xrd = [("quartz", {"Quartz": 1.0}), ("calcite", {"Calcite": 1.0}),
           ("quartz + calcite", {"Quartz": 0.6, "Calcite": 0.4})]
    for i, (name, fr) in enumerate(xrd):
        tt, y = xrd_pattern(fr, seed=10 + i)
        cands = [(ph, 0.95 - 0.1 * k) for k, ph in enumerate(fr)] + [("Halite", 0.21)]
        phases = tuple(GenericRecord("demo.phase_candidate", {
            "name": ph, "formula": FORMULAS[ph], "score": score,
            "two_theta_deg": [p for p, _ in PHASES[ph]], "intensity": [float(v) for _, v in PHASES[ph]],
        }) for ph, score in cands)
        peaks = tuple(GenericRecord("demo.peak", {"two_theta_deg": p, "label": f"{p:.2f}"})
                      for ph in fr for p, inten in PHASES[ph] if inten >= 10)
        yield Measurement(
            technique="xrd", signal=y, axes=(_Axis("two_theta", "deg", tt),), signal_unit="counts",
            acquisition=XRDAcquisition(
                acquired_at=t0 + _dt.timedelta(days=3 + 2 * i), title=f"{name} powder",
                wavelength_angstrom=1.5406, anode="Cu", two_theta_start_deg=10.0, two_theta_end_deg=70.0,
                step_deg=0.02, time_per_step_s=0.5),
            sample=Sample(name=name),
            instrument=Instrument(vendor="Bruker", model="D8 Advance", name="demo XRD"),
            results={"peaks": peaks, "candidate_phases": phases},
            warnings=("demo data: a synthetic pattern",),
        ).with_step("demo.synthesize", parameters={"phases": dict(fr)}, software="instrumentarium demo")
    yield _sand(t0)


def fill_demo(store: Store) -> list[int]:
    """Add the demo measurements to ``store`` (once: skipped when it already holds entries)."""
    existing, total = store.search(Filters(), limit=1000)
    if total:
        return sorted(r["id"] for r in existing if r["status"] == "ok")
    ids = [store.add(m, run_label="demo", filename=f"demo/{m.acquisition.title}")
           for m in demo_measurements()]
    if isinstance(store, FolderStore):  # the SQL catalog records failures of its own ingests only
        store.add_failure("broken.fid.zip", "demo: a truncated FID (a failure shows on the home page)")
    return ids
