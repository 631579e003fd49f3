
"""Powder XRD processing steps: slits, zero shift, Kα2 stripping, background, smoothing.

Every step is registered (``xrd.fixed_slit``, ``xrd.zero_shift``, ``xrd.strip_kalpha2``,
``xrd.background``, ``xrd.smooth``) and records itself in the provenance.
"""

from ._background import (
    METHODS,
    XRDBackground,
    background,
    estimate_background,
    lift_to_noise_median,
    sonneveld_visser,
)
from ._corrections import fixed_slit, rachinger, smooth, strip_kalpha2, zero_shift
from ._radiation import (
    CU_KA1_ANGSTROM,
    CU_KA2_ANGSTROM,
    CU_KA2_KA1_RATIO,
    Radiation,
    counting_sigma,
    radiation,
    two_theta_deg,
)

__all__ = [
    "CU_KA1_ANGSTROM",
    "CU_KA2_ANGSTROM",
    "CU_KA2_KA1_RATIO",
    "METHODS",
    "Radiation",
    "XRDBackground",
    "background",
    "counting_sigma",
    "estimate_background",
    "fixed_slit",
    "lift_to_noise_median",
    "rachinger",
    "radiation",
    "smooth",
    "sonneveld_visser",
    "strip_kalpha2",
    "two_theta_deg",
    "zero_shift",
]
