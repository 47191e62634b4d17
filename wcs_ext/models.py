"""What the facade returns: small frozen result types with plain Python values.

The generated client's models mirror the wire (``X | Unset``, camelCase renamed, times
and numbers as text); these are what a caller wants to autocomplete: no ``Unset``,
times as aware UTC ``datetime``, days as ``date``, sizes as ``int``, storage as
``float``, states as ``IntEnum`` s, a field ``Optional`` only where the protocol leaves
it out, and the request id of the answer on every result.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import attrs

__all__ = [
    "BucketInfo",
    "BucketStatistics",
    "BucketUsage",
    "DailyStorage",
    "ImageDetection",
    "ItemState",
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

    ``hash`` is the object's etag: the one computed while the bytes were read, which
    the server's answer matched when ``verified`` (an answer that differs raises
    :class:`~wcs_ext.errors.WcsIntegrityError`). ``verified`` is False only when the
    answer carries no hash: a ``returnBody`` without ``$(hash)``, a ``returnUrl``
    redirect. ``size`` is in bytes (``None`` only for a redirect of unknown length).
    ``body`` is the whole JSON answer (``returnBody`` variables included); ``redirect``
    is the ``Location`` of a 303 answer when the policy has a ``returnUrl``.
    """

    bucket: str
    key: str
    hash: str
    size: int | None = None
    request_id: str | None = None
    body: Mapping[str, Any] = attrs.field(factory=dict, repr=False)
    redirect: str | None = None
    verified: bool = True


@attrs.frozen(kw_only=True)
class ObjectInfo:
    """One object: a ``stat`` answer or one item of a listing.

    ``size`` in bytes (every answer holds it); ``put_time_ms`` the upload time in epoch
    milliseconds (:attr:`put_time` as a datetime); ``expiration_date`` when the server
    deletes it, an aware UTC datetime, ``None`` when it never expires. ``hash``,
    ``mime_type`` and ``storage_class`` are ``None`` when the answer leaves them out.
    """

    key: str
    size: int
    hash: str | None = None
    mime_type: str | None = None
    put_time_ms: int | None = None
    expiration_date: datetime | None = None
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
    """One page of a listing; pass ``marker`` back to get the next one ("" on the last
    page). ``common_prefixes`` are the folders of a listing with ``mode`` 0 or 1."""

    bucket: str
    items: tuple[ObjectInfo, ...]
    common_prefixes: tuple[str, ...] = ()
    marker: str = ""
    request_id: str | None = None

    @property
    def has_more(self) -> bool:
        """Whether another page follows (``marker`` is not empty)."""
        return bool(self.marker)


@attrs.frozen(kw_only=True)
class BucketInfo:
    """One bucket of the account; ``created`` an aware UTC datetime (``None`` when the
    answer leaves it out)."""

    name: str
    created: datetime | None = None


@attrs.frozen(kw_only=True)
class DailyStorage:
    """The storage of a bucket on one ``date``, in MB (WCS writes it as text with 3
    decimals: ``"1.500"`` is ``1.5``)."""

    date: date
    storage_mb: float


@attrs.frozen(kw_only=True)
class BucketUsage:
    """The storage of one bucket, day by day."""

    name: str
    days: tuple[DailyStorage, ...]


@attrs.frozen(kw_only=True)
class BucketStatistics:
    """Request or traffic statistics of a bucket; ``data`` as the server sends it (its
    shape is not documented)."""

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
    """What the answer to a job submission (fmgr or fops) says: its ``persistent_id``.

    The clients return a subclass that can also ask how the job goes and wait for its
    end: ``Job``/``AsyncJob`` of ``wcs_ext`` (``status()``, ``wait(timeout=, poll=)``).
    """

    persistent_id: str
    request_id: str | None = None


class _NamedIntEnum(enum.IntEnum):
    """Compares as the protocol's number; prints as its name (``str(JobState.DONE)`` is
    ``"DONE"``, where a plain IntEnum prints ``"3"``)."""

    def __str__(self) -> str:
        return self.name

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


class JobState(_NamedIntEnum):
    """Task-level codes of fmgr and fops status answers: 3 and above, the work is over."""

    PENDING = 0
    PROCESSING = 1
    DONE = 3
    NOTIFYING = 4
    NOTIFY_FAILED = 5
    NOTIFY_SUCCEEDED = 6


class ItemState(_NamedIntEnum):
    """Codes of one command of a job."""

    PENDING = 0
    PROCESSING = 1
    FAILED = 2
    SUCCEEDED = 3


ITEM_FAILED, ITEM_SUCCEEDED = ItemState.FAILED, ItemState.SUCCEEDED


@attrs.frozen(kw_only=True)
class JobItem:
    """One command of a job; ``code`` 0 pending, 1 processing, 2 failed, 3 succeeded
    (:attr:`state` as an :class:`ItemState`); ``size`` in bytes of what it made."""

    cmd: str
    code: int | None
    desc: str = ""
    error: str | None = None
    key: str | None = None
    hash: str | None = None
    size: int | None = None
    url: str | None = None

    @property
    def state(self) -> ItemState | None:
        """The code as an :class:`ItemState`; ``None`` for a code the protocol lacks."""
        return _member(ItemState, self.code)

    @property
    def succeeded(self) -> bool:
        return self.code == ITEM_SUCCEEDED

    @property
    def failed(self) -> bool:
        return self.code == ITEM_FAILED


E = TypeVar("E", bound=_NamedIntEnum)


def _member(kind: type[E], code: int | None) -> E | None:
    try:
        return None if code is None else kind(code)
    except ValueError:
        return None


@attrs.frozen(kw_only=True)
class JobStatus:
    """A job's state from an fmgr or fops status answer: ``code`` the task code
    (:attr:`state` as a :class:`JobState`), ``items`` its commands in order;
    ``input_bucket``/``input_key`` for fops jobs; ``raw`` the whole answer."""

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
        """The task code as a :class:`JobState` (prints as its name); ``None`` for a
        code the protocol lacks."""
        return _member(JobState, self.code)

    @property
    def finished(self) -> bool:
        """The work is over (notification may still be running)."""
        return self.code is not None and self.code >= JobState.DONE

    @property
    def succeeded(self) -> bool:
        return self.finished and all(item.succeeded for item in self.items)


@attrs.frozen(kw_only=True)
class LiveRecordings:
    """Recordings of a live channel; ``items`` as the server sends them."""

    total: int | None
    items: tuple[Mapping[str, Any], ...]
    request_id: str | None = None


@attrs.frozen(kw_only=True)
class ImageDetection:
    """The answer of an image content detection; ``results`` as the server sends them."""

    results: tuple[Any, ...]
    message: str = ""
    request_id: str | None = None
