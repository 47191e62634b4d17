"""When and how long to wait before retrying a request: one policy for client and transfer.

Retries happen on transport failures and on answers that say "try again" (408, 429,
5xx except WCS's 579, which reports a failed callback after the object was stored).
Waits grow exponentially with jitter and honour ``Retry-After`` when the server sends a
positive one (``Retry-After: 0`` is no hint: our own backoff applies, as in
openai-python, or a storm of such answers would be retried at once). Retries of a whole
client also draw on one :class:`RetryBudget`.
"""

from __future__ import annotations

import random
import time

import attrs

__all__ = ["AttemptClock", "RetryBudget", "RetryPolicy", "is_retryable_status"]

_MAX_RETRY_AFTER = 60.0
"""A longer Retry-After means the server wants us gone for a while: fail instead."""


_FINAL_5XX = frozenset({501, 505, 579})
"""Not implemented, HTTP version not supported, callback failed: asking again won't help."""


def is_retryable_status(status: int) -> bool:
    # Only real 5xx: WCS's own 6xx codes (614 "file exists", ...) are final answers.
    return status in (408, 429) or (500 <= status < 600 and status not in _FINAL_5XX)


def _parse_retry_after(value: str | None, now: float) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    import email.utils  # noqa: PLC0415  (an HTTP-date Retry-After is rare; the import is not cheap)

    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


class AttemptClock:
    """When the last attempt of a call went on the wire: how long the answer took is
    measured from there. From the first attempt, the waits before retries counted too:
    a storm of 503s on loopback read as a long path, and the transfer widened into it."""

    __slots__ = ("_sent_at",)

    def __init__(self) -> None:
        self._sent_at: float | None = None

    def sending(self) -> None:
        """An attempt goes now (after its wait for a request slot and its HTTP client)."""
        self._sent_at = time.monotonic()

    def seconds(self) -> float:
        """From the last attempt's sending until now."""
        if self._sent_at is None:
            raise RuntimeError("no attempt was sent")
        return time.monotonic() - self._sent_at


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """``max_retries`` extra attempts after the first; delays in seconds."""

    max_retries: int = attrs.field(default=3, validator=attrs.validators.ge(0))
    initial_delay: float = 0.5
    max_delay: float = 8.0

    def delay(
        self,
        retries_taken: int,
        *,
        retry_after: str | None = None,
        rng: random.Random | None = None,
    ) -> float | None:
        """Seconds to wait before retry number ``retries_taken + 1``; ``None``: give up."""
        if retries_taken >= self.max_retries:
            return None
        server_wait = _parse_retry_after(retry_after, time.time())
        if server_wait:  # None or 0: no wait asked for, so ours
            return server_wait if server_wait <= _MAX_RETRY_AFTER else None
        backoff = min(self.initial_delay * 2.0**retries_taken, self.max_delay)
        # Full backoff times a factor in (0.75, 1]: spreads out clients that failed together.
        jitter = 1.0 - 0.25 * (rng or random).random()
        return backoff * jitter


@attrs.define
class RetryBudget:
    """The retries a whole client may make: a bucket of tokens shared by every request.

    A retry takes a token; a success gives one back, and time adds ``per_second``, up
    to ``capacity``. While failures are rare the bucket stays full and nothing changes;
    under a storm (every request failing) it empties after ``capacity`` retries, and the
    whole client then retries ``per_second`` times a second at most, however many
    workers are waiting, instead of each worker retrying on its own (gRPC's retry
    throttling and Finagle's retry budget work the same way). Pure: the caller passes the
    time, and serialises the calls.
    """

    capacity: float = 20.0
    per_second: float = 2.0
    tokens: float = attrs.field(init=False)
    updated: float | None = attrs.field(default=None, init=False)

    def __attrs_post_init__(self) -> None:
        self.tokens = self.capacity  # a new client starts with its whole budget

    def _refill(self, now: float) -> None:
        if self.updated is not None:
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.per_second)
        self.updated = now

    def take(self, now: float) -> float:
        """Take a token for a retry: 0.0 when taken, else the seconds until one is there
        (then call again: another worker may have taken it meanwhile)."""
        self._refill(now)
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.per_second

    def succeeded(self, now: float) -> None:
        self._refill(now)
        self.tokens = min(self.capacity, self.tokens + 1.0)
