"""How an exception that ends a command becomes its one line and its exit code.

0 done; 1 the operation failed (the server refused, a transfer broke, the disk is full);
2 bad usage or input: a bad argument or option, bad configuration, a local file that is
missing or may not be read, anything that would fail the same way again unchanged; 130
interrupted (Ctrl-C). Anything else is a bug of ours: exit 1, "internal error".
"""

from __future__ import annotations

import errno
import os
import re
import sys
from pathlib import Path
from typing import Any

from ..errors import WcsAPIError, WcsConfigError, WcsError, WcsInputError
from ._context import CliState

__all__ = [
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "classify",
    "error_document",
    "record_folder_error",
]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

# A local path that cannot be used as given: the user's input, not a failure of the run.
_BAD_PATH_ERRNOS = frozenset(
    {
        errno.ENOENT,
        errno.EACCES,
        errno.EPERM,
        errno.EISDIR,
        errno.ENOTDIR,
        errno.EEXIST,
        errno.ENAMETOOLONG,
        errno.ELOOP,
        errno.EROFS,
    }
)
# What os functions raise for a path holding NUL (e.g. a file named after "a%00b").
_NUL_IN_PATH = re.compile(r"embedded null (byte|character)")


def _bad_path(exc: OSError) -> bool:
    return exc.filename is not None and exc.errno in _BAD_PATH_ERRNOS


def _os_line(exc: OSError) -> str:
    detail = exc.strerror or str(exc)
    return f"{detail}: {os.fsdecode(exc.filename)}" if exc.filename is not None else detail


def _bad_url(exc: Exception) -> bool:
    """httpx's own URL errors: a URL (argument or host setting) it cannot send to. httpx
    is only looked at when something imported it: otherwise the error is not its."""
    httpx = sys.modules.get("httpx")
    return httpx is not None and isinstance(exc, (httpx.InvalidURL, httpx.UnsupportedProtocol))


def classify(exc: Exception) -> tuple[int, str] | None:
    """(exit code, message) of an error the boundary reports in one line; None: a bug."""
    if isinstance(exc, (WcsConfigError, WcsInputError)):
        return EXIT_USAGE, str(exc)
    if isinstance(exc, WcsError):
        return EXIT_FAILED, str(exc)
    if isinstance(exc, OSError):
        return (EXIT_USAGE if _bad_path(exc) else EXIT_FAILED), _os_line(exc)
    if isinstance(exc, ValueError) and _NUL_IN_PATH.fullmatch(str(exc)):
        return EXIT_USAGE, "a file name cannot hold a NUL character (\\x00)"
    if _bad_url(exc):
        return EXIT_USAGE, f"bad URL: {exc}"
    return None


def error_document(exc: BaseException | None, message: str) -> dict[str, Any]:
    """The ``--json`` form of an error, on stdout as the one line is on stderr:
    ``{"error": {"status", "code", "message", "request_id"}}``. ``status`` is the HTTP
    status and ``code`` the WCS code of an error the server answered, else null;
    ``message`` is the line without its ``error:``, status and request id."""
    if isinstance(exc, WcsAPIError):
        status, code, text = exc.status, exc.code, exc.message
    elif isinstance(exc, WcsError):
        status, code, text = None, None, exc.message
    else:
        status, code, text = None, None, message
    request_id = exc.request_id if isinstance(exc, WcsError) else None
    return {"error": {"status": status, "code": code, "message": text, "request_id": request_id}}


def record_folder_error(state: CliState, exc: OSError) -> WcsError | None:
    """An error about ``tmp_record_folder`` (it is a file, lies under one, may not be
    written) as an error that names the setting and where it was set; None: another."""
    loaded = state.loaded
    if loaded is None or exc.filename is None:
        return None
    config, sources = loaded
    folder = Path(os.path.abspath(config.tmp_record_folder))
    path = Path(os.path.abspath(os.fsdecode(exc.filename)))
    inside = path == folder or folder in path.parents
    above = path in folder.parents and path != Path(path.anchor)
    if not (inside or above):
        return None
    not_a_folder = exc.errno in (errno.EEXIST, errno.ENOTDIR)
    detail = "not a directory" if not_a_folder else (exc.strerror or str(exc))
    message = (
        f"tmp_record_folder (from {sources['tmp_record_folder']}) cannot be used: {detail}: {path}"
    )
    return WcsConfigError(message) if _bad_path(exc) else WcsError(message)
