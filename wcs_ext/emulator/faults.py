"""Fault injection: a seeded share of requests fails the way real networks fail.

With ``--fault-rate F`` each upload or management request (not the unauthenticated
status polls, which clients use to find out what happened, nor the emulator's own
pages: ``/`` and ``/_emulator/stats``) gets a fault with probability F; downloads
(``/dl/...``) too with ``--fault-downloads``. The fault is one of the kinds of its
class of request, in this table:

=================  ======  =============================================  ============
kind               class   what the client sees                           stored data
=================  ======  =============================================  ============
``error-500``      U D     500 with a JSON body, before anything is done  untouched
``error-503``      U D     503 + ``Retry-After: 0``, before anything      untouched
``drop-before``    U D     the connection closes, no response, body       untouched
                           unread
``slow``           U       0.5-1.5 s of silence, then the normal answer   as normal
``drop-after``     U       the request is carried out, then the           changed,
                           connection closes with no response             answer lost
``cut-after``      U       the request is carried out, then the answer    changed,
                           is cut off after its headers and half its body answer lost
``cut-body``       D       the headers and a seeded share (0-100 %) of    untouched
                           the body, then the connection is reset
``drip``           D       the body in pieces of 512 B every 0.1 s (5     untouched
                           KiB/s) for 1.5-2.5 s, then the rest at once
=================  ======  =============================================  ============

U: uploads and management requests; D: downloads, with ``--fault-downloads``.
``--fault-kinds error-503,drip`` draws only the kinds listed (a storm of 503s:
``--fault-rate 1 --fault-kinds error-503``). The kind injected into a request is
noted in its scope (:data:`FAULT_SCOPE_KEY`) for the request log and the stats.

"after" faults are the hard case for a client: the work was done but it cannot know.
Uploads stay safe to repeat: a repeated upload of the same bytes to a key that already
holds them is acknowledged, a repeated bput re-sends from its ctx's offset, and a
repeated mkfile gets the first mkfile's answer. Faults never corrupt stored bytes: a
request is either carried out whole or not at all. A drip is slow enough for a client
with a speed floor (``low_speed_limit``) to notice and bounded, so one that has none
still finishes.

The sequence is deterministic per ``--fault-seed``: the n-th eligible request to
arrive always gets the n-th draw (with concurrent clients, arrival order may vary). A
request whose class has no kinds to draw from (a download without
``--fault-downloads``) is not eligible and takes no draw, so turning download faults
off leaves the upload sequence of a seed as it was.
"""

from __future__ import annotations

import asyncio
import enum
import json
import logging
import random
import time
from collections.abc import Callable, Collection
from typing import Final

import attrs
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "DOWNLOAD_KINDS",
    "FAULT_SCOPE_KEY",
    "UPLOAD_KINDS",
    "ConnectionDropper",
    "Fault",
    "FaultKind",
    "FaultMiddleware",
    "FaultPlan",
    "is_download",
    "is_eligible",
]

log = logging.getLogger("wcs_ext.emulator")

_DOWNLOAD_PREFIX: Final = "/dl/"
_EXEMPT_PATHS: Final = frozenset({"/fmgr/status", "/status/get/prefop", "/"})
_OWN_PREFIX: Final = "/_emulator/"
"""The emulator's own pages (stats) are no WCS endpoints: they never get faults."""
FAULT_SCOPE_KEY: Final = "wcs_ext.fault"
"""Where the kind of the fault injected into a request is noted, for the request log."""
DRIP_PIECE: Final = 512
"""Bytes per piece of a drip."""
DRIP_PAUSE: Final = 0.1
"""Seconds between the pieces of a drip: 5 KiB/s, below any sensible speed floor."""
DRIP_BASE: Final = 1.0
"""A drip lasts this plus the fault's 0.5-1.5 s, then the rest of the body goes at once."""


class FaultKind(enum.Enum):
    ERROR_500 = "error-500"
    ERROR_503 = "error-503"
    DROP_BEFORE = "drop-before"
    SLOW = "slow"
    DROP_AFTER = "drop-after"
    CUT_AFTER = "cut-after"
    CUT_BODY = "cut-body"
    DRIP = "drip"


