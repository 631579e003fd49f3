
"""Automatic and vendor recipes for powder patterns."""

from __future__ import annotations

from ..model import Measurement
from ..pipeline import Recipe, RecipeStep

__all__ = ["auto_recipe", "vendor_recipe"]


def auto_recipe(m: Measurement) -> Recipe:
    """The automatic recipe, chosen from the acquisition.

    Variable-slit patterns are converted to fixed-slit intensities first; then a SNIP
    background that leaves amorphous humps in place is removed and the reflections
    are searched and fitted with the Kα doublet modelled (no Kα2 stripping, no
    smoothing: both would bias the profile fit).
    """
    steps: list[RecipeStep] = []
    if (getattr(m.acquisition, "slit_mode", None) or "").lower() == "automatic":
        steps.append(RecipeStep("xrd.fixed_slit", {}))
    steps.append(RecipeStep("xrd.background", {"method": "snip", "keep_amorphous": True}))
    steps.append(RecipeStep("xrd.peaks", {"min_significance": 3.0, "profile": "pseudo_voigt"}))
    return Recipe(tuple(steps), name="auto", technique="xrd")


def vendor_recipe(m: Measurement) -> Recipe:
    """What the vendor software did: diffractometer files carry no processing
    parameters, so this is the automatic recipe under the name ``"vendor"``."""
    auto = auto_recipe(m)
    return Recipe(auto.steps, name="vendor", technique="xrd")
