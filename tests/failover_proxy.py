"""Hosts for failover tests: a port where nothing listens, and :class:`FailingProxy`,
a host in front of the emulator that passes requests on until it is told to fail.

Both share the emulator's state with the emulator itself, as WCS's upload hosts share
theirs: an upload begun through the proxy can be finished on the emulator directly.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

# Headers the proxy does not copy: they describe one hop, not the request or answer.
_HOP_HEADERS = frozenset({"host", "connection", "content-length", "transfer-encoding"})


@contextmanager
def dead_host() -> Iterator[str]:
    """A URL whose port refuses every connection: bound (so nobody else takes it while
    the test runs) and never listening."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


class FailingProxy:
    """Passes the first ``forward`` requests on to ``target`` (``None``: all of them),
    then answers each with ``status`` (a JSON error, as WCS writes them); ``seen`` is
    every request it got, as ``"METHOD /path"``."""

    def __init__(self, target: str, *, forward: int | None = None, status: int = 503) -> None:
        self.target = target
        self.forward = forward
        self.status = status
        self.seen: list[str] = []
        self._lock = threading.Lock()
        self._upstream = httpx.Client(timeout=30.0)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FailingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._upstream.close()

    def _passes(self, request_line: str) -> bool:
        with self._lock:
            self.seen.append(request_line)
            return self.forward is None or len(self.seen) <= self.forward

    def _relay(self, method: str, raw_path: str, headers: Any, body: bytes) -> httpx.Response:
        # The raw target as sent: management requests are signed over it, byte for byte.
        url = httpx.URL(self.target).copy_with(raw_path=raw_path.encode("ascii"))
        kept = {k: v for k, v in headers.items() if k.lower() not in _HOP_HEADERS}
        return self._upstream.request(method, url, headers=kept, content=body)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if proxy._passes(f"{self.command} {self.path.partition('?')[0]}"):
                    answer = proxy._relay(self.command, self.path, self.headers, body)
                    status, content = answer.status_code, answer.content
                    headers = [
                        (k, v) for k, v in answer.headers.items() if k.lower() not in _HOP_HEADERS
                    ]
                else:
                    status = proxy.status
                    content = b'{"code": %d, "message": "proxy says no"}' % status
                    headers = [("Content-Type", "application/json")]
                self.send_response(status)
                for name, value in headers:
                    if name.lower() != "content-encoding":  # httpx gave the decoded body
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = do_PUT = do_DELETE = _any

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet: pytest shows what the test asserts

        return Handler
