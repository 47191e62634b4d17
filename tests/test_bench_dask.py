"""bench_dask's summary: medians, rates and the 1-over-2 ratio from given times (the
benchmark's own timing is not tested: tests never time anything)."""

from __future__ import annotations

import pytest

pytest.importorskip("dask.distributed", reason="dask[distributed] is not installed (dev extra)")

from bench.bench_dask import summarize


def test_summary_of_runs() -> None:
    summary = summarize({1: [4.0, 6.0, 5.0], 2: [3.0, 2.0, 2.5]}, objects=200)
    assert summary["median_seconds"] == {"1": 5.0, "2": 2.5}
    assert summary["objects_per_second"] == {"1": 40.0, "2": 80.0}
    assert summary["ratio_1_over_2"] == 2.0
    assert summary["seconds"]["1"] == [4.0, 6.0, 5.0]
