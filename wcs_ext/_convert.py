"""Generated wire models -> the facade's result types (no ``Unset`` leaks out)."""

from __future__ import annotations

from typing import Any, TypeVar

from wcs_client.models import (
    Bucket,
    BucketStatBucket,
    FmgrStatus,
    FmgrStatusItem,
    FopsStatus,
    FopsStatusItem,
    ObjectItem,
    ObjectList,
    ObjectStat,
)
from wcs_client.types import Unset

from .models import (
    BucketInfo,
    BucketUsage,
    DailyStorage,
    JobItem,
    JobStatus,
    ObjectInfo,
    ObjectPage,
)

__all__ = [
    "bucket",
    "bucket_usage",
    "int_code",
    "job_status",
    "object_item",
    "object_page",
    "object_stat",
    "opt",
]

V = TypeVar("V")


def opt(value: V | Unset) -> V | None:
    return None if isinstance(value, Unset) else value


def int_code(value: int | str | Unset | None) -> int | None:
    """WCS codes come as ``3`` or ``"3"``; anything else is no code at all."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def bucket(raw: Bucket) -> BucketInfo:
    return BucketInfo(name=raw.name, created=opt(raw.ctime))


def object_item(raw: ObjectItem) -> ObjectInfo:
    return ObjectInfo(
        key=raw.key,
        size=opt(raw.fsize),
        hash=opt(raw.hash_),
        mime_type=opt(raw.mime_type),
        put_time_ms=opt(raw.put_time),
        expiration_date=opt(raw.expiration_date) or None,
        storage_class=opt(raw.storage_class),
    )


def object_page(bucket_name: str, raw: ObjectList, request_id: str | None) -> ObjectPage:
    return ObjectPage(
        bucket=bucket_name,
        items=tuple(object_item(item) for item in opt(raw.items) or ()),
        common_prefixes=tuple(opt(raw.common_prefixes) or ()),
        marker=opt(raw.marker) or "",
        request_id=request_id,
    )


def object_stat(key: str, raw: ObjectStat, request_id: str | None) -> ObjectInfo:
    return ObjectInfo(
        key=opt(raw.name) or key,
        size=opt(raw.fsize),
        hash=opt(raw.hash_),
        mime_type=opt(raw.mime_type),
        put_time_ms=opt(raw.put_time),
        expiration_date=opt(raw.expiration_date) or None,
        storage_class=opt(raw.storage_class),
        request_id=request_id,
    )


def bucket_usage(raw: BucketStatBucket) -> BucketUsage:
    return BucketUsage(
        name=opt(raw.name) or "",
        days=tuple(
            DailyStorage(date=opt(day.data_time) or "", storage_mb=str(opt(day.storage) or "0"))
            for day in opt(raw.detail) or ()
        ),
    )


def _job_item(raw: FmgrStatusItem | FopsStatusItem) -> JobItem:
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


def _items(raw: FmgrStatus | FopsStatus) -> list[FmgrStatusItem] | list[FopsStatusItem]:
    return [] if isinstance(raw.items, Unset) else raw.items


def job_status(raw: FmgrStatus | FopsStatus, request_id: str | None) -> JobStatus:
    extra: dict[str, Any] = {}
    if isinstance(raw, FopsStatus):
        extra = {"input_bucket": opt(raw.inputbucket), "input_key": opt(raw.inputkey)}
    return JobStatus(
        id=opt(raw.id) or "",
        code=int_code(raw.code),
        desc=opt(raw.desc) or "",
        items=tuple(_job_item(item) for item in _items(raw)),
        request_id=request_id,
        raw=raw.to_dict(),
        **extra,
    )
