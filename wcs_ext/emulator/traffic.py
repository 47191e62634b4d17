"""What the emulator saw: one line per request in the request log (``--log FILE``), and
the counters behind ``GET /_emulator/stats``.

:class:`TrafficMiddleware` sits outside every other layer, fault injection included, so
it sees what went over the wire: the body bytes received (those a handler left unread
too: they are drained before the answer), the body bytes sent, the status (none when a
fault dropped the connection before any answer) and the fault injected, if any.

No credential is ever written or counted: headers (where both kinds of token travel)
are not recorded at all, and a query value whose name says it is one (``token``,
``wsSecret``, ``sign``, ...) is replaced by ``***``.

A log line is one JSON object written with a single ``write`` to a file opened for
appending (0600: it names the keys of the private data), so each line appears whole and
at once, even while a test reads the file.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from starlette.routing import BaseRoute, Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .endpoints.answers import REQID_SCOPE_KEY
from .faults import FAULT_SCOPE_KEY

__all__ = ["Traffic", "TrafficMiddleware", "mask_query"]

log = logging.getLogger("wcs_ext.emulator")

MASK: Final = "***"
_CREDENTIAL_WORDS: Final = ("token", "secret", "sign", "passw", "auth")
"""A query parameter whose name holds one of these (any case) carries a credential."""
_NO_ENDPOINT: Final = "(no such endpoint)"


def mask_query(query: str) -> str:
    """``query`` as sent, with the value of every credential-like parameter masked."""
    parts = []
    for pair in query.split("&"):
        name, sep, _ = pair.partition("=")
        if sep and any(word in name.lower() for word in _CREDENTIAL_WORDS):
            pair = f"{name}={MASK}"  # noqa: PLW2901
        parts.append(pair)
    return "&".join(parts)


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "backslashreplace")


class Traffic:
    """The counters of one emulator, and its request log when it has one."""

    def __init__(self, log_path: Path | None = None) -> None:
        self._log_path = log_path
        self._log_fd: int | None = None
        self._started = time.monotonic()
        self.requests: Counter[str] = Counter()
        self.statuses: Counter[str] = Counter()
        self.faults: Counter[str] = Counter()
        self.bytes_received = 0
        self.bytes_sent = 0

    def open(self) -> None:
        """Start the clock (uptime) and open the request log, if there is one."""
        self._started = time.monotonic()
        if self._log_path is not None and self._log_fd is None:
            flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
            self._log_fd = os.open(self._log_path, flags, 0o600)

    def close(self) -> None:
        if self._log_fd is not None:
            os.close(self._log_fd)
            self._log_fd = None

    def record(self, entry: dict[str, Any]) -> None:
        """Count one finished request and append its line to the log."""
        self.requests[entry["endpoint"]] += 1
        status = entry["status"]
        self.statuses["dropped" if status is None else str(status)] += 1
        if entry["fault"] is not None:
            self.faults[entry["fault"]] += 1
        self.bytes_received += entry["bytes_in"]
        self.bytes_sent += entry["bytes_out"]
        if self._log_fd is not None:
            line = json.dumps(entry, ensure_ascii=False) + "\n"
            try:
                # One write of the whole line on an O_APPEND file: it lands in one piece.
                os.write(self._log_fd, line.encode("utf-8", "backslashreplace"))
            except OSError as exc:  # a full disk must not fail the requests themselves
                log.warning("cannot write the request log: %s", exc.strerror or exc)

    def stats(self) -> dict[str, Any]:
        """The ``/_emulator/stats`` document (counts and sizes only, never a credential)."""
        return {
            "uptime_seconds": round(time.monotonic() - self._started, 3),
            "requests": sum(self.requests.values()),
            "requests_by_endpoint": dict(sorted(self.requests.items())),
            "requests_by_status": dict(sorted(self.statuses.items())),  # "dropped": no answer
            "bytes_received": self.bytes_received,
            "bytes_sent": self.bytes_sent,
            "faults": sum(self.faults.values()),
            "faults_by_kind": dict(sorted(self.faults.items())),
        }


def _endpoint(routes: Sequence[BaseRoute], scope: Scope) -> str:
    """``METHOD /route/{template}``: what the stats count by (keys and ids left out)."""
    for route in routes:
        match, _ = route.matches(scope)
        if match is not Match.NONE and isinstance(route, Route):
            return f"{scope['method']} {route.path}"
    return f"{scope['method']} {_NO_ENDPOINT}"


class TrafficMiddleware:
    def __init__(self, app: ASGIApp, traffic: Traffic, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self._traffic = traffic
        self._routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        entry: dict[str, Any] = {
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
            "method": scope["method"],
            "path": _text(scope.get("raw_path") or scope["path"].encode()),
            "query": mask_query(_text(scope.get("query_string", b""))),
            "endpoint": _endpoint(self._routes, scope),
            "status": None,
            "bytes_in": 0,
            "bytes_out": 0,
        }

        async def counting_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                entry["bytes_in"] += len(message.get("body", b""))
            return message

        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                entry["status"] = message["status"]
            elif message["type"] == "http.response.body":
                entry["bytes_out"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, counting_receive, counting_send)
        except Exception:
            # The outermost handler answers a crash with a 500 (the connection then closes).
            if entry["status"] is None:
                entry["status"] = 500
            raise
        finally:
            entry["duration_ms"] = round((time.monotonic() - started) * 1000, 3)
            entry["request_id"] = scope.get(REQID_SCOPE_KEY)
            entry["fault"] = scope.get(FAULT_SCOPE_KEY)
            self._traffic.record(entry)
