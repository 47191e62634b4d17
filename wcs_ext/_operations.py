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
    ImageDetectForm,
    ImageDetectResult,
    ListObjectsMode,
    ObjectList,
    ObjectStat,
    SetDeadlineForm,
    WsliveList,
)
from wcs_client.models import BucketStatistics as RawBucketStatistics
from wcs_client.types import UNSET, Response

from . import _convert as convert
from ._base_client import Operation, parsed_or_raise, request_id_of
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
)
from .protocol.encoding import entry, urlsafe_b64encode

__all__ = ["ManagementCalls", "acknowledged", "target_url"]

DateLike = dt.date | str


def _date(value: DateLike, name: str) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise WcsInputError(f"{name} must be a date YYYY-MM-DD, got {value!r}") from None
    return value


def target_url(bucket: str, key: str | None = None) -> str:
    return f"wcs://{bucket}" if key is None else f"wcs://{bucket}/{key}"


def acknowledged(what: str) -> Any:
    def parse(response: Response[Any]) -> OperationResult:
        ack = parsed_or_raise(response, what, CodeMessage)
        return OperationResult(
            message=convert.opt(ack.message) or "OK", request_id=request_id_of(response)
        )

    return parse


class ManagementCalls:
    """Builds the management operations; holds no connection and no mutable state."""

    def __init__(self, *, default_limit: int = 1000, default_mode: int | None = None) -> None:
        self._default_limit = default_limit
        self._default_mode = default_mode

    @classmethod
    def from_config(cls, config: WcsConfig) -> ManagementCalls:
        return cls(default_limit=config.limit, default_mode=config.mode)

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
        what = f"list {target_url(bucket)}"

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
        what = f"{kind} statistics of {target_url(bucket)}"

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
        what = f"stat {target_url(bucket, key)}"

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
        what = f"delete {target_url(bucket, key)}"
        return Operation(
            what=what,
            host="mgr",
            sync=delete_object.sync_detailed,
            asyncio=delete_object.asyncio_detailed,
            kwargs={"entry": entry(bucket, key)},
            parse=acknowledged(what),
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
        what = f"{verb} {target_url(src_bucket, src_key)} to {target_url(dst_bucket, dst_key)}"
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
            parse=acknowledged(what),
            idempotent=verb == "copy",
        )

    def set_deadline(self, bucket: str, key: str, days: int) -> Operation[OperationResult]:
        if isinstance(days, bool) or not isinstance(days, int) or days < -1:
            raise WcsInputError(
                f"deadline must be a whole number of days, 0 (delete soon) or -1 (keep), "
                f"got {days!r}"
            )
        what = f"set deadline of {target_url(bucket, key)}"
        form = SetDeadlineForm(
            bucket=urlsafe_b64encode(bucket), key=urlsafe_b64encode(key), deadline=days
        )
        return Operation(
            what=what,
            host="mgr",
            sync=set_deadline.sync_detailed,
            asyncio=set_deadline.asyncio_detailed,
            kwargs={"body": form},
            parse=acknowledged(what),
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