UPLOAD_KINDS: Final = (
    FaultKind.ERROR_500,
    FaultKind.ERROR_503,
    FaultKind.DROP_BEFORE,
    FaultKind.SLOW,
    FaultKind.DROP_AFTER,
    FaultKind.CUT_AFTER,
)
"""What uploads and management requests draw from, in draw order (keep it: seeds rely on it)."""
DOWNLOAD_KINDS: Final = (
    FaultKind.ERROR_500,
    FaultKind.ERROR_503,
    FaultKind.DROP_BEFORE,
    FaultKind.CUT_BODY,
    FaultKind.DRIP,
)
"""What downloads draw from, in draw order."""


@attrs.frozen
class Fault:
    kind: FaultKind
    delay: float = 0.0
    share: float = 0.5
    """Of the body sent before a ``cut-body`` (0 <= share < 1)."""


def is_download(path: str) -> bool:
    return path.startswith(_DOWNLOAD_PREFIX)


def is_eligible(path: str, *, downloads: bool = False) -> bool:
    """Whether a request to ``path`` may get a fault (downloads only when opted in)."""
    if is_download(path):
        return downloads
    return path not in _EXEMPT_PATHS and not path.startswith(_OWN_PREFIX)


class FaultPlan:
    """The seeded decision for each eligible request, in arrival order.

    ``kinds`` (default: all) limits what is drawn; downloads draw only with ``downloads``.
    """

    def __init__(
        self,
        rate: float,
        seed: int,
        *,
        kinds: Collection[FaultKind] = (),
        downloads: bool = False,
    ) -> None:
        self._rate = rate
        # Reproducible by design: this chooses faults, it protects nothing.
        self._rng = random.Random(seed)  # noqa: S311
        allowed = set(kinds) or set(FaultKind)
        self._uploads = [kind for kind in UPLOAD_KINDS if kind in allowed]
        self._downloads = [kind for kind in DOWNLOAD_KINDS if kind in allowed] if downloads else []

    def applies(self, path: str) -> bool:
        """Whether a request to ``path`` takes a draw: eligible, with kinds to draw from."""
        if not is_eligible(path, downloads=True):
            return False
        return bool(self._downloads if is_download(path) else self._uploads)

    def next(self, *, download: bool = False) -> Fault | None:
        """The next draw, for a download or (by default) an upload or management request."""
        kinds = self._downloads if download else self._uploads
        if not kinds:
            return None
        # Always three draws, hit or not, so the sequence never shifts. The third is the
        # delay of a slow answer and, the same draw, the share of a cut body.
        hit = self._rng.random() < self._rate
        kind = self._rng.choice(kinds)
        share = self._rng.random()
        return Fault(kind, 0.5 + share, share) if hit else None


Lookup = Callable[[tuple[str, int]], asyncio.Transport | None]


class ConnectionDropper:
    """Closes the TCP connection a request came on (a reset, as a crashed peer would).

    ASGI gives an app no handle on its connection, so the server part attaches a
    lookup from the client address to the transport; without one (tests that run the
    app in-process) the answer is cut short instead.
    """

    def __init__(self) -> None:
        self._lookup: Lookup | None = None

    def attach(self, lookup: Lookup) -> None:
        self._lookup = lookup

    async def drop(self, scope: Scope) -> bool:
        client = scope.get("client")
        if self._lookup is None or not client:
            return False
        transport = self._lookup((client[0], client[1]))
        if transport is None:
            return False
        transport.abort()
        # Let the server see the connection go before the app returns, so it neither
        # answers on the dead connection nor logs a missing response.
        for _ in range(3):
            await asyncio.sleep(0)
        return True


def _json_error(status: int, message: str, extra: list[tuple[bytes, bytes]]) -> list[Message]:
    body = json.dumps({"code": str(status), "message": message}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *extra,
    ]
    return [
        {"type": "http.response.start", "status": status, "headers": headers},
        {"type": "http.response.body", "body": body},
    ]


