"""Time in the units WCS uses: milliseconds since the epoch, and UTC date-time text."""

from __future__ import annotations

import datetime as dt
import time
from typing import Final

__all__ = ["DAY_MS", "format_time", "now_ms"]

DAY_MS: Final = 86_400_000


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def format_time(ms: int | None) -> str:
    """``YYYY-MM-DD hh:mm:ss`` in UTC (the format of bucket ``ctime``); "" for none."""
    if ms is None:
        return ""
    return dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
