"""The multipart upload, top to bottom: plan → token → mkblk/bput → record → mkfile → verify.

1. **Plan.** :func:`~wcs_ext.transfer.upload_plan.prepare_file_upload` opens the resume
   record and says which blocks the server does not hold whole yet; blocks are made one
   at a time (:func:`~wcs_ext.protocol.blocks.iter_blocks`).
2. **Blocks.** :meth:`_send_blocks` submits them to a :class:`WorkerPool`:
   ``concurrency`` at once, at most ``max_in_flight`` submitted ahead, so memory does not
   grow with the file. The first failure stops the others.
3. **One block** (:meth:`_send_block`): the first chunk opens it (mkblk), the next ones
   continue it (bput) in order, each with a fresh-enough upload token; every answer's
   crc32 and offset are checked, the chunk goes into the etag, and the record is written.
   A block whose ctx the server lost is sent whole again.
4. **Finish** (:meth:`_finish`): mkfile with every block's last ctx, then the server's hash
   must equal the local etag; only then is the record deleted (or when the key turned out
   taken: a conflict cannot be resumed).

A stream of unknown size (:meth:`_stream_in_blocks`) goes the same way, its blocks read
while earlier ones are sent, with no record (a stream cannot be read again).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from ... import protocol, transfer
from ..._retry import AttemptClock
from ...errors import WcsAPIError, WcsConflictError, WcsInputError
from ...models import UploadResult
from .._io import BesideCall, BytesReader, FileReader, StreamReader, WorkerPool
from ..client_core import AsyncClientCore
from ..resources.objects import stat_operation

if TYPE_CHECKING:
    # Names for annotations; at run time these modules load on first use
    # (``transfer.record.BlockState``): a program that never transfers skips them.
    from ...protocol.blocks import BlockAck, BlockSpan
    from ...protocol.signing import PutPolicy
    from ...transfer.controls import TransferControls
    from ...transfer.progress import ProgressCallback
    from ...transfer.record import BlockState
    from ...transfer.upload_plan import FileUpload, TokenSource, UploadJob
    from ...transfer.upload_requests import UploadRequests

__all__ = ["AsyncMultipartUploads"]

log = logging.getLogger("wcs_ext.transfer")

MAX_BLOCK_RESTARTS = 3
_HASH_READ = 4 * 1024 * 1024
# A block's first chunk while the pool is still widening: small enough to fit TCP's
# initial window (10 segments, RFC 6928), so its answer comes one round trip after it
# left, and the rest of the block follows on the connection it opened.
OPENING_CHUNK = 8 * 1024


class AsyncMultipartUploads(AsyncClientCore):
    """Uploads in blocks (mkblk/bput/mkfile): parallel, resumable, verified."""

    def _requests_for(self, key: str, options: Mapping[str, object] | None) -> UploadRequests:
        """The upload calls of one upload of ``key``: with the type its options force, or
        the one its key implies (unless guessing is off), or none."""
        config = self._transfer_config
        return transfer.upload_requests.UploadRequests(
            traffic_limit=config.traffic_limit,
            content_type=transfer.content_types.content_type_for(
                key, options or {}, guess=config.guess_mime_type
            ),
        )

    async def _multipart_file(
        self,
        path: Path,
        bucket: str,
        key: str,
        *,
        upload_id: str | None,
        progress: ProgressCallback | None,
        policy: PutPolicy | None = None,
        options: Mapping[str, object] | None = None,
        controls: TransferControls = transfer.controls.NO_CONTROLS,
    ) -> UploadResult:
        tokens = self._upload_tokens(bucket, key, policy, options)
        requests = self._requests_for(key, options)
        for attempt in range(2):
            upload = transfer.upload_plan.prepare_file_upload(
                self._transfer_config,
                path=path,
                bucket=bucket,
                key=key,
                upload_id=upload_id,
                requests=requests,
                tokens=tokens,
                progress=progress,
                controls=controls,
            )
            with upload:
                states = await self._send_file_blocks(upload)
                upload.check_unchanged()
                try:
                    return await self._finish(upload.job, upload.size, states)
                except WcsAPIError as exc:
                    if attempt or not transfer.upload_plan.ctx_lost(exc):
                        raise
                    # mkfile: the server no longer holds blocks the record says it has
                    # (they expired): forget the record and send everything once more.
                    upload.record.delete()
        raise AssertionError("unreachable: the second attempt returns or raises")

    async def _send_file_blocks(self, upload: FileUpload) -> list[BlockState]:
        """Every block of the file sent (or held from before); their states in order."""
        states: dict[int, BlockState] = {
            index: state for index, state in upload.resumed.items() if state.complete
        }
        with upload.path.open("rb") as handle:
            reader = FileReader(handle.fileno())
            await self._send_blocks(upload, reader, states)
        return [states[index] for index in range(upload.block_count)]

    async def _send_blocks(
        self, upload: FileUpload, reader: FileReader, states: dict[int, BlockState]
    ) -> None:
        job = upload.job
        # Made before the first chunk's clock starts: in a fresh process the client (its
        # imports, its TLS context) takes tens of ms, which would read as a long path.
        self._http("put")
        async with WorkerPool(
            job.config.max_concurrency,
            job.config.max_in_flight,
            start=job.config.concurrency,
            expected=upload.block_count - len(states),
            long_path_width=job.config.upload_long_path_width,
        ) as pool:
            for block in upload.pending():
                resumed = upload.resumed.get(block.index)
                await pool.submit(self._send_block, job, block, resumed, reader, pool, states)

    async def _send_block(
        self,
        job: UploadJob,
        block: BlockSpan,
        resumed: BlockState | None,
        reader: FileReader | BytesReader,
        pool: WorkerPool,
        states: dict[int, BlockState],
    ) -> None:
        """Send one block (or what is missing of it), again whole if its ctx was lost."""
        restarts = 0
        while True:
            try:
                states[block.index] = await self._send_chunks(job, block, resumed, reader, pool)
                return
            except WcsAPIError as exc:
                if not transfer.upload_plan.ctx_lost(exc) or restarts >= MAX_BLOCK_RESTARTS:
                    raise
                restarts += 1
                resumed = None  # the server lost the block: send it whole again

    async def _send_chunks(
        self,
        job: UploadJob,
        block: BlockSpan,
        resumed: BlockState | None,
        reader: FileReader | BytesReader,
        pool: WorkerPool,
    ) -> BlockState:
        hasher = protocol.checksum.EtagHasher()
        offset, ctx = 0, ""
        if resumed is not None and resumed.size == block.size:
            # The server holds resumed.acked bytes: hash them again (a read, not an upload).
            while offset < resumed.acked:
                size = min(_HASH_READ, resumed.acked - offset)
                hasher.update(await reader.read_at(block.offset + offset, size))
                offset += size
            ctx = resumed.ctx
        counted = offset  # resumed bytes were counted when the upload started
        state = resumed
        try:
            while offset < block.size:
                await pool.checkpoint()
                job.controls.check()  # cancelled: no new chunk; the record keeps the rest
                # Up to the next chunk boundary: after an opening chunk, the chunks
                # fall where they would have without it.
                chunk_size = job.config.chunk_size // pool.chunk_divisor  # see WorkerPool
                size = min(chunk_size - offset % chunk_size, block.size - offset)
                # Not while the server fails: there an extra request only costs.
                calm = self._request_limit.calm
                opening = offset == 0 and pool.opening and calm and size > OPENING_CHUNK
                if opening:
                    size = OPENING_CHUNK  # answered soon: the pool widens sooner
                chunk = await reader.read_at(block.offset + offset, size)
                if len(chunk) != size:
                    raise WcsInputError("the file changed while it was being uploaded")
                # Hashed while it is on the wire, not after its answer: the connection
                # waits for nothing but the answer before this block's next chunk (or
                # the next block) goes. Hashed after, a few milliseconds each, the
                # workers answered together queue for the CPU, and a connection idle
                # longer than TCP's retransmission timeout (a round trip or two over a
                # long link) starts its slow start again.
                hashing = BesideCall(hasher.update, chunk)
                try:
                    ack, seconds = await self._send_chunk(job, block, ctx, offset, chunk)
                finally:
                    await hashing.wait()
                offset += size
                ctx = ack.ctx
                done = offset == block.size
                state = transfer.record.BlockState(
                    ctx=ctx,
                    acked=offset,
                    size=block.size,
                    updated=time.time(),
                    digests=tuple(d.hex() for d in hasher.block_digests()) if done else (),
                )
                if job.record is not None:
                    job.record.acknowledge(block.index, state)
                job.progress.add(size)
                counted += size
                if opening:  # mostly a new connection's slow start: no rate, a length
                    await pool.opened(seconds)
                await pool.acknowledged(size, None if opening else seconds)
        except WcsAPIError as exc:
            if transfer.upload_plan.ctx_lost(exc):
                # Bytes counted for this block are gone from the server: take them back.
                job.progress.add(-counted)
                if job.record is not None:
                    job.record.forget(block.index)
            raise
        assert state is not None  # the block has at least one byte, so one chunk was acknowledged
        return attrs.evolve(state, digests=tuple(d.hex() for d in hasher.block_digests()))

    async def _send_chunk(
        self, job: UploadJob, block: BlockSpan, ctx: str, offset: int, chunk: bytes
    ) -> tuple[BlockAck, float]:
        """One mkblk (at the block's start) or bput, checked against the chunk sent; and
        the seconds from its sending to its answer (the pool's measure of the path): of
        its last attempt, the waits before retries left out, and so is its building
        (the first one imports its endpoint's module)."""
        token = job.tokens.token()
        if offset == 0:
            op = job.requests.make_block(token, job.batch, block.size, block.index, chunk)
            retry = job.config.retries.mkblk
        else:
            op = job.requests.put_chunk(token, job.batch, ctx, offset, chunk)
            retry = job.config.retries.bput
        clock = AttemptClock()
        ack = await self._run(op, retry, job.controls, clock)
        seconds = clock.seconds()
        transfer.upload_plan.check_ack(ack, chunk, offset + len(chunk), op.what)
        return ack, seconds

    async def _finish(self, job: UploadJob, size: int, states: list[BlockState]) -> UploadResult:
        """mkfile with every block's last ctx, then the hash check; the record goes last."""
        op = job.requests.make_file(
            token=job.tokens.token(),
            upload_batch=job.batch,
            bucket=job.bucket,
            key=job.key,
            size=size,
            ctxs=[state.ctx for state in states],
        )
        local_etag = transfer.upload_plan.etag_of(states)
        try:
            answer = await self._run(op, job.config.retries.mkfile, job.controls)
        except WcsConflictError as conflict:
            # The key exists and overwrite is off. It may hold our own bytes: an earlier
            # run's mkfile reached the server but its answer did not reach us (a crash, a
            # cut connection). Then the upload is done; else another writer won, this
            # upload cannot finish as it stands, and its record must not stay behind.
            try:
                stored_hash = (await self._run(stat_operation(job.bucket, job.key))).hash
            except WcsAPIError:
                stored_hash = None  # gone again, or not ours to see: the conflict stands
            if job.record is not None:
                job.record.delete()
            if stored_hash != local_etag:
                raise
            log.info("%s: the key already holds these bytes (%s)", conflict, local_etag)
            return UploadResult(
                bucket=job.bucket, key=job.key, hash=local_etag, size=size,
                request_id=conflict.request_id,
            )  # fmt: skip
        result = transfer.upload_plan.verify_hash(answer, local_etag)
        if job.record is not None:
            job.record.delete()
        return result

    async def _stream_in_blocks(
        self,
        reader: StreamReader,
        first: bytes,
        bucket: str,
        key: str,
        progress: ProgressCallback | None,
        tokens: TokenSource,
        requests: UploadRequests,
        controls: TransferControls = transfer.controls.NO_CONTROLS,
    ) -> UploadResult:
        """Blocks of a stream, each read while earlier ones are sent: at most
        ``max_in_flight`` blocks are in memory besides the one being read."""
        config = self._transfer_config
        job = transfer.upload_plan.UploadJob(
            bucket=bucket,
            key=key,
            requests=requests,
            tokens=tokens,
            batch=protocol.blocks.new_upload_batch(),
            config=config,
            progress=transfer.progress.ProgressTracker(progress, None),
            controls=controls,
        )
        states: dict[int, BlockState] = {}
        total, index, data = 0, 0, first
        async with WorkerPool(config.concurrency) as pool:  # whole blocks: never wider
            while data:
                block = protocol.blocks.BlockSpan(index, total, len(data))
                blocks = BytesReader(data, total)
                await pool.submit(self._send_block, job, block, None, blocks, pool, states)
                total, index = total + len(data), index + 1
                del data, blocks  # the worker holds the only reference: freed once sent
                data = await reader.read(config.block_size)
        job.progress.set_total(total)
        return await self._finish(job, total, [states[i] for i in range(index)])
