"""Synthetic line lists and dev-set spectra shared by the processing tests."""

from __future__ import annotations

#: a CDCl3 sample: solute lines and the CHCl3 singlet at 7.26 (ppm, height, width Hz)
CDCL3_LINES = [
    (8.1, 0.6, 1.2),
    (7.26, 1.0, 1.0),
    (7.1, 0.8, 1.0),
    (3.7, 1.5, 1.5),
    (3.65, 1.4, 1.5),
    (2.1, 3.0, 1.0),
    (1.25, 2.0, 1.2),
    (0.9, 2.5, 1.2),
]

DEV = "nmr/nmr_dev_v1"

#: the TopSpin-processed 1D folders of the dev set (1r + 1i), 1H, 13C and 31P
TOPSPIN_PDATA = [
    f"{DEV}/d01_bruker_1H_300MHz_aspirin_CDCl3/1/pdata/1",
    f"{DEV}/d02_bruker_1H_500MHz_cyclosporin_C6D6/1/pdata/1",
    f"{DEV}/d05_bruker_1H_500MHz_menthol_CDCl3_nmredata/AN-menthol/10/pdata/1",
    f"{DEV}/d06_bruker_13C_151MHz_nmrpy_H2O/1/pdata/1",
    f"{DEV}/d07_bruker_31P_243MHz_nmrpy_H2O/2/pdata/1",
    f"{DEV}/d08_bruker_1H_600MHz_presat_nmrpy_H2O/3/pdata/1",
    f"{DEV}/d09_bruker_1H_400MHz_noesy1d_coffee_extract/22/pdata/1",
]
