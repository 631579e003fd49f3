"""initial catalog schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-24 01:56:04.545160
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('datasets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('is_folder', sa.Boolean(), nullable=False),
    sa.Column('reader', sa.String(length=64), nullable=True),
    sa.Column('n_files', sa.Integer(), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_datasets')),
    sa.UniqueConstraint('sha256', name=op.f('uq_datasets_sha256'))
    )
    op.create_table('instruments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('vendor', sa.String(length=200), nullable=True),
    sa.Column('model', sa.String(length=200), nullable=True),
    sa.Column('serial', sa.String(length=200), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('software', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instruments')),
    sa.UniqueConstraint('key', name=op.f('uq_instruments_key'))
    )
    op.create_table('samples',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.Text(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('formula', sa.String(length=400), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_samples')),
    sa.UniqueConstraint('key', name=op.f('uq_samples_key'))
    )
    op.create_table('measurements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dataset_id', sa.Integer(), nullable=False),
    sa.Column('scan_index', sa.Integer(), nullable=False),
    sa.Column('technique', sa.String(length=32), nullable=False),
    sa.Column('reader', sa.String(length=64), nullable=True),
    sa.Column('format', sa.String(length=64), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('acquired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('nucleus', sa.String(length=16), nullable=True),
    sa.Column('solvent', sa.String(length=64), nullable=True),
    sa.Column('frequency_mhz', sa.Float(), nullable=True),
    sa.Column('pulse_program', sa.String(length=128), nullable=True),
    sa.Column('temperature_k', sa.Float(), nullable=True),
    sa.Column('wavelength_angstrom', sa.Float(), nullable=True),
    sa.Column('anode', sa.String(length=16), nullable=True),
    sa.Column('shape', sa.JSON(), nullable=False),
    sa.Column('acquisition', sa.JSON(), nullable=False),
    sa.Column('source', sa.JSON(), nullable=False),
    sa.Column('warnings', sa.JSON(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=True),
    sa.Column('sample_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], name=op.f('fk_measurements_dataset_id_datasets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['instrument_id'], ['instruments.id'], name=op.f('fk_measurements_instrument_id_instruments')),
    sa.ForeignKeyConstraint(['sample_id'], ['samples.id'], name=op.f('fk_measurements_sample_id_samples')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measurements')),
    sa.UniqueConstraint('dataset_id', 'scan_index', name=op.f('uq_measurements_dataset_id'))
    )
    with op.batch_alter_table('measurements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measurements_acquired_at'), ['acquired_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_measurements_dataset_id'), ['dataset_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_measurements_instrument_id'), ['instrument_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_measurements_nucleus'), ['nucleus'], unique=False)
        batch_op.create_index(batch_op.f('ix_measurements_sample_id'), ['sample_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_measurements_solvent'), ['solvent'], unique=False)
        batch_op.create_index(batch_op.f('ix_measurements_technique'), ['technique'], unique=False)

    op.create_table('raw_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dataset_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('mtime_ns', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], name=op.f('fk_raw_files_dataset_id_datasets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_raw_files')),
    sa.UniqueConstraint('dataset_id', 'path', name=op.f('uq_raw_files_dataset_id'))
    )
    with op.batch_alter_table('raw_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_raw_files_dataset_id'), ['dataset_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_raw_files_path'), ['path'], unique=False)
        batch_op.create_index(batch_op.f('ix_raw_files_sha256'), ['sha256'], unique=False)

    op.create_table('processing_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dataset_id', sa.Integer(), nullable=False),
    sa.Column('scan_index', sa.Integer(), nullable=False),
    sa.Column('measurement_id', sa.Integer(), nullable=True),
    sa.Column('ingest_key', sa.String(length=64), nullable=False),
    sa.Column('recipe_request', sa.String(length=64), nullable=False),
    sa.Column('recipe_key', sa.String(length=64), nullable=True),
    sa.Column('recipe', sa.JSON(), nullable=True),
    sa.Column('package_version', sa.String(length=32), nullable=False),
    sa.Column('provenance', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('nxs_path', sa.Text(), nullable=True),
    sa.Column('duration_s', sa.Float(), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], name=op.f('fk_processing_runs_dataset_id_datasets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['measurement_id'], ['measurements.id'], name=op.f('fk_processing_runs_measurement_id_measurements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_processing_runs')),
    sa.UniqueConstraint('dataset_id', 'scan_index', 'ingest_key', name=op.f('uq_processing_runs_dataset_id'))
    )
    with op.batch_alter_table('processing_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_processing_runs_dataset_id'), ['dataset_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_processing_runs_measurement_id'), ['measurement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_processing_runs_status'), ['status'], unique=False)

    op.create_table('metrics',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('measurement_id', sa.Integer(), nullable=False),
    sa.Column('result', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['measurement_id'], ['measurements.id'], name=op.f('fk_metrics_measurement_id_measurements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['processing_runs.id'], name=op.f('fk_metrics_run_id_processing_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_metrics'))
    )
    with op.batch_alter_table('metrics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_metrics_measurement_id'), ['measurement_id'], unique=False)
        batch_op.create_index('ix_metrics_name_value', ['name', 'value'], unique=False)
        batch_op.create_index(batch_op.f('ix_metrics_run_id'), ['run_id'], unique=False)

    op.create_table('multiplets',
    sa.Column('center_ppm', sa.Float(), nullable=True),
    sa.Column('multiplicity', sa.String(length=32), nullable=True),
    sa.Column('j_hz', sa.JSON(), nullable=False),
    sa.Column('n_h', sa.Float(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('measurement_id', sa.Integer(), nullable=False),
    sa.Column('result', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['measurement_id'], ['measurements.id'], name=op.f('fk_multiplets_measurement_id_measurements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['processing_runs.id'], name=op.f('fk_multiplets_run_id_processing_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_multiplets'))
    )
    with op.batch_alter_table('multiplets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_multiplets_center_ppm'), ['center_ppm'], unique=False)
        batch_op.create_index(batch_op.f('ix_multiplets_measurement_id'), ['measurement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_multiplets_run_id'), ['run_id'], unique=False)

    op.create_table('peaks',
    sa.Column('position', sa.Float(), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('intensity', sa.Float(), nullable=True),
    sa.Column('width', sa.Float(), nullable=True),
    sa.Column('label', sa.String(length=200), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('measurement_id', sa.Integer(), nullable=False),
    sa.Column('result', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['measurement_id'], ['measurements.id'], name=op.f('fk_peaks_measurement_id_measurements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['processing_runs.id'], name=op.f('fk_peaks_run_id_processing_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_peaks'))
    )
    with op.batch_alter_table('peaks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_peaks_measurement_id'), ['measurement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_peaks_run_id'), ['run_id'], unique=False)
        batch_op.create_index('ix_peaks_unit_position', ['unit', 'position'], unique=False)

    op.create_table('phases',
    sa.Column('name', sa.String(length=400), nullable=True),
    sa.Column('formula', sa.String(length=400), nullable=True),
    sa.Column('weight_fraction', sa.Float(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('measurement_id', sa.Integer(), nullable=False),
    sa.Column('result', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['measurement_id'], ['measurements.id'], name=op.f('fk_phases_measurement_id_measurements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['processing_runs.id'], name=op.f('fk_phases_run_id_processing_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_phases'))
    )
    with op.batch_alter_table('phases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_phases_formula'), ['formula'], unique=False)
        batch_op.create_index(batch_op.f('ix_phases_measurement_id'), ['measurement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_phases_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_phases_run_id'), ['run_id'], unique=False)

    op.create_table('results',
    sa.Column('type_name', sa.String(length=128), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('measurement_id', sa.Integer(), nullable=False),
    sa.Column('result', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['measurement_id'], ['measurements.id'], name=op.f('fk_results_measurement_id_measurements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['processing_runs.id'], name=op.f('fk_results_run_id_processing_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_results'))
    )
    with op.batch_alter_table('results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_results_measurement_id'), ['measurement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_results_run_id'), ['run_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_results_run_id'))
        batch_op.drop_index(batch_op.f('ix_results_measurement_id'))

    op.drop_table('results')
    with op.batch_alter_table('phases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_phases_run_id'))
        batch_op.drop_index(batch_op.f('ix_phases_name'))
        batch_op.drop_index(batch_op.f('ix_phases_measurement_id'))
        batch_op.drop_index(batch_op.f('ix_phases_formula'))

    op.drop_table('phases')
    with op.batch_alter_table('peaks', schema=None) as batch_op:
        batch_op.drop_index('ix_peaks_unit_position')
        batch_op.drop_index(batch_op.f('ix_peaks_run_id'))
        batch_op.drop_index(batch_op.f('ix_peaks_measurement_id'))

    op.drop_table('peaks')
    with op.batch_alter_table('multiplets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_multiplets_run_id'))
        batch_op.drop_index(batch_op.f('ix_multiplets_measurement_id'))
        batch_op.drop_index(batch_op.f('ix_multiplets_center_ppm'))

    op.drop_table('multiplets')
    with op.batch_alter_table('metrics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_metrics_run_id'))
        batch_op.drop_index('ix_metrics_name_value')
        batch_op.drop_index(batch_op.f('ix_metrics_measurement_id'))

    op.drop_table('metrics')
    with op.batch_alter_table('processing_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_processing_runs_status'))
        batch_op.drop_index(batch_op.f('ix_processing_runs_measurement_id'))
        batch_op.drop_index(batch_op.f('ix_processing_runs_dataset_id'))

    op.drop_table('processing_runs')
    with op.batch_alter_table('raw_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_raw_files_sha256'))
        batch_op.drop_index(batch_op.f('ix_raw_files_path'))
        batch_op.drop_index(batch_op.f('ix_raw_files_dataset_id'))

    op.drop_table('raw_files')
    with op.batch_alter_table('measurements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measurements_technique'))
        batch_op.drop_index(batch_op.f('ix_measurements_solvent'))
        batch_op.drop_index(batch_op.f('ix_measurements_sample_id'))
        batch_op.drop_index(batch_op.f('ix_measurements_nucleus'))
        batch_op.drop_index(batch_op.f('ix_measurements_instrument_id'))
        batch_op.drop_index(batch_op.f('ix_measurements_dataset_id'))
        batch_op.drop_index(batch_op.f('ix_measurements_acquired_at'))

    op.drop_table('measurements')
    op.drop_table('samples')
    op.drop_table('instruments')
    op.drop_table('datasets')
