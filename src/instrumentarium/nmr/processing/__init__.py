"""NMR processing steps: group delay, apodization, zero fill, FT, phase, baseline, referencing, Hilbert.

Real processed (vendor) spectra get their imaginary part back by Hilbert transform and are
re-phased only when their phase is clearly wrong (``nmr.hilbert``, ``nmr.rephase_processed``).

Every public step is a pure function ``step(m, *, ...) -> Measurement`` registered under
``"nmr.<name>"`` and recorded in the measurement's provenance; automatic choices are
recorded as decisions with a ``confidence``.
"""

from ._autophase import (
    PhaseEstimate,
    autophase,
    estimate_phase,
    is_edited_experiment,
    is_solvent_suppressed,
    noise_sigma,
    signal_regions,
)
from ._baseline import baseline, polynomial_baseline
from ._hilbert import hilbert, hilbert_spectrum, rephase_processed
from ._phase import phase, phase_ramp
from ._reference import dominant_line, find_reference_signal, reference
from ._simulate import simulate_fid
from ._solvents import SOLVENTS, Solvent, normalise_solvent, solvent
from ._time_domain import apodize, window, zero_fill
from ._transform import correct_group_delay, fourier_transform, hz_axis, ppm_axis, set_ppm_axis
from ._vnmrj import left_shift, vnmrj_weighting, vnmrj_window

__all__ = [
    "SOLVENTS",
    "Solvent",
    "baseline",
    "dominant_line",
    "find_reference_signal",
    "normalise_solvent",
    "polynomial_baseline",
    "reference",
    "rephase_processed",
    "solvent",
    "PhaseEstimate",
    "apodize",
    "autophase",
    "correct_group_delay",
    "estimate_phase",
    "fourier_transform",
    "hilbert",
    "hilbert_spectrum",
    "hz_axis",
    "left_shift",
    "is_edited_experiment",
    "is_solvent_suppressed",
    "noise_sigma",
    "phase",
    "phase_ramp",
    "ppm_axis",
    "set_ppm_axis",
    "signal_regions",
    "simulate_fid",
    "vnmrj_weighting",
    "vnmrj_window",
    "window",
    "zero_fill",
]
