"""Several hosts for one setting (``put_url``, ``mgr_url``): where each attempt goes.

A call starts on the first host, in the configured order, that has not failed lately.
When an attempt fails because its host did not serve it (no connection, or a 5xx:
:attr:`Failure.host_down`), that host is avoided for :data:`BAD_FOR` seconds and the
retry, if the policy makes one, goes to the next host in order, wrapping around, past
the avoided ones while another is left. There is no second retry loop: the
client's (``client_core._run``) makes the retry, with its backoff and retry budget.

Failing over changes where a retry goes, never whether it is made: that stays the
policy's (``_responses.py``: a non-idempotent call is repeated only when it provably
did not take effect). WCS's upload hosts share the uploads' state (a block's ctx is
good on each), so a retry on another host is as safe as one on the same host.

With several hosts, an error names each host tried and what it did. One host: nothing
changes, not even the messages.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import attrs

from ._responses import Failure
from .errors import WcsAPIError

__all__ = ["BAD_FOR", "HostPool", "Route"]

log = logging.getLogger("wcs_ext")

BAD_FOR = 30.0
"""Seconds a host that failed is passed over: long enough not to knock at a dead host
on every call, short enough to come back to it soon after it does."""


class HostPool:
    """The hosts of one setting, in order, and until when each is passed over; one per
    client and setting (never shared between clients). Pure: callers pass the time.

    The sync client's worker threads share a pool without a lock: the list of times
    never changes size and each update is one item assignment, atomic under the GIL;
    two threads marking the same host at once leave either's mark, both recent.
    """

    def __init__(self, setting: str, urls: Sequence[str], *, bad_for: float = BAD_FOR) -> None:
        if not urls:
            raise ValueError(f"{setting}: no host")
        self.setting = setting
        self.urls = tuple(urls)
        self._bad_for = bad_for
        self._bad_until = [0.0] * len(self.urls)

    def first(self, now: float) -> int:
        """The host a new call starts on."""
        return self.after(len(self.urls) - 1, now)

    def after(self, index: int, now: float) -> int:
        """The host after ``index`` in order (wrapping around) that is not passed over;
        when every host is, simply the next one."""
        count = len(self.urls)
        following = [(index + step) % count for step in range(1, count + 1)]
        return next((i for i in following if self._bad_until[i] <= now), following[0])

    def failed(self, index: int, now: float) -> None:
        self._bad_until[index] = now + self._bad_for

    def succeeded(self, index: int) -> None:
        self._bad_until[index] = 0.0


@attrs.define
class Route:
    """One call's way through a pool: the host of the next attempt, and what each host
    tried so far did (for the error)."""

    pool: HostPool
    index: int
    _seen: dict[int, str] = attrs.field(factory=dict, init=False)
    _moved_from: str | None = attrs.field(default=None, init=False)

    @classmethod
    def start(cls, pool: HostPool, now: float) -> Route:
        return cls(pool, pool.first(now))

    @property
    def url(self) -> str:
        return self.pool.urls[self.index]

    def succeeded(self) -> None:
        self.pool.succeeded(self.index)

    def failed(self, failure: Failure, now: float) -> Failure:
        """``failure`` as the call goes on with it: with several hosts its error names
        each host tried, and a host that did not serve is passed over from now on."""
        if len(self.pool.urls) == 1:
            return failure
        self._seen[self.index] = failure.detail  # the latest word of each host
        if failure.host_down:
            # Passed over by later calls even when this one is not repeated (a delete
            # answered 500): that changes where calls go, not what is sent twice.
            self.pool.failed(self.index, now)
            self._moved_from = f"{self.url} ({failure.detail})"
            self.index = self.pool.after(self.index, now)
        if isinstance(failure.error, WcsAPIError) and not failure.host_down:
            return failure  # the service's own answer (a 404, 614, 579): the host did its job
        # In the configured order, as the user wrote the hosts.
        named = "; ".join(f"{self.pool.urls[i]}: {self._seen[i]}" for i in sorted(self._seen))
        message = f"{failure.what}: {self.pool.setting} {named}"
        return attrs.evolve(failure, error=failure.error.with_message(message))

    def log_move(self) -> None:
        """For -v, once the retry is sure to be made: which host failed, which is next."""
        if self._moved_from is not None:
            log.debug("%s %s failed; trying %s", self.pool.setting, self._moved_from, self.url)
            self._moved_from = None
