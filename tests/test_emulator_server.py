"""The emulator as a server: raw requests, token checks, multipart rules, persistence,
odd keys, ranges, answer shapes and fault injection."""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest

from wcs_ext import Wcs
from wcs_ext.emulator import DEMO_ACCESS_KEY, DEMO_SECRET_KEY
from wcs_ext.emulator.faults import UPLOAD_KINDS, FaultKind, FaultPlan
from wcs_ext.protocol.checksum import etag_bytes
from wcs_ext.protocol.encoding import entry, urlsafe_b64decode, urlsafe_b64encode
from wcs_ext.protocol.signing import Credentials, PutPolicy, management_token, sign, upload_token

from .conftest import EMULATOR_AK, EMULATOR_SK, EmulatorFactory, EmulatorProcess, wait_until

BUCKET = "e2e"
MiB = 1024 * 1024
CREDENTIALS = Credentials(access_key=EMULATOR_AK, secret_key=EMULATOR_SK)


def token(scope: str, *, credentials: Credentials = CREDENTIALS, **options: Any) -> str:
    bucket, sep, key = scope.partition(":")
    policy = PutPolicy.for_object(bucket, key if sep else None, lifetime=600, **options)
    return upload_token(credentials, policy)


def form_upload(
    emulator: EmulatorProcess,
    upload_token: str,
    data: bytes,
    *,
    fields: Mapping[str, str] | None = None,
    filename: str = "file.bin",
) -> httpx.Response:
    return httpx.post(
        f"{emulator.put_url}/file/upload",
        data={"token": upload_token, **(fields or {})},
        files={"file": (filename, data, "text/plain")},
    )


def mgmt(
    emulator: EmulatorProcess,
    method: str,
    target: str,
    body: bytes = b"",
    *,
    signed_target: str | None = None,
    signed_body: bytes | None = None,
    credentials: Credentials = CREDENTIALS,
) -> httpx.Response:
    authorization = management_token(
        credentials, signed_target or target, body if signed_body is None else signed_body
    )
    return httpx.request(
        method, emulator.mgr_url + target, content=body, headers={"Authorization": authorization}
    )


def mkblk(
    emulator: EmulatorProcess, upload_token: str, size: int, index: int, chunk: bytes
) -> httpx.Response:
    return httpx.post(
        f"{emulator.put_url}/mkblk/{size}/{index}",
        content=chunk,
        headers={"Authorization": upload_token},
    )


def bput(
    emulator: EmulatorProcess, upload_token: str, ctx: str, offset: int, chunk: bytes
) -> httpx.Response:
    return httpx.post(
        f"{emulator.put_url}/bput/{ctx}/{offset}",
        content=chunk,
        headers={"Authorization": upload_token},
    )


def mkfile(
    emulator: EmulatorProcess, upload_token: str, size: int, ctxs: list[str]
) -> httpx.Response:
    return httpx.post(
        f"{emulator.put_url}/mkfile/{size}",
        content=",".join(ctxs),
        headers={"Authorization": upload_token},
    )


def block_id(ctx: str) -> str:
    """The block a ctx stands for (its payload starts with a version byte, then the id)."""
    return urlsafe_b64decode(ctx)[1:17].hex()


def assert_error(response: httpx.Response, status: int, code: str, text: str) -> None:
    assert response.status_code == status, response.text
    assert len(response.headers["x-reqid"]) == 32
    body = response.json()
    assert body["code"] == code
    assert text in body["message"]


def stored_files(emulator: EmulatorProcess) -> set[Path]:
    return {p for p in (emulator.data_dir / "objects").rglob("*") if p.is_file()}


def keys_under(emulator: EmulatorProcess, prefix: str) -> list[str]:
    with emulator.client() as client:
        return [o.key for o in client.iter_objects(BUCKET, prefix=prefix)]


# -- upload tokens ---------------------------------------------------------------------


def _expired_token() -> str:
    policy = PutPolicy(scope=f"{BUCKET}:auth/x", deadline=int(time.time() * 1000) - 1000)
    return upload_token(CREDENTIALS, policy)


def _undecodable_token() -> str:
    policy_text = urlsafe_b64encode("not json")
    return f"{EMULATOR_AK}:{sign(EMULATOR_SK, policy_text.encode())}:{policy_text}"


