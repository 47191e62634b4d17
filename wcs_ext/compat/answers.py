"""The original's result shape, ``(status, body, {"x-reqid": id})``, made from wcs-ext's
typed results and errors.

Bodies carry the fields WCS documents (``wcs-api.md`` §5), under WCS's own names, so
code written against the original finds ``body["items"]``, ``body["persistentId"]``,
``body["fsize"]``... where it looked before. Unlike the original, every answer is that
3-tuple (never a 2-tuple when the server sent no request id, never an exception object
inside one): a missing request id reads ``"None"``, as the original wrote it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from wcs_ext import (
    BucketInfo,
    BucketStatistics,
    BucketUsage,
    Job,
    LiveRecordings,
    ObjectInfo,
    ObjectPage,
    OperationResult,
    UploadResult,
    WcsAPIError,
    WcsTransportError,
)

__all__ = [
    "Result",
    "answer",
    "bucket_list_body",
    "bucket_usage_body",
    "job_body",
    "live_body",
    "object_body",
    "operation_body",
    "page_body",
    "statistics_body",
    "upload_body",
    "upload_text",
]

Result = tuple[int, Any, dict[str, str]]
"""``(HTTP status, body, {"x-reqid": request id})``, the original's answer to a call."""

T = TypeVar("T")

NETWORK_FAILURE = -1
"""The status the original gave a call that got no answer."""


def headers_of(request_id: str | None) -> dict[str, str]:
    return {"x-reqid": request_id or "None"}


def answer(call: Callable[[], T], body: Callable[[T], Any]) -> Result:
    """Run ``call``; its result as ``(200, body(result), headers)``, a server's error as
    ``(status, its JSON body, headers)``, no answer at all as ``(-1, {"message": ...})``.

    Errors that are not answers (bad input, a closed client, an integrity failure)
    raise: the original had no tuple for them either (it crashed or stored bad data).
    """
    try:
        result = call()
    except WcsAPIError as exc:
        if isinstance(exc.body, Mapping):
            error_body = dict(exc.body)
        else:
            code = exc.code if exc.code is not None else exc.status
            error_body = {"code": code, "message": exc.message}
        return exc.status, error_body, headers_of(exc.request_id)
    except WcsTransportError as exc:
        return NETWORK_FAILURE, {"message": str(exc)}, headers_of(exc.request_id)
    request_id = getattr(result, "request_id", None)
    return 200, body(result), headers_of(request_id if isinstance(request_id, str) else None)


def upload_body(result: UploadResult) -> Any:
    """mkfile's JSON answer (or a form upload's), as the server sent it."""
    if result.redirect is not None:
        return result.redirect
    return dict(result.body) if result.body else {"hash": result.hash, "key": result.key}


def upload_text(result: UploadResult) -> Any:
    """A form upload's answer as text: the original returned it unparsed."""
    body = upload_body(result)
    return body if isinstance(body, str) else json.dumps(body)


def _item(info: ObjectInfo) -> dict[str, Any]:
    return {
        "key": info.key,
        "putTime": info.put_time_ms,
        "hash": info.hash,
        "fsize": info.size,
        "mimeType": info.mime_type,
        "expirationDate": info.expiration_date or "",
        "storageClass": info.storage_class,
    }


def object_body(info: ObjectInfo) -> dict[str, Any]:
    """``stat``'s documented answer."""
    item = _item(info)
    del item["key"]
    return {"result": True, "code": 200, "name": info.key, "message": "OK", **item}


def page_body(page: ObjectPage) -> dict[str, Any]:
    return {
        "marker": page.marker,
        "commonPrefixes": list(page.common_prefixes),
        "items": [_item(item) for item in page.items],
    }


def _wire_time(value: dt.datetime | None) -> str:
    """A time as WCS writes it (and the original passed on): ``YYYY-MM-DD hh:mm:ss``, UTC."""
    return "" if value is None else value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def bucket_list_body(buckets: list[BucketInfo]) -> dict[str, Any]:
    return {
        "code": "200",
        "message": "OK",
        "buckets": [{"name": b.name, "ctime": _wire_time(b.created)} for b in buckets],
    }


def bucket_usage_body(usage: list[BucketUsage]) -> dict[str, Any]:
    return {
        "code": "200",
        "message": "OK",
        "buckets": [
            {
                "name": bucket.name,
                "detail": [
                    {"data_time": d.date.isoformat(), "storage": f"{d.storage_mb:.3f}"}
                    for d in bucket.days
                ],
            }
            for bucket in usage
        ],
    }


def statistics_body(stats: BucketStatistics) -> dict[str, Any]:
    return {
        "code": "200",
        "message": "OK",
        "name": stats.name,
        "type": stats.type,
        "data": list(stats.data),
    }


def operation_body(result: OperationResult) -> dict[str, Any]:
    return {"code": 200, "message": result.message}


def job_body(job: Job) -> dict[str, Any]:
    return {"persistentId": job.persistent_id}


def live_body(recordings: LiveRecordings) -> dict[str, Any]:
    return {"total": recordings.total, "items": [dict(i) for i in recordings.items]}
