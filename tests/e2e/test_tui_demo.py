"""The whole demo session played through the real screens (Pilot), from unlock to export, as `make demo` does."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import ROOT, Packed


async def test_full_session_through_the_screens(demo: Packed, tmp_path: Path) -> None:
    from zc_review.demo.autopilot import play_in_tui
    from zc_review.domain.outcome import declared_numbers
    from zc_review.service.office import import_bundle, trust_add

    home = tmp_path / "laptop"
    trust_add(demo.keys / "root-cert.pem", home)
    service, exported = await play_in_tui(demo.package, home, tmp_path / "usb", demo.script, demo.secrets)
    expected = json.loads((ROOT / "data/demo/expected-results.json").read_text("utf-8"))
    assert declared_numbers(service.defn, service.outcome()) == expected
    assert exported is not None and exported[0].exists()
    result = import_bundle(exported[0], demo.keys, f"sqlite:///{tmp_path / 'archive.db'}")
    assert result.created and result.report.ok and result.passed == 19
