"""Plugin registry: readers, steps, techniques, drivers and exporters by entry point."""

from ._protocols import DriverProtocol, ExporterProtocol, ReaderProtocol, TechniqueProtocol
from ._registry import (
    GROUPS,
    PluginInfo,
    drivers,
    exporters,
    get,
    load_group,
    plugin_infos,
    readers,
    register,
    step,
    steps,
    technique,
    techniques,
    unregister,
)

__all__ = [
    "GROUPS",
    "DriverProtocol",
    "ExporterProtocol",
    "PluginInfo",
    "ReaderProtocol",
    "TechniqueProtocol",
    "drivers",
    "exporters",
    "get",
    "load_group",
    "plugin_infos",
    "readers",
    "register",
    "step",
    "steps",
    "technique",
    "techniques",
    "unregister",
]
