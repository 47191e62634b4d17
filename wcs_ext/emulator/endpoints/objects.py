"""The management host's synchronous endpoints: buckets, listing, stat, delete, move,
copy, deadlines, image detection and live recordings.

Each handler is a plain function of a verified :class:`Call`, run in the threadpool.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Final

import attrs
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ...protocol.encoding import urlsafe_b64encode
from ..runtime import Runtime, read_body, runtime_of
from ..state.object_store import ObjectRecord, no_file
from ..state.usage_stats import KINDS
from ..wire import (
    EmulatorError,
    bad_request,
    decode_b64_text,
    format_time,
    ok,
    parse_form,
    parse_object_entry,
)

__all__ = ["Call", "managed", "routes_table"]

_DAY_MS: Final = 86_400_000
_MAX_STAT_DAYS: Final = 186
"""The docs allow a query span of six months."""
_MB: Final = 1024 * 1024


@attrs.frozen
class Call:
    """One management request, its signature already checked."""

    rt: Runtime
    query: Mapping[str, str]
    form: Mapping[str, str]
    path: Mapping[str, Any]
    access_key: str

    def param(self, name: str, *, source: str = "query") -> str:
        value = (self.query if source == "query" else self.form).get(name, "")
        if not value:
            raise bad_request(f"missing parameter {name}")
        return value


Handler = Callable[[Call], Response]


def managed(handler: Handler, *, signed: bool = True) -> Callable[[Request], Awaitable[Response]]:
    """Read the (small) body, verify the management token, run ``handler`` in a thread."""

    async def endpoint(request: Request) -> Response:
        rt = runtime_of(request)
        body = await read_body(request)
        query: bytes = request.scope.get("query_string", b"")
        access_key = ""
        if signed:
            raw_path = request.scope.get("raw_path") or request.url.path.encode()
            access_key = rt.verifier.management(
                request.headers.get("authorization"), raw_path, query, body
            )
        call = Call(rt, parse_form(query), parse_form(body), request.path_params, access_key)
        return await run_in_threadpool(handler, call)

    endpoint.__name__ = handler.__name__
    return endpoint


def _int(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise bad_request(f"{name} must be an integer, got {value!r}") from None


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


def list_objects(call: Call) -> Response:
    bucket = call.param("bucket")
    limit = _int(call.query.get("limit") or "1000", "limit")
    if not 1 <= limit <= 1000:
        raise bad_request(f"limit must be between 1 and 1000, got {limit}")
    prefix = decode_b64_text(call.query["prefix"], "prefix") if call.query.get("prefix") else ""
    after = decode_b64_text(call.query["marker"], "marker") if call.query.get("marker") else ""
    mode = call.query.get("mode", "")
    if mode not in ("", "0", "1"):
        raise bad_request(f"mode must be 0 or 1, got {mode!r}")
    start, end = (call.query.get(name) for name in ("startTime", "endTime"))
    window = (_int(start, "startTime") if start else None, _int(end, "endTime") if end else None)
    entries: list[ObjectRecord | str]
    if mode:
        entries, more = call.rt.objects.list_directory(
            bucket, prefix, folders_first=mode == "1", after=after, limit=limit, time_range=window
        )
    else:
        records, more = call.rt.objects.list_flat(
            bucket, prefix, after=after, limit=limit, time_range=window
        )
        entries = list(records)
    last = entries[-1] if entries else ""
    last_name = last if isinstance(last, str) else last.key
    return JSONResponse(
        {
            # The last name of this page, Base64'd: URL-safe, and "" ends the listing.
            "marker": urlsafe_b64encode(last_name) if more else "",
            "commonPrefixes": [e for e in entries if isinstance(e, str)],
            "items": [e.listing() for e in entries if isinstance(e, ObjectRecord)],
        }
    )


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


def stat(call: Call) -> Response:
    record = call.rt.objects.require(*parse_object_entry(call.path["entry"]))
    return JSONResponse(
        {"result": "true", "code": "200", "name": record.key, "message": "OK"}
        | {k: v for k, v in record.listing().items() if k != "key"}
    )


def delete(call: Call) -> Response:
    bucket, key = parse_object_entry(call.path["entry"])
    if call.rt.objects.delete(bucket, key) is None:
        raise no_file(bucket, key)
    return ok()


def _transfer(call: Call, *, move: bool) -> Response:
    source = parse_object_entry(call.path["source"], "source entry")
    target = parse_object_entry(call.path["target"], "destination entry")
    call.rt.objects.transfer(source, target, move=move)
    return ok()


def move(call: Call) -> Response:
    return _transfer(call, move=True)


def copy(call: Call) -> Response:
    return _transfer(call, move=False)


def set_deadline(call: Call) -> Response:
    bucket = decode_b64_text(call.param("bucket", source="form"), "bucket")
    key = decode_b64_text(call.param("key", source="form"), "key")
    days = _int(call.param("deadline", source="form"), "deadline")
    if days < -1:
        raise bad_request("deadline must be -1 (keep), 0 (delete soon) or a number of days")
    # 0 expires the object now: it is gone from every read at once, swept soon after.
    expires = None if days == -1 else call.rt.clock() + days * _DAY_MS
    call.rt.objects.set_expiry(bucket, key, expires)
    return ok()


def image_detect(call: Call) -> Response:
    for name in ("image", "type", "bucket"):
        call.param(name, source="form")
    raise EmulatorError(501, "image detection is not supported by the emulator")


def wslive_list(call: Call) -> Response:
    for name in ("channelname", "startTime", "endTime"):
        call.param(name)
    call.rt.objects.require_bucket(call.param("bucket"))
    return ok(total=0, items=[])


routes_table: Final[tuple[tuple[str, str, Handler], ...]] = (
    ("/bucket/list", "GET", bucket_list),
    ("/list", "GET", list_objects),
    ("/bucket/stat", "GET", bucket_stat),
    ("/bucket/statistics", "GET", bucket_statistics),
    ("/stat/{entry}", "GET", stat),
    ("/delete/{entry}", "POST", delete),
    ("/move/{source}/{target}", "POST", move),
    ("/copy/{source}/{target}", "POST", copy),
    ("/setdeadline", "POST", set_deadline),
    ("/imageDetect", "POST", image_detect),
    ("/wslive/list", "GET", wslive_list),
)
