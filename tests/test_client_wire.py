"""What the ``Wcs`` facade puts on the wire, operation by operation, against the capture.

Every expectation comes from ``wire-examples.md``: the requests the original SDK sent with
the capture keys. Management signatures depend only on the bytes sent, so where we send
what the original sent, the ``Authorization`` value must be the captured one, character for
character. Where we deliberately differ (wcs-api.md section 11), the test asserts our bytes,
says why, and checks the signature with a test-local HMAC over what we sent.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import random
import re
import threading
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from pytest_httpx import HTTPXMock

import wcs_ext.protocol.signing
from wcs_ext import (
    BucketUsage,
    DailyStorage,
    Job,
    ObjectInfo,
    OperationResult,
    RetryPolicy,
    UploadOptions,
    Wcs,
    WcsConfig,
    WcsNotFoundError,
)

BASE_URL = "http://127.0.0.1:18765"
AK = "ref-capture-ak-0001"
SK = "ref-capture-sk-secret-0001"
# The capture's clock: its upload tokens expire at this + 7200 s, i.e. CAPTURE_DEADLINE.
CAPTURE_NOW = 1795572386.4
CAPTURE_DEADLINE = 1795579586000
FORM = "application/x-www-form-urlencoded"
NEWLINE = b"\n"
MiB = 1024 * 1024

# Upload tokens of the capture (policy = client style: scope, overwrite, deadline).
CAPTURED_HELLO_TOKEN = (
    "ref-capture-ak-0001:ZDExNDgyOGUwZDI2OGQ1YjMyMmIzNWI5Yjk5MGNlYWY4ZmVhN2M5Zg==:"
    "eyJzY29wZSI6ICJyZWYtYnVja2V0OmRvY3MvaGVsbG8udHh0IiwgIm92ZXJ3cml0ZSI6IDAsICJkZWFkbGluZSI6"
    "IDE3OTU1Nzk1ODYwMDB9"
)
CAPTURED_NON_ASCII_TOKEN = (
    "ref-capture-ak-0001:MDAxMzQ2ZTM5MTI4MGQyODY5ZDllZjEwYjdlNzU0MmE3M2JjOTZlYw==:"
    "eyJzY29wZSI6ICJyZWYtYnVja2V0Olx1NzZlZVx1NWY1NS9cdTY1ODdcdTRlZjYgXHU1NDBkLnR4dCIsICJvdmVy"
    "d3JpdGUiOiAwLCAiZGVhZGxpbmUiOiAxNzk1NTc5NTg2MDAwfQ=="
)
CAPTURED_HELLO2_TOKEN = (
    "ref-capture-ak-0001:ZmM4ZTlmZGE5NTg3NTJmM2VjMGYyNTk2Y2JmNGIzYmI1NDUxZjZlNw==:"
    "eyJzY29wZSI6ICJyZWYtYnVja2V0OmRvY3MvaGVsbG8yLnR4dCIsICJvdmVyd3JpdGUiOiAxLCAicmV0dXJuQm9k"
    "eSI6ICJrZXk9JChrZXkpJmhhc2g9JChoYXNoKSIsICJkZWFkbGluZSI6IDE3OTU1Nzk1ODYwMDB9"
)
CAPTURED_NINE_BPUT_TOKEN = (
    "ref-capture-ak-0001:MjJlYjRjMGMyZTJhYjBhNWZjMDQ5MzMxYWMyNmUzOGM0MWVjZDZlNA==:"
    "eyJzY29wZSI6ICJyZWYtYnVja2V0OmJpZy9uaW5lLWJwdXQuYmluIiwgIm92ZXJ3cml0ZSI6IDAsICJkZWFkbGlu"
    "ZSI6IDE3OTU1Nzk1ODYwMDB9"
)


# --------------------------------------------------------------------- test-local WCS maths


def b64(data: str | bytes) -> str:
    raw = data.encode() if isinstance(data, str) else data
    return base64.urlsafe_b64encode(raw).decode()


def hex_sign(message: bytes) -> str:
    digest = hmac.new(SK.encode(), message, hashlib.sha1).hexdigest()
    return b64(digest)


def management_authorization(target: str, body: bytes = b"") -> str:
    return f"{AK}:{hex_sign(target.encode() + NEWLINE + body)}"


def policy_text(token: str) -> str:
    """The policy JSON of an upload token, after checking its form and signature."""
    ak, sign, encoded = token.split(":")
    assert ak == AK
    assert sign == hex_sign(encoded.encode())
    return base64.urlsafe_b64decode(encoded).decode()


def token_for(policy_json: str) -> str:
    encoded = b64(policy_json)
    return f"{AK}:{hex_sign(encoded.encode())}:{encoded}"


def etag(data: bytes) -> str:
    blocks = [data[i : i + 4 * MiB] for i in range(0, len(data), 4 * MiB)] or [b""]
    if len(blocks) == 1:
        return b64(b"\x16" + hashlib.sha1(blocks[0]).digest())
    digests = b"".join(hashlib.sha1(block).digest() for block in blocks)
    return b64(b"\x96" + hashlib.sha1(digests).digest())


Part = tuple[dict[str, str], bytes]


def form_parts(request: httpx.Request) -> list[Part]:
    """The parts of a multipart/form-data body, in order: (headers, content)."""
    content_type = request.headers["Content-Type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    boundary = content_type.split("boundary=", 1)[1].encode()
    opening, closing = b"--" + boundary + b"\r\n", b"\r\n--" + boundary + b"--\r\n"
    body = request.content
    assert body.startswith(opening)
    assert body.endswith(closing)
    parts: list[Part] = []
    for raw in body[len(opening) : -len(closing)].split(b"\r\n--" + boundary + b"\r\n"):
        head, _, content = raw.partition(b"\r\n\r\n")
        headers = dict(line.split(": ", 1) for line in head.decode().split("\r\n"))
        parts.append((headers, content))
    return parts


def disposition(part: Part) -> dict[str, str]:
    value = part[0]["Content-Disposition"]
    assert value.startswith("form-data; ")
    return dict(re.findall(r'(\w+)="([^"]*)"', value))


# --------------------------------------------------------------------- a scripted WCS


def _json(status: int, body: Any) -> httpx.Response:
    return httpx.Response(status, json=body, headers={"X-Reqid": "req-wire"})


MANAGEMENT_ANSWERS: dict[str, Any] = {
    "/bucket/list": {
        "buckets": [
            {"name": "ref-bucket", "ctime": "2026-01-01 00:00:00"},
            {"name": "ref-bucket2", "ctime": "2026-01-01 00:00:00"},
        ]
    },
    "/list": {"marker": "", "commonPrefixes": [], "items": []},
    "/bucket/stat": {
        "code": "200",
        "message": "OK",
        "buckets": [
            {"name": "ref-bucket", "detail": [{"data_time": "2026-01-01", "storage": "1.500"}]},
            {"name": "ref-bucket2", "detail": []},
        ],
    },
    "/bucket/statistics": {
        "result": True,
        "code": 200,
        "message": "OK",
        "name": "ref-bucket",
        "type": "uploadRequest",
        "data": [],
    },
    "/stat": {
        "result": True,
        "code": 200,
        "name": "docs/hello.txt",
        "message": "OK",
        "fsize": 10,
        "hash": "FiJansjy9XVdTONVcAYheClQyUjF",
        "mimeType": "application/octet-stream",
        "putTime": 1795572386432,
        "expirationDate": "",
        "storageClass": "Standard",
    },
    "/imageDetect": {"code": 200, "message": "OK", "results": []},
    "/fmgr/status": {
        "id": "fmgr-000005badf53209e",
        "code": 3,
        "desc": "fileOperateFinished",
        "separate": 0,
        "items": [
            {
                "cmd": "bucket/cmVmLWJ1Y2tldDI=/key/Zm1nci9tb3ZlZC50eHQ=",
                "code": 3,
                "desc": "fileOperateSucceed",
                "error": None,
            }
        ],
    },
    "/status/get/prefop": {
        "id": "fops-000010031e3bdc51",
        "code": 3,
        "desc": "persistentOperateFinished",
        "separate": 0,
        "inputkey": "docs/hello.txt",
        "inputbucket": "ref-bucket",
        "items": [
            {
                "cmd": "avthumb/mp4/vb/1.25m",
                "code": 3,
                "desc": "persistentOperateSucceed",
                "error": None,
                "key": "",
                "url": "",
            }
        ],
    },
    "/fmgr": {"persistentId": "fmgr-000001bfa8ed8e82"},
    "/fops": {"persistentId": "fops-000010031e3bdc51"},
    "/wslive/list": {"total": 0, "items": []},
}


class FakeWcs:
    """Records every request; answers management calls from MANAGEMENT_ANSWERS and runs a
    faithful mkblk/bput/mkfile and form upload (crc32 and offset of each chunk, etag)."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.answers: list[Any] = []
        self.blocks: dict[str, bytes] = {}  # ctx -> bytes of its block so far
        self.block_of: dict[str, int] = {}  # ctx -> index of its block
        self.stored: dict[str, bytes] = {}
        self.files: dict[str, bytes] = {}  # raw target -> body, for plain GETs
        self.pages: dict[str, Any] = {}  # raw /list target -> answer
        self._lock = threading.Lock()

    def handler(self, request: httpx.Request) -> httpx.Response:
        request.read()
        with self._lock:  # blocks are sent from several threads at once
            self.requests.append(request)
            answer = self._answer(request)
            self.answers.append(answer)
        if isinstance(answer, bytes):
            return httpx.Response(200, content=answer, headers={"X-Reqid": "req-get"})
        return _json(200, answer)

    def _answer(self, request: httpx.Request) -> Any:
        target = request.url.raw_path.decode()
        path = request.url.path
        verb = path.split("/")[1]
        if target in self.files:
            return self.files[target]
        if verb in ("mkblk", "bput"):
            return self._chunk(request, verb)
        if verb == "mkfile":
            data = b"".join(self.blocks[ctx] for ctx in request.content.decode().split(","))
            assert len(data) == int(path.split("/")[2])
            key = self._scope_key(request.headers["Authorization"])
            self.stored[key] = data
            return {"hash": etag(data), "key": key}
        if path == "/file/upload":
            token, file, *_ = form_parts(request)  # then a mimeType field, if any
            key = self._scope_key(token[1].decode())
            self.stored[key] = file[1]
            return {"hash": etag(file[1]), "key": key}
        if path == "/list" and target in self.pages:
            return self.pages[target]
        for prefix in (path, "/" + verb):
            if prefix in MANAGEMENT_ANSWERS:
                return MANAGEMENT_ANSWERS[prefix]
        if verb in ("delete", "move", "copy", "setdeadline"):
            return {"code": 200, "message": "OK"}
        raise AssertionError(f"unexpected request {request.method} {target}")

    def _chunk(self, request: httpx.Request, verb: str) -> dict[str, Any]:
        chunk = request.content
        _, _, first, second = request.url.path.split("/")
        if verb == "mkblk":
            data, index = chunk, int(second)
        else:
            assert int(second) == len(self.blocks[first]), "bput offset != bytes received"
            data, index = self.blocks[first] + chunk, self.block_of[first]
        ctx = f"ctx-{len(self.blocks):04d}"
        self.blocks[ctx] = data
        self.block_of[ctx] = index
        return {
            "ctx": ctx,
            "checksum": hashlib.sha1(data).hexdigest(),
            "crc32": zlib.crc32(chunk),
            "offset": len(data),
        }

    @staticmethod
    def _scope_key(token: str) -> str:
        scope: str = json.loads(policy_text(token))["scope"]
        return scope.partition(":")[2]

    @property
    def last(self) -> httpx.Request:
        assert self.requests, "no request was sent"
        return self.requests[-1]


