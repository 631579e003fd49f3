"""The plugin registry: entry points, loaded lazily on first use.

Built-in readers, steps, techniques, drivers and exporters are declared in our own
``pyproject.toml`` under the same entry-point groups as third-party plugins. Nothing is
imported until a group is first asked for; a plugin that fails to load is reported by
``instrumentarium plugins`` and skipped, never fatal to the others.
"""

from __future__ import annotations

import importlib.metadata as md
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..model import InstrumentariumWarning, PluginError, UnknownStepError, UnknownTechniqueError

__all__ = [
    "GROUPS",
    "PluginInfo",
    "register",
    "unregister",
    "get",
    "load_group",
    "plugin_infos",
    "readers",
    "techniques",
    "technique",
    "step",
    "steps",
    "drivers",
    "exporters",
]

GROUPS = {
    "readers": "instrumentarium.readers",
    "steps": "instrumentarium.steps",
    "techniques": "instrumentarium.techniques",
    "drivers": "instrumentarium.drivers",
    "exporters": "instrumentarium.exporters",
}

_lock = threading.RLock()
_loaded: dict[str, dict[str, Any]] = {}
_errors: dict[str, dict[str, str]] = {}
_runtime: dict[str, dict[str, Any]] = {g: {} for g in GROUPS}


@dataclass(frozen=True)
class PluginInfo:
    """One installed plugin entry."""

    group: str
    name: str
    target: str
    distribution: str | None
    version: str | None
    error: str | None = None


def _entry_points(kind: str) -> list[md.EntryPoint]:
    return sorted(md.entry_points(group=GROUPS[kind]), key=lambda ep: ep.name)


def _instantiate(obj: Any) -> Any:
    # readers, techniques and exporters may be declared as classes: one instance each
    return obj() if isinstance(obj, type) else obj


def load_group(kind: str) -> dict[str, Any]:
    """Load (once) and return every plugin of a group, by name."""
    if kind not in GROUPS:
        raise KeyError(f"unknown plugin group {kind!r}; groups are {sorted(GROUPS)}")
    with _lock:
        if kind not in _loaded:
            found: dict[str, Any] = {}
            errors: dict[str, str] = {}
            for ep in _entry_points(kind):
                try:
                    obj = ep.load()
                    found[ep.name] = obj if kind == "steps" else _instantiate(obj)
                except Exception as exc:  # a broken plugin must not break the others
                    errors[ep.name] = f"{type(exc).__name__}: {exc}"
                    warnings.warn(
                        f"plugin {ep.name!r} ({ep.value}) of {GROUPS[kind]} failed to load: {exc}",
                        InstrumentariumWarning,
                        stacklevel=2,
                    )
            _loaded[kind] = found
            _errors[kind] = errors
        return {**_loaded[kind], **_runtime[kind]}


def register(kind: str, name: str, obj: Any) -> None:
    """Register a plugin at run time (a notebook, a test) without an entry point."""
    if kind not in GROUPS:
        raise KeyError(f"unknown plugin group {kind!r}; groups are {sorted(GROUPS)}")
    with _lock:
        _runtime[kind][name] = obj


def unregister(kind: str, name: str) -> None:
    """Remove a plugin registered with :func:`register`."""
    with _lock:
        _runtime[kind].pop(name, None)


def get(kind: str, name: str) -> Any:
    """Return one plugin by group and name."""
    group = load_group(kind)
    try:
        return group[name]
    except KeyError:
        raise PluginError(
            f"no {kind[:-1]} plugin named {name!r}; installed: {', '.join(sorted(group)) or 'none'}"
        ) from None


def readers() -> dict[str, Any]:
    """Every registered reader, by name."""
    return load_group("readers")


def techniques() -> dict[str, Any]:
    """Every registered technique, by name."""
    return load_group("techniques")


def technique(name: str) -> Any:
    """The technique plugin called ``name`` (``"nmr"``, ``"xrd"``...)."""
    group = techniques()
    if name not in group:
        raise UnknownTechniqueError(
            f"no technique plugin for {name!r}; installed: {', '.join(sorted(group)) or 'none'}"
        )
    return group[name]


def steps() -> dict[str, Callable[..., Any]]:
    """Every processing step known so far, by name (entry points and decorated functions)."""
    return load_group("steps")


def step(name: str) -> Callable[..., Any]:
    """Return the processing step called ``name``, loading its technique if needed.

    Steps are named ``"<technique>.<step>"``; a step not yet imported is found by loading
    the technique plugin named by its prefix (whose modules register their steps).
    """
    found = steps()
    if name in found:
        return found[name]
    prefix = name.split(".", 1)[0]
    if prefix in techniques():
        found = steps()
        if name in found:
            return found[name]
    raise UnknownStepError(
        f"no processing step named {name!r}; known steps: {', '.join(sorted(found)) or 'none'}"
    )


def drivers() -> dict[str, Any]:
    """Every registered acquisition driver, by name."""
    return load_group("drivers")


def exporters() -> dict[str, Any]:
    """Every registered exporter, by name."""
    return load_group("exporters")


def plugin_infos() -> list[PluginInfo]:
    """Describe every installed entry point (loading them, to report failures)."""
    infos: list[PluginInfo] = []
    for kind in GROUPS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InstrumentariumWarning)
            load_group(kind)
        errors = _errors.get(kind, {})
        for ep in _entry_points(kind):
            dist = getattr(ep, "dist", None)
            infos.append(
                PluginInfo(
                    group=GROUPS[kind],
                    name=ep.name,
                    target=ep.value,
                    distribution=dist.name if dist is not None else None,
                    version=dist.version if dist is not None else None,
                    error=errors.get(ep.name),
                )
            )
        for name, obj in _runtime[kind].items():
            infos.append(PluginInfo(GROUPS[kind], name, repr(obj), None, None))
    return infos
