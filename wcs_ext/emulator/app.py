"""``create_app(settings)``: the Starlette application of one emulator.

Upload and management endpoints share one app (and one port); objects are served
under ``/dl/{bucket}/{key}``, the emulator's own pages at ``/`` (the objects, as HTML)
and ``/_emulator/stats``. Every answer carries ``X-Reqid`` and, except a 303, the HTML
page and the bytes of a download, a JSON body with ``code`` and ``message`` on errors;
unknown routes and crashes included. Every request is counted (and logged, with
``request_log``) by ``traffic``. A request body is always read to its end (and thrown
away when rejected) before the answer starts. Uploads and downloads that carry
``x-wos-traffic-limit`` go at that rate (``traffic_limit``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator
from typing import TypedDict

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .endpoints import browse, buckets, downloads, jobs, media, objects, stats, uploads
from .endpoints.answers import REQID_SCOPE_KEY, error_response
from .errors import EmulatorError
from .faults import ConnectionDropper, FaultMiddleware, FaultPlan
from .runtime import Runtime
from .settings import EmulatorSettings
from .traffic import Traffic, TrafficMiddleware
from .traffic_limit import TrafficLimitMiddleware

__all__ = ["create_app"]

log = logging.getLogger("wcs_ext.emulator")


class RequestContextMiddleware:
    """Gives each request an id (``X-Reqid``) and drains unread body before answering."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        reqid = secrets.token_hex(16)
        # Set on the shared scope dict, so the outermost error handler sees it too.
        scope[REQID_SCOPE_KEY] = reqid
        body_done = False

        async def tracking_receive() -> Message:
            nonlocal body_done
            message = await receive()
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_done = True
            return message

        async def answering_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                # Whatever the handler did not read is read and dropped now: a rejected
                # upload stores nothing, and the client is never cut off mid-send.
                while not body_done:
                    await tracking_receive()
                headers = MutableHeaders(scope=message)
                if "x-reqid" not in headers:
                    headers.append("X-Reqid", reqid)
            await send(message)

        await self.app(scope, tracking_receive, answering_send)


def _reqid_header(request: Request) -> dict[str, str]:
    reqid = request.scope.get(REQID_SCOPE_KEY) or secrets.token_hex(16)
    return {"X-Reqid": reqid}


async def _on_emulator_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, EmulatorError)
    return error_response(exc.status, exc.message, code=exc.code, headers=exc.headers)


async def _on_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        message = f"no such endpoint: {request.method} {request.url.path}"
    elif exc.status_code == 405:
        message = f"method {request.method} is not allowed on {request.url.path}"
    else:
        message = exc.detail
    return error_response(exc.status_code, message, headers=exc.headers)


async def _on_crash(request: Request, exc: Exception) -> Response:
    # Runs outside the other middleware (Starlette re-raises for the server's log
    # afterwards), so it adds the request id itself. The server drops the connection
    # after a crash (and the body may be unread): the client must not reuse it.
    headers = {**_reqid_header(request), "Connection": "close"}
    return error_response(500, f"internal error: {type(exc).__name__}", headers=headers)


class _State(TypedDict):
    emulator: Runtime
    traffic: Traffic


def _routes() -> list[Route]:
    # No two routes match the same path, so their order does not matter.
    return [
        *uploads.routes(),
        *jobs.routes(),
        *downloads.routes(),
        *buckets.routes(),
        *objects.routes(),
        *media.routes(),
        *stats.routes(),
        *browse.routes(),
    ]


def create_app(
    settings: EmulatorSettings, *, dropper: ConnectionDropper | None = None
) -> Starlette:
    """A new, independent emulator app; its data directory is opened at startup."""
    traffic = Traffic(settings.request_log)
    routes = _routes()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[_State]:
        traffic.open()
        runtime = await run_in_threadpool(Runtime.open, settings)
        tasks = [
            asyncio.create_task(runtime.sweep_forever(), name="wcs-emulator-sweeper"),
            runtime.runner.start(),
        ]
        try:
            yield {"emulator": runtime, "traffic": traffic}
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            traffic.close()
            await run_in_threadpool(runtime.close)

    # Outermost, so it counts what the others do too: drained bodies, injected faults.
    middleware = [
        Middleware(TrafficMiddleware, traffic=traffic, routes=routes),
        Middleware(RequestContextMiddleware),
        # Inside the request id and the draining: its 400 is answered like any other.
        Middleware(TrafficLimitMiddleware),
    ]
    if settings.fault_rate > 0:
        middleware.append(
            Middleware(
                FaultMiddleware,
                plan=FaultPlan(
                    settings.fault_rate,
                    settings.fault_seed,
                    kinds=settings.fault_kinds,
                    downloads=settings.fault_downloads,
                ),
                dropper=dropper or ConnectionDropper(),
            )
        )
    return Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={
            EmulatorError: _on_emulator_error,
            HTTPException: _on_http_exception,
            Exception: _on_crash,
        },
        lifespan=lifespan,
    )
