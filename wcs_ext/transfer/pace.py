"""How many requests a client keeps in flight: found by measuring, not fixed.

Over a long, thin link one TCP connection carries a fraction of the link (its window, a
round trip per request), so more requests at once go faster; on loopback, or on a
machine short of CPU, they only cost memory. :class:`ConcurrencyTuner` finds the width
in two phases, as TCP finds its window:

* **Slow start**: every acknowledged 256 KiB widens the limit by one, but by at most
  double in a round (as many answers as requests were in flight when it began), while
  each request still goes about as fast as the fastest seen (the link is not full yet:
  another request adds its whole rate). A round's cap is what lets the answers of
  requests sent at one width be heard before the next doubling: on a machine short of
  CPU, where requests slow down as soon as there are more, it stops near the width
  that was enough instead of at the memory bound. Once
  requests run at less than ``exit_ratio`` of that rate (they share a full link or a
  busy machine: another one would only split the same throughput), it stops. The
  signal is each request's own rate, so it comes with every answer instead of a
  window's worth of them: a transfer of a few dozen blocks is found its width early.
* **Probing**: then, windows of acknowledged bytes: a window closes once
  ``min_window`` seconds have passed and at least ``limit`` requests were acknowledged
  in it (every request in flight has had its say; after a change, the answers to
  requests sent under the old limit are let by first). A step of one up that did not
  raise the throughput by its share is taken back and the limit held for ``hold``
  windows, then probed again (the link may have changed).

Failures are not its business: the client's request limit halves the requests in
flight on every retryable failure (a server in trouble gets fewer, not more), and its
retry budget spaces the retries.

It stays between 1 and ``most`` (the memory bound: each request in flight holds a
chunk; on a long path, ``long_path_width`` times as many requests with that share of a
chunk each). Pure: the caller passes the time and the bytes, and serialises the calls.
"""

from __future__ import annotations

import math

import attrs

__all__ = ["GROWTH_UNIT", "ConcurrencyTuner"]

GROWTH_UNIT = 256 * 1024
"""Slow start: the limit grows by one for each this many bytes acknowledged."""


