"""What a caller may hold a running transfer to: a bandwidth limit and a cancel signal
(:class:`TransferControls`, made once per call from its ``limit_rate=`` and ``cancel=``).

Pure: the twins' ``throttle.py`` waits on the bucket and looks at the signal between
pieces of a body; this only says what the call asked for.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import attrs

from ..errors import WcsCancelledError, WcsInputError
from .bandwidth import BandwidthLimit, parse_rate

__all__ = ["NO_CONTROLS", "CancelSignal", "RateOption", "TransferControls"]


@runtime_checkable
class CancelSignal(Protocol):
    """Anything that says whether to stop: a ``threading.Event`` (set from any
    thread), an :class:`asyncio.Event`, or a handle of one's own."""

    def is_set(self) -> bool: ...


RateOption = BandwidthLimit | str | int | None
"""A call's ``limit_rate=``: a rate (``"2M"``, bytes a second as an int; 0 or ``"none"``:
no limit), a :class:`BandwidthLimit` shared with other calls, or None: the
``limit_rate`` setting's, with a bucket of its own."""


@attrs.frozen
class TransferControls:
    """One transfer's bucket (None: no limit) and cancel signal (None: never)."""

    bandwidth: BandwidthLimit | None = None
    cancel: CancelSignal | None = None

    @classmethod
    def of(
        cls, limit_rate: RateOption, cancel: CancelSignal | None, configured: int
    ) -> TransferControls:
        """The controls of a call; ``configured`` is the ``limit_rate`` setting's rate."""
        if cancel is not None and not isinstance(cancel, CancelSignal):
            raise WcsInputError(f"cancel must have is_set() (a threading.Event), got {cancel!r}")
        if isinstance(limit_rate, BandwidthLimit):
            return cls(limit_rate, cancel)
        try:
            rate = configured if limit_rate is None else parse_rate(limit_rate)
        except ValueError as exc:
            raise WcsInputError(f"limit_rate {exc}") from None
        return cls(BandwidthLimit(rate) if rate else None, cancel)

    @property
    def active(self) -> bool:
        """Whether request bodies must go through the bucket and the signal."""
        return self.bandwidth is not None or self.cancel is not None

    def speed_floor(self, configured: int, connections: int) -> int:
        """The ``low_speed_limit`` of one of ``connections`` downloads sharing the
        bucket: at most half its share of the limit, so a limited download is never
        mistaken for a stalled one (0 stays 0: no floor)."""
        if self.bandwidth is None or configured == 0:
            return configured
        return max(1, min(configured, self.bandwidth.rate // (2 * max(connections, 1))))

    def check(self) -> None:
        """Raise :class:`~wcs_ext.errors.WcsCancelledError` once the signal is set."""
        if self.cancel is not None and self.cancel.is_set():
            raise WcsCancelledError("cancelled: run the same call again to continue")


NO_CONTROLS = TransferControls()
"""A call without limit or signal (frozen, so sharing it is safe)."""