@pytest.fixture
def fake() -> FakeWcs:
    return FakeWcs()


@pytest.fixture(autouse=True)
def capture_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Upload tokens issued at the capture's time, so their deadline is the captured one."""
    monkeypatch.setattr(wcs_ext.protocol.signing, "time", SimpleNamespace(time=lambda: CAPTURE_NOW))


def make_config(**overrides: Any) -> WcsConfig:
    return WcsConfig(access_key=AK, secret_key=SK, put_url=BASE_URL, mgr_url=BASE_URL, **overrides)


@pytest.fixture
def make_wcs(fake: FakeWcs, tmp_path: Path) -> Iterator[Callable[..., Wcs]]:
    clients: list[Wcs] = []

    def make(**overrides: Any) -> Wcs:
        # Whatever an upload may keep for resuming stays in the test's folder.
        overrides.setdefault("tmp_record_folder", str(tmp_path / "records"))
        # The original's requests are those of a pinned concurrency: widening by itself
        # opens a block with a small chunk (tests/test_adaptive_concurrency.py).
        overrides.setdefault("max_concurrency", 0)
        wcs = Wcs(
            make_config(**overrides),
            transport=httpx.MockTransport(fake.handler),
            retry=RetryPolicy(max_retries=0, initial_delay=0, max_delay=0),
        )
        clients.append(wcs)
        return wcs

    yield make
    for wcs in clients:
        wcs.close()


def request_line(request: httpx.Request) -> str:
    return f"{request.method} {request.url.raw_path.decode()}"


# --------------------------------------------------------------------- management, exact capture

WcsCall = Callable[[Wcs], object]
FLAGS = {"notifyurl": "http://notify.example.com/cb", "separate": 1, "force": 1}
FOPS_FLAGS = {"notifyurl": "http://notify.example.com/fops", "separate": 1, "force": 1}

