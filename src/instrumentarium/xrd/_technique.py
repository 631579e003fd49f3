"""The XRD technique plugin: recipes, analysis, summaries and the report figure."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..model import Measurement, to_plain

# importing these registers the xrd.* processing steps, which recipes find by name
from . import analysis as _analysis  # noqa: F401
from . import processing as _processing  # noqa: F401

__all__ = ["XRDTechnique"]


class XRDTechnique:
    """Powder X-ray diffraction (entry point ``instrumentarium.techniques: xrd``)."""

    name = "xrd"
    label = "Powder X-ray diffraction"

    def auto_recipe(self, m: Measurement) -> Any:
        """Automatic recipe (see :func:`instrumentarium.xrd.recipes.auto_recipe`)."""
        from .recipes import auto_recipe

        return auto_recipe(m)

    def vendor_recipe(self, m: Measurement) -> Any:
        """Vendor recipe (= automatic: the files hold no processing parameters)."""
        from .recipes import vendor_recipe

        return vendor_recipe(m)

    def analyze(self, m: Measurement, **options: Any) -> Any:
        """Peaks, and with ``standard=``/``instrument=`` calibration and size/strain."""
        from .analysis import analyze

        return analyze(m, **options)

    def summary(self, m: Measurement) -> dict[str, Any]:
        """Key acquisition parameters (plain JSON values) for ``instrumentarium info``."""
        acq = to_plain(m.acquisition)
        keys = ("wavelength_angstrom", "wavelength2_angstrom", "ka2_ka1_ratio", "anode", "scan_axis",
                "step_deg", "time_per_step_s", "slit_mode", "divergence_slit_deg", "goniometer_radius_mm",
                "monochromator", "acquired_at", "title")
        out = {k: acq[k] for k in keys if acq.get(k) not in (None, "", [])}
        if m.ndim == 1 and m.shape[0]:
            x = np.asarray(m.axes[0].values, float)
            out["two_theta_range_deg"] = [float(x[0]), float(x[-1])]
            out["n_points"] = int(x.size)
        return out

    def process_summary(self, m: Measurement) -> dict[str, Any]:
        """``peaks`` for ``instrumentarium process --json`` (from the ``xrd.peaks`` step)."""
        peaks = m.results.get("peaks") or ()
        rows = []
        for p in peaks:
            d = to_plain(p)
            if isinstance(d, dict) and "two_theta_deg" in d:
                rows.append({"two_theta_deg": d["two_theta_deg"], "d_angstrom": d.get("d_angstrom"),
                             "intensity": d.get("height"), "area": d.get("area"),
                             "relative_intensity_percent": d.get("relative_intensity_percent"),
                             "fwhm_deg": d.get("fwhm_deg"),
                             "integral_breadth_deg": d.get("integral_breadth_deg"),
                             "two_theta_sigma_deg": d.get("two_theta_sigma_deg")})
        return {"peaks": rows}

    def load_record_types(self) -> None:
        """Import the modules that register XRD result records."""
        from .analysis import _records  # noqa: F401
        from .phases import results  # noqa: F401
        from .processing import _background  # noqa: F401

    def report_figure(self, m: Measurement, analysis: Any = None) -> Any:
        """Pattern with background, fitted peaks and (when present) phase sticks."""
        from ._report import pattern_figure

        return pattern_figure(m, analysis)

    def report_tables(self, m: Measurement, analysis: Any = None) -> list[tuple[str, list[str], list[list]]]:
        """Peak list, and calibration / size-strain when the analysis has them."""
        from ._report import report_tables

        return report_tables(m, analysis)
