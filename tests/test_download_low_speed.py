"""Slow servers: a body slower than ``low_speed_limit`` bytes a second for
``low_speed_time`` seconds is given up on with a :class:`WcsTimeoutError` (a drip of
bytes never trips the read timeout). Never a wall-clock assertion: the guard runs on a
fake clock, and the drips of the hostile server end in an error, that is all."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.hostile_server import (
    Drip,
    HostileServer,
    hostile,  # noqa: F401  (fixture)
)
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
