"""Command lines of the original ``wcscmd`` (optparse) made to fit click.

optparse accepts every option anywhere: ``wcscmd --limit 2 list wcs://b r`` and
``wcscmd list wcs://b r --limit 2`` are the same. click wants group options before the
command and command options after it. :func:`normalize_argv` moves each option to the
side that defines it, and turns the original's quirks into ours:

* ``--debug=X`` and ``--debug X`` (a value the original required and ignored) become
  the flag ``--debug``, X a number or a yes/no word, so ``--debug stat ...`` still
  reads as the flag;
* an option of the original that has no meaning for the chosen command is dropped with
  a warning instead of failing a script that always passed it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import click

from .._settings_table import option_settings

if TYPE_CHECKING:
    from ._commands import LazyCommands

__all__ = ["normalize_argv"]

# Options of the original that every command accepted; those a command does not use
# are dropped (with a warning) rather than rejected. Most are the settings' options,
# global here, so every command takes them; of the others, --relevance only warns and
# the rest belong to the commands that use them.
ORIGINAL_OPTIONS = frozenset(
    {option.name for _, option in option_settings()}
    | {"--relevance", "--startdate", "--enddate", "--islistdetails", "--storagetype"}
)


def _options(command: click.Command) -> dict[str, bool]:
    """Option name -> whether it takes a value."""
    names: dict[str, bool] = {}
    for param in command.params:
        if isinstance(param, click.Option):
            takes_value = not (param.is_flag or param.count)
            for name in (*param.opts, *param.secondary_opts):
                names[name] = takes_value
    if command.add_help_option:
        names.update(dict.fromkeys(command.get_help_option_names(click.Context(command)), False))
    return names


def _split(word: str) -> tuple[str, str | None]:
    name, sep, value = word.partition("=")
    return (name, value) if sep and name.startswith("--") else (word, None)


def _find_command(
    words: Sequence[str], names: set[str], takes_value: Callable[[str], bool]
) -> int | None:
    """Index of the command name: the first word that is not an option or its value."""
    i = 0
    while i < len(words):
        word = words[i]
        if word == "--":
            return None
        name, inline = _split(word)
        if name.startswith("-") and name != "-" and not _is_number(name):
            i += 2 if takes_value(name) and inline is None else 1
            continue
        return i if word in names else None
    return None


class _TakesValue:
    """Whether an option takes a value: the group's own options and the chosen
    command's decide; any other option (an original's, or another command's) loads every
    command to tell, which a usual command line never needs."""

    def __init__(self, group: LazyCommands, ctx: click.Context, group_opts: dict[str, bool]):
        self._group = group
        self._ctx = ctx
        self._known = dict(group_opts)
        self._complete = False

    def choose(self, command: click.Command) -> None:
        """The command's own options, over any other command's of the same name."""
        self._known = _options(command) | self._known

    def __call__(self, option: str) -> bool:
        if option not in self._known and not self._complete:
            every = dict.fromkeys(ORIGINAL_OPTIONS, True)
            for command in self._group.all_commands(self._ctx):
                every.update(_options(command))
            self._known = every | self._known
            self._complete = True
        return self._known.get(option, False)


def normalize_argv(
    group: LazyCommands, args: Sequence[str], warn: Callable[[str], None]
) -> list[str]:
    """``args`` with group options before the command and command options after it."""
    words = _plain_debug(args)
    ctx = click.Context(group)
    group_opts = _options(group)
    takes_value = _TakesValue(group, ctx, group_opts)
    index = _find_command(words, set(group.list_commands(ctx)), takes_value)
    if index is None:
        return words
    name = words[index]
    command = group.get_command(ctx, name)
    assert command is not None  # a listed name
    command_opts = _options(command)
    takes_value.choose(command)
    before: list[str] = []
    after: list[str] = []
    rest = words[:index] + words[index + 1 :]
    i = 0
    while i < len(rest):
        word = rest[i]
        if word == "--":
            after.extend(rest[i:])
            break
        option, inline = _split(word)
        if not option.startswith("-") or option == "-" or _is_number(option):
            after.append(word)
            i += 1
            continue
        in_command = option in command_opts
        known = in_command or option in group_opts
        value = takes_value(option) and inline is None
        if value and i + 1 == len(rest):
            # Moved before the command, it would take the command's name as its value.
            raise click.UsageError(f"Option '{option}' requires an argument.")
        taken = rest[i : i + 2] if value else [word]
        i += len(taken)
        if not known and option in ORIGINAL_OPTIONS:
            warn(f"warning: {option} has no effect on '{name}'; ignored")
        elif in_command or not known:
            after.extend(taken)  # unknown options stay for click to report
        else:
            before.extend(taken)
    return [*before, name, *after]


_DEBUG_VALUE = re.compile(r"-?\d+|true|false|yes|no|on|off", re.IGNORECASE)


def _plain_debug(args: Sequence[str]) -> list[str]:
    """The original's --debug took a value it ignored; ours is a flag."""
    words: list[str] = []
    after_debug = False
    for index, word in enumerate(args):
        if word == "--":  # what follows are arguments, whatever they look like
            return [*words, *args[index:]]
        if after_debug and _DEBUG_VALUE.fullmatch(word):
            after_debug = False
            continue
        after_debug = word == "--debug"
        words.append("--debug" if word.startswith("--debug=") else word)
    return words


def _is_number(word: str) -> bool:
    """``-1`` is an argument (days of setdeadline), not an option."""
    return word.startswith("-") and word[1:].isdigit()