# (id, config overrides, call, request line, body, captured Authorization signature)
CAPTURED: list[tuple[str, dict[str, Any], WcsCall, str, bytes, str]] = [
    (
        "list_buckets",
        {},
        lambda w: w.list_buckets(),
        "GET /bucket/list",
        b"",
        "MTUzY2E0MmZjYTI2YzM4NzY2YTRiMTlmNjI4Yjc5OTQxNjhhOTg1Ng==",
    ),
    (
        "list default",
        {},
        lambda w: w.list_objects("ref-bucket"),
        "GET /list?bucket=ref-bucket&limit=1000",
        b"",
        "Y2Y5MDFkM2MxMTNiNDg3NTNhYWMyMTQxNjAzZDU4ZmUzMTAwOWZjNw==",
    ),
    (
        "list prefix+limit",
        {},
        lambda w: w.list_objects("ref-bucket", prefix="big/", limit=1),
        "GET /list?bucket=ref-bucket&limit=1&prefix=YmlnLw==",
        b"",
        "MWVjN2QyYTVlZjBhOWMxZTcxY2NmMWFjMTIzYzVjNmIxYjc0NDUwZA==",
    ),
    (
        "list prefix+limit+marker",
        {},
        lambda w: w.list_objects(
            "ref-bucket", prefix="big/", limit=1, marker="YmlnL25pbmUtYnB1dC5iaW4="
        ),
        "GET /list?bucket=ref-bucket&marker=YmlnL25pbmUtYnB1dC5iaW4=&limit=1&prefix=YmlnLw==",
        b"",
        "NmEzN2ExYzhjNWI2YmVjZGUwMzhkNDI2YzgwOTBiYTg1YTdmM2E5Mw==",
    ),
    (
        "list mode=0",
        {},
        lambda w: w.list_objects("ref-bucket", mode=0),
        "GET /list?bucket=ref-bucket&limit=1000&mode=0",
        b"",
        "ODAxZjY0ZjdjNmIxZDJiNjY0YjgwNGFmZDkyZGZlMmM5MmZmYzhlMQ==",
    ),
    (
        "list mode=0 from the config",
        {"mode": 0},
        lambda w: w.list_objects("ref-bucket"),
        "GET /list?bucket=ref-bucket&limit=1000&mode=0",
        b"",
        "ODAxZjY0ZjdjNmIxZDJiNjY0YjgwNGFmZDkyZGZlMmM5MmZmYzhlMQ==",
    ),
    (
        "list mode=1+start_time+end_time",
        {},
        lambda w: w.list_objects(
            "ref-bucket", mode=1, start_time=1700000000000, end_time=1900000000000
        ),
        "GET /list?bucket=ref-bucket&limit=1000&mode=1&startTime=1700000000000"
        "&endTime=1900000000000",
        b"",
        "ZGM5MmU5NGY0YWY2ZjI2ZmMxNGFjNjIzZTBkZTFkNmFjZWRkYjVhZA==",
    ),
    (
        "bucket_usage one bucket",
        {},
        lambda w: w.bucket_usage("ref-bucket", "2026-01-01", "2026-01-02"),
        "GET /bucket/stat?name=cmVmLWJ1Y2tldA==&startdate=2026-01-01&enddate=2026-01-02"
        "&isListDetails=false",
        b"",
        "NDg0ZmI4NmQxY2RkMjk5ZWRkZGQ3ZWUyMmYxMzZkOTE3N2U2ZTJhZA==",
    ),
    (
        "bucket_usage two buckets+list_details+storage_type",
        {},
        lambda w: w.bucket_usage(
            ["ref-bucket", "ref-bucket2"],
            "2026-01-01",
            "2026-01-02",
            list_details=True,
            storage_type="1",
        ),
        "GET /bucket/stat?name=cmVmLWJ1Y2tldHxyZWYtYnVja2V0Mg==&startdate=2026-01-01"
        "&enddate=2026-01-02&isListDetails=true&storageType=1",
        b"",
        "OTViZDZiOWI2Yjk2ZmNhYWUzY2NmMjJiNDIzNmM3NzgxOWE1ZWZkYQ==",
    ),
    (
        "bucket_usage 'b1|b2' as the original took it",
        {},
        lambda w: w.bucket_usage(
            "ref-bucket|ref-bucket2",
            "2026-01-01",
            "2026-01-02",
            list_details=True,
            storage_type="1",
        ),
        "GET /bucket/stat?name=cmVmLWJ1Y2tldHxyZWYtYnVja2V0Mg==&startdate=2026-01-01"
        "&enddate=2026-01-02&isListDetails=true&storageType=1",
        b"",
        "OTViZDZiOWI2Yjk2ZmNhYWUzY2NmMjJiNDIzNmM3NzgxOWE1ZWZkYQ==",
    ),
    (
        "bucket_statistics",
        {},
        lambda w: w.bucket_statistics("ref-bucket", "uploadRequest", "2026-01-01", "2026-01-02"),
        "GET /bucket/statistics?name=cmVmLWJ1Y2tldA==&type=uploadRequest&startdate=2026-01-01"
        "&enddate=2026-01-02",
        b"",
        "NWViZjUwYjIzMzhiNGQ0MGIxNjZlZGEzNDI0ZjZkNjUxZmNiMDFkZA==",
    ),
    (
        "stat",
        {},
        lambda w: w.stat("ref-bucket", "docs/hello.txt"),
        "GET /stat/cmVmLWJ1Y2tldDpkb2NzL2hlbGxvLnR4dA==",
        b"",
        "Zjg5N2RjNWI4OTM3ZjcwODNmMzNiNTkzNDM5ZDhlMTM4YjIyMWNmMA==",
    ),
    (
        "stat multipart object",
        {},
        lambda w: w.stat("ref-bucket", "big/nine.bin"),
        "GET /stat/cmVmLWJ1Y2tldDpiaWcvbmluZS5iaW4=",
        b"",
        "MzM4ODI1OTFiNmY4OTUxZDZmNTdmODg0ZmVjMmY2ODlmYWE5OTkzMQ==",
    ),
    (
        "stat non-ascii key",
        {},
        lambda w: w.stat("ref-bucket", "目录/文件 名.txt"),
        "GET /stat/cmVmLWJ1Y2tldDrnm67lvZUv5paH5Lu2IOWQjS50eHQ=",
        b"",
        "YTQ1NmYyZDg4YTczNThhYTk2MmJiYzg1NDVjNDk4ODE2NjgxOTc4OQ==",
    ),
    (
        "delete",
        {},
        lambda w: w.delete("ref-bucket2", "moved/hello.txt"),
        "POST /delete/cmVmLWJ1Y2tldDI6bW92ZWQvaGVsbG8udHh0",
        b"",
        "ODU3YzkyYWFiM2Y5Mzc1NDI1ZmY2NzdhNWMzNDY4NmZkMGE4ZmFiMw==",
    ),
    (
        "move",
        {},
        lambda w: w.move("ref-bucket2", "copy/hello.txt", "ref-bucket2", "moved/hello.txt"),
        "POST /move/cmVmLWJ1Y2tldDI6Y29weS9oZWxsby50eHQ=/cmVmLWJ1Y2tldDI6bW92ZWQvaGVsbG8udHh0",
        b"",
        "NTY5ZmVhZWJhYjgyMTY1NDNlYjBjZjI3ZDU5ODA0ZGY0NDJhYWUyZQ==",
    ),
    (
        "move with the dst key omitted",
        {},
        lambda w: w.move("ref-bucket", "docs/hello2.txt", "ref-bucket2"),
        "POST /move/cmVmLWJ1Y2tldDpkb2NzL2hlbGxvMi50eHQ=/cmVmLWJ1Y2tldDI6ZG9jcy9oZWxsbzIudHh0",
        b"",
        "MzNmZTk0NGJkYTEyZjAxYjM1MzEyMzdkY2UxY2ZlODY2MDgzMDI5Mg==",
    ),
    (
        "copy",
        {},
        lambda w: w.copy("ref-bucket", "docs/hello.txt", "ref-bucket2", "copy/hello.txt"),
        "POST /copy/cmVmLWJ1Y2tldDpkb2NzL2hlbGxvLnR4dA==/cmVmLWJ1Y2tldDI6Y29weS9oZWxsby50eHQ=",
        b"",
        "MmMwMDEwMDAzM2U2Y2NjZTY2NjFkMGJjYTUwMmVjNGM3MzNiOTg2MA==",
    ),
    (
        "set_deadline",
        {},
        lambda w: w.set_deadline("ref-bucket", "docs/hello.txt", 3),
        "POST /setdeadline",
        b"bucket=cmVmLWJ1Y2tldA==&key=ZG9jcy9oZWxsby50eHQ=&deadline=3",
        "ZGI5MzBmZWRmYjhjZWFmN2Y2MzdkY2E0ZTc0OWMxNzVlZTYxNzNhZQ==",
    ),
    (
        "image_detect",
        {},
        lambda w: w.image_detect("http://img.example.com/a.jpg", "porn", "ref-bucket"),
        "POST /imageDetect",
        b"image=aHR0cDovL2ltZy5leGFtcGxlLmNvbS9hLmpwZw==&type=porn&bucket=ref-bucket",
        "MzIwNWNmZGE0MDJhOWRiMDBmMTkzNDRlMjJlMjgxZmNmM2M1ODJjYw==",
    ),
    (
        "fmgr.fetch with notifyurl+separate+force from the config",
        FLAGS,
        lambda w: w.fmgr.fetch("http://src.example.com/b.jpg", "ref-bucket", "fetched/b.jpg"),
        "POST /fmgr/fetch",
        b"fops=fetchURL/aHR0cDovL3NyYy5leGFtcGxlLmNvbS9iLmpwZw==/bucket/cmVmLWJ1Y2tldA==/key/"
        b"ZmV0Y2hlZC9iLmpwZw==&notifyURL=aHR0cDovL25vdGlmeS5leGFtcGxlLmNvbS9jYg==&separate=1&force=1",
        "ZjcwOTExZTZmMmU0OGVkZmQ4Y2QzMTkyMzMwMTNjZWNhZTgxYmRiOQ==",
    ),
    (
        "fmgr.submit fetch with notify_url+separate+force per call",
        {},
        lambda w: w.fmgr.submit(
            "fetch",
            "fetchURL/aHR0cDovL3NyYy5leGFtcGxlLmNvbS9iLmpwZw==/bucket/cmVmLWJ1Y2tldA==/key/"
            "ZmV0Y2hlZC9iLmpwZw==",
            notify_url="http://notify.example.com/cb",
            separate=True,
            force=True,
        ),
        "POST /fmgr/fetch",
        b"fops=fetchURL/aHR0cDovL3NyYy5leGFtcGxlLmNvbS9iLmpwZw==/bucket/cmVmLWJ1Y2tldA==/key/"
        b"ZmV0Y2hlZC9iLmpwZw==&notifyURL=aHR0cDovL25vdGlmeS5leGFtcGxlLmNvbS9jYg==&separate=1&force=1",
        "ZjcwOTExZTZmMmU0OGVkZmQ4Y2QzMTkyMzMwMTNjZWNhZTgxYmRiOQ==",
    ),
    (
        "fops.execute with notifyurl+force+separate from the config",
        FOPS_FLAGS,
        lambda w: w.fops.execute(
            "ref-bucket", "docs/hello.txt", "vframe/jpg/offset/1|saveas/cmVmLWJ1Y2tldDpmLmpwZw=="
        ),
        "POST /fops",
        b"bucket=cmVmLWJ1Y2tldA==&key=ZG9jcy9oZWxsby50eHQ=&fops=dmZyYW1lL2pwZy9vZmZzZXQvMXxzYXZlYXMv"
        b"Y21WbUxXSjFZMnRsZERwbUxtcHdadz09&notifyURL=aHR0cDovL25vdGlmeS5leGFtcGxlLmNvbS9mb3Bz"
        b"&force=1&separate=1",
        "ODgwZmU0OTlhZDIzMGRlN2QxNjBhMDFkNGEwNTMxYjU2NjVmZTEyNw==",
    ),
    (
        "fops.execute with notify_url+force+separate per call",
        {},
        lambda w: w.fops.execute(
            "ref-bucket",
            "docs/hello.txt",
            "vframe/jpg/offset/1|saveas/cmVmLWJ1Y2tldDpmLmpwZw==",
            notify_url="http://notify.example.com/fops",
            force=True,
            separate=True,
        ),
        "POST /fops",
        b"bucket=cmVmLWJ1Y2tldA==&key=ZG9jcy9oZWxsby50eHQ=&fops=dmZyYW1lL2pwZy9vZmZzZXQvMXxzYXZlYXMv"
        b"Y21WbUxXSjFZMnRsZERwbUxtcHdadz09&notifyURL=aHR0cDovL25vdGlmeS5leGFtcGxlLmNvbS9mb3Bz"
        b"&force=1&separate=1",
        "ODgwZmU0OTlhZDIzMGRlN2QxNjBhMDFkNGEwNTMxYjU2NjVmZTEyNw==",
    ),
    (
        "wslive_list",
        {},
        lambda w: w.wslive_list("channel1", "20260101000000", "20260102000000", "ref-bucket"),
        "GET /wslive/list?channelname=channel1&startTime=20260101000000&endTime=20260102000000"
        "&bucket=ref-bucket",
        b"",
        "NzE5NmE4Nzc5YjFkNzM2MGQxYTViZWIxYzQ5ZjM0ZjU0MDQyMDVmMA==",
    ),
    (
        "wslive_list start+limit",
        {},
        lambda w: w.wslive_list(
            "channel1", "20260101000000", "20260102000000", "ref-bucket", start=1, limit=10
        ),
        "GET /wslive/list?channelname=channel1&startTime=20260101000000&endTime=20260102000000"
        "&bucket=ref-bucket&start=1&limit=10",
        b"",
        "MjdjODJiOTZiNGU2NmU4ODJmNWY3ZWUxMGE4YTM2OTk4MjYyZmU1Nw==",
    ),
]