STRANGER = Credentials(access_key="stranger-ak", secret_key=EMULATOR_SK)
WRONG_SECRET = Credentials(access_key=EMULATOR_AK, secret_key="not-the-secret")


@pytest.mark.parametrize(
    ("make_token", "fields", "status", "text"),
    [
        (lambda: token(f"{BUCKET}:auth/x", credentials=WRONG_SECRET), {}, 401, "signature"),
        (lambda: token(f"{BUCKET}:auth/x", credentials=STRANGER), {}, 401, "unknown access key"),
        (_expired_token, {}, 401, "expired"),
        (_undecodable_token, {}, 401, "bad token"),
        (lambda: token(f"{BUCKET}:auth/x"), {"key": "auth/y"}, 401, "outside the token's scope"),
        (lambda: token("nosuchbucket:auth/x"), {}, 404, "bucket not exist"),
        (lambda: token(f"{BUCKET}:auth/x", fsize_limit=5), {}, 401, "fsizeLimit"),
        (lambda: token(BUCKET), {}, 400, "no key"),
        (lambda: token(BUCKET, save_key="auth/$(nope)"), {}, 400, "does not support $(nope)"),
        (lambda: token(f"{BUCKET}:auth/a/../b"), {}, 400, "'/../'"),
    ],
    ids=[
        "bad-signature",
        "unknown-ak",
        "expired",
        "undecodable-policy",
        "key-outside-scope",
        "unknown-bucket",
        "fsize-limit",
        "no-key",
        "unknown-savekey-variable",
        "bad-key",
    ],
)
def test_rejected_uploads_store_nothing(
    emulator: EmulatorProcess,
    make_token: Any,
    fields: dict[str, str],
    status: int,
    text: str,
) -> None:
    before = stored_files(emulator)
    response = form_upload(emulator, make_token(), b"0123456789", fields=fields)
    assert_error(response, status, str(status), text)
    # Nothing new (the expiry sweeper may remove files of other tests meanwhile).
    assert stored_files(emulator) <= before
    assert keys_under(emulator, "auth/") == []
    assert list((emulator.data_dir / "tmp").iterdir()) == []


def test_rejected_block_stores_nothing(emulator: EmulatorProcess) -> None:
    blocks = set((emulator.data_dir / "blocks").iterdir())
    bad = token(f"{BUCKET}:auth/block", credentials=WRONG_SECRET)
    assert_error(mkblk(emulator, bad, 4 * MiB, 0, bytes(MiB)), 401, "401", "signature")
    assert set((emulator.data_dir / "blocks").iterdir()) == blocks


# -- management tokens -----------------------------------------------------------------


def test_management_signatures(emulator: EmulatorProcess) -> None:
    with emulator.client() as client:
        client.stream_upload([b"abc"], BUCKET, "mauth/k")
    body = f"bucket={urlsafe_b64encode(BUCKET)}&key={urlsafe_b64encode('mauth/k')}&deadline=3"
    tampered = body.replace("deadline=3", "deadline=0").encode()
    response = mgmt(emulator, "POST", "/setdeadline", tampered, signed_body=body.encode())
    assert_error(response, 401, "401", "signature mismatch")
    response = mgmt(
        emulator,
        "GET",
        f"/list?bucket={BUCKET}&limit=6",
        signed_target=f"/list?bucket={BUCKET}&limit=5",
    )
    assert_error(response, 401, "401", "signature mismatch")
    response = mgmt(emulator, "GET", "/bucket/list", credentials=STRANGER)
    assert_error(response, 401, "401", "unknown access key")
    assert_error(httpx.get(f"{emulator.mgr_url}/bucket/list"), 401, "401", "no Authorization")
    assert keys_under(emulator, "mauth/") == ["mauth/k"]  # setdeadline 0 did not happen
    # Signed over the unquoted text, sent percent-encoded: accepted (the SDK does that).
    prefix = urlsafe_b64encode("mauth/")
    response = mgmt(
        emulator,
        "GET",
        f"/list?bucket={BUCKET}&prefix={prefix.replace('=', '%3D')}",
        signed_target=f"/list?bucket={BUCKET}&prefix={prefix}",
    )
    assert response.status_code == 200, response.text
    assert [i["key"] for i in response.json()["items"]] == ["mauth/k"]
    # A body without Content-Type is a form all the same.
    response = mgmt(emulator, "POST", "/setdeadline", body.encode())
    assert response.status_code == 200, response.text
    assert "content-type" not in response.request.headers
    assert response.json() == {"code": "200", "message": "OK"}


