"""``wcs.fmgr`` and ``wcs.fops``: asynchronous server-side jobs, for both client twins."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from ._base_client import Operation
from ._job_calls import FmgrName, JobCalls
from .models import Job, JobStatus
from .protocol import fmgr_ops as ops

__all__ = ["AsyncFmgrJobs", "AsyncFopsJobs", "FmgrJobs", "FopsJobs"]


class FmgrJobs:
    """Server-side file jobs: each returns a :class:`Job` to poll with :meth:`status`.

    ``notify_url``, ``separate`` and ``force`` default to the configuration.
    """

    def __init__(self, calls: JobCalls, run: Callable[[Operation[Any]], Any]) -> None:
        self._calls = calls
        self._run = run

    def submit(
        self,
        name: FmgrName,
        fops: str,
        *,
        notify_url: str | None = None,
        separate: bool | None = None,
        force: bool | None = None,
    ) -> Job:
        """Submit raw op strings (``;``-joined), as the original ``fmgr_*`` methods took."""
        op = self._calls.fmgr(name, fops, notify_url=notify_url, separate=separate, force=force)
        result: Job = self._run(op)
        return result

    def move(
        self, src_bucket: str, src_key: str, dst_bucket: str, dst_key: str | None = None
    ) -> Job:
        return self.submit("move", ops.move_op(src_bucket, src_key, dst_bucket, dst_key))

    def copy(
        self, src_bucket: str, src_key: str, dst_bucket: str, dst_key: str | None = None
    ) -> Job:
        return self.submit("copy", ops.copy_op(src_bucket, src_key, dst_bucket, dst_key))

    def fetch(
        self, url: str, bucket: str, key: str | None = None, *, md5: str | None = None
    ) -> Job:
        return self.submit("fetch", ops.fetch_op(url, bucket, key, md5=md5))

    def delete(self, bucket: str, keys: str | Sequence[str]) -> Job:
        names = [keys] if isinstance(keys, str) else list(keys)
        return self.submit("delete", ops.join_ops(ops.delete_op(bucket, k) for k in names))

    def delete_prefix(self, bucket: str, prefix: str) -> Job:
        return self.submit("deletePrefix", ops.delete_prefix_op(bucket, prefix))

    def delete_m3u8(self, bucket: str, key: str, *, delete_ts: bool | None = None) -> Job:
        return self.submit("deletem3u8", ops.delete_m3u8_op(bucket, key, delete_ts=delete_ts))

    def compress(self, bucket: str, keys: Sequence[str], save_as: tuple[str, str]) -> Job:
        return self.submit("compress", ops.compress_op(bucket, keys, save_as))

    def status(self, persistent_id: str) -> JobStatus:
        result: JobStatus = self._run(self._calls.status("fmgr", persistent_id))
        return result


class FopsJobs:
    """Audio/video processing jobs (``avthumb``, ``vframe``, ...) on stored objects."""

    def __init__(self, calls: JobCalls, run: Callable[[Operation[Any]], Any]) -> None:
        self._calls = calls
        self._run = run

    def execute(
        self,
        bucket: str,
        key: str,
        fops: str,
        *,
        notify_url: str | None = None,
        force: bool | None = None,
        separate: bool | None = None,
    ) -> Job:
        op = self._calls.fops_execute(
            bucket, key, fops, notify_url=notify_url, force=force, separate=separate
        )
        result: Job = self._run(op)
        return result

    def status(self, persistent_id: str) -> JobStatus:
        result: JobStatus = self._run(self._calls.status("fops", persistent_id))
        return result


class AsyncFmgrJobs:
    """The awaitable twin of :class:`FmgrJobs`."""

    def __init__(self, calls: JobCalls, run: Callable[[Operation[Any]], Awaitable[Any]]) -> None:
        self._calls = calls
        self._run = run

    async def submit(
        self,
        name: FmgrName,
        fops: str,
        *,
        notify_url: str | None = None,
        separate: bool | None = None,
        force: bool | None = None,
    ) -> Job:
        op = self._calls.fmgr(name, fops, notify_url=notify_url, separate=separate, force=force)
        result: Job = await self._run(op)
        return result

    async def move(
        self, src_bucket: str, src_key: str, dst_bucket: str, dst_key: str | None = None
    ) -> Job:
        return await self.submit("move", ops.move_op(src_bucket, src_key, dst_bucket, dst_key))

    async def copy(
        self, src_bucket: str, src_key: str, dst_bucket: str, dst_key: str | None = None
    ) -> Job:
        return await self.submit("copy", ops.copy_op(src_bucket, src_key, dst_bucket, dst_key))

    async def fetch(
        self, url: str, bucket: str, key: str | None = None, *, md5: str | None = None
    ) -> Job:
        return await self.submit("fetch", ops.fetch_op(url, bucket, key, md5=md5))

    async def delete(self, bucket: str, keys: str | Sequence[str]) -> Job:
        names = [keys] if isinstance(keys, str) else list(keys)
        return await self.submit("delete", ops.join_ops(ops.delete_op(bucket, k) for k in names))

    async def delete_prefix(self, bucket: str, prefix: str) -> Job:
        return await self.submit("deletePrefix", ops.delete_prefix_op(bucket, prefix))

    async def delete_m3u8(self, bucket: str, key: str, *, delete_ts: bool | None = None) -> Job:
        return await self.submit("deletem3u8", ops.delete_m3u8_op(bucket, key, delete_ts=delete_ts))

    async def compress(self, bucket: str, keys: Sequence[str], save_as: tuple[str, str]) -> Job:
        return await self.submit("compress", ops.compress_op(bucket, keys, save_as))

    async def status(self, persistent_id: str) -> JobStatus:
        result: JobStatus = await self._run(self._calls.status("fmgr", persistent_id))
        return result


class AsyncFopsJobs:
    """The awaitable twin of :class:`FopsJobs`."""

    def __init__(self, calls: JobCalls, run: Callable[[Operation[Any]], Awaitable[Any]]) -> None:
        self._calls = calls
        self._run = run

    async def execute(
        self,
        bucket: str,
        key: str,
        fops: str,
        *,
        notify_url: str | None = None,
        force: bool | None = None,
        separate: bool | None = None,
    ) -> Job:
        op = self._calls.fops_execute(
            bucket, key, fops, notify_url=notify_url, force=force, separate=separate
        )
        result: Job = await self._run(op)
        return result

    async def status(self, persistent_id: str) -> JobStatus:
        result: JobStatus = await self._run(self._calls.status("fops", persistent_id))
        return result
