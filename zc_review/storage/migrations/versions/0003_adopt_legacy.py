"""Adopt the first importer's tables (``importedbundle``, ``importedresult``) into the archive's schema.

An archive made before the migrations (``create_all`` of the first importer, no Alembic revision) holds one
``importedbundle`` row per session — with ``results_json``, the verified raw record — and one
``importedresult`` row per applicant. This revision copies every session and result into
``archive_session`` / ``archive_result``: each column the old tables had is carried over as it was; what
they lacked is taken from the record the old importer verified and kept (``results_json`` → ``session``:
organizing body, series, title level, year, date; each applicant's group id and target title; ``declared``
→ rank; ``opinions``). ``imported_by`` was not recorded: ``"—"``. The sealed bundle was not kept: ``bundle``
is NULL until the same bundle is imported again (``office import`` then fills it in; the evidence extract and
the filing pack ask for it). Then the old tables are dropped: the plain record names the reviewers next to
their scores, which the archive never holds (RULES.md §1). On a database without the old tables nothing
happens. One transaction: a failure leaves the old tables as they were.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

#: the first importer's tables (``storage.archive.LEGACY_TABLES``)
LEGACY = ('importedbundle', 'importedresult')


def _aware(value: Any) -> datetime:
    moment: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def upgrade() -> None:
    """Copy the old tables' sessions and results into the archive's tables, then drop the old tables."""
    bind = op.get_bind()
    tables = set(sa.inspect(bind).get_table_names())
    if not set(LEGACY) <= tables:
        return
    meta = sa.MetaData()
    old_b = sa.Table('importedbundle', meta, autoload_with=bind)
    old_r = sa.Table('importedresult', meta, autoload_with=bind)
    new_s = sa.Table('archive_session', meta, autoload_with=bind)
    new_r = sa.Table('archive_result', meta, autoload_with=bind)
    records: dict[str, dict[str, Any]] = {}
    for b in bind.execute(sa.select(old_b)).mappings():
        record = json.loads(b['results_json'])
        defn = record['session']
        records[b['session_id']] = record
        bind.execute(new_s.insert().values(
            session_id=b['session_id'], bundle_sha256=b['bundle_sha256'], package_id=b['package_id'],
            committee_name=b['committee_name'], organizing_body=defn['organizing_body'], series=defn['series'],
            title_level=defn['title_level'], year=int(defn['year']),
            scheduled_date=date.fromisoformat(defn['scheduled_date']), rehearsal=bool(b['rehearsal']),
            applicants=b['applicants'], passed=b['passed'], log_head=b['log_head'],
            imported_at=_aware(b['imported_at']), imported_by='—', bundle=None))
    for r in bind.execute(sa.select(old_r)).mappings():
        record = records[r['session_id']]
        applicant = next(a for a in record['session']['applicants'] if a['id'] == r['applicant_id'])
        declared = record.get('declared', {}).get('applicants', {}).get(r['applicant_id'], {})
        bind.execute(new_r.insert().values(
            session_id=r['session_id'], applicant_id=r['applicant_id'], code=r['code'], name=r['name'],
            employer=r['employer'], group_id=applicant['group_id'],
            group_name=r['group_name'], target_title=applicant.get('dossier', {}).get('target_title', ''),
            composite=r['composite'], rank=declared.get('rank'), agree=r['agree'], disagree=r['disagree'],
            abstain=r['abstain'], outcome=r['outcome'], opinion=record.get('opinions', {}).get(r['applicant_id'], ''),
            reason=r['reason'] or '', guidance=r['guidance'] or '', person_key=None))
    op.drop_table('importedresult')
    op.drop_table('importedbundle')


def downgrade() -> None:
    """Nothing to undo: the old tables' data now lives in the archive's tables (the record is not rebuilt)."""
