"""Buckets and objects: rows in SQLite, bytes in blobs, changed atomically together.

Order of every write: the new blob is made durable first, then one transaction points
the key at it, then blobs no row refers to any more are deleted. A crash between steps
leaves an orphan blob (cleaned at start), never a key without bytes or with half of them.

Reads of the bytes (downloads, copies, the job worker) open the blob in the transaction
that finds its row (``open``): since a blob is deleted only after the transaction that
drops its last row has committed, it is there, and once open it stays readable however
the key changes, so a reader gets the version it found, whole.

Expiry (``setdeadline``): an object whose ``expires_ms`` has passed is invisible at once
to every read here, and the sweeper deletes its row and bytes later.
"""

from __future__ import annotations

import bisect
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any, BinaryIO, Final

import attrs

from ..clock import format_time, now_ms
from ..errors import EmulatorError, bad_request
from .blob_files import BlobStore, NewBlob
from .database import Database

__all__ = ["ObjectRecord", "ObjectStore", "file_exists", "no_bucket", "no_file"]

# Query fragments are constants; every value is a bound parameter (hence the S608 noqa).
_LIVE: Final = "(expires_ms IS NULL OR expires_ms > ?)"
_COLUMNS: Final = "bucket, key, blob, size, hash, mime, put_ms, expires_ms"
STORAGE_CLASS: Final = "Standard"


def no_file(bucket: str, key: str) -> EmulatorError:
    return EmulatorError(404, "file not exist")


def no_bucket(bucket: str) -> EmulatorError:
    return EmulatorError(404, f"bucket not exist: {bucket}")


def file_exists() -> EmulatorError:
    return EmulatorError(614, "file exists")


@attrs.frozen(kw_only=True)
class ObjectRecord:
    bucket: str
    key: str
    blob: str
    size: int
    hash: str
    mime: str
    put_ms: int
    expires_ms: int | None

    def listing(self) -> dict[str, Any]:
        """The object as a ``/list`` item (and the core of a ``/stat`` answer)."""
        return {
            "key": self.key,
            "putTime": self.put_ms,
            "hash": self.hash,
            "fsize": self.size,
            "mimeType": self.mime,
            "expirationDate": format_time(self.expires_ms),
            "storageClass": STORAGE_CLASS,
        }


def _record(row: Sequence[Any]) -> ObjectRecord:
    bucket, key, blob, size, hash_, mime, put_ms, expires_ms = row
    return ObjectRecord(
        bucket=bucket,
        key=key,
        blob=blob,
        size=size,
        hash=hash_,
        mime=mime,
        put_ms=put_ms,
        expires_ms=expires_ms,
    )


