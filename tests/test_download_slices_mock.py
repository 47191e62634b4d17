"""Downloads in slices against mock servers: the slices really overlap (counted, never
timed), each one is retried and continued on its own, a tampered slice is caught by the
etag, and servers without (honest) Range support still get one whole stream."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.hostile_server import URL, wcs_for
from tests.upload_host import MiB, data_of, etag
from wcs_ext import AsyncWcs, RetryPolicy, WcsConfig, WcsIntegrityError
from wcs_ext.transfer.download_slices import PIECE, Slice, pieces_per_slice, plan_slices

SLICED: dict[str, Any] = {
    "download_parallel_threshold": 1,
    "download_slice_size": PIECE,
    "concurrency": 3,
    "max_concurrency": 0,  # pinned: the tests count what is in flight
}


def answer(
    data: bytes,
    request: httpx.Request,
    stream: Any = None,
    *,
    ranges: bool = True,
    tag: str | None = None,
) -> httpx.Response:
    """WCS's answer: a 200 with ``Accept-Ranges``, or the 206 of a ``Range`` whose
    ``If-Range`` matches (``ranges=False``: the server ignores Range, yet says it takes
    them). ``stream``: the body's bytes, given the part of ``data`` asked for."""
    headers = {"ETag": f'"{tag or etag(data)}"', "Accept-Ranges": "bytes"}
    wanted = request.headers.get("range")
    start, end, status = 0, len(data), 200
    if ranges and wanted and request.headers.get("if-range") == headers["ETag"]:
        first, last = wanted.removeprefix("bytes=").split("-")
        start, end, status = int(first), int(last) + 1 if last else len(data), 206
        headers["Content-Range"] = f"bytes {start}-{end - 1}/{len(data)}"
    headers["Content-Length"] = str(end - start)
    body = data[start:end]
    if stream is None:
        return httpx.Response(status, headers=headers, content=body)
    return httpx.Response(status, headers=headers, stream=stream(body))


def by_start(wanted: str | None) -> int:
    assert wanted is not None
    return int(wanted.removeprefix("bytes=").split("-")[0])


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_the_plan_cuts_missing_pieces_into_slices_of_whole_pieces() -> None:
    size = 5 * PIECE + 7
    assert plan_slices(size, [0, 1, 2, 4, 5], 2) == [
        Slice(0, 2 * PIECE),
        Slice(2 * PIECE, 3 * PIECE),
        Slice(4 * PIECE, size),
    ]
    assert pieces_per_slice(size, 8 * PIECE, 4) == 2  # six pieces over four connections
    assert pieces_per_slice(size, PIECE, 4) == 1
    assert pieces_per_slice(100 * PIECE, 2 * PIECE, 4) == 2


class Held(httpx.SyncByteStream):
    """A body that starts only once ``barrier`` has all its parties: the bodies it holds
    were open side by side, or the barrier breaks (after a timeout) and the test fails."""

    def __init__(self, body: bytes, barrier: threading.Barrier | None, inflight: list[int]) -> None:
        self.body, self.barrier, self.inflight = body, barrier, inflight

    def __iter__(self) -> Iterator[bytes]:
        self.inflight[0] += 1
        self.inflight[1] = max(self.inflight)
        try:
            if self.barrier is not None:
                self.barrier.wait(timeout=20)
            for at in range(0, len(self.body), 256 * 1024):
                yield self.body[at : at + 256 * 1024]
        finally:
            self.inflight[0] -= 1


