"""Object endpoints of the management host: ``/list``, ``/stat``, ``/delete``,
``/move``, ``/copy`` and ``/setdeadline``."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ...protocol.encoding import urlsafe_b64encode
from ..clock import DAY_MS
from ..errors import bad_request
from ..state.object_store import ObjectRecord, no_file
from .answers import ok
from .management_call import Call, managed
from .request_parsing import decode_b64_text, parse_object_entry

__all__ = ["routes"]


def _int(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise bad_request(f"{name} must be an integer, got {value!r}") from None


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
    expires = None if days == -1 else call.rt.clock() + days * DAY_MS
    call.rt.objects.set_expiry(bucket, key, expires)
    return ok()


def routes() -> list[Route]:
    return [
        Route("/list", managed(list_objects), methods=["GET"]),
        Route("/stat/{entry}", managed(stat), methods=["GET"]),
        Route("/delete/{entry}", managed(delete), methods=["POST"]),
        Route("/move/{source}/{target}", managed(move), methods=["POST"]),
        Route("/copy/{source}/{target}", managed(copy), methods=["POST"]),
        Route("/setdeadline", managed(set_deadline), methods=["POST"]),
    ]
