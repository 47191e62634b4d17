"""Moving bytes with ``Wcs``: simple, block and stream uploads, downloads, and their checks.

A faithful in-memory upload host stands behind ``httpx.MockTransport``: it keeps each block
by ctx, checks every bput offset, answers the chunk's real crc32, assembles the object on
mkfile and answers its etag. Tests tamper with its answers or inject failures to see the
client notice (crc32, offset, hash) or retry (re-sending the very same bytes).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.upload_host import (  # noqa: F401  (pytest fixtures)
    AK,
    BASE_URL,
    BLOCK,
    EMPTY_ETAG,
    SK,
    Injected,
    MiB,
    UploadHost,
    data_of,
    etag,
    file_part,
    host,
    make_wcs,
    reply,
    write,
)
from wcs_ext import (
    RetryPolicy,
    Wcs,
    WcsBadRequestError,
    WcsConfig,
    WcsError,
    WcsInputError,
    WcsIntegrityError,
    WcsNotFoundError,
    WcsServerError,
    WcsTimeoutError,
    WcsTransportError,
)

# --------------------------------------------------------------------- simple upload checks


def test_simple_upload_with_a_wrong_hash_is_an_integrity_error(
    make_wcs: Callable[..., Wcs], host: UploadHost, tmp_path: Path
) -> None:
    host.tamper("upload", lambda body: body.update(hash="FiJansjy9XVdTONVcAYheClQyUjG"))
    path = write(tmp_path, b"hello wcs\n")
    with pytest.raises(WcsIntegrityError) as caught:
        make_wcs().simple_upload(path, "ref-bucket", "docs/hello.txt")
    err = caught.value
    assert "FiJansjy9XVdTONVcAYheClQyUjG" in err.message
    assert "FiJansjy9XVdTONVcAYheClQyUjF" in err.message  # the local etag
    assert err.message.startswith("upload wcs://ref-bucket/docs/hello.txt: ")
    assert err.request_id == "req-up"


def test_simple_upload_without_a_hash_in_the_answer(
    make_wcs: Callable[..., Wcs], host: UploadHost, tmp_path: Path
) -> None:
    # A returnBody may leave the hash out: nothing to compare, the whole answer is kept;
    # the hash is the local etag, and the result says the server did not confirm it.
    def custom_body(body: dict[str, Any]) -> None:
        del body["hash"]
        body["name"] = "hello"

    host.tamper("upload", custom_body)
    result = make_wcs().simple_upload(write(tmp_path, b"hello wcs\n"), "ref-bucket", "k.txt")
    assert (result.hash, result.verified) == ("FiJansjy9XVdTONVcAYheClQyUjF", False)
    assert result.body == {"key": "k.txt", "name": "hello"}


def test_simple_upload_retry_resends_the_same_file(
    make_wcs: Callable[..., Wcs], host: UploadHost, tmp_path: Path
) -> None:
    host.inject("upload", reply(503, {"message": "busy"}), httpx.ConnectError)
    data = data_of(300_000)
    result = make_wcs(retries=2).simple_upload(write(tmp_path, data), "b", "k.bin")
    assert host.verbs() == ["upload"] * 3
    assert [file_part(r) for r in host.requests] == [file_part(host.requests[0])] * 3
    assert file_part(host.requests[0])[1] == data
    # The etag hashed while sending restarts with each attempt: still the file's etag.
    assert result.hash == etag(data)


def test_missing_file_is_an_input_error(make_wcs: Callable[..., Wcs], tmp_path: Path) -> None:
    wcs = make_wcs()
    with pytest.raises(WcsInputError, match="no such file"):
        wcs.simple_upload(tmp_path / "absent.txt", "b", "k")
    with pytest.raises(WcsInputError, match="not a file"):
        wcs.multipart_upload(tmp_path, "b", "k")


# --------------------------------------------------------------------- block upload checks


def test_wrong_crc32_of_a_mkblk_is_an_integrity_error(
    make_wcs: Callable[..., Wcs], host: UploadHost, tmp_path: Path
) -> None:
    host.tamper("mkblk", lambda ack: ack.update(crc32=ack["crc32"] ^ 1))
    # One block of three chunks: which block fails first is not left to a race between
    # parallel blocks, and two bputs would follow a mkblk whose crc32 went unchecked.
    with pytest.raises(WcsIntegrityError, match=r"^mkblk 0: the server's crc32") as caught:
        make_wcs().multipart_upload(write(tmp_path, data_of(3 * MiB)), "b", "k")
    assert caught.value.request_id == "req-up"
    # Nothing is built on a chunk the server did not get right.
    assert host.verbs() == ["mkblk"]


def test_wrong_crc32_of_a_bput_is_an_integrity_error(
    make_wcs: Callable[..., Wcs], host: UploadHost, tmp_path: Path
) -> None:
    host.tamper("bput", lambda ack: ack.update(crc32=0))
    with pytest.raises(WcsIntegrityError, match="bput at 1048576"):
        make_wcs().multipart_upload(write(tmp_path, data_of(2 * MiB)), "b", "k")
    assert host.verbs() == ["mkblk", "bput"]


@pytest.mark.parametrize(("verb", "delta"), [("mkblk", -1), ("bput", 1), ("bput", -MiB)])
def test_wrong_offset_is_an_integrity_error(
    make_wcs: Callable[..., Wcs], host: UploadHost, tmp_path: Path, verb: str, delta: int
) -> None:
    host.tamper(verb, lambda ack: ack.update(offset=ack["offset"] + delta))
    with pytest.raises(WcsIntegrityError, match="bytes of the block, expected"):
        make_wcs().multipart_upload(write(tmp_path, data_of(3 * MiB)), "b", "k")
    assert "mkfile" not in host.verbs()


def test_wrong_hash_of_mkfile_is_an_integrity_error(
    make_wcs: Callable[..., Wcs], host: UploadHost, tmp_path: Path
) -> None:
    host.tamper("mkfile", lambda body: body.update(hash=EMPTY_ETAG))
    with pytest.raises(WcsIntegrityError, match="differs from the local etag"):
        make_wcs().multipart_upload(write(tmp_path, data_of(MiB + 3)), "b", "k")


@pytest.mark.parametrize(
    ("size", "mkblk", "bput"),
    [
        pytest.param(1, ["POST /mkblk/1/0"], 0, id="1 byte"),
        pytest.param(BLOCK - 1, [f"POST /mkblk/{BLOCK - 1}/0"], 3, id="block-1"),
        pytest.param(BLOCK, [f"POST /mkblk/{BLOCK}/0"], 3, id="block"),
        pytest.param(BLOCK + 1, [f"POST /mkblk/{BLOCK}/0", "POST /mkblk/1/1"], 3, id="block+1"),
        pytest.param(
            2 * BLOCK + 1,
            [f"POST /mkblk/{BLOCK}/0", f"POST /mkblk/{BLOCK}/1", "POST /mkblk/1/2"],
            6,
            id="2 blocks+1",
        ),
    ],
)
def test_block_and_chunk_counts(
    make_wcs: Callable[..., Wcs],
    host: UploadHost,
    tmp_path: Path,
    size: int,
    mkblk: list[str],
    bput: int,
) -> None:
    data = data_of(size)
    result = make_wcs().multipart_upload(write(tmp_path, data), "ref-bucket", "big/f.bin")
    assert sorted(host.lines("mkblk")) == sorted(mkblk)
    assert len(host.lines("bput")) == bput
    assert host.lines("mkfile") == [f"POST /mkfile/{size}"]
    assert host.verbs()[-1] == "mkfile"
    # Every chunk at most bput_size, none crossing a block's end; the object is the file.
    assert all(len(r.content) <= MiB for r in host.requests[:-1])
    assert host.stored == {"big/f.bin": data}
    assert (result.hash, result.size) == (etag(data), size)


def test_empty_file_goes_as_a_simple_upload(
    make_wcs: Callable[..., Wcs], host: UploadHost, tmp_path: Path
) -> None:
    path = write(tmp_path, b"")
    result = make_wcs().multipart_upload(path, "ref-bucket", "empty.bin")
    assert host.lines() == ["POST /file/upload"]
    assert file_part(host.requests[0])[1] == b""
    assert (result.hash, result.size) == (EMPTY_ETAG, 0)
    make_wcs().upload_file(path, "ref-bucket", "empty2.bin")
    assert host.lines() == ["POST /file/upload"] * 2


def test_upload_file_switches_to_blocks_above_the_threshold(
    make_wcs: Callable[..., Wcs], host: UploadHost, tmp_path: Path
) -> None:
    wcs = make_wcs(threshold=10)
    wcs.upload_file(write(tmp_path, b"0123456789", "ten.bin"), "b")
    assert host.lines() == ["POST /file/upload"]
    wcs.upload_file(write(tmp_path, b"0123456789A", "eleven.bin"), "b")
    assert host.lines()[1:] == ["POST /mkblk/11/0", "POST /mkfile/11"]
    assert host.stored == {"ten.bin": b"0123456789", "eleven.bin": b"0123456789A"}


# --------------------------------------------------------------------- retries of blocks


def test_mkblk_retry_after_500_resends_the_same_bytes(
    make_wcs: Callable[..., Wcs], host: UploadHost, tmp_path: Path
) -> None:
    host.inject(f"/mkblk/{BLOCK}/0", reply(500, {"code": 500, "message": "injected fault 500"}))
    data = data_of(BLOCK + 1024)
    make_wcs(retries=2).multipart_upload(write(tmp_path, data), "ref-bucket", "big/retry.bin")
    first, again = [r for r in host.requests if r.url.path == f"/mkblk/{BLOCK}/0"]
    assert first.content == again.content == data[:MiB]
    assert host.lines("mkblk").count("POST /mkblk/1024/1") == 1
    for header in ("Authorization", "uploadBatch", "Content-Length"):
        assert first.headers[header] == again.headers[header]
    assert host.stored["big/retry.bin"] == data


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param(reply(502, {"message": "bad gateway"}), id="502"),
        pytest.param(httpx.ConnectError, id="connect error"),
        pytest.param(httpx.ReadTimeout, id="read timeout"),
    ],
)
@pytest.mark.parametrize("verb", ["bput", "mkfile"])
def test_bput_and_mkfile_retries_resend_the_same_bytes(
    make_wcs: Callable[..., Wcs], host: UploadHost, tmp_path: Path, verb: str, failure: Injected
) -> None:
    host.inject(verb, failure)
    data = data_of(2 * MiB + 5)
    make_wcs(retries=1).multipart_upload(write(tmp_path, data), "b", "k")
    attempts = [r for r in host.requests if host.verb(r) == verb]
    assert attempts[0].url == attempts[1].url
    assert attempts[0].content == attempts[1].content
    assert host.stored["k"] == data


def test_mkblk_400_is_not_retried(
    make_wcs: Callable[..., Wcs], host: UploadHost, tmp_path: Path
) -> None:
    host.inject("mkblk", reply(400, {"code": 400, "message": "injected fault 400"}))
    with pytest.raises(WcsBadRequestError, match=r"^HTTP 400: mkblk 0: injected fault 400"):
        make_wcs(retries=3).multipart_upload(write(tmp_path, data_of(10)), "b", "k")
    assert host.verbs() == ["mkblk"]


def test_retries_are_bounded(
    make_wcs: Callable[..., Wcs], host: UploadHost, tmp_path: Path
) -> None:
    host.inject("bput", *[reply(500, {"message": "down"})] * 5)
    with pytest.raises(WcsServerError):
        make_wcs(retries=2).multipart_upload(write(tmp_path, data_of(2 * MiB)), "b", "k")
    assert host.verbs() == ["mkblk", "bput", "bput", "bput"]


# --------------------------------------------------------------------- stream uploads


def odd_pieces(data: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]
        yield b""  # empty pieces must not end the stream


def test_small_stream_is_one_form_upload(make_wcs: Callable[..., Wcs], host: UploadHost) -> None:
    data = data_of(70_001)
    result = make_wcs().stream_upload(odd_pieces(data, 4093), "ref-bucket", "s/small.bin")
    assert host.lines() == ["POST /file/upload"]
    assert host.stored == {"s/small.bin": data}
    assert (result.hash, result.size) == (etag(data), len(data))


def test_stream_from_a_readable(make_wcs: Callable[..., Wcs], host: UploadHost) -> None:
    make_wcs().stream_upload(io.BytesIO(b"from a pipe"), "b", "pipe.txt")
    assert host.stored == {"pipe.txt": b"from a pipe"}


@pytest.mark.parametrize(
    ("size", "mkblk", "bput"),
    [
        pytest.param(BLOCK, [f"POST /mkblk/{BLOCK}/0"], 3, id="exactly one block"),
        pytest.param(
            2 * BLOCK + 12345,
            [f"POST /mkblk/{BLOCK}/0", f"POST /mkblk/{BLOCK}/1", "POST /mkblk/12345/2"],
            6,
            id="two blocks and a bit",
        ),
    ],
)
def test_large_stream_goes_in_blocks(
    make_wcs: Callable[..., Wcs], host: UploadHost, size: int, mkblk: list[str], bput: int
) -> None:
    data = data_of(size)
    result = make_wcs().stream_upload(odd_pieces(data, 65537), "ref-bucket", "s/big.bin")
    assert sorted(host.lines("mkblk")) == sorted(mkblk)
    assert len(host.lines("bput")) == bput
    # The total size is only known at the end: it goes in mkfile.
    assert host.lines("mkfile") == [f"POST /mkfile/{size}"]
    assert host.stored == {"s/big.bin": data}
    assert len({r.headers["uploadBatch"] for r in host.requests}) == 1
    assert (result.hash, result.size) == (etag(data), size)


# --------------------------------------------------------------------- downloads


class Body(httpx.SyncByteStream):
    """A response body that fails after its first pieces, like a cut connection."""

    def __init__(
        self,
        pieces: list[bytes],
        error: type[httpx.RequestError] | None,
        on_fail: Callable[[], None],
    ) -> None:
        self.pieces = pieces
        self.error = error
        self.on_fail = on_fail

    def __iter__(self) -> Iterator[bytes]:
        yield from self.pieces
        if self.error is not None:
            self.on_fail()
            raise self.error("connection cut")


def downloader(
    tmp_path: Path, answer: Callable[[httpx.Request], httpx.Response]
) -> tuple[Wcs, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer(request)

    config = WcsConfig(access_key=AK, secret_key=SK, put_url=BASE_URL, mgr_url=BASE_URL)
    wcs = Wcs(config, transport=httpx.MockTransport(handler), retry=RetryPolicy(max_retries=0))
    return wcs, seen


URL = f"{BASE_URL}/ref-bucket/big/f.bin"


def test_download_writes_the_file(tmp_path: Path) -> None:
    data = data_of(3 * MiB + 7)
    wcs, seen = downloader(
        tmp_path, lambda r: httpx.Response(200, content=data, headers={"X-Reqid": "r-dl"})
    )
    with wcs:
        result = wcs.download(URL, tmp_path / "f.bin")
    assert (tmp_path / "f.bin").read_bytes() == data
    assert (result.size, result.request_id) == (len(data), "r-dl")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.bin"]
    assert [str(r.url) for r in seen] == [URL]


@pytest.mark.parametrize(
    ("error", "cls"),
    [(httpx.ReadError, WcsTransportError), (httpx.ReadTimeout, WcsTimeoutError)],
)
@pytest.mark.parametrize("existing", [None, b"the old content"])
def test_failure_mid_body_leaves_no_file(
    tmp_path: Path, error: type[httpx.RequestError], cls: type[WcsError], existing: bytes | None
) -> None:
    dest = tmp_path / "f.bin"
    partial = tmp_path / ".f.bin.wcs-part"
    if existing is not None:
        dest.write_bytes(existing)
    partial_seen: list[bool] = []
    body = Body(
        [data_of(MiB), data_of(MiB // 2)], error, lambda: partial_seen.append(partial.exists())
    )
    wcs, _ = downloader(tmp_path, lambda r: httpx.Response(200, stream=body))
    with wcs, pytest.raises(cls, match=f"^download {URL}: ") as caught:
        wcs.download(URL, dest)
    assert type(caught.value) is cls
    assert partial_seen == [True]  # the bytes went to the hidden partial file...
    assert not partial.exists()  # ...which is gone,
    if existing is None:
        assert not dest.exists()  # and nothing appeared under the final name
    else:
        assert dest.read_bytes() == existing  # or the old file is untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ([] if existing is None else ["f.bin"])


def test_empty_download_makes_an_empty_file(tmp_path: Path) -> None:
    wcs, _ = downloader(tmp_path, lambda r: httpx.Response(200, content=b""))
    with wcs:
        result = wcs.download(URL, tmp_path / "empty.bin")
    assert (tmp_path / "empty.bin").read_bytes() == b""
    assert result.size == 0
    assert [p.name for p in tmp_path.iterdir()] == ["empty.bin"]


def test_body_shorter_than_its_length_leaves_no_file(tmp_path: Path) -> None:
    body = Body([b"x" * 100], None, lambda: None)
    wcs, _ = downloader(
        tmp_path, lambda r: httpx.Response(200, stream=body, headers={"Content-Length": "1000"})
    )
    with wcs, pytest.raises(WcsIntegrityError, match="ended after 100 of 1000 bytes"):
        wcs.download(URL, tmp_path / "f.bin")
    assert list(tmp_path.iterdir()) == []


def test_download_404_is_not_found_and_leaves_no_file(tmp_path: Path) -> None:
    wcs, seen = downloader(
        tmp_path,
        lambda r: httpx.Response(
            404, json={"code": 404, "message": "file not exist"}, headers={"X-Reqid": "r404"}
        ),
    )
    with wcs, pytest.raises(WcsNotFoundError) as caught:
        wcs.download(URL, tmp_path / "f.bin")
    assert caught.value.message == f"download {URL}: file not exist"
    assert caught.value.request_id == "r404"
    assert list(tmp_path.iterdir()) == []
    assert len(seen) == 1


@pytest.mark.parametrize("status", [206, 302, 500])
def test_download_needs_a_200(tmp_path: Path, status: int) -> None:
    wcs, _ = downloader(tmp_path, lambda r: httpx.Response(status, content=b"<html>no</html>"))
    with wcs, pytest.raises(WcsError) as caught:
        wcs.download(URL, tmp_path / "f.bin")
    assert getattr(caught.value, "status", None) == status
    assert list(tmp_path.iterdir()) == []


def test_download_destination_must_be_a_file_in_an_existing_folder(tmp_path: Path) -> None:
    wcs, seen = downloader(tmp_path, lambda r: httpx.Response(200, content=b"x"))
    with wcs:
        with pytest.raises(WcsInputError, match="is a directory"):
            wcs.download(URL, tmp_path)
        with pytest.raises(WcsInputError, match="no such directory"):
            wcs.download(URL, tmp_path / "missing" / "f.bin")
    assert seen == []
