"""The one exception tree of instrumentarium.

Every error the package raises on purpose derives from :class:`InstrumentariumError`.
Leaves also inherit the matching builtin, so ``except ValueError`` keeps working for
callers who do not know about this package.
"""

from __future__ import annotations

__all__ = [
    "InstrumentariumError",
    "FormatError",
    "TruncatedFileError",
    "MissingParameterError",
    "UnknownFormatError",
    "UnknownStepError",
    "UnknownTechniqueError",
    "ProcessingError",
    "RecipeError",
    "PluginError",
    "CatalogError",
    "InstrumentariumWarning",
]


class InstrumentariumError(Exception):
    """Base class of every error raised by instrumentarium."""


class FormatError(InstrumentariumError, ValueError):
    """A file is not what its reader expects: wrong, corrupt or inconsistent content.

    Parameters
    ----------
    message
        What is wrong, in words a user can act on.
    path
        The file (or folder) concerned, named in the message.
    """

    def __init__(self, message: str, *, path: object | None = None) -> None:
        self.path = None if path is None else str(path)
        super().__init__(f"{self.path}: {message}" if self.path else message)


class TruncatedFileError(FormatError):
    """A file ends before the data its header announces."""


class MissingParameterError(FormatError, KeyError):
    """A parameter the reader needs is absent from the vendor's parameter files."""

    def __str__(self) -> str:  # KeyError would quote the message
        return Exception.__str__(self)


class UnknownFormatError(InstrumentariumError, ValueError):
    """No registered reader claims a path.

    Attributes
    ----------
    tried
        Names of the readers that were asked.
    """

    def __init__(self, path: object, tried: list[str] | tuple[str, ...]) -> None:
        self.path = str(path)
        self.tried = tuple(tried)
        names = ", ".join(self.tried) if self.tried else "none registered"
        super().__init__(
            f"{self.path}: no reader recognises this file or folder (tried: {names}); "
            "run `instrumentarium formats` to see what can be read"
        )


class UnknownStepError(InstrumentariumError, LookupError):
    """A recipe names a processing step that is not registered."""


class UnknownTechniqueError(InstrumentariumError, LookupError):
    """A measurement's technique has no registered technique plugin."""


class ProcessingError(InstrumentariumError, ValueError):
    """A processing step cannot be applied to this measurement."""


class RecipeError(InstrumentariumError, ValueError):
    """A recipe is malformed (bad JSON, unknown keys, wrong parameter types)."""


class PluginError(InstrumentariumError, RuntimeError):
    """A plugin entry point cannot be loaded or does not have the expected shape."""


class CatalogError(InstrumentariumError, RuntimeError):
    """The catalog cannot do what was asked (bad URL, missing record, failed write)."""


class InstrumentariumWarning(UserWarning):
    """A suspicious but usable input; the warning is also recorded in the result."""
