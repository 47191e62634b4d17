"""Every management call as an :class:`Operation`, described once for both twins.

Arguments are plain Python values; Base64, entries and the fmgr/fops form fields are
made here, and the generated endpoint functions build the requests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal

from wcs_client.api.manage import (
    bucket_stat,
    bucket_statistics,
    copy_object,
    delete_object,
    fmgr_compress,
    fmgr_copy,
    fmgr_delete,
    fmgr_delete_m3u8,
    fmgr_delete_prefix,
    fmgr_fetch,
    fmgr_move,
    fmgr_status,
    fops_execute,
    fops_status,
    image_detect,
    list_buckets,
    list_objects,
    move_object,
    set_deadline,
    stat_object,
    wslive_list,
)
from wcs_client.models import (
    BucketList,
    BucketStatIsListDetails,
    BucketStatResult,
    CodeMessage,
    FmgrRequest,
    FmgrStatus,
    FopsRequest,
    FopsStatus,
    ImageDetectForm,
    ImageDetectResult,
    ListObjectsMode,
    ObjectList,
    ObjectStat,
    PersistentIdResult,
    SetDeadlineForm,
    WsliveList,
)
from wcs_client.models import BucketStatistics as RawBucketStatistics
from wcs_client.types import UNSET, Response

from . import _convert as convert
from ._base_client import Operation, parsed_or_raise, request_id_of
from .encoding import entry, urlsafe_b64encode
from .errors import WcsInputError
from .models import (
    BucketInfo,
    BucketStatistics,
    BucketUsage,
    ImageDetection,
    Job,
    JobStatus,
    LiveRecordings,
    ObjectInfo,
    ObjectPage,
    OperationResult,
)

__all__ = ["FMGR_OPERATIONS", "FmgrName", "ManagementCalls"]

FmgrName = Literal["move", "copy", "fetch", "delete", "deletePrefix", "deletem3u8", "compress"]
FMGR_OPERATIONS: dict[FmgrName, Any] = {
    "move": fmgr_move,
    "copy": fmgr_copy,
    "fetch": fmgr_fetch,
    "delete": fmgr_delete,
    "deletePrefix": fmgr_delete_prefix,
    "deletem3u8": fmgr_delete_m3u8,
    "compress": fmgr_compress,
}
DateLike = dt.date | str


def _date(value: DateLike, name: str) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise WcsInputError(f"{name} must be a date YYYY-MM-DD, got {value!r}") from None
    return value


def _url(bucket: str, key: str | None = None) -> str:
    return f"wcs://{bucket}" if key is None else f"wcs://{bucket}/{key}"


def _flag(value: int | bool | None) -> int | None:
    return None if value is None else int(bool(value))


def _acknowledged(what: str) -> Any:
    def parse(response: Response[Any]) -> OperationResult:
        ack = parsed_or_raise(response, what, CodeMessage)
        return OperationResult(
            message=convert.opt(ack.message) or "OK", request_id=request_id_of(response)
        )

    return parse


def _job(what: str) -> Any:
    def parse(response: Response[Any]) -> Job:
        submitted = parsed_or_raise(response, what, PersistentIdResult)
        return Job(persistent_id=submitted.persistent_id, request_id=request_id_of(response))

    return parse


class ManagementCalls:
    """Builds the management operations; holds no connection and no mutable state."""

    def __init__(
        self,
        *,
        default_limit: int = 1000,
        default_mode: int | None = None,
        notify_url: str = "",
        separate: int = 0,
        force: int = 0,
    ) -> None:
        self._default_limit = default_limit
        self._default_mode = default_mode
        self._notify_url = notify_url
        self._separate = separate
        self._force = force

    def list_buckets(self) -> Operation[list[BucketInfo]]:
        what = "list buckets"

        def parse(response: Response[Any]) -> list[BucketInfo]:
            listing = parsed_or_raise(response, what, BucketList)
            return [convert.bucket(b) for b in convert.opt(listing.buckets) or []]

        return Operation(
            what=what,
            host="mgr",
            sync=list_buckets.sync_detailed,
            asyncio=list_buckets.asyncio_detailed,
            kwargs={},
            parse=parse,
        )

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
    ) -> Operation[ObjectPage]:
        limit = self._default_limit if limit is None else limit
        if not 1 <= limit <= 1000:
            raise WcsInputError(f"limit must be between 1 and 1000, got {limit}")
        mode = self._default_mode if mode is None else mode
        if mode not in (None, 0, 1):
            raise WcsInputError(f"mode must be 0 (files first) or 1 (folders first), got {mode}")
        what = f"list {_url(bucket)}"

        def parse(response: Response[Any]) -> ObjectPage:
            page = parsed_or_raise(response, what, ObjectList)
            return convert.object_page(bucket, page, request_id_of(response))

        return Operation(
            what=what,
            host="mgr",
            sync=list_objects.sync_detailed,
            asyncio=list_objects.asyncio_detailed,
            kwargs={
                "bucket": bucket,
                "marker": marker or UNSET,
                "limit": limit,
                "prefix": urlsafe_b64encode(prefix) if prefix else UNSET,
                "mode": UNSET if mode is None else ListObjectsMode(mode),
                "start_time": UNSET if start_time is None else start_time,
                "end_time": UNSET if end_time is None else end_time,
            },
            parse=parse,
        )

    def bucket_usage(
        self,
        buckets: Sequence[str],
        start_date: DateLike,
        end_date: DateLike,
        *,
        list_details: bool = False,
        storage_type: str | None = None,
    ) -> Operation[list[BucketUsage]]:
        if not buckets or not all(buckets):
            raise WcsInputError("bucket usage needs at least one bucket name")
        what = f"bucket usage of {'|'.join(buckets)}"

        def parse(response: Response[Any]) -> list[BucketUsage]:
            result = parsed_or_raise(response, what, BucketStatResult)
            return [convert.bucket_usage(b) for b in convert.opt(result.buckets) or []]

        return Operation(
            what=what,
            host="mgr",
            sync=bucket_stat.sync_detailed,
            asyncio=bucket_stat.asyncio_detailed,
            kwargs={
                "name": urlsafe_b64encode("|".join(buckets)),
                "startdate": _date(start_date, "start date"),
                "enddate": _date(end_date, "end date"),
                "is_list_details": BucketStatIsListDetails("true" if list_details else "false"),
                "storage_type": storage_type or UNSET,
            },
            parse=parse,
        )

    def bucket_statistics(
        self, bucket: str, kind: str, start_date: DateLike, end_date: DateLike
    ) -> Operation[BucketStatistics]:
        what = f"{kind} statistics of {_url(bucket)}"

        def parse(response: Response[Any]) -> BucketStatistics:
            stats = parsed_or_raise(response, what, RawBucketStatistics)
            return BucketStatistics(
                name=convert.opt(stats.name) or bucket,
                type=convert.opt(stats.type_) or kind,
                data=tuple(convert.opt(stats.data) or ()),
                request_id=request_id_of(response),
            )

        return Operation(
            what=what,
            host="mgr",
            sync=bucket_statistics.sync_detailed,
            asyncio=bucket_statistics.asyncio_detailed,
            kwargs={
                "name": urlsafe_b64encode(bucket),
                "type_": kind,
                "startdate": _date(start_date, "start date"),
                "enddate": _date(end_date, "end date"),
            },
            parse=parse,
        )

    def stat(self, bucket: str, key: str) -> Operation[ObjectInfo]:
        what = f"stat {_url(bucket, key)}"

        def parse(response: Response[Any]) -> ObjectInfo:
            stat = parsed_or_raise(response, what, ObjectStat)
            return convert.object_stat(key, stat, request_id_of(response))

        return Operation(
            what=what,
            host="mgr",
            sync=stat_object.sync_detailed,
            asyncio=stat_object.asyncio_detailed,
            kwargs={"entry": entry(bucket, key)},
            parse=parse,
        )

    def delete(self, bucket: str, key: str) -> Operation[OperationResult]:
        what = f"delete {_url(bucket, key)}"
        return Operation(
            what=what,
            host="mgr",
            sync=delete_object.sync_detailed,
            asyncio=delete_object.asyncio_detailed,
            kwargs={"entry": entry(bucket, key)},
            parse=_acknowledged(what),
            idempotent=False,
        )

    def move_or_copy(
        self,
        verb: Literal["move", "copy"],
        src_bucket: str,
        src_key: str,
        dst_bucket: str,
        dst_key: str | None = None,
    ) -> Operation[OperationResult]:
        dst_key = dst_key if dst_key else src_key
        what = f"{verb} {_url(src_bucket, src_key)} to {_url(dst_bucket, dst_key)}"
        endpoint = move_object if verb == "move" else copy_object
        return Operation(
            what=what,
            host="mgr",
            sync=endpoint.sync_detailed,
            asyncio=endpoint.asyncio_detailed,
            kwargs={
                "source": entry(src_bucket, src_key),
                "destination": entry(dst_bucket, dst_key),
            },
            parse=_acknowledged(what),
            idempotent=verb == "copy",
        )

    def set_deadline(self, bucket: str, key: str, days: int) -> Operation[OperationResult]:
        if isinstance(days, bool) or not isinstance(days, int) or days < -1:
            raise WcsInputError(
                f"deadline must be a whole number of days, 0 (delete soon) or -1 (keep), "
                f"got {days!r}"
            )
        what = f"set deadline of {_url(bucket, key)}"
        form = SetDeadlineForm(
            bucket=urlsafe_b64encode(bucket), key=urlsafe_b64encode(key), deadline=days
        )
        return Operation(
            what=what,
            host="mgr",
            sync=set_deadline.sync_detailed,
            asyncio=set_deadline.asyncio_detailed,
            kwargs={"body": form},
            parse=_acknowledged(what),
        )

    def image_detect(self, image_url: str, kind: str, bucket: str) -> Operation[ImageDetection]:
        what = f"{kind} detection of {image_url}"

        def parse(response: Response[Any]) -> ImageDetection:
            result = parsed_or_raise(response, what, ImageDetectResult)
            return ImageDetection(
                results=tuple(convert.opt(result.results) or ()),
                message=convert.opt(result.message) or "",
                request_id=request_id_of(response),
            )

        form = ImageDetectForm(image=urlsafe_b64encode(image_url), type_=kind, bucket=bucket)
        return Operation(
            what=what,
            host="mgr",
            sync=image_detect.sync_detailed,
            asyncio=image_detect.asyncio_detailed,
            kwargs={"body": form},
            parse=parse,
        )

    def fmgr(
        self,
        name: FmgrName,
        fops: str,
        *,
        notify_url: str | None = None,
        separate: bool | None = None,
        force: bool | None = None,
    ) -> Operation[Job]:
        if not fops:
            raise WcsInputError(f"fmgr {name} needs at least one operation")
        notify = self._notify_url if notify_url is None else notify_url
        separate_flag = _flag(separate) if separate is not None else self._separate
        force_flag = _flag(force) if force is not None else self._force
        # Flags at 0 are the server's default: omitted, unlike the original, which sent
        # "separate=0&force=0" whenever the config file mentioned them.
        form = FmgrRequest(
            fops=fops,
            notify_url=urlsafe_b64encode(notify) if notify else UNSET,
            separate=1 if separate_flag else UNSET,
            force=1 if force_flag else UNSET,
        )
        endpoint = FMGR_OPERATIONS[name]
        return Operation(
            what=f"fmgr {name}",
            host="mgr",
            sync=endpoint.sync_detailed,
            asyncio=endpoint.asyncio_detailed,
            kwargs={"body": form},
            parse=_job(f"fmgr {name}"),
            idempotent=False,
        )

    def fmgr_status(self, persistent_id: str) -> Operation[JobStatus]:
        what = f"fmgr status of {persistent_id}"

        def parse(response: Response[Any]) -> JobStatus:
            status = parsed_or_raise(response, what, FmgrStatus)
            return convert.job_status(status, request_id_of(response))

        return Operation(
            what=what,
            host="mgr",
            sync=fmgr_status.sync_detailed,
            asyncio=fmgr_status.asyncio_detailed,
            kwargs={"persistent_id": persistent_id},
            parse=parse,
        )

    def fops_execute(
        self,
        bucket: str,
        key: str,
        fops: str,
        *,
        notify_url: str | None = None,
        force: bool | None = None,
        separate: bool | None = None,
    ) -> Operation[Job]:
        if not fops:
            raise WcsInputError("fops needs at least one processing command")
        notify = self._notify_url if notify_url is None else notify_url
        force_flag = _flag(force) if force is not None else self._force
        separate_flag = _flag(separate) if separate is not None else self._separate
        form = FopsRequest(
            bucket=urlsafe_b64encode(bucket),
            key=urlsafe_b64encode(key),
            fops=urlsafe_b64encode(fops),
            notify_url=urlsafe_b64encode(notify) if notify else UNSET,
            force=1 if force_flag else UNSET,
            separate=1 if separate_flag else UNSET,
        )
        what = f"fops on {_url(bucket, key)}"
        return Operation(
            what=what,
            host="mgr",
            sync=fops_execute.sync_detailed,
            asyncio=fops_execute.asyncio_detailed,
            kwargs={"body": form},
            parse=_job(what),
            idempotent=False,
        )

    def fops_status(self, persistent_id: str) -> Operation[JobStatus]:
        what = f"fops status of {persistent_id}"

        def parse(response: Response[Any]) -> JobStatus:
            status = parsed_or_raise(response, what, FopsStatus)
            return convert.job_status(status, request_id_of(response))

        return Operation(
            what=what,
            host="mgr",
            sync=fops_status.sync_detailed,
            asyncio=fops_status.asyncio_detailed,
            kwargs={"persistent_id": persistent_id},
            parse=parse,
        )

    def wslive_list(
        self,
        channel: str,
        start_time: str,
        end_time: str,
        bucket: str,
        *,
        start: int | None = None,
        limit: int | None = None,
    ) -> Operation[LiveRecordings]:
        what = f"live recordings of {channel}"

        def parse(response: Response[Any]) -> LiveRecordings:
            listing = parsed_or_raise(response, what, WsliveList)
            return LiveRecordings(
                total=convert.opt(listing.total),
                items=tuple(r.to_dict() for r in convert.opt(listing.items) or ()),
                request_id=request_id_of(response),
            )

        return Operation(
            what=what,
            host="mgr",
            sync=wslive_list.sync_detailed,
            asyncio=wslive_list.asyncio_detailed,
            kwargs={
                "channelname": channel,
                "start_time": start_time,
                "end_time": end_time,
                "bucket": bucket,
                "start": UNSET if start is None else start,
                "limit": UNSET if limit is None else limit,
            },
            parse=parse,
        )
