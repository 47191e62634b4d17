"""A chunk is hashed while its request is in flight, not after the answer: over a long
link the connection then waits for nothing but the answer before its next request.

The host holds each mkblk/bput until the chunk it carries has gone into the etag (or a
second has passed): hashed only after the answer, none would be by then. The uploads
run one request at a time, so the one chunk being hashed is the one being answered.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from tests.upload_host import AK, BASE_URL, BLOCK, SK, UploadHost
from wcs_ext import AsyncWcs, RetryPolicy, Wcs, WcsConfig
from wcs_ext._sync._io import BesideCall
from wcs_ext.protocol import checksum

WAIT = 1.0  # seconds a request is held at most for its chunk's hashing


class HashWatch:
    """Says when the etag hasher took a chunk; the host asks before it answers."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.taken = threading.Event()
        self.seen: list[bool] = []  # per mkblk/bput: hashed before it was answered
        original = checksum.EtagHasher.update

        def update(hasher: checksum.EtagHasher, data: checksum.Buffer) -> None:
            original(hasher, data)
            self.taken.set()

        monkeypatch.setattr(checksum.EtagHasher, "update", update)

    def before_answer(self) -> None:
        self.seen.append(self.taken.wait(WAIT))
        self.taken.clear()


def _config(tmp_path: Path) -> WcsConfig:
    return WcsConfig(
        access_key=AK, secret_key=SK, put_url=BASE_URL, mgr_url=BASE_URL,
        block_size=BLOCK, bput_size=BLOCK // 2, concurrency=1, max_concurrency=1,
        tmp_record_folder=str(tmp_path / "records"),
    )  # fmt: skip


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "f.bin"
    path.write_bytes(bytes(range(256)) * (2 * BLOCK // 256))  # two blocks, four chunks
    return path


def _chunk_request(host: UploadHost, request: httpx.Request) -> bool:
    return host.verb(request) in ("mkblk", "bput")


def test_the_sync_client_hashes_a_chunk_while_it_is_sent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    host, watch = UploadHost(), HashWatch(monkeypatch)

    def answer(request: httpx.Request) -> httpx.Response:
        if _chunk_request(host, request):
            watch.before_answer()
        return host.handler(request)

    transport = httpx.MockTransport(answer)
    with Wcs(_config(tmp_path), transport=transport, retry=RetryPolicy(max_retries=0)) as wcs:
        result = wcs.multipart_upload(_file(tmp_path), "b", "k")
    assert result.hash == checksum.etag_file(_file(tmp_path))
    assert watch.seen == [True] * 4


def test_the_async_client_hashes_a_chunk_while_it_is_sent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    host, watch = UploadHost(), HashWatch(monkeypatch)

    async def answer(request: httpx.Request) -> httpx.Response:
        await request.aread()
        if _chunk_request(host, request):
            await asyncio.to_thread(watch.before_answer)  # the loop goes on meanwhile
        return host.handler(request)

    async def run() -> str | None:
        transport = httpx.MockTransport(answer)
        retry = RetryPolicy(max_retries=0)
        async with AsyncWcs(_config(tmp_path), transport=transport, retry=retry) as aw:
            return (await aw.multipart_upload(_file(tmp_path), "b", "k")).hash

    assert asyncio.run(run()) == checksum.etag_file(_file(tmp_path))
    assert watch.seen == [True] * 4


def test_a_call_beside_works_in_a_child_made_by_fork() -> None:
    # Nothing is kept between calls: a child forked after an upload hashed beside its
    # requests can do the same (a pool kept for the process would be inherited
    # without its threads, and the child's first call would wait forever).
    script = """
import os, signal, sys
from wcs_ext._sync._io import BesideCall
seen = []
BesideCall(seen.append, "parent").wait()
pid = os.fork()
if pid == 0:
    signal.alarm(20)  # a child that would wait forever ends instead of staying behind
    BesideCall(seen.append, "child").wait()
    os._exit(0 if seen == ["parent", "child"] else 1)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
"""
    done = subprocess.run([sys.executable, "-c", script], timeout=30, check=False)
    assert done.returncode == 0


def test_a_call_beside_hands_its_error_to_the_waiter() -> None:
    def fails() -> None:
        raise ValueError("no")

    beside = BesideCall(fails)
    with pytest.raises(ValueError, match="no"):
        beside.wait()
