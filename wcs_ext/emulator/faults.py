"""Fault injection: a seeded share of requests fails the way real networks fail.

With ``--fault-rate F`` each upload or management request (not downloads, not the
unauthenticated status polls, which clients use to find out what happened) gets a
fault with probability F, one of:

=================  =====================================================  ============
kind               what the client sees                                   stored data
=================  =====================================================  ============
``error-500``      500 with a JSON body, before anything is done          untouched
``error-503``      503 + ``Retry-After: 0``, before anything is done      untouched
``drop-before``    the connection closes, no response, body unread        untouched
``slow``           0.5-1.5 s of silence, then the normal answer           as normal
``drop-after``     the request is carried out, then the connection        changed, answer
                   closes with no response                                lost
``cut-after``      the request is carried out, then the answer is cut     changed, answer
                   off after its headers and half its body                lost
=================  =====================================================  ============

"after" faults are the hard case for a client: the work was done but it cannot know.
Uploads stay safe to repeat: a repeated upload of the same bytes to a key that already
holds them is acknowledged, a repeated bput re-sends from its ctx's offset, and a
repeated mkfile gets the first mkfile's answer. Faults never corrupt stored bytes: a
request is either carried out whole or not at all.

The sequence is deterministic per ``--fault-seed``: the n-th eligible request to
arrive always gets the n-th draw (with concurrent clients, arrival order may vary).
"""

from __future__ import annotations

import asyncio
import enum
import json
import logging
import random
from collections.abc import Callable
from typing import Final

import attrs
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["ConnectionDropper", "Fault", "FaultKind", "FaultMiddleware", "FaultPlan"]

log = logging.getLogger("wcs_ext.emulator")

_EXEMPT_PREFIXES: Final = ("/dl/",)
_EXEMPT_PATHS: Final = frozenset({"/fmgr/status", "/status/get/prefop"})


class FaultKind(enum.Enum):
    ERROR_500 = "error-500"
    ERROR_503 = "error-503"
    DROP_BEFORE = "drop-before"
    SLOW = "slow"
    DROP_AFTER = "drop-after"
    CUT_AFTER = "cut-after"


@attrs.frozen
class Fault:
    kind: FaultKind
    delay: float = 0.0


class FaultPlan:
    """The seeded decision for each eligible request, in arrival order."""

    def __init__(self, rate: float, seed: int) -> None:
        self._rate = rate
        # Reproducible by design: this chooses faults, it protects nothing.
        self._rng = random.Random(seed)  # noqa: S311

    def next(self) -> Fault | None:
        # Always three draws, hit or not, so the sequence never shifts.
        hit = self._rng.random() < self._rate
        kind = self._rng.choice(list(FaultKind))
        delay = self._rng.uniform(0.5, 1.5)
        return Fault(kind, delay) if hit else None


def is_eligible(path: str) -> bool:
    return path not in _EXEMPT_PATHS and not path.startswith(_EXEMPT_PREFIXES)


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
        if scope["type"] != "http" or not is_eligible(scope["path"]):
            await self.app(scope, receive, send)
            return
        fault = self._plan.next()
        if fault is None:
            await self.app(scope, receive, send)
            return
        log.warning("injecting %s into %s %s", fault.kind.value, scope["method"], scope["path"])
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