def assert_management_request(request: httpx.Request, line: str, body: bytes) -> None:
    assert request_line(request) == line
    assert request.content == body
    assert request.headers["Host"] == "127.0.0.1:18765"
    assert "uploadBatch" not in request.headers
    assert "x-wos-traffic-limit" not in request.headers
    if request.method == "POST" and body:
        # Ours: form bodies are labelled (the original sent none, wcs-api.md section 11).
        assert request.headers["Content-Type"] == FORM
        assert request.headers["Content-Length"] == str(len(body))
    elif request.method == "POST":
        assert request.headers["Content-Length"] == "0"
        assert "Content-Type" not in request.headers
    else:
        assert "Content-Type" not in request.headers
        assert "Content-Length" not in request.headers


@pytest.mark.parametrize(
    ("overrides", "call", "line", "body", "sign"),
    [pytest.param(*case[1:], id=case[0]) for case in CAPTURED],
)
def test_management_call_sends_the_captured_request(
    make_wcs: Callable[..., Wcs],
    fake: FakeWcs,
    overrides: dict[str, Any],
    call: WcsCall,
    line: str,
    body: bytes,
    sign: str,
) -> None:
    call(make_wcs(**overrides))
    assert len(fake.requests) == 1
    request = fake.last
    assert_management_request(request, line, body)
    # Signatures are deterministic: the same bytes give the captured header, exactly.
    assert request.headers["Authorization"] == f"{AK}:{sign}"


# --------------------------------------------------------------------- fmgr, deliberately leaner

# (id, typed helper call, endpoint, captured body). The capture's config file said
# "separate = 0" and "force = 0", which the original sent as "&separate=0&force=0" (values read
# from the file were strings, hence truthy: wcs-api.md section 11). 0 is the server's default,
# so we leave both out; everything before them is byte-identical.
FMGR_CAPTURED: list[tuple[str, WcsCall, str, str]] = [
    (
        "copy",
        lambda w: w.fmgr.copy("ref-bucket", "docs/hello.txt", "ref-bucket2", "fmgr/copied.txt"),
        "copy",
        "fops=resource/cmVmLWJ1Y2tldDpkb2NzL2hlbGxvLnR4dA==/bucket/cmVmLWJ1Y2tldDI=/key/"
        "Zm1nci9jb3BpZWQudHh0&separate=0&force=0",
    ),
    (
        "move",
        lambda w: w.fmgr.move("ref-bucket2", "fmgr/copied.txt", "ref-bucket2", "fmgr/moved.txt"),
        "move",
        "fops=resource/cmVmLWJ1Y2tldDI6Zm1nci9jb3BpZWQudHh0/bucket/cmVmLWJ1Y2tldDI=/key/"
        "Zm1nci9tb3ZlZC50eHQ=&separate=0&force=0",
    ),
    (
        "fetch",
        lambda w: w.fmgr.fetch("http://src.example.com/a.jpg", "ref-bucket", "fetched/a.jpg"),
        "fetch",
        "fops=fetchURL/aHR0cDovL3NyYy5leGFtcGxlLmNvbS9hLmpwZw==/bucket/cmVmLWJ1Y2tldA==/key/"
        "ZmV0Y2hlZC9hLmpwZw==&separate=0&force=0",
    ),
    (
        "delete",
        lambda w: w.fmgr.delete("ref-bucket2", "fmgr/moved.txt"),
        "delete",
        "fops=bucket/cmVmLWJ1Y2tldDI=/key/Zm1nci9tb3ZlZC50eHQ=&separate=0&force=0",
    ),
    (
        "delete two ops",
        lambda w: w.fmgr.delete("ref-bucket", ["smart/small.txt", "stream/s.bin"]),
        "delete",
        "fops=bucket/cmVmLWJ1Y2tldA==/key/c21hcnQvc21hbGwudHh0;bucket/cmVmLWJ1Y2tldA==/key/"
        "c3RyZWFtL3MuYmlu&separate=0&force=0",
    ),
    (
        "delete_prefix",
        lambda w: w.fmgr.delete_prefix("ref-bucket", "smart/"),
        "deletePrefix",
        "fops=bucket/cmVmLWJ1Y2tldA==/prefix/c21hcnQv&separate=0&force=0",
    ),
    (
        "delete_m3u8",
        lambda w: w.fmgr.delete_m3u8("ref-bucket", "live/a.m3u8", delete_ts=True),
        "deletem3u8",
        "fops=bucket/cmVmLWJ1Y2tldA==/key/bGl2ZS9hLm0zdTg=/deletets/1&separate=0&force=0",
    ),
]
CAPTURED_COMPRESS = (
    "fops=bucket/cmVmLWJ1Y2tldA==/key/aW5kZXgudHh0/fops/"
    "bWt6aXAvMnxzYXZlYXMvY21WbUxXSjFZMnRsZERwdmRYUXVlbWx3&separate=0&force=0"
)
FMGR_CAPTURED_RAW = [(name, endpoint, body) for name, _, endpoint, body in FMGR_CAPTURED] + [
    ("compress", "compress", CAPTURED_COMPRESS)
]