def test_slices_are_fetched_side_by_side_and_join_byte_identical(tmp_path: Path) -> None:
    data = data_of(5 * PIECE + 12345)
    barrier = threading.Barrier(3)  # the first answer and two ranges, all open at once
    inflight = [0, 0]  # now, most
    seen: list[str | None] = []
    lock = threading.Lock()

    def handler(request: httpx.Request) -> httpx.Response:
        with lock:
            seen.append(request.headers.get("range"))
            held = barrier if len(seen) <= 3 else None
        return answer(data, request, lambda body: Held(body, held, inflight))

    with wcs_for(handler, **SLICED) as wcs:
        result = wcs.download(URL, tmp_path / "k.bin")
    assert (tmp_path / "k.bin").read_bytes() == data
    assert result.hash == etag(data)
    assert files(tmp_path) == ["k.bin"]
    assert inflight[1] == 3  # never more than `concurrency` at once
    assert seen[0] is None  # the first answer carried the first slice
    ends = [(PIECE * n, PIECE * (n + 1) - 1) for n in range(1, 5)]
    assert sorted(seen[1:], key=by_start) == [f"bytes={a}-{b}" for a, b in ends] + [
        f"bytes={5 * PIECE}-{len(data) - 1}"
    ]


def test_the_async_client_overlaps_its_slices_too(tmp_path: Path) -> None:
    data = data_of(3 * PIECE + 1)

    async def run() -> tuple[int, Any]:
        barrier = asyncio.Barrier(3)  # as in the sync test: three bodies open at once
        inflight = [0, 0]
        started = [0]

        class AsyncHeld(httpx.AsyncByteStream):
            def __init__(self, body: bytes) -> None:
                self.body = body

            async def __aiter__(self) -> AsyncIterator[bytes]:
                inflight[0] += 1
                inflight[1] = max(inflight)
                started[0] += 1
                try:
                    if started[0] <= 3:
                        async with asyncio.timeout(20):
                            await barrier.wait()
                    yield self.body
                finally:
                    inflight[0] -= 1

        def handler(request: httpx.Request) -> httpx.Response:
            return answer(data, request, AsyncHeld)

        config = WcsConfig(put_url=URL, mgr_url=URL, **SLICED)
        retry = RetryPolicy(max_retries=3, initial_delay=0, max_delay=0)
        async with AsyncWcs(config, transport=httpx.MockTransport(handler), retry=retry) as wcs:
            result = await wcs.download(URL, tmp_path / "k.bin")
        return inflight[1], result

    most, result = asyncio.run(run())
    assert most == 3
    assert (tmp_path / "k.bin").read_bytes() == data
    assert result.hash == etag(data)


class CutAfter(httpx.SyncByteStream):
    def __init__(self, body: bytes, after: int) -> None:
        self.body, self.after = body, after

    def __iter__(self) -> Iterator[bytes]:
        yield self.body[: self.after]
        raise httpx.ReadError("connection reset by peer")


def test_a_cut_in_the_middle_of_a_slice_is_continued_with_a_narrower_range(
    tmp_path: Path,
) -> None:
    data = data_of(3 * PIECE + 99)
    cut_at = MiB + 5  # into the second slice
    seen: list[str | None] = []
    lock = threading.Lock()

    def handler(request: httpx.Request) -> httpx.Response:
        wanted = request.headers.get("range")
        with lock:
            first_time = wanted not in seen
            seen.append(wanted)
        if wanted == f"bytes={PIECE}-{2 * PIECE - 1}" and first_time:
            return answer(data, request, lambda body: CutAfter(body, cut_at))
        return answer(data, request)

    with wcs_for(handler, **SLICED) as wcs:
        result = wcs.download(URL, tmp_path / "k.bin")
    assert (tmp_path / "k.bin").read_bytes() == data
    assert result.hash == etag(data)
    assert f"bytes={PIECE + cut_at}-{2 * PIECE - 1}" in seen  # only what was missing
    assert len(seen) == 1 + 3 + 1


def test_a_5xx_for_one_slice_is_retried_for_that_slice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("wcs_ext._sync._io.sleep", lambda seconds: None)
    data = data_of(2 * PIECE + 3)
    failed: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        wanted = request.headers.get("range")
        if wanted and wanted.startswith(f"bytes={PIECE}-") and len(failed) < 2:
            failed.append(wanted)
            return httpx.Response(503, headers={"Retry-After": "0"}, json={"message": "busy"})
        return answer(data, request)

    with wcs_for(handler, **SLICED) as wcs:
        assert wcs.download(URL, tmp_path / "k.bin").size == len(data)
    assert (tmp_path / "k.bin").read_bytes() == data
    assert failed == [f"bytes={PIECE}-{2 * PIECE - 1}"] * 2


