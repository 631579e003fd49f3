"""Powder XRD analysis: peak search, profile fitting, calibration, size/strain."""

from ._analyze import analyze, find_peaks, peaks_step
from ._calibration import STANDARDS, Standard, calibrate, cubic_reflections, instrument_function
from ._fitting import PROFILES, FittedPeak, fit_peaks
from ._peaksearch import PeakCandidate, search_peaks
from ._profiles import (
    caglioti_fwhm,
    kalpha2_position,
    pseudo_voigt,
    pv_integral_breadth,
    tch_fwhm_eta,
    voigt_components,
    voigt_integral_breadth,
)
from ._records import XRDAnalysis, XRDCalibration, XRDInstrumentFunction, XRDPeak, XRDSizeStrain
from ._sizestrain import sample_breadths, scherrer, williamson_hall
from ._synthesis import line_widths, synthesize_pattern

__all__ = [
    "PROFILES",
    "STANDARDS",
    "FittedPeak",
    "PeakCandidate",
    "Standard",
    "XRDAnalysis",
    "XRDCalibration",
    "XRDInstrumentFunction",
    "XRDPeak",
    "XRDSizeStrain",
    "analyze",
    "caglioti_fwhm",
    "calibrate",
    "cubic_reflections",
    "find_peaks",
    "fit_peaks",
    "instrument_function",
    "kalpha2_position",
    "line_widths",
    "peaks_step",
    "pseudo_voigt",
    "pv_integral_breadth",
    "sample_breadths",
    "scherrer",
    "search_peaks",
    "synthesize_pattern",
    "tch_fwhm_eta",
    "voigt_components",
    "voigt_integral_breadth",
    "williamson_hall",
]
