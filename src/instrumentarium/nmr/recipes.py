"""The automatic and vendor NMR recipes, chosen from a raw measurement's parameters.

``auto_recipe``: apodization matched to the nucleus, zero filling, FT, group delay, automatic
phase (sign-tolerant for edited experiments, solvent region excluded for solvent
suppression, both from the pulse program), polynomial baseline, referencing. A real processed
spectrum (vendor export) is only re-phased, and only when its phase is clearly wrong
(``nmr.rephase_processed``: Hilbert transform, automatic phase, decision recorded). A complex
processed spectrum (TopSpin ``1r``/``1i``, complex JCAMP-DX) goes through the same phase gate
with its own imaginary part, and its reference is only checked (``nmr.reference`` with
``check_vendor``): the vendor's axis is kept unless its reference line is off by more than
0.03 ppm (1H) / 0.3 ppm (13C).

``vendor_recipe``: TopSpin's processing from ``procs`` (WDW/LB/GB/SSB, SI, PHC0/PHC1,
OFFSET/SW_p/SF), or the same parameters from a Bruker JCAMP-DX FID (``$WDW``, ``$PHC0``...).
It reproduces TopSpin's ``1r`` (Pearson r >= 0.9995 on the dev set, see the MANIFEST recipe).
For Agilent/Varian data, VnmrJ's processing from ``procpar`` (see :func:`vnmrj_recipe`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..model import Measurement, NMRAcquisition, RecipeError
from ..pipeline import Recipe
from .processing import is_edited_experiment

__all__ = ["auto_recipe", "vendor_recipe", "vendor_parameters", "vnmrj_recipe", "line_broadening_for"]

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
            ("nmr.apodize", {"function": "exponential", "line_broadening_hz": line_broadening_for(acq.nucleus)}),
            ("nmr.zero_fill", {"size": None, "factor": 2 if n <= 16384 else 1}),
            ("nmr.fourier_transform", {"first_point_factor": 0.5}),
            ("nmr.group_delay", {"points": None}),
        ]
    elif not m.is_complex:
        # an already processed real spectrum (vendor JCAMP-DX export, TopSpin 1r without 1i):
        # its phase is checked on the Hilbert-rebuilt imaginary part and corrected only when
        # clearly wrong; otherwise it is left exactly as the vendor made it, its axis too unless
        # the reference line is off by more than the nucleus' tolerance, as for a complex one
        return Recipe.of(
            ("nmr.rephase_processed", {"edited": edited, "exclude_ppm": None, "solvent_window_ppm": 0.25}),
            ("nmr.reference", {"method": "auto", "check_vendor": True, "vendor_tolerance_ppm": None}),
            name="auto",
            technique="nmr",
        )
    else:
        # an already processed complex spectrum (TopSpin 1r+1i, complex JCAMP-DX export): the
        # same phase gate with the vendor's own imaginary part (no Hilbert transform; baseline
        # only after a re-phase), then the vendor's reference checked, changed only when its
        # reference line is off by more than the nucleus' tolerance (nmr.reference check_vendor)
        return Recipe.of(
            ("nmr.rephase_processed", {"edited": edited, "exclude_ppm": None, "solvent_window_ppm": 0.25}),
            ("nmr.reference", {"method": "auto", "check_vendor": True, "vendor_tolerance_ppm": None}),
            name="auto",
            technique="nmr",
        )
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
    if isinstance(m.raw_parameters.get("procpar"), Mapping):
        return vnmrj_recipe(m)
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
        (
            "nmr.apodize",
            {
                "function": _WDW[wdw],
                "line_broadening_hz": p.get("LB", 0.0),
                "gaussian_fraction": p.get("GB") or 0.1,
                "sine_offset": p.get("SSB", 0.0),
            },
        ),
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
        steps.append(
            ("nmr.set_ppm_axis", {"offset_ppm": p["OFFSET"], "spectral_width_hz": sw, "frequency_mhz": p.get("SF")})
        )
    return Recipe.of(*steps, name="vendor", technique="nmr")


def _procpar_number(pp: Mapping[str, Any], inactive: set[str], name: str) -> float | None:
    """A procpar real, or None when absent or inactive (VnmrJ's ``'n'``)."""
    if name in inactive:
        return None
    return _number(pp.get(name))


def vnmrj_recipe(m: Measurement) -> Recipe:
    """VnmrJ's ``ft`` of a Varian/Agilent FID from its ``procpar``.

    ``lsfid`` (left shift), weighting (``lb``, ``gf``/``gfs``, ``sb``/``sbs``, ``awc``: see
    :mod:`~instrumentarium.nmr.processing`), zero filling to ``fn/2`` complex points (``fn``
    inactive: the next power of two of ``np``), FT with the first point times ``fpmult``
    (0.5 when inactive), VnmrJ's phase and its referencing (``rfl``/``rfp``/``reffrq``).

    Phase: VnmrJ turns point ``x`` of the spectrum (fraction from the left, high-ppm edge)
    by ``rp + lp*(1 - x)`` with the opposite sign to TopSpin: ``rp`` is the zero-order phase
    at the right edge and ``lp`` grows towards the left. In TopSpin's convention (pivot on
    the left edge) that is ``PHC0 = -(rp + lp)``, ``PHC1 = lp``. Checked on the dev set's
    VnmrJ 31P spectrum (d10, ``lsfid = -3``): its two lines come out absorptive within 2 deg.
    """
    pp = m.raw_parameters["procpar"]
    inactive = set(m.raw_parameters.get("procpar_inactive") or ())
    proc = str(pp.get("proc", "ft")).strip().lower()
    if proc not in ("ft", ""):
        raise RecipeError(f"vendor NMR recipe: VnmrJ proc={proc!r} is not supported (only 'ft')")
    if "rp" not in pp or "lp" not in pp:
        raise RecipeError("vendor NMR recipe: procpar has no rp/lp phase; use the automatic recipe (--recipe auto)")
    n = m.shape[0]
    rp = _procpar_number(pp, inactive, "rp") or 0.0
    lp = _procpar_number(pp, inactive, "lp") or 0.0
    fn = _procpar_number(pp, inactive, "fn")
    size = int(fn) // 2 if fn else 1 << max(int(n - 1).bit_length(), 0)
    fpmult = _procpar_number(pp, inactive, "fpmult")
    steps: list[tuple[str, Mapping[str, Any]]] = []
    lsfid = _procpar_number(pp, inactive, "lsfid")
    if lsfid:
        steps.append(("nmr.left_shift", {"points": int(lsfid)}))
    weights = {
        k: _procpar_number(pp, inactive, name)
        for k, name in (
            ("lb_hz", "lb"),
            ("gf_s", "gf"),
            ("gfs_s", "gfs"),
            ("sb_s", "sb"),
            ("sbs_s", "sbs"),
            ("awc", "awc"),
        )
    }
    steps += [
        ("nmr.vnmrj_weighting", weights),
        ("nmr.zero_fill", {"size": size, "factor": 1}),
        ("nmr.fourier_transform", {"first_point_factor": 0.5 if fpmult is None else fpmult}),
        ("nmr.phase", {"p0_deg": -(rp + lp), "p1_deg": lp, "pivot_ppm": None}),
    ]
    sw = _procpar_number(pp, inactive, "sw")
    reffrq = _procpar_number(pp, inactive, "reffrq")
    rfl, rfp = _procpar_number(pp, inactive, "rfl"), _procpar_number(pp, inactive, "rfp")
    if sw and reffrq and rfl is not None and rfp is not None:
        # rfl: where the reference line lies, in Hz from the right edge; rfp: its shift in Hz
        steps.append(
            (
                "nmr.set_ppm_axis",
                {"offset_ppm": (rfp - rfl + sw) / reffrq, "spectral_width_hz": sw, "frequency_mhz": reffrq},
            )
        )
    return Recipe.of(*steps, name="vendor", technique="nmr")
