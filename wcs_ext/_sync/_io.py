"""The I/O primitives of the threaded twin; ``wcs_ext/_async/_io.py`` is the asyncio one.

Hand-written on both sides, with the same names and signatures: everything else of the
twins is generated from ``wcs_ext/_async/`` and calls only these.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Any

from ..protocol.checksum import Readable
from ..transfer.readers import read_exactly

__all__ = ["BytesReader", "Cancelled", "FileReader", "StreamReader", "WorkerPool", "sleep"]


def sleep(seconds: float) -> None:
    time.sleep(seconds)


class FileReader:
    """Reads a file at given offsets (``pread``): threads reading blocks side by side
    share one descriptor without seeking."""

    def __init__(self, fd: int) -> None:
        self._fd = fd

    def read_at(self, offset: int, size: int) -> bytes:
        return os.pread(self._fd, size, offset)


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
        self._stream = source if isinstance(source, Readable) else None
        self._chunks = None if isinstance(source, Readable) else iter(source)
        self._pending = b""

    def read(self, size: int) -> bytes:
        if self._stream is not None:
            return read_exactly(self._stream, size)
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


class WorkerPool:
    """Runs submitted jobs on ``workers`` threads; :meth:`submit` waits while
    ``max_pending`` jobs are submitted and unfinished (bounded look-ahead, so memory does
    not grow with the number of jobs). The first failure stops the rest at their next
    :meth:`checkpoint` and is raised when the pool closes (not the stops it caused)."""

    def __init__(self, workers: int, max_pending: int | None = None) -> None:
        self._executor = ThreadPoolExecutor(max_workers=max(workers, 1), thread_name_prefix="wcs")
        self._pending = threading.Semaphore(max(max_pending or workers, workers, 1))
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._running: set[Future[Any]] = set()
        self._error: BaseException | None = None

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc is not None:
            self._cancel.set()  # an interrupt, or the submitter failed: stop the rest
        if self._cancel.is_set():
            with self._lock:
                queued = list(self._running)
            for future in queued:
                future.cancel()  # never started: nothing to stop
        self._executor.shutdown(wait=True)
        if self._error is not None and (exc is None or isinstance(exc, Cancelled)):
            raise self._error

    def submit(self, job: Callable[..., Any], *args: Any) -> None:
        self._pending.acquire()
        if self._cancel.is_set():
            self._pending.release()
            raise Cancelled()
        future = self._executor.submit(self._run, job, args)
        with self._lock:
            self._running.add(future)
        future.add_done_callback(self._done)

    def _run(self, job: Callable[..., Any], args: tuple[Any, ...]) -> None:
        try:
            job(*args)
        except BaseException as exc:
            with self._lock:
                if self._error is None and not isinstance(exc, Cancelled):
                    self._error = exc
            self._cancel.set()
            raise

    def _done(self, future: Future[Any]) -> None:
        with self._lock:
            self._running.discard(future)
        self._pending.release()

    def checkpoint(self) -> None:
        """Where a job stops because another failed."""
        if self._cancel.is_set():
            raise Cancelled()
