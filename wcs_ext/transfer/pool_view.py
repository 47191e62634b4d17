"""What a worker pool tells its jobs of its width, for both pools (threads in
``_sync/_io.py``, tasks in ``_async/_io.py``): read from its
:class:`~wcs_ext.transfer.pace.ConcurrencyTuner`, written once here."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Only a name here: the tuner's module loads when a pool makes one (a program that
    # never transfers skips it).
    from .pace import ConcurrencyTuner

__all__ = ["TunedPool"]


class TunedPool:
    """The tuner's limits and advice, as a pool's jobs ask for them."""

    _tuner: ConcurrencyTuner
    _expected: int | None  # jobs the pool will run, if known

    @property
    def limit(self) -> int:
        """How many jobs may run at once now."""
        return self._tuner.limit

    @property
    def most(self) -> int:
        """How many jobs may ever run at once (more once a long path is known)."""
        return self._tuner.most

    @property
    def chunk_divisor(self) -> int:
        """What a job's chunk is divided by: more requests, each smaller, on a long
        path (see the tuner's ``long_path_width``)."""
        return self._tuner.chunk_divisor

    @property
    def opening(self) -> bool:
        """A request sent now is better small (see the tuner's
        :meth:`~wcs_ext.transfer.pace.ConcurrencyTuner.small_requests_help`)."""
        return self._tuner.small_requests_help(self._expected)
