"""A fixed sample of ``make fuzz`` (tools/fuzz.py) in ``make test``: 300 mutants and a replayed bundle, none accepted."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Packed
from tools.fuzz import fuzz, report


def test_fuzz_sample_accepts_nothing_and_never_crashes(demo: Packed, demo_education: Packed,
                                                       demo_bundles: tuple[Path, Path], tmp_path: Path) -> None:
    older, newer = demo_bundles
    files = {"keys": demo.keys, "package": demo.package, "donor_package": demo_education.package,
             "secrets": demo.secrets, "older": older, "newer": newer}
    stats = fuzz(files, 300, seed=20250301, work=tmp_path, replays=1)
    assert stats.mutations == 301, report(stats)
    assert stats.accepted == [] and stats.crashes == [], report(stats)
    assert stats.refusals["ServiceError:import_conflict"] == 1
    kinds = {k.split(":")[1] for k in stats.kinds}
    assert {"bitflip", "truncate", "append", "swap_order", "remove", "splice", "resign_foreign"} <= kinds


def test_semantic_sample_with_the_device_key_accepts_nothing(demo: Packed, demo_bundles: tuple[Path, Path],
                                                             tmp_path: Path) -> None:
    """60 bundles whose record, log or members were changed and re-sealed with the session's own device key
    (an insider holding both opening secrets): the office refuses every one (issue 12, make fuzz --semantic)."""
    from tools.fuzz_semantic import semantic_fuzz, semantic_report

    older, newer = demo_bundles
    stats = semantic_fuzz(newer, older, demo.keys, demo.payload, demo.package_id, tmp_path, 60, seed=7)
    tried = sum(n for k, n in stats.tried.items() if not k.startswith("equivalent"))
    assert tried >= 50, semantic_report(stats)
    assert not stats.accepted and not stats.crashes, semantic_report(stats)
    assert {k.split(":")[0] for k in stats.tried} >= {"results", "log"}
