"""``process`` and ``analyze``: dispatch to the measurement's technique."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..model import Measurement, RecipeError
from ..plugins import technique as get_technique
from ._recipe import Recipe

__all__ = ["process", "analyze", "resolve_recipe"]


def resolve_recipe(m: Measurement, recipe: Recipe | str | os.PathLike[str] | None) -> Recipe:
    """Turn ``None``/``"auto"``, ``"vendor"``, a file path or a Recipe into a Recipe for ``m``."""
    if isinstance(recipe, Recipe):
        return recipe
    if recipe is None or recipe == "auto":
        return get_technique(m.technique).auto_recipe(m)
    if recipe == "vendor":
        return get_technique(m.technique).vendor_recipe(m)
    path = Path(recipe)
    if path.is_file():
        return Recipe.from_file(path)
    raise RecipeError(
        f"unknown recipe {str(recipe)!r}: give 'auto', 'vendor', a recipe file or a Recipe"
    )


def process(m: Measurement, recipe: Recipe | str | os.PathLike[str] | None = None) -> Measurement:
    """Process a measurement with a recipe (default: the technique's automatic recipe).

    Parameters
    ----------
    m
        A raw measurement, as :func:`instrumentarium.read` returns it.
    recipe
        ``None`` or ``"auto"`` (chosen from the acquisition parameters), ``"vendor"``
        (reproduce the vendor software's processing from its parameters), a path to a
        JSON/YAML recipe, or a :class:`Recipe`.
    """
    return resolve_recipe(m, recipe).run(m)


def analyze(m: Measurement, **options: Any) -> Any:
    """Analyse a processed measurement with its technique (peaks, phases...)."""
    return get_technique(m.technique).analyze(m, **options)
