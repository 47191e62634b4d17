"""One download per file: a second download to the same target while one runs fails at
once (the lock), and what is renamed into place is the file kept on disk, checked for
size and hash, not the bytes that went by."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.hostile_server import URL, ranged, wcs_for
from tests.upload_host import MiB, data_of
from wcs_ext import WcsInputError, WcsIntegrityError
from wcs_ext.errors import WcsNotFoundError


class Gated(httpx.SyncByteStream):
    """``first``, then waits for ``go`` before ``rest`` (``wrote`` says the first is out)."""

    def __init__(self, first: bytes, rest: bytes) -> None:
        self.first, self.rest = first, rest
        self.wrote, self.go = threading.Event(), threading.Event()

    def __iter__(self) -> Iterator[bytes]:
        yield self.first
        self.wrote.set()  # asked for more: the first part is in the partial file
        assert self.go.wait(10)
        yield self.rest


class Run(threading.Thread):
    """One download in a thread of its own; ``outcome`` is its result or its error."""

    def __init__(self, data: bytes, dest: Path, body: Gated) -> None:
        super().__init__()
        self.wcs = wcs_for(lambda r: ranged(data, r, body))
        self.dest, self.body = dest, body
        self.outcome: Any = None

    def run(self) -> None:
        try:
            with self.wcs:
                self.outcome = self.wcs.download(URL, self.dest)
        except Exception as exc:  # the test looks at it
            self.outcome = exc

    def wait_until_written_or_ended(self) -> None:
        for _ in range(1000):
            if self.body.wrote.wait(0.01) or not self.is_alive():
                return
        raise AssertionError("the download neither wrote nor ended")


def test_a_second_download_to_the_same_file_fails_while_the_first_runs(tmp_path: Path) -> None:
    # The first has 2 of 3 MiB when the second starts; the second appends 512 KiB of
    # its range, then the first ends, then the second.
    data = data_of(3 * MiB)
    dest = tmp_path / "k.bin"
    first = Run(data, dest, Gated(data[: 2 * MiB], data[2 * MiB :]))
    second = Run(data, dest, Gated(data[2 * MiB : 2 * MiB + MiB // 2], data[2 * MiB + MiB // 2 :]))
    try:
        first.start()
        first.wait_until_written_or_ended()
        second.start()
        second.wait_until_written_or_ended()
        first.body.go.set()
        first.join(10)
    finally:
        first.body.go.set()
        second.body.go.set()
        first.join(10)
        second.join(10)
    outcomes = {"first": first.outcome, "second": second.outcome}
    kept = dest.read_bytes()
    assert kept == data, f"{len(kept)} bytes kept of {len(data)}; {outcomes}"
    assert not isinstance(first.outcome, Exception), outcomes
    assert first.outcome.size == len(data)
    assert isinstance(second.outcome, WcsInputError), outcomes
    assert str(second.outcome) == f"another download to {dest} is running"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.bin"]  # no lock, no partial


def test_the_lock_is_released_after_a_failure(tmp_path: Path) -> None:
    data = data_of(1000)
    missing = wcs_for(lambda r: httpx.Response(404, json={"message": "no"}))
    with missing as wcs, pytest.raises(WcsNotFoundError, match="no"):
        wcs.download(URL, tmp_path / "k.bin")
    with wcs_for(lambda r: ranged(data, r)) as wcs:
        assert wcs.download(URL, tmp_path / "k.bin").size == len(data)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.bin"]


class Meddled(httpx.SyncByteStream):
    """Between its two parts, something else writes to the partial file."""

    def __init__(self, data: bytes, partial: Path, how: str) -> None:
        self.data, self.partial, self.how = data, partial, how

    def __iter__(self) -> Iterator[bytes]:
        half = len(self.data) // 2
        yield self.data[:half]
        if self.how == "appended":  # more than this download has left to write
            with self.partial.open("ab") as other:
                other.write(b"another writer" * (len(self.data) // 14))
        else:
            with self.partial.open("r+b") as other:
                other.write(b"X" * 10)  # same size, other bytes
        yield self.data[half:]


@pytest.mark.parametrize(
    ("how", "announced"),
    # (the same size and no hash would leave nothing to tell the bytes by)
    [("appended", True), ("appended", False), ("overwritten", True)],
    ids=["appended-with-hash", "appended-size-only", "overwritten-with-hash"],
)
def test_the_file_kept_is_checked_not_the_bytes_received(
    tmp_path: Path, how: str, announced: bool
) -> None:
    data = data_of(MiB + 3)
    dest = tmp_path / "k.bin"
    partial = dest.with_name(".k.bin.wcs-part")

    def handler(request: httpx.Request) -> httpx.Response:
        response = ranged(data, request, Meddled(data, partial, how))
        if not announced:
            del response.headers["etag"]
        return response

    with wcs_for(handler) as wcs, pytest.raises(WcsIntegrityError, match=r"partial file|hash"):
        wcs.download(URL, dest)
    assert list(tmp_path.iterdir()) == []
