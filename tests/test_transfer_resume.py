"""The transfer engine: resume records, restarts of lost blocks, progress, download resume.

The in-memory upload host of ``tests/upload_host.py`` stands in for WCS; the same
behaviours are checked against the real emulator in the end-to-end tests.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.upload_host import (  # noqa: F401  (pytest fixtures)
    AK,
    BASE_URL,
    BLOCK,
    SK,
    MiB,
    UploadHost,
    data_of,
    etag,
    host,
    make_wcs,
    reply,
    write,
)
from wcs_ext import (
    AsyncWcs,
    RetryPolicy,
    Wcs,
    WcsAuthError,
    WcsBadRequestError,
    WcsConfig,
    WcsConflictError,
    WcsInputError,
    WcsIntegrityError,
)
from wcs_ext.transfer import TransferProgress
from wcs_ext.transfer.record import (
    BlockState,
    ResumeRecord,
    UploadIdentity,
    derive_upload_id,
    read_record,
)

# 3 blocks of 4 MiB, 1 MiB chunks: 4 + 4 + 2 requests (+ mkfile).
SIZE = 2 * BLOCK + 2 * MiB
CHUNKS_PER_BLOCK = {0: 4, 1: 4, 2: 2}


def records(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "records"
    return sorted(folder.glob("*.json")) if folder.exists() else []


def chunk_requests(host: UploadHost) -> list[str]:
    return [line for line in host.lines() if "/mkblk/" in line or "/bput/" in line]


def test_failed_upload_resumes_sending_only_what_was_not_acknowledged(
    make_wcs: Callable[..., Wcs], host: UploadHost, tmp_path: Path
) -> None:
    data = data_of(SIZE)
    path = write(tmp_path, data)
    # Block 1 is refused once, for good (400 is final): the first run fails there.
    wcs = make_wcs(concurrency=1)
    host.inject(f"/mkblk/{BLOCK}/1", reply(400, {"code": 400, "message": "refused once"}))
    with pytest.raises(WcsBadRequestError):
        wcs.multipart_upload(path, "ref-bucket", "big/resume.bin")
    [record] = records(tmp_path)
    _, saved = read_record(record)
    acked = {i: b.acked for i, b in saved.items()}
    assert acked == {0: BLOCK}  # block 0 whole, block 1 refused at its first request
    first_run = len(host.requests)

    result = make_wcs(concurrency=1).multipart_upload(path, "ref-bucket", "big/resume.bin")

    verbs = [r.url.path.split("/")[1] for r in host.requests[first_run:]]
    # Block 0 is not sent again: block 1 whole (4 chunks), block 2 whole (2), mkfile.
    assert verbs == ["mkblk", "bput", "bput", "bput", "mkblk", "bput", "mkfile"]
    assert host.stored["big/resume.bin"] == data
    assert result.hash == etag(data)
    assert records(tmp_path) == []  # deleted once mkfile succeeded
    # The same uploadBatch on both runs: the id is derived from target and file.
    batches = {r.headers["uploadBatch"] for r in host.requests}
    assert len(batches) == 1


def failing_nth(host: UploadHost, verb: str, n: int, answer: httpx.Response) -> None:
    """Make the ``n``-th request of ``verb`` get ``answer`` (the host counts it as sent)."""
    respond = host._respond
    count = {"seen": 0}

    def wrapped(request: httpx.Request) -> httpx.Response:
        if request.url.path.split("/")[1] == verb:
            count["seen"] += 1
            if count["seen"] == n:
                request.read()
                host.requests.append(request)
                return answer
        return respond(request)

    host._respond = wrapped  # type: ignore[method-assign]


def test_partly_sent_block_continues_at_its_acknowledged_offset(
    make_wcs: Callable[..., Wcs], host: UploadHost, tmp_path: Path
) -> None:
    data = data_of(SIZE)
    path = write(tmp_path, data)
    # Block 0's third chunk is refused (403 is final): two of its chunks are on the server.
    failing_nth(host, "bput", 2, reply(403, {"code": 403, "message": "quota exceeded"}))
    with pytest.raises(WcsAuthError):
        make_wcs(concurrency=1).multipart_upload(path, "b", "k")
    [record] = records(tmp_path)
    _, saved = read_record(record)
    assert {i: b.acked for i, b in saved.items()} == {0: 2 * MiB}
    host._respond = UploadHost._respond.__get__(host)  # type: ignore[method-assign]
    before = len(host.requests)
    make_wcs(concurrency=1).multipart_upload(path, "b", "k")
    resumed = [r.url.raw_path.decode() for r in host.requests[before:]]
    # Block 0 goes on at offset 2 MiB on its saved ctx; nothing of it is sent twice.
    assert resumed[0] == f"/bput/{saved[0].ctx}/{2 * MiB}"
    assert len(chunk_requests_since(host, before)) == sum(CHUNKS_PER_BLOCK.values()) - 2
    assert host.stored["k"] == data


def test_changed_file_is_not_resumed(
    make_wcs: Callable[..., Wcs], host: UploadHost, tmp_path: Path
) -> None:
    data = data_of(SIZE)
    path = write(tmp_path, data)
    host.inject(f"/mkblk/{BLOCK}/1", reply(400, {"code": 400, "message": "no"}))
    with pytest.raises(WcsBadRequestError):
        make_wcs(concurrency=1).multipart_upload(path, "b", "k")
    assert records(tmp_path)
    stat_before = path.stat()
    os.utime(path, ns=(stat_before.st_atime_ns, stat_before.st_mtime_ns + 1_000_000_000))
    before = len(host.requests)
    make_wcs(concurrency=1).multipart_upload(path, "b", "k")
    again = chunk_requests_since(host, before)
    assert len(again) == sum(CHUNKS_PER_BLOCK.values())  # everything sent again
    assert host.stored["k"] == data


def chunk_requests_since(host: UploadHost, start: int) -> list[str]:
    return [
        r.url.path for r in host.requests[start:] if r.url.path.split("/")[1] in ("mkblk", "bput")
    ]


def test_lost_ctx_restarts_the_block_and_progress_goes_back(
    make_wcs: Callable[..., Wcs], host: UploadHost, tmp_path: Path
) -> None:
    data = data_of(SIZE)
    path = write(tmp_path, data)
    seen: list[TransferProgress] = []
    # The server forgot block 0 after two chunks: its next bput answers 400/701.
    failing_nth(host, "bput", 2, reply(400, {"code": 701, "message": "ctx expired"}))
    result = make_wcs(concurrency=1).multipart_upload(path, "b", "k", progress=seen.append)
    assert host.stored["k"] == data
    assert result.hash == etag(data)
    lines = [r.url.path.split("/")[1] for r in host.requests]
    # mkblk, bput, bput(701) -> mkblk again for block 0, then the rest.
    assert lines[:4] == ["mkblk", "bput", "bput", "mkblk"]
    dones = [p.done for p in seen]
    assert min(b - a for a, b in itertools.pairwise(dones)) < 0  # taken back
    assert seen[-1].done == SIZE
    assert seen[-1].total == SIZE


def test_progress_reaches_the_total_and_never_overshoots(
    make_wcs: Callable[..., Wcs], tmp_path: Path
) -> None:
    path = write(tmp_path, data_of(SIZE))
    seen: list[TransferProgress] = []
    make_wcs(concurrency=3).multipart_upload(path, "b", "k", progress=seen.append)
    assert len(seen) == sum(CHUNKS_PER_BLOCK.values())
    assert all(p.total == SIZE and 0 < p.done <= SIZE for p in seen)
    assert sorted(p.done for p in seen) == [p.done for p in seen]
    assert seen[-1].done == SIZE
    assert seen[-1].rate > 0


def test_simple_upload_reports_progress(make_wcs: Callable[..., Wcs], tmp_path: Path) -> None:
    path = write(tmp_path, data_of(300_000))
    seen: list[TransferProgress] = []
    make_wcs().simple_upload(path, "b", "k", progress=seen.append)
    assert seen[-1].done == seen[-1].total == 300_000


def test_concurrent_upload_sends_every_chunk_once_in_order_within_its_block(
    make_wcs: Callable[..., Wcs], host: UploadHost, tmp_path: Path
) -> None:
    data = data_of(4 * BLOCK + 1)
    make_wcs(concurrency=4).multipart_upload(write(tmp_path, data), "b", "k")
    assert host.stored["k"] == data
    # Inside each block the offsets go up one chunk at a time (the host asserts the
    # offsets). That blocks overlap on the wire is checked against the emulator.
    assert len(chunk_requests(host)) == 4 * 4 + 1


def test_bad_upload_id_is_an_input_error(make_wcs: Callable[..., Wcs], tmp_path: Path) -> None:
    path = write(tmp_path, data_of(SIZE))
    with pytest.raises(WcsInputError, match="upload id"):
        make_wcs().multipart_upload(path, "b", "k", upload_id="../../etc/passwd")


def test_given_upload_id_names_the_record_and_the_batch(
    make_wcs: Callable[..., Wcs], host: UploadHost, tmp_path: Path
) -> None:
    path = write(tmp_path, data_of(SIZE))
    host.inject(f"/mkblk/{2 * MiB}/2", reply(400, {"code": 400, "message": "no"}))
    with pytest.raises(WcsBadRequestError):
        make_wcs(concurrency=1).multipart_upload(path, "b", "k", upload_id="my-upload-1")
    assert [p.name for p in records(tmp_path)] == ["my-upload-1.json"]
    assert {r.headers["uploadBatch"] for r in host.requests} == {"my-upload-1"}


# ------------------------------------------------------------------ the record itself


IDENTITY = UploadIdentity(bucket="b", key="k", size=SIZE, mtime_ns=1, block_size=BLOCK)


def block(acked: int, *, updated: float = 1e9, digests: tuple[str, ...] = ()) -> BlockState:
    return BlockState(ctx="ctx-1", acked=acked, size=BLOCK, updated=updated, digests=digests)


def test_record_round_trip_is_private_and_atomic(tmp_path: Path) -> None:
    folder = tmp_path / "state"
    record = ResumeRecord.open(folder, "up1", IDENTITY, now=1e9)
    record.acknowledge(0, block(MiB))
    record.acknowledge(1, block(BLOCK, digests=("ab" * 20,)))
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(record.path.stat().st_mode) == 0o600
    assert [p.name for p in folder.iterdir()] == ["up1.json"]  # no temp file left behind
    again = ResumeRecord.open(folder, "up1", IDENTITY, now=1e9)
    assert again.blocks() == {0: block(MiB), 1: block(BLOCK, digests=("ab" * 20,))}
    assert again.blocks()[1].complete
    assert not again.blocks()[0].complete


def test_record_start_is_durable_and_cannot_be_redirected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A record's first write used a temp name anyone could predict (pid) and opened it
    # without O_EXCL, so a link planted there was written through; nor was it fsynced.
    folder = tmp_path / "state"
    folder.mkdir(mode=0o700)
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"keep me")
    (folder / f".up1.json.{os.getpid()}.tmp").symlink_to(victim)
    synced: list[int] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    ResumeRecord.open(folder, "up1", IDENTITY, now=1e9).acknowledge(0, block(MiB))
    assert victim.read_bytes() == b"keep me"
    assert synced  # the record's first version reached the disk before it was used
    assert ResumeRecord.open(folder, "up1", IDENTITY, now=1e9).blocks() == {0: block(MiB)}


def test_record_of_another_file_or_target_is_ignored(tmp_path: Path) -> None:
    ResumeRecord.open(tmp_path, "up1", IDENTITY, now=1e9).acknowledge(0, block(MiB))
    for changed in (
        UploadIdentity(bucket="b", key="k", size=SIZE, mtime_ns=2, block_size=BLOCK),
        UploadIdentity(bucket="b", key="k", size=SIZE + 1, mtime_ns=1, block_size=BLOCK),
        UploadIdentity(bucket="b", key="other", size=SIZE, mtime_ns=1, block_size=BLOCK),
        UploadIdentity(bucket="b", key="k", size=SIZE, mtime_ns=1, block_size=2 * BLOCK),
    ):
        assert ResumeRecord.open(tmp_path, "up1", changed, now=1e9).blocks() == {}


def test_stale_blocks_are_dropped(tmp_path: Path) -> None:
    record = ResumeRecord.open(tmp_path, "up1", IDENTITY, now=1e9)
    record.acknowledge(0, block(MiB, updated=1e9 - 30 * 24 * 3600))
    record.acknowledge(1, block(MiB, updated=1e9 - 60))
    assert set(ResumeRecord.open(tmp_path, "up1", IDENTITY, now=1e9).blocks()) == {1}


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        "__import__('os').system('touch pwned')",
        json.dumps({"version": 99}),
        json.dumps({"version": 1, "identity": {"bucket": "b"}, "blocks": {}}),
    ],
)
def test_malformed_records_are_ignored_never_executed(
    tmp_path: Path, content: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "up1.json").write_text(content)
    assert ResumeRecord.open(tmp_path, "up1", IDENTITY).blocks() == {}
    assert not (tmp_path / "pwned").exists()


def test_derived_upload_id_is_stable_and_specific() -> None:
    other = UploadIdentity(bucket="b", key="k2", size=SIZE, mtime_ns=1, block_size=BLOCK)
    assert derive_upload_id(IDENTITY) == derive_upload_id(IDENTITY)
    assert derive_upload_id(IDENTITY) != derive_upload_id(other)
    assert len(derive_upload_id(IDENTITY)) == 32


# ------------------------------------------------------------------ the async twin


def test_async_multipart_upload_resumes_like_the_sync_one(host: UploadHost, tmp_path: Path) -> None:
    data = data_of(SIZE)
    path = write(tmp_path, data)
    config = WcsConfig(
        access_key=AK,
        secret_key=SK,
        put_url=BASE_URL,
        mgr_url=BASE_URL,
        bput_size=MiB,
        concurrency=1,  # block 0 is whole on the server before block 1 is refused
        max_concurrency=1,
        tmp_record_folder=str(tmp_path / "records"),
        mkblk_retries=0,
        bput_retries=0,
        mkfile_retries=0,
    )

    async def handler(request: httpx.Request) -> httpx.Response:
        await request.aread()
        return host.handler(request)

    async def run() -> Any:
        retry = RetryPolicy(max_retries=0, initial_delay=0, max_delay=0)
        async with AsyncWcs(config, transport=httpx.MockTransport(handler), retry=retry) as aw:
            return await aw.multipart_upload(path, "b", "k")

    host.inject(f"/mkblk/{BLOCK}/1", reply(400, {"code": 400, "message": "no"}))
    with pytest.raises(WcsBadRequestError):
        asyncio.run(run())
    before = len(host.requests)
    result = asyncio.run(run())
    assert host.stored["k"] == data
    assert result.hash == etag(data)
    resent = chunk_requests_since(host, before)
    assert len(resent) == CHUNKS_PER_BLOCK[1] + CHUNKS_PER_BLOCK[2]


# ------------------------------------------------------------------ downloads


class CutAfter(httpx.SyncByteStream):
    def __init__(self, data: bytes, cut: int | None) -> None:
        self.data, self.cut = data, cut

    def __iter__(self) -> Any:
        if self.cut is None:
            yield self.data
            return
        yield self.data[: self.cut]
        raise httpx.ReadError("connection cut")


def serving(data: bytes, *, etag_header: str | None, cuts: list[int | None]) -> Any:
    """A download server with Range/If-Range; each answer's body is cut as ``cuts`` says."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        headers = {"X-Reqid": "dl", "Last-Modified": "Wed, 25 Nov 2026 10:00:00 GMT"}
        if etag_header:
            headers["ETag"] = etag_header
        cut = cuts.pop(0) if cuts else None
        wanted = request.headers.get("range")
        validator = request.headers.get("if-range")
        if wanted and validator in (etag_header, headers["Last-Modified"]):
            start = int(wanted.removeprefix("bytes=").removesuffix("-"))
            part = data[start:]
            headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
            headers["Content-Length"] = str(len(part))
            return httpx.Response(206, headers=headers, stream=CutAfter(part, cut))
        headers["Content-Length"] = str(len(data))
        return httpx.Response(200, headers=headers, stream=CutAfter(data, cut))

    return handler, seen


