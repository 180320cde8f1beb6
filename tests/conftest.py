"""Shared fixtures: an office with keys, the demo packed once per test run, fresh rooms in memory.

Each test gets its own database (in memory) and never touches the user's home: ZC_REVIEW_HOME is
pointed at a temporary folder for the whole run.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

# no silent skips: the tools marker, require_tool, and ZC_REVIEW_NO_SKIP=1 turning every skip into a failure
from tests.tooling import (  # noqa: F401
    pytest_configure,
    pytest_make_collect_report,
    pytest_runtest_makereport,
    pytest_runtest_setup,
    require_tool,
)

ROOT = Path(__file__).resolve().parent.parent

# Every catalogue lookup is strict in the tests: a missing key or a parameter that does not fit its text raises
# (zc_review/i18n; at run time the room shows the key instead of stopping). Subprocesses inherit it.
os.environ.setdefault("ZC_REVIEW_I18N_STRICT", "1")


# data/demo-education: each applicant's material score M (the mean of its reviewers' sheet totals, every sheet
# submitted once, mean aggregation) and composite C = M rounded half-up to 2 places (no defence), worked by hand
# from script.json. Source: RULES.md §4.
EDUCATION_SCORES: dict[str, tuple[str, str]] = {
    # A001: (65.5 + 69.5 + 62.5 + 66 + 64)/5 = 327.5/5 = 65.5 → 65.50
    "A001": ("65.5", "65.50"),
    # A002: (79.5 + 80 + 77 + 72.5 + 78)/5 = 387/5 = 77.4 → 77.40
    "A002": ("77.4", "77.40"),
    # A003: (77.5 + 77 + 77.5 + 79.5 + 79)/5 = 390.5/5 = 78.1 → 78.10
    "A003": ("78.1", "78.10"),
    # A004: (85.5 + 87 + 88.5 + 87 + 89.5)/5 = 437.5/5 = 87.5 → 87.50
    "A004": ("87.5", "87.50"),
    # A005: (65 + 66.5 + 64 + 65 + 65.5)/5 = 326/5 = 65.2 → 65.20
    "A005": ("65.2", "65.20"),
    # A006: (69.5 + 70.5 + 69 + 70.5 + 64.5)/5 = 344/5 = 68.8 → 68.80
    "A006": ("68.8", "68.80"),
    # A007: (80 + 82.5 + 83.5 + 81.5)/4 = 327.5/4 = 81.875 → 81.88 (the third place is a 5: rounded up)
    "A007": ("81.875", "81.88"),
    # A008: (75.5 + 77 + 76.5 + 77)/4 = 306/4 = 76.5 → 76.50
    "A008": ("76.5", "76.50"),
    # A009: (86.5 + 82 + 87.5 + 86)/4 = 342/4 = 85.5 → 85.50
    "A009": ("85.5", "85.50"),
    # A010: (78.5 + 76 + 81 + 78)/4 = 313.5/4 = 78.375 → 78.38
    "A010": ("78.375", "78.38"),
    # A011: (84.5 + 82 + 90 + 83)/4 = 339.5/4 = 84.875 → 84.88
    "A011": ("84.875", "84.88"),
    # A012: (86.5 + 85.5 + 85.5 + 84.5)/4 = 342/4 = 85.5 → 85.50
    "A012": ("85.5", "85.50"),
}


@pytest.fixture(scope="session", autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    mp = pytest.MonkeyPatch()
    home = tmp_path_factory.mktemp("zc-home")
    mp.setenv("ZC_REVIEW_HOME", str(home))
    yield home
    mp.undo()


class Clock:
    """A predictable clock: each call advances one second from when the room opened (certificates issued
    at pack time must be valid at the room's times, so it starts at the real time)."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@dataclass
class Packed:
    """A packed session: its files, the office keys folder and the rehearsal secrets."""

    input_dir: Path
    package: Path
    keys: Path
    secrets_path: Path
    secrets: Any  # zc_review.service.script.Secrets
    payload: Any  # zc_review.service.payload.Payload
    package_id: str
    script: dict[str, Any]


def _pack(tmp: Path, input_dir: Path, keys: Path) -> Packed:
    from zc_review.seal.package import office_recover_package
    from zc_review.seal.pki import load_office_keys
    from zc_review.service.office import pack
    from zc_review.service.payload import parse_payload
    from zc_review.service.script import Secrets

    package = tmp / f"{input_dir.name}.zcp"
    secrets_path = tmp / f"{input_dir.name}-secrets.json"
    res = pack(input_dir, package, keys, secrets_out=secrets_path, fast_kdf=True)
    payload = parse_payload(office_recover_package(package.read_bytes(), load_office_keys(keys)))
    script_file = input_dir / "script.json"
    script = json.loads(script_file.read_text("utf-8")) if script_file.exists() else {"actions": []}
    return Packed(input_dir, package, keys, secrets_path, Secrets.load(secrets_path), payload, res.package_id, script)


# ``make mutate`` (tools/mutate.py) runs the verifier's tests once per mutant, each time in a new pytest
# session: ZC_REVIEW_TEST_CACHE=DIR lets those sessions reuse the office keys, the demo packed and its two
# bundles that the first session of the run made (with the unchanged code) instead of playing the demo
# again. Each session works on its own copy; without the variable nothing is cached.
_CACHE = Path(os.environ["ZC_REVIEW_TEST_CACHE"]) if os.environ.get("ZC_REVIEW_TEST_CACHE") else None


def _from_cache(name: str, dest: Path) -> Path | None:
    """A private copy of the cached ``name`` (a file or a folder) at ``dest``, or None if not cached."""
    if _CACHE is None or not (_CACHE / name).exists():
        return None
    src = _CACHE / name
    if src.is_dir():
        shutil.copytree(src, dest)
    else:
        shutil.copyfile(src, dest)
    return dest


def _to_cache(name: str, src: Path) -> None:
    """Store ``src`` as the cached ``name`` (atomically: a half-written cache is never read)."""
    if _CACHE is None or (_CACHE / name).exists():
        return
    _CACHE.mkdir(parents=True, exist_ok=True)
    tmp = _CACHE / f".{name}.{os.getpid()}"
    if src.is_dir():
        shutil.copytree(src, tmp)
    else:
        shutil.copyfile(src, tmp)
    tmp.rename(_CACHE / name)


@pytest.fixture(scope="session", autouse=True)
def _remembered_pdf_signatures() -> Iterator[None]:
    """With ZC_REVIEW_TEST_CACHE, pyHanko's validation of a PDF's signatures (``seal.pdfsign.verify_pdf``, which
    ``make mutate`` does not mutate and which depends only on its arguments) is remembered in the cache by the
    SHA-256 of the PDF, the root certificate and the time, so each mutant's run of the verifier's tests does not
    validate the same minutes again (1.5 s each). A call that raises is not remembered."""
    if _CACHE is None:
        yield
        return
    import hashlib
    import pickle

    from cryptography.hazmat.primitives.serialization import Encoding

    from zc_review.seal import pdfsign

    real = pdfsign.verify_pdf
    folder = _CACHE / "verify-pdf"

    def remembered(pdf: bytes, root_cert: Any, at: datetime | None = None) -> Any:
        key = hashlib.sha256(pdf + root_cert.public_bytes(Encoding.DER) + repr(at).encode()).hexdigest()
        path = folder / f"{key}.pickle"
        if path.exists():
            return pickle.loads(path.read_bytes())
        statuses = real(pdf, root_cert, at)
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{key}.{os.getpid()}"
        tmp.write_bytes(pickle.dumps(statuses))
        tmp.rename(path)
        return statuses

    pdfsign.verify_pdf = remembered  # type: ignore[assignment]
    yield
    pdfsign.verify_pdf = real  # type: ignore[assignment]


def _load_packed(tmp: Path, input_dir: Path, keys: Path) -> Packed | None:
    """The cached packing of ``input_dir`` (package, secrets, package id) as a Packed, or None."""
    from zc_review.seal.package import office_recover_package
    from zc_review.seal.pki import load_office_keys
    from zc_review.service.payload import parse_payload
    from zc_review.service.script import Secrets

    folder = _from_cache(f"pack-{input_dir.name}", tmp / "cached")
    if folder is None:
        return None
    package = folder / f"{input_dir.name}.zcp"
    secrets_path = folder / f"{input_dir.name}-secrets.json"
    payload = parse_payload(office_recover_package(package.read_bytes(), load_office_keys(keys)))
    script_file = input_dir / "script.json"
    script = json.loads(script_file.read_text("utf-8")) if script_file.exists() else {"actions": []}
    package_id = (folder / "package-id").read_text("utf-8")
    return Packed(input_dir, package, keys, secrets_path, Secrets.load(secrets_path), payload, package_id, script)


@pytest.fixture(scope="session")
def office_keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from zc_review.service.office import keygen

    keys = tmp_path_factory.mktemp("office") / "keys"
    if _from_cache("office-keys", keys) is None:
        keygen(keys, "青川市人力资源和社会保障局")
    return keys


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory, office_keys: Path) -> Packed:
    """data/demo packed once (cheap Argon2id for tests)."""
    tmp = tmp_path_factory.mktemp("pack")
    cached = _load_packed(tmp, ROOT / "data/demo", office_keys)
    if cached is not None:
        return cached
    packed = _pack(tmp, ROOT / "data/demo", office_keys)
    if _CACHE is not None:
        (tmp / "package-id").write_text(packed.package_id, "utf-8")
        folder = tmp / "to-cache"
        folder.mkdir()
        for f in (packed.package, packed.secrets_path, tmp / "package-id"):
            shutil.copyfile(f, folder / f.name)
        _to_cache("office-keys", office_keys)  # with the demo in its register of issued packages
        _to_cache("pack-demo", folder)
    return packed


