"""Contract tests for plugin authors; every built-in passes them too."""

from ._reader_contract import (
    ReaderContract,
    check_bad_bytes,
    check_examples,
    check_reader_attributes,
    check_sniff_foreign,
    foreign_files,
    validate_measurement,
)

__all__ = [
    "ReaderContract",
    "check_bad_bytes",
    "check_examples",
    "check_reader_attributes",
    "check_sniff_foreign",
    "foreign_files",
    "validate_measurement",
]
