"""``x-wos-traffic-limit``: an upload's or download's body paced to the rate it asks for.

The original SDK sends the header with whatever integer ``traffic_limit`` holds, and no
WCS document we could read gives its unit (``wcs-api.md`` §10). The emulator takes it as
**bits a second**, the unit of the same header on other object stores (OSS's
``x-oss-traffic-limit``), and in their range: 819200 (100 KiB/s) to 838860800
(100 MiB/s). The SDK's own examples (1000000, 8388608: 1 MiB/s) fall inside it. A value
outside it, or not a decimal integer, is a 400 (the request is not served at all).

Only the routes that move an object's bytes are paced (``/file/upload``, ``/mkblk``,
``/bput``, ``/mkfile``, ``/dl``); others ignore the header. Each direction of a request
has its own schedule: byte N may pass ``N / rate`` seconds after the first, so the body
arrives (or leaves) no faster than asked, and a slow moment is never made up for with
a burst beyond it. Waiting is ``asyncio.sleep``: the loop serves other requests meanwhile;
holding back ``receive`` also holds back the socket (the server stops reading, TCP the
sender).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .endpoints.answers import error_response

__all__ = [
    "MAX_LIMIT",
    "MIN_LIMIT",
    "BadTrafficLimit",
    "Pace",
    "TrafficLimitMiddleware",
    "parse_traffic_limit",
]

MIN_LIMIT: Final = 819_200
"""Slowest rate taken, bits a second (100 KiB/s)."""
MAX_LIMIT: Final = 838_860_800
"""Fastest rate taken, bits a second (100 MiB/s)."""
PIECE: Final = 64 * 1024
"""The most of a response body sent at once: short waits, an even pace."""
_PACED: Final = ("/file/upload", "/mkblk/", "/bput/", "/mkfile/", "/dl/")
_HEADER: Final = b"x-wos-traffic-limit"
_DECIMAL = re.compile(rb"[0-9]{1,12}")


class BadTrafficLimit(ValueError):
    pass


def parse_traffic_limit(raw: bytes) -> int:
    """The header's rate in bits a second; :class:`BadTrafficLimit` with the reason."""
    text = raw.strip()
    if not _DECIMAL.fullmatch(text):
        raise BadTrafficLimit(f"x-wos-traffic-limit must be a decimal integer, got {shown(raw)}")
    rate = int(text)
    if not MIN_LIMIT <= rate <= MAX_LIMIT:
        raise BadTrafficLimit(
            f"x-wos-traffic-limit must be {MIN_LIMIT} to {MAX_LIMIT} bits a second, got {rate}"
        )
    return rate


def shown(raw: bytes) -> str:
    text = repr(raw.decode("latin-1"))
    return text if len(text) <= 40 else text[:37] + "..."


class Pace:
    """One direction of one request: ``passed(n)`` waits until n more bytes may go."""

    def __init__(
        self,
        bits_per_second: int,
        *,
        sleep: Callable[[float], Awaitable[None]],
        clock: Callable[[], float],
    ) -> None:
        self._bytes_per_second = bits_per_second / 8
        self._sleep = sleep
        self._clock = clock
        self._started: float | None = None
        self._passed = 0
        self.slept = 0.0
        """Seconds waited so far (what tests read: no wall clock needed)."""

    async def passed(self, size: int) -> None:
        now = self._clock()
        if self._started is None:
            self._started = now
        self._passed += size
        due = self._started + self._passed / self._bytes_per_second
        if due > now:
            self.slept += due - now
            await self._sleep(due - now)


class TrafficLimitMiddleware:
    """Paces the body of every upload and download that carries the header."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self._sleep = sleep
        self._clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = _header_of(scope) if scope["type"] == "http" else None
        if raw is None or not str(scope["path"]).startswith(_PACED):
            await self.app(scope, receive, send)
            return
        try:
            rate = parse_traffic_limit(raw)
        except BadTrafficLimit as exc:
            await error_response(400, str(exc))(scope, receive, send)
            return
        incoming = Pace(rate, sleep=self._sleep, clock=self._clock)
        outgoing = Pace(rate, sleep=self._sleep, clock=self._clock)

        async def paced_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                await incoming.passed(len(message.get("body", b"")))
            return message

        async def paced_send(message: Message) -> None:
            if message["type"] != "http.response.body":
                await send(message)
                return
            body: bytes = message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) <= PIECE:
                await outgoing.passed(len(body))
                await send(message)
                return
            view = memoryview(body)
            for start in range(0, len(view), PIECE):
                part = bytes(view[start : start + PIECE])
                await outgoing.passed(len(part))
                last = start + PIECE >= len(view)
                await send(
                    {"type": "http.response.body", "body": part, "more_body": more or not last}
                )

        await self.app(scope, paced_receive, paced_send)


def _header_of(scope: Scope) -> bytes | None:
    for name, value in scope["headers"]:
        if name.lower() == _HEADER:
            return bytes(value)
    return None