@pytest.fixture(scope="session")
def demo_education(tmp_path_factory: pytest.TempPathFactory, office_keys: Path) -> Packed:
    return _pack(tmp_path_factory.mktemp("pack-edu"), ROOT / "data/demo-education", office_keys)


def new_room(packed: Packed, path: Path | None = None, clock: Clock | None = None) -> Any:
    """A fresh RoomService on the packed payload, database in memory (or at ``path``)."""
    from zc_review.service import RoomService
    from zc_review.storage.engine import make_engine

    return RoomService.build(payload=packed.payload, package_id=packed.package_id, package_sha256="0" * 64,
                             engine=make_engine(path), workdir=None if path is None else path.parent,
                             clock=clock or Clock())


def index_of(packed: Packed, action: str, nth: int = 0) -> int:
    """Index of the nth action of kind ``action`` in the demo script."""
    hits = [i for i, a in enumerate(packed.script["actions"]) if a["action"] == action]
    return hits[nth]


# The script played through the service once per test process (issue 9: no replay of the same script twice).
# A room "at" an action is a copy of a record played up to it. Each stop is played once: on from a copy of the
# record at the checkpoint before it (every ``_EVERY`` actions, itself played the same way), so what a stop's
# record holds never depends on which tests ran before; every test gets its own copy in memory. Key: (the
# packing's fingerprint, stop) → (template room, its clock). A room at a stop after an export is played whole
# each time (the export's files go to the test's own USB folder).
_PLAYED: dict[tuple[str, int], tuple[Any, Clock]] = {}
_EVERY = 100


