"""Work on many items, ``jobs`` at a time, past any item's failure.

Each item's work runs on a worker thread; its outcome (None, or the message of the
:class:`~wcs_ext.errors.WcsError` or ``OSError`` that failed it) is handed back to the
calling thread, which alone reports it: what reporting touches (a progress bar, a
counter, a cache) never sees two threads. Anything else raised by the work is a bug:
it stops the run and is raised in the calling thread.

The workers are daemon threads and Ctrl-C does not wait for them (as the transfer
pool): a request in flight to a server that never answers must not hold the process.
Items not yet started are not started.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

from ..errors import WcsError

__all__ = ["failure_message", "for_each"]

T = TypeVar("T")

_POLL_SECONDS = 0.2  # how often the calling thread wakes to notice Ctrl-C


def failure_message(exc: BaseException) -> str | None:
    """The one line of an item's expected failure; None for anything else (a bug)."""
    if isinstance(exc, WcsError):
        return str(exc)
    if isinstance(exc, OSError):
        detail = exc.strerror or str(exc)
        return f"{detail}: {exc.filename}" if exc.filename is not None else detail
    return None


def for_each(
    items: Sequence[T],
    work: Callable[[T], None],
    *,
    jobs: int,
    done: Callable[[T, str | None], None],
) -> None:
    """Run ``work`` on every item, ``jobs`` at once; ``done(item, failure)`` is called in
    this thread as each finishes (``failure`` None when it went well)."""
    todo: queue.SimpleQueue[T] = queue.SimpleQueue()
    for item in items:
        todo.put(item)
    results: queue.SimpleQueue[tuple[T, str | None, BaseException | None]] = queue.SimpleQueue()
    stop = threading.Event()

    def worker() -> None:
        while not stop.is_set():
            try:
                item = todo.get_nowait()
            except queue.Empty:
                return
            try:
                work(item)
            except Exception as exc:
                message = failure_message(exc)
                results.put((item, message, exc if message is None else None))
            else:
                results.put((item, None, None))

    for number in range(max(1, min(jobs, len(items)))):
        threading.Thread(target=worker, name=f"wcs-bulk-{number}", daemon=True).start()
    try:
        for _ in range(len(items)):
            while True:
                try:
                    item, message, bug = results.get(timeout=_POLL_SECONDS)
                    break
                except queue.Empty:
                    continue
            if bug is not None:
                raise bug
            done(item, message)
    finally:
        stop.set()
