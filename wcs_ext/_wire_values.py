"""Times and numbers of WCS answers as Python values: the answers write them as text.

A value the protocol promises but that does not read as one is a protocol error naming
the field, not a silent ``None``: a wrong "never expires" would be worse than a failure.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import re

import httpx

from ._responses import protocol_error

__all__ = ["wire_date", "wire_datetime", "wire_number"]

_DIGITS = re.compile(r"\d{10,}")
_SECONDS_DIGITS = 10  # 10 digits: seconds since the epoch; 13: milliseconds


def _datetime(text: str) -> dt.datetime:
    if _DIGITS.fullmatch(text):
        seconds = int(text) if len(text) == _SECONDS_DIGITS else int(text) / 1000
        return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    # ``YYYY-MM-DD hh:mm:ss`` (what WCS writes), ``YYYY-MM-DD``, any ISO 8601 form.
    value = dt.datetime.fromisoformat(text)
    # WCS gives no zone: its times are UTC, as the emulator documents.
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def wire_datetime(
    text: str | None, response: httpx.Response, what: str, field: str
) -> dt.datetime | None:
    """An aware datetime from a WCS time; ``None`` for an absent or empty one."""
    if not text:
        return None
    try:
        return _datetime(text.strip())
    except (ValueError, OverflowError, OSError):
        raise protocol_error(response, what, f"{field} {text!r} is not a time") from None


def wire_date(text: str | None, response: httpx.Response, what: str, field: str) -> dt.date:
    """A day (``YYYY-MM-DD``) the answer must hold."""
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        raise protocol_error(response, what, f"{field} {text!r} is not a date") from None


def wire_number(value: object, response: httpx.Response, what: str, field: str) -> float:
    """A number WCS may send as text (storage in MB: ``"1.500"``); absent is 0."""
    if value is None or value == "":
        return 0.0
    number = math.nan
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        with contextlib.suppress(ValueError):  # not a number: nan, refused below
            number = float(value)
    if not math.isfinite(number):
        raise protocol_error(response, what, f"{field} {value!r} is not a number")
    return number
