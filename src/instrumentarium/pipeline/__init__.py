"""Processing machinery: steps, recipes, and technique dispatch."""

from ._process import analyze, process, resolve_recipe
from ._recipe import Recipe, RecipeStep
from ._step import SOFTWARE, StepOutput, step

__all__ = ["SOFTWARE", "Recipe", "RecipeStep", "StepOutput", "analyze", "process", "resolve_recipe", "step"]
