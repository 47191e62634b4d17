"""The multipart upload as I/O-free flows, driven by the sync or the async engine.

A flow is a generator (like an ``httpx.Auth`` flow): it yields what it needs done —
read bytes of the source (:class:`ReadStep`), send a request (:class:`SendStep`) — and
receives the result, or the exception, back. All decisions live here once: chunk
layout, crc32 and offset checks, the etag computed while reading, the resume record
written after every acknowledged chunk, restarting a block whose ctx the server lost.
The drivers in ``_engine`` only perform the steps, in threads or in tasks.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Generator, Sequence
from typing import Any, Generic, TypeVar

import attrs

from .._base_client import Operation
from .._retry import RetryPolicy
from .._upload_ops import UploadCalls
from ..errors import WcsAPIError, WcsInputError, WcsIntegrityError
from ..models import UploadResult
from ..protocol.blocks import CTX_LOST_CODE, BlockAck, BlockSpan
from ..protocol.checksum import EtagHasher, crc32_bytes, etag_from_digests
from ._record import BlockState, ResumeRecord
from .progress import ProgressTracker

__all__ = [
    "ReadStep",
    "SendStep",
    "StepRetries",
    "TokenSource",
    "UploadJob",
    "block_flow",
    "ctx_lost",
    "etag_of",
    "finish_flow",
]

T = TypeVar("T")
MAX_BLOCK_RESTARTS = 3
CTX_LOST_CODES = frozenset({CTX_LOST_CODE, str(CTX_LOST_CODE)})
_HASH_READ = 4 * 1024 * 1024


@attrs.frozen
class ReadStep:
    """Read ``size`` bytes of the source at ``offset``; the flow receives the bytes."""

    offset: int
    size: int


@attrs.frozen
class SendStep(Generic[T]):
    """Run ``op`` with ``retry``; the flow receives its result or its exception."""

    op: Operation[T]
    retry: RetryPolicy


Flow = Generator["ReadStep | SendStep[Any]", Any, T]


@attrs.frozen(kw_only=True)
class StepRetries:
    """Attempts per request kind: ``mkblk_retries``, ``bput_retries``, ``mkfile_retries``,
    and ``connection_retries`` for a whole-file form upload."""

    mkblk: RetryPolicy
    bput: RetryPolicy
    mkfile: RetryPolicy
    form: RetryPolicy


class TokenSource:
    """The upload token of one object, made again before it expires (uploads can outlive
    the 2-hour default lifetime; the original failed then)."""

    def __init__(self, make: Callable[[], tuple[str, int]], *, margin: float = 600.0) -> None:
        self._make = make
        self._margin = margin
        self._lock = threading.Lock()
        self._token = ""
        self._deadline_ms = 0

    def token(self) -> str:
        with self._lock:
            if self._deadline_ms / 1000 - time.time() < self._margin:
                self._token, self._deadline_ms = self._make()
            return self._token


@attrs.frozen(kw_only=True)
class UploadJob:
    """Everything the flows of one upload share."""

    bucket: str
    key: str
    calls: UploadCalls
    tokens: TokenSource
    batch: str
    chunk_size: int
    retries: StepRetries
    progress: ProgressTracker
    record: ResumeRecord | None = None


def check_ack(ack: BlockAck, chunk: bytes | memoryview, expected_offset: int, what: str) -> None:
    """The server must have received exactly this chunk, and as much of the block as sent."""
    crc = crc32_bytes(chunk)
    if ack.crc32 != crc:
        raise WcsIntegrityError(
            f"{what}: the server's crc32 {ack.crc32} differs from the chunk's {crc}",
            request_id=ack.request_id,
        )
    if ack.offset != expected_offset:
        raise WcsIntegrityError(
            f"{what}: the server holds {ack.offset} bytes of the block, expected {expected_offset}",
            request_id=ack.request_id,
        )


def ctx_lost(exc: WcsAPIError) -> bool:
    return exc.status == 400 and exc.code in CTX_LOST_CODES


def block_flow(job: UploadJob, block: BlockSpan, resumed: BlockState | None) -> Flow[BlockState]:
    """Send one block (or what is missing of it); returns its final state with digests."""
    restarts = 0
    while True:
        try:
            return (yield from _send_block(job, block, resumed))
        except WcsAPIError as exc:
            if not ctx_lost(exc) or restarts >= MAX_BLOCK_RESTARTS:
                raise
            restarts += 1
            resumed = None  # the server lost the block: send it whole again


def _send_block(job: UploadJob, block: BlockSpan, resumed: BlockState | None) -> Flow[BlockState]:
    if resumed is not None and resumed.size == block.size and resumed.complete:
        return resumed  # acknowledged whole before, digests saved: nothing to read or send
    hasher = EtagHasher()
    offset, ctx = 0, ""
    if resumed is not None and resumed.size == block.size:
        # The server holds resumed.acked bytes: hash them again (a read, not an upload).
        while offset < resumed.acked:
            size = min(_HASH_READ, resumed.acked - offset)
            hasher.update((yield ReadStep(block.offset + offset, size)))
            offset += size
        ctx = resumed.ctx
    counted = offset  # resumed bytes were counted when the upload started
    state = resumed
    try:
        while offset < block.size:
            size = min(job.chunk_size, block.size - offset)
            chunk = yield ReadStep(block.offset + offset, size)
            if len(chunk) != size:
                raise WcsInputError("the file changed while it was being uploaded")
            token = job.tokens.token()
            if offset == 0:
                op = job.calls.make_block(token, job.batch, block.size, block.index, chunk)
                retry = job.retries.mkblk
            else:
                op = job.calls.put_chunk(token, job.batch, ctx, offset, chunk)
                retry = job.retries.bput
            ack: BlockAck = yield SendStep(op, retry)
            check_ack(ack, chunk, offset + size, op.what)
            hasher.update(chunk)
            offset += size
            ctx = ack.ctx
            done = offset == block.size
            state = BlockState(
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
    except WcsAPIError as exc:
        if ctx_lost(exc):
            # Bytes counted for this block are gone from the server: take them back.
            job.progress.add(-counted)
            if job.record is not None:
                job.record.forget(block.index)
        raise
    digests = tuple(d.hex() for d in hasher.block_digests())
    assert state is not None  # the block has at least one byte, so one chunk was acknowledged
    return attrs.evolve(state, digests=digests)


def etag_of(states: Sequence[BlockState]) -> str:
    """The file's etag from its blocks' digests, in block order."""
    return etag_from_digests([bytes.fromhex(d) for state in states for d in state.digests])


def finish_flow(job: UploadJob, size: int, states: Sequence[BlockState]) -> Flow[UploadResult]:
    """``mkfile`` with every block's last ctx, then the hash check; the record goes last."""
    op = job.calls.make_file(
        token=job.tokens.token(),
        upload_batch=job.batch,
        bucket=job.bucket,
        key=job.key,
        size=size,
        ctxs=[state.ctx for state in states],
    )
    result: UploadResult = yield SendStep(op, job.retries.mkfile)
    local = etag_of(states)
    if result.hash is not None and result.hash != local:
        raise WcsIntegrityError(
            f"upload wcs://{job.bucket}/{job.key}: the server's hash {result.hash} differs "
            f"from the local etag {local}",
            request_id=result.request_id,
        )
    if job.record is not None:
        job.record.delete()
    return result
