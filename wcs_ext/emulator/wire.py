"""What every endpoint shares: WCS-shaped errors and answers, form and query parsing,
the key rules, and time in the units WCS uses.

WCS answers ``{"code": "<code>", "message": "<text>"}`` (codes as strings, as the docs
show them) and every answer carries an ``X-Reqid`` header; the SDKs read both.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import unquote

from starlette.responses import JSONResponse

from ..protocol.encoding import parse_entry, urlsafe_b64decode

__all__ = [
    "MAX_KEY_BYTES",
    "REQID_SCOPE_KEY",
    "EmulatorError",
    "bad_request",
    "check_key",
    "decode_b64_text",
    "error_response",
    "format_time",
    "now_ms",
    "ok",
    "parse_form",
    "parse_object_entry",
    "unauthorized",
]

MAX_KEY_BYTES: Final = 1000
REQID_SCOPE_KEY: Final = "wcs_ext.reqid"
"""Where the request id lives in the ASGI scope, for every layer that answers."""


class EmulatorError(Exception):
    """An answer other than success: HTTP ``status``, WCS ``code`` (default: the status)."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = status if code is None else code
        self.message = message
        self.headers = dict(headers or {})


def bad_request(message: str, *, code: int | None = None) -> EmulatorError:
    return EmulatorError(400, message, code=code)


def unauthorized(message: str) -> EmulatorError:
    return EmulatorError(401, message)


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


def parse_form(raw: bytes) -> dict[str, str]:
    """``a=b&c=d`` whatever the Content-Type (the SDK sends none).

    Values are percent-decoded but ``+`` stays a plus: the original SDK sends raw
    Base64 and operation strings, other clients percent-encode; both decode right.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise bad_request("form body is not UTF-8") from None
    out: dict[str, str] = {}
    for pair in text.split("&"):
        if pair:
            name, _, value = pair.partition("=")
            out.setdefault(unquote(name), unquote(value))
    return out


def decode_b64_text(value: str, what: str) -> str:
    try:
        return urlsafe_b64decode(value).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        raise bad_request(f"{what} is not URL-safe Base64 of UTF-8 text") from None


def parse_object_entry(encoded: str, what: str = "entry") -> tuple[str, str]:
    """``b64u(bucket:key)`` -> ``(bucket, key)``; the key must be there and valid."""
    try:
        bucket, key = parse_entry(encoded)
    except (ValueError, UnicodeDecodeError):
        raise bad_request(f"{what} is not URL-safe Base64 of 'bucket:key'") from None
    if key is None:
        raise bad_request(f"{what} names no key ('bucket:key' expected)")
    return bucket, check_key(key)


def check_key(key: str) -> str:
    """The docs' key rules: 1..1000 bytes of UTF-8, no leading or trailing ``/``, no
    ``/../`` or ``/./`` segment. Keys never name files here, so nothing else matters."""
    if not key:
        raise bad_request("key must not be empty")
    if len(key.encode("utf-8")) > MAX_KEY_BYTES:
        raise bad_request(f"key is longer than {MAX_KEY_BYTES} bytes")
    if key.startswith("/") or key.endswith("/"):
        raise bad_request("key must not start or end with '/'")
    if "/../" in key or "/./" in key:
        raise bad_request("key must not contain '/../' or '/./'")
    return key


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def format_time(ms: int | None) -> str:
    """``YYYY-MM-DD hh:mm:ss`` in UTC (the format of bucket ``ctime``); "" for none."""
    if ms is None:
        return ""
    return dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
