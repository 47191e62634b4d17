"""The README's performance table is written from benchmark results, never typed in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.readme_table import END, START, render, rewrite
from bench.results import newest, save

WAN = {
    "profiles": {
        "wan": {
            "description": "wan: 40 ms round trip",
            "size_bytes": 128 << 20,
            "upload": {
                "rows": [
                    {"client": "wcs-ext", "mb_per_s": 38.4, "share_of_link": 0.384},
                    {"client": "original", "mb_per_s": 22.6, "share_of_link": 0.226},
                ]
            },
            "download": {
                "rows": [
                    {"client": "wcs-ext", "mb_per_s": 36.1, "share_of_link": 0.361},
                    {"client": "original", "mb_per_s": 8.2, "share_of_link": 0.082},
                ]
            },
        }
    }
}
STORM = {
    "rate": 0.5,
    "seed": 7,
    "rows": [
        {"client": "wcs-ext", "requests_per_acknowledged_block": 2.375, "outcome": "stored"},
        {"client": "original", "requests_per_acknowledged_block": 8.0, "outcome": "failed"},
    ],
}


def test_rows_come_from_the_results_and_only_from_them() -> None:
    table = render({"wan": WAN, "storm": STORM})
    assert "| wan: 40 ms round trip, 128 MiB: upload / download " in table
    assert "| 38 / 36 MB/s (38% / 36% of the link) | 23 / 8 MB/s (23% / 8% of the link) |" in table
    assert "| requests per acknowledged block, 50% of requests 503 (1 seeded storm) " in table
    assert "| 2.4 (stored) |" in table
    assert "loopback" not in table  # no upload results: no upload row
    assert render({}).count("\n") == 1  # the header alone


LIMIT_RATE = {
    "size_bytes": 8 << 20,
    "limit": "2 MiB/s",
    "rows": [
        {"client": "wcs-ext", "way": "upload", "share_of_limit": 0.984},
        {"client": "wcs-ext", "way": "download", "share_of_limit": 0.958},
    ],
    "original": {"client": "original", "way": "upload", "share_of_limit": 1.793},
}


def test_the_limit_rate_row_shows_shares_of_the_limit() -> None:
    table = render({"limit_rate": LIMIT_RATE})
    assert "| 8 MiB at a limit of 2 MiB/s, achieved share of it: upload / download " in table
    assert "| 98% / 96% (`--limit-rate`) | 179% / — (`--traffic_limit`: per request) |" in table
    without = render({"limit_rate": {**LIMIT_RATE, "original": None}})
    assert without.endswith("(`--limit-rate`) | — |")


def test_the_table_replaces_only_what_stands_between_the_markers() -> None:
    text = f"intro\n{START}\nold table\n{END}\noutro\n"
    assert rewrite(text, "| new |") == f"intro\n{START}\n| new |\n{END}\noutro\n"
    with pytest.raises(ValueError, match="no"):
        rewrite("no markers here", "| new |")


def test_the_newest_result_of_a_benchmark_is_used(tmp_path: Path) -> None:
    for stamp, rate in (("20261201-100000", 0.5), ("20261201-120000", 0.8)):
        (tmp_path / f"bench_storm-{stamp}.json").write_text(json.dumps({**STORM, "rate": rate}))
    found = newest("storm", tmp_path)
    assert found is not None
    assert found["rate"] == 0.8
    assert newest("wan", tmp_path) is None


def test_a_saved_report_is_the_newest_one_read_back(tmp_path: Path) -> None:
    saved = save("wan", WAN, tmp_path)
    assert saved.name.startswith("bench_wan-")
    assert newest("wan", tmp_path) == WAN


def test_the_readme_has_the_markers() -> None:
    text = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert text.index(START) < text.index(END)


def test_the_etag_row_shows_each_tool_against_the_sha1_limit() -> None:
    etag = {
        "cpus": 2,
        "size_bytes": 1 << 30,
        "rows": [
            {"client": "wcs-ext", "median_seconds": 0.61, "share_of_sha1_limit": 0.82},
            {"client": "original", "median_seconds": 1.43, "share_of_sha1_limit": 0.35},
        ],
    }
    table = render({"etag": etag})
    assert (
        "| `wcs_etag_cal` of a 1024 MiB file | 0.61 s (82% of SHA-1 on 2 cores) "
        "| 1.43 s (35% of SHA-1 on 2 cores) |"
    ) in table


def test_sync_and_dask_rows_have_no_original_to_compare() -> None:
    sync = {
        "files": 1000,
        "size": 1024,
        "medians_s": {
            "-j 1": {"first": 7.63, "second": 0.72},
            "-j 8 (default)": {"first": 5.02, "second": 0.71},
        },
    }
    dask = {"objects": 200, "median_seconds": {"1": 6.16, "2": 4.30}, "ratio_1_over_2": 1.433}
    table = render({"sync": sync, "dask": dask})
    assert (
        "| `sync` of 1,000 files of 1 KiB: first run / nothing to send "
        "| -j 8: 5.0 s / 0.7 s; -j 1: 7.6 s / 0.7 s | — (no sync) |"
    ) in table
    assert (
        "| Dask job over 200 `wcs://` objects (put, etag check) "
        "| 2 workers 4.3 s, 1 worker 6.2 s (1.43x) |" in table
    )
