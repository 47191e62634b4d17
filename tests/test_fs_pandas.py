"""pandas reads and writes ``wcs://`` through fsspec: CSV (text, written in one go) and
Parquet (pyarrow, read back with seeks and ranged reads)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

pd = pytest.importorskip("pandas", reason="pandas is not installed (the dev extra has it)")
pytest.importorskip("fsspec", reason="the fsspec extra is not installed")

from tests.conftest import EmulatorProcess  # noqa: E402
from tests.fs_helpers import fs_options  # noqa: E402
from wcs_ext.fs import WcsFileSystem  # noqa: E402


def frame() -> Any:
    return pd.DataFrame(
        {
            "city": ["Hangzhou", "Xiamen", "Shenzhen", "Chengdu"] * 250,
            "reading": [float(i) / 7 for i in range(1000)],
            "day": pd.date_range("2026-01-01", periods=1000, freq="h"),
        }
    )


@pytest.fixture
def url() -> str:
    return f"wcs://e2e/pandas-{uuid.uuid4().hex[:12]}"


def test_csv_round_trip(emulator: EmulatorProcess, url: str) -> None:
    options = fs_options(emulator)
    data = frame()
    data.to_csv(f"{url}/readings.csv", index=False, storage_options=options)
    back = pd.read_csv(f"{url}/readings.csv", parse_dates=["day"], storage_options=options)
    pd.testing.assert_frame_equal(back, data, check_dtype=False)
    fs = WcsFileSystem(**options)
    assert fs.cat_file(f"{url}/readings.csv", end=20) == b"city,reading,day\nHan"


def test_parquet_round_trip(emulator: EmulatorProcess, url: str) -> None:
    pytest.importorskip("pyarrow", reason="pyarrow is not installed (the dev extra has it)")
    options = fs_options(emulator)
    data = frame()
    data.to_parquet(f"{url}/readings.parquet", storage_options=options)
    back = pd.read_parquet(f"{url}/readings.parquet", storage_options=options)
    pd.testing.assert_frame_equal(back, data, check_dtype=False)
    subset = pd.read_parquet(
        f"{url}/readings.parquet", columns=["reading"], storage_options=options
    )
    assert subset["reading"].sum() == pytest.approx(data["reading"].sum())
