"""The attempt log's chains: which attempts are one call and its retries."""

from __future__ import annotations

from tests.attempt_log import Attempt, AttemptLog, retry_gaps
from wcs_ext import RetryPolicy

URL = "http://127.0.0.1:1/dl/b/big.bin"


def _slice(range_: str, start: float, end: float, *, error: str | None = None) -> Attempt:
    attempt = Attempt("GET", URL, "empty", start=start, range=range_, end=end, error=error)
    if error is None:
        attempt.status, attempt.complete = 206, True
    return attempt


def test_the_slices_of_one_download_are_not_each_others_retries() -> None:
    """Two slices of one URL at once: the first fails before a byte, the other had
    started meanwhile. Paired as one call, the second read as a retry sent before the
    failure (a negative wait), and a fault-suite run failed on it."""
    log = AttemptLog()
    first = _slice("bytes=0-4194303", 0.0, 1.0, error="RemoteProtocolError")
    other = _slice("bytes=4194304-8388608", 0.98, 2.0)
    again = _slice("bytes=0-4194303", 1.6, 2.5)
    log.attempts += [first, other, again]
    assert sorted(log.chains(), key=len) == [[other], [first, again]]
    gaps = retry_gaps(log, RetryPolicy(initial_delay=0.5))
    assert [(gap.failed, gap.retry) for gap in gaps] == [(first, again)]
    assert gaps[0].seconds > gaps[0].least
