"""Object endpoints of the management host: ``/list``, ``/stat``, ``/delete``,
``/move``, ``/copy`` and ``/setdeadline``."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ...protocol.encoding import urlsafe_b64encode
from ..errors import bad_request
from ..state.object_store import ObjectRecord, no_file
from .answers import ok
from .management_call import Call, managed
from .request_parsing import MAX_MS, decode_b64_text, parse_days, parse_int, parse_object_entry

__all__ = ["routes"]


def _time(call: Call, name: str) -> int | None:
    text = call.query.get(name)
    return parse_int(text, name, low=0, high=MAX_MS) if text else None


def list_objects(call: Call) -> Response:
    bucket = call.param("bucket")
    limit = parse_int(call.query.get("limit") or "1000", "limit", low=1, high=1000)
    prefix = decode_b64_text(call.query["prefix"], "prefix") if call.query.get("prefix") else ""
    after = decode_b64_text(call.query["marker"], "marker") if call.query.get("marker") else ""
    mode = call.query.get("mode", "")
    if mode not in ("", "0", "1"):
        raise bad_request(f"mode must be 0 or 1, got {mode!r}")
    window = (_time(call, "startTime"), _time(call, "endTime"))
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
    # -1 keeps the object; 0 expires it now: gone from every read at once, swept soon after.
    expires = parse_days(call.param("deadline", source="form"), "deadline", call.rt.clock())
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
