"""Turn a pure function into a registered, provenance-recording processing step."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from .._version import __version__
from ..model import Measurement, ProcessingError, to_jsonable
from ..plugins import register

__all__ = ["step", "StepOutput", "SOFTWARE"]

SOFTWARE = f"instrumentarium {__version__}"
F = TypeVar("F", bound=Callable[..., Any])


class StepOutput:
    """What a step function may return to record automatic decisions.

    Parameters
    ----------
    measurement
        The new measurement.
    decisions
        What the step chose automatically (angles, model, reference...), with a
        ``confidence`` in [0, 1] where it applies. Recorded in provenance.
    warnings
        Messages recorded in the measurement (low confidence, suspicious input).
    """

    __slots__ = ("decisions", "measurement", "warnings")

    def __init__(
        self,
        measurement: Measurement,
        decisions: Mapping[str, Any] | None = None,
        warnings: tuple[str, ...] | list[str] = (),
    ) -> None:
        self.measurement = measurement
        self.decisions = dict(decisions or {})
        self.warnings = tuple(warnings)


def step(name: str, *, technique: str | None = None, manual: bool = False) -> Callable[[F], F]:
    """Register ``func(m, *, ...) -> Measurement`` as the processing step ``name``.

    The wrapped function takes the measurement first and options keyword-only, returns a
    new Measurement (or a :class:`StepOutput` to record decisions), and never changes its
    input. The wrapper appends one provenance entry with the step name, every parameter
    (defaults included, so the step can be rerun exactly), the decisions and the
    software version, and registers the step so recipes can name it.

    Parameters
    ----------
    name
        Dotted name, ``"<technique>.<step>"`` (e.g. ``"nmr.fourier_transform"``).
    technique
        If given, the step refuses measurements of another technique.
    manual
        Mark the step as a manual correction (recorded in provenance).
    """

    def deco(func: F) -> F:
        sig = inspect.signature(func)
        params = list(sig.parameters.values())
        if not params or any(
            p.kind not in (p.KEYWORD_ONLY, p.VAR_KEYWORD) for p in params[1:]
        ):
            raise TypeError(f"step {name!r}: options after the measurement must be keyword-only")

        @functools.wraps(func)
        def wrapper(m: Measurement, /, **kwargs: Any) -> Measurement:
            if not isinstance(m, Measurement):
                raise TypeError(f"step {name!r} takes a Measurement, got {type(m).__name__}")
            if technique is not None and m.technique != technique:
                raise ProcessingError(
                    f"step {name!r} is for {technique} data, not {m.technique!r}"
                )
            try:
                bound = sig.bind(m, **kwargs)
            except TypeError as exc:
                raise ProcessingError(f"step {name!r}: {exc}") from None
            bound.apply_defaults()
            parameters = {k: v for k, v in list(bound.arguments.items())[1:]}
            out = func(m, **kwargs)
            decisions: dict[str, Any] = {}
            warns: tuple[str, ...] = ()
            if isinstance(out, StepOutput):
                decisions, warns, out = out.decisions, out.warnings, out.measurement
            if not isinstance(out, Measurement):
                raise TypeError(f"step {name!r} returned {type(out).__name__}, not a Measurement")
            # parameters must be JSON-serialisable to be rerun from a recipe
            to_jsonable(parameters)
            result = out.with_step(
                name,
                parameters=parameters,
                decisions=decisions,
                software=SOFTWARE,
                manual=manual,
            )
            for w in warns:
                result = result.with_warning(f"{name}: {w}")
            return result

        wrapper.step_name = name  # type: ignore[attr-defined]
        register("steps", name, wrapper)
        return wrapper  # type: ignore[return-value]

    return deco
