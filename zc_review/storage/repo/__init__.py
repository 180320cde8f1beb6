"""The session database's queries: the only place in zc-review where SQL is written.

Every function is keyword-only and takes the open ``session`` (from ``storage.engine.transaction`` or
``storage.engine.reading``); callers above storage never import SQLModel or SQLAlchemy. Rows are the
tables of ``storage.models``. Grouped by the kind of record: ``log``, ``roll`` (attendance, credential
state, session state), ``signatures``, ``recusals``, ``sheets``, ``ballots``, ``texts`` (opinions, failure
reasons, flag explanations), ``documents`` (stored PDFs, exports).
"""

from __future__ import annotations

from zc_review.storage.repo.ballots import (
    add_round,
    add_slips,
    add_voter,
    last_round,
    open_round,
    replace_slips,
    round_by_no,
    rounds,
    slips_of_round,
    voted,
    voters_of_round,
)
from zc_review.storage.repo.common import flush, get, put
from zc_review.storage.repo.documents import (
    add_export,
    document,
    exports_newest,
    put_document,
    put_sealed_bundle,
    sealed_bundle,
)
from zc_review.storage.repo.log import add_log_entry, last_log_entry, log_entries, log_entries_of
from zc_review.storage.repo.paper import paper_sheet, paper_sheets
from zc_review.storage.repo.recusals import recusals
from zc_review.storage.repo.roll import attendance, credential_state, session_state
from zc_review.storage.repo.sheets import all_sheets, current_sheet, current_sheets, sheet_versions
from zc_review.storage.repo.signatures import conflicting_signature, signatures
from zc_review.storage.repo.texts import failure_reasons, flag_explanations, opinions

__all__ = [
    "add_export", "add_log_entry", "add_round", "add_slips", "add_voter", "all_sheets", "attendance",
    "conflicting_signature", "credential_state", "current_sheet", "current_sheets", "document",
    "exports_newest", "failure_reasons", "flag_explanations", "flush", "get", "last_log_entry", "last_round",
    "log_entries", "log_entries_of", "open_round", "opinions", "paper_sheet", "paper_sheets", "put", "put_document", "put_sealed_bundle",
    "recusals", "replace_slips", "round_by_no", "rounds", "sealed_bundle", "session_state", "sheet_versions",
    "signatures", "slips_of_round", "voted", "voters_of_round",
]
