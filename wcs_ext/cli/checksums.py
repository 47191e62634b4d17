"""``etag`` and ``crc64``: checksums of local files, one line per file."""

from __future__ import annotations

import click

from ..protocol.checksum import crc64_file, etag_file
from ._context import CliState, emit_json, existing_files, pass_state
from ._output import echo

__all__ = ["COMMANDS", "crc64_command", "etag_command"]


@click.command("etag")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@pass_state
def etag_command(state: CliState, files: tuple[str, ...]) -> None:
    """Print the WCS hash (etag) of each FILE, as `stat` and `list` report it.

    \b
    Example:
      $ wcs-ext etag hello.txt
      FiJansjy9XVdTONVcAYheClQyUjF  hello.txt
    """
    for path in existing_files(files):
        value = etag_file(path)
        if state.json_output:
            emit_json({"file": str(path), "etag": value})
        else:
            echo(f"{value}  {path}")


@click.command("crc64")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@pass_state
def crc64_command(state: CliState, files: tuple[str, ...]) -> None:
    """Print the CRC-64/XZ (WCS "crc64ecma") of each FILE as an unsigned decimal.

    \b
    Example:
      $ wcs-ext crc64 hello.txt
      11047039988190061689  hello.txt
    """
    for path in existing_files(files):
        value = crc64_file(path)
        if state.json_output:
            emit_json({"file": str(path), "crc64": str(value)})
        else:
            echo(f"{value}  {path}")


COMMANDS = (etag_command, crc64_command)
