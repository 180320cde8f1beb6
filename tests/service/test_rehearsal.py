"""Rehearsal mode (演练, issue 4 §7): packed on demand, a banner on every screen, 演练 on every PDF page,
a zero report of the empty box when a poll opens, bundles refused by the official archive only."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, Clock, Packed, require_tool


@pytest.fixture(scope="module")
def rehearsal(office_keys: Path, tmp_path_factory: pytest.TempPathFactory) -> Packed:
    """data/demo-education, made an official session in session.yaml, packed with ``office pack --rehearsal``."""
    import shutil

    from zc_review.cli import main
    from zc_review.seal.package import office_recover_package
    from zc_review.seal.pki import load_office_keys
    from zc_review.service.payload import parse_payload
    from zc_review.service.script import Secrets

    tmp = tmp_path_factory.mktemp("rehearsal")
    src = tmp / "input"
    shutil.copytree(ROOT / "data/demo-education", src)
    yaml = (src / "session.yaml").read_text("utf-8")
    (src / "session.yaml").write_text(yaml.replace("rehearsal: true", "rehearsal: false"), "utf-8")
    assert "rehearsal: false" in (src / "session.yaml").read_text("utf-8")
    pkg, secrets = tmp / "r.zcp", tmp / "r-secrets.json"
    assert main(["office", "pack", str(src), "--out", str(pkg), "--keys", str(office_keys),
                 "--secrets-out", str(secrets), "--fast-kdf", "--rehearsal"]) == 0
    payload = parse_payload(office_recover_package(pkg.read_bytes(), load_office_keys(office_keys)))
    script = json.loads((src / "script.json").read_text("utf-8"))
    package_id = json.loads(secrets.read_text("utf-8"))["package_id"]  # the id the office issued and registered
    return Packed(src, pkg, office_keys, secrets, Secrets.load(secrets), payload, package_id, script)


def room_on_disk(p: Packed, folder: Path) -> Any:
    from zc_review.service import RoomService
    from zc_review.storage.engine import make_engine

    return RoomService.build(payload=p.payload, package_id=p.package_id, package_sha256="0" * 64,
                       engine=make_engine(folder / "session.db"), workdir=folder, clock=Clock())


def pdf_pages(pdf: bytes, tmp: Path) -> list[str]:
    require_tool("pdftotext")
    f = tmp / "doc.pdf"
    f.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(f), "-"], capture_output=True, text=True, check=True).stdout
    return [page for page in text.split("\f") if page.strip()]


@pytest.fixture(scope="module")
def played(rehearsal: Packed, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path, Path]:
    from zc_review.service.script import ScriptRunner

    folder = tmp_path_factory.mktemp("room")
    room = room_on_disk(rehearsal, folder)
    runner = ScriptRunner(room, rehearsal.secrets, folder / "usb")
    runner.run(rehearsal.script["actions"])
    assert runner.exported is not None
    return room, folder, runner.exported[0]


def test_pack_flag_makes_a_rehearsal(rehearsal: Packed) -> None:
    assert rehearsal.payload.session["rehearsal"] is True


def test_zero_report_printed_when_the_poll_opens(played: tuple[Any, Path, Path], tmp_path: Path) -> None:
    room, folder, _ = played
    pdf = room.ballot.zero_report(1)
    assert pdf is not None and (folder / "zero-report-round-1.pdf").read_bytes() == pdf
    pages = pdf_pages(pdf, tmp_path)
    assert all("演练" in p for p in pages)
    assert "零票报告" in pages[0] and "0 张" in pages[0].replace("0张", "0 张")
    logged = [e for e in room.record(with_log=True)["log"] if e["action"] == "zero_report_printed"]
    opened = [e for e in room.record(with_log=True)["log"] if e["action"] == "poll_opened"]
    assert len(logged) == len(opened) >= 1 and logged[0]["detail"]["slips"] == 0
    assert logged[0]["seq"] < opened[0]["seq"]  # printed before the round's opening is logged: the box was empty


def test_every_minutes_page_says_rehearsal(played: tuple[Any, Path, Path], tmp_path: Path) -> None:
    pages = pdf_pages(played[0].closing.minutes_pdf(), tmp_path)
    assert len(pages) >= 2 and all("演练" in p for p in pages)


def test_official_archive_refuses_rehearsal_archive_accepts(played: tuple[Any, Path, Path], rehearsal: Packed,
                                                            tmp_path: Path) -> None:
    from zc_review.service.errors import ServiceError
    from zc_review.service.office import import_bundle

    bundle = played[2]
    with pytest.raises(ServiceError) as err:
        import_bundle(bundle, rehearsal.keys, f"sqlite:///{tmp_path / 'official.db'}")
    assert err.value.code == "rehearsal_refused"
    res = import_bundle(bundle, rehearsal.keys, f"sqlite:///{tmp_path / 'rehearsal.db'}", allow_rehearsal=True)
    assert res.created


def test_banner_on_every_screen() -> None:
    """Every full screen has the Header, which shows the app's sub-title: the rehearsal banner set at unlock."""
    from textual.screen import ModalScreen, Screen

    import zc_review.tui.screens as pkg

    screens = []
    for info in pkgutil.iter_modules(pkg.__path__):
        mod = importlib.import_module(f"{pkg.__name__}.{info.name}")
        for _, cls in inspect.getmembers(mod, inspect.isclass):
            if issubclass(cls, Screen) and not issubclass(cls, ModalScreen) and cls.__module__ == mod.__name__:
                screens.append(cls)
                assert "Header()" in inspect.getsource(cls.compose), cls.__name__
    assert len(screens) >= 10
    app_src = inspect.getsource(importlib.import_module("zc_review.tui.app").ZcReviewApp.after_unlock)
    assert "sub_title" in app_src and "rehearsal" in app_src


async def test_banner_shown_after_unlock(rehearsal: Packed) -> None:
    from zc_review.i18n import t
    from zc_review.service import RoomService
    from zc_review.storage.engine import make_engine
    from zc_review.tui.app import make_app

    room = RoomService.build(payload=rehearsal.payload, package_id="x", package_sha256="0" * 64, engine=make_engine(None),
                       workdir=None, clock=Clock())
    app = make_app(room)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.sub_title == t("tui.rehearsal_banner") and "演练" in app.sub_title
