"""The files of a local directory that a run takes part in, and what it leaves out.

The one rule: regular files are synced, directories are walked; everything else is
warned about and left alone: a symbolic link (to a file or a directory, never
followed: a link must not pull files from outside the tree in, nor let a download
write outside it), a socket, pipe or device, a file or directory that may not be read,
a name that is not UTF-8 text. What was left alone is also protected: its counterpart
on the other side is neither sent over it nor deleted (it is not known to be gone).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import attrs

__all__ = ["LocalFile", "LocalTree", "Skipped", "file_of", "scan"]


@attrs.frozen
class LocalFile:
    """A regular file and what its cached etag is kept by."""

    path: Path
    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int


def file_of(path: Path, info: os.stat_result) -> LocalFile:
    return LocalFile(
        path=path,
        size=info.st_size,
        mtime_ns=info.st_mtime_ns,
        ctime_ns=info.st_ctime_ns,
        inode=info.st_ino,
    )


@attrs.frozen
class Skipped:
    rel: str
    reason: str


@attrs.define
class LocalTree:
    root: Path
    files: dict[str, LocalFile] = attrs.field(factory=dict)
    skipped: list[Skipped] = attrs.field(factory=list)

    def protects(self, rel: str) -> bool:
        """Whether ``rel`` is, or lies under, an entry the walk left alone (under a link
        to a folder too: nothing is written through it)."""
        return any(rel == entry.rel or rel.startswith(entry.rel + "/") for entry in self.skipped)


def _is_text(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes of the name, kept as surrogates
        return False
    return True


def _kind(entry: os.DirEntry[str]) -> str | None:
    """Why ``entry`` is left alone, or None for a regular file or a directory."""
    if entry.is_symlink():
        return "a symbolic link (links are not followed)"
    if entry.is_dir(follow_symlinks=False) or entry.is_file(follow_symlinks=False):
        return None
    return "not a regular file (socket, pipe or device)"


def scan(root: Path, selects: Callable[[str], bool]) -> LocalTree:
    """Walk ``root`` (a directory); ``selects`` says which relative paths take part
    (left out ones are not warned about)."""
    tree = LocalTree(root=root)
    folders: list[tuple[Path, str]] = [(root, "")]
    while folders:
        folder, base = folders.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            if base:  # the root itself was checked by the caller
                tree.skipped.append(Skipped(base.rstrip("/"), _unreadable(exc)))
                continue
            raise
        for entry in entries:
            rel = base + entry.name
            if not _is_text(entry.name):
                tree.skipped.append(Skipped(rel, "its name is not UTF-8 text"))
                continue
            reason = _kind(entry)
            is_dir = reason is None and entry.is_dir(follow_symlinks=False)
            if is_dir:
                folders.append((Path(entry.path), rel + "/"))
                continue
            if not selects(rel):
                continue
            if reason is None:
                reason = _file(tree, rel, Path(entry.path))
            if reason is not None:
                tree.skipped.append(Skipped(rel, reason))
    return tree


def _file(tree: LocalTree, rel: str, path: Path) -> str | None:
    try:
        info = path.stat(follow_symlinks=False)
        if not stat.S_ISREG(info.st_mode):  # replaced since it was listed
            return "not a regular file any more"
        if not os.access(path, os.R_OK):
            return "it may not be read"
    except OSError as exc:
        return _unreadable(exc)
    tree.files[rel] = file_of(path, info)
    return None


def _unreadable(exc: OSError) -> str:
    return f"it cannot be read ({exc.strerror or exc})"
