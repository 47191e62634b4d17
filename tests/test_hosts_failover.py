"""Several hosts in ``put_url``/``mgr_url``: the pool's order on a given clock, and calls
against the real emulator behind a dead host, a failing proxy, or nothing at all."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import EmulatorFactory, EmulatorProcess
from tests.failover_proxy import FailingProxy, dead_host
from wcs_ext import (
    AsyncWcs,
    RetryPolicy,
    WcsNotFoundError,
    WcsServerError,
    WcsTransportError,
)
from wcs_ext._hosts import HostPool

MiB = 1024 * 1024

# -- the pool's order (pure: the test gives the time) ----------------------------------


def test_a_call_starts_on_the_first_host_that_did_not_fail_lately() -> None:
    pool = HostPool("put_url", ["http://a", "http://b", "http://c"], bad_for=30.0)
    assert pool.first(now=100.0) == 0
    pool.failed(0, now=100.0)
    assert pool.first(now=100.0) == 1
    assert pool.first(now=129.0) == 1
    assert pool.first(now=130.0) == 0  # its time is up: the configured order again
    pool.failed(0, now=200.0)
    pool.succeeded(0)  # another call got through: no longer passed over
    assert pool.first(now=200.0) == 0


def test_the_next_host_is_in_order_wrapping_around_past_the_bad_ones() -> None:
    pool = HostPool("mgr_url", ["http://a", "http://b", "http://c"])
    assert [pool.after(i, now=0.0) for i in range(3)] == [1, 2, 0]
    pool.failed(2, now=0.0)
    assert pool.after(1, now=0.0) == 0  # c is passed over
    pool.failed(0, now=0.0)
    pool.failed(1, now=0.0)
    assert [pool.after(i, now=0.0) for i in range(3)] == [1, 2, 0]  # all bad: just the next


def test_each_client_has_its_own_pool(emulator: EmulatorProcess, dead: str) -> None:
    hosts = f"{dead},{emulator.mgr_url}"
    with (
        emulator.client(retries=2, mgr_url=hosts) as first,
        emulator.client(retries=2, mgr_url=hosts) as second,
    ):
        first.list_buckets()
        assert first._pool("mgr") is not second._pool("mgr")
        assert second._pool("mgr").first(now=0.0) == 0  # type: ignore[union-attr]


# -- against the emulator ---------------------------------------------------------------


@pytest.fixture
def dead() -> Iterator[str]:
    with dead_host() as url:
        yield url


def test_behind_a_dead_first_host_every_call_goes_through_the_second(
    emulator: EmulatorProcess, tmp_path: Path, dead: str
) -> None:
    small, large = os.urandom(1000), os.urandom(4 * MiB + 12345)  # a form POST, 2 blocks
    (tmp_path / "small").write_bytes(small)
    (tmp_path / "large").write_bytes(large)
    with emulator.client(
        retries=2,
        put_url=f"{dead},{emulator.put_url}",
        mgr_url=f"{dead}, {emulator.mgr_url}",
        bput_size=MiB,
    ) as wcs:
        assert wcs.upload_file(tmp_path / "small", "e2e", "dead-first/small").verified
        assert wcs.upload_file(tmp_path / "large", "e2e", "dead-first/large").verified
        assert wcs.stat("e2e", "dead-first/large").size == len(large)
        page = wcs.list_objects("e2e", prefix="dead-first/")
        assert [item.key for item in page.items] == ["dead-first/large", "dead-first/small"]
        wcs.download(emulator.url_of("e2e", "dead-first/large"), tmp_path / "got")
    assert (tmp_path / "got").read_bytes() == large


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_the_async_client_fails_over_too(
    emulator: EmulatorProcess, dead: str, anyio_backend: str
) -> None:
    policy = RetryPolicy(max_retries=2, initial_delay=0.01, max_delay=0.1)
    config = emulator.config(mgr_url=f"{dead},{emulator.mgr_url}")
    async with AsyncWcs(config, retry=policy) as wcs:
        assert "e2e" in [bucket.name for bucket in await wcs.list_buckets()]


def test_a_host_answering_5xx_is_failed_over_and_then_passed_over(
    emulator: EmulatorProcess,
) -> None:
    with (
        FailingProxy(emulator.mgr_url, forward=0, status=503) as busy,
        emulator.client(retries=2, mgr_url=f"{busy.url},{emulator.mgr_url}") as wcs,
    ):
        wcs.list_buckets()
        wcs.list_buckets()  # straight to the second host: the first failed lately
    assert busy.seen == ["GET /bucket/list"]


def test_an_upload_that_fails_over_half_way_makes_the_right_object(
    emulator: EmulatorProcess, tmp_path: Path
) -> None:
    data = os.urandom(8 * MiB + 777)  # 3 blocks of 1 MiB chunks
    (tmp_path / "big").write_bytes(data)
    # The proxy passes the first block's mkblk and bput on, then says 503 to everything:
    # the rest of the upload (that block's next bput first, with the ctx the proxy's
    # host gave) goes to the emulator directly, which holds the block begun through it.
    with (
        FailingProxy(emulator.put_url, forward=2, status=503) as flaky,
        emulator.client(
            retries=2, put_url=f"{flaky.url},{emulator.put_url}", bput_size=MiB, concurrency=1
        ) as wcs,
    ):
        assert wcs.upload_file(tmp_path / "big", "e2e", "half-way/big").verified
        wcs.download(emulator.url_of("e2e", "half-way/big"), tmp_path / "got")
    assert [line.split("/")[1] for line in flaky.seen] == ["mkblk", "bput", "bput"]
    assert (tmp_path / "got").read_bytes() == data


def test_an_interrupted_upload_resumes_on_another_host(
    emulator: EmulatorProcess, tmp_path: Path
) -> None:
    data = os.urandom(8 * MiB + 99)
    (tmp_path / "big").write_bytes(data)
    with FailingProxy(emulator.put_url, forward=6, status=503) as flaky:
        with (
            emulator.client(retries=1, put_url=flaky.url, bput_size=MiB, concurrency=1) as wcs,
            pytest.raises(WcsServerError),
        ):
            wcs.upload_file(tmp_path / "big", "e2e", "resumed/big", upload_id="resumed")
        sent = len(flaky.seen)
        # Run again with the proxy first: it still fails, the second host (the emulator,
        # seen through a proxy that passes everything on) takes the rest.
        with (
            FailingProxy(emulator.put_url) as second,
            emulator.client(
                retries=1, put_url=f"{flaky.url},{second.url}", bput_size=MiB, concurrency=1
            ) as wcs,
        ):
            result = wcs.upload_file(tmp_path / "big", "e2e", "resumed/big", upload_id="resumed")
            assert result.verified
            wcs.download(emulator.url_of("e2e", "resumed/big"), tmp_path / "got")
    assert len(flaky.seen) == sent + 1  # one refusal, then the second host only
    # Block 1 and half of block 2 were not sent again: block 2's ctx, given by the
    # first host, was good on the second.
    assert [line.split("/")[1] for line in second.seen] == [
        "bput", "bput", "mkblk", "mkfile",
    ]  # fmt: skip
    assert (tmp_path / "got").read_bytes() == data


def test_a_call_that_may_have_happened_is_not_repeated_on_another_host(
    emulator: EmulatorProcess, tmp_path: Path
) -> None:
    # A delete answered 500 may have deleted: the retry policy does not repeat it, and
    # failing over does not either; the error names the host.
    (tmp_path / "k").write_bytes(b"keep me")
    with emulator.client() as plain:
        plain.upload_file(tmp_path / "k", "e2e", "not-twice/k")
    with (
        FailingProxy(emulator.mgr_url, forward=0, status=500) as broken,
        emulator.client(retries=3, mgr_url=f"{broken.url},{emulator.mgr_url}") as wcs,
        pytest.raises(WcsServerError) as info,
    ):
        wcs.delete("e2e", "not-twice/k")
    assert len(broken.seen) == 1
    assert f"mgr_url {broken.url}: 500 proxy says no" in str(info.value)
    with emulator.client() as plain:
        assert plain.stat("e2e", "not-twice/k").size == 7  # the second host never got it


def test_when_every_host_fails_the_error_names_each_and_what_it_did(
    emulator_factory: EmulatorFactory,
    emulator: EmulatorProcess,
    caplog: pytest.LogCaptureFixture,
    dead: str,
) -> None:
    busy = emulator_factory(extra_args=("--fault-rate", "1", "--fault-kinds", "error-503"))
    caplog.set_level(logging.DEBUG, logger="wcs_ext")
    with (
        emulator.client(retries=3, mgr_url=f"{dead},{busy.mgr_url}") as wcs,
        pytest.raises((WcsTransportError, WcsServerError)) as info,
    ):
        wcs.stat("e2e", "nowhere")
    message = info.value.message
    assert message.startswith(
        f"stat wcs://e2e/nowhere: mgr_url {dead}: connection refused; {busy.mgr_url}: 503 "
    )
    assert emulator.secret_key not in str(info.value)
    moves = [r.getMessage() for r in caplog.records if "failed; trying" in r.getMessage()]
    # 4 attempts, each on the other host: 3 moves, the first from the dead one.
    assert moves[0] == f"mgr_url {dead} (connection refused) failed; trying {busy.mgr_url}"
    assert len(moves) == 3


def test_the_services_own_answer_after_a_failover_is_raised_as_it_came(
    emulator: EmulatorProcess, dead: str
) -> None:
    with (
        emulator.client(retries=2, mgr_url=f"{dead},{emulator.mgr_url}") as wcs,
        pytest.raises(WcsNotFoundError) as info,
    ):
        wcs.stat("e2e", "no/such/key")
    assert info.value.message.startswith("stat wcs://e2e/no/such/key: ")
    assert "mgr_url" not in info.value.message  # the second host answered: nothing failed


def test_one_host_keeps_its_messages(emulator: EmulatorProcess, dead: str) -> None:
    with (
        emulator.client(retries=0, mgr_url=dead) as wcs,
        pytest.raises(WcsTransportError) as info,
    ):
        wcs.stat("e2e", "nowhere")
    assert "mgr_url" not in str(info.value)
    assert dead not in str(info.value)
