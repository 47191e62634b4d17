"""``GET /_emulator/stats``: what the emulator has seen since it started (``traffic``).

Not a WCS endpoint: no token, no faults, counts and sizes only (requests by endpoint
and by status, bytes received and sent, faults injected by kind, uptime), so a test can
assert how many requests its code made without reading a log.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..traffic import Traffic

__all__ = ["STATS_PATH", "routes"]

STATS_PATH = "/_emulator/stats"


async def stats(request: Request) -> Response:
    traffic: Traffic = request.state.traffic
    return JSONResponse(traffic.stats())


def routes() -> list[Route]:
    return [Route(STATS_PATH, stats, methods=["GET"])]
