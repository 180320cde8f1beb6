"""The whole demo session played through the real screens (Pilot), from unlock to export, as `make demo` does.

This is the suite's one replay of the demo script through the screens (issue 9: no script played twice). It
carries the assertions of the three partial replays it replaced: at the poll's opening the roll call closed,
every pledge and panel rubric signed, each of the script's 177 score sheets with the status and values its
action gave, the 36 opinions as written, every applicant scored, back on the dashboard; then the results
final, every sign-off and failure reason there, the minutes signed by both, an export to a folder that cannot
be written refused on screen (no "safe to remove"), then the real export, and the office import.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from tests.conftest import ROOT, Packed, index_of


async def _failed_export_then_retry_possible(pilot: Any, app: Any, tmp_path: Path) -> None:
    """A target that cannot be written shows the error and no safe-to-remove message."""
    from textual.widgets import Input, Static

    from zc_review.demo.closing import confirm, key, on_top, to_dashboard, until
    from zc_review.i18n import t
    from zc_review.tui.screens.export import ExportScreen

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    await to_dashboard(pilot)
    await key(pilot, "0")
    await until(pilot, lambda: on_top(app, ExportScreen), "export screen")
    screen = app.screen
    field = screen.query_one("#export-dir", Input)
    assert field.value == str(app.out_dir)
    field.value = str(blocker / "sub")
    await key(pilot, "enter")
    await confirm(pilot)  # export asks first
    await until(pilot, lambda: screen.query_one("#export-status").has_class("error"), "export error")
    status = str(screen.query_one("#export-status", Static).render())
    assert "导出失败" in status and t("closing.export_safe") not in status
    assert screen.exported is None
    await to_dashboard(pilot)


def _opening_as_the_script_says(app: Any, service: Any, actions: list[dict[str, Any]]) -> None:
    """The record after the opening and scoring played through the screens matches what the actions say
    (the assertions of the partial replay ``test_autopilot_opening_some_scores_and_opinions``, which played
    the first 60 actions and 14 opinions again; here over all 424 actions before the poll)."""
    from zc_review.tui.screens.dashboard import DashboardScreen

    assert isinstance(app.screen, DashboardScreen)  # play_actions ends on the dashboard
    assert service.opening.roll_call_closed()
    assert len(service.opening.pledged_ids()) == 16
    assert all(service.opening.rubric_in_force(p.id) for p in service.defn.panels)
    sheets = [a for a in actions if a["action"] == "scores"]
    assert len(sheets) == 177 and len({(a["reviewer"], a["applicant"]) for a in sheets}) == 177  # one each
    for a in sheets:
        sheet = service.scoring.current_sheet(a["reviewer"], a["applicant"])
        assert sheet.status == ("submitted" if a["submit"] else "draft")
        assert service.scoring.sheet_values(sheet) == {k: None if v in ("-", "NA") else Decimal(v)
                                                       for k, v in a["values"].items()}
    opinions = {a["applicant"]: a["text"] for a in actions if a["action"] == "opinion"}
    assert len(opinions) == 36 and service.scoring.opinions() == opinions


async def test_full_session_through_the_screens(demo: Packed, tmp_path: Path) -> None:
    from zc_review.demo import closing as autopilot_closing
    from zc_review.demo.autopilot import play_actions, unlock_and_login
    from zc_review.domain.outcome import declared_numbers
    from zc_review.service.office import import_bundle, trust_add
    from zc_review.tui.app import make_app

    home, out = tmp_path / "laptop", tmp_path / "usb"
    trust_add(demo.keys / "root-cert.pem", home)
    actions = demo.script["actions"]
    poll, export = index_of(demo, "open_poll"), index_of(demo, "export")
    app = make_app(package_path=demo.package, home=home, out_dir=out)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock_and_login(pilot, app, demo.secrets)
        await play_actions(pilot, app, actions[:poll], demo.secrets)
        service = app.room
        _opening_as_the_script_says(app, service, actions[:poll])
        assert all(service.scoring.scoring_complete(a.id) for a in service.defn.applicants)
        await play_actions(pilot, app, actions[poll:export], demo.secrets)
        assert service.closing.results_final() and service.closing.minutes_stage() == "presiding"
        assert not service.closing.sign_offs_missing()
        assert set(service.closing.failure_reasons()) == set(service.outcome().failed())
        await _failed_export_then_retry_possible(pilot, app, tmp_path)
        await play_actions(pilot, app, actions[export:], demo.secrets)
        assert await autopilot_closing.play(pilot, app, {"action": "attendance"}, demo.secrets) is False
        exported = service.closing.last_export()
    expected = json.loads((ROOT / "data/demo/expected-results.json").read_text("utf-8"))
    assert declared_numbers(service.defn, service.outcome()) == expected
    assert exported is not None and exported[0] == out / f"{service.defn.session_id}-result.zcb"
    assert exported[0].is_file()
    result = import_bundle(exported[0], demo.keys, f"sqlite:///{tmp_path / 'archive.db'}")
    assert result.created and result.report.ok and result.passed == 19
