"""The one failure every layer of the emulator raises: :class:`EmulatorError`.

It carries the HTTP status, the WCS code (default: the status) and a message; the app
turns it into WCS's ``{"code": "<code>", "message": "<text>"}`` answer.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["EmulatorError", "bad_request", "unauthorized"]


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