def downloader(handler: Any, retries: int) -> Wcs:
    config = WcsConfig(put_url=BASE_URL, mgr_url=BASE_URL, connection_retries=retries)
    return Wcs(config, transport=httpx.MockTransport(handler))


def test_cut_download_continues_with_range_in_the_same_call(tmp_path: Path) -> None:
    data = data_of(3 * MiB + 5)
    handler, seen = serving(data, etag_header=f'"{etag(data)}"', cuts=[MiB, 2 * MiB])
    with downloader(handler, retries=3) as wcs:
        result = wcs.download(f"{BASE_URL}/b/k", tmp_path / "k.bin")
    assert (tmp_path / "k.bin").read_bytes() == data
    assert [r.headers.get("range") for r in seen] == [None, f"bytes={MiB}-", f"bytes={3 * MiB}-"]
    assert result.hash == etag(data)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.bin"]


def test_interrupted_download_is_continued_by_the_next_call(tmp_path: Path) -> None:
    data = data_of(2 * MiB)
    handler, seen = serving(data, etag_header=None, cuts=[MiB + 7])
    with downloader(handler, retries=0) as wcs, pytest.raises(Exception, match="cut"):
        wcs.download(f"{BASE_URL}/b/k", tmp_path / "k.bin")
    assert not (tmp_path / "k.bin").exists()
    assert (tmp_path / ".k.bin.wcs-part").stat().st_size == MiB + 7
    with downloader(handler, retries=0) as wcs:
        result = wcs.download(f"{BASE_URL}/b/k", tmp_path / "k.bin")
    assert result.resumed_from == MiB + 7
    assert seen[-1].headers["range"] == f"bytes={MiB + 7}-"
    assert seen[-1].headers["if-range"] == "Wed, 25 Nov 2026 10:00:00 GMT"
    assert (tmp_path / "k.bin").read_bytes() == data


