"""How a management endpoint is called: its token checked, then a plain handler of a
:class:`Call` run in the threadpool.

Shared by the object, bucket, media and job endpoints; ``managed(handler)`` makes the
Starlette endpoint (``signed=False`` for the status polls, which need no token).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import attrs
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from ..errors import bad_request
from ..runtime import Runtime, runtime_of
from .request_parsing import parse_form, read_body

__all__ = ["Call", "Handler", "managed"]


@attrs.frozen
class Call:
    """One management request, its signature already checked."""

    rt: Runtime
    query: Mapping[str, str]
    form: Mapping[str, str]
    path: Mapping[str, Any]
    access_key: str

    def param(self, name: str, *, source: str = "query") -> str:
        value = (self.query if source == "query" else self.form).get(name, "")
        if not value:
            raise bad_request(f"missing parameter {name}")
        return value


Handler = Callable[[Call], Response]


def managed(handler: Handler, *, signed: bool = True) -> Callable[[Request], Awaitable[Response]]:
    """Read the (small) body, verify the management token, run ``handler`` in a thread."""

    async def endpoint(request: Request) -> Response:
        rt = runtime_of(request)
        body = await read_body(request)
        query: bytes = request.scope.get("query_string", b"")
        access_key = ""
        if signed:
            raw_path = request.scope.get("raw_path") or request.url.path.encode()
            access_key = rt.verifier.management(
                request.headers.get("authorization"), raw_path, query, body
            )
        call = Call(rt, parse_form(query), parse_form(body), request.path_params, access_key)
        return await run_in_threadpool(handler, call)

    endpoint.__name__ = handler.__name__
    return endpoint
