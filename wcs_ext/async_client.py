"""``AsyncWcs``: the awaitable twin of :class:`~wcs_ext.client.Wcs`.

Same operations, names and results; every call is ``await``-ed. Both twins build their
calls from the same :class:`~wcs_ext._operations.ManagementCalls`, so they cannot drift.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import AsyncIterable, AsyncIterator, Sequence
from functools import cached_property
from typing import TypeVar

import httpx

import wcs_client

from ._base_client import Host, Operation, run_async
from ._client_base import DEFAULT_MULTIPART_THRESHOLD, ClientBase, key_for
from ._http import httpx_settings
from ._jobs import AsyncFmgrJobs, AsyncFopsJobs
from ._retry import RetryPolicy
from ._upload_ops import UploadCalls
from .config import WcsConfig
from .errors import WcsInputError
from .models import (
    BucketInfo,
    BucketStatistics,
    BucketUsage,
    ImageDetection,
    LiveRecordings,
    ObjectInfo,
    ObjectPage,
    OperationResult,
    UploadResult,
)
from .transfer import DownloadResult
from .transfer._async import AsyncTransfer
from .transfer._flow import SendStep
from .transfer._readers import Readable
from .transfer.progress import ProgressCallback

__all__ = ["AsyncWcs"]

T = TypeVar("T")


class AsyncWcs(ClientBase):
    """A WCS account for asyncio code. Use ``async with`` or ``await wcs.aclose()``."""

    def __init__(
        self,
        config: WcsConfig | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
        multipart_threshold: int = DEFAULT_MULTIPART_THRESHOLD,
    ) -> None:
        super().__init__(config, retry=retry, multipart_threshold=multipart_threshold)
        self._transport = transport
        self._download_client: httpx.AsyncClient | None = None

    def _client(self, host: Host) -> wcs_client.Client:
        if host not in self._clients:
            options = self._client_options(host)
            http = httpx.AsyncClient(transport=self._transport, **options)
            client = wcs_client.Client(base_url=options["base_url"])
            self._clients[host] = client.set_async_httpx_client(http)
        return self._clients[host]

    def _http(self) -> httpx.AsyncClient:
        if self._download_client is None:
            self._download_client = httpx.AsyncClient(
                transport=self._transport, **httpx_settings(self.config)
            )
        return self._download_client

    async def _run(self, op: Operation[T]) -> T:
        return await run_async(op, self._client(op.host), self._retry)

    async def _send(self, step: SendStep[T]) -> T:
        return await run_async(step.op, self._client(step.op.host), step.retry)

    @cached_property
    def _transfer(self) -> AsyncTransfer:
        return AsyncTransfer(
            settings=self._transfer_settings(),
            send=self._send,
            calls=UploadCalls(traffic_limit=self.config.traffic_limit),
            tokens_for=self._tokens_for,
            http=self._http,
        )

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.get_async_httpx_client().aclose()
        self._clients.clear()
        if self._download_client is not None:
            await self._download_client.aclose()
            self._download_client = None

    async def __aenter__(self) -> AsyncWcs:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    @cached_property
    def fmgr(self) -> AsyncFmgrJobs:
        return AsyncFmgrJobs(self._jobs, self._run)

    @cached_property
    def fops(self) -> AsyncFopsJobs:
        return AsyncFopsJobs(self._jobs, self._run)

    async def upload_file(
        self,
        path: str | os.PathLike[str],
        bucket: str,
        key: str | None = None,
        *,
        upload_id: str | None = None,
        progress: ProgressCallback | None = None,
    ) -> UploadResult:
        """See :meth:`Wcs.upload_file <wcs_ext.client.Wcs.upload_file>`."""
        if self._goes_multipart(path):
            return await self.multipart_upload(
                path, bucket, key, upload_id=upload_id, progress=progress
            )
        return await self.simple_upload(path, bucket, key, progress=progress)

    async def simple_upload(
        self,
        path: str | os.PathLike[str],
        bucket: str,
        key: str | None = None,
        *,
        progress: ProgressCallback | None = None,
    ) -> UploadResult:
        return await self._transfer.simple_upload(
            path, bucket, key_for(path, key), progress=progress
        )

    async def multipart_upload(
        self,
        path: str | os.PathLike[str],
        bucket: str,
        key: str | None = None,
        *,
        upload_id: str | None = None,
        progress: ProgressCallback | None = None,
    ) -> UploadResult:
        """See :meth:`Wcs.multipart_upload <wcs_ext.client.Wcs.multipart_upload>`."""
        return await self._transfer.multipart_upload(
            path, bucket, key_for(path, key), upload_id=upload_id, progress=progress
        )

    async def stream_upload(
        self,
        source: str | Readable | AsyncIterable[bytes],
        bucket: str,
        key: str,
        *,
        progress: ProgressCallback | None = None,
    ) -> UploadResult:
        """Upload from a URL, a sync binary stream or an async iterable of bytes."""
        if isinstance(source, str):
            if not source.startswith(("http://", "https://")):
                raise WcsInputError(f"stream source must be an http(s) URL, got {source!r}")
            async with self._http().stream("GET", source) as response:
                if response.status_code != 200:
                    raise WcsInputError(f"cannot fetch {source}: HTTP {response.status_code}")
                return await self._transfer.stream_upload(
                    response.aiter_bytes(), bucket, key, progress=progress
                )
        return await self._transfer.stream_upload(source, bucket, key, progress=progress)

    async def download(
        self,
        url: str,
        dest: str | os.PathLike[str],
        *,
        resume: bool = True,
        progress: ProgressCallback | None = None,
    ) -> DownloadResult:
        return await self._transfer.download(url, dest, resume=resume, progress=progress)

    async def list_buckets(self) -> list[BucketInfo]:
        return await self._run(self._calls.list_buckets())

    async def list_objects(
        self,
        bucket: str,
        *,
        prefix: str | None = None,
        marker: str | None = None,
        limit: int | None = None,
        mode: int | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
    ) -> ObjectPage:
        return await self._run(
            self._calls.list_objects(
                bucket,
                prefix=prefix,
                marker=marker,
                limit=limit,
                mode=mode,
                start_time=start_time,
                end_time=end_time,
            )
        )

    async def iter_pages(
        self,
        bucket: str,
        *,
        prefix: str | None = None,
        limit: int | None = None,
        mode: int | None = None,
        marker: str | None = None,
    ) -> AsyncIterator[ObjectPage]:
        while True:
            page = await self.list_objects(
                bucket, prefix=prefix, marker=marker, limit=limit, mode=mode
            )
            yield page
            if not page.has_more:
                return
            marker = page.marker

    async def iter_objects(
        self,
        bucket: str,
        *,
        prefix: str | None = None,
        limit: int | None = None,
        mode: int | None = None,
    ) -> AsyncIterator[ObjectInfo]:
        async for page in self.iter_pages(bucket, prefix=prefix, limit=limit, mode=mode):
            for item in page.items:
                yield item

    async def bucket_usage(
        self,
        buckets: str | Sequence[str],
        start_date: dt.date | str,
        end_date: dt.date | str,
        *,
        list_details: bool = False,
        storage_type: str | None = None,
    ) -> list[BucketUsage]:
        names = buckets.split("|") if isinstance(buckets, str) else list(buckets)
        return await self._run(
            self._calls.bucket_usage(
                names, start_date, end_date, list_details=list_details, storage_type=storage_type
            )
        )

    async def bucket_statistics(
        self, bucket: str, kind: str, start_date: dt.date | str, end_date: dt.date | str
    ) -> BucketStatistics:
        return await self._run(self._calls.bucket_statistics(bucket, kind, start_date, end_date))

    async def stat(self, bucket: str, key: str) -> ObjectInfo:
        return await self._run(self._calls.stat(bucket, key))

    async def delete(self, bucket: str, key: str) -> OperationResult:
        return await self._run(self._calls.delete(bucket, key))

    async def move(
        self, src_bucket: str, src_key: str, dst_bucket: str, dst_key: str | None = None
    ) -> OperationResult:
        return await self._run(
            self._calls.move_or_copy("move", src_bucket, src_key, dst_bucket, dst_key)
        )

    async def copy(
        self, src_bucket: str, src_key: str, dst_bucket: str, dst_key: str | None = None
    ) -> OperationResult:
        return await self._run(
            self._calls.move_or_copy("copy", src_bucket, src_key, dst_bucket, dst_key)
        )

    async def set_deadline(self, bucket: str, key: str, days: int) -> OperationResult:
        return await self._run(self._calls.set_deadline(bucket, key, days))

    async def image_detect(self, image_url: str, kind: str, bucket: str) -> ImageDetection:
        return await self._run(self._calls.image_detect(image_url, kind, bucket))

    async def wslive_list(
        self,
        channel: str,
        start_time: str,
        end_time: str,
        bucket: str,
        *,
        start: int | None = None,
        limit: int | None = None,
    ) -> LiveRecordings:
        return await self._run(
            self._calls.wslive_list(channel, start_time, end_time, bucket, start=start, limit=limit)
        )
