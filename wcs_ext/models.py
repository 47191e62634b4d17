"""What the facade returns: small frozen result types with plain Python values.

The generated client's models mirror the wire (``X | Unset``, camelCase renamed);
these are what a caller wants to autocomplete: no ``Unset``, sizes as ``int``, the
request id of the answer on every result.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import attrs

__all__ = [
    "BucketInfo",
    "BucketStatistics",
    "BucketUsage",
    "DailyStorage",
    "ImageDetection",
    "Job",
    "JobItem",
    "JobState",
    "JobStatus",
    "LiveRecordings",
    "ObjectInfo",
    "ObjectPage",
    "OperationResult",
    "UploadResult",
]


@attrs.frozen(kw_only=True)
class UploadResult:
    """A stored object as the upload answer describes it.

    ``body`` is the whole JSON answer (``returnBody`` variables included); ``redirect`` is
    the ``Location`` of a 303 answer when the policy has a ``returnUrl``.
    """

    bucket: str
    key: str
    hash: str | None
    size: int | None = None
    request_id: str | None = None
    body: Mapping[str, Any] = attrs.field(factory=dict, repr=False)
    redirect: str | None = None


@attrs.frozen(kw_only=True)
class ObjectInfo:
    """One object: a ``stat`` answer or one item of a listing."""

    key: str
    size: int | None = None
    hash: str | None = None
    mime_type: str | None = None
    put_time_ms: int | None = None
    expiration_date: str | None = None
    storage_class: str | None = None
    request_id: str | None = None

    @property
    def put_time(self) -> datetime | None:
        """Upload time as an aware UTC datetime."""
        if self.put_time_ms is None:
            return None
        return datetime.fromtimestamp(self.put_time_ms / 1000, tz=UTC)


@attrs.frozen(kw_only=True)
class ObjectPage:
    """One page of a listing; pass ``marker`` back to get the next one."""

    bucket: str
    items: tuple[ObjectInfo, ...]
    common_prefixes: tuple[str, ...] = ()
    marker: str = ""
    request_id: str | None = None

    @property
    def has_more(self) -> bool:
        return bool(self.marker)


@attrs.frozen(kw_only=True)
class BucketInfo:
    name: str
    created: str | None = None


@attrs.frozen(kw_only=True)
class DailyStorage:
    date: str
    storage_mb: str
    """Storage in MB as WCS reports it (a decimal string with 3 places)."""


@attrs.frozen(kw_only=True)
class BucketUsage:
    name: str
    days: tuple[DailyStorage, ...]


@attrs.frozen(kw_only=True)
class BucketStatistics:
    name: str
    type: str
    data: tuple[Any, ...]
    request_id: str | None = None


@attrs.frozen(kw_only=True)
class OperationResult:
    """The acknowledgement of a synchronous change (delete, move, copy, set deadline)."""

    message: str = "OK"
    request_id: str | None = None


@attrs.frozen(kw_only=True)
class Job:
    """A submitted asynchronous job (fmgr or fops): poll it with its ``persistent_id``."""

    persistent_id: str
    request_id: str | None = None


class JobState(enum.IntEnum):
    """Task-level codes of fmgr and fops status answers."""

    PENDING = 0
    PROCESSING = 1
    DONE = 3
    NOTIFYING = 4
    NOTIFY_FAILED = 5
    NOTIFY_SUCCEEDED = 6


ITEM_FAILED, ITEM_SUCCEEDED = 2, 3


@attrs.frozen(kw_only=True)
class JobItem:
    """One command of a job; ``code`` 0 pending, 1 processing, 2 failed, 3 succeeded."""

    cmd: str
    code: int | None
    desc: str = ""
    error: str | None = None
    key: str | None = None
    hash: str | None = None
    size: int | None = None
    url: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.code == ITEM_SUCCEEDED

    @property
    def failed(self) -> bool:
        return self.code == ITEM_FAILED


@attrs.frozen(kw_only=True)
class JobStatus:
    id: str
    code: int | None
    desc: str = ""
    items: tuple[JobItem, ...] = ()
    input_bucket: str | None = None
    input_key: str | None = None
    request_id: str | None = None
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False)

    @property
    def state(self) -> JobState | None:
        try:
            return None if self.code is None else JobState(self.code)
        except ValueError:
            return None

    @property
    def finished(self) -> bool:
        """The work is over (notification may still be running)."""
        return self.code is not None and self.code >= JobState.DONE

    @property
    def succeeded(self) -> bool:
        return self.finished and all(item.succeeded for item in self.items)


@attrs.frozen(kw_only=True)
class LiveRecordings:
    total: int | None
    items: tuple[Mapping[str, Any], ...]
    request_id: str | None = None


@attrs.frozen(kw_only=True)
class ImageDetection:
    results: tuple[Any, ...]
    message: str = ""
    request_id: str | None = None