def test_status_polls_need_no_token(emulator: EmulatorProcess) -> None:
    for path in ("/fmgr/status", "/status/get/prefop"):
        response = httpx.get(f"{emulator.mgr_url}{path}?persistentId=nope")
        assert_error(response, 404, "404", "no such persistentId")


# -- multipart rules -------------------------------------------------------------------


def test_ctx_cannot_be_forged(emulator: EmulatorProcess) -> None:
    up = token(f"{BUCKET}:ctx/forged")
    ctx = mkblk(emulator, up, 4 * MiB, 0, b"x" * 1000).json()["ctx"]
    forged = ctx[:10] + ("A" if ctx[10] != "A" else "B") + ctx[11:]
    for bad in (forged, "not-a-ctx", ctx + "AAAA"):
        assert_error(bput(emulator, up, bad, 1000, b"y"), 400, "701", "make the block again")
    assert_error(mkfile(emulator, up, 1000, [forged]), 400, "701", "unknown ctx")
    other_scope = token(f"{BUCKET}:ctx/other")
    assert_error(bput(emulator, other_scope, ctx, 1000, b"y"), 400, "400", "another scope")


def test_bput_answers_and_retries(emulator: EmulatorProcess) -> None:
    up = token(f"{BUCKET}:ctx/retry")
    first, second = os.urandom(300), os.urandom(200)
    made = mkblk(emulator, up, 500, 0, first).json()
    assert made["offset"] == 300
    assert made["crc32"] == zlib.crc32(first)
    assert made["checksum"] == __import__("hashlib").sha1(first).hexdigest()
    assert_error(bput(emulator, up, made["ctx"], 299, second), 400, "400", "not the ctx's offset")
    too_much = os.urandom(201)
    assert_error(bput(emulator, up, made["ctx"], 300, too_much), 400, "400", "overflows")
    # The same bput twice (its answer lost): the block is rewound to the ctx's offset.
    answers = [bput(emulator, up, made["ctx"], 300, second).json() for _ in range(2)]
    assert answers[0]["offset"] == answers[1]["offset"] == 500
    assert answers[0]["crc32"] == answers[1]["crc32"] == zlib.crc32(second)
    finished = mkfile(emulator, up, 500, [answers[1]["ctx"]])
    assert finished.json() == {"hash": etag_bytes(first + second), "key": "ctx/retry"}
    # Repeating the mkfile (lost answer) gives the same answer although the block is gone.
    assert mkfile(emulator, up, 500, [answers[1]["ctx"]]).json() == finished.json()


def test_mkfile_checks_order_completeness_and_size(emulator: EmulatorProcess) -> None:
    up = token(f"{BUCKET}:ctx/assembled")
    block0, block1 = os.urandom(4 * MiB), os.urandom(10)
    ctx0 = mkblk(emulator, up, 4 * MiB, 0, block0).json()["ctx"]
    ctx1 = mkblk(emulator, up, 10, 1, block1).json()["ctx"]
    size = len(block0) + len(block1)
    assert_error(mkfile(emulator, up, size, [ctx1, ctx0]), 400, "400", "block order")
    assert_error(mkfile(emulator, up, size + 1, [ctx0, ctx1]), 400, "400", "fileSize")
    assert_error(mkfile(emulator, up, 10, [ctx1]), 400, "400", "block order")
    partial = mkblk(emulator, up, 4 * MiB, 0, block0[:MiB]).json()["ctx"]
    assert_error(mkfile(emulator, up, size, [partial, ctx1]), 400, "400", "incomplete")
    small = mkblk(emulator, up, 1000, 0, block0[:1000]).json()["ctx"]
    assert_error(mkfile(emulator, up, 1010, [small, ctx1]), 400, "400", "multiple of 4194304")
    assert_error(mkfile(emulator, up, 0, []), 400, "400", "comma-separated")
    blocks = emulator.data_dir / "blocks"
    assert (blocks / block_id(ctx0)).exists()
    done = mkfile(emulator, up, size, [ctx0, ctx1])
    assert done.status_code == 200, done.text
    assert done.json()["hash"] == etag_bytes(block0 + block1)
    assert not (blocks / block_id(ctx0)).exists()
    assert not (blocks / block_id(ctx1)).exists()
    assert (blocks / block_id(partial)).exists()  # unused blocks wait for their expiry


