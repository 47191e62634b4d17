"""Transfers that widen by themselves: over a link where each request waits (latency),
more blocks at once go faster, and the pool grows to fill it; pinned, it does not.

Each request sleeps, so throughput follows the number in flight whatever the machine's
speed; the tests count requests at once, never time.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.upload_host import AK, BASE_URL, BLOCK, SK, UploadHost, reply
from wcs_ext import AsyncWcs, RetryPolicy, Wcs, WcsConfig, _retry
from wcs_ext._async.transfer.multipart import OPENING_CHUNK
from wcs_ext._sync import _io as sync_io
from wcs_ext._sync.transfer import multipart
from wcs_ext.protocol.checksum import etag_file
from wcs_ext.transfer.pace import ConcurrencyTuner

LATENCY = 0.25  # seconds each mkblk/bput waits, as over a long link: CPU is never the limit
BLOCKS = 16


class Crowd:
    """Counts the requests in flight at once."""

    def __init__(self) -> None:
        self.now = 0
        self.most = 0
        self.lock = threading.Lock()

    def enter(self) -> None:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)

    def leave(self) -> None:
        with self.lock:
            self.now -= 1


def answering_after(
    latency: float, host: UploadHost, crowd: Crowd
) -> Callable[[httpx.Request], httpx.Response]:
    """The host's answers, each mkblk and bput ``latency`` seconds late, counted."""

    def answer(request: httpx.Request) -> httpx.Response:
        crowd.enter()
        try:
            if latency and not request.url.path.startswith("/mkfile"):
                time.sleep(latency)
            return host.handler(request)
        finally:
            crowd.leave()

    return answer


def settings(tmp_path: Path, **more: Any) -> WcsConfig:
    values: dict[str, Any] = {
        "access_key": AK, "secret_key": SK, "put_url": BASE_URL, "mgr_url": BASE_URL,
        "block_size": BLOCK, "bput_size": BLOCK // 4, "concurrency": 2,
        "tmp_record_folder": str(tmp_path / "records"),
    } | more  # fmt: skip
    return WcsConfig(**values)


def big_file(tmp_path: Path) -> Path:
    path = tmp_path / "big.bin"
    with path.open("wb") as out:
        out.truncate(BLOCKS * BLOCK)  # zeros: cheap to read, enough to measure
    return path


@pytest.mark.parametrize(("most", "grows"), [(12, True), (2, False)], ids=["adaptive", "pinned"])
def test_the_sync_pool_widens_while_throughput_grows(
    tmp_path: Path, most: int, grows: bool
) -> None:
    host, crowd = UploadHost(), Crowd()
    slow = answering_after(LATENCY, host, crowd)
    config = settings(tmp_path, max_concurrency=most)
    with Wcs(config, transport=httpx.MockTransport(slow), retry=RetryPolicy(max_retries=0)) as wcs:
        result = wcs.multipart_upload(big_file(tmp_path), "b", "k")
    assert result.hash is not None
    if grows:
        assert crowd.most >= 5, crowd.most  # from 2: it doubled, and went on
    else:
        assert crowd.most <= 2, crowd.most


def test_the_async_pool_widens_too(tmp_path: Path) -> None:
    host, crowd = UploadHost(), Crowd()

    async def slow(request: httpx.Request) -> httpx.Response:
        await request.aread()
        crowd.enter()
        try:
            if not request.url.path.startswith("/mkfile"):
                await asyncio.sleep(LATENCY)
            return host.handler(request)
        finally:
            crowd.leave()

    async def run() -> str | None:
        config = settings(tmp_path, max_concurrency=12)
        transport = httpx.MockTransport(slow)
        async with AsyncWcs(config, transport=transport, retry=RetryPolicy(max_retries=0)) as aw:
            return (await aw.multipart_upload(big_file(tmp_path), "b", "k")).hash

    assert asyncio.run(run()) is not None
    assert crowd.most >= 5, crowd.most


def _bodies(host: UploadHost) -> list[tuple[str, int]]:
    """(verb and offset or index, body size) of every mkblk and bput, in order sent."""
    return [
        ("/".join(r.url.path.split("/")[1:4:2]), len(r.content))
        for r in host.requests
        if host.verb(r) in ("mkblk", "bput")
    ]


@pytest.mark.parametrize("latency", [0.0, LATENCY], ids=["near", "long-path"])
def test_a_block_opens_with_a_small_chunk_only_while_the_pool_widens(
    tmp_path: Path, latency: float
) -> None:
    """While widening, a block's first chunk is small (answered soon: the next step
    comes sooner); the block's later chunks fall where they would have without it,
    and once the pool is at its bound blocks open with a whole chunk again. A small
    answer that took as long as a long path's round trip opens the pool at once."""
    host, crowd = UploadHost(), Crowd()
    answer = answering_after(latency, host, crowd)
    config = settings(tmp_path, max_concurrency=8)
    with Wcs(
        config, transport=httpx.MockTransport(answer), retry=RetryPolicy(max_retries=0)
    ) as wcs:
        result = wcs.multipart_upload(big_file(tmp_path), "b", "k")
    assert result.hash is not None
    chunk = BLOCK // 4
    sizes = _bodies(host)
    opened = [size for verb, size in sizes if verb.startswith("mkblk") and size < chunk]
    assert opened, sizes  # the first blocks opened small
    assert all(size == OPENING_CHUNK for size in opened)
    # After an opening chunk, the block's next chunk ends on the chunk boundary.
    assert ("bput", chunk - OPENING_CHUNK) in [(v.split("/")[0], s) for v, s in sizes]
    assert all(size in (OPENING_CHUNK, chunk - OPENING_CHUNK, chunk) for _, size in sizes)
    # Not every block: at the bound it stops.
    assert len(opened) < BLOCKS
    if latency:
        assert crowd.most == 8  # a long path: straight to the bound
        assert len(opened) <= 2  # the first two opened it (concurrency 2), no more


