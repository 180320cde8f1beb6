"""External programs the tests run, and no silent skips (issue 15).

A test that needs a program calls ``require_tool("pdfsig", "certutil")`` (or carries
``@pytest.mark.tools("pdfsig", "certutil")``): without the program it is skipped, the reason naming the
Debian package to install; pytest runs with ``-rs`` so every skip is listed at the end of the run. With
``ZC_REVIEW_NO_SKIP=1`` (set by .ci/run) a missing program fails the test instead, and the hooks below
turn every other skip (a bare ``pytest.skip``, a ``skipif``, a skipped module) into a failure too.

tests/conftest.py imports the hooks, so they hold for the whole suite.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Generator
from typing import Any

import pytest

NO_SKIP_ENV = "ZC_REVIEW_NO_SKIP"

# Every external program a test runs → the Debian package that provides it (.ci/run installs them all).
TOOLS: dict[str, str] = {
    "tmux": "tmux",
    "pdfsig": "poppler-utils",
    "pdffonts": "poppler-utils",
    "pdftotext": "poppler-utils",
    "pdftoppm": "poppler-utils",
    "certutil": "libnss3-tools",
    "openssl": "openssl",
    "unzip": "unzip",
    "age": "age",
    "pg_ctl": "postgresql",  # the archive tests' throw-away server (tests/pg.py)
}

# Programs Debian installs off PATH: where else to look (the newest version first).
_OFF_PATH: dict[str, str] = {"pg_ctl": "/usr/lib/postgresql/*/bin/pg_ctl"}


def tool_path(name: str) -> str | None:
    """Where the program ``name`` is: on PATH, or (for pg_ctl) under /usr/lib/postgresql/<version>/bin."""
    found = shutil.which(name)
    if found is None and name in _OFF_PATH:
        import glob

        hits = sorted(glob.glob(_OFF_PATH[name]), key=lambda p: [int(x) for x in p.split("/")[4].split(".")
                                                                  if x.isdigit()] or [0], reverse=True)
        found = next((h for h in hits if os.access(h, os.X_OK)), None)
    return found


def no_skip() -> bool:
    """True when ``ZC_REVIEW_NO_SKIP=1``: every skip is a failure (CI)."""
    return os.environ.get(NO_SKIP_ENV) == "1"


def require_tool(*names: str) -> None:
    """Skip the calling test unless every program in ``names`` is on PATH; fail it under ZC_REVIEW_NO_SKIP=1.

    Raises: AssertionError for a name missing from ``TOOLS`` (add it there, and to .ci/run).
    """
    unknown = [n for n in names if n not in TOOLS]
    assert not unknown, f"add {unknown} to tests/tooling.py TOOLS and .ci/run APT_PACKAGES"
    missing = [n for n in names if tool_path(n) is None]
    if not missing:
        return
    message = f"missing {', '.join(missing)} (apt-get install {' '.join(sorted({TOOLS[n] for n in missing}))})"
    if no_skip():
        pytest.fail(f"{message}; {NO_SKIP_ENV}=1 turns this skip into a failure", pytrace=False)
    pytest.skip(message)


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``tools`` and ``external_data`` markers."""
    config.addinivalue_line("markers", "tools(*names): the test runs these programs (see tests/tooling.py)")
    config.addinivalue_line("markers", "external_data(where): the test reads data this repository may not hold "
                                       "(public material only the steering repo's shared/ may carry); its skip "
                                       "stays a skip under ZC_REVIEW_NO_SKIP=1, listed by -rs with the reason")


def pytest_runtest_setup(item: pytest.Item) -> None:
    """``@pytest.mark.tools(...)`` on a test, class or module: ``require_tool`` before the test runs."""
    for mark in item.iter_markers("tools"):
        require_tool(*mark.args)


def _as_failure(report: pytest.TestReport | pytest.CollectReport) -> None:
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    report.outcome = "failed"
    report.longrepr = f"skipped, and {NO_SKIP_ENV}=1 turns every skip into a failure: {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    """Under ZC_REVIEW_NO_SKIP=1 a skipped test (not an xfail) is reported failed, with the skip's reason."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if (report.skipped and no_skip() and not hasattr(report, "wasxfail")
            and item.get_closest_marker("external_data") is None):
        _as_failure(report)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None, Any, None]:
    """Under ZC_REVIEW_NO_SKIP=1 a module skipped at collection is reported failed."""
    outcome = yield
    report: pytest.CollectReport = outcome.get_result()
    if report.skipped and no_skip():
        _as_failure(report)
