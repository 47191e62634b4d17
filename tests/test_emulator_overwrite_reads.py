"""Reads of a key while it is being overwritten: every download and copy gets the old
version or the new one, whole, never a 404, a 500 or a body cut short (the job worker's
reads: ``test_emulator_job_reads``)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from wcs_ext.protocol.encoding import entry
from wcs_ext.protocol.signing import Credentials, PutPolicy, management_token, upload_token

from .conftest import EMULATOR_AK, EMULATOR_SK, EmulatorProcess, wait_until

BUCKET = "e2e"
SIZE = 64 * 1024
VERSIONS = [os.urandom(SIZE) for _ in range(6)]
RANGE = (1000, 40_999)  # inclusive, as in the header
OVERWRITES = 150
TIME_LIMIT = 30.0
"""Seconds one race may take; its loops also stop after their counts."""
CREDENTIALS = Credentials(access_key=EMULATOR_AK, secret_key=EMULATOR_SK)

Attempt = Callable[[httpx.Client, int], "str | None"]
"""One read (the n-th of its thread): ``None`` when it was right, else what was wrong."""


def _overwrite(
    emulator: EmulatorProcess, key: str, stop: threading.Event, errors: list[str]
) -> None:
    token = upload_token(CREDENTIALS, PutPolicy.for_object(BUCKET, key, lifetime=600, overwrite=1))
    deadline = time.monotonic() + TIME_LIMIT
    try:
        with httpx.Client(base_url=emulator.put_url, timeout=10) as client:
            for n in range(OVERWRITES):
                if time.monotonic() > deadline:
                    break
                answer = client.post(
                    "/file/upload",
                    data={"token": token},
                    files={"file": ("f", VERSIONS[n % len(VERSIONS)], "text/plain")},
                )
                if answer.status_code != 200:
                    errors.append(f"upload {n}: {answer.status_code} {answer.text}")
    finally:
        stop.set()


def _keep_reading(
    attempt: Attempt, stop: threading.Event, errors: list[str], reads: list[int]
) -> None:
    deadline = time.monotonic() + TIME_LIMIT
    count = 0
    with httpx.Client(timeout=10) as client:
        while not stop.is_set() and count < 5000 and time.monotonic() < deadline:
            try:
                error = attempt(client, count)
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"
            count += 1
            if error is not None:
                errors.append(error)
    reads.append(count)


def _race(emulator: EmulatorProcess, key: str, attempt: Attempt, *, readers: int) -> int:
    """Overwrite ``key`` again and again while ``readers`` threads repeat ``attempt``;
    returns how many attempts were made, all of them right."""
    with emulator.client() as client:
        client.stream_upload([VERSIONS[-1]], BUCKET, key)
    stop = threading.Event()
    errors: list[str] = []
    reads: list[int] = []
    threads = [threading.Thread(target=_overwrite, args=(emulator, key, stop, errors))]
    threads += [
        threading.Thread(target=_keep_reading, args=(attempt, stop, errors, reads))
        for _ in range(readers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIME_LIMIT + 15)
    assert not any(thread.is_alive() for thread in threads)
    assert not errors, f"{len(errors)} of {sum(reads)} reads failed, e.g.:\n" + "\n".join(
        errors[:5]
    )
    return sum(reads)


def _mgmt(
    client: httpx.Client, emulator: EmulatorProcess, method: str, target: str
) -> httpx.Response:
    authorization = management_token(CREDENTIALS, target)
    return client.request(
        method, emulator.mgr_url + target, headers={"Authorization": authorization}
    )


def test_downloads_during_overwrites_get_one_version_whole(emulator: EmulatorProcess) -> None:
    key = "race/downloaded.bin"
    url = emulator.url_of(BUCKET, key)
    whole, parts = set(VERSIONS), {v[RANGE[0] : RANGE[1] + 1] for v in VERSIONS}

    def download(client: httpx.Client, n: int) -> str | None:
        ranged = n % 2 == 1
        headers = {"Range": f"bytes={RANGE[0]}-{RANGE[1]}"} if ranged else {}
        answer = client.get(url, headers=headers)
        expected_status, expected = (206, parts) if ranged else (200, whole)
        if answer.status_code == expected_status and answer.content in expected:
            return None
        return (
            f"{'range' if ranged else 'whole'}: {answer.status_code}, "
            f"{len(answer.content)} bytes, not one version: {answer.text[:80]!r}"
        )

    assert _race(emulator, key, download, readers=2) >= 100


def test_copies_during_overwrites_copy_one_version_whole(emulator: EmulatorProcess) -> None:
    key = "race/copied.bin"

    def copy(client: httpx.Client, n: int) -> str | None:
        target = f"race/copies/{threading.get_ident()}-{n}"
        answer = _mgmt(
            client, emulator, "POST", f"/copy/{entry(BUCKET, key)}/{entry(BUCKET, target)}"
        )
        if answer.status_code != 200:
            return f"copy: {answer.status_code} {answer.text}"
        copied = client.get(emulator.url_of(BUCKET, target))
        if copied.status_code != 200 or copied.content not in VERSIONS:
            return f"copy: its result is {copied.status_code}, {len(copied.content)} bytes"
        return None

    assert _race(emulator, key, copy, readers=2) >= 50


def test_ranges_if_range_and_head(emulator: EmulatorProcess) -> None:
    data = bytes(range(256)) * 16
    with emulator.client() as client:
        client.stream_upload([data], BUCKET, "race/ranges.bin")
    url = emulator.url_of(BUCKET, "race/ranges.bin")
    several = httpx.get(url, headers={"Range": "bytes=0-9, 5-19, 100-109"})
    assert several.status_code == 206
    boundary = several.headers["content-type"].split("boundary=")[1]
    assert several.headers["content-length"] == str(len(several.content))
    parts = several.content.split(f"--{boundary}".encode())
    assert (parts[0], parts[-1]) == (b"", b"--")
    assert (
        [p.split(b"\r\n\r\n", 1)[1] for p in parts[1:-1]]
        == [
            data[0:20] + b"\r\n",  # overlapping ranges are merged
            data[100:110] + b"\r\n",
        ]
    )
    assert b"Content-Range: bytes 100-109/4096" in parts[2]
    etag = httpx.head(url).headers["etag"]
    same = httpx.get(url, headers={"Range": "bytes=4000-", "If-Range": etag})
    assert (same.status_code, same.content) == (206, data[4000:])
    changed = httpx.get(url, headers={"Range": "bytes=4000-", "If-Range": '"other"'})
    assert (changed.status_code, changed.content) == (200, data)
    head = httpx.head(url, headers={"Range": "bytes=10-19"})
    assert (head.status_code, head.headers["content-length"], head.content) == (206, "10", b"")
    empty_key = "race/empty.bin"
    with emulator.client() as client:
        client.stream_upload([b""], BUCKET, empty_key)
    empty = httpx.get(emulator.url_of(BUCKET, empty_key))
    assert (empty.status_code, empty.content, empty.headers["content-length"]) == (200, b"", "0")


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_abandoned_downloads_close_their_files(emulator: EmulatorProcess) -> None:
    with emulator.client() as client:
        client.stream_upload([os.urandom(8 * 1024 * 1024)], BUCKET, "race/big.bin")
    fds = Path(f"/proc/{emulator.pid}/fd")

    def blob_files_open() -> int:
        objects = str(emulator.data_dir / "objects")
        count = 0
        for fd in fds.iterdir():
            try:
                target = os.readlink(fd)
            except FileNotFoundError:  # closed between the listing and the look: not open
                continue
            count += target.startswith(objects)
        return count

    for _ in range(5):
        with httpx.stream("GET", emulator.url_of(BUCKET, "race/big.bin")) as answer:
            next(answer.iter_raw(1024))
    wait_until(lambda: blob_files_open() == 0)
