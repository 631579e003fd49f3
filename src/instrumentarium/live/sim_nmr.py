"""A simulated NMR spectrometer: FIDs scan by scan from a sample of first-order spin systems.

Each scan is the free induction decay of every line of the sample (first-order multiplets
built from the coupling constants), with the carrier offset, a receiver phase offset, the
delay of a digital filter (as a linear phase with TopSpin's constant term, so that the
usual group-delay correction undoes it) and complex Gaussian thermal noise. The signal
adds coherently over scans and the noise in quadrature, so S/N grows as sqrt(scans).
"""

from __future__ import annotations

import datetime as _dt
import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._version import __version__
from ..model import Axis, Instrument, Measurement, NMRAcquisition, Sample, Source
from ._assemble import template_metadata
from ._protocol import DriverBase, EmitEvent

__all__ = ["SpinGroup", "NMRSample", "SimulatedNMR", "ETHYL_ACETATE"]


@dataclass(frozen=True)
class SpinGroup:
    """Equivalent nuclei at one shift with first-order couplings to their neighbours.

    ``j_hz`` lists one coupling constant per coupled neighbour nucleus (a triplet from two
    equivalent neighbours is ``(7.1, 7.1)``).
    """

    shift_ppm: float
    n_nuclei: int = 1
    j_hz: tuple[float, ...] = ()
    linewidth_hz: float = 1.0


@dataclass(frozen=True)
class NMRSample:
    """A sample: its spin groups, the solvent and a name."""

    name: str
    solvent: str
    groups: tuple[SpinGroup, ...] = field(default_factory=tuple)

    def lines(self) -> list[tuple[float, float, float]]:
        """Every line as ``(shift_ppm, offset_hz, weight, linewidth_hz)``; weights sum to the nuclei."""
        out = []
        for g in self.groups:
            offsets = [0.0]
            for j in g.j_hz:
                offsets = [o + s * j / 2 for o in offsets for s in (-1, 1)]
            w = g.n_nuclei / len(offsets)
            for o, n in itertools.groupby(sorted(offsets)):
                out.append((g.shift_ppm, o, w * len(list(n)), g.linewidth_hz))
        return out


ETHYL_ACETATE = NMRSample(
    name="ethyl acetate in CDCl3 with TMS",
    solvent="CDCl3",
    groups=(
        SpinGroup(4.12, 2, (7.1, 7.1, 7.1), 0.8),
        SpinGroup(2.05, 3, (), 0.8),
        SpinGroup(1.26, 3, (7.1, 7.1), 0.8),
        SpinGroup(7.26, 0.05, (), 0.8),   # CHCl3 residual
        SpinGroup(0.00, 0.3, (), 0.8),    # TMS
    ),
)


