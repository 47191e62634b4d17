"""Multipart uploads in progress: their blocks' bytes on disk and rows in SQLite, and
assembling them into an object (the ctx tokens themselves: ``ctx_tokens``).

A bput carries the ctx of the previous answer and must come at that ctx's offset. A
ctx older than the block's newest data rewinds the block to its offset before the
chunk is appended: that is exactly a retried bput whose answer was lost. A finished
mkfile's answer is remembered, so a repeated mkfile gets it again.

Blocks of one upload share a file, each at its place in the object (``block_placement``),
so a mkfile usually renames that file rather than copying the object; a block that
ended is synced then, while the rest of the upload still arrives.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Callable, Sequence
from typing import TYPE_CHECKING, Any, BinaryIO

import attrs

from ...protocol.checksum import ETAG_BLOCK_SIZE, crc32_bytes
from ..clock import now_ms
from ..errors import bad_request
from .blob_files import AdoptedBlob, BlobStore, NewBlob
from .block_digests import BlockDigests
from .block_placement import claim_shared_file, place_block, users_of
from .ctx_tokens import Ctx, CtxCodec, ctx_error
from .database import Database

if TYPE_CHECKING:
    from ...protocol.checksum import Buffer

__all__ = ["BlockAck", "BlockLocks", "BlockStore", "ChunkWriter"]


@attrs.frozen
class BlockRow:
    id: str
    bucket: str
    scope: str
    index: int
    size: int
    received: int
    created_ms: int
    batch: str
    file: str = ""
    """The shared file holding the block's bytes; '': its own file, named by its id."""
    file_offset: int = 0

    @property
    def file_id(self) -> str:
        return self.file or self.id


@attrs.frozen
class BlockAck:
    ctx: str
    checksum: str
    crc32: int
    offset: int

    def to_json(self) -> dict[str, Any]:
        return attrs.asdict(self)


