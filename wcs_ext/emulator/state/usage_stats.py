"""What ``/bucket/stat`` and ``/bucket/statistics`` report.

Storage per day is computed from the objects stored now, by upload day (the emulator
keeps no history of deleted objects); request and traffic counters are kept per
bucket, UTC day and kind as uploads and downloads happen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Final

from ..clock import now_ms
from .database import Database

__all__ = ["KINDS", "UsageStats"]

KINDS: Final = ("uploadRequest", "uploadTraffic", "downloadRequest", "downloadTraffic")


def _day_end_ms(day: dt.date) -> int:
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    return int(end.timestamp() * 1000)


class UsageStats:
    def __init__(self, db: Database, *, clock: Callable[[], int] = now_ms) -> None:
        self._db = db
        self._clock = clock

    def storage_by_day(self, bucket: str, days: Sequence[dt.date]) -> list[int]:
        """Bytes held at the end of each day, by the live objects stored now."""
        with self._db.transaction() as conn:
            rows = conn.execute(
                "SELECT put_ms, size FROM objects WHERE bucket = ? "
                "AND (expires_ms IS NULL OR expires_ms > ?)",
                (bucket, self._clock()),
            ).fetchall()
        return [sum(size for put, size in rows if put < _day_end_ms(day)) for day in days]

    def count(self, bucket: str, kind: str, amount: int = 1) -> None:
        day = dt.datetime.fromtimestamp(self._clock() / 1000, tz=dt.UTC).date().isoformat()
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO usage (bucket, day, kind, value) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (bucket, day, kind) DO UPDATE SET value = value + excluded.value",
                (bucket, day, kind, amount),
            )

    def counts(self, bucket: str, kind: str, days: Sequence[dt.date]) -> list[int]:
        with self._db.transaction() as conn:
            found = dict(
                conn.execute(
                    "SELECT day, value FROM usage WHERE bucket = ? AND kind = ?", (bucket, kind)
                ).fetchall()
            )
        return [int(found.get(day.isoformat(), 0)) for day in days]
