"""Local etags kept between runs, so an unchanged file is not read again.

An entry holds a file's etag with its size, mtime_ns, ctime_ns and inode, keyed by its
path relative to the synced directory; any of them changed and the file is hashed
again. ctime is there because a same-size edit whose mtime was put back (``touch -d``,
``os.utime``) still moves it: no user can set it. A file changed in the last second
before it was hashed is not kept (its time stamps may not tell a change made in the same
clock tick right after the hashing). The cache only saves reading: decisions are made
on etags either way.

One JSON file per synced directory, in the user's cache folder, written whole
(``atomic_file``) at the end of a run, readable by its owner only. A damaged or foreign
file is ignored: everything is hashed again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .._atomic_file import atomic_file
from ..protocol.checksum import etag_file
from .local_tree import LocalFile, file_of

__all__ = ["EtagCache", "cache_file_for"]

log = logging.getLogger(__name__)

_VERSION = 1
_RACY_NS = 1_000_000_000


def cache_file_for(root: Path, folder: Path) -> Path:
    """The cache file of the directory ``root`` under the cache ``folder``."""
    name = hashlib.sha256(os.fsencode(os.path.realpath(root))).hexdigest()[:32]
    return folder / f"etags-{name}.json"


def _stamp(file: LocalFile) -> list[int]:
    return [file.size, file.mtime_ns, file.ctime_ns, file.inode]


class EtagCache:
    """Etags of the files of one directory (see the module); thread-safe."""

    def __init__(
        self,
        path: Path | None,
        *,
        hasher: Callable[[Path], str] = etag_file,
        clock_ns: Callable[[], int] = time.time_ns,
    ) -> None:
        """``path`` None: nothing is read or written (``--no-cache``)."""
        self.path = path
        self._hasher = hasher
        self._clock_ns = clock_ns
        self._entries: dict[str, list[Any]] = {}
        self._lock = threading.Lock()
        self.hashed = 0
        """Files read for their etag by this cache (the rest came from it)."""
        if path is not None:
            self._entries = _read(path)

    def etag(self, rel: str, file: LocalFile) -> str:
        """The etag of ``file``: from the cache when its stamp is the same, else read
        (and kept when the file did not change while it was read)."""
        with self._lock:
            entry = self._entries.get(rel)
        if entry is not None and entry[:4] == _stamp(file):
            return str(entry[4])
        started = self._clock_ns()
        etag = self._hasher(file.path)
        with self._lock:
            self.hashed += 1
        after = file_of(file.path, file.path.stat(follow_symlinks=False))
        if after == file:
            self.remember(rel, file, etag, started=started)
        return etag

    def remember(self, rel: str, file: LocalFile, etag: str, *, started: int | None = None) -> None:
        """Keep ``etag`` for ``file`` as it was when reading it began (``started``, ns)."""
        started = self._clock_ns() if started is None else started
        if started - max(file.mtime_ns, file.ctime_ns) < _RACY_NS:
            with self._lock:
                self._entries.pop(rel, None)
            return
        with self._lock:
            self._entries[rel] = [*_stamp(file), etag]

    def forget(self, rel: str) -> None:
        with self._lock:
            self._entries.pop(rel, None)

    def save(self, keep: Iterable[str]) -> None:
        """Write the entries of the paths in ``keep`` (the files still there)."""
        if self.path is None:
            return
        wanted = set(keep)
        with self._lock:
            entries = {rel: entry for rel, entry in self._entries.items() if rel in wanted}
        document = {"version": _VERSION, "entries": entries}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            with atomic_file(self.path, mode=0o600) as out:
                out.write(json.dumps(document, separators=(",", ":")).encode("utf-8"))
        except OSError as exc:  # the cache saves time; its failure must not fail a sync
            log.warning("warning: the etag cache was not saved: %s", exc.strerror or exc)


def _read(path: Path) -> dict[str, list[Any]]:
    try:
        document = json.loads(path.read_bytes())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        return {}
    if not isinstance(document, dict) or document.get("version") != _VERSION:
        return {}
    entries = document.get("entries")
    if not isinstance(entries, dict):
        return {}
    return {
        rel: entry
        for rel, entry in entries.items()
        if isinstance(entry, list)
        and len(entry) == 5
        and all(isinstance(n, int) for n in entry[:4])
        and isinstance(entry[4], str)
    }
