"""The client's lifecycle and the transfer's bounds: a closed client stays closed; the
worker pool never runs ahead of its limits; a huge upload holds no per-block state."""

from __future__ import annotations

import asyncio
import inspect
import json
import threading
import time
import tracemalloc
import zlib
from pathlib import Path
from typing import Any

import httpx
import pytest

from wcs_ext import AsyncWcs, RetryPolicy, Wcs, WcsAPIError, WcsClosedError, WcsConfig
from wcs_ext._async._io import RequestLimit as AsyncRequestLimit
from wcs_ext._async._io import WorkerPool as AsyncWorkerPool
from wcs_ext._async.resources.jobs import AsyncFmgrJobs
from wcs_ext._async.resources.media import AsyncFopsJobs
from wcs_ext._sync._io import RequestLimit, WorkerPool
from wcs_ext._sync.resources.jobs import FmgrJobs
from wcs_ext._sync.resources.media import FopsJobs
from wcs_ext.transfer.pace import ConcurrencyTuner

MiB = 1024 * 1024
BASE_URL = "http://127.0.0.1:18765"


def config(tmp_path: Path, **values: Any) -> WcsConfig:
    return WcsConfig(
        access_key="ak",
        secret_key="sk",
        put_url=BASE_URL,
        mgr_url=BASE_URL,
        tmp_record_folder=str(tmp_path / "records"),
        **values,
    )


def listing(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"marker": "", "items": []})


# -- lifecycle ------------------------------------------------------------------------------


def test_a_closed_client_raises_instead_of_reopening(tmp_path: Path) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return listing(request)

    wcs = Wcs(config(tmp_path), transport=httpx.MockTransport(handler))
    wcs.list_objects("b")
    wcs.close()
    with pytest.raises(WcsClosedError, match="Wcs is closed"):
        wcs.list_objects("b")
    with pytest.raises(WcsClosedError):
        wcs.fmgr.status("id")
    assert len(sent) == 1


