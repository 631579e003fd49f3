"""Typed results of phase identification (serialised to JSON and NeXus by the model)."""

from __future__ import annotations

from dataclasses import dataclass

from ...model import register_record

__all__ = ["Candidate", "Identification", "ObservedPeak", "PhaseMatch"]


@register_record("xrd.phase.peak")
@dataclass(frozen=True)
class ObservedPeak:
    """A peak of the measured pattern; ``explained_by`` names the phases with a line there."""

    two_theta_deg: float
    d_angstrom: float
    height: float
    explained_by: tuple[str, ...] = ()


@register_record("xrd.phase.candidate")
@dataclass(frozen=True)
class Candidate:
    """A ranked reference phase (accepted or alternative).

    ``score`` (0–1) combines the reference lines found in the pattern (``lines_found``,
    intensity-weighted), the pattern intensity they explain (``pattern_explained``) and, when
    the candidate went through the whole-profile check, the drop of the weighted profile
    residual it brings (``profile_gain``).
    """

    name: str
    formula: str
    space_group: str
    score: float
    reference_id: int
    lines_found: float
    pattern_explained: float
    profile_gain: float | None = None
    alternative_to: str | None = None


@register_record("xrd.phase.match")
@dataclass(frozen=True)
class PhaseMatch:
    """An accepted phase with its semi-quantitative weight fraction (RIR method, 0–1).

    ``stick_two_theta_deg``/``stick_intensity`` are its Kα1 lines as fitted (lattice scale and
    zero shift applied; integrated intensity in the pattern's units), for overlays in reports.
    """

    name: str
    formula: str
    space_group: str
    score: float
    weight_fraction: float
    reference_id: int
    rir: float
    scale: float
    d_scale: float
    zero_shift_deg: float
    lines_found: float
    alternatives: tuple[str, ...] = ()
    stick_two_theta_deg: tuple[float, ...] = ()
    stick_intensity: tuple[float, ...] = ()


@register_record("xrd.phase.identification")
@dataclass(frozen=True)
class Identification:
    """The outcome of search-match on one pattern.

    ``phases`` is the accepted set, ``candidates`` the ranked alternatives, ``rwp`` the
    weighted profile residual of the accepted set against the background-subtracted pattern,
    ``explained_fraction`` the share of the net pattern intensity the phases account for.
    """

    phases: tuple[PhaseMatch, ...]
    candidates: tuple[Candidate, ...]
    peaks: tuple[ObservedPeak, ...]
    unexplained_peaks: tuple[ObservedPeak, ...]
    rwp: float
    explained_fraction: float
    wavelength_angstrom: float
    n_references: int
    database: str
    confidence: float
