"""One exception hierarchy for everything wcs-ext raises.

::

    WcsError                       every failure; .message, .request_id
    ├── WcsConfigError             bad or missing configuration (a usage error)
    ├── WcsInputError              bad input from the caller: a missing file, a bad wcs:// URL
    ├── WcsIntegrityError          data arrived but does not match: crc32, etag, size
    ├── WcsClosedError             a call on a client after close()
    ├── WcsCancelledError          a transfer stopped by its ``cancel=`` signal; resumable
    ├── WcsJobTimeoutError         a job still running when a wait for it ran out; .last_status
    ├── WcsTransportError          no usable HTTP answer: connect, read, protocol failures
    │   └── WcsTimeoutError        the answer did not come in time
    └── WcsAPIError                the server answered with an error; .status, .code, .body
        ├── WcsBadRequestError     400 and other 4xx without a class of their own
        ├── WcsAuthError           401, 403: bad signature, expired token, key out of scope
        ├── WcsNotFoundError       404: no such bucket or key
        ├── WcsConflictError       409, 614: the key exists and overwrite is off
        ├── WcsRateLimitError      429
        ├── WcsServerError         5xx, 579 (callback failed)
        └── WcsProtocolError       a 2xx answer that is not what the protocol promises

Transport and status failures are separate branches so retry code can catch by kind.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    from .models import JobStatus

__all__ = [
    "WcsAPIError",
    "WcsAuthError",
    "WcsBadRequestError",
    "WcsCancelledError",
    "WcsClosedError",
    "WcsConfigError",
    "WcsConflictError",
    "WcsError",
    "WcsInputError",
    "WcsIntegrityError",
    "WcsJobTimeoutError",
    "WcsNotFoundError",
    "WcsProtocolError",
    "WcsRateLimitError",
    "WcsServerError",
    "WcsTimeoutError",
    "WcsTransportError",
    "status_error",
]


class WcsError(Exception):
    """Base of every wcs-ext error. ``str(err)`` is one line, safe to show a user."""

    def __init__(self, message: str, *, request_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.request_id = request_id

    def __str__(self) -> str:
        if self.request_id:
            return f"{self.message} (request id {self.request_id})"
        return self.message

    def with_message(self, message: str) -> Self:
        """The same error (class, status, code, body, request id) saying ``message``."""
        # Not type(self)(message, ...): each subclass's __init__ takes other keywords.
        copy = type(self).__new__(type(self))
        copy.__dict__.update(self.__dict__)
        Exception.__init__(copy, message)
        copy.message = message
        return copy


class WcsConfigError(WcsError, ValueError):
    """The configuration is missing, unreadable or invalid; the message names key and file."""


class WcsInputError(WcsError, ValueError):
    """The caller's input cannot be used: a missing local file, a malformed argument."""


class WcsIntegrityError(WcsError):
    """What the server acknowledged differs from what was sent (crc32, hash, size)."""


class WcsClosedError(WcsError):
    """The client was closed; a closed client never reopens by itself: make a new one."""


class WcsCancelledError(WcsError):
    """A transfer was stopped by its ``cancel=`` signal. What it had done is kept: the
    resume record of an upload, the partial file of a download (the destination is
    never written half), so the same call again continues it."""


class WcsJobTimeoutError(WcsError):
    """A job was still running when the time given to wait for it ran out; the job goes
    on. ``last_status`` is its state as last seen (a ``JobStatus``)."""

    def __init__(self, message: str, *, last_status: JobStatus) -> None:
        super().__init__(message, request_id=last_status.request_id)
        self.last_status = last_status


class WcsTransportError(WcsError):
    """The request got no usable HTTP answer (connection refused, reset, protocol error)."""


class WcsTimeoutError(WcsTransportError):
    """The request timed out."""


class WcsAPIError(WcsError):
    """The server answered with an error status.

    ``status`` is the HTTP status; ``code`` the WCS code from the JSON body, an ``int``
    whenever it is a number (``"404"`` and ``404`` alike; often the status again), the
    text as sent otherwise, ``None`` without one; ``message`` the server's words (with
    what was being done); ``body`` the decoded JSON body or raw text.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: int | str | None = None,
        body: Any = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, request_id=request_id)
        self.status = status
        self.code = code
        self.body = body

    def __str__(self) -> str:
        return f"HTTP {self.status}: {super().__str__()}"


class WcsBadRequestError(WcsAPIError):
    """400 and other client errors without a class of their own."""


class WcsAuthError(WcsAPIError):
    """401/403: the signature, token deadline or token scope was rejected."""


class WcsNotFoundError(WcsAPIError):
    """404: the bucket or key does not exist."""


class WcsConflictError(WcsAPIError):
    """The object already exists and the policy does not allow overwriting it."""


class WcsRateLimitError(WcsAPIError):
    """429: too many requests."""


class WcsServerError(WcsAPIError):
    """5xx (and WCS's 579, callback failed): the server failed; often worth a retry."""


class WcsProtocolError(WcsAPIError):
    """A success status whose body breaks the protocol (not JSON, a field missing)."""


_BY_STATUS: dict[int, type[WcsAPIError]] = {
    401: WcsAuthError,
    403: WcsAuthError,
    404: WcsNotFoundError,
    409: WcsConflictError,
    614: WcsConflictError,
    429: WcsRateLimitError,
}


def status_error(
    status: int,
    message: str,
    *,
    code: int | str | None = None,
    body: Any = None,
    request_id: str | None = None,
) -> WcsAPIError:
    """The exception for an error answer: one place maps status to class."""
    cls = _BY_STATUS.get(status)
    if cls is None:
        cls = WcsServerError if status >= 500 else WcsBadRequestError
    return cls(message, status=status, code=code, body=body, request_id=request_id)
