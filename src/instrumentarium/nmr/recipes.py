"""The automatic and vendor NMR recipes, chosen from a raw measurement's parameters.

``auto_recipe``: apodization matched to the nucleus, zero filling, FT, group delay, automatic
phase (sign-tolerant for edited experiments, solvent region excluded for solvent
suppression, both from the pulse program), polynomial baseline, referencing.

``vendor_recipe``: TopSpin's processing from ``procs`` (WDW/LB/GB/SSB, SI, PHC0/PHC1,
OFFSET/SW_p/SF), or the same parameters from a Bruker JCAMP-DX FID (``$WDW``, ``$PHC0``...).
It reproduces TopSpin's ``1r`` (Pearson r >= 0.9995 on the dev set, see the MANIFEST recipe).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..model import Measurement, NMRAcquisition, RecipeError
from ..pipeline import Recipe
from .processing import is_edited_experiment

__all__ = ["auto_recipe", "vendor_recipe", "vendor_parameters", "line_broadening_for"]

# exponential line broadening (Hz) by nucleus: a matched filter for typical linewidths
_LB_HZ = {"1H": 0.3, "19F": 0.5, "13C": 1.0, "31P": 1.0, "15N": 2.0, "2H": 0.5}
# TopSpin WDW codes -> our window names (5 TRAF, 6 TRAFS... are not supported)
_WDW = {0: "none", 1: "exponential", 2: "gaussian", 3: "sine", 4: "sine_squared"}


def line_broadening_for(nucleus: str | None) -> float:
    """Default exponential line broadening (Hz) for ``nucleus`` (1.0 Hz when unknown)."""
    return _LB_HZ.get(nucleus or "", 1.0)


def _is_fid(m: Measurement) -> bool:
    return m.ndim == 1 and m.axes[0].name == "time"


def _check_1d(m: Measurement, which: str) -> None:
    if m.ndim != 1:
        raise RecipeError(
            f"{which} NMR recipe: {m.ndim}D data ({m.shape}) cannot be processed yet; "
            "only 1D FIDs and spectra are supported"
        )


def auto_recipe(m: Measurement) -> Recipe:
    """The automatic recipe for ``m``, chosen from nucleus, pulse program and solvent."""
    _check_1d(m, "automatic")
    acq = m.acquisition if isinstance(m.acquisition, NMRAcquisition) else NMRAcquisition()
    edited = is_edited_experiment(acq.pulse_program)
    steps: list[tuple[str, Mapping[str, Any]]] = []
    if _is_fid(m):
        n = m.shape[0]
        steps += [
            ("nmr.apodize", {"function": "exponential",
                             "line_broadening_hz": line_broadening_for(acq.nucleus)}),
            ("nmr.zero_fill", {"size": None, "factor": 2 if n <= 16384 else 1}),
            ("nmr.fourier_transform", {"first_point_factor": 0.5}),
            ("nmr.group_delay", {"points": None}),
        ]
    elif not m.is_complex:
        # an already processed (real) spectrum: phasing needs the imaginary part; leave it
        return Recipe((), name="auto", technique="nmr")
    steps += [
        ("nmr.autophase", {"edited": edited, "exclude_ppm": None, "solvent_window_ppm": 0.25}),
        ("nmr.baseline", {"method": "polynomial", "order": 5}),
        ("nmr.reference", {"method": "auto"}),
    ]
    return Recipe.of(*steps, name="auto", technique="nmr")


def _number(value: Any) -> float | None:
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    if value is None:
        return None
    try:
        return float(str(value).strip().strip("<>"))
    except ValueError:
        return None


def vendor_parameters(m: Measurement) -> dict[str, float]:
    """The vendor's processing parameters as plain numbers (TopSpin names).

    Looks in ``raw_parameters["procs"]`` (Bruker folder) and then in
    ``raw_parameters["jcamp"]`` (``$SI``, ``$PHC0``... of a Bruker JCAMP-DX export).
    """
    raw = m.raw_parameters
    names = ("SI", "WDW", "LB", "GB", "SSB", "PHC0", "PHC1", "OFFSET", "SW_p", "SF")
    found: dict[str, float] = {}
    procs = raw.get("procs")
    if isinstance(procs, Mapping):
        for k in names:
            v = _number(procs.get(k))
            if v is not None:
                found[k] = v
    jcamp = raw.get("jcamp")
    if isinstance(jcamp, Mapping):
        upper = {str(k).upper().lstrip("#"): v for k, v in jcamp.items()}
        for k in names:
            if k not in found:
                v = _number(upper.get("$" + k.upper()))
                if v is not None:
                    found[k] = v
    return found


def vendor_recipe(m: Measurement) -> Recipe:
    """The recipe reproducing the vendor's processing of ``m`` from its parameters."""
    _check_1d(m, "vendor")
    if not _is_fid(m):
        return Recipe((), name="vendor", technique="nmr")
    p = vendor_parameters(m)
    if "PHC0" not in p or "PHC1" not in p:
        raise RecipeError(
            "vendor NMR recipe: no vendor processing parameters (TopSpin procs PHC0/PHC1) were found "
            "with this FID; use the automatic recipe (--recipe auto)"
        )
    wdw = int(p.get("WDW", 1))
    if wdw not in _WDW:
        raise RecipeError(f"vendor NMR recipe: TopSpin window WDW={wdw} is not supported (0-4 are)")
    steps: list[tuple[str, Mapping[str, Any]]] = [
        ("nmr.apodize", {"function": _WDW[wdw], "line_broadening_hz": p.get("LB", 0.0),
                         "gaussian_fraction": p.get("GB") or 0.1, "sine_offset": p.get("SSB", 0.0)}),
        ("nmr.zero_fill", {"size": int(p["SI"]) if "SI" in p else None, "factor": 1}),
        ("nmr.fourier_transform", {"first_point_factor": 0.5}),
        ("nmr.group_delay", {"points": None}),
        ("nmr.phase", {"p0_deg": p["PHC0"], "p1_deg": p["PHC1"], "pivot_ppm": None}),
    ]
    if "OFFSET" in p:
        sw = p.get("SW_p")
        acq_sw = getattr(m.acquisition, "spectral_width_hz", None)
        if sw is not None and acq_sw and abs(sw / acq_sw - 1.0) > 0.01:
            # TopSpin's SW_p equals SW_h for a full spectrum; Bruker JCAMP FID exports can
            # carry a stale SW_p (dev d15: 2404 Hz for a 12376 Hz acquisition)
            sw = None
        steps.append(("nmr.set_ppm_axis", {"offset_ppm": p["OFFSET"], "spectral_width_hz": sw,
                                           "frequency_mhz": p.get("SF")}))
    return Recipe.of(*steps, name="vendor", technique="nmr")
