"""End to end: every operation of the ``Wcs`` client against the real emulator.

Each test works under its own key prefix of the session emulator's ``e2e`` bucket, so
the tests do not depend on each other or on their order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from wcs_ext import Wcs
from wcs_ext.errors import WcsConflictError, WcsNotFoundError, WcsServerError
from wcs_ext.models import JobStatus
from wcs_ext.protocol.checksum import etag_bytes, etag_file
from wcs_ext.protocol.encoding import entry, urlsafe_b64encode

from .conftest import EmulatorProcess, wait_until

BUCKET = "e2e"
MiB = 1024 * 1024


def put(wcs: Wcs, tmp_path: Path, key: str, data: bytes, bucket: str = BUCKET) -> None:
    local = tmp_path / hashlib.sha1(key.encode()).hexdigest()
    local.write_bytes(data)
    wcs.simple_upload(local, bucket, key)


def fetch(emulator: EmulatorProcess, key: str, bucket: str = BUCKET) -> bytes:
    response = httpx.get(emulator.url_of(bucket, key))
    assert response.status_code == 200, response.text
    return response.content


def finished(status_of: Callable[[str], JobStatus], persistent_id: str) -> JobStatus:
    statuses: list[JobStatus] = []

    def done() -> bool:
        statuses.append(status_of(persistent_id))
        return statuses[-1].finished

    wait_until(done)
    return statuses[-1]


# -- uploads ---------------------------------------------------------------------------


def test_simple_upload_then_stat(emulator_wcs: Wcs, tmp_path: Path) -> None:
    local = tmp_path / "hello.txt"
    local.write_bytes(b"hello wcs\n")
    result = emulator_wcs.simple_upload(local, BUCKET, "simple/hello.txt")
    assert result.hash == "FiJansjy9XVdTONVcAYheClQyUjF"
    assert result.request_id
    info = emulator_wcs.stat(BUCKET, "simple/hello.txt")
    assert (info.key, info.size, info.hash) == ("simple/hello.txt", 10, result.hash)
    assert info.mime_type == "text/plain"
    assert info.storage_class == "Standard"
    assert info.expiration_date is None
    assert info.put_time is not None
    assert abs(info.put_time - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)


def test_multipart_upload_of_several_blocks(
    emulator: EmulatorProcess, emulator_wcs: Wcs, tmp_path: Path
) -> None:
    data = os.urandom(9 * MiB + 1024)  # blocks of 4, 4 and 1 MiB; chunks of 1 MiB
    local = tmp_path / "nine.bin"
    local.write_bytes(data)
    result = emulator_wcs.multipart_upload(local, BUCKET, "multi/nine.bin")
    assert result.hash == etag_file(local)
    assert emulator_wcs.stat(BUCKET, "multi/nine.bin").hash == result.hash
    target = tmp_path / "back.bin"
    downloaded = emulator_wcs.download(emulator.url_of(BUCKET, "multi/nine.bin"), target)
    assert downloaded.size == len(data)
    assert target.read_bytes() == data


def test_stream_upload_from_a_generator(emulator: EmulatorProcess, emulator_wcs: Wcs) -> None:
    small = os.urandom(100_000)
    big = os.urandom(4 * MiB + 100_000)  # more than one block: goes as mkblk/bput/mkfile

    def pieces(data: bytes) -> Iterator[bytes]:
        for offset in range(0, len(data), 65536):
            yield data[offset : offset + 65536]

    for key, data in (("stream/small.bin", small), ("stream/big.bin", big)):
        result = emulator_wcs.stream_upload(pieces(data), BUCKET, key)
        assert result.hash == etag_bytes(data)
        assert fetch(emulator, key) == data


def test_stream_upload_from_the_download_url(
    emulator: EmulatorProcess, emulator_wcs: Wcs, tmp_path: Path
) -> None:
    data = os.urandom(300_000)
    put(emulator_wcs, tmp_path, "stream/source.bin", data)
    source = emulator.url_of(BUCKET, "stream/source.bin")
    result = emulator_wcs.stream_upload(source, BUCKET, "stream/copy.bin")
    assert result.hash == etag_bytes(data)
    assert emulator_wcs.stat(BUCKET, "stream/copy.bin").size == len(data)


# -- listings and buckets --------------------------------------------------------------


def test_list_pages_flat_with_limit(emulator_wcs: Wcs, tmp_path: Path) -> None:
    keys = [f"paging/{name}" for name in ("a", "b", "c/d", "c/e", "f", "g h", "中")]
    for key in keys:
        put(emulator_wcs, tmp_path, key, key.encode())
    pages = list(emulator_wcs.iter_pages(BUCKET, prefix="paging/", limit=2))
    assert [len(p.items) for p in pages] == [2, 2, 2, 1]
    assert pages[-1].marker == ""
    assert all(p.marker for p in pages[:-1])
    listed = [item.key for page in pages for item in page.items]
    assert listed == sorted(keys, key=lambda k: k.encode())
    assert all(page.common_prefixes == () for page in pages)
    sizes = {o.key: o.size for o in emulator_wcs.iter_objects(BUCKET, prefix="paging/")}
    assert sizes == {key: len(key.encode()) for key in keys}


def test_list_mode_0_and_1_directories(emulator_wcs: Wcs, tmp_path: Path) -> None:
    for key in ("tree/a.txt", "tree/b.txt", "tree/sub1/x", "tree/sub1/y/z", "tree/sub2/w"):
        put(emulator_wcs, tmp_path, key, b"x")

    def walk(mode: int) -> list[tuple[list[str], list[str]]]:
        pages = emulator_wcs.iter_pages(BUCKET, prefix="tree/", limit=3, mode=mode)
        return [([i.key for i in p.items], list(p.common_prefixes)) for p in pages]

    # mode 0: the directory's files first, then its folders; 1: folders first.
    assert walk(0) == [(["tree/a.txt", "tree/b.txt"], ["tree/sub1/"]), ([], ["tree/sub2/"])]
    assert walk(1) == [(["tree/a.txt"], ["tree/sub1/", "tree/sub2/"]), (["tree/b.txt"], [])]
    whole = emulator_wcs.list_objects(BUCKET, prefix="tree/sub1/", mode=0)
    assert [i.key for i in whole.items] == ["tree/sub1/x"]
    assert whole.common_prefixes == ("tree/sub1/y/",)
    assert whole.marker == ""


def test_list_buckets(emulator_wcs: Wcs) -> None:
    names = [b.name for b in emulator_wcs.list_buckets()]
    assert names == ["e2e", "other"]


def test_bucket_usage_and_statistics(emulator_wcs: Wcs, tmp_path: Path) -> None:
    put(emulator_wcs, tmp_path, "usage/one.bin", bytes(2 * MiB))
    today = dt.datetime.now(dt.UTC).date()
    usage = emulator_wcs.bucket_usage(["e2e", "other"], today - dt.timedelta(days=1), today)
    assert [u.name for u in usage] == ["e2e", "other"]
    days = usage[0].days
    assert [d.date for d in days] == [today - dt.timedelta(days=1), today]
    assert days[0].storage_mb == 0.0
    assert days[1].storage_mb >= 2.0
    assert isinstance(days[1].storage_mb, float)
    stats = emulator_wcs.bucket_statistics(BUCKET, "uploadRequest", today, today)
    assert (stats.name, stats.type) == (BUCKET, "uploadRequest")
    assert stats.data[0]["time"] == today.isoformat()
    assert stats.data[0]["value"] >= 1


# -- single-object management ----------------------------------------------------------


def test_delete(emulator_wcs: Wcs, tmp_path: Path) -> None:
    put(emulator_wcs, tmp_path, "del/gone.txt", b"bye")
    assert emulator_wcs.delete(BUCKET, "del/gone.txt").message == "OK"
    with pytest.raises(WcsNotFoundError, match="file not exist"):
        emulator_wcs.stat(BUCKET, "del/gone.txt")
    with pytest.raises(WcsNotFoundError):
        emulator_wcs.delete(BUCKET, "del/gone.txt")


def test_move_and_copy(emulator: EmulatorProcess, emulator_wcs: Wcs, tmp_path: Path) -> None:
    put(emulator_wcs, tmp_path, "mc/src.txt", b"payload")
    emulator_wcs.copy(BUCKET, "mc/src.txt", "other", "mc/copied.txt")
    assert fetch(emulator, "mc/copied.txt", "other") == b"payload"
    emulator_wcs.move(BUCKET, "mc/src.txt", BUCKET, "mc/moved.txt")
    assert fetch(emulator, "mc/moved.txt") == b"payload"
    with pytest.raises(WcsNotFoundError):
        emulator_wcs.stat(BUCKET, "mc/src.txt")
    with pytest.raises(WcsNotFoundError):
        emulator_wcs.move(BUCKET, "mc/src.txt", BUCKET, "mc/anywhere.txt")
    # Onto an existing key with other content: 614, nothing changes.
    put(emulator_wcs, tmp_path, "mc/taken.txt", b"different")
    with pytest.raises(WcsConflictError) as caught:
        emulator_wcs.copy(BUCKET, "mc/moved.txt", BUCKET, "mc/taken.txt")
    assert caught.value.status == 614
    assert fetch(emulator, "mc/taken.txt") == b"different"
    # The destination key defaults to the source key.
    emulator_wcs.copy(BUCKET, "mc/moved.txt", "other")
    assert fetch(emulator, "mc/moved.txt", "other") == b"payload"


def test_set_deadline(emulator: EmulatorProcess, emulator_wcs: Wcs, tmp_path: Path) -> None:
    put(emulator_wcs, tmp_path, "deadline/k.txt", b"keep me a while")
    emulator_wcs.set_deadline(BUCKET, "deadline/k.txt", 3)
    expiry = emulator_wcs.stat(BUCKET, "deadline/k.txt").expiration_date
    assert expiry is not None
    in_three_days = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    assert expiry.tzinfo is not None
    assert abs(expiry - in_three_days) < dt.timedelta(minutes=5)
    emulator_wcs.set_deadline(BUCKET, "deadline/k.txt", -1)
    assert emulator_wcs.stat(BUCKET, "deadline/k.txt").expiration_date is None
    emulator_wcs.set_deadline(BUCKET, "deadline/k.txt", 0)
    with pytest.raises(WcsNotFoundError):
        emulator_wcs.stat(BUCKET, "deadline/k.txt")
    assert emulator_wcs.list_objects(BUCKET, prefix="deadline/").items == ()
    assert httpx.get(emulator.url_of(BUCKET, "deadline/k.txt")).status_code == 404
    with pytest.raises(WcsNotFoundError):
        emulator_wcs.set_deadline(BUCKET, "deadline/k.txt", 5)


# -- asynchronous jobs -----------------------------------------------------------------


def test_fmgr_move_and_copy(emulator: EmulatorProcess, emulator_wcs: Wcs, tmp_path: Path) -> None:
    put(emulator_wcs, tmp_path, "fm/src.txt", b"job bytes")
    job = emulator_wcs.fmgr.copy(BUCKET, "fm/src.txt", "other", "fm/copy.txt")
    status = finished(emulator_wcs.fmgr.status, job.persistent_id)
    assert status.succeeded
    assert status.items[0].key == "fm/copy.txt"
    assert status.items[0].hash == etag_bytes(b"job bytes")
    job = emulator_wcs.fmgr.move(BUCKET, "fm/src.txt", BUCKET, "fm/moved.txt")
    assert finished(emulator_wcs.fmgr.status, job.persistent_id).succeeded
    assert fetch(emulator, "fm/moved.txt") == b"job bytes"
    assert fetch(emulator, "fm/copy.txt", "other") == b"job bytes"
    # A failing command fails its item, with the reason.
    job = emulator_wcs.fmgr.move(BUCKET, "fm/src.txt", BUCKET, "fm/again.txt")
    status = finished(emulator_wcs.fmgr.status, job.persistent_id)
    assert status.items[0].failed
    assert status.items[0].error == "file not exist"


def test_fmgr_fetch(emulator: EmulatorProcess, emulator_wcs: Wcs, tmp_path: Path) -> None:
    data = os.urandom(50_000)
    put(emulator_wcs, tmp_path, "fm/fetch-src.bin", data)
    url = emulator.url_of(BUCKET, "fm/fetch-src.bin")
    md5 = hashlib.md5(data).hexdigest()
    job = emulator_wcs.fmgr.fetch(url, BUCKET, "fm/fetched.bin", md5=md5)
    status = finished(emulator_wcs.fmgr.status, job.persistent_id)
    assert status.succeeded, status.items
    assert status.items[0].url == url
    assert emulator_wcs.stat(BUCKET, "fm/fetched.bin").hash == etag_bytes(data)
    job = emulator_wcs.fmgr.fetch(url, BUCKET, "fm/bad-md5.bin", md5="0" * 32)
    status = finished(emulator_wcs.fmgr.status, job.persistent_id)
    assert status.items[0].failed
    assert "md5 mismatch" in (status.items[0].error or "")
    with pytest.raises(WcsNotFoundError):
        emulator_wcs.stat(BUCKET, "fm/bad-md5.bin")


def test_fmgr_delete_and_delete_prefix(emulator_wcs: Wcs, tmp_path: Path) -> None:
    for key in ("fm/d1", "fm/d2", "fm/dp/a", "fm/dp/b/c", "fm/dpx"):
        put(emulator_wcs, tmp_path, key, key.encode())
    job = emulator_wcs.fmgr.delete(BUCKET, ["fm/d1", "fm/d2", "fm/never-there"])
    status = finished(emulator_wcs.fmgr.status, job.persistent_id)
    assert [item.code for item in status.items] == [3, 3, 3]  # missing keys count as deleted
    # A prefix names a directory: "fm/dp" deletes fm/dp/..., not fm/dpx.
    job = emulator_wcs.fmgr.delete_prefix(BUCKET, "fm/dp")
    assert finished(emulator_wcs.fmgr.status, job.persistent_id).succeeded
    left = {o.key for o in emulator_wcs.iter_objects(BUCKET, prefix="fm/d")}
    assert left == {"fm/dpx"}


def test_fmgr_delete_m3u8(emulator_wcs: Wcs, tmp_path: Path) -> None:
    playlist = (
        b"#EXTM3U\n#EXTINF:10,\nseg0.ts\n#EXTINF:10,\nsub/seg1.ts\n/fm/abs.ts\n#EXT-X-ENDLIST\n"
    )
    segments = ("fm/live/seg0.ts", "fm/live/sub/seg1.ts", "fm/abs.ts")
    for key in (*segments, "fm/live/keep.ts"):
        put(emulator_wcs, tmp_path, key, b"ts")
    put(emulator_wcs, tmp_path, "fm/live/a.m3u8", playlist)
    put(emulator_wcs, tmp_path, "fm/live/b.m3u8", playlist)
    job = emulator_wcs.fmgr.delete_m3u8(BUCKET, "fm/live/b.m3u8", delete_ts=False)
    assert finished(emulator_wcs.fmgr.status, job.persistent_id).succeeded
    assert emulator_wcs.stat(BUCKET, "fm/live/seg0.ts").size == 2
    job = emulator_wcs.fmgr.delete_m3u8(BUCKET, "fm/live/a.m3u8")
    assert finished(emulator_wcs.fmgr.status, job.persistent_id).succeeded
    for key in (*segments, "fm/live/a.m3u8", "fm/live/b.m3u8"):
        with pytest.raises(WcsNotFoundError):
            emulator_wcs.stat(BUCKET, key)
    assert emulator_wcs.stat(BUCKET, "fm/live/keep.ts").size == 2


def test_fmgr_compress_both_grammars(
    emulator: EmulatorProcess, emulator_wcs: Wcs, tmp_path: Path
) -> None:
    files = {"zip/a.txt": b"alpha", "zip/dir/b.bin": os.urandom(3000)}
    for key, data in files.items():
        put(emulator_wcs, tmp_path, key, data)
    # keys/<b64|b64>/saveas/<entry>
    job = emulator_wcs.fmgr.compress(BUCKET, list(files), (BUCKET, "zip/out1.zip"))
    assert finished(emulator_wcs.fmgr.status, job.persistent_id).succeeded
    # key/<index object>/fops/<b64 "mkzip/2|saveas/<entry>">, as the original SDK's README
    put(emulator_wcs, tmp_path, "zip/index.txt", "\n".join(files).encode())
    fops = urlsafe_b64encode(f"mkzip/2|saveas/{entry(BUCKET, 'zip/out2.zip')}")
    op = f"bucket/{urlsafe_b64encode(BUCKET)}/key/{urlsafe_b64encode('zip/index.txt')}/fops/{fops}"
    job = emulator_wcs.fmgr.submit("compress", op)
    status = finished(emulator_wcs.fmgr.status, job.persistent_id)
    assert status.succeeded
    assert status.items[0].key == "zip/out2.zip"
    for name in ("zip/out1.zip", "zip/out2.zip"):
        archive = zipfile.ZipFile(io.BytesIO(fetch(emulator, name)))
        assert {n: archive.read(n) for n in archive.namelist()} == files
        assert emulator_wcs.stat(BUCKET, name).mime_type == "application/zip"
    job = emulator_wcs.fmgr.compress(BUCKET, ["zip/missing"], (BUCKET, "zip/out3.zip"))
    status = finished(emulator_wcs.fmgr.status, job.persistent_id)
    assert status.items[0].error == "file not exist: zip/missing"


def test_fops_end_in_a_clear_failure(emulator_wcs: Wcs, tmp_path: Path) -> None:
    put(emulator_wcs, tmp_path, "fops/in.mp4", b"not really a video")
    job = emulator_wcs.fops.execute(BUCKET, "fops/in.mp4", "avthumb/mp4/vb/1.25m;vframe/jpg")
    status = finished(emulator_wcs.fops.status, job.persistent_id)
    assert status.code == 3
    assert (status.input_bucket, status.input_key) == (BUCKET, "fops/in.mp4")
    assert [item.error for item in status.items] == [
        "not supported by the emulator: avthumb",
        "not supported by the emulator: vframe",
    ]
    assert all(item.failed for item in status.items)
    assert not status.succeeded


def test_wslive_list_is_empty(emulator_wcs: Wcs) -> None:
    recordings = emulator_wcs.wslive_list("channel1", "20260101000000", "20260102000000", BUCKET)
    assert recordings.total == 0
    assert recordings.items == ()


def test_image_detect_is_not_supported(emulator_wcs: Wcs) -> None:
    with pytest.raises(WcsServerError, match="not supported by the emulator") as caught:
        emulator_wcs.image_detect("http://img.example.com/a.jpg", "porn", BUCKET)
    assert caught.value.status == 501


def test_overwrite_needs_the_policy(emulator: EmulatorProcess, tmp_path: Path) -> None:
    local = tmp_path / "v.txt"
    with emulator.client() as plain, emulator.client(overwrite=1) as overwriting:
        local.write_bytes(b"version 1")
        plain.simple_upload(local, BUCKET, "ow/v.txt")
        plain.simple_upload(local, BUCKET, "ow/v.txt")  # same bytes again: acknowledged
        local.write_bytes(b"version 2")
        with pytest.raises(WcsConflictError) as caught:
            plain.simple_upload(local, BUCKET, "ow/v.txt")
        assert (caught.value.status, caught.value.message) == (
            614,
            f"upload wcs://{BUCKET}/ow/v.txt: file exists",
        )
        assert fetch(emulator, "ow/v.txt") == b"version 1"
        overwriting.simple_upload(local, BUCKET, "ow/v.txt")
    assert fetch(emulator, "ow/v.txt") == b"version 2"
