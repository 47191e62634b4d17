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
        self._started = time.monotonic()
        self.total = total
        self.done = done

    def add(self, delta: int) -> None:
        with self._lock:
            self.done += delta
            snapshot = TransferProgress(self.done, self.total, time.monotonic() - self._started)
        if self._callback is not None and delta:
            self._callback(snapshot)

    def set_total(self, total: int) -> None:
        with self._lock:
            self.total = total
            snapshot = TransferProgress(self.done, total, time.monotonic() - self._started)
        if self._callback is not None:
            self._callback(snapshot)
