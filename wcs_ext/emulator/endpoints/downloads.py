"""``GET {download_url}/{bucket}/{key}``: an object's bytes, with Range support.

Downloads need no token (as a public bucket's domain). Range requests are checked here
first so that a bad or unsatisfiable range gets the same JSON error shape as the rest
of the emulator; Starlette's ``FileResponse`` then serves the bytes.
"""

from __future__ import annotations

import os
from typing import Final

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from ..errors import EmulatorError, bad_request
from ..runtime import runtime_of
from ..state.object_store import no_file

__all__ = ["download", "routes"]

_MAX_RANGES: Final = 100


def _check_range(header: str, size: int) -> None:
    """Reject a malformed (400) or unsatisfiable (416) Range as ``FileResponse`` would,
    but with a JSON body; the parsing rules are the same as Starlette's."""
    unit, sep, spec = header.partition("=")
    if not sep or unit.strip().lower() != "bytes":
        raise bad_request("Range must be 'bytes=...'")
    if spec.count(",") + 1 > _MAX_RANGES:
        return  # served whole, as Starlette does
    ranges = []
    for part in (p.strip() for p in spec.split(",")):
        first, dash, last = part.partition("-")
        if not dash or part == "-":
            continue
        try:
            start = int(first) if first.strip() else max(size - int(last), 0)
            end = int(last) + 1 if first.strip() and last.strip() and int(last) < size else size
        except ValueError:
            continue
        ranges.append((start, end))
    if not ranges:
        raise bad_request("Range names no valid range")
    if any(not 0 <= start < size for start, _ in ranges):
        raise EmulatorError(
            416, "the range is outside the object", headers={"Content-Range": f"bytes */{size}"}
        )
    if any(start >= end for start, end in ranges):
        raise bad_request("Range: a range ends before it starts")


async def download(request: Request) -> Response:
    rt = runtime_of(request)
    bucket, key = request.path_params["bucket"], request.path_params["key"]
    record = await run_in_threadpool(rt.objects.get, bucket, key)
    if record is None:
        raise no_file(bucket, key)
    path = rt.blobs.path(record.blob)
    try:
        stat_result = await run_in_threadpool(os.stat, path)
    except FileNotFoundError:
        raise no_file(bucket, key) from None  # replaced or deleted a moment ago
    header = request.headers.get("range")
    if header is not None:
        _check_range(header, record.size)
    if request.method == "GET":
        await run_in_threadpool(rt.usage.count, bucket, "downloadRequest")
        await run_in_threadpool(rt.usage.count, bucket, "downloadTraffic", record.size)
    return FileResponse(
        path,
        media_type=record.mime,
        stat_result=stat_result,
        headers={"ETag": f'"{record.hash}"'},
    )


def routes() -> list[Route]:
    return [Route("/dl/{bucket}/{key:path}", download, methods=["GET", "HEAD"])]