def _ours(captured_body: str) -> bytes:
    assert captured_body.endswith("&separate=0&force=0")
    return captured_body.removesuffix("&separate=0&force=0").encode()


@pytest.mark.parametrize(
    ("call", "endpoint", "captured"),
    [pytest.param(*case[1:], id=case[0]) for case in FMGR_CAPTURED],
)
def test_fmgr_typed_helper_sends_the_captured_ops(
    make_wcs: Callable[..., Wcs], fake: FakeWcs, call: WcsCall, endpoint: str, captured: str
) -> None:
    # The config file of the capture, flags at 0 as text: still nothing sent for them.
    job = call(make_wcs(separate=0, force=0, notifyurl=""))
    body = _ours(captured)
    assert_management_request(fake.last, f"POST /fmgr/{endpoint}", body)
    assert fake.last.headers["Authorization"] == management_authorization(f"/fmgr/{endpoint}", body)
    assert isinstance(job, Job)
    assert (job.persistent_id, job.request_id) == ("fmgr-000001bfa8ed8e82", "req-wire")


@pytest.mark.parametrize(
    ("endpoint", "captured"),
    [pytest.param(*case[1:], id=case[0]) for case in FMGR_CAPTURED_RAW],
)
def test_fmgr_submit_raw_ops_reproduces_the_captured_body(
    make_wcs: Callable[..., Wcs], fake: FakeWcs, endpoint: Any, captured: str
) -> None:
    fops = captured.removeprefix("fops=").removesuffix("&separate=0&force=0")
    make_wcs().fmgr.submit(endpoint, fops)
    body = _ours(captured)
    assert_management_request(fake.last, f"POST /fmgr/{endpoint}", body)
    assert fake.last.headers["Authorization"] == management_authorization(f"/fmgr/{endpoint}", body)


def test_fmgr_submit_with_the_captured_flags_signs_like_the_original(
    make_wcs: Callable[..., Wcs], fake: FakeWcs
) -> None:
    # Sanity anchor for the signatures above: our signer over the captured bytes gives the
    # captured header, so a difference above can only come from the bytes we chose to send.
    assert management_authorization("/fmgr/compress", CAPTURED_COMPRESS.encode()) == (
        f"{AK}:OWNmODkxM2VmNmJkYjY4OGIwM2FhYWVkODQ5OGJiNmE5YmQ3YTI0ZA=="
    )
    make_wcs().fmgr.submit("compress", CAPTURED_COMPRESS.removeprefix("fops=").split("&")[0])
    assert fake.last.content == _ours(CAPTURED_COMPRESS)


def test_fmgr_compress_typed_helper_uses_the_documented_grammar(
    make_wcs: Callable[..., Wcs], fake: FakeWcs
) -> None:
    make_wcs().fmgr.compress("ref-bucket", ["a.txt", "b/c.txt"], ("ref-bucket", "out.zip"))
    body = (
        b"fops=bucket/cmVmLWJ1Y2tldA==/keys/YS50eHQ=|Yi9jLnR4dA==/saveas/cmVmLWJ1Y2tldDpvdXQuemlw"
    )
    assert_management_request(fake.last, "POST /fmgr/compress", body)
    assert fake.last.headers["Authorization"] == management_authorization("/fmgr/compress", body)


def test_fmgr_call_flags_override_the_config(make_wcs: Callable[..., Wcs], fake: FakeWcs) -> None:
    wcs = make_wcs(**FLAGS)
    wcs.fmgr.submit(
        "deletePrefix",
        "bucket/cmVmLWJ1Y2tldA==/prefix/c21hcnQv",
        notify_url="",
        separate=False,
        force=False,
    )
    assert fake.last.content == b"fops=bucket/cmVmLWJ1Y2tldA==/prefix/c21hcnQv"
    wcs.fmgr.delete_prefix("ref-bucket", "smart/")
    assert fake.last.content == (
        b"fops=bucket/cmVmLWJ1Y2tldA==/prefix/c21hcnQv"
        b"&notifyURL=aHR0cDovL25vdGlmeS5leGFtcGxlLmNvbS9jYg==&separate=1&force=1"
    )


def test_fops_execute_without_notify_sends_no_empty_notify_url(
    make_wcs: Callable[..., Wcs], fake: FakeWcs
) -> None:
    job = make_wcs().fops.execute("ref-bucket", "docs/hello.txt", "avthumb/mp4/vb/1.25m")
    # The original always sent "&notifyURL=" (empty) when none was configured: we omit it.
    captured = b"bucket=cmVmLWJ1Y2tldA==&key=ZG9jcy9oZWxsby50eHQ=&fops=YXZ0aHVtYi9tcDQvdmIvMS4yNW0="
    assert_management_request(fake.last, "POST /fops", captured)
    assert fake.last.headers["Authorization"] == management_authorization("/fops", captured)
    # ... and the same bytes plus the empty field are what the original signed.
    assert management_authorization("/fops", captured + b"&notifyURL=") == (
        f"{AK}:MjI1Zjg3OTkxZGZmNzRkZWNjMzQ0OWZlYTRmNDQzYWY4MWMwMGQ5ZQ=="
    )
    assert job.persistent_id == "fops-000010031e3bdc51"


def test_fops_execute_flags_each_alone(make_wcs: Callable[..., Wcs], fake: FakeWcs) -> None:
    wcs = make_wcs()
    head = b"bucket=cmVmLWJ1Y2tldA==&key=ZG9jcy9oZWxsby50eHQ=&fops=YXZ0aHVtYi9tcDQ="
    wcs.fops.execute("ref-bucket", "docs/hello.txt", "avthumb/mp4", force=True)
    assert fake.last.content == head + b"&force=1"
    wcs.fops.execute("ref-bucket", "docs/hello.txt", "avthumb/mp4", separate=True)
    assert fake.last.content == head + b"&separate=1"
    make_wcs(**FOPS_FLAGS).fops.execute(
        "ref-bucket", "docs/hello.txt", "avthumb/mp4", notify_url="", force=False, separate=False
    )
    assert fake.last.content == head


