"""An exclusive, non-blocking lock held in a file beside what it protects (``flock``).

The holder removes the lock file before it lets go of the lock; whoever opened the
file before that and gets the lock afterwards sees that the path no longer names what
it locked, and locks the new file instead. So two holders never overlap, and no lock
file stays behind once a holder is done (one killed outright leaves it, unlocked: the
next run takes it over).
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
from pathlib import Path

from ..errors import WcsInputError

__all__ = ["ExclusiveLock"]

log = logging.getLogger("wcs_ext")

_NO_LOCKS = frozenset({errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS})
"""A file system without flock: go on unlocked (what is kept is still checked)."""

_TAKEOVERS = 100


def _no_follow(path: Path, flags: int, mode: int = 0o600) -> int:
    return os.open(path, flags | os.O_NOFOLLOW | os.O_CLOEXEC, mode)


class ExclusiveLock:
    """``with ExclusiveLock(path, busy=...)``: held for the block, or
    :class:`~wcs_ext.errors.WcsInputError` ``busy`` when someone else holds it."""

    def __init__(self, path: Path, *, busy: str) -> None:
        self.path = path
        self.busy = busy
        self._fd: int | None = None

    def acquire(self) -> None:
        for _ in range(_TAKEOVERS):
            fd = _no_follow(self.path, os.O_RDWR | os.O_CREAT)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise WcsInputError(self.busy) from None
            except OSError as exc:
                os.close(fd)
                if exc.errno not in _NO_LOCKS:
                    raise
                log.debug("no file locks on %s: going on without one", self.path)
                return
            if self._still_named(fd):
                self._fd = fd
                return
            os.close(fd)  # locked a file its last holder had removed: lock the new one
        raise WcsInputError(self.busy)

    def _still_named(self, fd: int) -> bool:
        try:
            named = os.stat(self.path, follow_symlinks=False)
        except FileNotFoundError:
            return False
        held = os.fstat(fd)
        return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)  # while still held: see the module
        finally:
            os.close(fd)

    def __enter__(self) -> ExclusiveLock:
        self.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()
