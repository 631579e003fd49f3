"""The catalog schema: SQLAlchemy 2 declarative models.

The tables follow what a facility asks of its archive:

``datasets``
    One row per raw dataset found on disk (a vendor file, or a vendor folder such as a
    Bruker experiment), keyed by ``sha256`` over its files; the identity of the raw data.
``raw_files``
    Every file of a dataset with its path, size and sha256 (never modified by us).
``instruments``, ``samples``
    De-duplicated by a canonical ``key`` over their fields.
``measurements``
    One row per measurement (scan) of a dataset, with queryable columns for the common
    acquisition keys (nucleus, solvent, frequency, wavelength, acquired_at...) and the
    whole typed acquisition as JSON.
``processing_runs``
    One row per (dataset, scan, ingest key): recipe JSON, recipe key, package version,
    provenance, status (``ok``/``failed``), error and the ``.nxs`` path in the store.
``peaks``, ``multiplets``, ``phases``, ``metrics``, ``results``
    The analysis results as queryable rows (position + unit, name/formula/fraction,
    scalar QC values), plus every result as JSON in ``results`` so nothing is lost.

Unique constraints make a rerun or a resumed ingest unable to create duplicates.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = [
    "Base",
    "Dataset",
    "RawFile",
    "InstrumentRow",
    "SampleRow",
    "MeasurementRow",
    "ProcessingRun",
    "PeakRow",
    "MultipletRow",
    "PhaseRow",
    "MetricRow",
    "ResultRow",
]

# stable constraint names, so that Alembic migrations can refer to them on every backend
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _utcnow() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC)


class Base(DeclarativeBase):
    """Declarative base of the catalog tables."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar = {dict[str, Any]: JSON, list[Any]: JSON}


class Dataset(Base):
    """A raw dataset on disk: one vendor file or one vendor folder."""

    __tablename__ = "datasets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    path: Mapped[str] = mapped_column(Text)
    is_folder: Mapped[bool] = mapped_column(default=False)
    reader: Mapped[str | None] = mapped_column(String(64))
    n_files: Mapped[int] = mapped_column(Integer, default=0)
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    first_seen: Mapped[_dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)

    files: Mapped[list[RawFile]] = relationship(back_populates="dataset", cascade="all, delete-orphan")
    measurements: Mapped[list[MeasurementRow]] = relationship(back_populates="dataset")


