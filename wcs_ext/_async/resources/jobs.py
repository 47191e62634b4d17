"""Server-side file jobs (``/fmgr/*``): submit move, copy, fetch, delete, delete by
prefix, m3u8 delete and compress; poll their status. Also how any job's status reads,
and :class:`AsyncJob`, a submitted job (fmgr or fops) that can wait for its end."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, Literal, Protocol

import attrs
import httpx

from wcs_client import models as generated
from wcs_client.api import manage
from wcs_client.types import UNSET, Unset

from ... import models
from ..._job_polls import DEFAULT_MAX_POLL, DEFAULT_POLL, PollSchedule
from ..._operation import Operation
from ..._responses import answer_reader, int_code, opt, request_id_of
from ...config import WcsConfig
from ...errors import WcsInputError, WcsJobTimeoutError
from ...models import JobItem, JobStatus
from ...protocol import fmgr_ops as ops
from ...protocol.encoding import urlsafe_b64encode
from .. import _io
from ..client_core import AsyncClientCore

__all__ = [
    "AsyncFmgrJobs",
    "AsyncJob",
    "AsyncJobStatuses",
    "FmgrName",
    "job_options",
    "job_status",
    "submitted",
]

FmgrName = Literal["move", "copy", "fetch", "delete", "deletePrefix", "deletem3u8", "compress"]
# The endpoint module of each job, by name: imported when a job of its kind is sent.
_ENDPOINTS = {
    "move": "fmgr_move",
    "copy": "fmgr_copy",
    "fetch": "fmgr_fetch",
    "delete": "fmgr_delete",
    "deletePrefix": "fmgr_delete_prefix",
    "deletem3u8": "fmgr_delete_m3u8",
    "compress": "fmgr_compress",
}


def job_options(
    config: WcsConfig, notify_url: str | None, separate: bool | None, force: bool | None
) -> dict[str, Any]:
    """``notifyURL``, ``separate`` and ``force`` of a job, defaulting to the configuration.

    Flags at 0 are the server's default and are left out, unlike the original, which sent
    ``separate=0&force=0`` whenever the config file mentioned them.
    """
    notify = config.notifyurl if notify_url is None else notify_url
    return {
        "notify_url": urlsafe_b64encode(notify) if notify else UNSET,
        "separate": 1 if (bool(config.separate) if separate is None else separate) else UNSET,
        "force": 1 if (bool(config.force) if force is None else force) else UNSET,
    }


def submitted(
    what: str, parse: Callable[[httpx.Response], object]
) -> Callable[[httpx.Response], models.Job]:
    """Reads the answer of a job submission: the job's persistent id."""

    def convert(result: generated.PersistentIdResult, response: httpx.Response) -> models.Job:
        return models.Job(persistent_id=result.persistent_id, request_id=request_id_of(response))

    return answer_reader(what, parse, generated.PersistentIdResult, convert)


class AsyncJobStatuses(Protocol):
    """Where a job's state is asked for: the fmgr or the fops jobs of a client."""

    async def status(self, persistent_id: str) -> JobStatus: ...


def _job_record(persistent_id: str, request_id: str | None) -> models.Job:
    return models.Job(persistent_id=persistent_id, request_id=request_id)


@attrs.frozen(kw_only=True)
class AsyncJob(models.Job):
    """A submitted job (fmgr or fops): its ``persistent_id``, and how it goes.

    :meth:`wait` polls its status until the work is over. It holds the client that made
    it (not part of its repr, equality, ``--json`` or pickle: a pickled job is the plain
    :class:`~wcs_ext.models.Job`, no client and no key inside).
    """

    _statuses: AsyncJobStatuses = attrs.field(repr=False, eq=False, alias="statuses")

    async def status(self) -> JobStatus:
        """The job's state now."""
        return await self._statuses.status(self.persistent_id)

    async def wait(
        self,
        timeout: float | None = None,
        poll: float = DEFAULT_POLL,
        *,
        max_poll: float = DEFAULT_MAX_POLL,
    ) -> JobStatus:
        """Poll until the work is over (:attr:`JobStatus.finished`) and return the last
        status, which says whether every command succeeded.

        The first wait is ``poll`` seconds, each next one half as long again, up to
        ``max_poll``. After ``timeout`` seconds (None: no limit) a job still running
        raises :class:`~wcs_ext.errors.WcsJobTimeoutError`; the job itself goes on.
        """
        schedule = PollSchedule.starting(
            time.monotonic(), timeout=timeout, poll=poll, max_poll=max_poll
        )
        while True:
            status = await self.status()
            if status.finished:
                return status
            wait = schedule.next_wait(time.monotonic())
            if wait is None:
                state = "running" if status.state is None else str(status.state)
                raise WcsJobTimeoutError(
                    f"job {self.persistent_id} is still {state} after {timeout} s; it goes on",
                    last_status=status,
                )
            await _io.sleep(wait)

    def __reduce__(self) -> tuple[Callable[[str, str | None], models.Job], tuple[str, str | None]]:
        return _job_record, (self.persistent_id, self.request_id)


def _job_item(raw: generated.FmgrStatusItem | generated.FopsStatusItem) -> JobItem:
    return JobItem(
        cmd=opt(raw.cmd) or "",
        code=int_code(raw.code),
        desc=opt(raw.desc) or "",
        error=opt(raw.error) or None,
        key=opt(raw.key) or None,
        hash=opt(raw.hash_) or None,
        size=opt(raw.fsize),
        url=opt(raw.url) or None,
    )


