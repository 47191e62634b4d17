"""The retry-storm benchmark counts what it says it counts (``bench/bench_storm.py``):
requests on the wire, 503s, acknowledged blocks. Counts only, never a time."""

from __future__ import annotations

from pathlib import Path

from bench.bench_storm import BLOCK, RETRIES, Sent, report, run_wcs_ext, storm_counts
from bench.bench_upload import Emulator, write_random_file


def test_counts_of_a_list_of_requests() -> None:
    sent: list[Sent] = [
        ("POST", "/mkblk/4194304/0", 503),
        ("POST", "/mkblk/4194304/0", 200),
        ("POST", "/mkblk/4194304/1", "ReadError"),
        ("POST", "/mkblk/4194304/1", 200),
        ("POST", "/mkblk/4194304/1", 200),  # a repeat acknowledges no second block
        ("POST", "/mkblk/4194304/2", 503),
        ("POST", "/mkfile/8388608", 503),
    ]
    counts = storm_counts(sent)
    assert counts["requests"] == 7
    assert counts["answered_503"] == 3
    assert counts["blocks_acknowledged"] == 2
    assert counts["by_kind"] == {"mkblk": 6, "mkfile": 1}
    assert counts["file_made"] is False
    assert counts["requests_per_acknowledged_block"] == 3.5
    assert storm_counts(sent[:1])["requests_per_acknowledged_block"] is None


def test_every_attempt_of_wcs_ext_is_counted(tmp_path: Path) -> None:
    path = write_random_file(tmp_path / "one.bin", BLOCK)
    for rate, expected in (("0", 2), ("1", 1 + RETRIES)):
        data = tmp_path / f"data-{rate}"
        data.mkdir()
        emulator = Emulator(data, ["--fault-rate", rate, "--fault-kinds", "error-503"])
        try:
            row = run_wcs_ext(emulator, path, tmp_path)
        finally:
            emulator.stop()
        assert row["requests"] == expected, row
        if rate == "0":  # one mkblk and the mkfile
            assert row["outcome"] == "stored"
            assert row["blocks_acknowledged"] == 1
            assert row["requests_per_acknowledged_block"] == 2.0
        else:  # every mkblk answered 503: the first and its retries, then given up
            assert row["outcome"] == "failed: WcsServerError"
            assert row["answered_503"] == 1 + RETRIES
            assert row["requests_per_acknowledged_block"] is None
            lines = report([row], 1.0, 1)
            assert any("-" in line and "wcs-ext" in line for line in lines)
