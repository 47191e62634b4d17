"""Folders and files that only the emulator's user may read: the data directory and
every folder in it 0700, every file 0600.

The SQLite file holds the ctx secret (whoever reads it can forge ctxs), and the blobs
are whatever the tests put there. Modes are given when a file or folder is created, so
no umask makes them wider; what an earlier run left wider is narrowed at start.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO, Final

__all__ = ["FILE_MODE", "FOLDER_MODE", "create_file", "make_folder", "narrow"]

FOLDER_MODE: Final = 0o700
FILE_MODE: Final = 0o600


def make_folder(path: Path, *, parents: bool = False) -> None:
    """Create ``path`` (0700) unless it exists; ``parents`` get the usual modes."""
    if parents:
        path.parent.mkdir(parents=True, exist_ok=True)
    path.mkdir(mode=FOLDER_MODE, exist_ok=True)


def create_file(path: Path) -> BinaryIO:
    """A new file (0600) open for writing; an existing one is an error."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), FILE_MODE)
    return os.fdopen(fd, "wb")


def narrow(path: Path) -> None:
    """Make an existing folder 0700 or file 0600 if it grants more (left by an earlier run)."""
    mode = FOLDER_MODE if path.is_dir() else FILE_MODE
    if path.stat().st_mode & 0o777 & ~mode:
        path.chmod(mode)