def test_changed_object_restarts_the_download(tmp_path: Path) -> None:
    old, new = data_of(MiB), data_of(MiB + 1)
    handler, _ = serving(old, etag_header=f'"{etag(old)}"', cuts=[1000])
    with downloader(handler, retries=0) as wcs, pytest.raises(Exception, match="cut"):
        wcs.download(f"{BASE_URL}/b/k", tmp_path / "k.bin")
    handler, seen = serving(new, etag_header=f'"{etag(new)}"', cuts=[])
    with downloader(handler, retries=0) as wcs:
        result = wcs.download(f"{BASE_URL}/b/k", tmp_path / "k.bin")
    assert seen[0].headers["if-range"] == f'"{etag(old)}"'  # the server answered 200: whole
    assert result.resumed_from == 0
    assert (tmp_path / "k.bin").read_bytes() == new


def test_download_with_a_wrong_hash_is_an_integrity_error(tmp_path: Path) -> None:
    data = data_of(1000)
    handler, _ = serving(data, etag_header=f'"{etag(b"something else")}"', cuts=[])
    with downloader(handler, retries=0) as wcs, pytest.raises(WcsIntegrityError, match="hash"):
        wcs.download(f"{BASE_URL}/b/k", tmp_path / "k.bin")
    assert list(tmp_path.iterdir()) == []