class BlockLocks:
    """One lock per block, so two chunks of a block (or a chunk and the mkfile using the
    block) never interleave (event loop only)."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}

    def __call__(self, block_id: str) -> asyncio.Lock:
        return self._locks.setdefault(block_id, asyncio.Lock())

    @contextlib.asynccontextmanager
    async def holding(self, block_ids: Sequence[str]) -> AsyncIterator[None]:
        """The locks of several blocks at once, taken in one order (no deadlock)."""
        async with contextlib.AsyncExitStack() as stack:
            for block_id in sorted(set(block_ids)):
                await stack.enter_async_context(self(block_id))
            yield

    def drop(self, block_ids: Sequence[str]) -> None:
        for block_id in block_ids:
            self._locks.pop(block_id, None)


class ChunkWriter:
    """One chunk arriving into a block file: ``write`` pieces, then ``commit`` or ``abort``."""

    def __init__(self, store: BlockStore, row: BlockRow, start: int, digests: BlockDigests) -> None:
        self._store = store
        self._row = row
        self._start = start
        self._offset = start
        self._digests = digests
        self._crc = 0
        try:
            self._file: BinaryIO = store.blobs.block_path(row.file_id).open("r+b")
        except FileNotFoundError:
            raise ctx_error("the block's data is missing") from None
        self._file.seek(row.file_offset + start)
        if not row.file:
            self._file.truncate()  # a shared file holds other blocks after this one

    @property
    def block_id(self) -> str:
        return self._row.id

    def write(self, data: Buffer) -> None:
        size = memoryview(data).nbytes
        if self._offset + size > self._row.size:
            raise bad_request(
                f"chunk overflows block {self._row.index}: it is declared {self._row.size} bytes"
            )
        self._file.write(data)
        self._digests.update(data)
        self._crc = crc32_bytes(data, self._crc)
        self._offset += size

    def commit(self) -> BlockAck:
        """Record the chunk and answer its ctx; on failure the caller must :meth:`abort`,
        which needs the file still open: it is closed only once all else succeeded."""
        if self._offset == self._start:
            raise bad_request("empty chunk")
        ctx = Ctx(self._row.id, self._row.index, self._row.size, self._offset, self._row.created_ms)
        ack = BlockAck(
            ctx=self._store.codec.encode(ctx),
            checksum=self._digests.checksum(),
            crc32=self._crc & 0xFFFFFFFF,
            offset=self._offset,
        )
        self._file.flush()
        if self._offset == self._row.size:
            # Synced now, while the upload's other blocks still arrive: mkfile, which
            # the client waits for, then has little left to write.
            os.fdatasync(self._file.fileno())
        self._store.record_received(self._row.id, self._offset, self._digests)
        self._file.close()
        return ack

    def abort(self) -> None:
        if not self._row.file:  # in a shared file, bytes past ``received`` are ignored
            self._file.seek(self._start)
            self._file.truncate()
        self._file.close()
        self._store.record_received(self._row.id, self._start, None)


class BlockStore:
    def __init__(
        self,
        db: Database,
        blobs: BlobStore,
        codec: CtxCodec,
        *,
        ttl_ms: int,
        clock: Callable[[], int] = now_ms,
    ) -> None:
        self._db = db
        self.blobs = blobs
        self.codec = codec
        self._ttl_ms = ttl_ms
        self._clock = clock
        # The digests of each block so far, so neither a bput nor mkfile need read the
        # block again; a miss (after a restart, or a rewind) hashes the file instead.
        self._digests: dict[str, tuple[int, BlockDigests]] = {}

    def _row(self, block_id: str) -> BlockRow | None:
        with self._db.transaction() as conn:
            row = conn.execute(
                "SELECT id, bucket, scope, idx, size, received, created_ms, batch, file, "
                "file_offset FROM blocks WHERE id = ?",
                (block_id,),
            ).fetchone()
        return None if row is None else BlockRow(*row)

    def create(self, *, bucket: str, scope: str, index: int, size: int, batch: str) -> ChunkWriter:
        block_id = BlobStore.new_id()
        with self._db.transaction() as conn:
            (file, offset), new_file = place_block(
                conn, scope=scope, batch=batch, index=index, size=size, new_id=BlobStore.new_id()
            )
            row = BlockRow(
                block_id, bucket, scope, index, size, 0, self._clock(), batch, file, offset
            )
            if new_file or not file:
                self.blobs.new_block_file(row.file_id)
            conn.execute(
                "INSERT INTO blocks (id, bucket, scope, idx, size, received, created_ms, batch, "
                "file, file_offset) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                attrs.astuple(row),
            )
        return ChunkWriter(self, row, 0, BlockDigests(size))

    def _check(self, ctx: Ctx, scope: str) -> BlockRow:
        if ctx.created_ms + self._ttl_ms <= self._clock():
            raise ctx_error("ctx expired")
        row = self._row(ctx.block_id)
        if row is None:
            raise ctx_error("unknown ctx (its block was finished or purged)")
        if row.scope != scope:
            raise bad_request("the ctx belongs to an upload with another scope")
        if ctx.offset > row.received:
            raise ctx_error("the ctx is ahead of its block's data")
        return row

    def resume(self, ctx: Ctx, scope: str) -> ChunkWriter:
        row = self._check(ctx, scope)
        return ChunkWriter(self, row, ctx.offset, self._digests_upto(row, ctx.offset))

    def _digests_upto(self, row: BlockRow, offset: int) -> BlockDigests:
        cached = self._digests.get(row.id)
        if cached is not None and cached[0] == offset:
            return cached[1].copy()
        try:
            with self.blobs.block_path(row.file_id).open("rb", buffering=0) as file:
                file.seek(row.file_offset)
                return BlockDigests.of_file(file, row.size, offset)
        except OSError:
            raise ctx_error("the block's data is missing") from None

    def record_received(self, block_id: str, received: int, digests: BlockDigests | None) -> None:
        with self._db.transaction() as conn:
            conn.execute("UPDATE blocks SET received = ? WHERE id = ?", (received, block_id))
        if digests is None:
            self._digests.pop(block_id, None)
        else:
            self._digests[block_id] = (received, digests.copy())

    def assemble(
        self, ctxs: Sequence[Ctx], scope: str, file_size: int
    ) -> tuple[NewBlob, list[str]]:
        """Validate the ctx list of a mkfile and make the object's new blob of the blocks,
        in order, with the digests kept as they arrived (the object is not hashed again):
        their shared file itself where they lie in it as in the object, else a copy.

        Returns the blob and the block ids, to be deleted once the object is stored.
        """
        rows = [self._check(ctx, scope) for ctx in ctxs]
        for position, (ctx, row) in enumerate(zip(ctxs, rows, strict=True)):
            if ctx.index != position:
                raise bad_request(
                    f"ctx {position} is for block {ctx.index}: list the ctxs in block order"
                )
            if row.received != row.size or ctx.offset != row.size:
                raise bad_request(
                    f"block {position} is incomplete: the ctx covers {ctx.offset} of "
                    f"{row.size} bytes"
                )
            if position < len(rows) - 1 and row.size % ETAG_BLOCK_SIZE:
                raise bad_request(
                    f"block {position} has {row.size} bytes: every block but the last "
                    f"must be a multiple of {ETAG_BLOCK_SIZE} (4 MiB)"
                )
        total = sum(row.size for row in rows)
        if total != file_size:
            raise bad_request(f"the blocks hold {total} bytes, not the fileSize {file_size}")
        pieces = [self._digests_upto(row, row.size).piece_digests() for row in rows]
        block_ids = [row.id for row in rows]
        if self._adoptable(rows):
            path = self.blobs.block_path(rows[0].file_id)
            return AdoptedBlob(path, total, [d for part in pieces for d in part]), block_ids
        joined = self.blobs.joined()
        try:
            for row, digests in zip(rows, pieces, strict=True):
                path = self.blobs.block_path(row.file_id)
                joined.append(path, row.file_offset, row.size, digests)
        except BaseException:
            joined.discard()
            raise
        return joined, block_ids

    def _adoptable(self, rows: Sequence[BlockRow]) -> bool:
        """The blocks lie in one file exactly as in the object, and no other live block
        uses it: then the file can become the object. Claimed if so: no block joins it."""
        file_id, position = rows[0].file_id, 0
        for row in rows:
            if row.file_id != file_id or row.file_offset != position:
                return False
            position += row.size
        with self._db.transaction() as conn:
            if users_of(conn, file_id) != len(rows):
                return False
            claim_shared_file(conn, file_id)
        return True

    def discard(self, block_ids: Sequence[str]) -> None:
        """Forget the blocks; remove each file no live block uses any more."""
        with self._db.transaction() as conn:
            files = {
                file_id
                for block_id in block_ids
                for (file_id,) in conn.execute(
                    "SELECT CASE file WHEN '' THEN id ELSE file END FROM blocks WHERE id = ?",
                    (block_id,),
                )
            }
            conn.executemany("DELETE FROM blocks WHERE id = ?", [(i,) for i in block_ids])
            unused = [f for f in files if users_of(conn, f) == 0]
            conn.executemany("DELETE FROM block_files WHERE id = ?", [(f,) for f in unused])
        for block_id in block_ids:
            self._digests.pop(block_id, None)
        for file_id in unused:
            self.blobs.remove_block(file_id)

    # -- finished uploads: a repeated mkfile gets the first one's answer -------------

    def remember(self, digest: str, bucket: str, key: str, hash_: str, body: str) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO finished_uploads "
                "(digest, bucket, key, hash, body, expires_ms) VALUES (?, ?, ?, ?, ?, ?)",
                (digest, bucket, key, hash_, body, self._clock() + self._ttl_ms),
            )

    def forget_answer(self, digest: str) -> None:
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM finished_uploads WHERE digest = ?", (digest,))

    def recall(self, digest: str) -> tuple[str, str, str, str] | None:
        """``(bucket, key, hash, body)`` of a finished mkfile with this digest."""
        with self._db.transaction() as conn:
            row = conn.execute(
                "SELECT bucket, key, hash, body FROM finished_uploads "
                "WHERE digest = ? AND expires_ms > ?",
                (digest, self._clock()),
            ).fetchone()
        return None if row is None else (row[0], row[1], row[2], row[3])

    # -- housekeeping -----------------------------------------------------------------

    def sweep(self) -> list[str]:
        """Purge expired blocks (and old mkfile answers); returns the purged block ids."""
        now = self._clock()
        with self._db.transaction() as conn:
            expired = [
                block_id
                for (block_id,) in conn.execute(
                    "SELECT id FROM blocks WHERE created_ms <= ?", (now - self._ttl_ms,)
                )
            ]
            conn.execute("DELETE FROM finished_uploads WHERE expires_ms <= ?", (now,))
        if expired:
            self.discard(expired)
        return expired

    def prune_missing(self) -> None:
        """Forget blocks whose file a crash left unwritten (or made an object of)."""
        with self._db.transaction() as conn:
            rows = list(
                conn.execute("SELECT id, CASE file WHEN '' THEN id ELSE file END FROM blocks")
            )
            shared = [file_id for (file_id,) in conn.execute("SELECT id FROM block_files")]
            missing = [(f,) for f in shared if not self.blobs.block_path(f).exists()]
            conn.executemany("DELETE FROM block_files WHERE id = ?", missing)
        exists = self.blobs.block_path
        gone = [block_id for block_id, file_id in rows if not exists(file_id).exists()]
        if gone:
            self.discard(gone)

    def live_files(self) -> set[str]:
        """The files in use under ``blocks/``: blocks' own, and shared ones."""
        with self._db.transaction() as conn:
            own = conn.execute("SELECT CASE file WHEN '' THEN id ELSE file END FROM blocks")
            shared = conn.execute("SELECT id FROM block_files")
            return {file_id for (file_id,) in [*own, *shared]}