class SimulatedNMR(DriverBase):
    """A 1D 1H spectrometer simulated scan by scan.

    Parameters
    ----------
    sample
        What is in the tube (default: ethyl acetate in CDCl3 with TMS).
    spectrometer_frequency_mhz, spectral_width_hz, carrier_ppm, n_points
        Observe frequency, spectral width, transmitter offset, complex points per FID.
    n_scans
        Scans to acquire; one event per scan, holding that scan's FID.
    scan_time_s
        Wall-clock time per scan (the instrument's pace; 0 for as fast as possible).
    noise
        Standard deviation of the complex noise per point and scan, relative to the
        height of one nucleus's FID at t = 0.
    group_delay_points, phase_deg
        Digital-filter delay and receiver phase offset applied to every FID.
    seed
        Seed of the noise generator, for reproducible runs.
    """

    name = "sim-nmr"
    technique = "nmr"

    def __init__(
        self,
        sample: NMRSample = ETHYL_ACETATE,
        *,
        spectrometer_frequency_mhz: float = 400.13,
        spectral_width_hz: float = 8000.0,
        carrier_ppm: float = 4.7,
        n_points: int = 16384,
        n_scans: int = 16,
        scan_time_s: float = 0.25,
        noise: float = 0.02,
        group_delay_points: float = 67.98,
        phase_deg: float = 35.0,
        seed: int | None = 0,
    ) -> None:
        super().__init__()
        self.sample = sample
        self.sf = spectrometer_frequency_mhz
        self.sw = spectral_width_hz
        self.carrier_ppm = carrier_ppm
        self.n_points = n_points
        self.n_scans = n_scans
        self.scan_time_s = scan_time_s
        self.noise = noise
        self.group_delay = group_delay_points
        self.phase_deg = phase_deg
        self.seed = seed
        self._clean = self._clean_fid()

    @property
    def time_s(self) -> np.ndarray:
        """Acquisition time of every FID point."""
        return np.arange(self.n_points) / self.sw

    def _clean_fid(self) -> np.ndarray:
        t = self.time_s
        fid = np.zeros(self.n_points, dtype=complex)
        for shift_ppm, offset_hz, weight, width in self.sample.lines():
            nu = (shift_ppm - self.carrier_ppm) * self.sf + offset_hz
            fid += weight * np.exp(2j * np.pi * nu * t - np.pi * width * t)
        # digital filter: the spectrum carries exp(-2πi G (k/N - 1)) (k in FFT-shifted order)
        n = self.n_points
        spec = np.fft.fftshift(np.fft.fft(fid))
        k = np.arange(n)
        spec *= np.exp(-2j * np.pi * self.group_delay * (k / n - 1.0))
        fid = np.fft.ifft(np.fft.ifftshift(spec))
        return fid * np.exp(1j * np.deg2rad(self.phase_deg))

    def template(self) -> Measurement:
        """The measurement this run builds (signal zero until scans arrive)."""
        acq = NMRAcquisition(
            acquired_at=_dt.datetime.now(_dt.UTC),
            title=self.sample.name,
            nucleus="1H",
            spectrometer_frequency_mhz=self.sf,
            base_frequency_mhz=self.sf / (1.0 + self.carrier_ppm * 1e-6),
            spectral_width_hz=self.sw,
            carrier_ppm=self.carrier_ppm,
            n_points=self.n_points,
            n_scans=self.n_scans,
            pulse_program="zg30",
            solvent=self.sample.solvent,
            temperature_k=298.0,
            group_delay_points=self.group_delay,
        )
        return Measurement(
            technique="nmr",
            signal=np.zeros(self.n_points, dtype=complex),
            axes=(Axis("time", "s", self.time_s),),
            acquisition=acq,
            raw_parameters={"simulation": {"noise": self.noise, "phase_deg": self.phase_deg, "seed": self.seed}},
            source=Source(reader="sim-nmr", reader_version=__version__, format="simulated"),
            sample=Sample(name=self.sample.name),
            instrument=Instrument(vendor="instrumentarium", model="simulated NMR spectrometer",
                                  software=f"instrumentarium {__version__}"),
        )

    def start_metadata(self) -> dict[str, Any]:
        return {"driver": self.name, **template_metadata(self.template(), layout="accumulate",
                                                         expected_events=self.n_scans)}

    def describe(self) -> dict[str, Any]:
        return {"signal": {"source": self.name, "dtype": "array", "shape": [self.n_points],
                           "units": "arb", "dtype_numpy": "<c16"}}

    def scan(self, rng: np.random.Generator) -> np.ndarray:
        """One scan's FID: the clean FID plus fresh thermal noise."""
        noise = rng.normal(0, self.noise, self.n_points) + 1j * rng.normal(0, self.noise, self.n_points)
        return self._clean + noise

    def acquire(self, emit_event: EmitEvent) -> None:
        rng = np.random.default_rng(self.seed)
        for _ in range(self.n_scans):
            self.check_stop_or_sleep(self.scan_time_s)
            emit_event({"signal": self.scan(rng)})