def test_expired_ctx_must_be_made_again(emulator_factory: EmulatorFactory) -> None:
    emulator = emulator_factory(extra_args=["--ctx-ttl", "1"])
    up = token(f"{BUCKET}:ctx/late")
    ctx = mkblk(emulator, up, 4 * MiB, 0, b"x" * 100).json()["ctx"]
    assert len(list((emulator.data_dir / "blocks").iterdir())) == 1
    time.sleep(1.1)
    response = bput(emulator, up, ctx, 100, b"y")
    assert_error(response, 400, "701", "ctx expired; make the block again with mkblk")
    wait_until(lambda: not list((emulator.data_dir / "blocks").iterdir()), timeout=5)


# -- persistence -----------------------------------------------------------------------


def test_everything_survives_a_restart(emulator_factory: EmulatorFactory, tmp_path: Path) -> None:
    emulator = emulator_factory()
    data = os.urandom(70_000)
    local = tmp_path / "keep.bin"
    local.write_bytes(data)
    with emulator.client() as client:
        client.simple_upload(local, BUCKET, "persist/keep.bin")
        client.set_deadline(BUCKET, "persist/keep.bin", 7)
        job = client.fmgr.copy(BUCKET, "persist/keep.bin", BUCKET, "persist/copy.bin")
        wait_until(lambda: client.fmgr.status(job.persistent_id).finished)
    up = token(f"{BUCKET}:persist/blocks.bin")
    half = mkblk(emulator, up, 1000, 0, data[:600]).json()["ctx"]

    emulator.restart()

    with emulator.client() as client:
        assert client.stat(BUCKET, "persist/keep.bin").hash == etag_bytes(data)
        assert client.stat(BUCKET, "persist/keep.bin").expiration_date
        assert client.fmgr.status(job.persistent_id).succeeded
        assert [o.key for o in client.iter_objects(BUCKET, prefix="persist/")] == [
            "persist/copy.bin",
            "persist/keep.bin",
        ]
    assert httpx.get(emulator.url_of(BUCKET, "persist/copy.bin")).content == data
    rest = bput(emulator, up, half, 600, data[600:1000]).json()
    assert mkfile(emulator, up, 1000, [rest["ctx"]]).json()["hash"] == etag_bytes(data[:1000])


def test_a_crash_mid_upload_leaves_no_trace(emulator_factory: EmulatorFactory) -> None:
    emulator = emulator_factory()
    boundary = "b0undary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="token"\r\n\r\n'
        f"{token(f'{BUCKET}:crash/half.bin')}\r\n"
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="f"\r\n\r\n'
    ).encode()

    def endless() -> Iterator[bytes]:
        yield head
        while True:  # never the closing boundary: the server dies first
            yield bytes(256 * 1024)
            time.sleep(0.01)

    def upload() -> None:
        with contextlib.suppress(httpx.HTTPError):
            httpx.post(
                f"{emulator.put_url}/file/upload",
                content=endless(),
                headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
            )

    sender = threading.Thread(target=upload, daemon=True)
    sender.start()
    tmp = emulator.data_dir / "tmp"
    wait_until(lambda: any(p.stat().st_size > MiB for p in tmp.iterdir()))
    assert emulator.stop(signal.SIGKILL) == -signal.SIGKILL
    sender.join(10)
    emulator.start()
    assert list(tmp.iterdir()) == []  # the half-written file is gone
    assert stored_files(emulator) == set()
    assert keys_under(emulator, "crash/") == []


# -- keys ------------------------------------------------------------------------------

