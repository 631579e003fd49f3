import subprocess
import sys

import pytest

from instrumentarium import plugins
from instrumentarium.model import PluginError


def test_builtin_reader_is_registered_through_its_entry_point():
    infos = {(i.group, i.name): i for i in plugins.plugin_infos()}
    nexus = infos[("instrumentarium.readers", "nexus")]
    assert nexus.distribution == "instrumentarium" and nexus.error is None
    assert "nexus" in plugins.readers()


def test_nothing_is_loaded_at_import():
    code = (
        "import sys, instrumentarium, instrumentarium.plugins as p;"
        "print(any(m.startswith('instrumentarium.formats') for m in sys.modules), bool(p._registry._loaded))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_runtime_registration_and_lookup():
    sentinel = object()
    plugins.register("exporters", "tests-exp", sentinel)
    try:
        assert plugins.get("exporters", "tests-exp") is sentinel
    finally:
        plugins.unregister("exporters", "tests-exp")
    with pytest.raises(PluginError, match="no exporter plugin named 'tests-exp'"):
        plugins.get("exporters", "tests-exp")
    with pytest.raises(KeyError):
        plugins.register("gadgets", "x", sentinel)


def test_a_broken_plugin_is_reported_and_skipped(monkeypatch):
    import importlib.metadata as md

    from instrumentarium.model import InstrumentariumWarning
    from instrumentarium.plugins import _registry

    broken = md.EntryPoint(name="broken", value="instrumentarium_no_such_module:X", group="instrumentarium.drivers")
    monkeypatch.setattr(_registry, "_entry_points", lambda kind: [broken] if kind == "drivers" else [])
    monkeypatch.setattr(_registry, "_loaded", {})
    monkeypatch.setattr(_registry, "_errors", {})
    with pytest.warns(InstrumentariumWarning, match="failed to load"):
        assert plugins.drivers() == {}
    (info,) = [i for i in plugins.plugin_infos() if i.name == "broken"]
    assert "ModuleNotFoundError" in info.error