@pytest.mark.parametrize(
    ("call", "line"),
    [
        pytest.param(
            lambda w: w.fmgr.status("fmgr-000005badf53209e"),
            "GET /fmgr/status?persistentId=fmgr-000005badf53209e",
            id="fmgr.status",
        ),
        pytest.param(
            lambda w: w.fops.status("fops-000010031e3bdc51"),
            "GET /status/get/prefop?persistentId=fops-000010031e3bdc51",
            id="fops.status",
        ),
    ],
)
def test_job_status_is_sent_without_authorization(
    make_wcs: Callable[..., Wcs], fake: FakeWcs, call: WcsCall, line: str
) -> None:
    call(make_wcs())
    assert_management_request(fake.last, line, b"")
    assert "Authorization" not in fake.last.headers


def test_job_status_answers_are_read(make_wcs: Callable[..., Wcs]) -> None:
    wcs = make_wcs()
    fmgr = wcs.fmgr.status("fmgr-000005badf53209e")
    assert (fmgr.id, fmgr.code, fmgr.desc, fmgr.finished, fmgr.succeeded) == (
        "fmgr-000005badf53209e",
        3,
        "fileOperateFinished",
        True,
        True,
    )
    assert [(i.cmd, i.code, i.error) for i in fmgr.items] == [
        ("bucket/cmVmLWJ1Y2tldDI=/key/Zm1nci9tb3ZlZC50eHQ=", 3, None)
    ]
    fops = wcs.fops.status("fops-000010031e3bdc51")
    assert (fops.input_bucket, fops.input_key, fops.request_id) == (
        "ref-bucket",
        "docs/hello.txt",
        "req-wire",
    )
    assert fops.items[0].cmd == "avthumb/mp4/vb/1.25m"


# --------------------------------------------------------------------- answers of the facade


def test_management_answers_become_typed_results(make_wcs: Callable[..., Wcs]) -> None:
    wcs = make_wcs()
    new_year = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert [(b.name, b.created) for b in wcs.list_buckets()] == [
        ("ref-bucket", new_year),
        ("ref-bucket2", new_year),
    ]
    assert wcs.stat("ref-bucket", "docs/hello.txt") == ObjectInfo(
        key="docs/hello.txt",
        size=10,
        hash="FiJansjy9XVdTONVcAYheClQyUjF",
        mime_type="application/octet-stream",
        put_time_ms=1795572386432,
        expiration_date=None,
        storage_class="Standard",
        request_id="req-wire",
    )
    assert wcs.bucket_usage(["ref-bucket", "ref-bucket2"], "2026-01-01", "2026-01-02") == [
        BucketUsage(
            name="ref-bucket", days=(DailyStorage(date=dt.date(2026, 1, 1), storage_mb=1.5),)
        ),
        BucketUsage(name="ref-bucket2", days=()),
    ]
    statistics = wcs.bucket_statistics("ref-bucket", "uploadRequest", "2026-01-01", "2026-01-02")
    assert (statistics.name, statistics.type, statistics.data) == (
        "ref-bucket",
        "uploadRequest",
        (),
    )
    assert wcs.delete("ref-bucket2", "moved/hello.txt") == OperationResult(
        message="OK", request_id="req-wire"
    )
    assert wcs.image_detect("http://img.example.com/a.jpg", "porn", "ref-bucket").results == ()
    live = wcs.wslive_list("channel1", "20260101000000", "20260102000000", "ref-bucket")
    assert (live.total, live.items) == (0, ())


def test_dates_may_be_date_objects(make_wcs: Callable[..., Wcs], fake: FakeWcs) -> None:
    make_wcs().bucket_usage("ref-bucket", dt.date(2026, 1, 1), dt.date(2026, 1, 2))
    assert request_line(fake.last) == (
        "GET /bucket/stat?name=cmVmLWJ1Y2tldA==&startdate=2026-01-01&enddate=2026-01-02"
        "&isListDetails=false"
    )


def test_stat_missing_maps_to_not_found(make_wcs: Callable[..., Wcs]) -> None:
    def missing(request: httpx.Request) -> httpx.Response:
        assert request_line(request) == "GET /stat/cmVmLWJ1Y2tldDpuby9zdWNoL2tleQ=="
        assert request.headers["Authorization"] == (
            f"{AK}:NTBhZmQ0ZjhkNGY1OTE4NzExZGM1NTFjY2JkMDExNTg4NTExZjU5ZA=="
        )
        return httpx.Response(404, json={"code": 404, "message": "file not exist"})

    with (
        Wcs(make_config(), transport=httpx.MockTransport(missing)) as wcs,
        pytest.raises(WcsNotFoundError, match="file not exist"),
    ):
        wcs.stat("ref-bucket", "no/such/key")


# --------------------------------------------------------------------- listing pages

# bucket_listAll limit=2 of the capture: each page's marker is the next request's marker.
LIST_ALL_TARGETS = [
    "/list?bucket=ref-bucket&limit=2",
    "/list?bucket=ref-bucket&marker=YmlnL25pbmUuYmlu&limit=2",
    "/list?bucket=ref-bucket&marker=YmlnL3JldHJ5LmJpbg==&limit=2",
    "/list?bucket=ref-bucket&marker=ZG9jcy9oZWxsbzIudHh0&limit=2",
    "/list?bucket=ref-bucket&marker=c21hcnQvc21hbGwudHh0&limit=2",
]
LIST_ALL_KEYS = [
    ["big/nine-bput.bin", "big/nine.bin"],
    ["big/resume.bin", "big/retry.bin"],
    ["docs/hello.txt", "docs/hello2.txt"],
    ["smart/nine.bin", "smart/small.txt"],
    ["stream/s.bin"],
]


def test_iter_objects_follows_markers_like_bucket_list_all(
    make_wcs: Callable[..., Wcs], fake: FakeWcs
) -> None:
    markers = [t.partition("marker=")[2].partition("&")[0] for t in LIST_ALL_TARGETS[1:]] + [""]
    for target, keys, marker in zip(LIST_ALL_TARGETS, LIST_ALL_KEYS, markers, strict=True):
        fake.pages[target] = {
            "marker": marker,
            "commonPrefixes": [],
            "items": [{"key": k, "fsize": 1, "putTime": 1795572386505} for k in keys],
        }
    keys = [obj.key for obj in make_wcs().iter_objects("ref-bucket", limit=2)]
    assert [r.url.raw_path.decode() for r in fake.requests] == LIST_ALL_TARGETS
    assert keys == [k for page in LIST_ALL_KEYS for k in page]
    assert fake.requests[0].headers["Authorization"] == (
        f"{AK}:ZDI2NzYxYWQyYmQ0YWNkNmQwN2NlNmU0ZGI3MDU4NDlhM2UzMDZhNA=="
    )
    for request in fake.requests:
        assert request.headers["Authorization"] == management_authorization(
            request.url.raw_path.decode()
        )


def test_iter_pages_keeps_prefix_and_mode_on_every_page(
    make_wcs: Callable[..., Wcs], fake: FakeWcs
) -> None:
    first = "/list?bucket=ref-bucket&limit=1&prefix=YmlnLw==&mode=0"
    second = (
        "/list?bucket=ref-bucket&marker=YmlnL25pbmUtYnB1dC5iaW4=&limit=1&prefix=YmlnLw==&mode=0"
    )
    fake.pages[first] = {
        "marker": "YmlnL25pbmUtYnB1dC5iaW4=",
        "commonPrefixes": ["big/x/"],
        "items": [{"key": "big/nine-bput.bin", "fsize": 9}],
    }
    fake.pages[second] = {"commonPrefixes": [], "items": [{"key": "big/nine.bin", "fsize": 9}]}
    pages = list(make_wcs().iter_pages("ref-bucket", prefix="big/", limit=1, mode=0))
    assert [r.url.raw_path.decode() for r in fake.requests] == [first, second]
    assert [(p.marker, p.has_more, p.common_prefixes) for p in pages] == [
        ("YmlnL25pbmUtYnB1dC5iaW4=", True, ("big/x/",)),
        ("", False, ()),
    ]


