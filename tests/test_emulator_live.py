"""Fake live recordings: ``wcs-ext emulator --live-recordings N|FILE``, the
``/wslive/list`` answers, ``wcs-ext wslive``, and the original SDK's ``wslive_list``
(bad input to the command: ``tests/test_cli_bad_inputs.py``)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli_helpers import Cli
from tests.conftest import EmulatorFactory, EmulatorProcess
from tests.original_sdk import ensure_original_sdk, write_wcscfg
from tests.test_interop_original import body_of, sdk_settings
from wcs_ext import WcsAPIError, WcsNotFoundError
from wcs_ext.emulator.live_recordings import LiveRecordings

DAY = ("20260101000000", "20260102000000")

SEEDED: list[dict[str, Any]] = [
    # Out of order on purpose: answers come in time order.
    {
        "channelname": "news",
        "bucket": "live",
        "startTime": "20260101120000",
        "endTime": "20260101130000",
        "key": "news/noon.m3u8",
        "fsize": 7200,
        "anything": {"kept": True},
    },
    {
        "channelname": "news",
        "bucket": "live",
        "startTime": "20260101060000",
        "endTime": "20260101070000",
        "key": "news/morning.m3u8",
    },
    {
        "channelname": "news",
        "bucket": "live",
        "startTime": "20260101230000",
        "endTime": "20260102010000",  # runs past the window's end
        "key": "news/late.m3u8",
    },
    {
        "channelname": "sport",
        "bucket": "live",
        "startTime": "20260101100000",
        "endTime": "20260101110000",
    },
    {
        "channelname": "news",
        "bucket": "other",
        "startTime": "20260101100000",
        "endTime": "20260101110000",
    },
]


@pytest.fixture(scope="module")
def seeded(
    emulator_factory: EmulatorFactory, tmp_path_factory: pytest.TempPathFactory
) -> EmulatorProcess:
    seed = tmp_path_factory.mktemp("live") / "recordings.json"
    seed.write_text(json.dumps(SEEDED))
    return emulator_factory(buckets=("live", "other"), extra_args=["--live-recordings", str(seed)])


@pytest.fixture(scope="module")
def counted(emulator_factory: EmulatorFactory) -> EmulatorProcess:
    return emulator_factory(buckets=("live",), extra_args=["--live-recordings", "4"])


def test_a_count_shares_out_any_window() -> None:
    found = LiveRecordings(count=4).find(
        "ch", "b", dt.datetime(2026, 1, 1, tzinfo=dt.UTC), dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
    )
    assert [(r["startTime"], r["endTime"]) for r in found] == [
        ("20260101000000", "20260101060000"),
        ("20260101060000", "20260101120000"),
        ("20260101120000", "20260101180000"),
        ("20260101180000", "20260102000000"),
    ]
    assert {r["channelname"] for r in found} == {"ch"}
    assert found[0]["key"] == "ch/20260101000000.mp4"
    assert found[0]["duration"] == 6 * 3600
    assert found[0]["fsize"] == 6 * 3600 * 250_000


def test_counted_recordings_page_with_start_and_limit(counted: EmulatorProcess) -> None:
    with counted.client() as wcs:
        everything = wcs.wslive_list("any-channel", *DAY, "live")
        page = wcs.wslive_list("any-channel", *DAY, "live", start=2, limit=2)
        past_the_end = wcs.wslive_list("any-channel", *DAY, "live", start=9)
    assert everything.total == 4
    assert [r["startTime"] for r in everything.items] == [
        "20260101000000",
        "20260101060000",
        "20260101120000",
        "20260101180000",
    ]
    assert page.total == 4
    assert list(page.items) == list(everything.items[1:3])
    assert (past_the_end.total, past_the_end.items) == (4, ())


def test_seeded_recordings_of_the_channel_bucket_and_window(seeded: EmulatorProcess) -> None:
    with seeded.client() as wcs:
        news = wcs.wslive_list("news", *DAY, "live")
        sport = wcs.wslive_list("sport", *DAY, "live")
        elsewhere = wcs.wslive_list("news", *DAY, "other")
        nothing = wcs.wslive_list("weather", *DAY, "live")
    assert news.total == 2
    assert [dict(r) for r in news.items] == [SEEDED[1], SEEDED[0]]  # as the file gives them
    assert [dict(r) for r in sport.items] == [SEEDED[3]]
    assert [dict(r) for r in elsewhere.items] == [SEEDED[4]]
    assert (nothing.total, nothing.items) == (0, ())


@pytest.mark.parametrize(
    ("times", "text"),
    [
        (("2026", "20260102000000"), "YYYYMMDDhhmmss"),
        (("20261301000000", "20261302000000"), "YYYYMMDDhhmmss"),
        (("20260102000000", "20260101000000"), "endTime is before startTime"),
    ],
)
def test_bad_windows_are_400(seeded: EmulatorProcess, times: tuple[str, str], text: str) -> None:
    with seeded.client() as wcs, pytest.raises(WcsAPIError, match=text) as caught:
        wcs.wslive_list("news", *times, "live")
    assert caught.value.status == 400


def test_an_unknown_bucket_is_404(seeded: EmulatorProcess) -> None:
    with seeded.client() as wcs, pytest.raises(WcsNotFoundError):
        wcs.wslive_list("news", *DAY, "nosuch")


def test_wslive_command_shows_the_recordings(seeded: EmulatorProcess, tmp_path: Path) -> None:
    cli = Cli(workdir=tmp_path, config=tmp_path / "wcscfg", emulator=seeded)
    cli.write_config("wcscfg")
    shown = cli.ok("wslive", "wcs://live", "news", *DAY).stdout.splitlines()
    assert shown[0].split() == ["START", "END", "SIZE", "FILE"]
    morning, noon = ["2026-01-01", "06:00:00"], ["2026-01-01", "12:00:00"]
    assert shown[1].split() == [*morning, "2026-01-01", "07:00:00", "-", "news/morning.m3u8"]
    assert shown[2].split() == [*noon, "2026-01-01", "13:00:00", "7.0", "KiB", "news/noon.m3u8"]
    assert shown[3] == "2 recordings shown, 2 in the window"
    (document,) = cli.json("wslive", "wcs://live", "news", *DAY, "--start", "2", "--count", "1")
    assert document["total"] == 2
    assert document["items"] == [SEEDED[0]]
    assert document["request_id"]


def test_the_original_sdk_lists_the_seeded_recordings(
    seeded: EmulatorProcess, tmp_path: Path
) -> None:
    config = write_wcscfg(tmp_path / "wcscfg", sdk_settings(seeded))
    answer = ensure_original_sdk().call(
        config,
        [
            {"method": "wslive_list", "args": ["news", *DAY, "live"]},
            {"method": "wslive_list", "args": ["news", *DAY, "live", 2, 1]},
        ],
    )
    everything, paged = (body_of(result) for result in answer["results"])
    assert everything["total"] == 2
    assert everything["items"] == [SEEDED[1], SEEDED[0]]
    assert paged["items"] == [SEEDED[0]]
