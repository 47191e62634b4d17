"""Uploads and downloads for the synchronous client: the flows driven on threads.

Files above one block go as blocks in parallel (``concurrency``), read in place with
``pread``; every acknowledged chunk is checked (crc32, offset) and written to the resume
record; the final hash is checked against the etag computed while reading.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import httpx

from .._base_client import Operation
from .._upload_ops import UploadCalls
from ..errors import WcsAPIError
from ..models import UploadResult
from ._common import (
    FileUpload,
    TransferBase,
    TransferSettings,
    download_transport_error,
    local_file,
)
from ._download import DownloadResult, PartialDownload
from ._engine import drive, run_blocks, run_stream_blocks
from ._flow import SendStep, TokenSource, ctx_lost, finish_flow
from ._readers import EtagFile, Readable, read_exactly
from ._record import BlockState
from .progress import ProgressCallback, ProgressTracker

__all__ = ["SyncTransfer"]

Sender = Callable[[SendStep[Any]], Any]


def _no_reads(offset: int, size: int) -> bytes:
    raise AssertionError("finishing an upload reads nothing")


class SyncTransfer(TransferBase[httpx.Client]):
    """Runs transfer flows: ``send`` performs one request with its retry policy."""

    def __init__(
        self,
        *,
        settings: TransferSettings,
        send: Sender,
        calls: UploadCalls,
        tokens_for: Callable[[str, str], TokenSource],
        http: Callable[[], httpx.Client],
    ) -> None:
        super().__init__(settings=settings, calls=calls, tokens_for=tokens_for, http=http)
        self._send = send

    def _run(self, op: Operation[Any]) -> Any:
        return self._send(SendStep(op, self._settings.retries.form))

    # -- uploads -------------------------------------------------------------------------

    def simple_upload(
        self,
        path: str | os.PathLike[str],
        bucket: str,
        key: str,
        *,
        progress: ProgressCallback | None = None,
    ) -> UploadResult:
        """One form POST; the file is streamed from disk and hashed as it is sent."""
        file = local_file(path)
        size = file.stat().st_size
        tracker = ProgressTracker(progress, size)
        with EtagFile(os.fspath(file), progress=tracker) as stream:
            result = self._run(self._form_upload_op(stream, bucket, key, size))
            return self._form_upload_done(file, stream, size, result)

    def multipart_upload(
        self,
        path: str | os.PathLike[str],
        bucket: str,
        key: str,
        *,
        upload_id: str | None = None,
        progress: ProgressCallback | None = None,
    ) -> UploadResult:
        """Blocks in parallel, resumable; an empty file goes as a simple upload."""
        file = local_file(path)
        if file.stat().st_size == 0:
            return self.simple_upload(file, bucket, key, progress=progress)
        for attempt in range(2):
            with self._prepare(file, bucket, key, upload_id, progress) as upload:
                states = self._send_blocks(upload)
                upload.check_unchanged()
                ordered = [states.get(b.index) or upload.resumed[b.index] for b in upload.blocks]
                flow = finish_flow(upload.job, upload.size, ordered)
                try:
                    result: UploadResult = drive(flow, read=_no_reads, send=self._send)
                except WcsAPIError as exc:
                    if attempt or not ctx_lost(exc):
                        raise
                    # mkfile: the server no longer holds blocks the record says it has
                    # (they expired): forget the record and send everything once more.
                    upload.record.delete()
                    continue
                return result
        raise AssertionError("unreachable: the second attempt returns or raises")

    def _send_blocks(self, upload: FileUpload) -> dict[int, BlockState]:
        with upload.path.open("rb") as handle:
            fd = handle.fileno()

            def read(offset: int, size: int) -> bytes:
                return os.pread(fd, size, offset)

            return run_blocks(
                upload.job,
                upload.pending,
                upload.resumed,
                read=read,
                send=self._send,
                concurrency=self._settings.concurrency,
            )

    def stream_upload(
        self,
        stream: Readable,
        bucket: str,
        key: str,
        *,
        progress: ProgressCallback | None = None,
    ) -> UploadResult:
        """Upload from any readable stream, size unknown, a few blocks in memory at most.

        A stream that ends within the first block goes as one form upload.
        """
        block_size = self._settings.block_size
        first = read_exactly(stream, block_size)
        if len(first) < block_size:
            return self._small_stream(first, bucket, key, progress)
        job = self._stream_job(bucket, key, progress)
        total, states = run_stream_blocks(
            job,
            stream,
            first,
            block_size=block_size,
            send=self._send,
            concurrency=self._settings.concurrency,
        )
        job.progress.set_total(total)
        result: UploadResult = drive(
            finish_flow(job, total, states), read=_no_reads, send=self._send
        )
        return result

    def _small_stream(
        self, data: bytes, bucket: str, key: str, progress: ProgressCallback | None
    ) -> UploadResult:
        result = self._run(self._small_stream_op(data, bucket, key))
        return self._small_stream_done(data, result, progress)

    # -- downloads -----------------------------------------------------------------------

    def download(
        self,
        url: str,
        dest: str | os.PathLike[str],
        *,
        resume: bool = True,
        progress: ProgressCallback | None = None,
    ) -> DownloadResult:
        """Stream ``url`` into ``.NAME.wcs-part`` beside ``dest``, continuing an earlier
        partial file with ``Range``; renamed to ``dest`` only once size and hash check out.

        A connection cut mid-body is continued where it stopped (``connection_retries``).
        """
        partial = PartialDownload(url, dest, resume=resume)
        tracker = ProgressTracker(progress, None, done=partial.have)
        attempts = 0
        while True:
            headers = partial.request_headers(self._settings.traffic_limit)
            try:
                with self._http().stream("GET", url, headers=headers) as response:
                    if response.status_code == 416 and partial.have:
                        partial.restart()  # the kept bytes do not fit the object any more
                        continue
                    if response.status_code not in (200, 206):
                        response.read()
                    with partial.accept(response) as out:
                        tracker.add(partial.have - tracker.done)  # 200: starting over
                        if partial.total is not None:
                            tracker.set_total(partial.total)
                        for chunk in response.iter_bytes():
                            partial.write(out, chunk, tracker)
                return partial.finish()
            except httpx.HTTPError as exc:
                attempts += 1
                if not partial.can_continue or attempts > self._settings.download_retries:
                    partial.keep_if_resumable()
                    raise download_transport_error(url, exc) from exc
