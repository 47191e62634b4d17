"""The retry budget a whole client shares: its rule on a given clock, and a storm of 503s
against a client with many workers, measured by the spacing of the attempts."""

from __future__ import annotations

import itertools
import threading
import time

import httpx
import pytest

from wcs_ext import RetryPolicy, Wcs, WcsConfig, WcsNotFoundError
from wcs_ext._retry import RetryBudget


def test_a_full_budget_lets_retries_through_then_spaces_them() -> None:
    budget = RetryBudget(capacity=3, per_second=2.0)
    assert [budget.take(10.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert budget.take(10.0) == pytest.approx(0.5)  # empty: a token every half second
    assert budget.take(10.5) == 0.0
    assert budget.take(10.5) == pytest.approx(0.5)


def test_successes_and_time_fill_the_budget_up_to_its_capacity() -> None:
    budget = RetryBudget(capacity=2, per_second=1.0)
    budget.take(0.0)
    budget.take(0.0)
    budget.succeeded(0.0)
    assert budget.take(0.0) == 0.0  # a success earned one retry back
    assert budget.take(0.0) > 0
    budget.succeeded(100.0)  # long idle: full, not more
    assert [budget.take(100.0) for _ in range(3)] == [0.0, 0.0, 1.0]


class BusyUntilTold:
    """503 with ``Retry-After: 0`` to every request until :attr:`done` is set, then 404
    (a final answer, which ends every call); the time each request arrived."""

    def __init__(self) -> None:
        self.arrivals: list[float] = []
        self.lock = threading.Lock()
        self.done = threading.Event()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.done.is_set():
            return httpx.Response(404, json={"code": 404, "message": "no such key"})
        with self.lock:
            self.arrivals.append(time.monotonic())
        busy = {"code": 503, "message": "busy"}
        return httpx.Response(503, json=busy, headers={"Retry-After": "0"})


def test_a_storm_of_503s_is_retried_at_the_budgets_pace_by_the_whole_client() -> None:
    host = BusyUntilTold()
    config = WcsConfig(access_key="ak", secret_key="sk", mgr_url="http://wcs.test", concurrency=8)
    # Each call on its own would retry every millisecond, 1000 times.
    eager = RetryPolicy(max_retries=1000, initial_delay=0.001, max_delay=0.001)
    endings: list[str] = []
    with Wcs(config, transport=httpx.MockTransport(host), retry=eager) as wcs:

        def call() -> None:
            try:
                wcs.stat("b", "k")
            except WcsNotFoundError:
                endings.append("ended")

        workers = [threading.Thread(target=call) for _ in range(8)]
        for worker in workers:
            worker.start()
        time.sleep(2.5)  # the storm lasts this long; how many requests it drew is measured
        host.done.set()
        for worker in workers:
            worker.join(30)
    assert endings == ["ended"] * 8
    burst = 8 + int(RetryBudget().capacity)  # the first attempts and a full budget
    later = host.arrivals[burst + 1 :]
    assert len(later) >= 3, host.arrivals
    gaps = [b - a for a, b in itertools.pairwise(later)]
    # Past the burst the 8 workers together retry about twice a second, not 8000 times.
    assert min(gaps) >= 0.8 / RetryBudget().per_second, gaps