def test_record_is_appended_a_line_per_chunk_and_survives_a_torn_tail(tmp_path: Path) -> None:
    record = ResumeRecord.open(tmp_path, "up1", IDENTITY, now=1e9)
    for acked in (MiB, 2 * MiB, 3 * MiB):
        record.acknowledge(0, block(acked))
    record.acknowledge(1, block(MiB))
    record.forget(1)
    lines = record.path.read_bytes().splitlines()
    assert len(lines) == 1 + 5  # header, 4 acknowledgements, 1 forget: nothing rewritten
    # A process killed in the middle of a write leaves a torn last line: it is ignored.
    with record.path.open("ab") as out:
        out.write(b'{"block": 0, "ctx": "ctx-torn", "ack')
    record.close()
    assert ResumeRecord.open(tmp_path, "up1", IDENTITY, now=1e9).blocks() == {0: block(3 * MiB)}


def test_reopened_record_starts_compact(tmp_path: Path) -> None:
    record = ResumeRecord.open(tmp_path, "up1", IDENTITY, now=1e9)
    for acked in (MiB, 2 * MiB, 3 * MiB):
        record.acknowledge(0, block(acked))
    record.close()
    again = ResumeRecord.open(tmp_path, "up1", IDENTITY, now=1e9)
    again.acknowledge(1, block(MiB))
    again.close()
    assert len(again.path.read_bytes().splitlines()) == 1 + 2  # header, block 0, block 1


