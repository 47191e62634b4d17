"""How many requests a client keeps in flight: found by measuring, not fixed.

Over a long, thin link one TCP connection carries a fraction of the link (its window, a
round trip per request), so more requests at once go faster; on loopback, or on a
machine short of CPU, they only cost memory. :class:`ConcurrencyTuner` climbs while the
acknowledged throughput grows and steps back when it does not:

* A **window** closes once ``min_window`` seconds have passed and at least ``limit``
  requests were acknowledged in it (every request in flight has had its say). After a
  change, the answers to the requests sent under the old limit are let by first.
* At the end of a window its throughput is compared with the previous one's. While it
  grows by ``gain`` or more the limit doubles (a transfer is short: finding the link's
  width must take a few windows, as TCP's slow start); a step up that did not pay is
  taken back and the limit held for ``hold`` windows, then probed again, from then on
  one at a time (the link may have changed).
Failures are not its business: the client's request limit halves the requests in
flight on every retryable failure (a server in trouble gets fewer, not more), and its
retry budget spaces the retries.

It stays between 1 and ``most`` (the memory bound: each request in flight holds a
chunk). Pure: the caller passes the time and the bytes, and serialises the calls.
"""

from __future__ import annotations

import math

import attrs

__all__ = ["ConcurrencyTuner"]


@attrs.define
class ConcurrencyTuner:
    limit: int
    most: int
    min_window: float = 0.3
    gain: float = 1.08
    """The gain a step of one must bring at 8 at once (more below, less above)."""
    doubling_gain: float = 1.2
    hold: int = 3
    _window_start: float | None = attrs.field(default=None, init=False)
    _window_bytes: int = attrs.field(default=0, init=False)
    _window_acks: int = attrs.field(default=0, init=False)
    _previous_rate: float | None = attrs.field(default=None, init=False)
    _held: int = attrs.field(default=0, init=False)
    _previous_limit: int = attrs.field(default=0, init=False)
    _doubling: bool = attrs.field(default=True, init=False)
    _stepped_up: bool = attrs.field(default=False, init=False)
    _settling: int = attrs.field(default=0, init=False)

    def __attrs_post_init__(self) -> None:
        self.most = max(self.most, 1)
        self.limit = min(max(self.limit, 1), self.most)

    def acknowledged(self, size: int, now: float) -> int:
        """A request that carried ``size`` bytes succeeded at ``now``; the new limit."""
        if self._settling:
            # Answers to requests sent under the old limit: they say nothing of the new.
            self._settling -= 1
            return self.limit
        if self._window_start is None:
            self._window_start = now  # only a start: its bytes took an unknown time
            return self.limit
        self._window_bytes += size
        self._window_acks += 1
        elapsed = now - self._window_start
        if elapsed < self.min_window or self._window_acks < self.limit:
            return self.limit
        rate = self._window_bytes / elapsed
        self._window_start, self._window_bytes, self._window_acks = now, 0, 0
        previous, self._previous_rate = self._previous_rate, rate
        before, self._previous_limit = self._previous_limit, self.limit
        before_change = self.limit
        # A doubling must pay well (on a link it nearly doubles; on a busy machine the
        # noise alone can reach a few tens of percent), a step of one its share.
        needed = self.doubling_gain if self._doubling else 1 + (self.gain - 1) * 8 / before_change
        if self._held:
            self._held -= 1
            self._stepped_up = False
        elif self._stepped_up and previous is not None and rate < previous * needed:
            # The step up did not pay: back to the width that was enough, and wait.
            self.limit = max(1, before)
            self._doubling = False
            self._stepped_up = False
            self._held = self.hold
        elif self._doubling and self._stepped_up and previous and rate < previous * 1.8:
            # Doubled for less than double the throughput: the link is about this many
            # of the old width wide. Settle there, then go on one at a time.
            self.limit = min(self.most, max(before + 1, math.ceil(before * rate / previous)))
            self._doubling = False
            self._stepped_up = False
        else:  # the step up paid, or a limit that held still: probe further
            grown = self.limit * 2 if self._doubling else self.limit + 1
            self._stepped_up = grown <= self.most
            self.limit = min(self.most, grown)
        if self.limit != before_change:
            self._settling, self._window_start = before_change, None
        return self.limit
