"""Reading what a request carries: its body (small ones in memory, large ones streamed),
``a=b&c=d`` forms and queries, the Base64 values and entries in them, and the numbers
(sizes, offsets, indexes, times, days), each checked against what it may be."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final
from urllib.parse import unquote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from ...protocol.encoding import parse_entry, urlsafe_b64decode
from ..clock import DAY_MS
from ..errors import EmulatorError, bad_request
from ..state.object_keys import check_key

__all__ = [
    "MAX_BLOCK_INDEX",
    "MAX_BYTES",
    "MAX_DEADLINE_DAYS",
    "MAX_MS",
    "decode_b64_text",
    "parse_days",
    "parse_form",
    "parse_int",
    "parse_object_entry",
    "read_body",
    "stream_body",
]

_BATCH: Final = 1024 * 1024
"""Body bytes gathered before one write in the threadpool: few thread hops, little memory."""

MAX_BYTES: Final = 2**63 - 1
"""Largest size or offset: what SQLite's INTEGER (and a ctx's 64-bit fields) can hold."""
MAX_BLOCK_INDEX: Final = 2**32 - 1
"""Largest block index: a ctx holds it in 32 bits."""
MAX_MS: Final = 253_402_300_799_999
"""Largest time in ms since the epoch: the end of year 9999, the last one dates can show."""
MAX_DEADLINE_DAYS: Final = 1_000_000
"""Largest ``deadline`` in days: about 2700 years, so an expiry stays a showable date."""

# ASCII digits only: int() would also take spaces, "_", "+" and other scripts' digits.
_DECIMAL = re.compile(r"-?[0-9]{1,30}")


async def read_body(request: Request, limit: int = 1024 * 1024) -> bytes:
    """A small body (forms, ctx lists) in memory; larger than ``limit`` is a 413."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise EmulatorError(413, f"request body larger than {limit} bytes")
    return bytes(body)


async def stream_body(request: Request, write: Callable[[bytes], None]) -> None:
    """Hand the body to ``write`` piece by piece as it arrived, ~1 MiB of pieces per trip
    to the threadpool: the pieces are never joined, so no byte is copied here."""
    pending: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        if chunk:
            pending.append(chunk)
            size += len(chunk)
        if size >= _BATCH:
            await run_in_threadpool(_write_each, write, pending)
            pending, size = [], 0
    if pending:
        await run_in_threadpool(_write_each, write, pending)


def _write_each(write: Callable[[bytes], None], pieces: list[bytes]) -> None:
    for piece in pieces:
        write(piece)


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


def parse_int(text: str, what: str, *, low: int, high: int) -> int:
    """A decimal integer from ``low`` to ``high``; anything else is a 400 naming ``what``."""
    value = int(text) if _DECIMAL.fullmatch(text) else None
    if value is None or not low <= value <= high:
        shown = text if len(text) <= 40 else f"{text[:40]}..."
        raise bad_request(f"{what} must be a whole number from {low} to {high}, got {shown!r}")
    return value


def parse_days(text: str, what: str, now_ms: int) -> int | None:
    """A ``deadline`` in days -> the expiry in ms: ``-1`` never (None), ``0`` at once."""
    days = parse_int(text, what, low=-1, high=MAX_DEADLINE_DAYS)
    return None if days == -1 else now_ms + days * DAY_MS


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
