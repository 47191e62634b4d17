"""The concurrency tuner on a simulated link: requests in flight share the link's
throughput at the tuner's limit (a fluid model), and the time each is answered is
computed from that, never measured."""

from __future__ import annotations

from collections.abc import Callable

from wcs_ext.transfer.pace import ConcurrencyTuner

CHUNK = 4 * 1024 * 1024


def run(tuner: ConcurrencyTuner, throughput: Callable[[int], float], acks: int) -> list[int]:
    """Acknowledge ``acks`` chunks of requests that run ``tuner.limit`` at a time and
    share ``throughput(in flight)`` equally; the limit after each answer."""
    now, limits = 0.0, list[int]()
    flying: list[list[float]] = []  # [bytes left, when it was sent]
    while len(limits) < acks:
        while len(flying) < tuner.limit:
            flying.append([CHUNK, now])
        each = throughput(len(flying)) / len(flying)
        first = min(flying, key=lambda request: request[0])
        step = first[0] / each
        now += step
        for request in flying:
            request[0] -= each * step
        flying.remove(first)
        limits.append(tuner.acknowledged(CHUNK, now, now - first[1]))
    return limits


def wan(limit: int) -> float:
    """10 MB/s per connection, a 100 MB/s link: more at once helps up to 10."""
    return min(limit, 10) * 10e6


def two_cores(limit: int) -> float:
    """A machine that is the bottleneck: two requests at once are as fast as it gets."""
    return min(limit, 2) * 200e6


def test_it_climbs_to_the_links_width_quickly_and_stays_there() -> None:
    limits = run(ConcurrencyTuner(limit=4, most=32), wan, 200)
    # Slow start: one more per 256 KiB answered, at most doubling in a round (as many
    # answers as were in flight when it began); past the link's width within three
    # rounds, then narrowed to what fills it.
    assert limits[:4] == [8] * 4
    assert limits[4:12] == [16] * 8
    assert limits[12] == 32
    assert all(10 <= limit <= 24 for limit in limits[40:]), limits[40:]  # narrowed to fit


def test_it_does_not_grow_where_more_at_once_does_not_help() -> None:
    limits = run(ConcurrencyTuner(limit=2, most=32), two_cores, 300)
    assert max(limits) <= 12  # the first round of answers overshoots, once
    assert all(limit <= 6 for limit in limits[10:]), limits


def test_the_memory_bound_holds() -> None:
    assert max(run(ConcurrencyTuner(limit=4, most=6), wan, 200)) == 6
    from_one = run(ConcurrencyTuner(limit=1, most=6), two_cores, 200)
    assert max(from_one[100:]) >= 2  # it finds the two that help, from one
    assert max(from_one) <= 6


def test_a_pinned_limit_never_moves() -> None:
    assert set(run(ConcurrencyTuner(limit=4, most=4), wan, 100)) == {4}


def test_slow_start_is_not_ended_by_one_pause_or_a_short_last_block() -> None:
    tuner = ConcurrencyTuner(limit=4, most=64)
    tuner.acknowledged(CHUNK, 1.0, 0.4)  # 10 MB/s: the fastest so far; doubles
    assert tuner.limit == 8
    tuner.acknowledged(CHUNK, 1.1, 4.0)  # one request ten times slower: a pause
    tuner.acknowledged(100, 1.2, 0.04)  # a tiny last block: all round trip, not judged
    tuner.acknowledged(CHUNK, 1.3, 0.45)  # the fourth answer: the round of 4 is heard
    assert tuner.slow_start
    assert tuner.limit == 8  # at most doubling in a round
    tuner.acknowledged(CHUNK, 1.3, 0.45)
    assert tuner.limit == 16  # 4 MiB would be 16 more: at most doubling
    tuner.acknowledged(CHUNK, 1.4, 1.0)  # slower than 0.6 of the fastest, twice: full
    tuner.acknowledged(CHUNK, 1.5, 1.0)
    assert not tuner.slow_start
    # 16 at 0.4 of the fastest rate: the link carries what 6.4 would at full speed; it
    # keeps that with half again as a margin.
    assert tuner.limit == 10


def test_pieces_of_a_download_widen_by_their_bytes() -> None:
    """A download acknowledges its bytes as they come, many pieces to a request: one
    more per 256 KiB however they are cut, at most doubling on one piece."""
    tuner = ConcurrencyTuner(limit=4, most=64)
    for _ in range(8):
        tuner.acknowledged(64 * 1024, 1.0)
    assert tuner.limit == 6
    tuner.acknowledged(CHUNK, 1.1)
    assert tuner.limit == 12


def test_a_small_whole_answer_counts_one_request_once() -> None:
    """A whole answer of less than 256 KiB still widens by one, and its bytes go with
    that one: counted again as bytes, small requests would widen faster than large."""
    tuner = ConcurrencyTuner(limit=4, most=64)
    tuner.acknowledged(128 * 1024, 1.0, 0.01)
    assert tuner.limit == 5
    tuner.acknowledged(128 * 1024, 1.1)  # half a unit: nothing yet
    assert tuner.limit == 5
    tuner.acknowledged(128 * 1024, 1.2)
    assert tuner.limit == 6


