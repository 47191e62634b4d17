"""The I/O primitives of the threaded twin; ``wcs_ext/_async/_io.py`` is the asyncio one.

Hand-written on both sides, with the same names and signatures: everything else of the
twins is generated from ``wcs_ext/_async/`` and calls only these.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
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
    "Cancelled",
    "FileReader",
    "FileWriter",
    "RequestLimit",
    "StreamReader",
    "WorkerPool",
    "sleep",
]


def sleep(seconds: float) -> None:
    time.sleep(seconds)


class BesideCall:
    """``fn(*args)`` run in another thread while the caller goes on (a chunk hashed
    while it is on the wire); :meth:`wait` for it to end (raising what it raised).

    A thread per call: starting one costs about a hundredth of hashing a 4 MiB chunk,
    and, unlike a pool kept for the process, nothing outlives the call or is left
    broken in a child made by ``fork``."""

    def __init__(self, fn: Callable[..., object], *args: Any) -> None:
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, args=(fn, args), name="wcs-beside", daemon=True
        )
        self._thread.start()

    def _run(self, fn: Callable[..., object], args: tuple[Any, ...]) -> None:
        try:
            fn(*args)
        except BaseException as exc:  # handed to the caller by wait()
            self._error = exc

    def wait(self) -> None:
        self._thread.join()
        if self._error is not None:
            raise self._error


class FileReader:
    """Reads a file at given offsets (``pread``): threads reading blocks side by side
    share one descriptor without seeking."""

    def __init__(self, fd: int) -> None:
        self._fd = fd

    def read_at(self, offset: int, size: int) -> bytes:
        return os.pread(self._fd, size, offset)


class FileWriter:
    """Writes a file at given offsets (``pwrite``): slices of a download land side by
    side in one file through one descriptor, which this owns.

    :meth:`close` waits for a write under way and makes later ones fail: a worker the
    pool did not wait for (an interrupt) must never write to another file given the
    same descriptor number.
    """

    def __init__(self, fd: int) -> None:
        self._fd: int | None = fd
        self._lock = threading.Lock()

    def write_at(self, offset: int, data: bytes) -> None:
        with self._lock:
            if self._fd is None:
                raise ValueError("write to a closed FileWriter")
            view = memoryview(data)
            while view:
                written = os.pwrite(self._fd, view, offset)
                offset += written
                view = view[written:]

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

    def read_at(self, offset: int, size: int) -> bytes:
        start = offset - self._base
        return bytes(self._view[start : start + size])


class StreamReader:
    """Exactly ``size`` bytes at a time (fewer only at the end) from a binary stream with
    ``read(n)`` or an iterable of ``bytes``."""

    def __init__(self, source: Readable | Iterable[bytes]) -> None:
        self._stream: Readable | None
        self._chunks: Iterator[bytes] | None
        if isinstance(source, protocol.checksum.Readable):
            self._stream, self._chunks = source, None
        else:
            self._stream, self._chunks = None, iter(source)
        self._pending = b""

    def read(self, size: int) -> bytes:
        if self._stream is not None:
            return transfer.readers.read_exactly(self._stream, size)
        assert self._chunks is not None
        parts, have = [self._pending], len(self._pending)
        while have < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            parts.append(chunk)
            have += len(chunk)
        data = b"".join(parts)
        data, self._pending = data[:size], data[size:]
        return data


class Cancelled(Exception):
    """Another job failed (or the caller was interrupted): this one stops between steps."""


class WorkerPool(TunedPool):
    """Runs submitted jobs on up to ``workers`` threads, ``start`` of them at once at
    first (all by default); :meth:`submit` waits while ``max_pending`` jobs are submitted
    and unfinished (bounded look-ahead, so memory does not grow with the number of jobs).
    The first failure stops the rest at their next :meth:`checkpoint` and is raised when
    the pool closes (not the stops it caused).

    Jobs report the bytes each of their requests carried (:meth:`acknowledged`); a
    :class:`~wcs_ext.transfer.pace.ConcurrencyTuner` widens the pool, up to ``workers``,
    while the throughput grows, and narrows it when a step did not pay.

    The threads are daemons and an interrupt (Ctrl-C) is not made to wait for them: a
    request in flight to a server that never answers would otherwise hold the process
    until its timeout and every retry ran out. What such a worker does after the
    interrupt ends at its next checkpoint (resume records tolerate a cut-off write).
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
        workers = max(workers, 1)
        self._tuner = transfer.pace.ConcurrencyTuner(
            limit=start or workers, most=workers, long_path_width=long_path_width
        )
        self._expected = expected
        self._running = 0
        self._gate = threading.Condition()
        self._pending = threading.Semaphore(max(max_pending or workers, workers, 1))
        self._jobs: queue.SimpleQueue[tuple[Callable[..., Any], tuple[Any, ...]] | None] = (
            queue.SimpleQueue()
        )
        self._threads: list[threading.Thread] = []
        self._closed = False
        self._cancel = threading.Event()
        self._idle = threading.Condition()
        self._unfinished = 0
        self._error: BaseException | None = None

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if exc is None or isinstance(exc, Cancelled):
                self._wait_idle()  # interruptible: a Ctrl-C here stops the rest too
        except BaseException:
            self._cancel.set()
            raise
        finally:
            if exc is not None and not isinstance(exc, Cancelled):
                self._cancel.set()  # an interrupt, or the submitter failed: stop the rest
            with self._gate:
                self._closed = True  # no thread is added after the last stop is sent
                for _ in self._threads:
                    self._jobs.put(None)
        if self._error is not None and (exc is None or isinstance(exc, Cancelled)):
            raise self._error

    def _wait_idle(self) -> None:
        with self._idle:
            while self._unfinished:
                self._idle.wait()

    def submit(self, job: Callable[..., Any], *args: Any) -> None:
        self._pending.acquire()
        if self._cancel.is_set():
            self._pending.release()
            raise Cancelled()
        with self._idle:
            self._unfinished += 1
        self._jobs.put((job, args))
        with self._gate:
            self._add_threads()

    def _add_threads(self) -> None:
        """Threads up to the limit, never more than there are jobs (called with the gate
        held). A thread is made only once the pool is that wide: each thread's
        allocations come from a malloc arena of its own, and a thread that could only
        wait for its turn would still take jobs in turn, spreading the chunks over one
        arena more, memory the process touches and the kernel must clear first."""
        wanted = min(self._tuner.most, self._tuner.limit, self._unfinished)
        while not self._closed and len(self._threads) < wanted:
            thread = threading.Thread(
                target=self._work, name=f"wcs-{len(self._threads)}", daemon=True
            )
            self._threads.append(thread)
            thread.start()

    def _work(self) -> None:
        while (item := self._jobs.get()) is not None:
            job, args = item
            try:
                if self._take_turn():  # else queued before a failure: never started
                    try:
                        job(*args)
                    finally:
                        with self._gate:
                            self._running -= 1
                            self._gate.notify()  # one place freed: one job may start
            except BaseException as exc:
                with self._idle:
                    if self._error is None and not isinstance(exc, Cancelled):
                        self._error = exc
                self._cancel.set()
            finally:
                self._pending.release()
                with self._idle:
                    self._unfinished -= 1
                    self._idle.notify_all()

    def _take_turn(self) -> bool:
        """Wait until one more job may run; False when the pool was stopped meanwhile."""
        with self._gate:
            while self._running >= self._tuner.limit and not self._cancel.is_set():
                self._gate.wait(0.1)  # a stop sets no condition: look again now and then
            if self._cancel.is_set():
                return False
            self._running += 1
            return True

    def acknowledged(self, size: int, seconds: float | None = None) -> None:
        """A job's request carried ``size`` bytes (in ``seconds``, if known) and was
        answered."""
        with self._gate:
            before = self._tuner.limit
            # Only a wider limit lets a waiting job start: waking them all on every
            # answer cost each a round for the GIL, and the waker a switch, for nothing.
            if self._tuner.acknowledged(size, time.monotonic(), seconds) > before:
                self._add_threads()
                self._gate.notify_all()

    def opened(self, seconds: float) -> None:
        """A first small answer (an opening chunk, a response's headers) took
        ``seconds``: no measure of the link's rate, but of its length (a long path
        opens the pool wide at once)."""
        with self._gate:
            before, most = self._tuner.limit, self._tuner.most
            if self._tuner.opened(seconds) > before:
                for _ in range(self._tuner.most - most):
                    self._pending.release()  # as many more submitted ahead: each holds less
                self._add_threads()
                self._gate.notify_all()

    def request_took(self, size: int, seconds: float) -> None:
        """A whole request carried ``size`` bytes in ``seconds`` (its pieces were
        acknowledged as they came): how fast requests go tells the pool its width."""
        with self._gate:
            self._tuner.judge(size, seconds)

    def checkpoint(self) -> None:
        """Where a job stops because another failed."""
        if self._cancel.is_set():
            raise Cancelled()


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
        self._changed = threading.Condition()
        self._budget = RetryBudget()

    @property
    def calm(self) -> bool:
        """No retryable failure holds the limit down: the server answers as it should."""
        return self._limit == self._most

    @property
    def limit(self) -> int:
        """How many requests may be in flight now."""
        return self._limit

    def __enter__(self) -> RequestLimit:
        with self._changed:
            self._changed.wait_for(lambda: self._in_flight < self._limit)
            self._in_flight += 1
        return self

    def __exit__(self, *exc_info: object) -> None:
        with self._changed:
            self._in_flight -= 1
            self._changed.notify_all()

    def succeeded(self) -> None:
        with self._changed:
            self._budget.succeeded(time.monotonic())
            self._limit = min(self._most, self._limit + 1)
            self._changed.notify_all()

    def before_retry(self) -> None:
        """Wait for a token of the retry budget (at once, unless in a storm)."""
        while True:
            with self._changed:
                wait = self._budget.take(time.monotonic())
            if wait <= 0:
                return
            time.sleep(wait)

    def throttled(self) -> None:
        """A request that was in flight failed and may be retried (it is no longer
        counted): half of those that were in flight may go on. Halving the limit alone
        did nothing while fewer ran than it allowed (``most`` covers the widest a long
        path may run, a short one runs far fewer)."""
        with self._changed:
            self._limit = max(1, min(self._limit, self._in_flight + 1) // 2)