# --------------------------------------------------------------------- uploads


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_simple_upload(make_wcs: Callable[..., Wcs], fake: FakeWcs, tmp_path: Path) -> None:
    path = write(tmp_path / "local-name.txt", b"hello wcs\n")
    result = make_wcs().simple_upload(path, "ref-bucket", "docs/hello.txt")
    assert len(fake.requests) == 1
    request = fake.last
    assert request_line(request) == "POST /file/upload"
    # Uploads carry the token in the form: no management signature, no block headers.
    for header in ("Authorization", "uploadBatch", "x-wos-traffic-limit"):
        assert header not in request.headers
    token, file, mime_type = form_parts(request)
    assert disposition(token) == {"name": "token"}
    assert disposition(file) == {"name": "file", "filename": "docs/hello.txt"}
    assert file[0]["Content-Type"] == "text/plain"
    assert file[1] == b"hello wcs\n"
    # Ours: the type the key implies, as the docs' mimeType field (the original sent none,
    # and labelled every file part text/plain; see test_no_guess_sends_what_the_original_did).
    assert (disposition(mime_type), mime_type[1]) == ({"name": "mimeType"}, b"text/plain")
    # The captured policy without "overwrite": 0, which we do not send (section 11).
    captured = policy_text(CAPTURED_HELLO_TOKEN)
    assert captured == (
        '{"scope": "ref-bucket:docs/hello.txt", "overwrite": 0, "deadline": 1795579586000}'
    )
    ours = captured.replace('"overwrite": 0, ', "")
    assert token[1].decode() == token_for(ours)
    assert (result.bucket, result.key, result.size) == ("ref-bucket", "docs/hello.txt", 10)
    assert (result.hash, result.request_id) == ("FiJansjy9XVdTONVcAYheClQyUjF", "req-wire")
    assert fake.stored == {"docs/hello.txt": b"hello wcs\n"}


def test_simple_upload_non_ascii_key(
    make_wcs: Callable[..., Wcs], fake: FakeWcs, tmp_path: Path
) -> None:
    path = write(tmp_path / "f.txt", b"hello wcs\n")
    result = make_wcs().simple_upload(path, "ref-bucket", "目录/文件 名.txt")
    token, file, _ = form_parts(fake.last)
    assert [disposition(p)["name"] for p in (token, file)] == ["token", "file"]
    assert disposition(file)["filename"] == "%E7%9B%AE%E5%BD%95/%E6%96%87%E4%BB%B6%20%E5%90%8D.txt"
    assert file[1] == b"hello wcs\n"
    ours = policy_text(CAPTURED_NON_ASCII_TOKEN).replace('"overwrite": 0, ', "")
    assert ours == (
        r'{"scope": "ref-bucket:\u76ee\u5f55/\u6587\u4ef6 \u540d.txt", "deadline": 1795579586000}'
    )
    assert token[1].decode() == token_for(ours)
    assert result.key == "目录/文件 名.txt"


def test_simple_upload_policy_options_and_traffic_limit(
    make_wcs: Callable[..., Wcs], fake: FakeWcs, tmp_path: Path
) -> None:
    path = write(tmp_path / "f.txt", b"hello wcs\n")
    wcs = make_wcs(
        overwrite=1,
        return_body="key=$(key)&hash=$(hash)",
        traffic_limit=8388608,
        keepalive=True,
    )
    wcs.simple_upload(path, "ref-bucket", "docs/hello2.txt")
    request = fake.last
    assert request.headers["x-wos-traffic-limit"] == "8388608"
    assert request.headers["Connection"] == "keep-alive"
    token, *_ = form_parts(request)
    # The captured policy's fields and values, in our fixed order (deadline second): the
    # signature covers our text, so any order WCS can parse is valid.
    text = policy_text(token[1].decode())
    assert json.loads(text) == json.loads(policy_text(CAPTURED_HELLO2_TOKEN))
    assert text == (
        '{"scope": "ref-bucket:docs/hello2.txt", "deadline": 1795579586000, "overwrite": 1, '
        '"returnBody": "key=$(key)&hash=$(hash)"}'
    )


def test_upload_token_lifetime_comes_from_the_config(
    make_wcs: Callable[..., Wcs], fake: FakeWcs, tmp_path: Path
) -> None:
    path = write(tmp_path / "hello.txt", b"hello wcs\n")
    make_wcs(deadline=60, keepalive=False).simple_upload(path, "ref-bucket")
    token, file, _ = form_parts(fake.last)
    assert json.loads(policy_text(token[1].decode())) == {
        "scope": "ref-bucket:hello.txt",
        "deadline": (int(CAPTURE_NOW) + 60) * 1000,
    }
    # The key defaults to the file's name; keepalive False asks to close the connection.
    assert disposition(file)["filename"] == "hello.txt"
    assert fake.last.headers["Connection"] == "close"


def nine_mib_file(tmp_path: Path) -> tuple[Path, bytes]:
    data = random.Random(9438208).randbytes(9438208)
    return write(tmp_path / "nine.bin", data), data


def test_multipart_upload_like_the_bput_capture(
    make_wcs: Callable[..., Wcs], fake: FakeWcs, tmp_path: Path
) -> None:
    path, data = nine_mib_file(tmp_path)
    wcs = make_wcs(block_size=4 * MiB, bput_size=MiB)
    result = wcs.multipart_upload(path, "ref-bucket", "big/nine-bput.bin")

    # Per block, (request line, body) in order; the ctx of a bput is the previous answer's.
    # Blocks may go in any order (the original sent them 4 at a time), chunks may not.
    expected: dict[int, list[tuple[str, bytes]]] = {}
    for index, start in enumerate(range(0, len(data), 4 * MiB)):
        block = data[start : start + 4 * MiB]
        expected[index] = [
            (
                f"POST /mkblk/{len(block)}/{index}"
                if offset == 0
                else f"POST /bput/<ctx>/{offset}",
                block[offset : offset + MiB],
            )
            for offset in range(0, len(block), MiB)
        ]
    # The capture: 3 mkblk + 7 bput, then one mkfile.
    assert sum(len(chunks) for chunks in expected.values()) == 10
    assert len(fake.requests) == 11
    sent: dict[int, list[tuple[str, bytes]]] = {}
    last_ctx: dict[int, str] = {}
    for request, answer in zip(fake.requests[:-1], fake.answers[:-1], strict=True):
        index = fake.block_of[answer["ctx"]]
        line = request_line(request)
        if "/bput/" in line:
            assert line.startswith(f"POST /bput/{last_ctx[index]}/")
            line = line.replace(last_ctx[index], "<ctx>")
        last_ctx[index] = answer["ctx"]
        sent.setdefault(index, []).append((line, request.content))
    assert {i: [line for line, _ in chunks] for i, chunks in sent.items()} == {
        i: [line for line, _ in chunks] for i, chunks in expected.items()
    }
    assert sent == expected
    assert [line for line, _ in sent[0]] == [
        "POST /mkblk/4194304/0",
        "POST /bput/<ctx>/1048576",
        "POST /bput/<ctx>/2097152",
        "POST /bput/<ctx>/3145728",
    ]
    assert [line for line, _ in sent[2]] == ["POST /mkblk/1049600/2", "POST /bput/<ctx>/1048576"]
    assert [len(body) for _, body in sent[2]] == [1048576, 1024]

    mkfile = fake.last
    assert request_line(mkfile) == "POST /mkfile/9438208"
    # The final ctx of each block, in block order.
    assert mkfile.content.decode() == ",".join(last_ctx[i] for i in range(3))

    token = fake.requests[0].headers["Authorization"]
    batch = fake.requests[0].headers["uploadBatch"]
    assert re.fullmatch(r"[A-Za-z0-9]{32}", batch)
    for request in fake.requests:
        # The upload token itself (three parts, no scheme word) and one batch for all.
        assert request.headers["Authorization"] == token
        assert request.headers["uploadBatch"] == batch
        assert "x-wos-traffic-limit" not in request.headers
    assert token.count(":") == 2
    assert " " not in token
    ours = policy_text(CAPTURED_NINE_BPUT_TOKEN).replace('"overwrite": 0, ', "")
    assert token == token_for(ours)
    # Ours: bodies are labelled (the original sent no Content-Type, the docs name these).
    assert {r.headers["Content-Type"] for r in fake.requests[:-1]} == {"application/octet-stream"}
    assert mkfile.headers["Content-Type"] == "text/plain"

    assert fake.stored["big/nine-bput.bin"] == data
    assert result.hash == etag(data)
    assert (result.key, result.size) == ("big/nine-bput.bin", 9438208)