def test_a_busy_machine_is_heard_before_each_doubling() -> None:
    """Where requests slow down as soon as there are more (two cores shared with the
    server), the answers of those sent at one width come before the next doubling:
    slow start stops near the width that was enough, not at the memory bound."""
    limits = run(ConcurrencyTuner(limit=4, most=16), two_cores, 100)
    assert max(limits) <= 8, limits
    assert all(limit <= 7 for limit in limits[10:]), limits


def test_a_long_path_opens_to_the_memory_bound_at_once() -> None:
    near, far = ConcurrencyTuner(limit=4, most=16), ConcurrencyTuner(limit=4, most=16)
    assert near.opened(0.002) == 4  # loopback: a small answer in milliseconds
    assert far.opened(0.12) == 16  # tens of milliseconds for a few KiB: a long path
    pinned = ConcurrencyTuner(limit=4, most=4)
    assert pinned.opened(0.5) == 4


def test_a_long_path_may_run_more_requests_each_with_a_share_of_a_chunk() -> None:
    """Twice the connections reach the link's window a round trip sooner: a pool that
    allows it doubles its bound on a long path, its requests carrying half a chunk
    (as many bytes in memory); on a short path, or pinned, nothing changes."""
    far = ConcurrencyTuner(limit=4, most=16, long_path_width=2)
    assert far.chunk_divisor == 1  # not known yet
    assert far.opened(0.12) == 32
    assert (far.most, far.chunk_divisor) == (32, 2)
    near = ConcurrencyTuner(limit=4, most=16, long_path_width=2)
    assert near.opened(0.002) == 4
    assert (near.most, near.chunk_divisor) == (16, 1)
    pinned = ConcurrencyTuner(limit=4, most=4, long_path_width=2)
    assert pinned.opened(0.5) == 4
    assert (pinned.most, pinned.chunk_divisor) == (4, 1)
    plain = ConcurrencyTuner(limit=4, most=16)  # width 1: the bound is the bound
    assert plain.opened(0.12) == 16
    assert (plain.most, plain.chunk_divisor) == (16, 1)


def test_the_first_small_answer_decides_the_path() -> None:
    """The first opening answer is the soonest of those sent together; later ones wait
    behind the requests sent since (on a busy machine, tens of milliseconds): they do
    not open a short path wide, and once it is known short no more openings help."""
    near = ConcurrencyTuner(limit=4, most=16)
    assert near.small_requests_help(expected=None)
    assert near.opened(0.015) == 4
    assert near.opened(0.045) == 4  # behind the others: not a long path
    assert near.short_path
    assert not near.small_requests_help(expected=None)
    far = ConcurrencyTuner(limit=4, most=16)
    assert far.opened(0.12) == 16
    assert not far.short_path
    assert not far.small_requests_help(expected=None)
    widening = ConcurrencyTuner(limit=4, most=16)
    assert not widening.small_requests_help(expected=3)  # fewer requests than run at once


def test_a_long_path_that_fills_early_is_narrowed_by_the_rates() -> None:
    tuner = ConcurrencyTuner(limit=4, most=32)
    tuner.opened(0.2)
    tuner.judge(CHUNK, 0.4)  # a first request that ran alone: 10 MB/s
    limits = run(tuner, wan, 40)
    assert limits[0] == 32
    assert all(10 <= limit <= 24 for limit in limits[5:]), limits


def test_a_long_path_opened_wide_is_not_narrowed_by_the_round_it_opened_in() -> None:
    """The round's cap only slows growth: answers after a long path opened the pool
    (in a round begun at the first width) never take it back down."""
    tuner = ConcurrencyTuner(limit=4, most=16)
    tuner.opened(0.06)
    for _ in range(6):
        assert tuner.acknowledged(CHUNK, 1.0, 0.45) == 16


def test_a_short_path_keeps_a_doubling_only_if_it_nearly_doubled_the_throughput() -> None:
    """On a short path (the first small answer came in milliseconds) a new connection
    runs at full speed at once: a doubling that brought only a little more throughput
    (the server's CPU is nearly all there is) ends slow start where it began, with no
    margin; where the link is what limits, it still climbs to the link's width."""

    def a_little_more_up_to_8(limit: int) -> float:
        return min(limit, 4) * 100e6 * (1 + 0.1 * max(0, min(limit, 8) - 4))

    short = ConcurrencyTuner(limit=4, most=16)
    short.opened(0.005)
    limits = run(short, a_little_more_up_to_8, 60)
    assert max(limits) == 8
    assert all(limit <= 7 for limit in limits[10:]), limits  # probing may step one up
    unknown = run(ConcurrencyTuner(limit=4, most=16), a_little_more_up_to_8, 60)
    assert max(unknown) == 16  # a long path's rule: a new connection is slow at first
    on_a_link = ConcurrencyTuner(limit=4, most=16)
    on_a_link.opened(0.005)
    assert all(10 <= limit <= 12 for limit in run(on_a_link, wan, 60)[20:])
