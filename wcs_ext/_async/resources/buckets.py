"""Buckets: the bucket list, object listings page by page, usage and statistics."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Sequence

import httpx

from wcs_client import models as generated
from wcs_client.api import manage
from wcs_client.types import UNSET

from ..._operation import Operation, target_url
from ..._responses import answer_reader, opt, request_id_of
from ..._wire_values import wire_date, wire_datetime, wire_number
from ...errors import WcsInputError
from ...models import (
    BucketInfo,
    BucketStatistics,
    BucketUsage,
    DailyStorage,
    ObjectInfo,
    ObjectPage,
)
from ...protocol.encoding import urlsafe_b64encode
from ..client_core import AsyncClientCore
from .objects import object_info

__all__ = ["AsyncBuckets"]

DateLike = dt.date | str


def _date(value: DateLike, name: str) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise WcsInputError(f"{name} must be a date YYYY-MM-DD, got {value!r}") from None
    return value


def _bucket_info(raw: generated.Bucket, response: httpx.Response, what: str) -> BucketInfo:
    return BucketInfo(name=raw.name, created=wire_datetime(opt(raw.ctime), response, what, "ctime"))


def _object_page(
    bucket: str, raw: generated.ObjectList, response: httpx.Response, what: str
) -> ObjectPage:
    return ObjectPage(
        bucket=bucket,
        items=tuple(object_info(item.key, item, response, what) for item in opt(raw.items) or ()),
        common_prefixes=tuple(opt(raw.common_prefixes) or ()),
        marker=opt(raw.marker) or "",
        request_id=request_id_of(response),
    )


def _bucket_usage(
    raw: generated.BucketStatBucket, response: httpx.Response, what: str
) -> BucketUsage:
    return BucketUsage(
        name=opt(raw.name) or "",
        days=tuple(
            DailyStorage(
                date=wire_date(opt(day.data_time), response, what, "data_time"),
                storage_mb=wire_number(opt(day.storage), response, what, "storage"),
            )
            for day in opt(raw.detail) or ()
        ),
    )


def list_buckets_operation() -> Operation[list[BucketInfo]]:
    what = "list buckets"

    def convert(listing: generated.BucketList, response: httpx.Response) -> list[BucketInfo]:
        return [_bucket_info(b, response, what) for b in opt(listing.buckets) or []]

    return Operation(
        what=what,
        host="mgr",
        request=manage.list_buckets.build_request(),
        parse=answer_reader(
            what, manage.list_buckets.parse_response, generated.BucketList, convert
        ),
    )


def list_objects_operation(
    bucket: str,
    *,
    prefix: str | None,
    marker: str | None,
    limit: int,
    mode: int | None,
    start_time: int | None = None,
    end_time: int | None = None,
) -> Operation[ObjectPage]:
    if not 1 <= limit <= 1000:
        raise WcsInputError(f"limit must be between 1 and 1000, got {limit}")
    if mode not in (None, 0, 1):
        raise WcsInputError(f"mode must be 0 (files first) or 1 (folders first), got {mode}")
    what = f"list {target_url(bucket)}"

    def convert(page: generated.ObjectList, response: httpx.Response) -> ObjectPage:
        return _object_page(bucket, page, response, what)

    return Operation(
        what=what,
        host="mgr",
        request=manage.list_objects.build_request(
            bucket=bucket,
            marker=marker or UNSET,
            limit=limit,
            prefix=urlsafe_b64encode(prefix) if prefix else UNSET,
            mode=UNSET if mode is None else generated.ListObjectsMode(mode),
            start_time=UNSET if start_time is None else start_time,
            end_time=UNSET if end_time is None else end_time,
        ),
        parse=answer_reader(
            what, manage.list_objects.parse_response, generated.ObjectList, convert
        ),
    )


def bucket_usage_operation(
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

    def convert(result: generated.BucketStatResult, response: httpx.Response) -> list[BucketUsage]:
        return [_bucket_usage(b, response, what) for b in opt(result.buckets) or []]

    return Operation(
        what=what,
        host="mgr",
        request=manage.bucket_stat.build_request(
            name=urlsafe_b64encode("|".join(buckets)),
            startdate=_date(start_date, "start date"),
            enddate=_date(end_date, "end date"),
            is_list_details=generated.BucketStatIsListDetails("true" if list_details else "false"),
            storage_type=storage_type or UNSET,
        ),
        parse=answer_reader(
            what, manage.bucket_stat.parse_response, generated.BucketStatResult, convert
        ),
    )


def bucket_statistics_operation(
    bucket: str, kind: str, start_date: DateLike, end_date: DateLike
) -> Operation[BucketStatistics]:
    what = f"{kind} statistics of {target_url(bucket)}"

    def convert(stats: generated.BucketStatistics, response: httpx.Response) -> BucketStatistics:
        return BucketStatistics(
            name=opt(stats.name) or bucket,
            type=opt(stats.type_) or kind,
            data=tuple(opt(stats.data) or ()),
            request_id=request_id_of(response),
        )

    return Operation(
        what=what,
        host="mgr",
        request=manage.bucket_statistics.build_request(
            name=urlsafe_b64encode(bucket),
            type_=kind,
            startdate=_date(start_date, "start date"),
            enddate=_date(end_date, "end date"),
        ),
        parse=answer_reader(
            what, manage.bucket_statistics.parse_response, generated.BucketStatistics, convert
        ),
    )


class AsyncBuckets(AsyncClientCore):
    """The bucket and listing methods of the client."""

    async def list_buckets(self) -> list[BucketInfo]:
        """Every bucket of the account."""
        return await self._run(list_buckets_operation())

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
        """One page of objects (``limit`` ≤ 1000); pass ``page.marker`` for the next one.

        ``mode`` 0 lists the files of a directory first, 1 its folders first; ``None``
        lists all keys flat. ``start_time``/``end_time`` filter by upload time (ms).
        """
        return await self._run(
            list_objects_operation(
                bucket,
                prefix=prefix,
                marker=marker,
                limit=self.config.limit if limit is None else limit,
                mode=self.config.mode if mode is None else mode,
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
        """Every page of a listing, following the marker until the last page."""
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
        """Every object of a listing, page after page (``limit`` = page size)."""
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
        """Storage used per day by one or more buckets (the original's ``bucket_stat``).

        ``buckets`` may be one name, several names, or the original's ``"b1|b2"``.
        """
        names = buckets.split("|") if isinstance(buckets, str) else list(buckets)
        return await self._run(
            bucket_usage_operation(
                names, start_date, end_date, list_details=list_details, storage_type=storage_type
            )
        )

    async def bucket_statistics(
        self, bucket: str, kind: str, start_date: dt.date | str, end_date: dt.date | str
    ) -> BucketStatistics:
        """Request/traffic statistics of a bucket; ``kind`` e.g. ``"uploadRequest"``."""
        return await self._run(bucket_statistics_operation(bucket, kind, start_date, end_date))