class ObjectStore:
    def __init__(
        self, db: Database, blobs: BlobStore, *, clock: Callable[[], int] = now_ms
    ) -> None:
        self._db = db
        self._blobs = blobs
        self._clock = clock

    # -- buckets ----------------------------------------------------------------------

    def add_buckets(self, names: Iterable[str]) -> None:
        with self._db.transaction() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO buckets (name, created_ms) VALUES (?, ?)",
                [(name, self._clock()) for name in names],
            )

    def buckets(self) -> list[tuple[str, int]]:
        with self._db.transaction() as conn:
            return list(conn.execute("SELECT name, created_ms FROM buckets ORDER BY name"))

    def require_bucket(self, name: str) -> None:
        with self._db.transaction() as conn:
            self._require_bucket(conn, name)

    @staticmethod
    def _require_bucket(conn: sqlite3.Connection, name: str) -> None:
        if conn.execute("SELECT 1 FROM buckets WHERE name = ?", (name,)).fetchone() is None:
            raise no_bucket(name)

    # -- single objects ---------------------------------------------------------------

    def _live(self, conn: sqlite3.Connection, bucket: str, key: str) -> ObjectRecord | None:
        row = conn.execute(
            f"SELECT {_COLUMNS} FROM objects WHERE bucket = ? AND key = ? AND {_LIVE}",  # noqa: S608
            (bucket, key, self._clock()),
        ).fetchone()
        return None if row is None else _record(row)

    def get(self, bucket: str, key: str) -> ObjectRecord | None:
        with self._db.transaction() as conn:
            return self._live(conn, bucket, key)

    def open(self, bucket: str, key: str) -> tuple[ObjectRecord, BinaryIO] | None:
        """The live object and its blob, opened while the row still points at it.

        Every writer deletes a blob only after the transaction that stops referring to
        it has committed, so the blob of a row read in a transaction is still there;
        once open, it stays readable whatever happens to the key.
        """
        with self._db.transaction() as conn:
            record = self._live(conn, bucket, key)
            return None if record is None else (record, self._blobs.open(record.blob))

    def open_existing(self, bucket: str, key: str) -> tuple[ObjectRecord, BinaryIO]:
        """:meth:`open`, but a missing bucket or key is a 404, as for :meth:`require`."""
        with self._db.transaction() as conn:
            self._require_bucket(conn, bucket)
            record = self._live(conn, bucket, key)
            if record is None:
                raise no_file(bucket, key)
            return record, self._blobs.open(record.blob)

    def require(self, bucket: str, key: str) -> ObjectRecord:
        with self._db.transaction() as conn:
            self._require_bucket(conn, bucket)
            record = self._live(conn, bucket, key)
        if record is None:
            raise no_file(bucket, key)
        return record

    def _place(
        self, conn: sqlite3.Connection, record: ObjectRecord, *, overwrite: bool
    ) -> tuple[ObjectRecord, list[str]]:
        """Point ``record.key`` at ``record.blob``; returns the stored record and the
        blobs to delete once committed.

        Without ``overwrite`` an existing key is a conflict (614), except when it
        already holds the same bytes: then the upload is acknowledged as it is, so a
        client repeating a request whose answer it lost gets its success.
        """
        self._require_bucket(conn, record.bucket)
        row = conn.execute(
            f"SELECT {_COLUMNS} FROM objects WHERE bucket = ? AND key = ?",  # noqa: S608
            (record.bucket, record.key),
        ).fetchone()
        old = None if row is None else _record(row)
        live = old is not None and (old.expires_ms is None or old.expires_ms > self._clock())
        if old is not None and live and not overwrite:
            if old.hash == record.hash:
                return old, [record.blob]
            raise file_exists()
        conn.execute(
            f"INSERT OR REPLACE INTO objects ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608
            attrs.astuple(record),
        )
        return record, [] if old is None else [old.blob]

    def store(
        self,
        bucket: str,
        key: str,
        writer: NewBlob,
        *,
        mime: str,
        overwrite: bool,
        expires_ms: int | None = None,
    ) -> ObjectRecord:
        """Make ``writer``'s bytes the object ``bucket:key``; the writer is consumed."""
        blob = self._blobs.commit(writer)
        record = ObjectRecord(
            bucket=bucket,
            key=key,
            blob=blob,
            size=writer.size,
            hash=writer.hash,
            mime=mime,
            put_ms=self._clock(),
            expires_ms=expires_ms,
        )
        try:
            with self._db.transaction() as conn:
                stored, garbage = self._place(conn, record, overwrite=overwrite)
        except BaseException:
            if not writer.reclaim(self._blobs.path(blob)):
                self._blobs.remove(blob)
            raise
        for name in garbage:
            self._blobs.remove(name)
        return stored

    def delete(self, bucket: str, key: str) -> ObjectRecord | None:
        with self._db.transaction() as conn:
            self._require_bucket(conn, bucket)
            record = self._live(conn, bucket, key)
            if record is not None:
                conn.execute("DELETE FROM objects WHERE bucket = ? AND key = ?", (bucket, key))
        if record is not None:
            self._blobs.remove(record.blob)
        return record

    def transfer(
        self,
        source: tuple[str, str],
        target: tuple[str, str],
        *,
        move: bool,
        force: bool = False,
    ) -> ObjectRecord:
        """Move or copy one object. A missing source is 404; an existing target is 614
        unless ``force`` or it already holds the same bytes; source == target is 400."""
        if source == target:
            raise bad_request("source and destination are the same object")
        if move:
            src = self.require(*source)
            blob = src.blob
        else:
            # A copy is of the version its lookup saw, even if overwritten meanwhile.
            src, file = self.open_existing(*source)
            with file:
                blob = self._blobs.duplicate(src.blob, file)
        record = attrs.evolve(
            src,
            bucket=target[0],
            key=target[1],
            blob=blob,
            put_ms=src.put_ms if move else self._clock(),
        )
        try:
            with self._db.transaction() as conn:
                if move:
                    current = self._live(conn, *source)
                    if current is None or current.blob != src.blob:
                        raise EmulatorError(409, "the source changed during the operation")
                    # First, so the blob is not referenced twice; a conflict rolls it back.
                    conn.execute("DELETE FROM objects WHERE bucket = ? AND key = ?", source)
                stored, garbage = self._place(conn, record, overwrite=force)
        except BaseException:
            if not move:
                self._blobs.remove(blob)
            raise
        for name in garbage:
            self._blobs.remove(name)
        return stored

    def set_expiry(self, bucket: str, key: str, expires_ms: int | None) -> None:
        with self._db.transaction() as conn:
            self._require_bucket(conn, bucket)
            if self._live(conn, bucket, key) is None:
                raise no_file(bucket, key)
            conn.execute(
                "UPDATE objects SET expires_ms = ? WHERE bucket = ? AND key = ?",
                (expires_ms, bucket, key),
            )

    # -- listings ---------------------------------------------------------------------

    def _select(
        self,
        conn: sqlite3.Connection,
        bucket: str,
        prefix: str,
        *,
        after: str = "",
        limit: int | None = None,
        time_range: tuple[int | None, int | None] = (None, None),
    ) -> list[ObjectRecord]:
        sql = [f"SELECT {_COLUMNS} FROM objects WHERE bucket = ? AND {_LIVE} AND key > ?"]  # noqa: S608
        args: list[Any] = [bucket, self._clock(), after]
        if prefix:
            # key >= prefix lets the primary key index do the seek.
            # Compared as bytes: SQLite's text substr() stops at a NUL, which keys may hold.
            sql.append("AND key >= ? AND substr(CAST(key AS BLOB), 1, ?) = CAST(? AS BLOB)")
            args += [prefix, len(prefix.encode()), prefix]
        start, end = time_range
        if start is not None:
            sql.append("AND put_ms >= ?")
            args.append(start)
        if end is not None:
            sql.append("AND put_ms <= ?")
            args.append(end)
        sql.append("ORDER BY key")
        if limit is not None:
            sql.append("LIMIT ?")
            args.append(limit)
        return [_record(row) for row in conn.execute(" ".join(sql), args)]

    def list_flat(
        self,
        bucket: str,
        prefix: str,
        *,
        after: str,
        limit: int,
        time_range: tuple[int | None, int | None] = (None, None),
    ) -> tuple[list[ObjectRecord], bool]:
        """Keys in byte order after ``after``; the flag says whether more follow."""
        with self._db.transaction() as conn:
            self._require_bucket(conn, bucket)
            rows = self._select(
                conn, bucket, prefix, after=after, limit=limit + 1, time_range=time_range
            )
        return rows[:limit], len(rows) > limit

    def list_directory(
        self,
        bucket: str,
        prefix: str,
        *,
        folders_first: bool,
        after: str,
        limit: int,
        time_range: tuple[int | None, int | None] = (None, None),
    ) -> tuple[list[ObjectRecord | str], bool]:
        """One level under ``prefix``: files and folders (``name/``), one group first.

        ``after`` is the last name of the previous page; a name ending in ``/`` is a
        folder (keys never end in ``/``), which tells in which group to continue.
        """
        with self._db.transaction() as conn:
            self._require_bucket(conn, bucket)
            rows = self._select(conn, bucket, prefix, time_range=time_range)
        files: list[ObjectRecord] = []
        folders: dict[str, None] = {}
        for record in rows:
            slash = record.key.find("/", len(prefix))
            if slash < 0:
                files.append(record)
            else:
                folders[record.key[: slash + 1]] = None
        groups: list[tuple[bool, list[ObjectRecord | str]]] = [
            (True, sorted(folders)),
            (False, list(files)),
        ]
        if not folders_first:
            groups.reverse()
        entries: list[ObjectRecord | str] = []
        started = not after
        for is_folder, group in groups:
            if not started:
                if after.endswith("/") != is_folder:
                    continue  # the whole group came before the marker's group
                names = [e if isinstance(e, str) else e.key for e in group]
                group = group[bisect.bisect_right(names, after) :]  # noqa: PLW2901
                started = True
            entries.extend(group)
        return entries[:limit], len(entries) > limit

    def keys_under(self, bucket: str, prefix: str) -> list[str]:
        with self._db.transaction() as conn:
            self._require_bucket(conn, bucket)
            return [r.key for r in self._select(conn, bucket, prefix)]

    # -- housekeeping -----------------------------------------------------------------

    def sweep(self) -> int:
        """Delete expired objects for good; returns how many."""
        now = self._clock()
        with self._db.transaction() as conn:
            expired = conn.execute(
                "SELECT blob FROM objects WHERE expires_ms IS NOT NULL AND expires_ms <= ?",
                (now,),
            ).fetchall()
            conn.execute(
                "DELETE FROM objects WHERE expires_ms IS NOT NULL AND expires_ms <= ?", (now,)
            )
        for (blob,) in expired:
            self._blobs.remove(blob)
        return len(expired)

    def live_blobs(self) -> set[str]:
        with self._db.transaction() as conn:
            return {blob for (blob,) in conn.execute("SELECT blob FROM objects")}
