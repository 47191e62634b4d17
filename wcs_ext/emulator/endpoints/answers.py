"""The answers every endpoint shares: WCS's success and error bodies, and the request id.

WCS answers ``{"code": "<code>", "message": "<text>"}`` (codes as strings, as the docs
show them) and every answer carries an ``X-Reqid`` header; the SDKs read both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from starlette.responses import JSONResponse

__all__ = ["REQID_SCOPE_KEY", "error_response", "ok"]

REQID_SCOPE_KEY: Final = "wcs_ext.reqid"
"""Where the request id lives in the ASGI scope, for every layer that answers."""


def error_response(
    status: int,
    message: str,
    *,
    code: int | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = {"code": str(status if code is None else code), "message": message}
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


def ok(**fields: Any) -> JSONResponse:
    """The documented success shape, ``{"code": "200", "message": "OK", ...}``."""
    return JSONResponse({"code": "200", "message": "OK", **fields})