def test_workers_asking_for_a_host_at_once_share_one_http_client(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A transfer's workers all ask at once; each used to make a client of its own (tens
    # of ms in a fresh process) and all but one were never closed.
    made: list[httpx.Client] = []
    real_init = httpx.Client.__init__

    def slow_init(self: httpx.Client, *args: Any, **kwargs: Any) -> None:
        time.sleep(0.05)  # as long as a fresh process takes: the others ask meanwhile
        real_init(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(httpx.Client, "__init__", slow_init)
    wcs = Wcs(config(tmp_path), transport=httpx.MockTransport(listing))
    start = threading.Barrier(4)
    got: list[httpx.Client] = []

    def ask() -> None:
        start.wait()
        got.append(wcs._http("put"))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 1
    assert got == made * 4
    wcs.close()


def test_a_closed_async_client_raises_instead_of_reopening(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with AsyncWcs(config(tmp_path), transport=httpx.MockTransport(listing)) as wcs:
            await wcs.list_objects("b")
        with pytest.raises(WcsClosedError, match="AsyncWcs is closed"):
            await wcs.list_objects("b")

    asyncio.run(scenario())


# -- the worker pool ------------------------------------------------------------------------


def test_the_pool_bounds_running_and_submitted_jobs() -> None:
    lock = threading.Lock()
    state = {"running": 0, "most_running": 0, "submitted": 0, "done": 0, "most_ahead": 0}

    def job() -> None:
        with lock:
            state["running"] += 1
            state["most_running"] = max(state["most_running"], state["running"])
        time.sleep(0.002)
        with lock:
            state["running"] -= 1
            state["done"] += 1

    with WorkerPool(2, 5) as pool:
        for _ in range(40):
            pool.submit(job)
            with lock:
                state["submitted"] += 1
                ahead = state["submitted"] - state["done"]
                state["most_ahead"] = max(state["most_ahead"], ahead)
    assert state["done"] == 40
    assert state["most_running"] == 2
    assert 2 <= state["most_ahead"] <= 5


class CountingCondition(threading.Condition):
    """A condition that counts how many waiters its notifications asked to wake."""

    def __init__(self) -> None:
        super().__init__()
        self.woken = 0

    def notify(self, n: int = 1) -> None:
        self.woken += min(n, len(self._waiters))  # type: ignore[attr-defined]
        super().notify(n)


def test_the_pool_wakes_waiting_jobs_only_when_one_may_start() -> None:
    # Every answer used to wake every job waiting for its turn, and every finished job
    # all of them, for one place at most: each woken thread went round the GIL again.
    release = threading.Event()
    with WorkerPool(6, 6) as pool:
        for _ in range(6):  # six threads, made while the pool was six wide
            pool.submit(time.sleep, 0.05)
        pool._wait_idle()
        gate = pool._gate = CountingCondition()
        pool._tuner = ConcurrencyTuner(limit=2, most=2)  # now two at once
        for _ in range(6):
            pool.submit(release.wait, 10)
        deadline = time.monotonic() + 10
        while len(gate._waiters) < 4 and time.monotonic() < deadline:  # type: ignore[attr-defined]
            time.sleep(0.001)
        assert len(gate._waiters) == 4  # type: ignore[attr-defined]  # two run, four wait
        for _ in range(50):
            pool.acknowledged(4 * MiB, 0.1)  # pinned at 2: no place for another
        assert gate.woken == 0
        release.set()
    # Each of the six freed one place when it finished: one waiter woken each, at most.
    assert gate.woken <= 6


def test_the_pool_makes_threads_only_as_wide_as_it_runs() -> None:
    """Each thread allocates from a malloc arena of its own: sixteen threads taking
    turns at two requests spread the chunks over sixteen arenas, memory touched (and
    cleared by the kernel) for nothing. Threads come as the limit widens."""
    release = threading.Event()

    def threads() -> int:
        return sum(thread.name.startswith("wcs-") for thread in threading.enumerate())

    def until_none_left() -> None:
        deadline = time.monotonic() + 10
        while threads() and time.monotonic() < deadline:
            time.sleep(0.001)
        assert threads() == 0

    until_none_left()  # an earlier test's pool may still be stopping its threads
    with WorkerPool(16, 16, start=2) as pool:
        for _ in range(10):
            pool.submit(release.wait, 10)
        assert threads() == 2
        pool.opened(1.0)  # a long path: the pool opens wide, as wide as its jobs
        assert threads() == 10
        release.set()
    until_none_left()


def test_a_pool_allowed_to_widen_on_a_long_path_runs_and_takes_twice_its_bound() -> None:
    """On a long path each job's request carries half a chunk: twice as many may run,
    and twice as many be submitted ahead (the same bytes in memory)."""
    release = threading.Event()
    lock = threading.Lock()
    running = [0, 0]

    def job() -> None:
        with lock:
            running[0] += 1
            running[1] = max(running)
        release.wait(10)
        with lock:
            running[0] -= 1

    with WorkerPool(4, 4, start=2, long_path_width=2) as pool:
        pool.opened(1.0)  # a long path
        assert (pool.most, pool.chunk_divisor) == (8, 2)

        def submit_all() -> None:
            for _ in range(12):
                pool.submit(job)

        submitter = threading.Thread(target=submit_all)
        submitter.start()
        deadline = time.monotonic() + 10
        while running[0] < 8 and time.monotonic() < deadline:
            time.sleep(0.001)
        assert running[0] == 8  # eight at once, not four
        assert submitter.is_alive()  # and no more than eight submitted ahead
        release.set()
        submitter.join(10)
    assert running == [0, 8]


def test_the_pool_raises_the_first_failure_and_stops_the_rest() -> None:
    started: list[int] = []

    def job(index: int, pool: WorkerPool) -> None:
        started.append(index)
        if index == 3:
            raise ValueError("block 3 failed")
        time.sleep(0.01)
        pool.checkpoint()

    def submit_all() -> None:
        with WorkerPool(2) as pool:
            for index in range(1000):
                pool.submit(job, index, pool)

    with pytest.raises(ValueError, match="block 3 failed"):
        submit_all()
    assert len(started) < 20  # the submitter stopped soon after the failure


def test_the_async_pool_bounds_and_fails_the_same_way() -> None:
    state = {"running": 0, "most_running": 0, "started": 0}

    async def job(index: int) -> None:
        state["running"] += 1
        state["started"] += 1
        state["most_running"] = max(state["most_running"], state["running"])
        await asyncio.sleep(0.001)
        state["running"] -= 1
        if index == 10:
            raise ValueError("block 10 failed")

    async def scenario() -> None:
        async with AsyncWorkerPool(3, 4) as pool:
            for index in range(1000):
                await pool.submit(job, index)

    with pytest.raises(ValueError, match="block 10 failed"):
        asyncio.run(scenario())
    assert state["most_running"] == 3
    assert state["started"] < 30


# -- a 1 TiB upload holds no per-block state ---------------------------------------------------


class ForgetfulHost:
    """Acknowledges every chunk correctly and keeps nothing; fails block ``fail_at``."""

    def __init__(self, fail_at: int) -> None:
        self.fail_at = fail_at
        self.opened = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        parts = request.url.path.split("/")
        if parts[1] == "mkblk":
            self.opened += 1
            if int(parts[3]) == self.fail_at:
                return httpx.Response(400, json={"code": 400, "message": "stop here"})
            offset = len(body)
        else:  # bput/{ctx}/{offset}
            offset = int(parts[3]) + len(body)
        ack = {"ctx": "c", "offset": offset, "crc32": zlib.crc32(body), "checksum": "x"}
        return httpx.Response(200, content=json.dumps(ack).encode())


def sparse_file(tmp_path: Path, size: int) -> Path:
    path = tmp_path / "huge.bin"
    with path.open("wb") as out:
        out.truncate(size)
    if path.stat().st_blocks * 512 > MiB:
        pytest.skip("this filesystem does not keep sparse files sparse")
    return path


@pytest.mark.parametrize("twin", ["sync", "async"])
def test_a_1_tib_upload_holds_no_state_per_block(tmp_path: Path, twin: str) -> None:
    huge = sparse_file(tmp_path, 1 << 40)  # 262,144 blocks of 4 MiB
    host = ForgetfulHost(fail_at=24)
    # Pinned at 4: widening would submit up to max_concurrency blocks ahead instead.
    settings = config(tmp_path, bput_size=MiB, concurrency=4, max_concurrency=4)
    transport = httpx.MockTransport(host)

    async def upload_async() -> None:
        async with AsyncWcs(settings, transport=transport) as wcs:
            await wcs.multipart_upload(huge, "b", "huge")

    def upload() -> None:
        if twin == "async":
            asyncio.run(upload_async())
            return
        with Wcs(settings, transport=transport) as wcs:
            wcs.multipart_upload(huge, "b", "huge")

    tracemalloc.start()
    try:
        with pytest.raises(WcsAPIError, match="stop here"):
            upload()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # A few chunks in flight (4 x 1 MiB and their copies), nothing per block: one future,
    # span or flow for each of the 262,144 blocks held up front took hundreds of MiB.
    assert peak < 32 * MiB, f"traced peak {peak / MiB:.1f} MiB"
    assert host.opened < 24 + 2 * 4 + 1  # blocks are opened as workers free up, not all at once


# -- the twins ------------------------------------------------------------------------------


def _public_methods(cls: type) -> dict[str, Any]:
    return {
        name: member
        for name in dir(cls)
        if not name.startswith("_") and callable(member := getattr(cls, name))
    }


@pytest.mark.parametrize(
    ("sync_class", "async_class"),
    [(Wcs, AsyncWcs), (FmgrJobs, AsyncFmgrJobs), (FopsJobs, AsyncFopsJobs)],
    ids=["client", "fmgr", "fops"],
)
def test_both_twins_take_the_same_arguments_and_say_the_same(
    sync_class: type, async_class: type
) -> None:
    sync_methods, async_methods = _public_methods(sync_class), _public_methods(async_class)
    renamed = {"close": "aclose"}
    assert sync_methods, "no public methods found"
    assert {renamed.get(n, n) for n in sync_methods} == set(async_methods)
    for name, method in sync_methods.items():
        twin = async_methods[renamed.get(name, name)]
        parameters = list(inspect.signature(method).parameters)
        assert parameters == list(inspect.signature(twin).parameters), name
        assert inspect.getdoc(method), f"{name} has no docstring"
        assert inspect.getdoc(method) == inspect.getdoc(twin), name


# -- a storm of 503s: the client backs off as a whole ----------------------------------------


class StormHost(ForgetfulHost):
    """Answers 503 to the first ``storm`` requests, then acknowledges every chunk; records
    how many requests were being handled at once when each arrived."""

    def __init__(self, storm: int) -> None:
        super().__init__(fail_at=-1)
        self.storm = storm
        self.seen = 0
        self.busy = 0
        self.lock = threading.Lock()
        self.in_flight_at: list[tuple[bool, int]] = []  # (during the storm, requests at once)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.seen += 1
            stormy = self.seen <= self.storm
            self.busy += 1
            self.in_flight_at.append((stormy, self.busy))
        try:
            time.sleep(0.005)  # long enough for parallel requests to overlap
            if stormy:
                return httpx.Response(503, json={"code": 503, "message": "slow down"})
            if request.url.path.startswith("/mkfile"):
                return httpx.Response(200, json={"key": "storm", "hash": None})
            return super().__call__(request)
        finally:
            with self.lock:
                self.busy -= 1


def test_a_retryable_failure_halves_what_was_in_flight_not_the_limit() -> None:
    """The limit covers the widest a long path may run (36 by default); a short path
    runs far fewer. A failure among 16 in flight leaves 8 to go on: halving the limit
    (to 18) would have changed nothing."""
    limit = RequestLimit(36)
    for _ in range(16):
        limit.__enter__()
    limit.__exit__(None, None, None)  # one of them failed
    limit.throttled()
    assert limit.limit == 8
    limit.throttled()  # another, with 15 still in flight: now the limit is fewer
    assert limit.limit == 4

    async def the_async_twin() -> int:
        twin = AsyncRequestLimit(36)
        for _ in range(16):
            await twin.__aenter__()
        await twin.__aexit__(None, None, None)
        await twin.throttled()
        return twin.limit

    assert asyncio.run(the_async_twin()) == 8


def test_a_storm_of_503s_lowers_the_requests_in_flight_then_they_recover(
    tmp_path: Path,
) -> None:
    data = tmp_path / "storm.bin"
    data.write_bytes(b"\0" * (32 * MiB))  # 8 blocks of 4 MiB, one chunk each
    host = StormHost(storm=24)  # within the retry budget: no waits for it here
    settings = config(tmp_path, bput_size=4 * MiB, concurrency=4, mkblk_retries=40)
    quick = RetryPolicy(max_retries=40, initial_delay=0.001, max_delay=0.002)
    with Wcs(settings, transport=httpx.MockTransport(host), retry=quick) as wcs:
        wcs.multipart_upload(data, "b", "storm")
    storm = [busy for stormy, busy in host.in_flight_at if stormy]
    after = [busy for stormy, busy in host.in_flight_at if not stormy]
    # Each 503 halves how many requests may be in flight: past the first few, one at a time
    # (4 workers would otherwise each keep retrying on their own).
    assert max(storm[12:]) == 1, storm
    assert max(after) >= 2, after  # and once answers come back, concurrency returns
