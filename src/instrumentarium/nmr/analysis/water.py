"""The water line inside a compound range: recognised, and integrated apart from the compound.

In DMSO-d6 the H2O/HDO line (3.33 ppm) sits among the sugar protons of a glycoside, in
CD3OD (4.87) among anomeric protons: the lines are grouped into one range, whose strongest
line is the water's. Such a range cannot simply be called the water's (it holds the
compound's multiplets) nor the compound's (the water would count as many protons, d12 rutin:
``3.39-3.18 (m, 15H)`` for about 7 sugar CH). The water line is taken out of the range when
all of the following hold; the last three are properties no line of the compound's
first-order multiplets has:

- it is at the table shift of water in the solvent (Gottlieb, Kotlyar and Nudelman, J. Org.
  Chem. 62, 7512 (1997); Fulmer et al., Organometallics 29, 2176 (2010); :mod:`.impurities`)
  and is the range's strongest line;
- it is more than twice as tall as any other line of the range (that one less the water
  line's tail): within a first-order multiplet no line exceeds twice the next (binomial
  intensities: the centre of a triplet is the extreme case), so such a line is no line of a
  multiplet sharing the range;
- it is broader than the spectrum's typical line: water exchanges with the sample's OH/NH
  protons, and exchange broadens its line (Bain, Prog. Nucl. Magn. Reson. Spectrosc. 43, 63
  (2003)), while a multiplet's lines share the spectrum's linewidth; and
- its pseudo-Voigt line, fitted together with the range's other lines over the whole range
  (:func:`refit_range`), lies under the spectrum: what is left after subtracting it nowhere
  dips below the baseline. A line that is really a cluster of multiplet lines (menthol's
  1.64 ppm lines on CDCl3's 1.56 water shift) leaves holes.

The compound range then keeps its limits and integrates what is left (the water line's area
inside them is subtracted, like any neighbour's: :func:`.ranges.fraction_inside`); the water
gets its own range, the fitted line's area. A compound line hidden under the water line (no
maximum of its own) is not in the fit: its area is shared out between the water and its
neighbours, not known. A line the compound's pattern explains (aspirin's
H5 triplet on CDCl3's 7.26 line) is never taken: it is no water line, and no line of a triplet
is more than twice its neighbours.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .peaks import PickedLine, fit_lines, pseudo_voigt

__all__ = ["refit_range", "water_line", "without_line"]


def water_line(
    group: Sequence[int],
    lines: Sequence[PickedLine],
    kinds: Sequence[str],
    width_hz: np.ndarray,
    y: np.ndarray,
    limits: tuple[float, float],
    *,
    typical_width_hz: float,
    taller: float = 2.2,
    broader: float = 1.5,
    undershoot: float = 0.05,
) -> tuple[int, PickedLine] | None:
    """Return the water line to integrate apart from the range ``group``: its index and its line.

    The line returned is refitted with the range's other lines (:func:`refit_range`); None when
    the range holds no such line.

    Parameters
    ----------
    group
        The range's line indices (into ``lines``, ``kinds``, ``apex_height``, ``width_hz``).
    lines
        Every picked line, with its fitted pseudo-Voigt position, height, FWHM (points) and eta.
    kinds
        Each line's classification by shift (:func:`.impurities.classify_shift`).
    width_hz
        Each line's fitted FWHM in Hz.
    y
        The baseline-corrected spectrum the lines were picked on.
    limits
        The range's limits (points of ``y``).
    typical_width_hz
        The spectrum's median linewidth.
    taller
        The water line is at least this many times taller than the range's next line, both
        measured on the spectrum at their apex, the next one less the water line's tail (2 is
        the most a first-order multiplet line exceeds its next; 10 % margin).
    broader
        The water line is at least this many times broader than the typical line.
    undershoot
        The spectrum less the water line may dip below zero by this fraction of its height
        (lineshape mismatch), no more.
    """
    if len(group) < 2:
        return None
    top = max(group, key=lambda k: lines[k].height)
    if kinds[top] != "water":
        return None
    if width_hz[top] < broader * typical_width_hz:
        return None
    i0, i1 = int(max(0, np.floor(limits[0]))), int(min(len(y), np.ceil(limits[1]) + 1))
    fitted = refit_range(y, [lines[k] for k in group], (i0, i1))
    water = fitted[list(group).index(top)]
    rest = without_line(y, water)

    def at_apex(values: np.ndarray, ln: PickedLine) -> float:
        x = ln.apex if np.isfinite(ln.apex) else ln.position
        return float(np.interp(x, np.arange(len(values), dtype=float), values))

    others = max(at_apex(rest, lines[k]) for k in group if k != top)
    if at_apex(y, lines[top]) < taller * others:
        return None
    if float(np.min(rest[i0:i1])) < -undershoot * water.height:
        return None
    return top, water


def refit_range(y: np.ndarray, lines: Sequence[PickedLine], span: tuple[int, int]) -> list[PickedLine]:
    """Fit the range's lines together to the whole range ``span`` (points ``i0:i1`` of ``y``).

    The peak picker fits overlapping lines a few widths around them (:func:`.peaks.pick_lines`);
    a broad line under a range of sharp ones needs the whole range, tails included, to be
    told apart from them. The same pseudo-Voigt fit (:func:`.peaks.fit_lines`, no baseline
    offset: the baseline is already removed) over the whole range; the picked lines when the
    fit fails.
    """
    return fit_lines(y, list(lines), span)


def without_line(y: np.ndarray, line: PickedLine) -> np.ndarray:
    """Return a copy of ``y`` less the fitted pseudo-Voigt ``line`` (positions in points of ``y``)."""
    return y - pseudo_voigt(np.arange(len(y), dtype=float), line.position, line.height, line.fwhm, line.eta)
