"""NMR readers: one module per vendor format.

Conventions every NMR reader follows (processing and analysis rely on them)
--------------------------------------------------------------------------
- ``technique = "nmr"``.
- **Raw 1D FID**: complex 1-D signal *as stored* (digital-filter / group-delay points are
  NOT removed, nothing is scaled), axis ``Axis("time", "s", arange(n) / sw_hz)``.
- **Frequency sense**: ``fftshift(fft(fid))`` runs from low to high frequency (= ppm), as
  for Bruker data, so one processing pipeline serves every vendor (reverse it for TopSpin's
  high-to-low order). Vendors that store the other sense are conjugated by their reader
  (Magritek Spinsolve, Varian/Agilent VnmrJ). Checked against the vendor's own spectrum for
  Bruker, JEOL and Magritek, and on a known compound for Nanalysis; Varian follows NMRPy's
  handling of VnmrJ data (no VnmrJ spectrum in the dev set to check against).
- :class:`~instrumentarium.model.NMRAcquisition` filled as far as the files say: ``nucleus``
  (``"1H"``, ``"13C"``), ``spectrometer_frequency_mhz`` (Bruker SFO1), ``base_frequency_mhz``
  (BF1), ``spectral_width_hz``, ``carrier_ppm`` (O1/BF1 or the vendor's equivalent),
  ``n_points`` (complex points), ``n_scans``, ``n_dummy_scans``, ``pulse_program``, ``solvent``
  (as written), ``temperature_k``, ``probe``, ``receiver_gain``, ``relaxation_delay_s``,
  ``acquired_at`` (timezone-aware), ``group_delay_points`` (Bruker GRPDLY when > 0, else the
  DSPFVS/DECIM table, fractional; 0 for analogue-filtered and Varian data).
- ``Instrument(vendor=..., model=..., software=...)``, ``Sample(name=...)`` where known,
  ``Source.from_files(...)`` with every file read.
- ``raw_parameters``: the vendor's parameters untouched (JSON-compatible), keyed by file:
  Bruker ``{"acqus", "acqu2s", "procs", "proc2s"}`` (procs from ``pdata/1`` when present),
  Varian ``{"procpar"}``, JCAMP-DX ``{"jcamp"}``, JEOL ``{"jeol"}``, Spinsolve ``{"acqu.par"}``.
- **Processed spectrum** (Bruker ``pdata/N`` with 1r[/1i], JCAMP spectra, Spinsolve
  spectrum.1d): complex when an imaginary part exists, else real; axis
  ``Axis("chemical_shift", "ppm", values)`` with index 0 = highest ppm (as TopSpin stores 1r);
  Bruker 1r/1i are scaled by ``2**NC_proc``.
- **2D**: signal 2-D, ``axes[0]`` the indirect dimension (``Axis("time_f1", "s", ...)`` for a
  raw ser, ``Axis("delay", "s", vdlist)`` for pseudo-2D), ``axes[1] = Axis("time", "s", ...)``;
  processed 2D: ``chemical_shift_f1``, ``chemical_shift``. ``NMRAcquisition.indirect`` holds
  one :class:`~instrumentarium.model.NMRDimension` per indirect dimension.
- Reading an experiment folder gives the raw FID; reading ``.../pdata/N`` gives the vendor's
  processed spectrum; the path of the ``fid``/``ser``/``acqus`` file itself means the experiment.
- Vendor-library warnings are recorded in ``Measurement.warnings``; vendor-library exceptions
  become :class:`~instrumentarium.model.FormatError` (``TruncatedFileError`` for short data,
  ``MissingParameterError`` for missing parameter files) naming the file and the problem.
"""

from .bruker import BrukerReader
from .bruker_processed import BrukerProcessedReader
from .jcamp import JcampNMRReader
from .jeol import JeolReader
from .nmrml import NmrmlReader
from .spinsolve import SpinsolveReader
from .varian import VarianReader

__all__ = [
    "BrukerReader",
    "BrukerProcessedReader",
    "JcampNMRReader",
    "JeolReader",
    "NmrmlReader",
    "SpinsolveReader",
    "VarianReader",
]
