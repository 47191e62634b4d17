"""The transfer engine against the real emulator: sizes, concurrency, faults, a killed
process resumed, expired ctxs, a corrupted answer, interrupted downloads.

Requests are counted (or slowed, or tampered with) by wrapping the client's transport,
the way a test hook can without touching the emulator.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import EmulatorFactory, EmulatorProcess, wait_until
from wcs_ext import AsyncWcs, RetryPolicy, Wcs, WcsIntegrityError, WcsNotFoundError, etag_file
from wcs_ext.transfer.record import BlockState, read_record

MiB = 1024 * 1024
BLOCK = 4 * MiB
FAST_RETRY = RetryPolicy(max_retries=0, initial_delay=0.01, max_delay=0.05)


class Hooked(httpx.BaseTransport):
    """A real transport with a hook on every request (count, slow down, fail, tamper)."""

    def __init__(
        self, on_response: Callable[[httpx.Request, httpx.Response], httpx.Response] | None = None
    ) -> None:
        self._inner = httpx.HTTPTransport()
        self._on_response = on_response
        self.lines: list[str] = []
        self._lock = threading.Lock()
        self.in_flight = 0
        self.most_in_flight = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.lines.append(f"{request.method} {request.url.path}")
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            response = self._inner.handle_request(request)
        finally:
            with self._lock:
                self.in_flight -= 1
        if self._on_response is not None:
            response = self._on_response(request, response)
        return response

    def close(self) -> None:
        self._inner.close()

    def verbs(self, *names: str) -> list[str]:
        return [line for line in self.lines if line.split("/")[1] in names]


def client(
    emulator: EmulatorProcess, transport: httpx.BaseTransport | None = None, **overrides: Any
) -> Wcs:
    settings: dict[str, Any] = {"block_size": BLOCK, "bput_size": MiB} | overrides
    return Wcs(emulator.config(**settings), transport=transport, retry=FAST_RETRY)


def random_file(path: Path, size: int, seed: int = 0) -> Path:
    path.write_bytes(os.urandom(size) if seed == 0 else bytes([seed % 251]) * size)
    return path


def assert_stored(wcs: Wcs, emulator: EmulatorProcess, key: str, local: Path) -> None:
    info = wcs.stat("e2e", key)
    assert info.hash == etag_file(local)
    assert info.size == local.stat().st_size
    back = local.with_name(local.name + ".back")
    wcs.download(emulator.url_of("e2e", key), back)
    assert back.read_bytes() == local.read_bytes()
    back.unlink()


@pytest.mark.parametrize("concurrency", [1, 4])
@pytest.mark.parametrize(
    "size",
    [0, 1, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + MiB // 2 + 7],
    ids=["empty", "1B", "block-1", "block", "block+1", "many"],
)
def test_odd_sizes(emulator: EmulatorProcess, tmp_path: Path, size: int, concurrency: int) -> None:
    local = random_file(tmp_path / "f.bin", size)
    key = f"sizes/{size}-{concurrency}.bin"
    with client(emulator, concurrency=concurrency) as wcs:
        result = wcs.multipart_upload(local, "e2e", key)
        assert result.hash == etag_file(local)
        assert_stored(wcs, emulator, key, local)


def test_concurrent_blocks_and_in_order_chunks(emulator: EmulatorProcess, tmp_path: Path) -> None:
    local = random_file(tmp_path / "f.bin", 6 * BLOCK + 3)
    hook = Hooked()
    with client(emulator, hook, concurrency=4, max_concurrency=4) as wcs:  # pinned
        wcs.multipart_upload(local, "e2e", "conc/f.bin")
        assert_stored(wcs, emulator, "conc/f.bin", local)
    # 7 blocks: 6 of 4 chunks, 1 of 1; one mkfile. The emulator checked every offset,
    # so the chunks of each block came in order; several blocks were on the wire at once.
    assert 2 <= hook.most_in_flight <= 4
    assert len(hook.verbs("mkblk")) == 7
    assert len(hook.verbs("bput")) == 6 * 3
    assert len(hook.verbs("mkfile")) == 1


def test_uploads_complete_under_injected_faults(
    emulator_factory: EmulatorFactory, tmp_path: Path
) -> None:
    faulty = emulator_factory(extra_args=["--fault-rate", "0.2", "--fault-seed", "11"])
    local = random_file(tmp_path / "f.bin", 3 * BLOCK + 12345)
    retries = {"mkblk_retries": 6, "bput_retries": 6, "mkfile_retries": 6}
    policy = RetryPolicy(max_retries=6, initial_delay=0.01, max_delay=0.05)
    config = faulty.config(block_size=BLOCK, bput_size=MiB, connection_retries=6, **retries)
    with Wcs(config, retry=policy) as wcs:
        for n in range(3):
            key = f"faults/{n}.bin"
            result = wcs.multipart_upload(local, "e2e", key)
            assert result.hash == etag_file(local)
        simple = random_file(tmp_path / "small.bin", 70_000)
        assert wcs.upload_file(simple, "e2e", "faults/small.bin").hash == etag_file(simple)
    # Everything stored is intact: read back through a client of a fault-free view.
    with Wcs(config.with_overrides(connection_retries=6), retry=policy) as wcs:
        for n in range(3):
            assert wcs.stat("e2e", f"faults/{n}.bin").hash == etag_file(local)
    injected = [line for line in faulty.stderr().splitlines() if line.startswith("injecting")]
    assert sum("/mkblk/" in line or "/bput/" in line for line in injected) >= 3  # they happened


KILLABLE = textwrap.dedent(
    """
    import json, sys, time
    import httpx
    from wcs_ext import Wcs, WcsConfig

    class Slow(httpx.HTTPTransport):
        def handle_request(self, request):
            if request.url.path.split("/")[1] in ("mkblk", "bput"):
                time.sleep(0.1)
            return super().handle_request(request)

    settings = json.loads(sys.argv[1])
    with Wcs(WcsConfig(**settings), transport=Slow()) as wcs:
        wcs.multipart_upload(sys.argv[2], "e2e", sys.argv[3])
    """
)


def start_killable(emulator: EmulatorProcess, local: Path, key: str) -> subprocess.Popen[bytes]:
    settings = {
        "access_key": emulator.access_key,
        "secret_key": emulator.secret_key,
        "put_url": emulator.put_url,
        "mgr_url": emulator.mgr_url,
        "block_size": BLOCK,
        "bput_size": MiB,
        "concurrency": 2,
        "max_concurrency": 0,  # pinned: the chunks fall where the counts expect them
        "tmp_record_folder": emulator.config().tmp_record_folder,
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith("WCS_")}
    args = [sys.executable, "-c", KILLABLE, json.dumps(settings), str(local), key]
    return subprocess.Popen(args, env=env, stderr=subprocess.PIPE)


def acked_chunks(blocks: dict[int, BlockState]) -> int:
    return sum(block.acked // MiB + (block.acked % MiB > 0) for block in blocks.values())


def only_record(folder: Path) -> Path | None:
    records = list(folder.glob("*.json")) if folder.exists() else []
    return records[0] if len(records) == 1 else None


@pytest.fixture
def records(emulator: EmulatorProcess) -> Path:
    folder = Path(emulator.config().tmp_record_folder)
    for stale in folder.glob("*.json") if folder.exists() else []:
        stale.unlink()
    return folder


def kill_after_some_chunks(
    process: subprocess.Popen[bytes], folder: Path, chunks: int
) -> dict[int, BlockState]:
    def enough() -> bool:
        record = only_record(folder)
        if record is None:
            return False
        try:
            return acked_chunks(read_record(record)[1]) >= chunks
        except ValueError:
            return False

    wait_until(enough, timeout=30)
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    record = only_record(folder)
    assert record is not None
    return read_record(record)[1]


def test_killed_upload_resumes_sending_only_what_was_missing(
    emulator: EmulatorProcess, tmp_path: Path, records: Path
) -> None:
    local = random_file(tmp_path / "big.bin", 6 * BLOCK + 5)  # 6 x 4 chunks + 1
    process = start_killable(emulator, local, "killed/big.bin")
    saved = kill_after_some_chunks(process, records, 6)
    done = acked_chunks(saved)
    assert 6 <= done < 25
    hook = Hooked()
    with client(emulator, hook, concurrency=2) as wcs:
        result = wcs.multipart_upload(local, "e2e", "killed/big.bin")
        assert_stored(wcs, emulator, "killed/big.bin", local)
    assert result.hash == etag_file(local)
    # Exactly the chunks the record did not hold were sent again.
    assert len(hook.verbs("mkblk", "bput")) == 25 - done
    assert only_record(records) is None  # deleted after mkfile


def test_changed_file_is_uploaded_whole_again(
    emulator: EmulatorProcess, tmp_path: Path, records: Path
) -> None:
    local = random_file(tmp_path / "big.bin", 4 * BLOCK)
    process = start_killable(emulator, local, "changed/big.bin")
    kill_after_some_chunks(process, records, 3)
    local.write_bytes(os.urandom(4 * BLOCK))  # same size, new bytes and mtime
    hook = Hooked()
    with client(emulator, hook, concurrency=2) as wcs:
        wcs.multipart_upload(local, "e2e", "changed/big.bin")
        assert_stored(wcs, emulator, "changed/big.bin", local)
    assert len(hook.verbs("mkblk", "bput")) == 16


def test_expired_ctxs_are_recovered(emulator_factory: EmulatorFactory, tmp_path: Path) -> None:
    short = emulator_factory(extra_args=["--ctx-ttl", "1"])
    local = random_file(tmp_path / "f.bin", 2 * BLOCK + MiB)
    calls = {"bput": 0}

    def refuse_third_bput(request: httpx.Request, response: httpx.Response) -> httpx.Response:
        if request.url.path.startswith("/bput/"):
            calls["bput"] += 1
            if calls["bput"] == 5:  # block 1, after its first chunks were acknowledged
                response.close()
                return httpx.Response(403, json={"code": 403, "message": "test: refused"})
        return response

    config = short.config(block_size=BLOCK, bput_size=MiB, concurrency=1)
    refusing = Wcs(config, transport=Hooked(refuse_third_bput), retry=FAST_RETRY)
    with refusing as wcs, pytest.raises(Exception, match="refused"):
        wcs.multipart_upload(local, "e2e", "ttl/f.bin")
    time.sleep(1.5)  # every ctx of the record expires on the server
    hook = Hooked()
    with Wcs(config, transport=hook, retry=FAST_RETRY) as wcs:
        result = wcs.multipart_upload(local, "e2e", "ttl/f.bin")
        assert result.hash == etag_file(local)
        assert_stored(wcs, short, "ttl/f.bin", local)
    # The partly sent block was restarted; the expired complete one made mkfile fail
    # once, after which everything was sent again.
    assert hook.verbs("mkfile").count("POST /mkfile/" + str(local.stat().st_size)) == 2


def test_corrupted_crc32_answer_is_detected(emulator: EmulatorProcess, tmp_path: Path) -> None:
    local = random_file(tmp_path / "f.bin", BLOCK + 10)

    def corrupt_crc32(request: httpx.Request, response: httpx.Response) -> httpx.Response:
        if request.url.path.startswith("/mkblk/") and response.status_code == 200:
            body = json.loads(response.read())
            body["crc32"] ^= 1
            return httpx.Response(200, json=body, headers={"X-Reqid": "tampered"})
        return response

    tampered = client(emulator, Hooked(corrupt_crc32), concurrency=1)
    with tampered as wcs, pytest.raises(WcsIntegrityError, match="crc32"):
        wcs.multipart_upload(local, "e2e", "tampered/f.bin")
    with client(emulator) as wcs, pytest.raises(WcsNotFoundError):
        wcs.stat("e2e", "tampered/f.bin")  # never reported, never made


def test_interrupted_download_resumes_with_range(emulator: EmulatorProcess, tmp_path: Path) -> None:
    local = random_file(tmp_path / "f.bin", 3 * MiB + 3)
    with client(emulator) as wcs:
        wcs.upload_file(local, "e2e", "dl/f.bin")
    url = emulator.url_of("e2e", "dl/f.bin")

    class CutBody(httpx.SyncByteStream):
        def __init__(self, inner: httpx.Response) -> None:
            self._inner = inner

        def __iter__(self) -> Iterator[bytes]:
            sent = 0
            for chunk in self._inner.iter_raw():
                yield chunk
                sent += len(chunk)
                if sent > MiB:
                    raise httpx.ReadError("test: connection cut")

        def close(self) -> None:
            self._inner.close()

    def cut(request: httpx.Request, response: httpx.Response) -> httpx.Response:
        if request.url.path.startswith("/dl/") and response.status_code == 200:
            return httpx.Response(200, headers=response.headers, stream=CutBody(response))
        return response

    target = tmp_path / "got.bin"
    cutting = client(emulator, Hooked(cut), connection_retries=0)
    with cutting as wcs, pytest.raises(Exception, match="cut"):
        wcs.download(url, target)
    assert not target.exists()
    kept = (tmp_path / ".got.bin.wcs-part").stat().st_size
    assert kept > MiB
    hook = Hooked()
    with client(emulator, hook) as wcs:
        result = wcs.download(url, target)
    assert result.resumed_from == kept
    assert result.hash == etag_file(local)
    assert target.read_bytes() == local.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.bin", "got.bin"]


def test_async_twin_uploads_and_downloads(emulator: EmulatorProcess, tmp_path: Path) -> None:
    local = random_file(tmp_path / "f.bin", 2 * BLOCK + 99)

    async def run() -> None:
        config = emulator.config(block_size=BLOCK, bput_size=MiB, concurrency=3)
        async with AsyncWcs(config, retry=FAST_RETRY) as wcs:
            result = await wcs.multipart_upload(local, "e2e", "async/f.bin")
            assert result.hash == etag_file(local)
            got = await wcs.download(emulator.url_of("e2e", "async/f.bin"), tmp_path / "got")
            assert got.hash == result.hash

            async def pieces() -> Any:
                for start in range(0, local.stat().st_size, 300_001):
                    yield local.read_bytes()[start : start + 300_001]

            streamed = await wcs.stream_upload(pieces(), "e2e", "async/stream.bin")
            assert streamed.hash == result.hash

    asyncio.run(run())
    assert (tmp_path / "got").read_bytes() == local.read_bytes()
