"""The I/O primitives of the asyncio twin; ``wcs_ext/_sync/_io.py`` is the threaded one.

Hand-written on both sides, with the same names and signatures: everything else of the
twins is generated from ``wcs_ext/_async/`` and calls only these.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import AsyncIterable, Awaitable, Callable, Iterable
from types import TracebackType
from typing import TYPE_CHECKING, Any

from .. import protocol, transfer
from .._retry import RetryBudget
from ..transfer.pool_view import TunedPool

if TYPE_CHECKING:
    # Names for annotations; at run time these modules load on first use
    # (``transfer.record.BlockState``): a program that never transfers skips them.
    from ..protocol.checksum import Readable

__all__ = [
    "BesideCall",
    "BytesReader",
    "FileReader",
    "FileWriter",
    "RequestLimit",
    "StreamReader",
    "WorkerPool",
    "sleep",
]


async def sleep(seconds: float) -> None:
    await asyncio.sleep(seconds)


class BesideCall:
    """``fn(*args)`` run in a worker thread while the caller goes on (a chunk hashed
    while it is on the wire); :meth:`wait` for it to end (raising what it raised)."""

    def __init__(self, fn: Callable[..., object], *args: Any) -> None:
        self._task = asyncio.ensure_future(asyncio.to_thread(fn, *args))

    async def wait(self) -> None:
        await self._task


class FileReader:
    """Reads a file at given offsets (``pread``) in a worker thread: the loop never waits
    on the disk, and blocks read side by side share one descriptor."""

    def __init__(self, fd: int) -> None:
        self._fd = fd

    async def read_at(self, offset: int, size: int) -> bytes:
        return await asyncio.to_thread(os.pread, self._fd, size, offset)


class FileWriter:
    """Writes a file at given offsets (``pwrite``) in a worker thread: slices of a
    download land side by side in one file through one descriptor, which this owns.

    :meth:`close` waits for a write under way and makes later ones fail: a write whose
    task was cancelled still runs in its thread, and must never reach another file
    given the same descriptor number.
    """

    def __init__(self, fd: int) -> None:
        self._fd: int | None = fd
        self._lock = threading.Lock()

    def _write(self, offset: int, data: bytes) -> None:
        with self._lock:
            if self._fd is None:
                raise ValueError("write to a closed FileWriter")
            view = memoryview(data)
            while view:
                written = os.pwrite(self._fd, view, offset)
                offset += written
                view = view[written:]

    async def write_at(self, offset: int, data: bytes) -> None:
        await asyncio.to_thread(self._write, offset, data)

    def close(self) -> None:
        with self._lock:
            fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)


class BytesReader:
    """``read_at`` over bytes already in memory (a block of a stream) starting at ``base``."""

    def __init__(self, data: bytes, base: int) -> None:
        self._view = memoryview(data)
        self._base = base

    async def read_at(self, offset: int, size: int) -> bytes:
        start = offset - self._base
        return bytes(self._view[start : start + size])


class StreamReader:
    """Exactly ``size`` bytes at a time (fewer only at the end) from a binary stream with
    ``read(n)`` (read in a thread), an async iterable or an iterable of ``bytes``."""

    def __init__(self, source: Readable | AsyncIterable[bytes] | Iterable[bytes]) -> None:
        self._stream = source if isinstance(source, protocol.checksum.Readable) else None
        self._async = aiter(source) if isinstance(source, AsyncIterable) else None
        self._sync = iter(source) if self._stream is None and isinstance(source, Iterable) else None
        self._pending = b""

    async def read(self, size: int) -> bytes:
        if self._stream is not None:
            return await asyncio.to_thread(transfer.readers.read_exactly, self._stream, size)
        parts, have = [self._pending], len(self._pending)
        while have < size:
            chunk = await self._next_chunk()
            if chunk is None:
                break
            parts.append(chunk)
            have += len(chunk)
        data = b"".join(parts)
        data, self._pending = data[:size], data[size:]
        return data

    async def _next_chunk(self) -> bytes | None:
        if self._async is not None:
            return await anext(self._async, None)
        assert self._sync is not None
        return next(self._sync, None)


class WorkerPool(TunedPool):
    """Runs submitted jobs, ``start`` at a time at first (all ``workers`` by default);
    :meth:`submit` waits while ``max_pending`` jobs are submitted and unfinished (bounded
    look-ahead, so memory does not grow with the number of jobs). The first failure
    cancels the rest and is raised when the pool closes (not the cancellations it caused).

    Jobs report the bytes each of their requests carried (:meth:`acknowledged`); a
    :class:`~wcs_ext.transfer.pace.ConcurrencyTuner` widens the pool, up to ``workers``,
    while the throughput grows, and narrows it when a step did not pay.
    """

    def __init__(
        self,
        workers: int,
        max_pending: int | None = None,
        *,
        start: int | None = None,
        expected: int | None = None,
        long_path_width: int = 1,
    ) -> None:
        most = max(workers, 1)
        self._tuner = transfer.pace.ConcurrencyTuner(
            limit=start or most, most=most, long_path_width=long_path_width
        )
        self._expected = expected
        self._running = 0
        self._gate = asyncio.Condition()
        self._pending = asyncio.Semaphore(max(max_pending or workers, workers, 1))
        self._group = asyncio.TaskGroup()

    async def __aenter__(self) -> WorkerPool:
        await self._group.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            await self._group.__aexit__(exc_type, exc, traceback)
        except BaseExceptionGroup as group:
            raise group.exceptions[0] from None

    async def submit(self, job: Callable[..., Awaitable[Any]], *args: Any) -> None:
        await self._pending.acquire()
        self._group.create_task(self._run(job, args))

    async def _run(self, job: Callable[..., Awaitable[Any]], args: tuple[Any, ...]) -> None:
        try:
            async with self._gate:
                await self._gate.wait_for(lambda: self._running < self._tuner.limit)
                self._running += 1
            try:
                await job(*args)
            finally:
                async with self._gate:
                    self._running -= 1
                    self._gate.notify_all()
        finally:
            self._pending.release()

    async def acknowledged(self, size: int, seconds: float | None = None) -> None:
        """A job's request carried ``size`` bytes (in ``seconds``, if known) and was
        answered."""
        before = self._tuner.limit
        if self._tuner.acknowledged(size, time.monotonic(), seconds) > before:
            async with self._gate:
                self._gate.notify_all()

    async def opened(self, seconds: float) -> None:
        """A first small answer (an opening chunk, a response's headers) took
        ``seconds``: no measure of the link's rate, but of its length (a long path
        opens the pool wide at once)."""
        before, most = self._tuner.limit, self._tuner.most
        if self._tuner.opened(seconds) > before:
            for _ in range(self._tuner.most - most):
                self._pending.release()  # as many more submitted ahead: each holds less
            async with self._gate:
                self._gate.notify_all()

    async def request_took(self, size: int, seconds: float) -> None:
        """A whole request carried ``size`` bytes in ``seconds`` (its pieces were
        acknowledged as they came): how fast requests go tells the pool its width."""
        self._tuner.judge(size, seconds)

    async def checkpoint(self) -> None:
        """Where a job may stop because another failed (tasks are cancelled at any await)."""


class RequestLimit:
    """How many requests may be in flight at once, shared by everything a client sends.

    Every answer that says "try again" (a retryable failure) halves the requests that
    were in flight (the limit, if that is fewer), down to one; every success raises the
    limit by one, up to ``most``. Under a storm of 503s the client
    as a whole backs off to one request at a time instead of each worker retrying on
    its own; once answers come back, the configured concurrency returns. Retries also
    take a token of the client's :class:`~wcs_ext._retry.RetryBudget` first.
    """

    def __init__(self, most: int) -> None:
        self._most = max(most, 1)
        self._limit = self._most
        self._in_flight = 0
        self._changed: asyncio.Condition | None = None  # made in the loop that uses it
        self._budget = RetryBudget()

    @property
    def calm(self) -> bool:
        """No retryable failure holds the limit down: the server answers as it should."""
        return self._limit == self._most

    @property
    def limit(self) -> int:
        """How many requests may be in flight now."""
        return self._limit

    def _condition(self) -> asyncio.Condition:
        if self._changed is None:
            self._changed = asyncio.Condition()
        return self._changed

    async def __aenter__(self) -> RequestLimit:
        changed = self._condition()
        async with changed:
            await changed.wait_for(lambda: self._in_flight < self._limit)
            self._in_flight += 1
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        changed = self._condition()
        async with changed:
            self._in_flight -= 1
            changed.notify_all()

    async def succeeded(self) -> None:
        self._budget.succeeded(time.monotonic())
        changed = self._condition()
        async with changed:
            self._limit = min(self._most, self._limit + 1)
            changed.notify_all()

    async def before_retry(self) -> None:
        """Wait for a token of the retry budget (at once, unless in a storm)."""
        # One event loop: nothing runs between take() and its answer, no lock needed.
        while (wait := self._budget.take(time.monotonic())) > 0:
            await asyncio.sleep(wait)

    async def throttled(self) -> None:
        """A request that was in flight failed and may be retried (it is no longer
        counted): half of those that were in flight may go on. Halving the limit alone
        did nothing while fewer ran than it allowed (``most`` covers the widest a long
        path may run, a short one runs far fewer)."""
        self._limit = max(1, min(self._limit, self._in_flight + 1) // 2)
