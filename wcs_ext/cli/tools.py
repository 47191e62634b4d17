"""Drop-in ``wcs_etag_cal`` and ``wcs_crc64_cal``: the original SDK's two checksum tools.

Their output is what scripts built around the originals parse, so it is kept as is:
``wcs_etag_cal etag FILE...`` prints the Python list of the file arguments, then the
etags separated by single spaces; ``wcs_crc64_cal crc64 FILE...`` the same with decimal
CRC-64 values. Without a sub-command they print nothing and succeed, as the originals do.

Unlike the originals, a file that cannot be read is one line on stderr and exit code 2
(no traceback, nothing on stdout), and nothing else is logged on stderr.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from ..protocol.checksum import crc64_file, etag_file
from ._escape import printable

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = ["crc64_cal_main", "etag_cal_main"]

_PROG = "WCS Python SDK"
_USAGE_ERROR = 2


def etag_cal_main(argv: Sequence[str] | None = None) -> int:
    """``wcs_etag_cal``: returns the exit code (the console script exits with it)."""
    return _run(
        "wcs_etag_cal",
        "etag",
        "compute the WCS etag (hash) of local files",
        etag_file,
        argv,
    )


def crc64_cal_main(argv: Sequence[str] | None = None) -> int:
    """``wcs_crc64_cal``: returns the exit code (the console script exits with it)."""
    return _run(
        "wcs_crc64_cal",
        "crc64",
        "compute the CRC-64/XZ (crc64ecma) of local files as unsigned decimals",
        crc64_file,
        argv,
    )


def _run(
    tool: str,
    command: str,
    summary: str,
    compute: Callable[[str], object],
    argv: Sequence[str] | None,
) -> int:
    parser = argparse.ArgumentParser(prog=_PROG, description=f"{tool}: {summary}")
    commands = parser.add_subparsers(dest="command")
    sub = commands.add_parser(command, help=summary, description=summary)
    sub.add_argument("files", nargs="+", metavar="FILE", help="local file")
    try:
        args = parser.parse_args(None if argv is None else list(argv))
    except SystemExit as exc:  # -h, or a usage error argparse already reported
        return exc.code if isinstance(exc.code, int) else _USAGE_ERROR
    if args.command is None:
        return 0
    files: list[str] = args.files
    values: list[str] = []
    for name in files:
        try:
            values.append(str(compute(name)))
        except OSError as exc:
            print(f"{tool}: error: {_describe(exc)}: {printable(name)}", file=sys.stderr)
            return _USAGE_ERROR
    # Both lines only once every file is done, so a failure leaves stdout empty. Line 1
    # is the Python repr of the argument list: that is what the original prints.
    print(files)
    print(" ".join(values))
    return 0


def _describe(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return f"cannot read ({exc.strerror or exc.__class__.__name__})"
