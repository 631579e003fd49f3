"""A simulated powder diffractometer: a step scan with counting statistics.

Peaks of the sample's phases (from CIFs through the structure-factor calculation of
:mod:`instrumentarium.xrd.phases`, or from reference intensities) are drawn as pseudo-Voigt Kα1/Kα2 doublets whose FWHM
follows Caglioti, Paoletti & Ricci (1958), FWHM² = U tan²θ + V tanθ + W, on a smooth
background with a weak amorphous hump. Counts at every step are Poisson-distributed.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .._version import __version__
from ..model import Axis, Instrument, Measurement, Sample, Source, XRDAcquisition
from ._assemble import template_metadata
from ._protocol import DriverBase, EmitEvent

__all__ = ["XRDPhase", "SimulatedDiffractometer", "SILICON"]

CU_KA1 = 1.540593
CU_KA2 = 1.544414


@dataclass(frozen=True)
class XRDPhase:
    """A crystalline phase as its lines: lattice spacings and relative integrated intensities.

    Build one from a CIF (:meth:`from_cif`: structure factors, multiplicities and
    Lorentz-polarisation computed by :mod:`instrumentarium.xrd.phases`) or, for a cubic
    phase, from reference intensities (:meth:`cubic`).
    """

    name: str
    d_angstrom: tuple[float, ...]
    intensity: tuple[float, ...]
    scale: float = 1.0

    @classmethod
    def cubic(cls, name: str, a_angstrom: float, reflections: tuple[tuple[int, int, int, float], ...],
              scale: float = 1.0) -> XRDPhase:
        """A cubic phase from ``(h, k, l, relative intensity)`` rows."""
        d = tuple(a_angstrom / float(np.sqrt(h * h + k * k + l_ * l_)) for h, k, l_, _ in reflections)
        return cls(name, d, tuple(float(r[3]) for r in reflections), scale)

    @classmethod
    def from_cif(cls, path: str | Path, *, scale: float = 1.0, name: str | None = None,
                 wavelength_angstrom: float = CU_KA1) -> XRDPhase:
        """Lines of the structure in a CIF (intensities m·Lp·|F|² at ``wavelength_angstrom``)."""
        from ..xrd.phases.calculate import read_structure, reflections

        small = read_structure(path)
        refl = reflections(small, wavelength_angstrom=wavelength_angstrom)
        tth, inten = refl.intensity()
        d = wavelength_angstrom / (2 * np.sin(np.radians(tth) / 2))
        return cls(name or small.name or Path(path).stem, tuple(map(float, d)), tuple(map(float, inten)), scale)

    def peaks(self, wavelength_angstrom: float) -> list[tuple[float, float]]:
        """``(two_theta_deg, relative intensity)`` of each line reachable at this wavelength."""
        out = []
        for d, rel in zip(self.d_angstrom, self.intensity, strict=True):
            s = wavelength_angstrom / (2 * d)
            if s < 1:
                out.append((float(np.degrees(2 * np.arcsin(s))), rel * self.scale))
        return out


# Si, a = 5.431020511 Å (CODATA 2018); relative intensities of the Cu Kα powder pattern (ICDD PDF 27-1402).
SILICON = XRDPhase.cubic(
    "Si", 5.431020511,
    ((1, 1, 1, 100), (2, 2, 0, 55), (3, 1, 1, 30), (4, 0, 0, 6), (3, 3, 1, 11), (4, 2, 2, 12),
     (5, 1, 1, 6), (4, 4, 0, 3), (5, 3, 1, 7), (6, 2, 0, 8), (5, 3, 3, 3)),
)


class SimulatedDiffractometer(DriverBase):
    """A Bragg–Brentano step scan simulated chunk by chunk.

    Parameters
    ----------
    phases
        The crystalline phases of the sample (default: silicon).
    start_deg, stop_deg, step_deg
        The 2θ scan.
    time_per_step_s
        Counting time per step (sets the counting statistics).
    peak_counts_per_s
        Count rate at the top of the strongest Kα1 peak.
    points_per_event
        Steps per event; the instrument's pace is ``chunk_time_s`` per event.
    caglioti_uvw
        U, V, W in deg².
    """

    name = "sim-xrd"
    technique = "xrd"

    def __init__(
        self,
        phases: tuple[XRDPhase, ...] = (SILICON,),
        *,
        start_deg: float = 10.0,
        stop_deg: float = 90.0,
        step_deg: float = 0.02,
        time_per_step_s: float = 1.0,
        peak_counts_per_s: float = 5000.0,
        background_counts_per_s: float = 40.0,
        points_per_event: int = 100,
        chunk_time_s: float = 0.05,
        caglioti_uvw: tuple[float, float, float] = (0.004, -0.002, 0.002),
        eta: float = 0.5,
        seed: int | None = 0,
    ) -> None:
        super().__init__()
        self.phases = phases
        self.two_theta = np.round(np.arange(start_deg, stop_deg + step_deg / 2, step_deg), 6)
        self.step = step_deg
        self.time_per_step_s = time_per_step_s
        self.peak_rate = peak_counts_per_s
        self.bg_rate = background_counts_per_s
        self.points_per_event = points_per_event
        self.chunk_time_s = chunk_time_s
        self.uvw = caglioti_uvw
        self.eta = eta
        self.seed = seed

    def fwhm_deg(self, two_theta_deg: np.ndarray | float) -> np.ndarray:
        """Caglioti FWHM at 2θ."""
        u, v, w = self.uvw
        t = np.tan(np.radians(np.asarray(two_theta_deg) / 2))
        return np.sqrt(np.maximum(u * t * t + v * t + w, 1e-6))

    def expected_rate(self, x: np.ndarray | None = None) -> np.ndarray:
        """Expected count rate (counts/s) at every 2θ (no noise)."""
        x = self.two_theta if x is None else x
        rate = self.bg_rate * (1 + 8.0 / x) + 0.15 * self.bg_rate * np.exp(-0.5 * ((x - 22.0) / 4.0) ** 2)
        all_peaks = [(p, rel) for ph in self.phases for p, rel in ph.peaks(CU_KA1)]
        top = max((rel for _, rel in all_peaks), default=1.0)
        for p1, rel in all_peaks:
            theta = np.radians(p1 / 2)
            p2 = float(np.degrees(2 * np.arcsin(min(1.0, CU_KA2 / CU_KA1 * np.sin(theta)))))
            for pos, ratio in ((p1, 1.0), (p2, 0.5)):
                f = self.fwhm_deg(pos)
                dx = x - pos
                lor = 1.0 / (1.0 + 4.0 * (dx / f) ** 2)
                gau = np.exp(-4.0 * np.log(2.0) * (dx / f) ** 2)
                rate = rate + self.peak_rate * rel / top * ratio * (self.eta * lor + (1 - self.eta) * gau)
        return rate

    def template(self) -> Measurement:
        """The measurement this run builds."""
        names = ", ".join(p.name for p in self.phases)
        acq = XRDAcquisition(
            acquired_at=_dt.datetime.now(_dt.UTC), title=f"simulated {names}",
            wavelength_angstrom=CU_KA1, wavelength2_angstrom=CU_KA2, ka2_ka1_ratio=0.5, anode="Cu",
            scan_axis="2theta-theta", two_theta_start_deg=float(self.two_theta[0]),
            two_theta_end_deg=float(self.two_theta[-1]), step_deg=self.step,
            time_per_step_s=self.time_per_step_s, slit_mode="fixed", divergence_slit_deg=0.5,
            goniometer_radius_mm=240.0,
        )
        return Measurement(
            technique="xrd", signal=np.zeros(self.two_theta.size), axes=(Axis("two_theta", "deg", self.two_theta),),
            signal_unit="counts", acquisition=acq,
            raw_parameters={"simulation": {"phases": [p.name for p in self.phases], "caglioti_uvw": list(self.uvw),
                                           "seed": self.seed}},
            source=Source(reader="sim-xrd", reader_version=__version__, format="simulated"),
            sample=Sample(name=names),
            instrument=Instrument(vendor="instrumentarium", model="simulated diffractometer",
                                  software=f"instrumentarium {__version__}"),
        )

    @property
    def n_events(self) -> int:
        """Events in a complete scan."""
        return int(np.ceil(self.two_theta.size / self.points_per_event))

    def start_metadata(self) -> dict[str, Any]:
        return {"driver": self.name, **template_metadata(self.template(), layout="concatenate",
                                                         expected_events=self.n_events)}

    def describe(self) -> dict[str, Any]:
        return {
            "axis": {"source": self.name, "dtype": "array", "shape": [None], "units": "deg"},
            "signal": {"source": self.name, "dtype": "array", "shape": [None], "units": "counts"},
        }

    def acquire(self, emit_event: EmitEvent) -> None:
        rng = np.random.default_rng(self.seed)
        for i in range(0, self.two_theta.size, self.points_per_event):
            self.check_stop_or_sleep(self.chunk_time_s)
            x = self.two_theta[i : i + self.points_per_event]
            counts = rng.poisson(self.expected_rate(x) * self.time_per_step_s).astype(float)
            emit_event({"axis": x, "signal": counts})