class RawFile(Base):
    """One raw file of a dataset: path, size, sha256, modification time."""

    __tablename__ = "raw_files"
    __table_args__ = (UniqueConstraint("dataset_id", "path"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(Text, index=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    mtime_ns: Mapped[int | None] = mapped_column(BigInteger)

    dataset: Mapped[Dataset] = relationship(back_populates="files")


class InstrumentRow(Base):
    """An instrument as the files describe it (vendor, model, serial, name, software)."""

    __tablename__ = "instruments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    vendor: Mapped[str | None] = mapped_column(String(200))
    model: Mapped[str | None] = mapped_column(String(200))
    serial: Mapped[str | None] = mapped_column(String(200))
    name: Mapped[str | None] = mapped_column(String(200))
    software: Mapped[str | None] = mapped_column(String(200))


class SampleRow(Base):
    """A sample as the files describe it."""

    __tablename__ = "samples"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    formula: Mapped[str | None] = mapped_column(String(400))


class MeasurementRow(Base):
    """One measurement (scan) of a dataset with its searchable acquisition metadata."""

    __tablename__ = "measurements"
    __table_args__ = (UniqueConstraint("dataset_id", "scan_index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"), index=True)
    scan_index: Mapped[int] = mapped_column(Integer, default=0)
    technique: Mapped[str] = mapped_column(String(32), index=True)
    reader: Mapped[str | None] = mapped_column(String(64))
    format: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(Text)
    acquired_at: Mapped[_dt.datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    nucleus: Mapped[str | None] = mapped_column(String(16), index=True)
    solvent: Mapped[str | None] = mapped_column(String(64), index=True)
    frequency_mhz: Mapped[float | None] = mapped_column(Float)
    pulse_program: Mapped[str | None] = mapped_column(String(128))
    temperature_k: Mapped[float | None] = mapped_column(Float)
    wavelength_angstrom: Mapped[float | None] = mapped_column(Float)
    anode: Mapped[str | None] = mapped_column(String(16))
    shape: Mapped[list[Any]] = mapped_column(JSON, default=list)
    acquisition: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    source: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    warnings: Mapped[list[Any]] = mapped_column(JSON, default=list)
    instrument_id: Mapped[int | None] = mapped_column(ForeignKey("instruments.id"), index=True)
    sample_id: Mapped[int | None] = mapped_column(ForeignKey("samples.id"), index=True)
    created_at: Mapped[_dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)

    dataset: Mapped[Dataset] = relationship(back_populates="measurements")
    instrument: Mapped[InstrumentRow | None] = relationship()
    sample: Mapped[SampleRow | None] = relationship()
    runs: Mapped[list[ProcessingRun]] = relationship(back_populates="measurement")


class ProcessingRun(Base):
    """One ingest of one scan of a dataset with one recipe: what was done and how it went.

    ``ingest_key`` is the recipe version asked for (``sha256`` of the recipe request and
    the package version): with the dataset's sha256 and the scan it is the idempotence key.
    ``recipe_key`` is the fingerprint of the recipe actually run (``Recipe.fingerprint``).
    A failed read has no measurement and ``scan_index`` 0.
    """

    __tablename__ = "processing_runs"
    __table_args__ = (UniqueConstraint("dataset_id", "scan_index", "ingest_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"), index=True)
    scan_index: Mapped[int] = mapped_column(Integer, default=0)
    measurement_id: Mapped[int | None] = mapped_column(
        ForeignKey("measurements.id", ondelete="CASCADE"), index=True
    )
    ingest_key: Mapped[str] = mapped_column(String(64))
    recipe_request: Mapped[str] = mapped_column(String(64), default="auto")
    recipe_key: Mapped[str | None] = mapped_column(String(64))
    recipe: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    package_version: Mapped[str] = mapped_column(String(32))
    provenance: Mapped[list[Any]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), index=True)
    stage: Mapped[str | None] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)
    nxs_path: Mapped[str | None] = mapped_column(Text)
    duration_s: Mapped[float | None] = mapped_column(Float)
    finished_at: Mapped[_dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)

    measurement: Mapped[MeasurementRow | None] = relationship(back_populates="runs")


class _ResultMixin:
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("processing_runs.id", ondelete="CASCADE"), index=True)
    measurement_id: Mapped[int] = mapped_column(ForeignKey("measurements.id", ondelete="CASCADE"), index=True)
    result: Mapped[str] = mapped_column(String(128))


class PeakRow(_ResultMixin, Base):
    """A peak: position with its unit (``ppm`` or ``deg`` 2θ), intensity, width."""

    __tablename__ = "peaks"
    __table_args__ = (Index("ix_peaks_unit_position", "unit", "position"),)

    position: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(16))
    intensity: Mapped[float | None] = mapped_column(Float)
    width: Mapped[float | None] = mapped_column(Float)
    label: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class MultipletRow(_ResultMixin, Base):
    """An NMR multiplet: centre (ppm), multiplicity letters, couplings, proton count."""

    __tablename__ = "multiplets"

    center_ppm: Mapped[float | None] = mapped_column(Float, index=True)
    multiplicity: Mapped[str | None] = mapped_column(String(32))
    j_hz: Mapped[list[Any]] = mapped_column(JSON, default=list)
    n_h: Mapped[float | None] = mapped_column(Float)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class PhaseRow(_ResultMixin, Base):
    """A crystalline phase identified in a pattern."""

    __tablename__ = "phases"

    name: Mapped[str | None] = mapped_column(String(400), index=True)
    formula: Mapped[str | None] = mapped_column(String(400), index=True)
    weight_fraction: Mapped[float | None] = mapped_column(Float)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class MetricRow(_ResultMixin, Base):
    """A scalar result or QC metric (``analysis.noise``, ``qc.snr``...)."""

    __tablename__ = "metrics"
    __table_args__ = (Index("ix_metrics_name_value", "name", "value"),)

    name: Mapped[str] = mapped_column(String(200))
    value: Mapped[float | None] = mapped_column(Float)
    text: Mapped[str | None] = mapped_column(Text)


class ResultRow(_ResultMixin, Base):
    """Every named result of a run as plain JSON (the queryable tables are derived from it)."""

    __tablename__ = "results"

    type_name: Mapped[str | None] = mapped_column(String(128))
    data: Mapped[Any] = mapped_column(JSON)
