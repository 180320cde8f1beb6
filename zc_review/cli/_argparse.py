"""argparse in Chinese: the usage line, group titles, ``-h`` and every error the command line can meet.

argparse passes each of its own texts (``usage: ``, ``positional arguments``, ``options``, ``error:``,
``the following arguments are required: %s`` …) through the module's ``_`` (gettext) when it uses them,
and gettext needs compiled catalogues on disk. ``chinese_argparse()`` instead points argparse's ``_`` at
the cli catalogue (``zc_review/i18n/cli.py``, keys ``cli.ap_*``) for as long as the ``with`` lasts: the
parser is built and run inside it, and argparse is left as it was afterwards (other users of argparse
in the process, such as pytest, are untouched). A text argparse has that is not in ``_ARGPARSE`` is
never shown to a user of ``zc-review`` (it is a programming error of the parser's definition).

``ZhHelpFormatter`` keeps the line breaks of descriptions and examples (``epilog``). ``subcommand()`` and
``command_group()`` make every command and group of commands the same way (its Chinese help as help and
description, its example as epilog), wherever the module that adds it lives.
"""

from __future__ import annotations

import argparse
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from zc_review.i18n import t

#: argparse's own texts (its gettext msgids, Python 3.11–3.13) -> the catalogue key of their Chinese text.
#: The Chinese texts keep argparse's %-placeholders, which argparse fills in after translating.
_ARGPARSE: dict[str, str] = {
    "usage: ": "cli.ap_usage",
    "positional arguments": "cli.ap_positionals",
    "options": "cli.ap_options",
    "show this help message and exit": "cli.ap_help",
    "argument %(argument_name)s: %(message)s": "cli.ap_argument",
    "unrecognized arguments: %s": "cli.ap_unrecognized",
    "the following arguments are required: %s": "cli.ap_required",
    "one of the arguments %s is required": "cli.ap_one_of",
    "not allowed with argument %s": "cli.ap_not_allowed",
    "ignored explicit argument %r": "cli.ap_ignored",
    "expected one argument": "cli.ap_expected_one",
    "expected at most one argument": "cli.ap_expected_at_most_one",
    "expected at least one argument": "cli.ap_expected_at_least_one",
    "expected %s argument": "cli.ap_expected_n",
    "expected %s arguments": "cli.ap_expected_n",
    "ambiguous option: %(option)s could match %(matches)s": "cli.ap_ambiguous",
    "unexpected option string: %s": "cli.ap_unexpected_option",
    "invalid %(type)s value: %(value)r": "cli.ap_invalid_value",
    "invalid choice: %(value)r (choose from %(choices)s)": "cli.ap_invalid_choice",
    "%(prog)s: error: %(message)s\n": "cli.ap_error",
    "can't open '%(filename)s': %(error)s": "cli.ap_cant_open",
}


def _zh(message: str) -> str:
    key = _ARGPARSE.get(message)
    return message if key is None else t(key)


def _zh_plural(singular: str, plural: str, n: int) -> str:
    return _zh(singular if n == 1 else plural)


@contextmanager
def chinese_argparse() -> Iterator[None]:
    """Within the block, argparse speaks Chinese (usage, titles, ``-h``, errors); restored afterwards,
    also when argparse exits (``--help``, an error: ``SystemExit``)."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = _zh, _zh_plural  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: a wide (CJK) character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class ZhHelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Help laid out for Chinese: descriptions and examples keep their line breaks, and an argument's help
    starts in the same column whatever the width of its Chinese name (argparse counts characters, and a
    Chinese character takes two columns)."""

    def __init__(self, prog: str, **kwargs: Any) -> None:
        kwargs.setdefault("max_help_position", 34)
        kwargs.setdefault("width", 110)
        super().__init__(prog, **kwargs)

    def add_argument(self, action: argparse.Action) -> None:
        """As argparse's, but the help column is placed by display width, not by character count."""
        if action.help is not argparse.SUPPRESS:
            invocations = [self._format_action_invocation(action)]
            invocations += [self._format_action_invocation(a) for a in self._iter_indented_subactions(action)]
            self._action_max_length = max(self._action_max_length,
                                          max(map(display_width, invocations)) + self._current_indent)
            self._add_item(self._format_action, [action])

    def _format_action(self, action: argparse.Action) -> str:
        text = super()._format_action(action)
        invocation = self._format_action_invocation(action)
        extra = display_width(invocation) - len(invocation)
        first, sep, rest = text.partition("\n")
        at = first.find(invocation)
        if extra and at >= 0:
            end = at + len(invocation)
            spaces = len(first[end:]) - len(first[end:].lstrip(" "))
            if first[end:].strip() and spaces - extra >= 2:  # the help is on this line: pull it back
                first = first[:end] + " " * (spaces - extra) + first[end + spaces:]
        return first + sep + rest


def subcommand(sub: Any, name: str, help_key: str, example_key: str) -> argparse.ArgumentParser:
    """A command ``name`` under ``sub`` (argparse's ``_SubParsersAction``): the catalogue text ``help_key`` as its
    help and description, ``example_key`` (``cli.ex_*``: "示例：" and real command lines) as its epilog."""
    made: argparse.ArgumentParser = sub.add_parser(name, help=t(help_key), description=t(help_key),
                                                   epilog=t(example_key), formatter_class=ZhHelpFormatter)
    return made


def command_group(p: argparse.ArgumentParser, dest: str) -> Any:
    """The (required) commands of ``p``, their name stored in ``dest``; titled, named and helped in Chinese."""
    return p.add_subparsers(dest=dest, required=True, title=t("cli.commands_title"), metavar=t("cli.command"),
                            help=t("cli.command_help"))