def test_a_tampered_slice_fails_the_etag_and_leaves_nothing(tmp_path: Path) -> None:
    data = data_of(3 * PIECE + 17)

    def handler(request: httpx.Request) -> httpx.Response:
        response = answer(data, request)
        if request.headers.get("range", "").startswith(f"bytes={2 * PIECE}-"):
            body = bytearray(response.content)
            body[1000] ^= 0xFF
            return httpx.Response(206, headers=response.headers, content=bytes(body))
        return response

    with wcs_for(handler, **SLICED) as wcs, pytest.raises(WcsIntegrityError, match="hash"):
        wcs.download(URL, tmp_path / "k.bin")
    assert files(tmp_path) == []  # nothing under the final name, no partial either


def test_a_server_that_says_it_takes_ranges_but_ignores_them_gets_one_stream(
    tmp_path: Path,
) -> None:
    data = data_of(2 * PIECE + 5)
    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("range"))
        return answer(data, request, ranges=False)

    with wcs_for(handler, **SLICED) as wcs:
        result = wcs.download(URL, tmp_path / "k.bin")
    assert (tmp_path / "k.bin").read_bytes() == data
    assert result.hash == etag(data)
    assert seen[-1] is None  # started over in one stream, after a 200 to a Range
    assert files(tmp_path) == ["k.bin"]


def test_a_server_without_ranges_gets_one_stream_and_one_request(tmp_path: Path) -> None:
    data = data_of(2 * PIECE + 5)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        response = answer(data, request)
        del response.headers["accept-ranges"]
        return response

    with wcs_for(handler, **SLICED) as wcs:
        assert wcs.download(URL, tmp_path / "k.bin").hash == etag(data)
    assert (tmp_path / "k.bin").read_bytes() == data
    assert len(seen) == 1


def test_an_object_that_changes_between_slices_is_fetched_again_whole(tmp_path: Path) -> None:
    old, new = data_of(2 * PIECE + 5), data_of(2 * PIECE + 6)
    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("range"))
        return answer(old if len(seen) == 1 else new, request)

    with wcs_for(handler, **SLICED) as wcs:
        result = wcs.download(URL, tmp_path / "k.bin")
    assert (tmp_path / "k.bin").read_bytes() == new
    assert result.hash == etag(new)
    assert files(tmp_path) == ["k.bin"]


@pytest.mark.parametrize(("delay", "ranges"), [(0.0, 2), (0.05, 5)], ids=["near", "long-path"])
def test_a_long_path_fetches_twice_as_many_slices_at_once(
    tmp_path: Path, delay: float, ranges: int
) -> None:
    """A first answer as slow as a long path's round trip: twice ``max_concurrency``
    connections (their TCP slow starts reach the link's window a round trip sooner),
    the object cut into as many slices. The delay is a round trip's, never timed."""
    data = data_of(6 * PIECE)
    seen: list[str | None] = []
    lock = threading.Lock()

    def handler(request: httpx.Request) -> httpx.Response:
        with lock:
            seen.append(request.headers.get("range"))
        if request.headers.get("range") is None:
            time.sleep(delay)
        return answer(data, request)

    settings = {**SLICED, "download_slice_size": 2 * PIECE, "concurrency": 2, "max_concurrency": 3}
    with wcs_for(handler, **settings) as wcs:
        result = wcs.download(URL, tmp_path / "k.bin")
    assert (tmp_path / "k.bin").read_bytes() == data
    assert result.hash == etag(data)
    assert seen[0] is None
    assert len(seen[1:]) == ranges, seen