def _fingerprint(packed: Packed) -> str:
    """What a played record depends on: the package id, the session, credentials and keys, the script and
    the secrets (tests derive packings that keep the package id, e.g. the demo held on paper ballots)."""
    import dataclasses
    import hashlib

    p = packed.payload
    attachments = sorted((k, hashlib.sha256(v).hexdigest()) for k, v in p.attachments.items())
    body = json.dumps([packed.package_id, p.session, p.credentials, p.device_key_der.hex(), p.supersedes,
                       (p.ballot_key_der or b"").hex(), attachments, repr(sorted(p.texts.items())),
                       packed.script, dataclasses.asdict(packed.secrets)],
                      sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


def _copy_room(packed: Packed, template: Any, clock: Clock) -> tuple[Any, Clock]:
    """A new room in memory on a byte-for-byte copy of ``template``'s database (SQLite's backup), its clock
    going on from the template's, as a laptop's room resumes its database after a restart: the copy's log
    has one ``session_resumed`` entry more than one sitting's would."""
    from zc_review.service import RoomService
    from zc_review.storage.engine import make_engine

    engine = make_engine(None)
    src, dst = template.engine.raw_connection(), engine.raw_connection()
    try:
        src.driver_connection.backup(dst.driver_connection)
    finally:
        src.close()
        dst.close()
    copy = Clock()
    copy.now = clock.now
    room = RoomService.build(payload=packed.payload, package_id=packed.package_id, package_sha256="0" * 64,
                             engine=engine, workdir=None, clock=copy)
    return room, copy


def _template(packed: Packed, fp: str, stop: int, usb: Path) -> tuple[Any, Clock]:
    """The record at ``stop`` (see ``_PLAYED``): from nothing below the first checkpoint, else a copy of
    the record at the checkpoint before ``stop`` and the actions from there."""
    from zc_review.service.script import ScriptRunner

    key = (fp, stop)
    if key not in _PLAYED:
        base = (stop - 1) // _EVERY * _EVERY if stop > 0 else 0
        if base == 0:
            clock = Clock()
            template = new_room(packed, clock=clock)
        else:
            template, clock = _copy_room(packed, *_template(packed, fp, base, usb))
        ScriptRunner(template, packed.secrets, usb).run(packed.script["actions"][base:stop])
        _PLAYED[key] = (template, clock)
    return _PLAYED[key]


def played(packed: Packed, stop: int, out_dir: Path) -> tuple[Any, Any]:
    """(room, runner): a private room in memory with ``packed``'s script played through the service up to
    (not incl.) action ``stop``, and a runner on it writing to ``out_dir`` (it authenticates each person again
    on first use). Each stop is played once per test process and copied (see ``_PLAYED``); the copy's log says
    the session was resumed (once per checkpoint passed, and once for the copy)."""
    from zc_review.service.script import ScriptRunner

    actions = packed.script["actions"]
    if any(a["action"] == "export" for a in actions[:stop]):  # files in the USB folder: played whole
        room = new_room(packed)
        runner = ScriptRunner(room, packed.secrets, out_dir)
        runner.run(actions[:stop])
        return room, runner
    room, _ = _copy_room(packed, *_template(packed, _fingerprint(packed), stop, out_dir.parent / "template-usb"))
    return room, ScriptRunner(room, packed.secrets, out_dir)


def played_file(packed: Packed, stop: int, db: Path) -> Path:
    """``db``: a session database file holding ``packed``'s script played up to (not incl.) action ``stop``,
    written by SQLite's backup from the record ``played`` keeps (WAL checkpointed, engine closed): a laptop's
    ``session.db`` for ``new_room(packed, db)``, which resumes it."""
    from sqlalchemy import text

    from zc_review.storage.engine import make_engine

    room, _ = played(packed, stop, db.parent / "usb")
    engine = make_engine(db)
    src, dst = room.engine.raw_connection(), engine.raw_connection()
    try:
        src.driver_connection.backup(dst.driver_connection)
    finally:
        src.close()
        dst.close()
    with engine.connect() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    engine.dispose()
    room.engine.dispose()
    return db


@pytest.fixture
def room_at(demo: Packed, tmp_path: Path) -> Callable[..., Any]:
    """``room_at("open_poll")`` → (room, runner) with the demo script played up to (not incl.) that action
    (a copy of the record played once per test process, see ``played``)."""

    def make(action: str | None = None, nth: int = 0, packed: Packed | None = None) -> tuple[Any, Any]:
        p = packed or demo
        stop = len(p.script["actions"]) if action is None else index_of(p, action, nth)
        return played(p, stop, tmp_path / "usb")

    return make


@pytest.fixture(scope="session")
def minutes_ready_db(demo: Packed, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A session database file with the demo played up to the minutes signatures (issue 3 tests).

    Played once per run (``played_file``); use ``room_from_db`` to get a private copy (tests may then sign,
    export, close).
    """
    return played_file(demo, index_of(demo, "sign_minutes"), tmp_path_factory.mktemp("minutes-ready") / "session.db")


def room_from_db(packed: Packed, template: Path, home: Path) -> tuple[Any, Any]:
    """A private copy of ``template`` as ``home/sessions/<session>/session.db``: (room, runner)."""
    import shutil

    from zc_review.service.script import ScriptRunner

    db = home / "sessions" / packed.payload.session["session_id"] / "session.db"
    db.parent.mkdir(parents=True)
    shutil.copyfile(template, db)
    room = new_room(packed, db)
    return room, ScriptRunner(room, packed.secrets, home / "usb")


@pytest.fixture(scope="session")
def demo_bundles(demo: Packed, request: pytest.FixtureRequest,
                 tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two genuine, different result bundles of the demo session, exported one after the other: (older, newer).

    One room exports one bundle only (a second export re-writes the same bytes, issue 12 §5), so the two
    come from two copies of the room's database (two laptops with the same package), each signing and
    exporting once.
    """
    cached = _from_cache("demo-bundles", tmp_path_factory.mktemp("bundles-cached") / "b")
    if cached is not None:
        return cached / "older.zcb", cached / "newer.zcb"
    minutes_ready_db: Path = request.getfixturevalue("minutes_ready_db")
    out = []
    for name in ("older", "newer"):
        home = tmp_path_factory.mktemp(f"bundles-{name}")
        room, runner = room_from_db(demo, minutes_ready_db, home)
        runner.run([a for a in demo.script["actions"][index_of(demo, "sign_minutes"):] if a["action"] != "export"])
        path, _ = room.closing.export_bundle(runner.recorder, home / name)
        out.append(path)
        room.engine.dispose()
    if _CACHE is not None:
        folder = tmp_path_factory.mktemp("bundles-to-cache")
        for name, path in zip(("older", "newer"), out, strict=True):
            shutil.copyfile(path, folder / f"{name}.zcb")
        _to_cache("demo-bundles", folder)
    return out[0], out[1]


@pytest.fixture(scope="session")
def demo_education_laptop(tmp_path_factory: pytest.TempPathFactory, office_keys: Path) -> Packed:
    """data/demo-education with the laptop ballot (its session.yaml says ``ballot_mode: paper``, issue 14): for
    the tests of the laptop's secret ballot screens on its 12 applicants. The script is the same; it is played
    only up to the poll's opening."""
    src = tmp_path_factory.mktemp("edu-laptop") / "demo-education"
    shutil.copytree(ROOT / "data/demo-education", src)
    session = src / "session.yaml"
    session.write_text(session.read_text("utf-8").replace("ballot_mode: paper", "ballot_mode: laptop"), "utf-8")
    return _pack(tmp_path_factory.mktemp("pack-edu-laptop"), src, office_keys)
