"""Slow servers: a body slower than ``low_speed_limit`` bytes a second for
``low_speed_time`` seconds is given up on (a drip of bytes never trips the read
timeout): continued on a new connection like a cut when it can be, else a
:class:`WcsTimeoutError`. Never a wall-clock assertion: the guard runs on a fake clock,
and the drips end in an error or a continued download, that is all."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.hostile_server import (
    URL,
    Drip,
    HostileServer,
    hostile,  # noqa: F401  (fixture)
    ranged,
    wcs_for,
)
from tests.upload_host import data_of
from wcs_ext import AsyncWcs, Wcs, WcsConfig
from wcs_ext.errors import WcsTimeoutError
from wcs_ext.transfer.low_speed import LowSpeedGuard


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_low_speed_guard_aborts_after_the_period_below_the_limit() -> None:
    clock = FakeClock()
    guard = LowSpeedGuard("download u", limit=1024, period=30.0, clock=clock)
    for _ in range(60):  # fast: 64 KiB a second for a minute
        clock.now += 1
        guard.add(64 * 1024)
    for _ in range(29):  # then a byte a second: not yet 30 s below the limit
        clock.now += 1
        guard.add(1)
    clock.now += 2
    with pytest.raises(WcsTimeoutError, match=r"below 1024 B/s for 30 s"):
        guard.add(1)


def test_the_low_speed_guard_is_off_with_a_zero_limit_or_time() -> None:
    clock = FakeClock()
    for limit, period in ((0, 30.0), (1024, 0.0)):
        guard = LowSpeedGuard("download u", limit=limit, period=period, clock=clock)
        for _ in range(100):
            clock.now += 10
            guard.add(1)


def test_a_slow_drip_server_is_given_up_on(hostile: HostileServer, tmp_path: Path) -> None:
    url = hostile.script("/drip.bin", [Drip(size=10_000, interval=0.05)])
    config = WcsConfig(low_speed_limit=1024, low_speed_time=0.5, connection_timeout=10)
    with Wcs(config) as wcs, pytest.raises(WcsTimeoutError, match=r"below 1024 B/s for 0\.5 s"):
        wcs.download(url, tmp_path / "drip.bin")
    assert list(tmp_path.iterdir()) == []  # nothing to continue from: no validator


def test_the_async_twin_gives_up_on_a_slow_drip_too(hostile: HostileServer, tmp_path: Path) -> None:
    url = hostile.script("/drip.bin", [Drip(size=10_000, interval=0.05)])
    config = WcsConfig(low_speed_limit=1024, low_speed_time=0.5, connection_timeout=10)

    async def run() -> None:
        async with AsyncWcs(config) as awcs:
            await awcs.download(url, tmp_path / "drip.bin")

    with pytest.raises(WcsTimeoutError, match="below 1024 B/s"):
        asyncio.run(asyncio.wait_for(run(), 60))


class Crawl(httpx.SyncByteStream):
    """A body of ``data`` at 5 KiB/s (256 B every 50 ms), for at most 2 s."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def __iter__(self) -> Iterator[bytes]:
        for offset in range(0, min(len(self._data), 40 * 256), 256):
            yield self._data[offset : offset + 256]
            time.sleep(0.05)


def test_a_crawling_connection_is_continued_on_a_new_one(tmp_path: Path) -> None:
    """One slow connection (a bad route, a stalled peer) does not end a download that
    can go on: the next connection, asked for the rest with Range, is fast."""
    data = data_of(256 * 1024)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return ranged(data, request, Crawl(data) if len(seen) == 1 else None)

    with wcs_for(handler, low_speed_limit=64 * 1024, low_speed_time=0.3) as wcs:
        result = wcs.download(URL, tmp_path / "k.bin")
    assert (tmp_path / "k.bin").read_bytes() == data
    assert result.size == len(data)
    assert len(seen) == 2
    kept = int(seen[1].headers["range"].removeprefix("bytes=").removesuffix("-"))
    assert 0 < kept < len(data)


def test_a_server_that_always_crawls_is_given_up_on_after_the_retries(tmp_path: Path) -> None:
    data = data_of(256 * 1024)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        start = int(request.headers.get("range", "bytes=0-")[6:-1])
        return ranged(data, request, Crawl(data[start:]))

    config = {"low_speed_limit": 64 * 1024, "low_speed_time": 0.3, "connection_retries": 2}
    with wcs_for(handler, **config) as wcs, pytest.raises(WcsTimeoutError, match="below"):
        wcs.download(URL, tmp_path / "k.bin")
    assert len(seen) == 3  # the first connection and 2 continuations
    assert all(r.headers.get("range") for r in seen[1:])
    assert not (tmp_path / "k.bin").exists()
    assert (tmp_path / ".k.bin.wcs-part").stat().st_size > 0  # kept for a later run
