"""Recipes: an ordered list of steps with their parameters, serialisable and rerunnable."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._version import __version__
from ..model import Measurement, RecipeError, from_jsonable, to_jsonable
from ..plugins import step as lookup_step

__all__ = ["Recipe", "RecipeStep"]

_FORMAT = "instrumentarium.recipe/1"


@dataclass(frozen=True)
class RecipeStep:
    """One step of a recipe: a registered step name and its keyword parameters."""

    step: str
    parameters: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Recipe:
    """An ordered, serialisable list of processing steps.

    Parameters
    ----------
    steps
        The steps, applied in order.
    name
        ``"auto"``, ``"vendor"`` or a user's name for it.
    technique
        The technique it is meant for (checked when run), or None for any.
    """

    steps: tuple[RecipeStep, ...] = ()
    name: str = "custom"
    technique: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "steps",
            tuple(s if isinstance(s, RecipeStep) else RecipeStep(*s) for s in self.steps),
        )

    # -- running -------------------------------------------------------------------
    def run(self, m: Measurement) -> Measurement:
        """Apply every step to ``m`` in order and return the result."""
        if self.technique is not None and m.technique != self.technique:
            raise RecipeError(
                f"recipe {self.name!r} is for {self.technique} data, not {m.technique!r}"
            )
        for s in self.steps:
            m = lookup_step(s.step)(m, **dict(s.parameters))
        return m

    __call__ = run

    # -- building ------------------------------------------------------------------
    @classmethod
    def of(cls, *steps: tuple[str, Mapping[str, Any]] | str, name: str = "custom",
           technique: str | None = None) -> Recipe:
        """Build a recipe from ``("step.name", {params})`` pairs or bare step names."""
        items = [RecipeStep(s) if isinstance(s, str) else RecipeStep(s[0], dict(s[1])) for s in steps]
        return cls(tuple(items), name=name, technique=technique)

    @classmethod
    def from_provenance(cls, m: Measurement, *, name: str = "replay",
                        exclude_manual: bool = False) -> Recipe:
        """The recipe that reproduces ``m``'s processing from its raw data."""
        chosen: Iterable = (p for p in m.provenance if not (exclude_manual and p.manual))
        return cls(tuple(RecipeStep(p.step, dict(p.parameters)) for p in chosen), name=name,
                   technique=m.technique)

    # -- serialising ---------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """A JSON-compatible dict (``{"format", "name", "technique", "steps"}``)."""
        return {
            "format": _FORMAT,
            "name": self.name,
            "technique": self.technique,
            "steps": [{"step": s.step, "parameters": to_jsonable(dict(s.parameters))} for s in self.steps],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """Serialise to JSON text."""
        return json.dumps(self.to_dict(), indent=indent, sort_keys=True)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Recipe:
        """Inverse of :meth:`to_dict`; raises RecipeError on malformed input."""
        if not isinstance(data, Mapping):
            raise RecipeError(f"a recipe must be a JSON object, got {type(data).__name__}")
        unknown = set(data) - {"format", "name", "technique", "steps"}
        if unknown:
            raise RecipeError(f"unknown recipe keys: {sorted(unknown)}")
        fmt = data.get("format", _FORMAT)
        if fmt != _FORMAT:
            raise RecipeError(f"unsupported recipe format {fmt!r} (this version reads {_FORMAT!r})")
        steps = data.get("steps")
        if not isinstance(steps, list):
            raise RecipeError("a recipe needs a 'steps' list")
        out = []
        for i, s in enumerate(steps):
            if not isinstance(s, Mapping) or not isinstance(s.get("step"), str):
                raise RecipeError(f"steps[{i}] must be an object with a 'step' name")
            params = s.get("parameters", {})
            if not isinstance(params, Mapping):
                raise RecipeError(f"steps[{i}].parameters must be an object")
            out.append(RecipeStep(s["step"], from_jsonable(dict(params))))
        return cls(tuple(out), name=str(data.get("name", "custom")), technique=data.get("technique"))

    @classmethod
    def from_json(cls, text: str) -> Recipe:
        """Parse JSON text."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RecipeError(f"recipe is not valid JSON: {exc}") from None
        return cls.from_dict(data)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Recipe:
        """Read a recipe from a ``.json`` (or ``.yaml``/``.yml``, with PyYAML) file."""
        p = Path(path)
        text = p.read_text(encoding="utf-8")
        if p.suffix.lower() in (".yaml", ".yml"):
            try:
                import yaml
            except ImportError:
                raise RecipeError(f"{p}: reading YAML recipes needs PyYAML (pip install pyyaml)") from None
            try:
                return cls.from_dict(yaml.safe_load(text))
            except yaml.YAMLError as exc:
                raise RecipeError(f"{p}: not valid YAML: {exc}") from None
        try:
            return cls.from_json(text)
        except RecipeError as exc:
            raise RecipeError(f"{p}: {exc}") from None

    @property
    def fingerprint(self) -> str:
        """sha256 of the canonical recipe and the package version: a result's recipe key."""
        canon = json.dumps({"recipe": self.to_dict(), "version": __version__}, sort_keys=True)
        return hashlib.sha256(canon.encode()).hexdigest()
