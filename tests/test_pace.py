"""The concurrency tuner on a simulated link: the time each acknowledgement arrives is
computed from how many requests the tuner allows, never measured."""

from __future__ import annotations

from collections.abc import Callable

from wcs_ext.transfer.pace import ConcurrencyTuner

CHUNK = 4 * 1024 * 1024


def run(tuner: ConcurrencyTuner, throughput: Callable[[int], float], acks: int) -> list[int]:
    """Acknowledge ``acks`` chunks, each arriving when the link's throughput at the
    current limit says; the limit after each."""
    now, limits = 0.0, []
    for _ in range(acks):
        now += CHUNK / throughput(tuner.limit)
        limits.append(tuner.acknowledged(CHUNK, now))
    return limits


def wan(limit: int) -> float:
    """10 MB/s per connection, a 100 MB/s link: more at once helps up to 10."""
    return min(limit, 10) * 10e6


def two_cores(limit: int) -> float:
    """A machine that is the bottleneck: two requests at once are as fast as it gets."""
    return min(limit, 2) * 200e6


def test_it_climbs_to_the_links_width_quickly_and_stays_there() -> None:
    limits = run(ConcurrencyTuner(limit=4, most=32), wan, 200)
    assert max(limits[:40]) >= 10  # found within the first 40 chunks (160 MiB)
    assert all(9 <= limit <= 13 for limit in limits[60:]), limits[60:]


def test_it_does_not_grow_where_more_at_once_does_not_help() -> None:
    limits = run(ConcurrencyTuner(limit=2, most=32), two_cores, 300)
    assert all(limit <= 5 for limit in limits[100:]), limits[100:]


def test_the_memory_bound_holds() -> None:
    assert max(run(ConcurrencyTuner(limit=4, most=6), wan, 200)) == 6
    from_one = run(ConcurrencyTuner(limit=1, most=6), two_cores, 200)
    assert max(from_one[100:]) >= 2  # it finds the two that help, from one
    assert max(from_one) <= 6


def test_a_pinned_limit_never_moves() -> None:
    assert set(run(ConcurrencyTuner(limit=4, most=4), wan, 100)) == {4}
