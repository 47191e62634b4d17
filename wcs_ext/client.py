"""``Wcs``: the synchronous client, every WCS operation as a typed method.

::

    from wcs_ext import Wcs, WcsConfig
    with Wcs(WcsConfig.load()) as wcs:
        wcs.upload_file("cat.jpg", "photos", "2026/cat.jpg")
        for obj in wcs.iter_objects("photos", prefix="2026/"):
            print(obj.key, obj.size)
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator, Sequence
from functools import cached_property
from typing import TypeVar

import httpx

import wcs_client

from ._base_client import Host, Operation, run_sync
from ._client_base import DEFAULT_MULTIPART_THRESHOLD, ClientBase, key_for
from ._http import httpx_settings
from ._jobs import FmgrJobs, FopsJobs
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
from .transfer import DownloadResult, SyncTransfer
from .transfer._flow import SendStep
from .transfer._readers import IteratorReader, Readable
from .transfer.progress import ProgressCallback

__all__ = ["DEFAULT_MULTIPART_THRESHOLD", "Wcs"]

T = TypeVar("T")


class Wcs(ClientBase):
    """A WCS account: uploads to ``put_url``, everything else to ``mgr_url``.

    Thread-safe; reuse one instance (it pools connections) and close it when done, or
    use it as a context manager. Failures raise :class:`~wcs_ext.errors.WcsError`.
    """

    def __init__(
        self,
        config: WcsConfig | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy | None = None,
        multipart_threshold: int = DEFAULT_MULTIPART_THRESHOLD,
    ) -> None:
        super().__init__(config, retry=retry, multipart_threshold=multipart_threshold)
        self._transport = transport
        self._download_client: httpx.Client | None = None

    def _client(self, host: Host) -> wcs_client.Client:
        if host not in self._clients:
            options = self._client_options(host)
            http = httpx.Client(transport=self._transport, **options)
            client = wcs_client.Client(base_url=options["base_url"])
            self._clients[host] = client.set_httpx_client(http)
        return self._clients[host]

    def _http(self) -> httpx.Client:
        if self._download_client is None:
            self._download_client = httpx.Client(
                transport=self._transport, **httpx_settings(self.config)
            )
        return self._download_client

    def _run(self, op: Operation[T]) -> T:
        return run_sync(op, self._client(op.host), self._retry)

    def _send(self, step: SendStep[T]) -> T:
        return run_sync(step.op, self._client(step.op.host), step.retry)

    @cached_property
    def _transfer(self) -> SyncTransfer:
        return SyncTransfer(
            settings=self._transfer_settings(),
            send=self._send,
            calls=UploadCalls(traffic_limit=self.config.traffic_limit),
            tokens_for=self._tokens_for,
            http=self._http,
        )

    def close(self) -> None:
        for client in self._clients.values():
            client.get_httpx_client().close()
        self._clients.clear()
        if self._download_client is not None:
            self._download_client.close()
            self._download_client = None

    def __enter__(self) -> Wcs:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- jobs ----------------------------------------------------------------------------

    @cached_property
    def fmgr(self) -> FmgrJobs:
        """Asynchronous file jobs: move, copy, fetch, delete, delete_prefix, ... and status."""
        return FmgrJobs(self._jobs, self._run)

    @cached_property
    def fops(self) -> FopsJobs:
        """Audio/video processing jobs and their status."""
        return FopsJobs(self._jobs, self._run)

    # -- uploads -------------------------------------------------------------------------

    def upload_file(
        self,
        path: str | os.PathLike[str],
        bucket: str,
        key: str | None = None,
        *,
        upload_id: str | None = None,
        progress: ProgressCallback | None = None,
    ) -> UploadResult:
        """Upload a local file: one form POST when small, parallel blocks above the
        threshold (resumable: running it again after a failure sends only what is missing).

        ``key`` defaults to the file's name. The server's hash is checked against the
        file's etag; a mismatch raises :class:`~wcs_ext.errors.WcsIntegrityError`.
        """
        if self._goes_multipart(path):
            return self.multipart_upload(path, bucket, key, upload_id=upload_id, progress=progress)
        return self.simple_upload(path, bucket, key, progress=progress)

    def simple_upload(
        self,
        path: str | os.PathLike[str],
        bucket: str,
        key: str | None = None,
        *,
        progress: ProgressCallback | None = None,
    ) -> UploadResult:
        """One form POST (``/file/upload``), streamed from disk."""
        return self._transfer.simple_upload(path, bucket, key_for(path, key), progress=progress)

    def multipart_upload(
        self,
        path: str | os.PathLike[str],
        bucket: str,
        key: str | None = None,
        *,
        upload_id: str | None = None,
        progress: ProgressCallback | None = None,
    ) -> UploadResult:
        """Upload in blocks (mkblk/bput/mkfile), ``concurrency`` blocks at a time.

        Progress is recorded in ``tmp_record_folder`` after every acknowledged chunk, under
        ``upload_id`` (default: derived from target, file size, mtime and block size), so
        an interrupted upload continues where it stopped.
        """
        return self._transfer.multipart_upload(
            path, bucket, key_for(path, key), upload_id=upload_id, progress=progress
        )

    def stream_upload(
        self,
        source: str | Readable | Iterable[bytes],
        bucket: str,
        key: str,
        *,
        progress: ProgressCallback | None = None,
    ) -> UploadResult:
        """Upload from a URL (fetched and streamed, never held whole), a binary stream
        with ``read(n)`` (stdin, a pipe, a socket file) or an iterable of ``bytes``;
        the size need not be known.
        """
        if isinstance(source, str):
            if not source.startswith(("http://", "https://")):
                raise WcsInputError(f"stream source must be an http(s) URL, got {source!r}")
            with self._http().stream("GET", source) as response:
                if response.status_code != 200:
                    raise WcsInputError(f"cannot fetch {source}: HTTP {response.status_code}")
                reader = IteratorReader(response.iter_bytes())
                return self._transfer.stream_upload(reader, bucket, key, progress=progress)
        if not isinstance(source, Readable):
            source = IteratorReader(source)
        return self._transfer.stream_upload(source, bucket, key, progress=progress)

    def download(
        self,
        url: str,
        dest: str | os.PathLike[str],
        *,
        resume: bool = True,
        progress: ProgressCallback | None = None,
    ) -> DownloadResult:
        """Download ``url`` to ``dest``: written to a hidden ``.NAME.wcs-part`` file that a
        later call continues (``Range``), renamed once its size (and WCS hash) check out.
        """
        return self._transfer.download(url, dest, resume=resume, progress=progress)

    # -- buckets and listings ------------------------------------------------------------

    def list_buckets(self) -> list[BucketInfo]:
        return self._run(self._calls.list_buckets())

    def list_objects(
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
        """One page of objects (``limit`` ≤ 1000); pass ``page.marker`` for the next one.

        ``mode`` 0 lists the files of a directory first, 1 its folders first; ``None``
        lists all keys flat. ``start_time``/``end_time`` filter by upload time (ms).
        """
        return self._run(
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

    def iter_pages(
        self,
        bucket: str,
        *,
        prefix: str | None = None,
        limit: int | None = None,
        mode: int | None = None,
        marker: str | None = None,
    ) -> Iterator[ObjectPage]:
        """Every page of a listing, following the marker until the last page."""
        while True:
            page = self.list_objects(bucket, prefix=prefix, marker=marker, limit=limit, mode=mode)
            yield page
            if not page.has_more:
                return
            marker = page.marker

    def iter_objects(
        self,
        bucket: str,
        *,
        prefix: str | None = None,
        limit: int | None = None,
        mode: int | None = None,
    ) -> Iterator[ObjectInfo]:
        """Every object of a listing, page after page (``limit`` = page size)."""
        for page in self.iter_pages(bucket, prefix=prefix, limit=limit, mode=mode):
            yield from page.items

    def bucket_usage(
        self,
        buckets: str | Sequence[str],
        start_date: dt.date | str,
        end_date: dt.date | str,
        *,
        list_details: bool = False,
        storage_type: str | None = None,
    ) -> list[BucketUsage]:
        """Storage used per day by one or more buckets (the original's ``bucket_stat``).

        ``buckets`` may be one name, several names, or the original's ``"b1|b2"``.
        """
        names = buckets.split("|") if isinstance(buckets, str) else list(buckets)
        return self._run(
            self._calls.bucket_usage(
                names, start_date, end_date, list_details=list_details, storage_type=storage_type
            )
        )

    def bucket_statistics(
        self, bucket: str, kind: str, start_date: dt.date | str, end_date: dt.date | str
    ) -> BucketStatistics:
        """Request/traffic statistics of a bucket; ``kind`` e.g. ``"uploadRequest"``."""
        return self._run(self._calls.bucket_statistics(bucket, kind, start_date, end_date))

    # -- objects -------------------------------------------------------------------------

    def stat(self, bucket: str, key: str) -> ObjectInfo:
        """Size, hash, MIME type, upload time of one object; ``WcsNotFoundError`` if absent."""
        return self._run(self._calls.stat(bucket, key))

    def delete(self, bucket: str, key: str) -> OperationResult:
        return self._run(self._calls.delete(bucket, key))

    def move(
        self, src_bucket: str, src_key: str, dst_bucket: str, dst_key: str | None = None
    ) -> OperationResult:
        """Rename or move an object (``dst_key`` defaults to ``src_key``)."""
        return self._run(self._calls.move_or_copy("move", src_bucket, src_key, dst_bucket, dst_key))

    def copy(
        self, src_bucket: str, src_key: str, dst_bucket: str, dst_key: str | None = None
    ) -> OperationResult:
        """Copy an object (``dst_key`` defaults to ``src_key``)."""
        return self._run(self._calls.move_or_copy("copy", src_bucket, src_key, dst_bucket, dst_key))

    def set_deadline(self, bucket: str, key: str, days: int) -> OperationResult:
        """Expire an object after ``days`` days; 0 deletes it soon, -1 keeps it forever."""
        return self._run(self._calls.set_deadline(bucket, key, days))

    def image_detect(self, image_url: str, kind: str, bucket: str) -> ImageDetection:
        """Content detection of an image (``kind`` e.g. ``"porn"``)."""
        return self._run(self._calls.image_detect(image_url, kind, bucket))

    def wslive_list(
        self,
        channel: str,
        start_time: str,
        end_time: str,
        bucket: str,
        *,
        start: int | None = None,
        limit: int | None = None,
    ) -> LiveRecordings:
        """Recordings of a live channel between two ``YYYYMMDDhhmmss`` times."""
        return self._run(
            self._calls.wslive_list(channel, start_time, end_time, bucket, start=start, limit=limit)
        )