def test_multipart_upload_with_upload_id_and_traffic_limit(
    make_wcs: Callable[..., Wcs], fake: FakeWcs, tmp_path: Path
) -> None:
    path = write(tmp_path / "five.bin", b"12345")
    make_wcs(traffic_limit=1000000).multipart_upload(
        path, "ref-bucket", "big/five.bin", upload_id="jyfsJE08n6X1dG6B9GBBmwO8uGKFUg4I"
    )
    assert [request_line(r) for r in fake.requests] == ["POST /mkblk/5/0", "POST /mkfile/5"]
    for request in fake.requests:
        assert request.headers["uploadBatch"] == "jyfsJE08n6X1dG6B9GBBmwO8uGKFUg4I"
        assert request.headers["x-wos-traffic-limit"] == "1000000"
    assert fake.requests[0].content == b"12345"
    assert fake.last.content == fake.answers[0]["ctx"].encode()


def test_stream_upload_from_a_url(make_wcs: Callable[..., Wcs], fake: FakeWcs) -> None:
    source = random.Random(5000).randbytes(5000)
    fake.files["/__stream__/s.bin?size=5000"] = source
    result = make_wcs().stream_upload(
        f"{BASE_URL}/__stream__/s.bin?size=5000", "ref-bucket", "stream/s.bin"
    )
    fetch, upload = fake.requests
    assert request_line(fetch) == "GET /__stream__/s.bin?size=5000"
    assert "Authorization" not in fetch.headers
    assert request_line(upload) == "POST /file/upload"
    token, file = form_parts(upload)
    assert disposition(file) == {"name": "file", "filename": "stream/s.bin"}
    assert file[1] == source
    assert json.loads(policy_text(token[1].decode()))["scope"] == "ref-bucket:stream/s.bin"
    assert result.hash == etag(source)


def test_stream_upload_from_an_iterable(make_wcs: Callable[..., Wcs], fake: FakeWcs) -> None:
    pieces = [b"abc", b"", b"defgh", b"i" * 1000]
    make_wcs().stream_upload(iter(pieces), "ref-bucket", "stream/it.bin")
    assert [request_line(r) for r in fake.requests] == ["POST /file/upload"]
    assert form_parts(fake.last)[1][1] == b"".join(pieces)


# --------------------------------------------------------------------- content types


def test_content_type_goes_as_the_form_field_and_the_mkfile_segment(
    make_wcs: Callable[..., Wcs], fake: FakeWcs, tmp_path: Path
) -> None:
    path = write(tmp_path / "page.txt", b"<p>hi</p>")
    forced = "text/html; charset=gbk"
    wcs = make_wcs()
    wcs.simple_upload(path, "ref-bucket", "docs/page.txt", content_type=forced)
    _, file, mime_type = form_parts(fake.last)
    assert (disposition(mime_type), mime_type[1].decode()) == ({"name": "mimeType"}, forced)
    assert file[0]["Content-Type"] == forced  # the forced type wins over the key's
    wcs.multipart_upload(path, "ref-bucket", "docs/page.txt", content_type=forced)
    # b64u of the type, padding kept, raw in the path: the segment other WCS SDKs send
    assert request_line(fake.last) == f"POST /mkfile/9/mimeType/{b64(forced)}"
    wcs.multipart_upload(path, "ref-bucket", "site/app.js")
    assert request_line(fake.last) == f"POST /mkfile/9/mimeType/{b64('text/javascript')}"


def test_no_guess_sends_what_the_original_did(
    make_wcs: Callable[..., Wcs], fake: FakeWcs, tmp_path: Path
) -> None:
    path = write(tmp_path / "hello.txt", b"hello wcs\n")
    options: list[UploadOptions] = [{}, {"guess_mime_type": False}]
    for wcs, per_call in zip((make_wcs(guess_mime_type=False), make_wcs()), options, strict=True):
        wcs.simple_upload(path, "ref-bucket", "docs/hello.txt", **per_call)
        parts = form_parts(fake.last)
        # The original's two parts, no mimeType field: the server's default applies. The
        # file part is labelled as the docs' example labels bytes of no stated type.
        assert [disposition(p)["name"] for p in parts] == ["token", "file"]
        assert parts[1][0]["Content-Type"] == "application/octet-stream"
        wcs.multipart_upload(path, "ref-bucket", "docs/hello.txt", **per_call)
        assert request_line(fake.last) == "POST /mkfile/10"
    # A type that says nothing is not sent as a guess either.
    make_wcs().multipart_upload(path, "ref-bucket", "big/blob.bin")
    assert request_line(fake.last) == "POST /mkfile/10"


def test_download(make_wcs: Callable[..., Wcs], fake: FakeWcs, tmp_path: Path) -> None:
    fake.files["/ref-bucket/cli/hello.txt"] = b"hello wcs\n"
    url = f"{BASE_URL}/ref-bucket/cli/hello.txt"
    result = make_wcs().download(url, tmp_path / "got.txt")
    assert request_line(fake.last) == "GET /ref-bucket/cli/hello.txt"
    assert "Authorization" not in fake.last.headers
    assert "x-wos-traffic-limit" not in fake.last.headers
    assert (tmp_path / "got.txt").read_bytes() == b"hello wcs\n"
    assert (result.path, result.size, result.request_id) == (tmp_path / "got.txt", 10, "req-get")

    make_wcs(traffic_limit=1000000).download(url, tmp_path / "again.txt")
    assert fake.last.headers["x-wos-traffic-limit"] == "1000000"


def test_default_transport_is_used_without_one(httpx_mock: HTTPXMock) -> None:
    # Without a transport the client talks through httpx's own (mocked by pytest-httpx here).
    httpx_mock.add_response(
        method="GET", json=MANAGEMENT_ANSWERS["/bucket/list"], headers={"X-Reqid": "r"}
    )
    with Wcs(make_config()) as wcs:
        assert [b.name for b in wcs.list_buckets()] == ["ref-bucket", "ref-bucket2"]
    (request,) = httpx_mock.get_requests()
    assert str(request.url) == f"{BASE_URL}/bucket/list"
    assert request.headers["Authorization"] == (
        f"{AK}:MTUzY2E0MmZjYTI2YzM4NzY2YTRiMTlmNjI4Yjc5OTQxNjhhOTg1Ng=="
    )


def test_mgr_url_path_prefix_is_signed() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return _json(200, MANAGEMENT_ANSWERS["/bucket/list"])

    config = WcsConfig(access_key=AK, secret_key=SK, put_url=BASE_URL, mgr_url=f"{BASE_URL}/wcs/")
    with Wcs(config, transport=httpx.MockTransport(handler)) as wcs:
        wcs.list_buckets()
    (request,) = seen
    assert request_line(request) == "GET /wcs/bucket/list"
    assert request.headers["Authorization"] == management_authorization("/wcs/bucket/list")
