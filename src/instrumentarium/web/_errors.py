"""Errors the web app answers with a specific 4xx status."""

from __future__ import annotations

from ..model import InstrumentariumError

__all__ = ["RequestError"]


class RequestError(InstrumentariumError, ValueError):
    """A request the app refuses; ``status`` is the HTTP status to answer with (4xx)."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        self.status = status
        super().__init__(message)
