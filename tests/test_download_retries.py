"""Retries of a download: a 5xx (honouring ``Retry-After``) or a connection dropped
before the first byte is retried with the client's retry policy; a cut after some bytes
is still continued at once with ``Range``."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.hostile_server import (
    URL,
    Drop,
    HostileServer,
    Serve,
    hostile,  # noqa: F401  (fixture)
    ranged,
    wcs_for,
)
from tests.upload_host import MiB, data_of
from wcs_ext import AsyncWcs, RetryPolicy, Wcs, WcsConfig
from wcs_ext.errors import WcsServerError


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits the sync client asked for (it does not wait)."""
    asked: list[float] = []
    monkeypatch.setattr("wcs_ext._sync._io.sleep", asked.append)
    return asked


def test_5xx_before_the_first_byte_is_retried_honouring_retry_after(
    tmp_path: Path, sleeps: list[float]
) -> None:
    data = data_of(1000)
    answers = [
        httpx.Response(503, headers={"Retry-After": "7"}, json={"message": "busy"}),
        httpx.Response(502, text="<title>Bad Gateway</title>"),
    ]
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answers.pop(0) if answers else ranged(data, request)

    with wcs_for(handler) as wcs:
        result = wcs.download(URL, tmp_path / "k.bin")
    assert (tmp_path / "k.bin").read_bytes() == data
    assert result.size == len(data)
    assert len(seen) == 3
    assert sleeps == [7.0, 0.0]  # the server's Retry-After, then the policy's backoff


def test_5xx_retries_end_with_the_server_error(tmp_path: Path, sleeps: list[float]) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(500, json={"message": "broken"})

    with wcs_for(handler) as wcs, pytest.raises(WcsServerError, match="broken"):
        wcs.download(URL, tmp_path / "k.bin")
    assert len(seen) == 4  # the first try and the policy's 3 retries
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("error", [httpx.RemoteProtocolError, httpx.ReadError, httpx.ConnectError])
def test_a_connection_dropped_before_the_first_byte_is_retried(
    tmp_path: Path, sleeps: list[float], error: type[httpx.TransportError]
) -> None:
    data = data_of(1000)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) < 3:
            raise error("Server disconnected without sending a response.")
        return ranged(data, request)

    with wcs_for(handler) as wcs:
        wcs.download(URL, tmp_path / "k.bin")
    assert (tmp_path / "k.bin").read_bytes() == data
    assert len(seen) == 3
    assert len(sleeps) == 2


def test_a_real_dropped_connection_and_503s_are_retried(
    hostile: HostileServer, tmp_path: Path
) -> None:
    body = b"worth the wait\n"
    busy = Serve(b'{"message": "busy"}', status=503, headers=(("Retry-After", "0"),))
    url = hostile.script("/flaky.bin", [Drop(), busy, busy, Serve(body)])
    retry = RetryPolicy(max_retries=3, initial_delay=0, max_delay=0)
    with Wcs(WcsConfig(connection_timeout=10), retry=retry) as wcs:
        result = wcs.download(url, tmp_path / "flaky.bin")
    assert (tmp_path / "flaky.bin").read_bytes() == body
    assert result.size == len(body)
    assert hostile.hits("/flaky.bin") == 4


def test_the_async_twin_retries_before_the_first_byte(
    hostile: HostileServer, tmp_path: Path
) -> None:
    body = b"async bytes\n"
    busy = Serve(b"busy", status=503, headers=(("Retry-After", "0"),))
    url = hostile.script("/a.bin", [busy, Drop(), Serve(body)])
    retry = RetryPolicy(max_retries=3, initial_delay=0, max_delay=0)

    async def run() -> None:
        async with AsyncWcs(WcsConfig(connection_timeout=10), retry=retry) as awcs:
            await awcs.download(url, tmp_path / "a.bin")

    asyncio.run(asyncio.wait_for(run(), 60))
    assert (tmp_path / "a.bin").read_bytes() == body
    assert hostile.hits("/a.bin") == 3


def test_a_cut_after_some_bytes_still_continues_with_range(
    tmp_path: Path, sleeps: list[float]
) -> None:
    data = data_of(2 * MiB)
    seen: list[httpx.Request] = []

    class Cut(httpx.SyncByteStream):
        def __iter__(self) -> Iterator[bytes]:
            yield data[:MiB]
            raise httpx.ReadError("cut")

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return ranged(data, request, Cut() if len(seen) == 1 else None)

    with wcs_for(handler) as wcs:
        result = wcs.download(URL, tmp_path / "k.bin")
    assert (tmp_path / "k.bin").read_bytes() == data
    assert [r.headers.get("range") for r in seen] == [None, f"bytes={MiB}-"]
    assert result.size == len(data)
    assert sleeps == []  # continued at once, as before