ODD_KEYS = (
    "odd/with space.txt",
    "../escape.txt",  # no "/../" inside: a valid key, and only a name
    "odd/..",
    "odd/x..y/z",
    "odd/目录/文件 名.txt",
    "odd/emoji 🙂",
    "odd/percent%2F and+plus?#",
    "odd/" + "k" * 996,  # 1000 bytes
)


def test_odd_keys_are_just_names(emulator: EmulatorProcess, tmp_path: Path) -> None:
    outside_before = set(emulator.data_dir.parent.parent.rglob("*"))
    with emulator.client() as client:
        for number, key in enumerate(ODD_KEYS):
            client.stream_upload([f"content {number}".encode()], BUCKET, key)
        for number, key in enumerate(ODD_KEYS):
            assert client.stat(BUCKET, key).size == len(f"content {number}")
            got = httpx.get(emulator.url_of(BUCKET, key))
            assert got.content == f"content {number}".encode(), key
        listed = {o.key for o in client.iter_objects(BUCKET, prefix="odd/")}
        listed |= {o.key for o in client.iter_objects(BUCKET, prefix="../")}
    assert listed == set(ODD_KEYS)
    # Nothing was written outside the data directory, and no file is named after a key.
    outside_after = set(emulator.data_dir.parent.parent.rglob("*"))
    new_outside = {p for p in outside_after - outside_before if emulator.data_dir not in p.parents}
    assert new_outside == set()
    names = {p.name for p in emulator.data_dir.rglob("*")}
    assert not names & {"escape.txt", "with space.txt", "..", "文件 名.txt"}
    assert {p.name for p in emulator.data_dir.iterdir()} <= {
        "meta.sqlite3",
        "meta.sqlite3-wal",
        "meta.sqlite3-shm",
        "objects",
        "tmp",
        "blocks",
    }


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("/lead", "start or end with '/'"),
        ("trail/", "start or end with '/'"),
        ("a/./b", "'/./'"),
        ("k" * 1001, "longer than 1000 bytes"),
        ("", "must not be empty"),
    ],
)
def test_bad_keys_are_refused(emulator: EmulatorProcess, key: str, text: str) -> None:
    response = form_upload(emulator, token(f"{BUCKET}:{key}"), b"x")
    assert_error(response, 400, "400", text)
    response = mgmt(emulator, "GET", f"/stat/{entry(BUCKET, key)}")
    assert_error(response, 400, "400", text)


# -- answers ---------------------------------------------------------------------------


def test_range_downloads(emulator: EmulatorProcess) -> None:
    data = bytes(range(256)) * 4
    with emulator.client() as client:
        client.stream_upload([data], BUCKET, "range/r.bin")
    url = emulator.url_of(BUCKET, "range/r.bin")
    part = httpx.get(url, headers={"Range": "bytes=10-19"})
    assert part.status_code == 206
    assert part.content == data[10:20]
    assert part.headers["content-range"] == f"bytes 10-19/{len(data)}"
    assert httpx.get(url, headers={"Range": "bytes=-5"}).content == data[-5:]
    assert httpx.get(url, headers={"Range": "bytes=1000-"}).content == data[1000:]
    outside = httpx.get(url, headers={"Range": "bytes=5000-"})
    assert_error(outside, 416, "416", "outside")
    assert outside.headers["content-range"] == f"bytes */{len(data)}"
    assert_error(httpx.get(url, headers={"Range": "lines=1-2"}), 400, "400", "bytes=")
    head = httpx.head(url)
    assert (head.status_code, head.headers["content-length"]) == (200, str(len(data)))
    assert head.headers["etag"] == f'"{etag_bytes(data)}"'
    assert_error(httpx.get(emulator.url_of(BUCKET, "range/none")), 404, "404", "file not exist")