class FaultMiddleware:
    def __init__(self, app: ASGIApp, plan: FaultPlan, dropper: ConnectionDropper) -> None:
        self.app = app
        self._plan = plan
        self._dropper = dropper

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._plan.applies(scope["path"]):
            await self.app(scope, receive, send)
            return
        fault = self._plan.next(download=is_download(scope["path"]))
        if fault is None:
            await self.app(scope, receive, send)
            return
        log.warning("injecting %s into %s %s", fault.kind.value, scope["method"], scope["path"])
        scope[FAULT_SCOPE_KEY] = fault.kind.value
        if fault.kind is FaultKind.SLOW:
            await asyncio.sleep(fault.delay)
            await self.app(scope, receive, send)
        elif fault.kind in (FaultKind.ERROR_500, FaultKind.ERROR_503):
            status = 500 if fault.kind is FaultKind.ERROR_500 else 503
            extra = [(b"retry-after", b"0")] if status == 503 else []
            for message in _json_error(status, f"injected fault {fault.kind.value}", extra):
                await send(message)
        elif fault.kind is FaultKind.DROP_BEFORE:
            await self._drop(scope, send, [])
        elif fault.kind is FaultKind.CUT_BODY:
            await self.app(scope, receive, _BodyCut(scope, send, self._dropper, fault.share))
        elif fault.kind is FaultKind.DRIP:
            await self.app(scope, receive, _Drip(send, DRIP_BASE + fault.delay))
        else:
            answer: list[Message] = []

            async def keep(message: Message) -> None:
                answer.append(message)

            await self.app(scope, receive, keep)
            await self._drop(scope, send, answer if fault.kind is FaultKind.CUT_AFTER else [])

    async def _drop(self, scope: Scope, send: Send, answer: list[Message]) -> None:
        """Send the start of ``answer`` (headers, half the body), then lose the connection."""
        starts = [m for m in answer if m["type"] == "http.response.start"]
        body = b"".join(m.get("body", b"") for m in answer if m["type"] == "http.response.body")
        if starts:
            start = dict(starts[0])
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
            start["headers"] = [*headers, (b"content-length", str(len(body)).encode())]
            await send(start)
            half = body[: len(body) // 2]
            await send({"type": "http.response.body", "body": half, "more_body": True})
        if not await self._dropper.drop(scope) and not starts:
            # No connection to close: a response that promises a body it never sends
            # makes the server close the connection, the nearest thing to a drop.
            await send(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [(b"content-length", b"1")],
                }
            )


def _content_length(start: Message) -> int:
    for name, value in start.get("headers", []):
        if name.lower() == b"content-length":
            return int(value)
    return 0


class _BodyCut:
    """A ``send`` that passes the headers and ``share`` of the body on, then resets the
    connection and swallows the rest (an app that streams sees the disconnect and stops).
    Without a connection to reset, the answer just never completes, which makes the
    server close the connection."""

    def __init__(self, scope: Scope, send: Send, dropper: ConnectionDropper, share: float) -> None:
        self._scope = scope
        self._send = send
        self._dropper = dropper
        self._share = share
        self._left = 0
        self._cut = False

    async def __call__(self, message: Message) -> None:
        if self._cut:
            return
        if message["type"] == "http.response.start":
            self._left = int(_content_length(message) * self._share)
            await self._send(message)
            return
        body: bytes = message.get("body", b"")
        if len(body) < self._left or (not body and not message.get("more_body", False)):
            self._left -= len(body)
            await self._send(message)
            return
        self._cut = True
        await self._send(
            {"type": "http.response.body", "body": body[: self._left], "more_body": True}
        )
        await self._dropper.drop(self._scope)


class _Drip:
    """A ``send`` that passes the body on in :data:`DRIP_PIECE` byte pieces every
    :data:`DRIP_PAUSE` seconds for ``seconds`` from its first byte, then as it comes."""

    def __init__(self, send: Send, seconds: float) -> None:
        self._send = send
        self._seconds = seconds
        self._until: float | None = None

    async def __call__(self, message: Message) -> None:
        body: bytes = message.get("body", b"")
        if message["type"] != "http.response.body" or not body:
            await self._send(message)
            return
        if self._until is None:
            self._until = time.monotonic() + self._seconds
        while len(body) > DRIP_PIECE and time.monotonic() < self._until:
            piece, body = body[:DRIP_PIECE], body[DRIP_PIECE:]
            await self._send({"type": "http.response.body", "body": piece, "more_body": True})
            await asyncio.sleep(DRIP_PAUSE)
        await self._send({**message, "body": body})
