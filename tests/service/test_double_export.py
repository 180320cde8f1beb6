"""One session exported twice gives one bundle, byte for byte (issue 12 §5; docs/DESIGN.md "Export").

Before, every export sealed anew (new bundle id, time, age layer): two different valid bundles of one
session, and the office took whichever arrived first. Now the first sealed bundle is stored in the session
database and every later export re-writes exactly those bytes, also after the room was closed and reopened.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Packed, index_of, new_room, room_from_db


def test_second_export_is_byte_identical_also_after_a_restart(demo: Packed, minutes_ready_db: Path,
                                                             tmp_path: Path) -> None:
    from zc_review.service.office import import_bundle
    from zc_review.service.script import ScriptRunner

    home = tmp_path / "home"
    room, runner = room_from_db(demo, minutes_ready_db, home)
    runner.run([a for a in demo.script["actions"][index_of(demo, "sign_minutes"):] if a["action"] != "export"])
    first, fp1 = room.closing.export_bundle(runner.recorder, tmp_path / "stick-1")
    second, fp2 = room.closing.export_bundle(runner.recorder, tmp_path / "stick-2")
    assert first != second and first.read_bytes() == second.read_bytes() and fp1 == fp2
    db = room.ctx.engine.url.database
    room.engine.dispose()
    again = new_room(demo, Path(db))  # the laptop restarted: the same database, a new process
    third, fp3 = again.closing.export_bundle(ScriptRunner(again, demo.secrets, tmp_path).recorder, tmp_path / "stick-3")
    assert third.read_bytes() == first.read_bytes() and fp3 == fp1
    assert again.closing.last_export() == (third, fp3)
    again.engine.dispose()
    archive = f"sqlite:///{tmp_path / 'archive.db'}"
    assert import_bundle(first, demo.keys, archive).created
    assert not import_bundle(third, demo.keys, archive).created  # the same bundle: nothing changes
