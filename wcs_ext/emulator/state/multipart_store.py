"""Multipart uploads in progress: their blocks' bytes on disk and rows in SQLite, and
assembling them into an object (the ctx tokens themselves: ``ctx_tokens``).

A bput carries the ctx of the previous answer and must come at that ctx's offset. A
ctx older than the block's newest data rewinds the block to its offset before the
chunk is appended: that is exactly a retried bput whose answer was lost. A finished
mkfile's answer is remembered, so a repeated mkfile gets it again.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from typing import TYPE_CHECKING, Any, BinaryIO

import attrs

from ...protocol.checksum import ETAG_BLOCK_SIZE, crc32_bytes
from ..clock import now_ms
from ..errors import bad_request
from .blob_files import BlobStore, JoinedBlob
from .block_digests import BlockDigests
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
        self._file: BinaryIO = store.blobs.block_path(row.id).open("r+b")
        self._file.seek(start)
        self._file.truncate()

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
        self._store.record_received(self._row.id, self._offset, self._digests)
        self._file.close()
        return ack

    def abort(self) -> None:
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
                "SELECT id, bucket, scope, idx, size, received, created_ms, batch "
                "FROM blocks WHERE id = ?",
                (block_id,),
            ).fetchone()
        return None if row is None else BlockRow(*row)

    def create(self, *, bucket: str, scope: str, index: int, size: int, batch: str) -> ChunkWriter:
        row = BlockRow(BlobStore.new_id(), bucket, scope, index, size, 0, self._clock(), batch)
        self.blobs.new_block_file(row.id)
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO blocks (id, bucket, scope, idx, size, received, created_ms, batch) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
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
            with self.blobs.block_path(row.id).open("rb", buffering=0) as file:
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
        self, ctxs: Sequence[Ctx], scope: str, file_size: int, joined: JoinedBlob
    ) -> list[str]:
        """Validate the ctx list of a mkfile and copy the blocks, in order, into ``joined``
        with the digests kept as they arrived (the object is not hashed again).

        Returns the block ids, to be deleted once the object is stored.
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
        for row in rows:
            digests = self._digests_upto(row, row.size)
            joined.append(self.blobs.block_path(row.id), row.size, digests.piece_digests())
        return [row.id for row in rows]

    def discard(self, block_ids: Sequence[str]) -> None:
        with self._db.transaction() as conn:
            conn.executemany("DELETE FROM blocks WHERE id = ?", [(i,) for i in block_ids])
        for block_id in block_ids:
            self._digests.pop(block_id, None)
            self.blobs.remove_block(block_id)

    # -- finished uploads: a repeated mkfile gets the first one's answer -------------

    def remember(self, digest: str, bucket: str, key: str, hash_: str, body: str) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO finished_uploads "
                "(digest, bucket, key, hash, body, expires_ms) VALUES (?, ?, ?, ?, ?, ?)",
                (digest, bucket, key, hash_, body, self._clock() + self._ttl_ms),
            )

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
        """Forget blocks whose file a crash left unwritten."""
        gone = [i for i in self.live_ids() if not self.blobs.block_path(i).exists()]
        if gone:
            self.discard(gone)

    def live_ids(self) -> set[str]:
        with self._db.transaction() as conn:
            return {block_id for (block_id,) in conn.execute("SELECT id FROM blocks")}
