"""Giving up on a transfer that crawls, as curl's ``--speed-limit``/``--speed-time`` do:
when fewer than ``low_speed_limit`` bytes a second arrived over the last
``low_speed_time`` seconds, the transfer ends with a :class:`WcsTimeoutError`.

A server that drips a byte every few seconds never trips the read timeout (each byte
resets it); this catches it. It is checked as bytes arrive: a connection that sends
nothing at all is ended by the read timeout (``connection_timeout``) instead.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from ..errors import WcsTimeoutError

__all__ = ["LowSpeedGuard"]

_SAMPLES_PER_PERIOD = 8
"""How finely the window moves: it spans between 1 and 1 1/8 periods."""


class LowSpeedGuard:
    """Counts the bytes of one response; :meth:`add` raises once the speed over the
    last ``period`` seconds is below ``limit`` bytes a second. A ``limit`` or a
    ``period`` of 0 (or less) turns it off."""

    def __init__(
        self,
        what: str,
        *,
        limit: int,
        period: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.what = what
        self.limit = limit
        self.period = period
        self.enabled = limit > 0 and period > 0
        self._clock = clock
        self._received = 0
        self._step = period / _SAMPLES_PER_PERIOD
        # (time, bytes received by then), oldest first; the first one is the newest
        # that is at least a period old, once the response is that old.
        self._samples = deque([(clock(), 0)])

    def add(self, size: int) -> None:
        """``size`` more bytes arrived now."""
        if not self.enabled:
            return
        now = self._clock()
        self._received += size
        if now - self._samples[-1][0] >= self._step:
            self._samples.append((now, self._received))
        while len(self._samples) > 1 and now - self._samples[1][0] >= self.period:
            self._samples.popleft()
        since, received_then = self._samples[0]
        elapsed = now - since
        if elapsed < self.period:
            return
        speed = (self._received - received_then) / elapsed
        if speed < self.limit:
            raise WcsTimeoutError(
                f"{self.what}: given up at {speed:.0f} B/s, below {self.limit} B/s for "
                f"{self.period:g} s (see the settings low_speed_limit and low_speed_time)"
            )
