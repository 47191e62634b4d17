"""A download's answer: an object's bytes streamed from its blob file, opened when the
object was looked up, whole or in byte ranges.

Streaming from the open file rather than from its path is what lets a download finish
with the version it started with while the key is overwritten or deleted: the blob's
name is unlinked meanwhile, but its bytes stay readable until the file is closed
(POSIX). The file is closed when the answer has been sent or the client has gone.

The range rules are those of Starlette's ``FileResponse``, which this replaces: only
``bytes=`` ranges, more than 100 ranges serve the whole object, overlapping ranges are
merged, several ranges are answered as ``multipart/byteranges``, ``If-Range`` must
equal the ETag or Last-Modified of the object or the whole object is sent. A malformed
range is a 400, an unsatisfiable one a 416, both with WCS's JSON error body.
"""

from __future__ import annotations

import os
import secrets
from email.utils import formatdate
from typing import BinaryIO, Final

import anyio
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from ..errors import EmulatorError, bad_request

__all__ = ["BlobResponse", "Span", "last_modified", "parse_ranges"]

_MAX_RANGES: Final = 100
_CHUNK: Final = 256 * 1024

Span = tuple[int, int]
"""``(start, end)``: bytes ``start`` to ``end - 1`` of the object."""


def parse_ranges(header: str, size: int) -> list[Span]:
    """The ranges a ``Range`` header asks for, sorted and merged; ``[]``: send it all."""
    unit, sep, spec = header.partition("=")
    if not sep or unit.strip().lower() != "bytes":
        raise bad_request("Range must be 'bytes=...'")
    if spec.count(",") + 1 > _MAX_RANGES:
        return []
    ranges = []
    for part in (p.strip() for p in spec.split(",")):
        first, dash, last = (s.strip() for s in part.partition("-"))
        if not dash or part == "-":
            continue
        try:
            start = int(first) if first else max(size - int(last), 0)
            end = int(last) + 1 if first and last and int(last) < size else size
        except ValueError:
            continue  # not a number: ignored, as Starlette does
        ranges.append((start, end))
    if not ranges:
        raise bad_request("Range names no valid range")
    if any(not 0 <= start < size for start, _ in ranges):
        raise EmulatorError(
            416, "the range is outside the object", headers={"Content-Range": f"bytes */{size}"}
        )
    if any(start >= end for start, end in ranges):
        raise bad_request("Range: a range ends before it starts")
    merged: list[Span] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def last_modified(mtime: float) -> str:
    return formatdate(mtime, usegmt=True)


class BlobResponse(Response):
    """Sends ``file`` (owned from now on: closed once sent) or the ``ranges`` of it."""

    def __init__(
        self,
        file: BinaryIO,
        *,
        size: int,
        mtime: float,
        media_type: str,
        etag: str,
        ranges: list[Span],
    ) -> None:
        self._file = file
        self.background = None
        headers = {"accept-ranges": "bytes", "etag": etag, "last-modified": last_modified(mtime)}
        self._pieces: list[bytes | Span]
        if not ranges:
            self.status_code = 200
            self._pieces = [(0, size)]
        elif len(ranges) == 1:
            self.status_code = 206
            (start, end) = ranges[0]
            headers["content-range"] = f"bytes {start}-{end - 1}/{size}"
            self._pieces = list(ranges)
        else:
            self.status_code = 206
            boundary = secrets.token_hex(13)
            self._pieces = []
            for start, end in ranges:
                self._pieces.append(
                    f"--{boundary}\r\nContent-Type: {media_type}\r\n"
                    f"Content-Range: bytes {start}-{end - 1}/{size}\r\n\r\n".encode("latin-1")
                )
                self._pieces += [(start, end), b"\r\n"]
            self._pieces.append(f"--{boundary}--".encode("latin-1"))
            media_type = f"multipart/byteranges; boundary={boundary}"
        length = sum(len(p) if isinstance(p, bytes) else p[1] - p[0] for p in self._pieces)
        headers["content-length"] = str(length)
        # Given as a header, not as media_type: Starlette would add "; charset=utf-8" to
        # a text/* type, a charset the uploader never stated (the bytes may be GBK).
        headers["content-type"] = media_type
        self.media_type = media_type
        self.init_headers(headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await send(
                {
                    "type": "http.response.start",
                    "status": self.status_code,
                    "headers": self.raw_headers,
                }
            )
            if scope["method"] == "HEAD":
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            # The server keeps accepting (and dropping) body messages after the client
            # has gone; watching for the disconnect stops reading a file nobody wants.
            async with anyio.create_task_group() as group:

                async def stream() -> None:
                    await self._send_pieces(send)
                    group.cancel_scope.cancel()

                group.start_soon(stream)
                while (await receive())["type"] != "http.disconnect":
                    pass
                group.cancel_scope.cancel()
        finally:
            self._file.close()

    async def _send_pieces(self, send: Send) -> None:
        fd = self._file.fileno()
        for piece in self._pieces:
            if isinstance(piece, bytes):
                await send({"type": "http.response.body", "body": piece, "more_body": True})
                continue
            start, end = piece
            while start < end:
                # pread: no shared file position, so no seek can race a read.
                chunk = await run_in_threadpool(os.pread, fd, min(_CHUNK, end - start), start)
                if not chunk:
                    raise OSError(f"blob file ends at {start} bytes, before {end}")
                start += len(chunk)
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
