"""No silent skips (issue 15): a test needing a missing program is skipped with the package to install, and
ZC_REVIEW_NO_SKIP=1 (set by .ci/run) turns that skip, and every other one, into a failure.

Each case runs a small pytest session in a subprocess with the hooks of tests/tooling.py loaded as a plugin.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.tooling import NO_SKIP_ENV, TOOLS

CASES = '''
import pytest
from tests.tooling import TOOLS, require_tool

TOOLS["zc-no-such-program"] = "zc-no-such-package"


def test_helper():
    require_tool("zc-no-such-program")


@pytest.mark.tools("zc-no-such-program")
def test_marker():
    pass


def test_bare_skip():
    pytest.skip("some other reason")


@pytest.mark.xfail(reason="expected")
def test_xfail():
    assert False


def test_runs():
    pass


@pytest.mark.external_data("a corpus only the steering repository may hold")
def test_external_corpus():
    pytest.skip("no corpus here")
'''


def run(tmp_path: Path, no_skip: bool) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_cases.py").write_text(CASES, "utf-8")
    env = {k: v for k, v in os.environ.items() if k != NO_SKIP_ENV}
    env["PYTHONPATH"] = str(ROOT)
    if no_skip:
        env[NO_SKIP_ENV] = "1"
    return subprocess.run([sys.executable, "-m", "pytest", "-rfEs", "-p", "tests.tooling", "-p", "no:cacheprovider",
                           "--rootdir", str(tmp_path), "-o", "addopts=", str(tmp_path / "test_cases.py")],
                          capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)


def test_missing_program_is_skipped_with_its_package_and_listed(tmp_path: Path) -> None:
    out = run(tmp_path, no_skip=False)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "1 passed, 4 skipped, 1 xfailed" in out.stdout, out.stdout
    # -rs lists every skip with its reason, the package to install included (the helper's and the marker's: 2)
    assert "SKIPPED [2]" in out.stdout
    assert "missing zc-no-such-program (apt-get install zc-no-such-package)" in out.stdout, out.stdout
    assert "some other reason" in out.stdout


def test_no_skip_switch_turns_every_skip_into_a_failure(tmp_path: Path) -> None:
    out = run(tmp_path, no_skip=True)
    assert out.returncode == 1, out.stdout + out.stderr
    # the marker fails in set-up (an error), the helper and the bare skip in the call; the xfail stays
    # the one exception: data the repository may not hold (external_data) stays a listed skip
    assert "2 failed, 1 passed, 1 skipped, 1 xfailed, 1 error" in out.stdout, out.stdout
    assert "no corpus here" in out.stdout
    assert "FAILED test_cases.py::test_helper" in out.stdout and "FAILED test_cases.py::test_bare_skip" in out.stdout
    assert "ERROR test_cases.py::test_marker" in out.stdout, out.stdout
    assert "1 skipped" in out.stdout.splitlines()[-1]
    assert f"missing zc-no-such-program (apt-get install zc-no-such-package); {NO_SKIP_ENV}=1 turns" in out.stdout
    assert f"{NO_SKIP_ENV}=1 turns every skip into a failure: Skipped: some other reason" in out.stdout


@pytest.mark.parametrize("name", sorted(TOOLS))
def test_ci_installs_every_program_the_tests_run(name: str) -> None:
    """.ci/run's APT_PACKAGES holds the package of every program in TOOLS, and .ci/run sets the switch."""
    ci = (ROOT / ".ci/run").read_text("utf-8")
    line = next(x for x in ci.splitlines() if x.startswith("APT_PACKAGES="))
    assert TOOLS[name] in line.split("=", 1)[1].strip('"').split()
    assert f"export {NO_SKIP_ENV}=1" in ci
