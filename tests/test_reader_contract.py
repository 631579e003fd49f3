"""Every registered reader, built-in or installed plugin, passes the reader contract."""

import pytest

from instrumentarium import plugins
from instrumentarium.testing import (
    check_bad_bytes,
    check_examples,
    check_reader_attributes,
    check_sniff_foreign,
)

READERS = sorted(plugins.readers())
BUILTIN = {i.name for i in plugins.plugin_infos()
           if i.group == "instrumentarium.readers" and i.distribution == "instrumentarium"}


@pytest.mark.parametrize("name", READERS)
def test_reader_contract(name, tmp_path):
    reader = plugins.readers()[name]
    check_reader_attributes(reader)
    check_sniff_foreign(reader, tmp_path / "foreign")
    folder = tmp_path / "examples"
    folder.mkdir()
    examples = reader.examples(folder) if hasattr(reader, "examples") else []
    if name in BUILTIN:
        assert examples, f"built-in reader {name!r} must provide examples() for the contract"
    if not examples:
        pytest.skip(f"reader {name!r} provides no example files")
    check_examples(reader, examples)
    check_bad_bytes(reader, examples, tmp_path / "damaged")


def test_every_builtin_reader_is_covered():
    assert "nexus" in BUILTIN and set(BUILTIN) <= set(READERS)
