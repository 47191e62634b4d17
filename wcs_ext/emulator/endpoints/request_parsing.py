"""Reading what a request carries: its body (small ones in memory, large ones streamed),
``a=b&c=d`` forms and queries, and the Base64 values and entries in them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final
from urllib.parse import unquote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from ...protocol.encoding import parse_entry, urlsafe_b64decode
from ..errors import EmulatorError, bad_request
from ..state.object_keys import check_key

__all__ = ["decode_b64_text", "parse_form", "parse_object_entry", "read_body", "stream_body"]

_BATCH: Final = 1024 * 1024
"""Body bytes gathered before one write in the threadpool: few thread hops, little memory."""


async def read_body(request: Request, limit: int = 1024 * 1024) -> bytes:
    """A small body (forms, ctx lists) in memory; larger than ``limit`` is a 413."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise EmulatorError(413, f"request body larger than {limit} bytes")
    return bytes(body)


async def stream_body(request: Request, write: Callable[[bytes], None]) -> None:
    """Hand the body to ``write`` in ~1 MiB pieces, each written in the threadpool."""
    pending = bytearray()
    async for chunk in request.stream():
        pending += chunk
        if len(pending) >= _BATCH:
            await run_in_threadpool(write, bytes(pending))
            pending.clear()
    if pending:
        await run_in_threadpool(write, bytes(pending))


def parse_form(raw: bytes) -> dict[str, str]:
    """``a=b&c=d`` whatever the Content-Type (the SDK sends none).

    Values are percent-decoded but ``+`` stays a plus: the original SDK sends raw
    Base64 and operation strings, other clients percent-encode; both decode right.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise bad_request("form body is not UTF-8") from None
    out: dict[str, str] = {}
    for pair in text.split("&"):
        if pair:
            name, _, value = pair.partition("=")
            out.setdefault(unquote(name), unquote(value))
    return out


def decode_b64_text(value: str, what: str) -> str:
    try:
        return urlsafe_b64decode(value).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        raise bad_request(f"{what} is not URL-safe Base64 of UTF-8 text") from None


def parse_object_entry(encoded: str, what: str = "entry") -> tuple[str, str]:
    """``b64u(bucket:key)`` -> ``(bucket, key)``; the key must be there and valid."""
    try:
        bucket, key = parse_entry(encoded)
    except (ValueError, UnicodeDecodeError):
        raise bad_request(f"{what} is not URL-safe Base64 of 'bucket:key'") from None
    if key is None:
        raise bad_request(f"{what} names no key ('bucket:key' expected)")
    return bucket, check_key(key)
