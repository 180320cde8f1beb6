"""``make mutate``: mutation testing of the rules, the outcome from the record, the office's verifier and its
paper checks (score sheets keyed twice, tellers' counts).

Runs mutmut (configured in pyproject.toml ``[tool.mutmut]``: the files it mutates and the fast tests it runs)
with one worker under ``nice -n 10``, then scores each target: killed / non-equivalent mutants, in percent.
A mutant is killed when a test fails (or times out) with it in place; the equivalent mutants, which no test
can kill because they do not change what the code does, are listed by name with the reason in
docs/MUTATION.md and left out of the denominator. Writes reports/mutate.json; exits 1 when a target is below
``--target`` percent (90) or an equivalent mutant listed in docs/MUTATION.md does not exist (any more).

Usage: ``python tools/mutate.py [--only TARGET] [--sample DIGITS] [--keep] [--survivors] [--report-only]``
  --keep        reuse mutants/ (mutmut's own cache: only changed functions are mutated and run again)
  --survivors   with --keep implied: run again only the mutants that survived or had no test last time
                (after adding tests; mutmut keeps every other verdict)
  --report-only score what mutants/ holds, run nothing
  --sample 05   run and score only the mutants whose number ends in 0 or 5 (every fifth of each function);
                the verifier is sampled so by default (its mutants verify bundles: ~2 h for all of them)
  --full        every mutant of every target, no sample
  --only NAME   run this target only (rules, outcome, verifier, paper; repeatable)
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
CACHE = MUTANTS / "fixture-cache"  # tests/conftest.py: the demo packed and its bundles, made once per run
REPORT = ROOT / "reports" / "mutate.json"
EQUIVALENT_DOC = ROOT / "docs" / "MUTATION.md"

# the pure tests of domain/panel.py (the rest of that file plays the demo)
PANEL_TESTS = tuple(f"tests/service/test_panel_scoring.py::{t}" for t in (
    "test_spread_stdev_only_flags_the_extremes", "test_spread_outlier_is_the_one_concerned",
    "test_discussion_order_small_case_by_hand", "test_blind_findings_name_employer_and_core"))
# target → the files it mutates and scores (all in [tool.mutmut] only_mutate) and its fast test selection
TARGETS: dict[str, dict[str, tuple[str, ...]]] = {  # files, tests, and a default sample (last digits)
    "rules": {
        "files": ("zc_review/domain/rules.py", "zc_review/domain/scoring.py", "zc_review/domain/ballot.py",
                  "zc_review/domain/panel.py", "zc_review/domain/codec.py"),
        "tests": ("tests/unit", "--ignore=tests/unit/test_house.py", "--ignore=tests/unit/test_i18n.py",
                  *PANEL_TESTS),
    },
    "outcome": {
        "files": ("zc_review/domain/outcome.py",),
        "tests": ("tests/unit", "--ignore=tests/unit/test_house.py", "--ignore=tests/unit/test_i18n.py",
                  *PANEL_TESTS, "tests/service/test_rule_edges.py"),
    },
    "verifier": {
        "files": ("zc_review/service/office/verify.py", "zc_review/service/office/checks.py",
                  "zc_review/service/office/ballot_checks.py", "zc_review/service/office/register_checks.py",
                  "zc_review/service/office/text_checks.py", "zc_review/service/office/report.py"),
        # the tests of tampered bundles, by module (test_verify_each_check is the negative test of each check)
        "tests": ("tests/service", "-k", "test_office_checks or test_security_verify or test_verify_each_check"
                  " or test_mutants_verify"),
        # each mutant verifies bundles (~4 s under load): all 1,583 take about 2 h, so by default every fifth
        # mutant of each function (the numbers ending in 0 or 5, 282 mutants, ~22 min); --full runs them all
        "sample": ("05",),
    },
    # issue 14: the double keying of paper score sheets and the tellers' keyed counts of paper ballots
    "paper": {
        "files": ("zc_review/service/office/paper_checks.py", "zc_review/service/office/tally_checks.py"),
        # the negative test of each paper.* check (tampered paper bundles) and the unit tests of their rules
        "tests": ("tests/service/test_verify_each_check.py", "-k", "paper or tally or sheet or witness"),
        # each mutant verifies tampered paper bundles (the demo played on paper first, ~15 s a session): the
        # 554 mutants take about an hour here, so by default every fifth of each function; --full runs all
        "sample": ("05",),
    },
}
KILLED = {1, 3, 24, -24, 36, 152, 255}  # a test failed, pytest broke, or the mutant ran out of time
NOT_RUN = {None, 33, 5}  # not checked (interrupted run) or no test calls the function
_NAME = re.compile(r"`(zc_review\.[\w.ǁ]+__mutmut_\d+)`")


def equivalent_mutants() -> set[str]:
    """The mutant names in backticks in docs/MUTATION.md's section "Equivalent mutants"."""
    text = EQUIVALENT_DOC.read_text("utf-8") if EQUIVALENT_DOC.exists() else ""
    m = re.search(r"^## Equivalent mutants\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    return set(_NAME.findall(m.group(1))) if m else set()


def _work(target: str) -> Path:
    """The target's own project root: mutmut reads its pyproject.toml there and writes mutants/ below it."""
    return MUTANTS / target


def exit_codes(target: str) -> dict[str, int | None]:
    """Mutant name → mutmut's exit code, from the target's mutants/<file>.meta files."""
    out: dict[str, int | None] = {}
    for f in TARGETS[target]["files"]:
        meta = _work(target) / "mutants" / f"{f}.meta"
        if meta.exists():
            out.update(json.loads(meta.read_text("utf-8"))["exit_code_by_key"])
    return out


def score(target_pct: float) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Per target: counts, the score and the surviving non-equivalent mutants; and the problems found."""
    equivalent = equivalent_mutants()
    codes = {target: exit_codes(target) for target in TARGETS}
    known = {name for per in codes.values() for name in per}
    problems = [f"docs/MUTATION.md lists {n}, which mutmut does not make (any more)" for n in sorted(equivalent - known)]
    targets: dict[str, dict[str, Any]] = {}
    for target, spec in TARGETS.items():
        digits = _sample(target)
        names = {n: c for n, c in codes[target].items() if not digits or fnmatch.fnmatch(n, _pattern(digits))}
        killed = sorted(n for n, c in names.items() if c in KILLED)
        equiv = sorted(n for n in names if n in equivalent and n not in killed)
        survived = sorted(n for n, c in names.items() if c == 0 and n not in equivalent)
        no_tests = sorted(n for n, c in names.items() if c in NOT_RUN and n not in equivalent)
        other = sorted(n for n in names if n not in equivalent and n not in killed and n not in survived
                       and n not in no_tests)
        problems += [f"{n} is listed as equivalent but a test kills it" for n in killed if n in equivalent]
        non_equivalent = len(names) - len(equiv)
        pct = round(100 * len(killed) / non_equivalent, 1) if non_equivalent else 0.0
        if pct < target_pct:
            problems.append(f"{target}: {pct} % < {target_pct} %")
        targets[target] = {
            "files": list(spec["files"]), "tests": _tests(target), "sample": _pattern(digits) if digits else "all", "mutants": len(names), "killed": len(killed),
            "equivalent": len(equiv), "non_equivalent": non_equivalent, "score_percent": pct,
            "survived": survived, "no_tests": no_tests, "other": other,
        }
    return targets, problems


def _pattern(digits: str) -> str:
    """The mutant names whose number ends in one of ``digits``: a systematic sample of every function."""
    return f"*__mutmut_*[{digits}]"


def _sample(target: str) -> str:
    """The last digits of the sample the target's last run was limited to ("" for every mutant)."""
    f = _work(target) / "sample"
    return f.read_text("utf-8").strip() if f.exists() else ""


def _tests(target: str) -> list[str]:
    """The target's test selection, less the test files that do not exist (yet) on this branch."""
    return [t for t in TARGETS[target]["tests"] if not t.startswith("tests/") or (ROOT / t.split("::")[0]).exists()]


def _toml_list(items: list[str]) -> str:
    return "[" + ", ".join(json.dumps(i) for i in items) + "]"


def prepare(target: str) -> Path:
    """mutants/<target>/: links to the sources, tests and data, and a pyproject.toml holding the project's
    pytest options and [tool.mutmut] narrowed to the target's files and tests."""
    work = _work(target)
    work.mkdir(parents=True, exist_ok=True)
    for name in ("zc_review", "tests", "data", "tools"):  # tools: the auditor's verifier, compared in tests
        link = work / name
        if not link.is_symlink():
            link.symlink_to(ROOT / name, target_is_directory=True)
    text = (ROOT / "pyproject.toml").read_text("utf-8")
    pytest_ini = re.search(r"^\[tool\.pytest\.ini_options\]\n.*?(?=^\[)", text, re.S | re.M)
    assert pytest_ini is not None, "pyproject.toml has no [tool.pytest.ini_options]"
    base = tomllib.loads(text)["tool"]["mutmut"]
    lines = [pytest_ini.group(0).rstrip(), "", "[tool.mutmut]",
             f"source_paths = {_toml_list(base['source_paths'])}",
             f"only_mutate = {_toml_list(list(TARGETS[target]['files']))}",
             f"pytest_add_cli_args_test_selection = {_toml_list(_tests(target))}",
             f"pytest_add_cli_args = {_toml_list(base.get('pytest_add_cli_args', []))}",
             f"also_copy = {_toml_list(base.get('also_copy', []))}", ""]
    (work / "pyproject.toml").write_text("\n".join(lines), "utf-8")
    return work


def run_mutmut(target: str, names: list[str]) -> int:
    """mutmut run for one target, one worker, under nice -n 10; its output in reports/mutate-<target>.log."""
    work = prepare(target)
    env = dict(os.environ, ZC_REVIEW_TEST_CACHE=str(CACHE), ZC_REVIEW_I18N_STRICT="1")
    mutmut = Path(sys.executable).parent / "mutmut"
    with (REPORT.parent / f"mutate-{target}.log").open("w", encoding="utf-8") as out:
        return subprocess.call(["nice", "-n", "10", str(mutmut), "run", "--max-children", "1", *names],
                               cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT)


def make_fixture_cache() -> None:
    """The demo packed and its two bundles, made once with the unmutated code (tests/conftest.py)."""
    env = dict(os.environ, ZC_REVIEW_TEST_CACHE=str(CACHE), ZC_REVIEW_I18N_STRICT="1")
    subprocess.check_call(["nice", "-n", "10", sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "tests/service/test_office_checks.py::test_genuine_bundle_passes_every_check"],
                          cwd=ROOT, env=env)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--keep", action="store_true", help="reuse mutants/ (mutmut's cache)")
    ap.add_argument("--survivors", action="store_true", help="run only last run's survivors again")
    ap.add_argument("--report-only", action="store_true", help="score mutants/ as it is")
    ap.add_argument("--target", type=float, default=90.0, help="the score each target must reach (percent)")
    ap.add_argument("--sample", default="", metavar="DIGITS",
                    help="run only the mutants whose number ends in one of DIGITS (e.g. 05: every fifth)")
    ap.add_argument("--full", action="store_true", help="no sample: every mutant of every target")
    ap.add_argument("--only", choices=sorted(TARGETS), action="append", help="run this target only (repeatable)")
    args = ap.parse_args(argv)
    REPORT.parent.mkdir(exist_ok=True)
    started = time.monotonic()
    chosen = args.only or list(TARGETS)
    codes: dict[str, int] = {}
    seconds: dict[str, int] = {}
    if not args.report_only:
        if not args.keep and not args.survivors:
            for target in chosen:
                shutil.rmtree(_work(target), ignore_errors=True)
            if "verifier" in chosen:
                shutil.rmtree(CACHE, ignore_errors=True)
        before, _ = score(args.target)
        for target in chosen:
            names = before[target]["survived"] + before[target]["no_tests"] if args.survivors else []
            if args.survivors and not names:
                continue
            sample = "" if args.full else args.sample or "".join(TARGETS[target].get("sample", ()))
            if sample and not args.survivors:
                names = [_pattern(sample)]
            prepare(target)
            (_work(target) / "sample").write_text(sample if not args.survivors else _sample(target), "utf-8")
            if not CACHE.exists():  # before any mutant runs: the cache is made by the unmutated code only
                make_fixture_cache()
            t0 = time.monotonic()
            codes[target] = run_mutmut(target, names)
            seconds[target] = round(time.monotonic() - t0)
    runtime = round(time.monotonic() - started)
    targets, problems = score(args.target)
    problems += [f"mutmut exited with {rc} for {t} (reports/mutate-{t}.log)" for t, rc in codes.items() if rc]
    for t, sec in seconds.items():
        targets[t]["runtime_seconds"] = sec
    mode = "report-only" if args.report_only else "survivors" if args.survivors else "keep" if args.keep else "full"
    report = {"tool": "mutmut", "runtime_seconds": runtime, "target_percent": args.target, "mode": mode,
              "targets": targets, "problems": problems}
    REPORT.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(f"{'target':<10}{'killed':>8}{'non-equiv.':>12}{'equiv.':>8}{'score':>9}")
    for name, t in targets.items():
        print(f"{name:<10}{t['killed']:>8}{t['non_equivalent']:>12}{t['equivalent']:>8}{t['score_percent']:>8}%")
        for n in t["survived"] + t["no_tests"] + t["other"]:
            print(f"    survived: {n}")
    print(f"runtime {runtime} s; report {REPORT.relative_to(ROOT)}")
    for p in problems:
        print(f"problem: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
