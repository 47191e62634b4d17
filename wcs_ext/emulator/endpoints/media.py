"""Media endpoints of the management host: ``/imageDetect`` (checked, then 501) and
``/wslive/list`` (the live recordings the emulator was seeded with, see
``live_recordings``; none by default)."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from ..errors import EmulatorError, bad_request
from ..live_recordings import parse_live_time
from .answers import ok
from .management_call import Call, managed
from .request_parsing import MAX_BYTES, parse_int

__all__ = ["routes"]


def image_detect(call: Call) -> Response:
    for name in ("image", "type", "bucket"):
        call.param(name, source="form")
    raise EmulatorError(501, "image detection is not supported by the emulator")


def wslive_list(call: Call) -> Response:
    channel = call.param("channelname")
    try:
        start = parse_live_time(call.param("startTime"))
        end = parse_live_time(call.param("endTime"))
    except ValueError as exc:
        raise bad_request(f"startTime and endTime must be times YYYYMMDDhhmmss: {exc}") from None
    if end < start:
        raise bad_request("endTime is before startTime")
    first = parse_int(call.query.get("start") or "1", "start", low=1, high=MAX_BYTES)
    limit = call.query.get("limit")
    count = None if not limit else parse_int(limit, "limit", low=1, high=MAX_BYTES)
    bucket = call.param("bucket")
    call.rt.objects.require_bucket(bucket)
    found = call.rt.settings.live_recordings.find(channel, bucket, start, end)
    page = found[first - 1 :] if count is None else found[first - 1 : first - 1 + count]
    return ok(total=len(found), items=[dict(item) for item in page])


def routes() -> list[Route]:
    return [
        Route("/imageDetect", managed(image_detect), methods=["POST"]),
        Route("/wslive/list", managed(wslive_list), methods=["GET"]),
    ]