@pytest.mark.parametrize(("chunk", "widest"), [(BLOCK, 16), (BLOCK // 4, 8)], ids=["4M", "1M"])
def test_a_long_path_runs_twice_the_requests_with_half_a_chunk_each(
    tmp_path: Path, chunk: int, widest: int
) -> None:
    """Over a long path twice the connections ramp up sooner: twice ``max_concurrency``
    requests, each with half a chunk, the same bytes in memory. Not when half a chunk
    would be under 1 MiB (a request waits a round trip for its answer)."""
    host, crowd = UploadHost(), Crowd()
    answer = answering_after(LATENCY, host, crowd)
    config = settings(tmp_path, max_concurrency=8, bput_size=chunk)
    path = big_file(tmp_path)
    with Wcs(
        config, transport=httpx.MockTransport(answer), retry=RetryPolicy(max_retries=0)
    ) as wcs:
        result = wcs.multipart_upload(path, "b", "k")
    assert result.hash == etag_file(path)
    assert crowd.most == widest
    part = chunk // (widest // 8)
    sizes = {size for _, size in _bodies(host)}
    assert sizes <= {OPENING_CHUNK, part - OPENING_CHUNK, part}, sizes
    assert part in sizes


def test_an_opening_chunk_is_timed_without_the_making_of_the_http_client(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fresh process spends tens of ms making its first HTTP client (imports, a TLS
    context): inside an opening chunk's time, that read as a long path on loopback.
    Here making a client moves the upload's clock on by an hour."""
    skipped = [0.0]
    real_init = httpx.Client.__init__

    def init(self: httpx.Client, *args: Any, **kwargs: Any) -> None:
        skipped[0] += 3600.0
        real_init(self, *args, **kwargs)

    class Clock:
        @staticmethod
        def monotonic() -> float:
            return time.monotonic() + skipped[0]

        time = staticmethod(time.time)

    timed: list[float] = []
    real_opened = ConcurrencyTuner.opened

    def opened(self: ConcurrencyTuner, seconds: float) -> int:
        timed.append(seconds)
        return real_opened(self, seconds)

    monkeypatch.setattr(httpx.Client, "__init__", init)
    monkeypatch.setattr(_retry, "time", Clock)  # what times an attempt
    monkeypatch.setattr(multipart, "time", Clock)
    monkeypatch.setattr(ConcurrencyTuner, "opened", opened)
    host = UploadHost()
    with Wcs(
        settings(tmp_path, max_concurrency=8), transport=httpx.MockTransport(host.handler)
    ) as wcs:
        assert wcs.multipart_upload(big_file(tmp_path), "b", "k").hash is not None
    assert timed, "no block opened small"
    assert all(seconds < 3600 for seconds in timed), timed


def test_a_retried_opening_chunk_is_timed_from_its_answered_attempt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first opening chunk is answered 503 and goes again: its time is that of the
    attempt that was answered, not of the wait before it. Counted from the first
    attempt, a storm of 503s on loopback read as a long path: the upload widened to
    twice its bound, with half chunks (twice the requests into a failing server).
    Here a wait before a retry moves every clock on by an hour and sleeps not at all."""
    skipped = [0.0]

    class Clock:
        @staticmethod
        def monotonic() -> float:
            return time.monotonic() + skipped[0]

        time = staticmethod(time.time)

    def sleep(seconds: float) -> None:
        skipped[0] += 3600.0

    timed: list[float] = []
    real_opened = ConcurrencyTuner.opened

    def opened(self: ConcurrencyTuner, seconds: float) -> int:
        timed.append(seconds)
        return real_opened(self, seconds)

    monkeypatch.setattr(_retry, "time", Clock)  # what times an attempt
    monkeypatch.setattr(multipart, "time", Clock)  # what timed the whole call, before
    monkeypatch.setattr(sync_io, "sleep", sleep)
    monkeypatch.setattr(ConcurrencyTuner, "opened", opened)
    host = UploadHost()
    host.inject("mkblk", reply(503, {"code": 503, "message": "injected 503"}))
    config = settings(tmp_path, max_concurrency=8, concurrency=1)
    with Wcs(config, transport=httpx.MockTransport(host.handler)) as wcs:
        assert wcs.multipart_upload(big_file(tmp_path), "b", "k").hash is not None
    assert skipped[0] >= 3600, "the opening chunk was not retried"
    assert timed, "no block opened small"
    assert all(seconds < 3600 for seconds in timed), timed
    sizes = {size for _, size in _bodies(host)}
    assert BLOCK // 8 not in sizes, sizes  # no half chunks: the path is not long
