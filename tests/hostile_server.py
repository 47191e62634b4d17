"""Servers for download tests. A small hostile HTTP server: a stdlib ``http.server`` on
127.0.0.1 (a random port) in a thread, answering each path as a script of steps says;
and, for mock transports, a client (:func:`wcs_for`) and a Range-aware answer
(:func:`ranged`).

A step is what one request gets: :class:`Serve` (a status, headers and a body),
:class:`Drip` (a 200 whose body comes one byte at a time, slowly) or :class:`Drop`
(the connection closed before any byte of an answer). Each path's steps are used in
order; the last one repeats. Paths without a script get :attr:`HostileServer.default`.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import attrs
import httpx
import pytest

from tests.upload_host import BASE_URL, etag
from wcs_ext import RetryPolicy, Wcs, WcsConfig

__all__ = ["URL", "Drip", "Drop", "HostileServer", "Serve", "Step", "hostile", "ranged", "wcs_for"]

URL = f"{BASE_URL}/b/k.bin"


@attrs.frozen
class Serve:
    body: bytes
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()


@attrs.frozen
class Drip:
    """200 with ``Content-Length: size``; one byte every ``interval`` seconds."""

    size: int
    interval: float


@attrs.frozen
class Drop:
    """Read the request, then close the connection without answering."""


Step = Serve | Drip | Drop


class HostileServer:
    """The server, its scripts and the raw paths it was asked for."""

    def __init__(self) -> None:
        self.default: Step = Serve(b"hostile bytes\n")
        self.scripts: dict[str, list[Step]] = {}
        self.requests: list[str] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._http.daemon_threads = True
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._http.server_address[1]}"

    def script(self, path: str, steps: Sequence[Step]) -> str:
        """Answer ``path`` (as sent, percent-encoding and all) with ``steps``; its URL."""
        with self._lock:
            self.scripts[path] = list(steps)
        return self.base_url + path

    def next_step(self, raw_path: str) -> Step:
        with self._lock:
            self.requests.append(raw_path)
            steps = self.scripts.get(urlsplit(raw_path).path)
            if not steps:
                return self.default
            return steps.pop(0) if len(steps) > 1 else steps[0]

    def hits(self, path: str) -> int:
        with self._lock:
            return sum(urlsplit(p).path == path for p in self.requests)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.stopping.set()  # ends every drip at its next byte
        self._http.shutdown()
        self._http.server_close()
        self._thread.join(10)


def _handler_for(server: HostileServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet: the test output is for the tests

        def do_GET(self) -> None:
            step = server.next_step(self.path)
            if isinstance(step, Drop):
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if isinstance(step, Drip):
                self._drip(step)
                return
            self.send_response(step.status)
            for name, value in step.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(step.body)))
            self.end_headers()
            self.wfile.write(step.body)

        def _drip(self, step: Drip) -> None:
            self.close_connection = True
            self.send_response(200)
            self.send_header("Content-Length", str(step.size))
            self.end_headers()
            self.wfile.flush()
            for _ in range(step.size):
                if server.stopping.wait(step.interval):
                    return
                try:
                    self.wfile.write(b"x")
                    self.wfile.flush()
                except OSError:  # the client gave up: that is what the test wants
                    return

    return Handler


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    server = HostileServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


# ------------------------------------------------------------- mock transports


def wcs_for(handler: Any, **settings: Any) -> Wcs:
    config = WcsConfig(put_url=BASE_URL, mgr_url=BASE_URL, **settings)
    retry = RetryPolicy(max_retries=3, initial_delay=0, max_delay=0)
    return Wcs(config, transport=httpx.MockTransport(handler), retry=retry)


def ranged(
    data: bytes, request: httpx.Request, stream: httpx.SyncByteStream | None = None
) -> httpx.Response:
    """A 200 or, for a matching If-Range, a 206 of ``data`` (``stream``: its body)."""
    headers = {"ETag": f'"{etag(data)}"'}
    start = 0
    wanted = request.headers.get("range")
    if wanted and request.headers.get("if-range") == headers["ETag"]:
        start = int(wanted.removeprefix("bytes=").removesuffix("-"))
        headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
    headers["Content-Length"] = str(len(data) - start)
    status = 206 if start else 200
    if stream is None:
        return httpx.Response(status, headers=headers, content=data[start:])
    return httpx.Response(status, headers=headers, stream=stream)
