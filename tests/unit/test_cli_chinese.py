"""The command line speaks Chinese (issue 13): ``zc-review`` alone or with a wrong argument, and every
``--help``, with a help on every argument and an example on every command; none of argparse's English."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from zc_review.cli import _parser, main
from zc_review.cli._argparse import chinese_argparse

#: argparse's English texts; not one may reach a user of zc-review.
ENGLISH = ("usage:", "positional arguments", "options:", "optional arguments", "show this help message",
           "error:", "the following arguments are required", "invalid choice", "unrecognized arguments",
           "expected one argument", "choose from")
EXE = Path(sys.executable).parent / "zc-review"


def _commands() -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every parser of the command line with the words that reach it: ((), top), (("office",), …), …"""
    with chinese_argparse():
        top = _parser()
    found: list[tuple[tuple[str, ...], argparse.ArgumentParser]] = []

    def walk(path: tuple[str, ...], parser: argparse.ArgumentParser) -> None:
        found.append((path, parser))
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    walk((*path, name), child)

    walk((), top)
    return found


COMMANDS = _commands()


#: every command and group of commands of zc-review, by the words that reach it
ALL = {
    "", "office", "trust", "open", "close", "run-script", "demo",
    "office keygen", "office pack", "office verify", "office import", "office recover", "office register",
    # before the room (issue 11, cli/office_pool.py)
    "office draw", "office credit", "office credit add", "office credit list", "office credit export", "office plan",
    "office pool", "office pool import", "office pool list",
    # after the room (issue 10, cli/office_archive.py)
    "office db", "office db upgrade", "office sessions", "office applicant", "office notice", "office complaint",
    "office complaint add", "office complaint update", "office complaint conclude", "office complaint list",
    "office complaint evidence", "office filing", "office tui",
    "trust add", "trust list",
    "sheets", "sheets print",  # issue 14: the blank paper score sheets (cli/paper_sheets.py)
}


def test_every_command_is_walked() -> None:
    names = [" ".join(path) for path, _ in COMMANDS]
    assert sorted(names) == sorted(ALL)  # 35: each once, none left out of the help test below


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=lambda p: " ".join(p) or "zc-review")
def test_help_is_chinese_with_a_help_on_every_argument_and_an_example(
        path: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    parser = dict(COMMANDS)[path]
    with pytest.raises(SystemExit) as exit_:
        main([*path, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for english in ENGLISH:
        assert english not in out.lower(), english
    assert out.startswith("用法：") and "选项" in out and "显示本帮助并退出" in out
    assert "示例：\n  zc-review" in out  # an example on every command
    for action in parser._actions:
        if action.help is argparse.SUPPRESS:
            continue
        assert action.help and re.search(r"[\u4e00-\u9fff]", action.help), (path, action.dest)
        if not action.option_strings or action.nargs != 0:  # a value: named in Chinese, not DEST in capitals
            assert action.metavar and re.search(r"[\u4e00-\u9fff]", str(action.metavar)), (path, action.dest)
    assert re.search(r"--[a-z-]+ [A-Z][A-Z_]+\b", out) is None  # argparse's default metavar (OUT, KEYS)


def test_argparse_is_left_as_it_was() -> None:
    """The Chinese texts are argparse's only inside zc-review's parsing, not in the rest of the process."""
    with pytest.raises(SystemExit):
        main(["--help"])
    assert argparse._("usage: ") == "usage: "  # type: ignore[attr-defined]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ZC_REVIEW_I18N_STRICT": "1"}
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.parametrize(("args", "says"), [
    ((), "可用命令"),                                              # no arguments: the whole help
    (("bogus",), "没有 'bogus' 这个命令"),                          # a wrong command
    (("office", "complaint"), "缺少必需的参数：命令"),                # a group without its command (``office``
                                                                   # alone opens the office TUI)
    (("office", "pack"), "缺少必需的参数：资料目录, --out"),           # a command without its arguments
    (("open", "a.zcp", "--colour"), "无法识别的参数：--colour"),     # an option that does not exist
    (("office", "verify", "--keys"), "需要一个值"),                 # an option without its value
])
def test_no_arguments_or_a_wrong_one_is_answered_in_chinese(args: tuple[str, ...], says: str) -> None:
    done = _run(*args)
    assert done.returncode == 2
    assert done.stdout == ""
    err = done.stderr
    assert err.startswith("用法：zc-review"), err
    assert says in err, err
    for english in ENGLISH:
        assert english not in err.lower(), (english, err)
    if args:
        assert "-h 查看用法与示例" in err  # and where to read more
