"""Servers for download tests. A small hostile HTTP server: a stdlib ``http.server`` on
127.0.0.1 (a random port) in a thread, answering each path as a script of steps says;
and, for mock transports, a client (:func:`wcs_for`) and a Range-aware answer
(:func:`ranged`).

A step is what one request gets: :class:`Serve` (a status, headers and a body),
:class:`Drip` (a 200 whose body comes one byte at a time, slowly), :class:`Paced` (a
real body in slow slices), :class:`Drop` (the connection closed before any byte of an
answer), :class:`Stall` (nothing more is sent, the connection held open: from the start,
or after the headers and a part of the body) or :class:`Huge` (a large head: one
enormous header line, or thousands of headers). Each path's steps are used in order;
the last one repeats. Paths without a script get :attr:`HostileServer.default`. GET,
HEAD and POST are answered alike (a POST's body is read first). :func:`run_wcs` runs
the CLI as a user would, :func:`snapshot` lists a tree to compare before and after.
"""

from __future__ import annotations

import os
import socket
import subprocess
import threading
from collections.abc import Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import attrs
import httpx
import pytest

from tests.cli_helpers import BIN_DIR, Result, clean_env
from tests.upload_host import BASE_URL, etag
from wcs_ext import RetryPolicy, Wcs, WcsConfig

__all__ = [
    "BODY",
    "HANG_GUARD",
    "URL",
    "Drip",
    "Drop",
    "HostileServer",
    "Huge",
    "Paced",
    "Serve",
    "Stall",
    "Step",
    "hostile",
    "ranged",
    "run_wcs",
    "snapshot",
    "wcs_for",
]

URL = f"{BASE_URL}/b/k.bin"
BODY = b"hostile bytes\n"


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


@attrs.frozen
class Paced:
    """200 with ``body`` (its WCS hash as ``ETag``), ``slice`` bytes every ``interval`` s."""

    body: bytes
    slice: int
    interval: float


@attrs.frozen
class Stall:
    """Read the request, then send nothing more until the server stops. With ``size``:
    first the head of a 200 of ``size`` bytes (with an ``ETag``, so a client may try to
    continue it) and the ``sent`` first bytes of its body."""

    size: int | None = None
    sent: bytes = b""


@attrs.frozen
class Huge:
    """A 200 with a large head: a header of ``line`` bytes, or ``count`` headers."""

    line: int = 0
    count: int = 0


Step = Serve | Drip | Paced | Drop | Stall | Huge


class HostileServer:
    """The server, its scripts and the raw paths it was asked for."""

    def __init__(self) -> None:
        self.default: Step = Serve(BODY)
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
            try:
                self._answer(step)
            except OSError:  # the client gave up (a timeout, a head too large): expected
                self.close_connection = True

        do_HEAD = do_GET

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.do_GET()

        def _answer(self, step: Step) -> None:
            if isinstance(step, Drop):
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
            elif isinstance(step, Drip):
                self._drip(step)
            elif isinstance(step, Paced):
                self._paced(step)
            elif isinstance(step, Stall):
                self._stall(step)
            elif isinstance(step, Huge):
                self._huge(step)
            else:
                self.send_response(step.status)
                for name, value in step.headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(step.body)))
                self.end_headers()
                self.wfile.write(step.body)

        def _stall(self, step: Stall) -> None:
            self.close_connection = True
            if step.size is not None:
                self.send_response(200)
                self.send_header("Content-Length", str(step.size))
                self.send_header("ETag", '"stalled-1"')
                self.end_headers()
                self.wfile.write(step.sent)
                self.wfile.flush()
            server.stopping.wait()

        def _huge(self, step: Huge) -> None:
            self.close_connection = True
            self.send_response(200)
            if step.line:
                self.send_header("X-Huge", "h" * step.line)
            for n in range(step.count):
                self.send_header(f"X-Many-{n}", "m")
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            self.wfile.write(BODY)

        def _paced(self, step: Paced) -> None:
            self.close_connection = True
            self.send_response(200)
            self.send_header("Content-Length", str(len(step.body)))
            self.send_header("ETag", f'"{etag(step.body)}"')
            self.end_headers()
            for start in range(0, len(step.body), step.slice):
                if server.stopping.wait(step.interval):
                    return
                self.wfile.write(step.body[start : start + step.slice])
                self.wfile.flush()

        def _drip(self, step: Drip) -> None:
            self.close_connection = True
            self.send_response(200)
            self.send_header("Content-Length", str(step.size))
            self.end_headers()
            self.wfile.flush()
            for _ in range(step.size):
                if server.stopping.wait(step.interval):
                    return
                self.wfile.write(b"x")  # an OSError: the client gave up, as wanted
                self.wfile.flush()

    return Handler


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    server = HostileServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


# ------------------------------------------------------------- the CLI against it

HANG_GUARD = 60.0
"""Seconds a command may run before the test calls it hung (not a speed check)."""


def run_wcs(home: Path, cwd: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    """``wcs-ext ARGS`` in ``cwd``, as a user whose home is ``home`` (``env``: settings)."""
    return subprocess.run(
        [str(BIN_DIR / "wcs-ext"), *args],
        cwd=cwd,
        env=clean_env(home, env),
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        start_new_session=True,
        check=False,
    )


def snapshot(root: Path, skip: Path) -> dict[str, bytes | None]:
    """Every file and folder under ``root`` but ``skip``, with the files' bytes."""
    found: dict[str, bytes | None] = {}
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = [d for d in dirs if here / d != skip]
        for name in dirs:
            found[str((here / name).relative_to(root))] = None
        for name in files:
            found[str((here / name).relative_to(root))] = (here / name).read_bytes()
    return found


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
