"""Powder-diffraction readers: every vendor's pattern into one kind of Measurement.

Conventions (every reader here follows them; processing and phase analysis rely on them)
----------------------------------------------------------------------------------------
* ``technique`` is ``"xrd"``.
* ``signal`` is the intensity as float64, in the unit the file holds: ``signal_unit`` is
  ``"counts"`` (counts per step) or ``"counts/s"`` (count rate) — never silently converted.
  Attenuator factors written in the file are applied (counts behind an attenuator are
  multiplied by its factor) and the reader says so in
  ``raw_parameters["reader_corrections"]``.
* One axis. A 2θ/θ or 2θ scan gives ``Axis("two_theta", "deg", values)``; another scan
  axis keeps its own name (``"omega"``, ``"chi"``...). Values are ascending: a scan
  recorded downwards is reversed.
* ``acquisition`` is an :class:`~instrumentarium.model.XRDAcquisition` filled wherever the
  file says: ``wavelength_angstrom`` (K-alpha1, or the single wavelength),
  ``wavelength2_angstrom`` (K-alpha2), ``ka2_ka1_ratio``, ``anode``, ``scan_axis`` (the
  vendor's name), ``two_theta_start_deg``/``two_theta_end_deg``/``step_deg``,
  ``time_per_step_s``, ``slit_mode`` (``"fixed"`` or ``"automatic"``),
  ``divergence_slit_deg``, ``irradiated_length_mm``, ``goniometer_radius_mm``,
  ``monochromator``, ``acquired_at`` (time-zone aware; a date without a zone is left in
  ``raw_parameters`` only), ``n_scans`` (scans in the file).
* ``sample = Sample(name=...)``, ``instrument = Instrument(vendor, model, serial)`` as the
  file says; ``raw_parameters`` holds the file's own header values, untouched
  (JSON-compatible strings, numbers and lists); ``source`` the file's sha256 and reader.
* A file with several scans (ranges) reads as a list of Measurements, one per scan:
  ``instrumentarium.read`` gives the first, ``instrumentarium.formats.read_all`` all.
* A damaged file raises :class:`~instrumentarium.model.FormatError` (or
  :class:`~instrumentarium.model.TruncatedFileError`) naming the file and what is wrong;
  a suspicious but usable one reads with a note in ``Measurement.warnings``.

Readers (registered as entry points in ``pyproject.toml``)
----------------------------------------------------------
``xrdml`` (PANalytical), ``xrd-xy`` (text columns), ``bruker-raw`` (Bruker RAW v1-v4),
``rigaku-ras`` and ``rigaku-rasx`` (Rigaku),
``gsas`` (GSAS STD/ESD/ALT/FXYE), ``pdcif`` (powder CIF),
``bruker-brml`` (Bruker BRML), ``bruker-uxd`` (Bruker UXD text).
"""

from .brml import BrmlReader
from .bruker_raw import BrukerRawReader
from .gsas import GsasReader
from .pdcif import PdCifReader
from .rigaku import RasReader, RasxReader
from .uxd import UxdReader
from .xrdml import XrdmlReader
from .xy import XYReader

__all__ = [
    "BrmlReader",
    "BrukerRawReader",
    "GsasReader",
    "PdCifReader",
    "RasReader",
    "RasxReader",
    "UxdReader",
    "XYReader",
    "XrdmlReader",
]
