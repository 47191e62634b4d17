"""When and how long to wait before retrying a request: one policy for client and transfer.

Retries happen on transport failures and on answers that say "try again" (408, 429,
5xx except WCS's 579, which reports a failed callback after the object was stored).
Waits grow exponentially with jitter and honour ``Retry-After`` when the server sends it.
"""

from __future__ import annotations

import random
import time

import attrs

__all__ = ["RetryPolicy", "is_retryable_status"]

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
        if server_wait is not None:
            return server_wait if server_wait <= _MAX_RETRY_AFTER else None
        backoff = min(self.initial_delay * 2.0**retries_taken, self.max_delay)
        # Full backoff times a factor in (0.75, 1]: spreads out clients that failed together.
        jitter = 1.0 - 0.25 * (rng or random).random()
        return backoff * jitter
