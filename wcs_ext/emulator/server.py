"""Running the app on a real socket with uvicorn, and saying when it is ready."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
from collections.abc import Callable, Generator
from typing import Any

import uvicorn
from uvicorn.protocols.http import h11_impl

from .app import create_app
from .endpoints.stats import STATS_PATH
from .faults import ConnectionDropper
from .settings import EmulatorSettings

__all__ = ["ready_info", "serve"]

# WCS answers some errors with status codes above 599 (614: the key exists); uvicorn's
# HTTP protocols only know the status lines of 100-599 and fail on others.
_WCS_STATUSES = {614: b"File Exists"}


def _http_protocol() -> str:
    """httptools when installed (the ``emulator`` extra has it), else h11.

    httptools parses in C and hands the body over with half the copies of h11 (measured:
    the h11 path was a tenth of the emulator's CPU on a large upload). uvicorn's own
    "auto" picks the same, but the choice must be known to teach it the WCS statuses.
    """
    try:
        import httptools  # noqa: F401, PLC0415
    except ImportError:
        return "h11"
    return "httptools"


def _allow_wcs_statuses(http: str) -> None:
    for status, phrase in _WCS_STATUSES.items():
        h11_impl.STATUS_PHRASES.setdefault(status, phrase)
    if http == "httptools":
        from uvicorn.protocols.http import httptools_impl  # noqa: PLC0415

        for status, phrase in _WCS_STATUSES.items():
            line = b"HTTP/1.1 %d %s\r\n" % (status, phrase)
            httptools_impl.STATUS_LINE.setdefault(status, line)


class _EmulatorServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, on_started: Callable[[int], None]) -> None:
        super().__init__(config)
        self._on_started = on_started

    async def startup(self, sockets: Any = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            port: int = self.servers[0].sockets[0].getsockname()[1]
            self._on_started(port)

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        # uvicorn re-raises SIGINT/SIGTERM after its graceful shutdown, which would end
        # the process as killed; for the emulator either signal is a normal stop.
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {s: signal.signal(s, self.handle_exit) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def transport_for(self, client: tuple[str, int]) -> asyncio.Transport | None:
        """The transport of the connection from ``client`` (for dropped-connection faults)."""
        for connection in list(self.server_state.connections):
            if getattr(connection, "client", None) == client:
                transport: asyncio.Transport | None = getattr(connection, "transport", None)
                return transport
        return None


def ready_info(settings: EmulatorSettings, port: int, *, temporary: bool) -> dict[str, Any]:
    """The ready line: where to send requests and the keys to sign them with.

    The secret key is in it: it is the emulator's own, a local test key (the command
    refuses to serve the public demo keys beyond loopback), and a test needs it.
    """
    base = f"http://{settings.host}:{port}"
    if ":" in settings.host:
        base = f"http://[{settings.host}]:{port}"
    access_key, secret_key = next(iter(settings.credentials.items()))
    return {
        "put_url": base,
        "mgr_url": base,
        "download_url": f"{base}/dl",
        "stats_url": f"{base}{STATS_PATH}",
        "access_key": access_key,
        "secret_key": secret_key,
        "buckets": list(settings.buckets),
        "data": str(settings.data_dir),
        "temporary": temporary,
        "fault_rate": settings.fault_rate,
        "fault_seed": settings.fault_seed,
        "fault_kinds": [kind.value for kind in settings.fault_kinds],
        "fault_downloads": settings.fault_downloads,
        "pid": os.getpid(),
    }


def serve(
    settings: EmulatorSettings, on_ready: Callable[[int], None], *, log_level: str = "warning"
) -> None:
    """Serve until SIGINT or SIGTERM; ``on_ready(port)`` runs once the socket listens."""
    http = _http_protocol()
    _allow_wcs_statuses(http)
    dropper = ConnectionDropper()
    config = uvicorn.Config(
        create_app(settings, dropper=dropper),
        host=settings.host,
        port=settings.port,
        log_level=log_level,
        access_log=False,
        lifespan="on",
        http=http,  # the protocol _allow_wcs_statuses taught 614
        loop="auto",  # uvloop when installed (the extra has it where it builds)
        timeout_graceful_shutdown=5,
    )
    server = _EmulatorServer(config, on_ready)
    dropper.attach(server.transport_for)
    server.run()
