"""The data model: Measurement, Axis, metadata, provenance, results, errors. No I/O."""

from ._acquisition import Acquisition, NMRAcquisition, NMRDimension, XRDAcquisition
from ._axis import Axis, frozen_array
from ._errors import (
    CatalogError,
    FormatError,
    InstrumentariumError,
    InstrumentariumWarning,
    MissingParameterError,
    PluginError,
    ProcessingError,
    RecipeError,
    TruncatedFileError,
    UnknownFormatError,
    UnknownStepError,
    UnknownTechniqueError,
)
from ._measurement import Measurement
from ._metadata import Instrument, ProvenanceStep, Sample, Source, sha256_file
from ._serialize import (
    GenericRecord,
    from_jsonable,
    record_types,
    register_record,
    to_jsonable,
    to_plain,
)

__all__ = [
    "Acquisition",
    "Axis",
    "CatalogError",
    "FormatError",
    "GenericRecord",
    "Instrument",
    "InstrumentariumError",
    "InstrumentariumWarning",
    "Measurement",
    "MissingParameterError",
    "NMRAcquisition",
    "NMRDimension",
    "PluginError",
    "ProcessingError",
    "ProvenanceStep",
    "RecipeError",
    "Sample",
    "Source",
    "TruncatedFileError",
    "UnknownFormatError",
    "UnknownStepError",
    "UnknownTechniqueError",
    "XRDAcquisition",
    "from_jsonable",
    "frozen_array",
    "record_types",
    "register_record",
    "sha256_file",
    "to_jsonable",
    "to_plain",
]
