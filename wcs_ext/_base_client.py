"""The machinery both client twins share: one call described once, run with retries.

An :class:`Operation` names the generated endpoint function (sync and async twins),
its arguments and how to read the answer. :func:`run_sync` and :func:`run_async` differ
only in their I/O lines; every decision (is it an error, which one, retry or not, how
long to wait) is made by the pure functions here, as openai-python's base client does.
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Generic, Literal, TypeVar

import attrs
import httpx

from wcs_client.types import Response

from ._retry import RetryPolicy, is_retryable_status
from ._version import __version__
from .errors import (
    WcsError,
    WcsProtocolError,
    WcsTimeoutError,
    WcsTransportError,
    status_error,
)

__all__ = [
    "USER_AGENT",
    "Host",
    "Operation",
    "error_from_response",
    "parsed_or_raise",
    "protocol_error",
    "request_id_of",
    "run_async",
    "run_sync",
]

log = logging.getLogger("wcs_ext")

T = TypeVar("T")
Host = Literal["put", "mgr"]
USER_AGENT = f"wcs-ext/{__version__} (python-httpx)"


def request_id_of(response: Response[Any] | httpx.Response) -> str | None:
    return response.headers.get("x-reqid") or None


@attrs.frozen(kw_only=True)
class Operation(Generic[T]):
    """One WCS call: which endpoint, with what, and how its success answer is read.

    ``idempotent`` calls may be repeated after an ambiguous failure (a read timeout, a
    500); the others (delete, move, job submissions) only when the request provably did
    not take effect (connection refused, 408, 429, 503).
    """

    what: str
    host: Host
    sync: Callable[..., Response[Any]]
    asyncio: Callable[..., Awaitable[Response[Any]]]
    kwargs: Mapping[str, Any]
    parse: Callable[[Response[Any]], T]
    idempotent: bool = True


def _decode_body(content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        return content.decode("utf-8", "replace").strip()


_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_HTML_TAG = re.compile(r"<[^>]*>")
_MAX_TEXT_MESSAGE = 200


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _text_message(text: str) -> str:
    """A readable line from a non-JSON error body: a proxy's HTML page, plain text."""
    title = _HTML_TITLE.search(text)
    readable = title.group(1) if title else _HTML_TAG.sub(" ", text)
    return _one_line(html.unescape(readable))[:_MAX_TEXT_MESSAGE]


def error_from_response(response: Response[Any] | httpx.Response, what: str) -> WcsError:
    """The typed error for a non-2xx answer, with WCS code, message and request id."""
    body = _decode_body(response.content)
    code: int | str | None = None
    message = ""
    if isinstance(body, dict):
        code = body.get("code")
        message = _one_line(str(body.get("message") or body.get("error") or ""))
    elif isinstance(body, str):
        message = _text_message(body)
    if not message:
        message = "no error message in the answer"
    return status_error(
        response.status_code,
        f"{what}: {message}",
        code=code,
        body=body,
        request_id=request_id_of(response),
    )


def protocol_error(response: Response[Any], what: str, detail: str) -> WcsProtocolError:
    return WcsProtocolError(
        f"{what}: {detail}",
        status=response.status_code,
        body=_decode_body(response.content),
        request_id=request_id_of(response),
    )


def parsed_or_raise(response: Response[Any], what: str, model: type[T]) -> T:
    """The parsed success model, or a protocol error when the body is not that shape."""
    parsed = response.parsed
    if not isinstance(parsed, model):
        raise protocol_error(response, what, "the answer is not the documented JSON")
    return parsed


@attrs.frozen
class _Failure:
    error: WcsError
    retryable: bool
    retry_after: str | None = None
    cause: BaseException | None = None


def _transport_failure(exc: httpx.HTTPError, op: Operation[Any]) -> _Failure:
    # A request that never connected did nothing: safe to repeat for any operation.
    not_sent = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))
    if isinstance(exc, httpx.TimeoutException):
        error: WcsError = WcsTimeoutError(f"{op.what}: timed out ({type(exc).__name__})")
    else:
        detail = str(exc) or type(exc).__name__
        error = WcsTransportError(f"{op.what}: {detail}")
    return _Failure(error, retryable=not_sent or op.idempotent, cause=exc)


def _status_failure(response: Response[Any], op: Operation[Any]) -> _Failure:
    status = response.status_code
    not_processed = status in (408, 429, 503)
    retryable = is_retryable_status(status) and (op.idempotent or not_processed)
    return _Failure(
        error_from_response(response, op.what),
        retryable=retryable,
        retry_after=response.headers.get("retry-after"),
    )


def _outcome(op: Operation[T], response: Response[Any]) -> T | _Failure:
    if 200 <= response.status_code < 400:
        return op.parse(response)
    return _status_failure(response, op)


def _next_delay(failure: _Failure, policy: RetryPolicy, retries_taken: int) -> float:
    """Seconds to wait before trying again; raises the failure when it is final."""
    delay = (
        policy.delay(retries_taken, retry_after=failure.retry_after) if failure.retryable else None
    )
    if delay is None:
        raise failure.error from failure.cause
    log.debug("retrying after %.2fs: %s", delay, failure.error)
    return delay


def run_sync(
    op: Operation[T],
    client: Any,
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    retries_taken = 0
    while True:
        try:
            outcome = _outcome(op, op.sync(client=client, **op.kwargs))
        except httpx.HTTPError as exc:
            outcome = _transport_failure(exc, op)
        if not isinstance(outcome, _Failure):
            return outcome
        sleep(_next_delay(outcome, policy, retries_taken))
        retries_taken += 1


async def run_async(
    op: Operation[T],
    client: Any,
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    retries_taken = 0
    while True:
        try:
            outcome = _outcome(op, await op.asyncio(client=client, **op.kwargs))
        except httpx.HTTPError as exc:
            outcome = _transport_failure(exc, op)
        if not isinstance(outcome, _Failure):
            return outcome
        await sleep(_next_delay(outcome, policy, retries_taken))
        retries_taken += 1
