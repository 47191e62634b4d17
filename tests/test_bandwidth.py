"""The bandwidth limit's pieces on a fake clock: the ``limit_rate`` text, the token
bucket, and the waits and cancel checks of ``throttle`` (no wall clock anywhere)."""

from __future__ import annotations

import threading

import httpx
import pytest

import wcs_ext._sync._io as sync_io
from wcs_ext import BandwidthLimit, WcsCancelledError, WcsInputError
from wcs_ext._sync.transfer.throttle import CANCEL_CHECK, PacedStream, take
from wcs_ext.transfer.bandwidth import MAX_PIECE, parse_rate, rate_text
from wcs_ext.transfer.controls import TransferControls

KiB = 1024
MiB = 1024 * 1024


class FakeClock:
    """Time that moves only when a sleep asks it to."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(sync_io, "sleep", fake.sleep)
    return fake


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("2M", 2 * MiB),
        ("2m", 2 * MiB),
        ("500K", 500 * KiB),
        ("1.5M", 1536 * KiB),
        ("0.5K", 512),
        ("1G", 1024 * MiB),
        ("1000", 1000),
        (" 64K ", 64 * KiB),
        ("0", 0),
        ("", 0),
        ("none", 0),
        ("OFF", 0),
        (2048, 2048),
        (0, 0),
    ],
)
def test_rates_are_bytes_a_second_with_binary_suffixes(text: str | int, rate: int) -> None:
    assert parse_rate(text) == rate


@pytest.mark.parametrize(
    "text", ["2X", "-1", "2 M", "M", "1.5.2M", "1e6", "0.1", "2MB", "2Mi", "½M", "٣M", -5, True]
)
def test_bad_rates_are_refused_in_one_line(text: str | int) -> None:
    with pytest.raises(ValueError, match="must be") as info:
        parse_rate(text)
    assert "\n" not in str(info.value)


def test_rate_text_reads_as_people_write_it() -> None:
    assert rate_text(2 * MiB) == "2 MiB/s"
    assert rate_text(1536 * KiB) == "1.5 MiB/s"
    assert rate_text(500) == "500 B/s"


def test_the_bucket_keeps_one_piece_of_allowance(clock: FakeClock) -> None:
    limit = BandwidthLimit("1M", clock=clock)
    assert limit.piece == MAX_PIECE  # a tenth of a second would be more
    assert limit.reserve(limit.piece) == 0  # the one piece it starts with
    assert limit.reserve(MiB) == pytest.approx(1.0)
    clock.now += 10  # idle: not saved up beyond one piece
    assert limit.reserve(limit.piece) == 0
    assert limit.reserve(MiB) == pytest.approx(1.0)
    assert (limit.takes, limit.bytes_taken) == (4, 2 * MiB + 2 * limit.piece)


def test_concurrent_takers_queue_behind_each_other(clock: FakeClock) -> None:
    # Four workers booking at the same moment share the rate: the fourth waits for
    # the three before it, not only for its own bytes.
    limit = BandwidthLimit(256 * KiB, clock=clock)
    limit.reserve(limit.burst)
    waits = [limit.reserve(64 * KiB) for _ in range(4)]
    assert waits == pytest.approx([0.25, 0.5, 0.75, 1.0])


def test_a_slow_limit_takes_small_pieces() -> None:
    assert BandwidthLimit("1K").piece == 102  # a tenth of a second's worth
    assert BandwidthLimit(5).piece == 1


def test_take_sleeps_what_the_rate_asks_in_short_steps(clock: FakeClock) -> None:
    limit = BandwidthLimit(MiB, clock=clock)
    controls = TransferControls(limit)
    take(controls, limit.piece)
    take(controls, MiB)
    assert sum(clock.sleeps) == pytest.approx(1.0)
    assert max(clock.sleeps) <= CANCEL_CHECK + 1e-9


def test_a_cancel_stops_a_take_within_one_step(
    clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    cancel = threading.Event()
    limit = BandwidthLimit(MiB, clock=clock)
    controls = TransferControls(limit, cancel)
    limit.reserve(10 * MiB)  # someone booked ten seconds ahead

    real_sleep = clock.sleep

    def sleep_then_cancel(seconds: float) -> None:
        real_sleep(seconds)
        cancel.set()

    monkeypatch.setattr(sync_io, "sleep", sleep_then_cancel)
    with pytest.raises(WcsCancelledError):
        take(controls, 64 * KiB)
    assert clock.sleeps == [CANCEL_CHECK]


def test_paced_body_goes_in_pieces_through_the_bucket(clock: FakeClock) -> None:
    limit = BandwidthLimit(MiB, clock=clock)
    body = bytes(range(256)) * 1000  # 256000 bytes
    pieces = list(PacedStream(httpx.ByteStream(body), TransferControls(limit)))
    assert b"".join(pieces) == body
    assert max(len(p) for p in pieces) == limit.piece
    assert limit.takes == len(pieces) == -(-len(body) // limit.piece)
    assert limit.bytes_taken == len(body)
    assert sum(clock.sleeps) == pytest.approx((len(body) - limit.burst) / MiB)


def test_controls_of_a_call() -> None:
    assert TransferControls.of(None, None, 0) == TransferControls()
    assert not TransferControls.of(None, None, 0).active
    configured = TransferControls.of(None, None, 2 * MiB)
    assert configured.bandwidth is not None
    assert configured.bandwidth.rate == 2 * MiB
    assert TransferControls.of(0, None, 2 * MiB).bandwidth is None  # the call turns it off
    assert TransferControls.of("none", None, 2 * MiB).bandwidth is None
    shared = BandwidthLimit("1M")
    assert TransferControls.of(shared, None, 0).bandwidth is shared
    event = threading.Event()
    assert TransferControls.of(None, event, 0).active
    with pytest.raises(WcsInputError, match="limit_rate must be"):
        TransferControls.of("fast", None, 0)
    with pytest.raises(WcsInputError, match="is_set"):
        TransferControls.of(None, object(), 0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="above 0"):
        BandwidthLimit(0)


def test_a_limited_download_lowers_its_speed_floor_below_its_share() -> None:
    assert TransferControls().speed_floor(1024, 4) == 1024
    limited = TransferControls(BandwidthLimit("4K"))
    assert limited.speed_floor(1024, 1) == 1024  # 4 KiB/s on one connection: no change
    assert limited.speed_floor(1024, 4) == 512  # a quarter of 4 KiB/s each, halved
    assert limited.speed_floor(0, 4) == 0  # no floor stays none
    assert TransferControls(BandwidthLimit(10)).speed_floor(1024, 16) == 1