@attrs.define
class ConcurrencyTuner:
    limit: int
    most: int
    min_window: float = 0.3
    gain: float = 1.08
    """The gain a step of one must bring at 8 at once (more below, less above)."""
    exit_ratio: float = 0.6
    """Slow start ends when requests run at less than this share of the fastest rate
    seen. Low enough that a new connection still in TCP's own slow start (a large
    request on it runs at about 0.7 of a warm one's rate over a long link) is not
    taken for a full link."""
    short_exit_ratio: float = 0.8
    """``exit_ratio`` on a short path (see :meth:`opened`): there a new connection is
    at full speed at once, and a doubling that did not bring 1.6 times the throughput
    only costs the CPU it shares with the server."""
    margin: float = 1.5
    """Requests kept beyond the width that would just fill the link, when slow start ends
    (on a long path: each request waits a round trip after its bytes, which another
    covers; on a short path that wait is nothing)."""
    long_path: float = 0.03
    """An opening chunk answered this late (seconds) is a long path: see :meth:`opened`."""
    hold: int = 3
    long_path_width: int = 1
    """``most`` is multiplied by this once the path is known to be long (see
    :meth:`opened`; the caller's requests then carry ``1 / long_path_width`` of a
    chunk, :attr:`chunk_divisor`); 1: never. See
    :data:`~wcs_ext.transfer.settings.LONG_PATH_WIDTH`."""
    _slow_start: bool = attrs.field(default=True, init=False)
    _long_path: bool | None = attrs.field(default=None, init=False)  # None: not known yet
    # Slow start's round: the limit when it began, and the whole answers heard since.
    _round_base: int = attrs.field(default=0, init=False)
    _round_answers: int = attrs.field(default=0, init=False)
    _ungrown_bytes: int = attrs.field(default=0, init=False)  # short of a GROWTH_UNIT
    _fastest: float = attrs.field(default=0.0, init=False)
    _largest: int = attrs.field(default=0, init=False)
    _slow_in_a_row: int = attrs.field(default=0, init=False)
    _window_start: float | None = attrs.field(default=None, init=False)
    _window_bytes: int = attrs.field(default=0, init=False)
    _window_acks: int = attrs.field(default=0, init=False)
    _previous_rate: float | None = attrs.field(default=None, init=False)
    _held: int = attrs.field(default=0, init=False)
    _previous_limit: int = attrs.field(default=0, init=False)
    _stepped_up: bool = attrs.field(default=False, init=False)
    _settling: int = attrs.field(default=0, init=False)

    def __attrs_post_init__(self) -> None:
        self.most = max(self.most, 1)
        self.limit = min(max(self.limit, 1), self.most)
        self._round_base = self.limit
        if self.limit == self.most:
            self._slow_start = False  # pinned: nothing to find

    @property
    def slow_start(self) -> bool:
        return self._slow_start

    @property
    def chunk_divisor(self) -> int:
        """What a chunk is divided by now: ``long_path_width`` once the path is known to
        be long, else 1."""
        return self.long_path_width if self._long_path else 1

    @property
    def short_path(self) -> bool:
        """The first small answer came soon (see :meth:`opened`): the rates of whole
        requests, not openings, find the width."""
        return self._long_path is False

    def small_requests_help(self, expected: int | None) -> bool:
        """Still widening by the answers, with more requests to come than run at once
        (``expected``, if known): one sent now is better small, so that its answer, and
        the next step, come soon. Not once the first small answer came soon: on a short
        path whole requests' rates find the width, and a small one only adds a request."""
        more = expected is None or expected > self.limit
        widening = self._slow_start and self.limit < self.most and not self.short_path
        return widening and more

    def acknowledged(self, size: int, now: float, seconds: float | None = None) -> int:
        """``size`` more bytes were acknowledged at ``now`` (a request's answer, or a
        piece of a download); with ``seconds``, they were one whole request that took
        that long, and its rate is judged too. The new limit."""
        if self._slow_start:
            if (seconds is None or self.judge(size, seconds)) and self._slow_start:
                self._grow(size, whole=seconds is not None)
            if seconds is not None:  # a whole answer is heard, fast or slow
                self._round_answers += 1
                if self._round_answers >= self._round_base:
                    self._round_base, self._round_answers = self.limit, 0
            return self.limit
        return self._probe(size, now)

    def opened(self, seconds: float) -> int:
        """A first small answer (an upload's opening chunk, a download's headers) came
        in ``seconds``. That long for so little is a long path (on loopback or in one
        data centre it is a few milliseconds), where each connection carries a window
        per round trip and more at once pay until the link is full: open to the memory
        bound now; the first whole requests' rates narrow it if the link fills sooner.
        The first answer decides (it is the soonest of those sent together): later
        ones wait behind the requests the pool has since sent, most of all on a busy
        machine, where a slow one would open a short path wide. The new limit."""
        if self._slow_start and self._long_path is None:
            self._long_path = seconds >= self.long_path
            if self._long_path:
                self.most *= max(self.long_path_width, 1)
                self.limit = self._round_base = self.most
        return self.limit

    def judge(self, size: int, seconds: float) -> bool:
        """Slow start: a whole request carried ``size`` bytes in ``seconds``. False if
        it ran much slower than the fastest: twice in a row, and the width is found."""
        self._largest = max(self._largest, size)
        if not self._slow_start or seconds <= 0 or size * 2 < self._largest:
            # A request much smaller than the others (a file's last block) is mostly
            # round trip and TCP's own slow start: its rate says nothing of the link's.
            return True
        rate = size / seconds
        self._fastest = max(self._fastest, rate)
        if rate >= self._fastest * (self.short_exit_ratio if self.short_path else self.exit_ratio):
            self._slow_in_a_row = 0
            return True
        # Twice in a row: one slow answer may be a pause, not a full link.
        self._slow_in_a_row += 1
        if self._slow_in_a_row >= 2:
            self._end_slow_start(rate)
        return False

    def _grow(self, size: int, *, whole: bool) -> None:
        """One more request per ``GROWTH_UNIT`` acknowledged, as TCP's window grows by
        the bytes acknowledged: answers to big requests are few, and a transfer of a few
        dozen of them would end before one request at a time found its width. At the
        memory bound it goes on listening: a full link still lets it narrow.

        A whole request's answer (``whole``) counts towards the round: the limit at most
        doubles in one, as TCP's window does in a round trip, so that the rates of the
        requests sent at the new width are heard before it doubles again. Pieces of a
        download come many to a request and have no round: one may at most double it."""
        self._ungrown_bytes += size
        units, self._ungrown_bytes = divmod(self._ungrown_bytes, GROWTH_UNIT)
        if whole and not units:  # a small whole answer still counts one, its bytes with it
            units, self._ungrown_bytes = 1, 0
        cap = 2 * (self._round_base if whole else self.limit)
        self.limit = max(self.limit, min(self.most, cap, self.limit + units))  # never down

    def _end_slow_start(self, rate: float) -> None:
        """Full at this width: the link carries about ``limit * rate``, which fewer
        requests at the fastest rate would carry as well; keep those, with a margin for
        the round trip each request waits after its bytes (another covers it)."""
        self._slow_start = False
        full = self.limit * rate / self._fastest
        before = self.limit
        margin = 1.0 if self.short_path else self.margin
        self.limit = min(self.most, max(1, math.ceil(margin * full)), before)
        self._settling, self._window_start = before, None

    def _probe(self, size: int, now: float) -> int:
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
        # A step of one must pay its share (on a busy machine the noise alone can reach
        # a few percent).
        needed = 1 + (self.gain - 1) * 8 / before_change
        if self._held:
            self._held -= 1
            self._stepped_up = False
        elif self._stepped_up and previous is not None and rate < previous * needed:
            # The step up did not pay: back to the width that was enough, and wait.
            self.limit = max(1, before)
            self._stepped_up = False
            self._held = self.hold
        else:  # the step up paid, or a limit that held still: probe further
            self._stepped_up = self.limit + 1 <= self.most
            self.limit = min(self.most, self.limit + 1)
        if self.limit != before_change:
            self._settling, self._window_start = before_change, None
        return self.limit
