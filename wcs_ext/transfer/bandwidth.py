"""Bandwidth limits: the ``limit_rate`` text (``2M``, ``500K``) and the token bucket that
every worker of a transfer takes its bytes from (:class:`BandwidthLimit`).

Pure: the bucket only says how long a taker must wait; the clients' twins sleep
(``_async/transfer/throttle.py`` with ``_io.sleep``), so one bucket serves threads and
coroutines alike. Rates are bytes a second and the suffixes are binary, as curl's
``--limit-rate`` and rclone's ``--bwlimit`` (``1K`` = 1024 bytes a second).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable

__all__ = ["BandwidthLimit", "parse_rate", "rate_text"]

_RATE = re.compile(r"(?P<number>[0-9]+(?:\.[0-9]+)?)(?P<unit>[KMG]?)", re.IGNORECASE)
_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}
_NONE = frozenset({"", "0", "none", "off"})
RATE_HELP = "bytes a second, as 2M, 500K, 1.5M (K, M, G: 1024-based), or 0/none for no limit"

# The most a single take asks for: small enough that the bytes leave evenly (a 64 KiB
# piece is 31 ms at 2 MiB/s), and never more than a tenth of a second of the rate, so a
# slow limit still moves (and notices a cancel) several times a second.
MAX_PIECE = 64 * 1024
PIECE_SECONDS = 0.1


def parse_rate(value: str | int) -> int:
    """``value`` in bytes a second; 0 for no limit. Raises ValueError with one line."""
    if isinstance(value, bool):
        raise ValueError(f"must be {RATE_HELP}, got {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"must be {RATE_HELP}, got {value!r}")
        return value
    text = value.strip()
    if text.lower() in _NONE:
        return 0
    match = _RATE.fullmatch(text)
    if match is None:
        raise ValueError(f"must be {RATE_HELP}, got {value!r}")
    # Decimal arithmetic on the digits: "1.5M" is exactly 1572864, not a float's guess.
    whole, _, fraction = match["number"].partition(".")
    scale: int = _UNITS[match["unit"].upper()]
    rate: int = int(whole) * scale + int(fraction or "0") * scale // 10 ** len(fraction)
    if rate == 0:
        raise ValueError(f"must be at least 1 byte a second (or 0 for none), got {value!r}")
    return rate


def rate_text(rate: int) -> str:
    """A rate as people write it (``2 MiB/s``), for messages and reports."""
    for unit, scale in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if rate >= scale:
            return f"{rate / scale:g} {unit}/s"
    return f"{rate} B/s"


class BandwidthLimit:
    """A token bucket of ``rate`` bytes a second, shared by every worker that takes from
    it: one per transfer by default, or one made here and passed as ``limit_rate=`` to
    several calls (the many-file commands do so) to hold them all to one rate.

    :meth:`reserve` books bytes at once and answers how long to wait before sending
    them; the bookings of concurrent takers queue one after another (the allowance may
    go below zero), so N workers share the rate instead of each getting it. At most
    one piece of unused allowance is kept (``burst``): an idle moment is not saved up
    into a burst later. Thread-safe; ``clock`` is for tests.
    """

    def __init__(self, rate: str | int, *, clock: Callable[[], float] = time.monotonic) -> None:
        parsed = parse_rate(rate)
        if parsed == 0:
            raise ValueError("a BandwidthLimit needs a rate above 0 (no limit: pass none)")
        self.rate = parsed
        self.piece = max(1, min(MAX_PIECE, int(parsed * PIECE_SECONDS)))
        self.burst = self.piece
        self._clock = clock
        self._lock = threading.Lock()
        self._allowance = float(self.burst)
        self._last = clock()
        self.bytes_taken = 0
        """Every byte booked so far (what tests and benchmarks count)."""
        self.takes = 0
        """How many bookings were made."""

    def __repr__(self) -> str:
        return f"BandwidthLimit({rate_text(self.rate)!r})"

    def reserve(self, size: int) -> float:
        """Book ``size`` bytes; the seconds to wait before they may go (0: at once)."""
        with self._lock:
            now = self._clock()
            elapsed = max(0.0, now - self._last)  # a clock never runs back here
            self._allowance = min(float(self.burst), self._allowance + elapsed * self.rate)
            self._last = now
            self._allowance -= size
            self.bytes_taken += size
            self.takes += 1
            return 0.0 if self._allowance >= 0 else -self._allowance / self.rate
