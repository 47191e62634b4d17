"""Bucket endpoints of the management host: ``/bucket/list``, and the usage reports
``/bucket/stat`` (storage per day) and ``/bucket/statistics`` (requests and traffic)."""

from __future__ import annotations

import datetime as dt
from typing import Final

from starlette.responses import Response
from starlette.routing import Route

from ..clock import format_time
from ..errors import bad_request
from ..state.usage_stats import KINDS
from .answers import ok
from .management_call import Call, managed
from .request_parsing import decode_b64_text

__all__ = ["routes"]

_MAX_STAT_DAYS: Final = 186
"""The docs allow a query span of six months."""
_MB: Final = 1024 * 1024


def _days(call: Call) -> list[dt.date]:
    try:
        start = dt.date.fromisoformat(call.param("startdate"))
        end = dt.date.fromisoformat(call.param("enddate"))
    except ValueError:
        raise bad_request("startdate and enddate must be dates YYYY-MM-DD") from None
    if end < start:
        raise bad_request("enddate is before startdate")
    if (end - start).days >= _MAX_STAT_DAYS:
        raise bad_request(f"the date span must be at most {_MAX_STAT_DAYS} days")
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def bucket_list(call: Call) -> Response:
    buckets = [{"name": n, "ctime": format_time(c)} for n, c in call.rt.objects.buckets()]
    return ok(buckets=buckets)


def bucket_stat(call: Call) -> Response:
    names = [n for n in decode_b64_text(call.param("name"), "name").split("|") if n]
    if not names:
        raise bad_request("name must list at least one bucket")
    days = _days(call)
    # Every object is Standard here: any other class holds nothing.
    counted = call.query.get("storageType", "") in ("", "0", "Standard")
    buckets = []
    for name in names:
        call.rt.objects.require_bucket(name)
        sizes = call.rt.usage.storage_by_day(name, days)
        detail = [
            {"data_time": day.isoformat(), "storage": f"{(size if counted else 0) / _MB:.3f}"}
            for day, size in zip(days, sizes, strict=True)
        ]
        buckets.append({"name": name, "detail": detail})
    return ok(buckets=buckets)


def bucket_statistics(call: Call) -> Response:
    bucket = decode_b64_text(call.param("name"), "name")
    kind = call.param("type")
    if kind not in KINDS:
        raise bad_request(f"type must be one of {', '.join(KINDS)}; got {kind!r}")
    days = _days(call)
    call.rt.objects.require_bucket(bucket)
    values = call.rt.usage.counts(bucket, kind, days)
    data = [{"time": d.isoformat(), "value": v} for d, v in zip(days, values, strict=True)]
    return ok(name=bucket, type=kind, data=data)


def routes() -> list[Route]:
    return [
        Route("/bucket/list", managed(bucket_list), methods=["GET"]),
        Route("/bucket/stat", managed(bucket_stat), methods=["GET"]),
        Route("/bucket/statistics", managed(bucket_statistics), methods=["GET"]),
    ]
