"""Progress of a transfer, reported to a callback after every acknowledged piece.

The callback receives a :class:`TransferProgress` snapshot. ``done`` can go *down*: when
a block has to be sent again (its ctx expired), the bytes it had counted are taken back,
so a bar never claims more than the server holds. Callbacks may be called from worker
threads; keep them quick (the CLI's rich bar is thread-safe).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import attrs

__all__ = ["RESUME_LOGGER", "ProgressCallback", "ProgressTracker", "TransferProgress"]

RESUME_LOGGER = "wcs_ext.transfer.resume"
"""Where an upload that continues from its resume record says so, and how far it got
(INFO: the command line shows it, a library user sees it when logging asks for INFO)."""


@attrs.frozen
class TransferProgress:
    """What a ``progress`` callback is given as a transfer goes on."""

    done: int
    """Bytes acknowledged by the server (uploads) or written to disk (downloads)."""
    total: int | None
    """Bytes in all, ``None`` while unknown (a stream)."""
    elapsed: float
    """Seconds since the transfer started."""

    @property
    def rate(self) -> float:
        """Average bytes per second so far."""
        return self.done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def fraction(self) -> float | None:
        """``done`` of ``total``, 0.0 to 1.0; ``None`` while the total is unknown (or 0)."""
        if not self.total:
            return None
        return min(1.0, self.done / self.total)


ProgressCallback = Callable[[TransferProgress], None]


class ProgressTracker:
    """Counts bytes from any thread and tells the callback (if any) each change."""

    def __init__(
        self, callback: ProgressCallback | None, total: int | None, *, done: int = 0
    ) -> None:
        self._callback = callback
        self._lock = threading.Lock()
        # Snapshots reach the callback in the order they were taken, one at a time: two
        # workers telling it at once could otherwise end on the older one (a progress
        # line of 80% after the one of 100%). One overtaken by a newer is dropped.
        self._telling = threading.Lock()
        self._taken = 0
        self._told = 0
        self._started = time.monotonic()
        self.total = total
        self.done = done

    def add(self, delta: int) -> None:
        with self._lock:
            self.done += delta
            snapshot = self._snapshot()
        if delta:
            self._tell(*snapshot)

    def set_total(self, total: int) -> None:
        with self._lock:
            self.total = total
            snapshot = self._snapshot()
        self._tell(*snapshot)

    def _snapshot(self) -> tuple[int, TransferProgress]:
        """The state now and its number (called with the lock held)."""
        self._taken += 1
        elapsed = time.monotonic() - self._started
        return self._taken, TransferProgress(self.done, self.total, elapsed)

    def _tell(self, number: int, snapshot: TransferProgress) -> None:
        if self._callback is None:
            return
        with self._telling:
            if number < self._told:
                return  # a newer one was told already
            self._told = number
            self._callback(snapshot)
