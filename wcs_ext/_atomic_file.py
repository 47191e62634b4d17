"""Files that appear whole or not at all: a temporary file in the same folder, flushed
to disk, renamed over the target, the folder synced. Every file wcs-ext writes for the
user (configs, listings, resume records) goes through :func:`atomic_file`."""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

__all__ = ["atomic_file"]


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike[str], *, mode: int | None = None) -> Iterator[BinaryIO]:
    """A file to write ``path`` with, which appears whole or not at all.

    The data goes to a temporary file in the same folder, is flushed to disk and then
    renamed over ``path``. When anything fails (a full disk, an exception of the caller,
    Ctrl-C) the temporary file is removed and the old ``path``, if any, stays as it was;
    an ``OSError`` of the writing names ``path``, not the temporary file.

    A symlink is written through: its target is replaced, the link stays. ``mode``: the
    permissions of the new file (``0o600`` for secrets, set when it is created, never
    later); by default an existing file keeps its mode and a new one gets the umask's.
    A path that is not a regular file (a pipe, ``/dev/stdout``) cannot be replaced: it
    is written as it comes.
    """
    shown = os.fspath(path)
    target = Path(os.path.realpath(path))
    try:
        current: os.stat_result | None = target.stat()
    except FileNotFoundError:
        current = None
    except OSError as exc:
        raise _naming(exc, shown) from exc
    if current is not None and not stat.S_ISREG(current.st_mode):
        try:
            handle = target.open("wb")
        except OSError as exc:
            raise _naming(exc, shown) from exc
        with handle:
            yield handle
        return
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if mode is None else mode)
    except OSError as exc:
        raise _naming(exc, shown) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            if mode is None and current is not None:
                os.fchmod(handle.fileno(), stat.S_IMODE(current.st_mode))
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError) and exc.filename in (None, os.fspath(tmp)):
            raise _naming(exc, shown) from exc
        raise
    _sync_folder(target.parent)


def _naming(exc: OSError, shown: str) -> OSError:
    """``exc`` as the same kind of error about ``shown`` (``OSError`` picks the subclass)."""
    return OSError(exc.errno, exc.strerror or str(exc), shown)


def _sync_folder(folder: Path) -> None:
    """Make a rename durable; some systems cannot open a folder for this: then skip it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
