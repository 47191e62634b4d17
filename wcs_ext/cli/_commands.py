"""Which module defines each command, and the group that loads a command's module only
when it is used: a short command (``stat``) pays for its own module, not for the
transfers', the emulator's or the checksums'. Help, completion and a misspelt command
list the names; asking for a command loads its module, which lists it in ``COMMANDS``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["COMMAND_MODULES", "LazyCommands"]

# A new command goes in its module's COMMANDS and here: tests/test_cli_commands.py holds
# the two to each other.
COMMAND_MODULES: dict[str, str] = {
    "etag": "checksums",
    "crc64": "checksums",
    "token": "tokens",
    "emulator": "emulator_cmd",
    "completion": "completion",
    "stat": "objects",
    "del": "objects",
    "mv": "objects",
    "cp": "objects",
    "setdeadline": "objects",
    "listbucket": "listing",
    "list": "listing",
    "listall": "listing",
    "bucketstat": "listing",
    "put": "transfers",
    "multiput": "transfers",
    "get": "transfers",
    "sync": "sync_cmd",
    "deletePrefix": "jobs",
    "fops": "jobs",
    "fmgrStatus": "jobs",
    "fopsStatus": "jobs",
    "wslive": "live",
}
"""Command name -> the module of this package that defines it."""


class LazyCommands(click.Group):
    """A group whose commands of :data:`COMMAND_MODULES` are loaded on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMAND_MODULES})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMAND_MODULES.get(cmd_name)
        if cmd_name not in self.commands and module is not None:
            self._add_all(importlib.import_module(f"{__package__}.{module}").COMMANDS)
        return self.commands.get(cmd_name)

    def all_commands(self, ctx: click.Context) -> list[click.Command]:
        """Every command, each module loaded."""
        found = (self.get_command(ctx, name) for name in self.list_commands(ctx))
        return [command for command in found if command is not None]

    def _add_all(self, commands: Iterable[click.Command]) -> None:
        for command in commands:
            self.add_command(command)
