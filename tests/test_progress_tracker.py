"""Progress from several workers reaches the callback in order: the last thing a
progress line or bar shows is the transfer's latest state."""

from __future__ import annotations

import threading

from wcs_ext.transfer.progress import ProgressTracker, TransferProgress


def test_two_workers_telling_at_once_end_on_the_newest_state() -> None:
    # A worker's callback is still running when a second worker adds the last bytes.
    # Before, the second was told at once and the first finished after it, so the
    # callback ended on the older state (a progress line of 80% after the one of 100%).
    seen: list[int] = []
    second_done = threading.Event()

    def second_worker() -> None:
        tracker.add(1)
        second_done.set()

    def callback(progress: TransferProgress) -> None:
        if not seen and progress.done == 4:
            other = threading.Thread(target=second_worker)
            other.start()
            second_done.wait(0.5)  # with ordered telling, the second waits for this one
        seen.append(progress.done)

    tracker = ProgressTracker(callback, 5)
    tracker.add(4)
    assert second_done.wait(10)
    assert seen == [4, 5]


def test_a_state_overtaken_by_a_newer_one_is_not_told_after_it() -> None:
    seen: list[int] = []
    tracker = ProgressTracker(lambda progress: seen.append(progress.done), 10)
    first = tracker._snapshot()  # taken, then this worker is slow to tell it
    tracker.add(5)
    tracker._tell(*first)
    assert seen == [5]