def test_every_answer_has_a_request_id_and_a_json_body(emulator: EmulatorProcess) -> None:
    base = emulator.mgr_url
    answers = {
        "unknown route": httpx.get(f"{base}/no/such/thing"),
        "wrong method": httpx.delete(f"{base}/bucket/list"),
        "not a form": httpx.post(f"{base}/file/upload", content=b"raw"),
        "no token": httpx.post(f"{base}/mkblk/4/0", content=b"1234"),
        "bad list limit": mgmt(emulator, "GET", f"/list?bucket={BUCKET}&limit=1001"),
        "zero list limit": mgmt(emulator, "GET", f"/list?bucket={BUCKET}&limit=0"),
        "unknown bucket": mgmt(emulator, "GET", "/list?bucket=nosuch"),
        "bad entry": mgmt(emulator, "GET", "/stat/%%%"),
        "missing param": httpx.get(f"{base}/fmgr/status"),
        "bad fmgr op": mgmt(emulator, "POST", "/fmgr/move", b"fops=bucket/@@@"),
        "image detect": mgmt(emulator, "POST", "/imageDetect", b"image=aA==&type=porn&bucket=e2e"),
    }
    for what, response in answers.items():
        assert response.status_code >= 400, what
        assert len(response.headers.get("x-reqid", "")) == 32, what
        body = response.json()
        assert body["code"] == str(response.status_code), what
        assert body["message"], what
    assert answers["wrong method"].status_code == 405
    assert answers["image detect"].status_code == 501
    ok = mgmt(
        emulator,
        "GET",
        "/wslive/list?channelname=c&startTime=20260101000000&endTime=20260102000000&bucket=e2e",
    )
    assert ok.json() == {"code": "200", "message": "OK", "total": 0, "items": []}
    assert ok.headers["x-reqid"]


def test_return_body_return_url_and_save_key(emulator: EmulatorProcess) -> None:
    template = (
        '{"k": "$(key)", "s": $(fsize), "b": "$(bucket)", "m": "$(mimeType)", '
        '"f": "$(fname)", "e": "$(ext)", "v": "$(x:color)"}'
    )
    answer = form_upload(
        emulator,
        token(f'{BUCKET}:tpl/a "q".png', return_body=template),
        b"12345",
        fields={"x:color": "red", "mimeType": "image/x-given"},
        filename="pic.png",
    )
    assert answer.json() == {
        "k": 'tpl/a "q".png',
        "s": 5,
        "b": BUCKET,
        "m": "image/x-given",  # the form's mimeType: neither the key's nor the file's
        "f": "pic.png",
        "e": ".png",
        "v": "red",
        "key": 'tpl/a "q".png',  # added, with the hash, when the template leaves them out
        "hash": etag_bytes(b"12345"),
    }
    answer = form_upload(
        emulator, token(f"{BUCKET}:tpl/b", return_body="key=$(key)&size=$(fsize)"), b"xy"
    )
    assert answer.json() == {"key": "tpl/b", "size": "2", "hash": etag_bytes(b"xy")}
    redirected = form_upload(
        emulator, token(f"{BUCKET}:tpl/c", return_url="http://app.example/done?x=1"), b"z"
    )
    assert redirected.status_code == 303
    assert redirected.content == b""
    assert redirected.headers["x-reqid"]
    location = redirected.headers["location"]
    assert location.startswith("http://app.example/done?x=1&upload_ret=")
    assert json.loads(urlsafe_b64decode(location.split("upload_ret=")[1])) == {
        "hash": etag_bytes(b"z"),
        "key": "tpl/c",
    }
    saved = form_upload(
        emulator,
        token(BUCKET, save_key="tpl/$(year)/$(etag)$(ext)"),
        b"saved",
        filename="photo.jpg",
    )
    year = time.gmtime().tm_year
    assert saved.json()["key"] == f"tpl/{year}/{etag_bytes(b'saved')}.jpg"
    explicit = form_upload(emulator, token(BUCKET), b"e", fields={"key": "tpl/explicit"})
    assert explicit.json()["key"] == "tpl/explicit"


def test_unreachable_callback_is_579(emulator: EmulatorProcess) -> None:
    answer = form_upload(
        emulator,
        token(f"{BUCKET}:cb/k", callback_url="http://127.0.0.1:9/cb", callback_body="k=$(key)"),
        b"data",
    )
    assert_error(answer, 579, "579", "callback")
    assert keys_under(emulator, "cb/") == ["cb/k"]  # stored before the callback, as WCS does


def test_upload_with_expect_continue_and_connection_close(emulator: EmulatorProcess) -> None:
    response = httpx.post(
        f"{emulator.put_url}/file/upload",
        data={"token": token(f"{BUCKET}:hdr/k")},
        files={"file": ("f", b"abc", "text/plain")},
        headers={"Expect": "100-continue", "Connection": "close"},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"hash": etag_bytes(b"abc"), "key": "hdr/k"}


