"""How often to ask how a job goes while waiting for its end (pure: the clients sleep).

The first wait is ``poll`` seconds; each next one is half as long again, up to
``max_poll``: a job that ends at once is seen soon, a long one costs few requests. No
wait goes past the deadline, where one last look decides.
"""

from __future__ import annotations

import math

import attrs

from .errors import WcsInputError

__all__ = ["DEFAULT_MAX_POLL", "DEFAULT_POLL", "PollSchedule"]

DEFAULT_POLL = 1.0
DEFAULT_MAX_POLL = 10.0
_GROWTH = 1.5


@attrs.define
class PollSchedule:
    """The waits between status requests; ``timeout`` None waits for ever."""

    poll: float
    max_poll: float
    deadline: float | None
    _next: float = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self._next = self.poll

    @classmethod
    def starting(
        cls, now: float, *, timeout: float | None, poll: float, max_poll: float
    ) -> PollSchedule:
        """A schedule from ``now`` (a monotonic clock), its values checked."""
        for name, value in (("poll", poll), ("max_poll", max_poll)):
            if not (math.isfinite(value) and value > 0):
                raise WcsInputError(f"{name} must be a positive number of seconds, got {value}")
        if timeout is not None and not (math.isfinite(timeout) and timeout >= 0):
            raise WcsInputError(f"timeout must be 0 or more seconds, got {timeout}")
        deadline = None if timeout is None else now + timeout
        return cls(poll=poll, max_poll=max(poll, max_poll), deadline=deadline)

    def next_wait(self, now: float) -> float | None:
        """Seconds to sleep before the next look; ``None``: the time is up."""
        if self.deadline is not None and now >= self.deadline:
            return None
        wait = self._next
        self._next = min(self._next * _GROWTH, self.max_poll)
        if self.deadline is not None:
            wait = min(wait, self.deadline - now)
        return wait
