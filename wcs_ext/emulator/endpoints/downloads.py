"""``GET {download_url}/{bucket}/{key}``: an object's bytes, with Range support.

Downloads need no token (as a public bucket's domain). The object's blob is opened in
the same step that looks the key up (``ObjectStore.open``), and the answer streams from
that open file (``blob_response``): an overwrite or delete that lands meanwhile cannot
take the bytes away, so a download gets the old version or the new one, whole.
"""

from __future__ import annotations

import os

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..runtime import runtime_of
from ..state.object_store import no_file
from .blob_response import BlobResponse, Span, last_modified, parse_ranges

__all__ = ["download", "routes"]


def _ranges(request: Request, size: int, etag: str, mtime: float) -> list[Span]:
    header = request.headers.get("range")
    if header is None:
        return []
    if_range = request.headers.get("if-range")
    # If-Range names the version the client holds part of; another version: send it all.
    if if_range is not None and (
        if_range.startswith("W/") or if_range not in (etag, last_modified(mtime))
    ):
        return []
    return parse_ranges(header, size)


async def download(request: Request) -> Response:
    rt = runtime_of(request)
    bucket, key = request.path_params["bucket"], request.path_params["key"]
    opened = await run_in_threadpool(rt.objects.open, bucket, key)
    if opened is None:
        raise no_file(bucket, key)
    record, file = opened
    try:
        etag = f'"{record.hash}"'
        mtime = os.fstat(file.fileno()).st_mtime
        ranges = _ranges(request, record.size, etag, mtime)
        if request.method == "GET":
            await run_in_threadpool(rt.usage.count, bucket, "downloadRequest")
            await run_in_threadpool(rt.usage.count, bucket, "downloadTraffic", record.size)
        return BlobResponse(
            file, size=record.size, mtime=mtime, media_type=record.mime, etag=etag, ranges=ranges
        )
    except BaseException:
        file.close()  # the response owns it only once made
        raise


def routes() -> list[Route]:
    return [Route("/dl/{bucket}/{key:path}", download, methods=["GET", "HEAD"])]