# -- process ---------------------------------------------------------------------------


def test_ready_line_and_sigint(emulator_factory: EmulatorFactory) -> None:
    emulator = emulator_factory()
    info = emulator.info
    assert set(info) >= {"put_url", "mgr_url", "download_url", "access_key", "data", "pid"}
    assert info["put_url"] == info["mgr_url"]
    assert info["download_url"] == info["put_url"] + "/dl"
    assert info["access_key"] == EMULATOR_AK
    # The emulator's own local key: a test (or a newcomer) needs it to sign requests.
    assert info["secret_key"] == EMULATOR_SK
    assert info["stats_url"] == info["put_url"] + "/_emulator/stats"
    assert info["pid"] == emulator.pid
    assert emulator.stop(signal.SIGINT) == 0


def test_default_data_dir_is_temporary() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WCS_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "wcs_ext.cli", "emulator"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        info = json.loads(process.stdout.readline())
        data = Path(info["data"])
        assert info["temporary"] is True
        assert info["access_key"] == DEMO_ACCESS_KEY
        assert (data / "meta.sqlite3").exists()
        demo = Credentials(access_key=DEMO_ACCESS_KEY, secret_key=DEMO_SECRET_KEY)
        buckets = mgmt_with(info, "/bucket/list", demo)
        assert [b["name"] for b in buckets.json()["buckets"]] == ["demo"]
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=15)
    assert process.returncode == 0, err
    assert not data.exists()


def mgmt_with(info: Mapping[str, Any], target: str, credentials: Credentials) -> httpx.Response:
    authorization = management_token(credentials, target)
    return httpx.get(info["mgr_url"] + target, headers={"Authorization": authorization})


def test_missing_extra_is_one_clear_line() -> None:
    script = (
        "import sys; sys.modules['uvicorn'] = None\n"
        "from wcs_ext.cli import run\n"
        "raise SystemExit(run(['emulator']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=30
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "error: the emulator needs the 'emulator' extra (uvicorn is missing): "
        "pip install 'wcs-ext[emulator]'"
    ]


# -- faults ----------------------------------------------------------------------------


def test_fault_plan_is_deterministic() -> None:
    def draws(rate: float, seed: int) -> list[FaultKind | None]:
        plan = FaultPlan(rate, seed)
        return [None if (f := plan.next()) is None else f.kind for _ in range(300)]

    assert draws(0.3, 7) == draws(0.3, 7)
    assert draws(0.3, 7) != draws(0.3, 8)
    hits = [d for d in draws(0.3, 7) if d is not None]
    assert 50 < len(hits) < 130
    assert set(hits) == set(UPLOAD_KINDS)  # downloads' kinds only with downloads on
    assert draws(0.0, 1) == [None] * 300
    assert None not in draws(1.0, 1)


def _outcomes(emulator: EmulatorProcess, count: int) -> Iterator[str]:
    for _ in range(count):
        try:
            response = mgmt(emulator, "GET", "/bucket/list")
        except httpx.HTTPError:
            yield "dropped"
        else:
            yield str(response.status_code)


def test_faults_repeat_with_the_seed(emulator_factory: EmulatorFactory) -> None:
    args = ["--fault-rate", "0.4", "--fault-seed", "3"]
    first = list(_outcomes(emulator_factory(extra_args=args), 12))
    second = list(_outcomes(emulator_factory(extra_args=args), 12))
    assert first == second
    assert set(first) - {"200"}, "seed 3 at 40% should inject some faults"


