"""The proton unit: integrals to whole numbers of protons."""

from __future__ import annotations

import numpy as np
import pytest

from instrumentarium.nmr.analysis.ranges import proton_unit


def test_whole_numbers_give_the_largest_consistent_unit() -> None:
    assert proton_unit(np.array([3.02, 1.98, 2.01, 0.99]) * 7.0) == pytest.approx(0.99 * 7.0, rel=0.03)
    assert proton_unit(np.array([2.0, 3.0])) == pytest.approx(1.0)  # ethyl: no 1H range, nothing better


def test_one_overlapped_range_does_not_halve_the_unit() -> None:
    # menthol-like: six 1H ranges, one 2H, one 4H, one overlapped group of 8.5H (methyls + CH2 lines)
    a = np.array([0.94, 0.93, 0.91, 2.27, 0.9, 0.92, 7.71, 3.68, 1.0]) * 50.0
    u = proton_unit(a)
    assert np.rint(a / u).tolist() == [1, 1, 1, 2, 1, 1, 8, 4, 1]


def test_a_real_half_proton_pattern_keeps_its_smaller_unit() -> None:
    # 1H ranges present at the smaller unit: a 1.5 ratio is real (e.g. 2H vs 3H), not an overlap
    a = np.array([1.0, 1.0, 2.0, 3.0, 2.0, 6.0])
    assert proton_unit(a) == pytest.approx(1.0)
    # a range that fits no unit stays the least-error choice
    assert np.rint(np.array([2.0, 4.0, 6.0, 3.0]) / proton_unit(np.array([2.0, 4.0, 6.0, 3.0]))).min() >= 1
