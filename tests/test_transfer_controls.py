"""``limit_rate=`` and ``cancel=`` of real transfers against the emulator.

Nothing here is timed tightly: the limit is proved by counting what went through the
bucket (the rate itself is measured by ``make bench``), a cancel by the call returning
(within a generous bound), its record or partial file kept, and a rerun sending less.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest.mock import MagicMock

import httpx
import pytest

from wcs_ext import (
    AsyncWcs,
    BandwidthLimit,
    RetryPolicy,
    UploadResult,
    WcsCancelledError,
    WcsConfig,
    WcsInputError,
)
from wcs_ext.bulk.etag_cache import EtagCache
from wcs_ext.bulk.local_tree import file_of
from wcs_ext.bulk.tree_run import RemoteFile, download_files, upload_files
from wcs_ext.transfer import TransferProgress

from .conftest import EmulatorProcess

MiB = 1024 * 1024
SIZE = 24 * MiB  # 6 blocks of 4 MiB, 1 MiB chunks
GENEROUS = 10.0  # a cancel must return well within this (it should take < 1 s)
MKBLK, BPUT = "POST /mkblk/{size}/{index}", "POST /bput/{ctx}/{offset}"


def stats(emulator: EmulatorProcess) -> dict[str, Any]:
    answer = httpx.get(f"{emulator.mgr_url}/_emulator/stats")
    assert answer.status_code == 200
    document: dict[str, Any] = answer.json()
    return document


def chunk_requests(emulator: EmulatorProcess) -> int:
    by_endpoint = stats(emulator)["requests_by_endpoint"]
    return int(by_endpoint.get(MKBLK, 0) + by_endpoint.get(BPUT, 0))


def big_file(folder: Path, name: str = "big.bin", size: int = SIZE) -> Path:
    path = folder / name
    path.write_bytes(os.urandom(size))
    return path


def records(emulator: EmulatorProcess) -> list[Path]:
    folder = emulator.data_dir.with_name("records")
    return sorted(folder.glob("*")) if folder.exists() else []


def cancel_after(done_bytes: int) -> tuple[threading.Event, Callable[[TransferProgress], None]]:
    """A cancel event that another thread sets once ``done_bytes`` have moved, and the
    progress callback that tells it."""
    cancel, halfway = threading.Event(), threading.Event()

    def progress(state: TransferProgress) -> None:
        if state.done >= done_bytes:
            halfway.set()

    def canceller() -> None:
        if halfway.wait(60):
            cancel.set()

    threading.Thread(target=canceller, daemon=True).start()
    return cancel, progress


def test_a_limited_upload_and_download_pass_every_byte_through_one_bucket(
    emulator: EmulatorProcess, tmp_path: Path
) -> None:
    # Fast enough not to slow the suite: the bucket is what is checked, not the clock.
    path = big_file(tmp_path, size=9 * MiB)
    limit = BandwidthLimit("256M")
    with emulator.client(block_size=4 * MiB, bput_size=MiB, concurrency=3) as wcs:
        wcs.upload_file(path, "e2e", "limited/upload.bin", limit_rate=limit)
        uploaded = limit.bytes_taken
        # Every chunk of every block (3 workers), and mkfile's ctx list, in pieces.
        assert 9 * MiB < uploaded < 9 * MiB + 4096
        assert limit.takes >= 9 * MiB // limit.piece
        dest = tmp_path / "back.bin"
        wcs.download(emulator.url_of("e2e", "limited/upload.bin"), dest, limit_rate=limit)
    assert dest.read_bytes() == path.read_bytes()
    assert limit.bytes_taken - uploaded == 9 * MiB  # the slices' bytes, each once


def test_the_configured_limit_applies_and_a_call_may_lift_it(
    emulator: EmulatorProcess, tmp_path: Path
) -> None:
    path = big_file(tmp_path, size=5 * MiB)
    with emulator.client(limit_rate="128M") as wcs:
        wcs.upload_file(path, "e2e", "limited/configured.bin")
        wcs.upload_file(path, "e2e", "limited/unlimited.bin", limit_rate=0)
        with pytest.raises(WcsInputError, match="limit_rate must be"):
            wcs.upload_file(path, "e2e", "limited/bad.bin", limit_rate="2 MB/s")


def test_cancelling_an_upload_keeps_its_record_and_a_rerun_sends_the_rest(
    emulator: EmulatorProcess, tmp_path: Path
) -> None:
    path = big_file(tmp_path)
    before = records(emulator)
    # Slow enough (6 s for the file) that the cancel lands mid-way.
    with emulator.client(block_size=4 * MiB, bput_size=MiB, limit_rate="4M") as wcs:
        cancel, progress = cancel_after(5 * MiB)
        started = chunk_requests(emulator)
        with pytest.raises(WcsCancelledError, match="cancelled"):
            wcs.upload_file(path, "e2e", "cancel/up.bin", progress=progress, cancel=cancel)
        cancelled_at = time.monotonic()
        first_run = chunk_requests(emulator) - started
    assert cancel.is_set()
    assert len(records(emulator)) == len(before) + 1  # the record stays for the rerun
    assert 0 < first_run < SIZE // MiB

    with emulator.client(block_size=4 * MiB, bput_size=MiB) as wcs:
        started = chunk_requests(emulator)
        result = wcs.upload_file(path, "e2e", "cancel/up.bin")
        rerun = chunk_requests(emulator) - started
    assert result.size == SIZE
    assert rerun < SIZE // MiB  # what the first run had sent was not sent again
    assert records(emulator) == before
    assert time.monotonic() - cancelled_at < 60  # sanity: the first call did return


def test_a_cancel_returns_promptly(emulator: EmulatorProcess, tmp_path: Path) -> None:
    path = big_file(tmp_path, name="slow.bin", size=8 * MiB)
    cancel = threading.Event()
    outcome: list[BaseException] = []

    def upload() -> None:
        with emulator.client(block_size=4 * MiB, bput_size=MiB, limit_rate="1M") as wcs:
            try:
                wcs.upload_file(path, "e2e", "cancel/slow.bin", cancel=cancel)
            except BaseException as exc:
                outcome.append(exc)

    worker = threading.Thread(target=upload)
    worker.start()
    time.sleep(1.0)  # 8 s of bytes at 1 MiB/s: well under way
    cancel.set()
    worker.join(GENEROUS)
    assert not worker.is_alive()
    assert len(outcome) == 1
    assert isinstance(outcome[0], WcsCancelledError)


def test_cancelling_a_download_keeps_the_partial_file_only(
    emulator: EmulatorProcess, tmp_path: Path
) -> None:
    path = big_file(tmp_path)
    dest = tmp_path / "down" / "big.bin"
    dest.parent.mkdir()
    url = emulator.url_of("e2e", "cancel/down.bin")
    with emulator.client() as wcs:
        wcs.upload_file(path, "e2e", "cancel/down.bin")
    # Two slices at a time, cancelled once each had time to finish a 4 MiB piece (what
    # a partial download keeps).
    with emulator.client(limit_rate="4M", concurrency=2) as wcs:
        cancel, progress = cancel_after(10 * MiB)
        with pytest.raises(WcsCancelledError):
            wcs.download(url, dest, progress=progress, cancel=cancel)
    assert not dest.exists()  # never a half file under the name
    assert [p.name for p in dest.parent.iterdir() if p.name.endswith(".wcs-part")]

    # The server's byte count is no measure here: the cancelled answers were cut off
    # in flight, after it had handed their bytes on. What the rerun starts from is.
    seen: list[int] = []
    with emulator.client() as wcs:
        wcs.download(url, dest, progress=lambda state: seen.append(state.done))
    assert dest.read_bytes() == path.read_bytes()
    assert seen[0] >= 4 * MiB  # the pieces kept were not fetched again
    assert [p.name for p in dest.parent.iterdir()] == ["big.bin"]


def test_the_asyncio_client_takes_the_same_event(emulator: EmulatorProcess, tmp_path: Path) -> None:
    path = big_file(tmp_path, name="async.bin", size=12 * MiB)
    cancel, progress = cancel_after(5 * MiB)
    config = emulator.config(block_size=4 * MiB, bput_size=MiB, limit_rate="4M")

    async def upload() -> None:
        async with AsyncWcs(config, retry=RetryPolicy(max_retries=0)) as wcs:
            await wcs.upload_file(path, "e2e", "cancel/async.bin", progress=progress, cancel=cancel)

    with pytest.raises(WcsCancelledError):
        asyncio.run(upload())
    assert cancel.is_set()


def test_cancelling_the_task_keeps_the_record_too(
    emulator: EmulatorProcess, tmp_path: Path
) -> None:
    path = big_file(tmp_path, name="task.bin", size=12 * MiB)
    before = records(emulator)
    config = emulator.config(block_size=4 * MiB, bput_size=MiB, limit_rate="4M")

    async def upload_then_cancel() -> None:
        halfway = asyncio.Event()

        def progress(state: TransferProgress) -> None:
            if state.done >= 5 * MiB:
                halfway.set()

        async with AsyncWcs(config, retry=RetryPolicy(max_retries=0)) as wcs:
            task = asyncio.create_task(
                wcs.upload_file(path, "e2e", "cancel/task.bin", progress=progress)
            )
            await halfway.wait()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

    asyncio.run(upload_then_cancel())
    assert len(records(emulator)) == len(before) + 1


class Recorder:
    """A Wcs stand-in for the many-file runs: what each call was given."""

    def __init__(self, config: WcsConfig) -> None:
        self.config = config
        self.limits: list[object] = []

    def upload_file(self, *args: Any, limit_rate: object = None, **kwargs: Any) -> Any:
        self.limits.append(limit_rate)
        return UploadResult(bucket="e2e", key="k", hash="", size=0)

    def download(self, *args: Any, limit_rate: object = None, **kwargs: Any) -> None:
        self.limits.append(limit_rate)


def test_a_many_file_run_shares_one_bucket_between_its_files(tmp_path: Path) -> None:
    files = {}
    for name in ("a", "b", "c"):
        (tmp_path / name).write_bytes(b"x")
        files[name] = file_of(tmp_path / name, (tmp_path / name).stat())
    report = MagicMock()
    wcs = Recorder(WcsConfig(limit_rate="3M", download_url="http://127.0.0.1:1/dl"))
    upload_files(
        wcs, files, list(files), bucket="e2e", prefix="p/", cache=EtagCache(None),  # type: ignore[arg-type]
        jobs=3, report=report, upload={},
    )  # fmt: skip
    remote = {name: RemoteFile(name, 1, None) for name in files}
    download_files(
        wcs, remote, list(files), bucket="e2e", root=tmp_path / "down",  # type: ignore[arg-type]
        cache=EtagCache(None), jobs=3, report=report,
    )  # fmt: skip
    first = wcs.limits[0]
    assert isinstance(first, BandwidthLimit)
    assert first.rate == 3 * MiB
    assert all(limit is first for limit in wcs.limits[:3])  # one for the upload run
    assert wcs.limits[3] is not first  # and one for the download run
    assert all(limit is wcs.limits[3] for limit in wcs.limits[3:])
    unlimited = Recorder(WcsConfig())
    upload_files(
        unlimited, files, list(files), bucket="e2e", prefix="p/", cache=EtagCache(None),  # type: ignore[arg-type]
        jobs=1, report=report, upload={},
    )  # fmt: skip
    assert unlimited.limits == [None, None, None]