def test_uploads_complete_through_faults(emulator_factory: EmulatorFactory, tmp_path: Path) -> None:
    # Seed 21 at 50% hits form uploads, bputs and mkfiles with faults after the work was
    # done (answer dropped or cut), the case a client cannot tell from a failure.
    emulator = emulator_factory(extra_args=["--fault-rate", "0.5", "--fault-seed", "21"])
    files = {f"faulty/small{n}.bin": os.urandom(20_000 + n) for n in range(4)}
    files["faulty/big.bin"] = os.urandom(8 * MiB + 5000)
    retries = {f"{step}_retries": 12 for step in ("mkblk", "bput", "mkfile")}
    client: Wcs
    with emulator.client(
        retries=12, block_size=4 * MiB, bput_size=MiB, concurrency=1, **retries
    ) as client:
        for key, data in files.items():
            local = tmp_path / key.replace("/", "_")
            local.write_bytes(data)
            if len(data) > MiB:
                result = client.multipart_upload(local, BUCKET, key)
            else:
                result = client.simple_upload(local, BUCKET, key)
            assert result.hash == etag_bytes(data)
        listed = {o.key: o.hash for o in client.iter_objects(BUCKET, prefix="faulty/", limit=2)}
    assert listed == {key: etag_bytes(data) for key, data in files.items()}
    for key, data in files.items():  # downloads are never faulted
        assert httpx.get(emulator.url_of(BUCKET, key)).content == data
    log = emulator.stderr()
    assert "-after into POST /file/upload" in log
    assert "-after into POST /mkfile/" in log


# -- notifications, persistentOps, crashes ---------------------------------------------


class _Recorder(http.server.BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((dict(self.headers), body))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def notify_server() -> Iterator[tuple[str, list[tuple[dict[str, str], bytes]]]]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    _Recorder.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/notify", _Recorder.received
    finally:
        server.shutdown()
        server.server_close()


def test_finished_jobs_notify(
    emulator: EmulatorProcess, notify_server: tuple[str, list[tuple[dict[str, str], bytes]]]
) -> None:
    url, received = notify_server
    with emulator.client() as client:
        client.stream_upload([b"n"], BUCKET, "notify/k")
        job = client.fmgr.delete(BUCKET, "notify/k")
        unreachable = client.fmgr.submit(
            "delete",
            f"bucket/{urlsafe_b64encode(BUCKET)}/key/{urlsafe_b64encode('notify/x')}",
            notify_url="http://127.0.0.1:9/nobody",
        )
        notified = client.fmgr.submit(
            "delete",
            f"bucket/{urlsafe_b64encode(BUCKET)}/key/{urlsafe_b64encode('notify/y')}",
            notify_url=url,
        )
        wait_until(lambda: client.fmgr.status(notified.persistent_id).code == 6)
        wait_until(lambda: client.fmgr.status(unreachable.persistent_id).code == 5)
        assert client.fmgr.status(job.persistent_id).code == 3  # no notifyURL: done
    [(headers, body)] = received
    status = json.loads(urlsafe_b64decode(body))
    assert (status["id"], status["code"]) == (notified.persistent_id, 3)
    signature = sign(EMULATOR_SK, url.encode() + b"\n" + body)
    assert headers["Authorization"] == f"{EMULATOR_AK}:{signature}"


def test_persistent_ops_start_a_fops_job(emulator: EmulatorProcess) -> None:
    answer = form_upload(
        emulator, token(f"{BUCKET}:pops/v.mp4", persistent_ops="avthumb/mp4"), b"v"
    )
    persistent_id = answer.json()["persistentId"]
    with emulator.client() as client:
        wait_until(lambda: client.fops.status(persistent_id).finished)
        status = client.fops.status(persistent_id)
    assert status.input_key == "pops/v.mp4"
    assert status.items[0].error == "not supported by the emulator: avthumb"


# Starlette's TestClient asks for the httpx2 package; the warning is about the test
# client, not the emulator.
@pytest.mark.filterwarnings("ignore::starlette.exceptions.StarletteDeprecationWarning")
def test_a_crash_is_still_a_json_answer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from starlette.testclient import TestClient

    from wcs_ext.emulator import EmulatorSettings, create_app
    from wcs_ext.emulator.state.object_store import ObjectStore

    def broken(self: ObjectStore) -> list[tuple[str, int]]:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(ObjectStore, "buckets", broken)
    settings = EmulatorSettings(data_dir=tmp_path / "data", credentials={EMULATOR_AK: EMULATOR_SK})
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        response = client.get(
            "/bucket/list",
            headers={"Authorization": management_token(CREDENTIALS, "/bucket/list")},
        )
    assert_error(response, 500, "500", "internal error: RuntimeError")
