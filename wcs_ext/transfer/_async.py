"""The awaitable twin of :mod:`._sync`: the same flows, driven by tasks.

File reads run in worker threads (``asyncio.to_thread``) so the event loop never waits
on the disk; blocks are bounded by a semaphore as the threads are by their pool.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterable, Awaitable, Callable
from typing import Any

import httpx

from .._base_client import Operation
from .._upload_ops import UploadCalls
from ..errors import WcsAPIError
from ..models import UploadResult
from ..protocol.blocks import BlockSpan
from ._common import (
    FileUpload,
    TransferBase,
    TransferSettings,
    download_transport_error,
    local_file,
)
from ._download import DownloadResult, PartialDownload
from ._engine import drive_async, run_blocks_async
from ._flow import SendStep, TokenSource, UploadJob, block_flow, ctx_lost, finish_flow
from ._readers import EtagFile, Readable, read_exactly
from ._record import BlockState
from .progress import ProgressCallback, ProgressTracker

__all__ = ["AsyncTransfer"]

AsyncSender = Callable[[SendStep[Any]], Awaitable[Any]]


async def _no_reads(offset: int, size: int) -> bytes:
    raise AssertionError("finishing an upload reads nothing")


class _AsyncBlocks:
    """``read_exactly`` over a sync stream (in a thread) or an async iterable of bytes."""

    def __init__(self, source: Readable | AsyncIterable[bytes]) -> None:
        self._sync = source if isinstance(source, Readable) else None
        self._chunks = None if isinstance(source, Readable) else aiter(source)
        self._pending = b""

    async def read(self, size: int) -> bytes:
        if self._sync is not None:
            return await asyncio.to_thread(read_exactly, self._sync, size)
        assert self._chunks is not None
        parts, have = [self._pending], len(self._pending)
        while have < size:
            try:
                chunk = await anext(self._chunks)
            except StopAsyncIteration:
                break
            parts.append(chunk)
            have += len(chunk)
        data = b"".join(parts)
        data, self._pending = data[:size], data[size:]
        return data


class AsyncTransfer(TransferBase[httpx.AsyncClient]):
    """Runs transfer flows: ``send`` performs one request with its retry policy."""

    def __init__(
        self,
        *,
        settings: TransferSettings,
        send: AsyncSender,
        calls: UploadCalls,
        tokens_for: Callable[[str, str], TokenSource],
        http: Callable[[], httpx.AsyncClient],
    ) -> None:
        super().__init__(settings=settings, calls=calls, tokens_for=tokens_for, http=http)
        self._send = send

    async def _run(self, op: Operation[Any]) -> Any:
        return await self._send(SendStep(op, self._settings.retries.form))

    async def simple_upload(
        self,
        path: str | os.PathLike[str],
        bucket: str,
        key: str,
        *,
        progress: ProgressCallback | None = None,
    ) -> UploadResult:
        file = local_file(path)
        size = file.stat().st_size
        with EtagFile(os.fspath(file), progress=ProgressTracker(progress, size)) as stream:
            result = await self._run(self._form_upload_op(stream, bucket, key, size))
            return self._form_upload_done(file, stream, size, result)

    async def multipart_upload(
        self,
        path: str | os.PathLike[str],
        bucket: str,
        key: str,
        *,
        upload_id: str | None = None,
        progress: ProgressCallback | None = None,
    ) -> UploadResult:
        file = local_file(path)
        if file.stat().st_size == 0:
            return await self.simple_upload(file, bucket, key, progress=progress)
        for attempt in range(2):
            with self._prepare(file, bucket, key, upload_id, progress) as upload:
                states = await self._send_blocks(upload)
                upload.check_unchanged()
                ordered = [states.get(b.index) or upload.resumed[b.index] for b in upload.blocks]
                flow = finish_flow(upload.job, upload.size, ordered)
                try:
                    result: UploadResult = await drive_async(flow, read=_no_reads, send=self._send)
                except WcsAPIError as exc:
                    if attempt or not ctx_lost(exc):
                        raise
                    upload.record.delete()  # the server lost blocks the record had: resend
                    continue
                return result
        raise AssertionError("unreachable: the second attempt returns or raises")

    async def _send_blocks(self, upload: FileUpload) -> dict[int, BlockState]:
        with upload.path.open("rb") as handle:
            fd = handle.fileno()

            async def read(offset: int, size: int) -> bytes:
                return await asyncio.to_thread(os.pread, fd, size, offset)

            return await run_blocks_async(
                upload.job,
                upload.pending,
                upload.resumed,
                read=read,
                send=self._send,
                concurrency=self._settings.concurrency,
            )

    async def stream_upload(
        self,
        source: Readable | AsyncIterable[bytes],
        bucket: str,
        key: str,
        *,
        progress: ProgressCallback | None = None,
    ) -> UploadResult:
        reader = _AsyncBlocks(source)
        block_size = self._settings.block_size
        data = await reader.read(block_size)
        if len(data) < block_size:
            return await self._small_stream(data, bucket, key, progress)
        job = self._stream_job(bucket, key, progress)
        slots = asyncio.Semaphore(self._settings.concurrency)
        total = 0
        try:
            async with asyncio.TaskGroup() as group:
                tasks: list[asyncio.Task[BlockState]] = []
                while data:
                    await slots.acquire()  # back-pressure, as in the threaded engine
                    block = BlockSpan(len(tasks), total, len(data))
                    tasks.append(group.create_task(self._stream_block(job, block, data, slots)))
                    total += len(data)
                    data = await reader.read(block_size)
        except BaseExceptionGroup as group_error:
            raise group_error.exceptions[0] from None
        job.progress.set_total(total)
        states = [task.result() for task in tasks]
        result: UploadResult = await drive_async(
            finish_flow(job, total, states), read=_no_reads, send=self._send
        )
        return result

    async def _stream_block(
        self, job: UploadJob, block: BlockSpan, data: bytes, slots: asyncio.Semaphore
    ) -> BlockState:
        view = memoryview(data)

        async def read(at: int, size: int) -> bytes:
            return bytes(view[at - block.offset : at - block.offset + size])

        try:
            return await drive_async(block_flow(job, block, None), read=read, send=self._send)
        finally:
            slots.release()

    async def _small_stream(
        self, data: bytes, bucket: str, key: str, progress: ProgressCallback | None
    ) -> UploadResult:
        result = await self._run(self._small_stream_op(data, bucket, key))
        return self._small_stream_done(data, result, progress)

    async def download(
        self,
        url: str,
        dest: str | os.PathLike[str],
        *,
        resume: bool = True,
        progress: ProgressCallback | None = None,
    ) -> DownloadResult:
        partial = PartialDownload(url, dest, resume=resume)
        tracker = ProgressTracker(progress, None, done=partial.have)
        attempts = 0
        while True:
            headers = partial.request_headers(self._settings.traffic_limit)
            try:
                async with self._http().stream("GET", url, headers=headers) as response:
                    if response.status_code == 416 and partial.have:
                        partial.restart()
                        continue
                    if response.status_code not in (200, 206):
                        await response.aread()
                    with partial.accept(response) as out:
                        tracker.add(partial.have - tracker.done)
                        if partial.total is not None:
                            tracker.set_total(partial.total)
                        async for chunk in response.aiter_bytes():
                            partial.write(out, chunk, tracker)
                return partial.finish()
            except httpx.HTTPError as exc:
                attempts += 1
                if not partial.can_continue or attempts > self._settings.download_retries:
                    partial.keep_if_resumable()
                    raise download_transport_error(url, exc) from exc