def job_status(
    raw: generated.FmgrStatus | generated.FopsStatus, response: httpx.Response
) -> JobStatus:
    """A job's state, from an fmgr or an fops status answer."""
    extra: dict[str, Any] = {}
    if isinstance(raw, generated.FopsStatus):
        extra = {"input_bucket": opt(raw.inputbucket), "input_key": opt(raw.inputkey)}
    items: list[generated.FmgrStatusItem] | list[generated.FopsStatusItem] = (
        [] if isinstance(raw.items, Unset) else raw.items
    )
    return JobStatus(
        id=opt(raw.id) or "",
        code=int_code(raw.code),
        desc=opt(raw.desc) or "",
        items=tuple(_job_item(item) for item in items),
        request_id=request_id_of(response),
        raw=raw.to_dict(),
        **extra,
    )


def fmgr_operation(
    config: WcsConfig,
    name: FmgrName,
    fops: str,
    *,
    notify_url: str | None = None,
    separate: bool | None = None,
    force: bool | None = None,
) -> Operation[models.Job]:
    if not fops:
        raise WcsInputError(f"fmgr {name} needs at least one operation")
    form = generated.FmgrRequest(fops=fops, **job_options(config, notify_url, separate, force))
    endpoint = getattr(manage, _ENDPOINTS[name])
    return Operation(
        what=f"fmgr {name}",
        host="mgr",
        request=endpoint.build_request(body=form),
        parse=submitted(f"fmgr {name}", endpoint.parse_response),
        idempotent=False,
    )


def fmgr_status_operation(persistent_id: str) -> Operation[JobStatus]:
    """The state of an fmgr job (no credentials needed: the endpoint is open)."""
    what = f"fmgr status of {persistent_id}"
    return Operation(
        what=what,
        host="mgr",
        request=manage.fmgr_status.build_request(persistent_id=persistent_id),
        parse=answer_reader(
            what, manage.fmgr_status.parse_response, generated.FmgrStatus, job_status
        ),
    )


class AsyncFmgrJobs:
    """Server-side file jobs: each returns an :class:`AsyncJob` to :meth:`~AsyncJob.wait`
    for (or poll with :meth:`status`). ``notify_url``, ``separate`` and ``force`` default
    to the configuration.
    """

    def __init__(self, client: AsyncClientCore) -> None:
        self._client = client

    async def submit(
        self,
        name: FmgrName,
        fops: str,
        *,
        notify_url: str | None = None,
        separate: bool | None = None,
        force: bool | None = None,
    ) -> AsyncJob:
        """Submit raw op strings (``;``-joined), as the original ``fmgr_*`` methods took."""
        op = fmgr_operation(
            self._client.config,
            name,
            fops,
            notify_url=notify_url,
            separate=separate,
            force=force,
        )
        job = await self._client._run(op)
        return AsyncJob(persistent_id=job.persistent_id, request_id=job.request_id, statuses=self)

    async def move(
        self, src_bucket: str, src_key: str, dst_bucket: str, dst_key: str | None = None
    ) -> AsyncJob:
        """Move an object in the background (``dst_key`` defaults to ``src_key``)."""
        return await self.submit("move", ops.move_op(src_bucket, src_key, dst_bucket, dst_key))

    async def copy(
        self, src_bucket: str, src_key: str, dst_bucket: str, dst_key: str | None = None
    ) -> AsyncJob:
        """Copy an object in the background (``dst_key`` defaults to ``src_key``)."""
        return await self.submit("copy", ops.copy_op(src_bucket, src_key, dst_bucket, dst_key))

    async def fetch(
        self, url: str, bucket: str, key: str | None = None, *, md5: str | None = None
    ) -> AsyncJob:
        """Have the server fetch ``url`` into ``bucket`` (checked against ``md5`` if given)."""
        return await self.submit("fetch", ops.fetch_op(url, bucket, key, md5=md5))

    async def delete(self, bucket: str, keys: str | Sequence[str]) -> AsyncJob:
        """Delete one or more objects in the background."""
        names = [keys] if isinstance(keys, str) else list(keys)
        return await self.submit("delete", ops.join_ops(ops.delete_op(bucket, k) for k in names))

    async def delete_prefix(self, bucket: str, prefix: str) -> AsyncJob:
        """Delete every object under ``prefix`` in the background."""
        return await self.submit("deletePrefix", ops.delete_prefix_op(bucket, prefix))

    async def delete_m3u8(
        self, bucket: str, key: str, *, delete_ts: bool | None = None
    ) -> AsyncJob:
        """Delete an m3u8 playlist (and, with ``delete_ts``, its segments)."""
        return await self.submit("deletem3u8", ops.delete_m3u8_op(bucket, key, delete_ts=delete_ts))

    async def compress(
        self, bucket: str, keys: Sequence[str], save_as: tuple[str, str]
    ) -> AsyncJob:
        """Zip ``keys`` into the object ``save_as`` (bucket, key)."""
        return await self.submit("compress", ops.compress_op(bucket, keys, save_as))

    async def status(self, persistent_id: str) -> JobStatus:
        """The state of a submitted job."""
        return await self._client._run(fmgr_status_operation(persistent_id))
