"""Reading WCS answers, written once for both client twins: the success model, the typed
error (with WCS code, message and request id), and whether a failure may be retried.

Every decision here is a pure function of the answer, as openai-python's base client
makes them; the twins' send loops (``_async/client_core.py`` and its generated sync
copy) only perform the I/O.
"""

from __future__ import annotations

import html
import json
import logging
import re
import socket
from collections.abc import Callable
from typing import Any, TypeVar

import attrs
import httpx

from wcs_client.types import Unset

from ._retry import RetryPolicy, is_retryable_status
from .errors import WcsError, WcsProtocolError, WcsTimeoutError, WcsTransportError, status_error

__all__ = [
    "Failure",
    "answer_reader",
    "error_from_response",
    "int_code",
    "next_delay",
    "opt",
    "parsed_or_raise",
    "protocol_error",
    "request_id_of",
    "status_failure",
    "transport_failure",
    "wire_code",
]

log = logging.getLogger("wcs_ext")

M = TypeVar("M")
T = TypeVar("T")


def request_id_of(response: httpx.Response) -> str | None:
    return response.headers.get("x-reqid") or None


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


def error_from_response(response: httpx.Response, what: str) -> WcsError:
    """The typed error for a non-2xx answer, with WCS code, message and request id."""
    body = _decode_body(response.content)
    code: int | str | None = None
    message = ""
    if isinstance(body, dict):
        code = wire_code(body.get("code"))
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


def protocol_error(response: httpx.Response, what: str, detail: str) -> WcsProtocolError:
    return WcsProtocolError(
        f"{what}: {detail}",
        status=response.status_code,
        body=_decode_body(response.content),
        request_id=request_id_of(response),
    )


def parsed_or_raise(parsed: object, response: httpx.Response, what: str, model: type[M]) -> M:
    """``parsed`` (what the endpoint's ``parse_response`` made of ``response``) when it is
    the documented success model; a protocol error when the body is not that shape."""
    if not isinstance(parsed, model):
        raise protocol_error(response, what, "the answer is not the documented JSON")
    return parsed


def answer_reader(
    what: str,
    parse: Callable[[httpx.Response], object],
    model: type[M],
    convert: Callable[[M, httpx.Response], T],
) -> Callable[[httpx.Response], T]:
    """How an operation reads its success answer: the endpoint's ``parse`` must give the
    documented ``model`` (else a protocol error), which ``convert`` turns into a result."""

    def read(response: httpx.Response) -> T:
        return convert(parsed_or_raise(parse(response), response, what, model), response)

    return read


@attrs.frozen
class Failure:
    """A failed attempt: the error to raise, and whether asking again may help.

    ``what`` and ``detail`` are the two halves of the error's message (what was being
    done, what went wrong); ``host_down``: the host did not serve the request (no
    connection, or a 5xx), so another host may (``_hosts.py``).
    """

    error: WcsError
    retryable: bool
    retry_after: str | None = None
    cause: BaseException | None = None
    what: str = ""
    detail: str = ""
    host_down: bool = False


_HEAD_TOO_LARGE = 431
"""The status h11 (under httpx) hints at when an answer's status line and headers
outgrow its receive buffer (100 KiB): its own message only says "Receive buffer too
long"."""


def _status_hint(exc: BaseException) -> int | None:
    """The ``error_status_hint`` of the h11 error under an httpx one, if any."""
    seen: BaseException | None = exc
    for _ in range(8):  # httpx → httpcore → h11; a bound, not a walk of any chain
        if seen is None:
            return None
        hint = getattr(seen, "error_status_hint", None)
        if isinstance(hint, int):
            return hint
        seen = seen.__cause__ or seen.__context__
    return None


def _transport_detail(exc: httpx.HTTPError) -> str:
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.RemoteProtocolError) and _status_hint(exc) == _HEAD_TOO_LARGE:
        return f"the answer's headers are too large ({detail})"
    return detail


def _connect_detail(exc: httpx.HTTPError) -> str | None:
    """A connect failure in words ("connection refused"), whatever the I/O layer under
    httpx said (the async one says "All connection attempts failed")."""
    seen: BaseException | None = exc
    for _ in range(8):  # the same bound as _status_hint
        if seen is None:
            return None
        if isinstance(seen, ConnectionRefusedError):
            return "connection refused"
        if isinstance(seen, socket.gaierror):
            return f"host name not resolved ({seen.strerror or seen})"
        seen = seen.__cause__ or seen.__context__
    return None


def transport_failure(exc: httpx.HTTPError, what: str, *, idempotent: bool) -> Failure:
    # A request that never connected did nothing: safe to repeat for any operation.
    not_sent = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))
    # The host is unreachable (not our own pool being full): another one may answer.
    unreachable = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))
    if isinstance(exc, httpx.TimeoutException):
        detail = f"timed out ({type(exc).__name__})"
        error: WcsError = WcsTimeoutError(f"{what}: {detail}")
    else:
        detail = _transport_detail(exc)
        error = WcsTransportError(f"{what}: {detail}")
    if unreachable:
        detail = _connect_detail(exc) or detail
    return Failure(
        error,
        retryable=not_sent or idempotent,
        cause=exc,
        what=what,
        detail=detail,
        host_down=unreachable,
    )


def status_failure(response: httpx.Response, what: str, *, idempotent: bool) -> Failure:
    status = response.status_code
    not_processed = status in (408, 429, 503)
    retryable = is_retryable_status(status) and (idempotent or not_processed)
    error = error_from_response(response, what)
    return Failure(
        error,
        retryable=retryable,
        retry_after=response.headers.get("retry-after"),
        what=what,
        detail=f"{status} {error.message.removeprefix(f'{what}: ')}",
        # A 5xx asking to try again (not 579: the object was stored, a callback failed).
        host_down=status >= 500 and is_retryable_status(status),
    )


def next_delay(failure: Failure, policy: RetryPolicy, retries_taken: int) -> float:
    """Seconds to wait before trying again; raises the failure when it is final."""
    delay = (
        policy.delay(retries_taken, retry_after=failure.retry_after) if failure.retryable else None
    )
    if delay is None:
        raise failure.error from failure.cause
    log.debug("retrying after %.2fs: %s", delay, failure.error)
    return delay


V = TypeVar("V")


def opt(value: V | Unset) -> V | None:
    """A field of a generated model, with ``Unset`` (absent from the answer) as ``None``."""
    return None if isinstance(value, Unset) else value


def wire_code(value: object) -> int | str | None:
    """An error's WCS code: a number when it is one (WCS writes ``"404"`` as often as
    ``404``), else the text as sent; ``None`` when there is none."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    number = int_code(value)
    if number is not None:
        return number
    text = value.strip() if isinstance(value, str) else ""
    return text or None


def int_code(value: int | str | Unset | None) -> int | None:
    """WCS codes come as ``3`` or ``"3"``; anything else is no code at all."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None