def test_losing_an_overwrite_conflict_leaves_no_stale_record(
    make_wcs: Callable[..., Wcs], host: UploadHost, tmp_path: Path
) -> None:
    # Another writer stored the key first and overwrite is off: mkfile answers 614.
    # The upload cannot finish as it stands, so its record must not linger to be resumed.
    path = write(tmp_path, data_of(SIZE))
    host.inject("mkfile", reply(614, {"code": 614, "message": "file exists"}))
    with pytest.raises(WcsConflictError):
        make_wcs().multipart_upload(path, "ref-bucket", "big/raced.bin")
    assert records(tmp_path) == []


def test_a_conflict_over_our_own_bytes_is_a_finished_upload(
    make_wcs: Callable[..., Wcs], host: UploadHost, tmp_path: Path
) -> None:
    # An earlier run's mkfile reached the server, its answer never came back (a crash);
    # with overwrite off the rerun's mkfile answers 614 "file exists". The key holds
    # exactly these bytes, so the upload is done, not a conflict.
    data = data_of(SIZE)
    path = write(tmp_path, data)
    host.stored["big/again.bin"] = data
    host.inject("mkfile", reply(614, {"code": 614, "message": "file exists"}))
    result = make_wcs().multipart_upload(path, "ref-bucket", "big/again.bin")
    assert result.hash == etag(data)
    assert host.verbs()[-2:] == ["mkfile", "stat"]
    assert records(tmp_path) == []
    host.stored["big/again.bin"] = data[:-1]  # someone else's bytes: a conflict after all
    host.inject("mkfile", reply(614, {"code": 614, "message": "file exists"}))
    with pytest.raises(WcsConflictError):
        make_wcs().multipart_upload(path, "ref-bucket", "big/again.bin")
