"""The SQLite file that holds all metadata: objects, blocks, jobs, counters.

One connection shared by the threadpool under a lock: SQLite serialises writers anyway,
and one connection keeps every transaction simple. WAL lets a crash lose at most the
last commits, never leave half of one.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .private_files import create_file, narrow

__all__ = ["Database"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    name TEXT PRIMARY KEY, value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS buckets (
    name TEXT PRIMARY KEY, created_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS objects (
    bucket TEXT NOT NULL, key TEXT NOT NULL, blob TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL, hash TEXT NOT NULL, mime TEXT NOT NULL,
    put_ms INTEGER NOT NULL, expires_ms INTEGER,
    PRIMARY KEY (bucket, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS objects_expiry ON objects (expires_ms)
    WHERE expires_ms IS NOT NULL;
CREATE TABLE IF NOT EXISTS blocks (
    id TEXT PRIMARY KEY, bucket TEXT NOT NULL, scope TEXT NOT NULL,
    idx INTEGER NOT NULL, size INTEGER NOT NULL, received INTEGER NOT NULL,
    created_ms INTEGER NOT NULL, batch TEXT NOT NULL,
    file TEXT NOT NULL DEFAULT '', file_offset INTEGER NOT NULL DEFAULT 0
);
-- Blocks of one upload (scope and uploadBatch) share a file, each at its place in the
-- object, so the object is that file renamed, not a copy (see multipart_store).
CREATE TABLE IF NOT EXISTS block_files (
    id TEXT PRIMARY KEY, scope TEXT NOT NULL, batch TEXT NOT NULL, stride INTEGER NOT NULL,
    UNIQUE (scope, batch)
);
CREATE TABLE IF NOT EXISTS finished_uploads (
    digest TEXT PRIMARY KEY, bucket TEXT NOT NULL, key TEXT NOT NULL,
    hash TEXT NOT NULL, body TEXT NOT NULL, expires_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS usage (
    bucket TEXT NOT NULL, day TEXT NOT NULL, kind TEXT NOT NULL, value INTEGER NOT NULL,
    PRIMARY KEY (bucket, day, kind)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, op TEXT NOT NULL, access_key TEXT NOT NULL,
    notify_url TEXT NOT NULL, separate INTEGER NOT NULL, force INTEGER NOT NULL,
    input_bucket TEXT, input_key TEXT, input_size INTEGER,
    state INTEGER NOT NULL, items TEXT NOT NULL, created_ms INTEGER NOT NULL
);
"""

# (table, column, declaration) added after the table first shipped; in _SCHEMA too.
_ADDED_COLUMNS = (
    # The file holding a block's bytes ('': its own, named by its id) and where in it.
    ("blocks", "file", "TEXT NOT NULL DEFAULT ''"),
    ("blocks", "file_offset", "INTEGER NOT NULL DEFAULT 0"),
)


class Database:
    def __init__(self, path: Path) -> None:
        # Made 0600 before SQLite opens it: SQLite gives its -wal and -shm files the
        # mode of the database file, and the file holds the ctx secret.
        with contextlib.suppress(FileExistsError):
            create_file(path).close()
        for part in (path, path.with_name(f"{path.name}-wal"), path.with_name(f"{path.name}-shm")):
            if part.exists():
                narrow(part)
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(_SCHEMA)
        self._add_missing_columns()

    def _add_missing_columns(self) -> None:
        """Columns added since a data folder was made: added to its tables, the rows
        taking the default (what the older emulator meant)."""
        for table, column, declaration in _ADDED_COLUMNS:
            names = {row[1] for row in self._conn.execute(f"PRAGMA table_info({table})")}
            if column not in names:
                self._conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit of work; not reentrant."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._conn.close()
