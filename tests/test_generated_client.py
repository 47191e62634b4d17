"""Request shapes of the generated client (``wcs_client``), byte for byte.

Every expectation below is a request the original SDK was captured sending
(``wire-examples.md``): the same method, raw path and query, body bytes and, for management
calls, the same ``Authorization`` value when signed with the capture keys over the bytes
actually sent. Answers with odd statuses (579) or non-JSON bodies must not break parsing.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import io
import json
from collections.abc import Callable, Generator
from typing import Any

import httpx
import pytest

from wcs_client import Client
from wcs_client.api.manage import (
    bucket_stat,
    bucket_statistics,
    copy_object,
    delete_object,
    fmgr_compress,
    fmgr_copy,
    fmgr_delete,
    fmgr_delete_m3u8,
    fmgr_delete_prefix,
    fmgr_fetch,
    fmgr_move,
    fmgr_status,
    fops_execute,
    fops_status,
    image_detect,
    list_buckets,
    list_objects,
    move_object,
    set_deadline,
    stat_object,
    wslive_list,
)
from wcs_client.api.upload import make_block, make_file, put_chunk, upload_file
from wcs_client.models import (
    BlockResult,
    BucketList,
    BucketStatIsListDetails,
    CodeMessage,
    ErrorBody,
    FmgrRequest,
    FmgrStatus,
    FopsRequest,
    FopsStatus,
    ImageDetectForm,
    ListObjectsMode,
    ObjectList,
    ObjectStat,
    PersistentIdResult,
    SetDeadlineForm,
    UploadFileForm,
    UploadResult,
)
from wcs_client.types import UNSET, File, Response, Unset, encode_form, encode_query

BASE_URL = "http://127.0.0.1:18765"
# The keys of the capture in wire-examples.md; the expected signatures below come from there.
AK = "ref-capture-ak-0001"
SK = "ref-capture-sk-secret-0001"
UPLOAD_TOKEN = (
    "ref-capture-ak-0001:N2VmNTZhZWUwYjI2ZWMwOTFjYzAxMzI1MTJkY2E3ZWM1ZWQyNGE5Nw==:"
    "eyJzY29wZSI6ICJyZWYtYnVja2V0OmJpZy9uaW5lLmJpbiIsICJvdmVyd3JpdGUiOiAwLCAiZGVhZGxpbmUiOiAx"
    "Nzk1NTc5NTg2MDAwfQ=="
)
UPLOAD_BATCH = "b5KPrjkyse5EtE6ZMBV92obPLxeQBfm9"
FORM = "application/x-www-form-urlencoded"


class CaptureSigner(httpx.Auth):
    """Management token over the bytes on the wire (path?query, body), as WCS verifies it.

    Test-local on purpose: it checks that the generated client sends exactly the bytes the
    original SDK signed, independently of the signer in ``wcs_ext``.
    """

    requires_request_body = True

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        signing = request.url.raw_path + b"\n" + request.content
        digest = hmac.new(SK.encode(), signing, hashlib.sha1).hexdigest()
        sign = base64.urlsafe_b64encode(digest.encode()).decode()
        request.headers["Authorization"] = f"{AK}:{sign}"
        yield request


class Wire:
    """A mock WCS: records every request and answers with a canned response."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.status = 200
        self.body: bytes = b"{}"
        self.content_type = "application/json"

    def answer(self, status: int, body: object | bytes) -> None:
        self.status = status
        if isinstance(body, bytes):
            self.body = body
            self.content_type = "text/html"
        else:
            self.body = json.dumps(body).encode()
            self.content_type = "application/json"

    def handler(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        headers = {"Content-Type": self.content_type, "X-Reqid": "req-1"}
        return httpx.Response(self.status, content=self.body, headers=headers)

    @property
    def last(self) -> httpx.Request:
        assert self.requests, "no request was sent"
        return self.requests[-1]

    def client(self, *, signed: bool = True) -> Client:
        httpx_args: dict[str, Any] = {"transport": httpx.MockTransport(self.handler)}
        if signed:
            httpx_args["auth"] = CaptureSigner()
        return Client(base_url=BASE_URL, httpx_args=httpx_args)


@pytest.fixture
def wire() -> Wire:
    return Wire()


def request_line(request: httpx.Request) -> str:
    return f"{request.method} {request.url.raw_path.decode()}"


# --------------------------------------------------------------------- management: exact wire

Call = Callable[[Client], Response[Any]]

MANAGEMENT_CASES: list[tuple[str, Call, str, bytes, str]] = [
    (
        "stat",
        lambda c: stat_object.sync_detailed("cmVmLWJ1Y2tldDpkb2NzL2hlbGxvLnR4dA==", client=c),
        "GET /stat/cmVmLWJ1Y2tldDpkb2NzL2hlbGxvLnR4dA==",
        b"",
        "Zjg5N2RjNWI4OTM3ZjcwODNmMzNiNTkzNDM5ZDhlMTM4YjIyMWNmMA==",
    ),
    (
        "move same key",
        lambda c: move_object.sync_detailed(
            "cmVmLWJ1Y2tldDpkb2NzL2hlbGxvMi50eHQ=", "cmVmLWJ1Y2tldDI6ZG9jcy9oZWxsbzIudHh0", client=c
        ),
        "POST /move/cmVmLWJ1Y2tldDpkb2NzL2hlbGxvMi50eHQ=/cmVmLWJ1Y2tldDI6ZG9jcy9oZWxsbzIudHh0",
        b"",
        "MzNmZTk0NGJkYTEyZjAxYjM1MzEyMzdkY2UxY2ZlODY2MDgzMDI5Mg==",
    ),
    (
        "copy",
        lambda c: copy_object.sync_detailed(
            "cmVmLWJ1Y2tldDpkb2NzL2hlbGxvLnR4dA==", "cmVmLWJ1Y2tldDI6Y29weS9oZWxsby50eHQ=", client=c
        ),
        "POST /copy/cmVmLWJ1Y2tldDpkb2NzL2hlbGxvLnR4dA==/cmVmLWJ1Y2tldDI6Y29weS9oZWxsby50eHQ=",
        b"",
        "MmMwMDEwMDAzM2U2Y2NjZTY2NjFkMGJjYTUwMmVjNGM3MzNiOTg2MA==",
    ),
    (
        "delete",
        lambda c: delete_object.sync_detailed("cmVmLWJ1Y2tldDI6bW92ZWQvaGVsbG8udHh0", client=c),
        "POST /delete/cmVmLWJ1Y2tldDI6bW92ZWQvaGVsbG8udHh0",
        b"",
        "ODU3YzkyYWFiM2Y5Mzc1NDI1ZmY2NzdhNWMzNDY4NmZkMGE4ZmFiMw==",
    ),
    (
        "list buckets",
        lambda c: list_buckets.sync_detailed(client=c),
        "GET /bucket/list",
        b"",
        "MTUzY2E0MmZjYTI2YzM4NzY2YTRiMTlmNjI4Yjc5OTQxNjhhOTg1Ng==",
    ),
    (
        "list marker+limit+prefix",
        lambda c: list_objects.sync_detailed(
            client=c,
            bucket="ref-bucket",
            marker="YmlnL25pbmUtYnB1dC5iaW4=",
            limit=1,
            prefix="YmlnLw==",
        ),
        "GET /list?bucket=ref-bucket&marker=YmlnL25pbmUtYnB1dC5iaW4=&limit=1&prefix=YmlnLw==",
        b"",
        "NmEzN2ExYzhjNWI2YmVjZGUwMzhkNDI2YzgwOTBiYTg1YTdmM2E5Mw==",
    ),
    (
        "list mode+times",
        lambda c: list_objects.sync_detailed(
            client=c,
            bucket="ref-bucket",
            limit=1000,
            mode=ListObjectsMode.VALUE_1,
            start_time=1700000000000,
            end_time=1900000000000,
        ),
        "GET /list?bucket=ref-bucket&limit=1000&mode=1&startTime=1700000000000"
        "&endTime=1900000000000",
        b"",
        "ZGM5MmU5NGY0YWY2ZjI2ZmMxNGFjNjIzZTBkZTFkNmFjZWRkYjVhZA==",
    ),
    (
        "bucket stat (isListDetails defaults to false)",
        lambda c: bucket_stat.sync_detailed(
            client=c, name="cmVmLWJ1Y2tldA==", startdate="2026-01-01", enddate="2026-01-02"
        ),
        "GET /bucket/stat?name=cmVmLWJ1Y2tldA==&startdate=2026-01-01&enddate=2026-01-02"
        "&isListDetails=false",
        b"",
        "NDg0ZmI4NmQxY2RkMjk5ZWRkZGQ3ZWUyMmYxMzZkOTE3N2U2ZTJhZA==",
    ),
    (
        "bucket stat details+storageType",
        lambda c: bucket_stat.sync_detailed(
            client=c,
            name="cmVmLWJ1Y2tldHxyZWYtYnVja2V0Mg==",
            startdate="2026-01-01",
            enddate="2026-01-02",
            is_list_details=BucketStatIsListDetails.TRUE,
            storage_type="1",
        ),
        "GET /bucket/stat?name=cmVmLWJ1Y2tldHxyZWYtYnVja2V0Mg==&startdate=2026-01-01"
        "&enddate=2026-01-02&isListDetails=true&storageType=1",
        b"",
        "OTViZDZiOWI2Yjk2ZmNhYWUzY2NmMjJiNDIzNmM3NzgxOWE1ZWZkYQ==",
    ),
    (
        "bucket statistics",
        lambda c: bucket_statistics.sync_detailed(
            client=c,
            name="cmVmLWJ1Y2tldA==",
            type_="uploadRequest",
            startdate="2026-01-01",
            enddate="2026-01-02",
        ),
        "GET /bucket/statistics?name=cmVmLWJ1Y2tldA==&type=uploadRequest&startdate=2026-01-01"
        "&enddate=2026-01-02",
        b"",
        "NWViZjUwYjIzMzhiNGQ0MGIxNjZlZGEzNDI0ZjZkNjUxZmNiMDFkZA==",
    ),
    (
        "setdeadline",
        lambda c: set_deadline.sync_detailed(
            client=c,
            body=SetDeadlineForm(bucket="cmVmLWJ1Y2tldA==", key="ZG9jcy9oZWxsby50eHQ=", deadline=3),
        ),
        "POST /setdeadline",
        b"bucket=cmVmLWJ1Y2tldA==&key=ZG9jcy9oZWxsby50eHQ=&deadline=3",
        "ZGI5MzBmZWRmYjhjZWFmN2Y2MzdkY2E0ZTc0OWMxNzVlZTYxNzNhZQ==",
    ),
    (
        "imageDetect",
        lambda c: image_detect.sync_detailed(
            client=c,
            body=ImageDetectForm(
                image="aHR0cDovL2ltZy5leGFtcGxlLmNvbS9hLmpwZw==", type_="porn", bucket="ref-bucket"
            ),
        ),
        "POST /imageDetect",
        b"image=aHR0cDovL2ltZy5leGFtcGxlLmNvbS9hLmpwZw==&type=porn&bucket=ref-bucket",
        "MzIwNWNmZGE0MDJhOWRiMDBmMTkzNDRlMjJlMjgxZmNmM2M1ODJjYw==",
    ),
    (
        "fmgr copy",
        lambda c: fmgr_copy.sync_detailed(
            client=c,
            body=FmgrRequest(
                fops="resource/cmVmLWJ1Y2tldDpkb2NzL2hlbGxvLnR4dA==/bucket/cmVmLWJ1Y2tldDI=/key/"
                "Zm1nci9jb3BpZWQudHh0",
                separate=0,
                force=0,
            ),
        ),
        "POST /fmgr/copy",
        b"fops=resource/cmVmLWJ1Y2tldDpkb2NzL2hlbGxvLnR4dA==/bucket/cmVmLWJ1Y2tldDI=/key/"
        b"Zm1nci9jb3BpZWQudHh0&separate=0&force=0",
        "MmZkMjdiMGY1YjQ0ZTkxZGFjY2M3NjhhYTFmMDVkN2Q5ZDk5N2MyOA==",
    ),
    (
        "fmgr fetch notifyURL+separate+force",
        lambda c: fmgr_fetch.sync_detailed(
            client=c,
            body=FmgrRequest(
                fops="fetchURL/aHR0cDovL3NyYy5leGFtcGxlLmNvbS9iLmpwZw==/bucket/cmVmLWJ1Y2tldA==/key/"
                "ZmV0Y2hlZC9iLmpwZw==",
                notify_url="aHR0cDovL25vdGlmeS5leGFtcGxlLmNvbS9jYg==",
                separate=1,
                force=1,
            ),
        ),
        "POST /fmgr/fetch",
        b"fops=fetchURL/aHR0cDovL3NyYy5leGFtcGxlLmNvbS9iLmpwZw==/bucket/cmVmLWJ1Y2tldA==/key/"
        b"ZmV0Y2hlZC9iLmpwZw==&notifyURL=aHR0cDovL25vdGlmeS5leGFtcGxlLmNvbS9jYg==&separate=1&force=1",
        "ZjcwOTExZTZmMmU0OGVkZmQ4Y2QzMTkyMzMwMTNjZWNhZTgxYmRiOQ==",
    ),
    (
        "fmgr delete two ops",
        lambda c: fmgr_delete.sync_detailed(
            client=c,
            body=FmgrRequest(
                fops="bucket/cmVmLWJ1Y2tldA==/key/c21hcnQvc21hbGwudHh0;"
                "bucket/cmVmLWJ1Y2tldA==/key/c3RyZWFtL3MuYmlu",
                separate=0,
                force=0,
            ),
        ),
        "POST /fmgr/delete",
        b"fops=bucket/cmVmLWJ1Y2tldA==/key/c21hcnQvc21hbGwudHh0;"
        b"bucket/cmVmLWJ1Y2tldA==/key/c3RyZWFtL3MuYmlu&separate=0&force=0",
        "OTg0N2U2Yjc1MDYyMzUyNjlmMTYzZDIxYTVhMjBlYzgyMThmOWVjOQ==",
    ),
    (
        "fmgr deletePrefix",
        lambda c: fmgr_delete_prefix.sync_detailed(
            client=c,
            body=FmgrRequest(fops="bucket/cmVmLWJ1Y2tldA==/prefix/c21hcnQv", separate=0, force=0),
        ),
        "POST /fmgr/deletePrefix",
        b"fops=bucket/cmVmLWJ1Y2tldA==/prefix/c21hcnQv&separate=0&force=0",
        "MTA5YmI4MmIwNWRmYTNmYjBkNzBlNjQ0ZDM0YzgzOWZkMTI5YjRiMA==",
    ),
    (
        "fmgr deletem3u8",
        lambda c: fmgr_delete_m3u8.sync_detailed(
            client=c,
            body=FmgrRequest(
                fops="bucket/cmVmLWJ1Y2tldA==/key/bGl2ZS9hLm0zdTg=/deletets/1", separate=0, force=0
            ),
        ),
        "POST /fmgr/deletem3u8",
        b"fops=bucket/cmVmLWJ1Y2tldA==/key/bGl2ZS9hLm0zdTg=/deletets/1&separate=0&force=0",
        "YjU4N2E3OTZkZDhjNDJiMTQxMzVkM2YwYjIxMDI2YzdlNjNjNWUyZQ==",
    ),
    (
        "fmgr move",
        lambda c: fmgr_move.sync_detailed(
            client=c,
            body=FmgrRequest(
                fops="resource/cmVmLWJ1Y2tldDI6Zm1nci9jb3BpZWQudHh0/bucket/cmVmLWJ1Y2tldDI=/key/"
                "Zm1nci9tb3ZlZC50eHQ=",
                separate=0,
                force=0,
            ),
        ),
        "POST /fmgr/move",
        b"fops=resource/cmVmLWJ1Y2tldDI6Zm1nci9jb3BpZWQudHh0/bucket/cmVmLWJ1Y2tldDI=/key/"
        b"Zm1nci9tb3ZlZC50eHQ=&separate=0&force=0",
        "ODRhZThlNDVjZWU4ZjEyNWI2YTg3NWNkMjgxOWFjNmIzOWYxNDk0Yw==",
    ),
    (
        "fmgr compress",
        lambda c: fmgr_compress.sync_detailed(
            client=c,
            body=FmgrRequest(
                fops="bucket/cmVmLWJ1Y2tldA==/key/aW5kZXgudHh0/fops/"
                "bWt6aXAvMnxzYXZlYXMvY21WbUxXSjFZMnRsZERwdmRYUXVlbWx3",
                separate=0,
                force=0,
            ),
        ),
        "POST /fmgr/compress",
        b"fops=bucket/cmVmLWJ1Y2tldA==/key/aW5kZXgudHh0/fops/"
        b"bWt6aXAvMnxzYXZlYXMvY21WbUxXSjFZMnRsZERwdmRYUXVlbWx3&separate=0&force=0",
        "OWNmODkxM2VmNmJkYjY4OGIwM2FhYWVkODQ5OGJiNmE5YmQ3YTI0ZA==",
    ),
    (
        "fops with empty notifyURL",
        lambda c: fops_execute.sync_detailed(
            client=c,
            body=FopsRequest(
                bucket="cmVmLWJ1Y2tldA==",
                key="ZG9jcy9oZWxsby50eHQ=",
                fops="YXZ0aHVtYi9tcDQvdmIvMS4yNW0=",
                notify_url="",
            ),
        ),
        "POST /fops",
        b"bucket=cmVmLWJ1Y2tldA==&key=ZG9jcy9oZWxsby50eHQ=&fops=YXZ0aHVtYi9tcDQvdmIvMS4yNW0="
        b"&notifyURL=",
        "MjI1Zjg3OTkxZGZmNzRkZWNjMzQ0OWZlYTRmNDQzYWY4MWMwMGQ5ZQ==",
    ),
    (
        "fops force+separate+notifyURL",
        lambda c: fops_execute.sync_detailed(
            client=c,
            body=FopsRequest(
                bucket="cmVmLWJ1Y2tldA==",
                key="ZG9jcy9oZWxsby50eHQ=",
                fops="dmZyYW1lL2pwZy9vZmZzZXQvMXxzYXZlYXMvY21WbUxXSjFZMnRsZERwbUxtcHdadz09",
                notify_url="aHR0cDovL25vdGlmeS5leGFtcGxlLmNvbS9mb3Bz",
                force=1,
                separate=1,
            ),
        ),
        "POST /fops",
        b"bucket=cmVmLWJ1Y2tldA==&key=ZG9jcy9oZWxsby50eHQ=&fops=dmZyYW1lL2pwZy9vZmZzZXQvMXxzYXZlYXMv"
        b"Y21WbUxXSjFZMnRsZERwbUxtcHdadz09&notifyURL=aHR0cDovL25vdGlmeS5leGFtcGxlLmNvbS9mb3Bz"
        b"&force=1&separate=1",
        "ODgwZmU0OTlhZDIzMGRlN2QxNjBhMDFkNGEwNTMxYjU2NjVmZTEyNw==",
    ),
    (
        "wslive list start+limit",
        lambda c: wslive_list.sync_detailed(
            client=c,
            channelname="channel1",
            start_time="20260101000000",
            end_time="20260102000000",
            bucket="ref-bucket",
            start=1,
            limit=10,
        ),
        "GET /wslive/list?channelname=channel1&startTime=20260101000000&endTime=20260102000000"
        "&bucket=ref-bucket&start=1&limit=10",
        b"",
        "MjdjODJiOTZiNGU2NmU4ODJmNWY3ZWUxMGE4YTM2OTk4MjYyZmU1Nw==",
    ),
]


@pytest.mark.parametrize(
    ("call", "line", "body", "sign"),
    [pytest.param(*case[1:], id=case[0]) for case in MANAGEMENT_CASES],
)
def test_management_request_matches_the_capture(
    wire: Wire, call: Call, line: str, body: bytes, sign: str
) -> None:
    call(wire.client())
    request = wire.last
    assert request_line(request) == line
    assert request.content == body
    # Signed over the bytes sent, they give the signature the original SDK sent.
    assert request.headers["Authorization"] == f"{AK}:{sign}"
    if request.method == "POST" and body:
        assert request.headers["Content-Type"] == FORM
        assert request.headers["Content-Length"] == str(len(body))
    elif request.method == "POST":
        assert request.headers["Content-Length"] == "0"
    else:
        assert "Content-Type" not in request.headers


# --------------------------------------------------------------------- unauthenticated status calls


@pytest.mark.parametrize(
    ("call", "line"),
    [
        pytest.param(
            lambda c: fmgr_status.sync_detailed(client=c, persistent_id="fmgr-000005badf53209e"),
            "GET /fmgr/status?persistentId=fmgr-000005badf53209e",
            id="fmgr status",
        ),
        pytest.param(
            lambda c: fops_status.sync_detailed(client=c, persistent_id="fops-000010031e3bdc51"),
            "GET /status/get/prefop?persistentId=fops-000010031e3bdc51",
            id="fops status",
        ),
    ],
)
def test_status_calls_skip_the_client_auth(wire: Wire, call: Call, line: str) -> None:
    call(wire.client(signed=True))
    assert request_line(wire.last) == line
    assert "Authorization" not in wire.last.headers


def test_fmgr_status_parses_the_documented_answer(wire: Wire) -> None:
    wire.answer(
        200,
        {
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
    )
    status = fmgr_status.sync(client=wire.client(), persistent_id="fmgr-000005badf53209e")
    assert isinstance(status, FmgrStatus)
    assert status.code == 3
    assert status.separate == 0
    assert not isinstance(status.items, Unset)
    assert [(item.code, item.desc, item.error) for item in status.items] == [
        (3, "fileOperateSucceed", None)
    ]


def test_fops_status_parses_the_documented_answer(wire: Wire) -> None:
    wire.answer(
        200,
        {
            "id": "fops-000010031e3bdc51",
            "code": "3",
            "desc": "persistentOperateFinished",
            "separate": "0",
            "inputkey": "docs/hello.txt",
            "inputbucket": "ref-bucket",
            "items": [{"cmd": "avthumb/mp4/vb/1.25m", "code": 3, "error": None, "key": ""}],
        },
    )
    status = fops_status.sync(client=wire.client(), persistent_id="fops-000010031e3bdc51")
    assert isinstance(status, FopsStatus)
    assert status.code == "3"
    assert status.inputkey == "docs/hello.txt"
    assert not isinstance(status.items, Unset)
    assert status.items[0].cmd == "avthumb/mp4/vb/1.25m"


# --------------------------------------------------------------------- upload host


def test_make_block_sends_the_chunk_as_bytes_with_the_upload_token(wire: Wire) -> None:
    chunk = bytes(range(256)) * 4 + b"\nline\n" * 3
    wire.answer(
        200,
        {
            "ctx": "ctx-88c73b23fc444680b0a30454f19d8509",
            "checksum": "1e4124c1b5e47e0ad09578ee57039de9fcafe302",
            "crc32": 677992626,
            "offset": 1049600,
        },
    )
    response = make_block.sync_detailed(
        1049600,
        2,
        client=wire.client(signed=True),
        body=File(payload=io.BytesIO(chunk)),
        authorization=UPLOAD_TOKEN,
        upload_batch=UPLOAD_BATCH,
    )
    request = wire.last
    assert request_line(request) == "POST /mkblk/1049600/2"
    # The upload token, untouched by the client's management signer.
    assert request.headers["Authorization"] == UPLOAD_TOKEN
    assert request.headers["uploadBatch"] == UPLOAD_BATCH
    assert "x-wos-traffic-limit" not in request.headers
    assert request.headers["Content-Type"] == "application/octet-stream"
    # One body of known length, not a chunked stream of the file object's lines.
    assert request.headers["Content-Length"] == str(len(chunk))
    assert "Transfer-Encoding" not in request.headers
    assert request.content == chunk
    assert isinstance(response.parsed, BlockResult)
    assert response.parsed.ctx == "ctx-88c73b23fc444680b0a30454f19d8509"
    assert response.parsed.crc32 == 677992626
    assert response.parsed.offset == 1049600


def test_put_chunk_path_and_traffic_limit(wire: Wire) -> None:
    wire.answer(
        200,
        {"ctx": "ctx-0f41", "checksum": "41de", "crc32": 1726452109, "offset": 1049600},
    )
    response = put_chunk.sync_detailed(
        "ctx-2ec192d9c9244ef18c272b76dcae5360",
        1048576,
        client=wire.client(),
        body=File(payload=io.BytesIO(b"x" * 1024)),
        authorization=UPLOAD_TOKEN,
        upload_batch=UPLOAD_BATCH,
        x_wos_traffic_limit=8388608,
    )
    request = wire.last
    assert request_line(request) == "POST /bput/ctx-2ec192d9c9244ef18c272b76dcae5360/1048576"
    assert request.headers["Authorization"] == UPLOAD_TOKEN
    assert request.headers["x-wos-traffic-limit"] == "8388608"
    assert request.content == b"x" * 1024
    assert isinstance(response.parsed, BlockResult)
    assert response.parsed.offset == 1049600


def test_make_file_sends_the_ctx_list_as_text(wire: Wire) -> None:
    ctxs = (
        "ctx-9b8a63e11b664588888bdc296c340bb1,ctx-ffe2a3a54ff649af8f4be5435da8c4f2,"
        "ctx-88c73b23fc444680b0a30454f19d8509"
    )
    wire.answer(200, {"hash": "lrwGGGCS8ccXvmKjqI5YbkrNp4je", "key": "big/nine.bin"})
    response = make_file.sync_detailed(
        9438208,
        client=wire.client(),
        body=ctxs,
        authorization=UPLOAD_TOKEN,
        upload_batch=UPLOAD_BATCH,
    )
    request = wire.last
    assert request_line(request) == "POST /mkfile/9438208"
    assert request.headers["Authorization"] == UPLOAD_TOKEN
    assert request.headers["Content-Type"] == "text/plain"
    assert request.headers["Content-Length"] == "110"
    assert request.content == ctxs.encode()
    assert isinstance(response.parsed, UploadResult)
    assert response.parsed.hash_ == "lrwGGGCS8ccXvmKjqI5YbkrNp4je"
    assert response.parsed.key == "big/nine.bin"


def test_upload_file_sends_token_then_file(wire: Wire) -> None:
    token = "ref-capture-ak-0001:ZDEx:eyJzY29wZSI6ICJyZWYtYnVja2V0OmRvY3MvaGVsbG8udHh0In0="
    wire.answer(200, {"hash": "FiJansjy9XVdTONVcAYheClQyUjF", "key": "docs/hello.txt"})
    response = upload_file.sync_detailed(
        client=wire.client(signed=True),
        body=UploadFileForm(
            token=token,
            file=File(
                payload=io.BytesIO(b"hello wcs\n"),
                file_name="docs/hello.txt",
                mime_type="text/plain",
            ),
        ),
        x_wos_traffic_limit=1000000,
    )
    request = wire.last
    assert request_line(request) == "POST /file/upload"
    assert "Authorization" not in request.headers
    assert request.headers["x-wos-traffic-limit"] == "1000000"
    content_type = request.headers["Content-Type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    boundary = content_type.split("boundary=", 1)[1]
    assert boundary != "+++"
    # Exactly two parts, token first. (httpx labels the token part text/plain, which is what a
    # part without Content-Type means anyway, RFC 7578 section 4.4.)
    assert (
        request.content
        == (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="token"\r\n'
            "Content-Type: text/plain\r\n\r\n"
            f"{token}\r\n"
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="docs/hello.txt"\r\n'
            "Content-Type: text/plain\r\n\r\n"
            "hello wcs\n\r\n"
            f"--{boundary}--\r\n"
        ).encode()
    )
    assert isinstance(response.parsed, UploadResult)
    assert response.parsed.key == "docs/hello.txt"


def test_upload_file_redirect_is_not_followed(wire: Wire) -> None:
    wire.answer(303, b"")
    response = upload_file.sync_detailed(
        client=wire.client(),
        body=UploadFileForm(token="t", file=File(payload=io.BytesIO(b"x"), file_name="k")),
    )
    assert response.status_code == 303
    assert response.parsed is None
    assert len(wire.requests) == 1


# --------------------------------------------------------------------- answers


def test_stat_parses_the_captured_answer(wire: Wire) -> None:
    wire.answer(
        200,
        {
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
            "appendable": False,
        },
    )
    response = stat_object.sync_detailed(
        "cmVmLWJ1Y2tldDpkb2NzL2hlbGxvLnR4dA==", client=wire.client()
    )
    assert response.status_code == 200
    assert response.headers["X-Reqid"] == "req-1"
    stat = response.parsed
    assert isinstance(stat, ObjectStat)
    assert (stat.fsize, stat.hash_, stat.put_time) == (
        10,
        "FiJansjy9XVdTONVcAYheClQyUjF",
        1795572386432,
    )
    assert stat.result is True
    assert stat.additional_properties == {"appendable": False}


def test_list_and_bucket_list_answers(wire: Wire) -> None:
    wire.answer(
        200,
        {
            "marker": "YmlnL25pbmUuYmlu",
            "commonPrefixes": ["big/"],
            "items": [
                {
                    "key": "big/nine.bin",
                    "putTime": 1795572386505,
                    "hash": "lrwGGGCS8ccXvmKjqI5YbkrNp4je",
                    "fsize": 9438208,
                    "mimeType": "application/octet-stream",
                    "expirationDate": "",
                }
            ],
        },
    )
    page = list_objects.sync(client=wire.client(), bucket="ref-bucket")
    assert request_line(wire.last) == "GET /list?bucket=ref-bucket"
    assert isinstance(page, ObjectList)
    assert page.marker == "YmlnL25pbmUuYmlu"
    assert page.common_prefixes == ["big/"]
    assert not isinstance(page.items, Unset)
    assert page.items[0].key == "big/nine.bin"
    assert page.items[0].fsize == 9438208

    wire.answer(200, {"buckets": [{"name": "ref-bucket", "ctime": "2026-01-01 00:00:00"}]})
    buckets = list_buckets.sync(client=wire.client())
    assert isinstance(buckets, BucketList)
    assert not isinstance(buckets.buckets, Unset)
    assert [b.name for b in buckets.buckets] == ["ref-bucket"]


def test_error_answer_parses_to_error_body(wire: Wire) -> None:
    wire.answer(404, {"code": 404, "message": "file not exist"})
    response = stat_object.sync_detailed("cmVmLWJ1Y2tldDpuby9zdWNoL2tleQ==", client=wire.client())
    assert response.status_code == 404
    assert isinstance(response.parsed, ErrorBody)
    assert (response.parsed.code, response.parsed.message) == (404, "file not exist")


def test_non_standard_status_579(wire: Wire) -> None:
    wire.answer(579, {"code": "579", "message": "callback failed"})
    response = upload_file.sync_detailed(
        client=wire.client(),
        body=UploadFileForm(token="t", file=File(payload=io.BytesIO(b"x"), file_name="k")),
    )
    assert response.status_code == 579
    assert isinstance(response.status_code, int)
    assert isinstance(response.parsed, ErrorBody)
    assert response.parsed.code == "579"
    assert response.parsed.message == "callback failed"


@pytest.mark.parametrize(
    ("status", "body"),
    [
        pytest.param(502, b"<html><body>502 Bad Gateway</body></html>", id="html 502"),
        pytest.param(200, b"", id="empty 200"),
        pytest.param(200, b"not json", id="text 200"),
        pytest.param(200, b'[{"bucket": "ref-bucket"}]', id="json list"),
        pytest.param(200, b'{"persistentId": 7, "id": ', id="truncated json"),
    ],
)
def test_malformed_answers_parse_to_none(wire: Wire, status: int, body: bytes) -> None:
    wire.answer(status, body)
    client = wire.client()
    stat = stat_object.sync_detailed("YjE6azE=", client=client)
    assert (stat.status_code, stat.content, stat.parsed) == (status, body, None)
    listing = bucket_stat.sync_detailed(
        client=client, name="YjE=", startdate="2026-01-01", enddate="2026-01-02"
    )
    assert (listing.status_code, listing.parsed) == (status, None)
    block = make_block.sync_detailed(
        4, 0, client=client, body=File(payload=io.BytesIO(b"abcd")), authorization="t"
    )
    assert (block.status_code, block.parsed) == (status, None)


def test_missing_required_field_parses_to_none(wire: Wire) -> None:
    wire.answer(200, {"code": 200, "message": "OK"})
    response = fmgr_delete.sync_detailed(
        client=wire.client(), body=FmgrRequest(fops="bucket/YjE=/key/azE=")
    )
    assert response.status_code == 200
    assert response.parsed is None
    wire.answer(200, {"persistentId": "fmgr-1"})
    response = fmgr_delete.sync_detailed(
        client=wire.client(), body=FmgrRequest(fops="bucket/YjE=/key/azE=")
    )
    assert isinstance(response.parsed, PersistentIdResult)
    assert response.parsed.persistent_id == "fmgr-1"
    assert request_line(wire.last) == "POST /fmgr/delete"
    assert wire.last.content == b"fops=bucket/YjE=/key/azE="


def test_code_message_answer(wire: Wire) -> None:
    wire.answer(200, {"code": "200", "message": "OK"})
    response = delete_object.sync_detailed("YjE6azE=", client=wire.client())
    assert isinstance(response.parsed, CodeMessage)
    assert response.parsed.code == "200"


# --------------------------------------------------------------------- encoding rules


def test_path_parameters_keep_padding_and_quote_the_rest(wire: Wire) -> None:
    stat_object.sync_detailed("YjE6azE=", client=wire.client())
    assert wire.last.url.raw_path == b"/stat/YjE6azE="
    # Anything else that is not URL-safe is percent-encoded (a `/` would otherwise split the path).
    stat_object.sync_detailed("a/b c+d", client=wire.client())
    assert wire.last.url.raw_path == b"/stat/a%2Fb%20c%2Bd"


def test_query_values_are_quoted_except_padding(wire: Wire) -> None:
    list_objects.sync_detailed(client=wire.client(), bucket="b", marker="m+1 /=", prefix="")
    # Empty values are sent (only UNSET is left out); `+` is not left to mean a space.
    assert wire.last.url.raw_path == b"/list?bucket=b&marker=m%2B1%20%2F=&prefix="


def test_base_url_path_prefix_is_kept(wire: Wire) -> None:
    client = Client(
        base_url=f"{BASE_URL}/wcs", httpx_args={"transport": httpx.MockTransport(wire.handler)}
    )
    stat_object.sync_detailed("YjE6azE=", client=client)
    assert wire.last.url.raw_path == b"/wcs/stat/YjE6azE="


def test_encoding_helpers() -> None:
    assert encode_query([("a", "x="), ("b", UNSET), ("c", None), ("d", True), ("e", 0)]) == (
        "a=x=&d=true&e=0"
    )
    assert encode_query([("mode", ListObjectsMode.VALUE_0)]) == "mode=0"
    assert encode_form({"fops": "a/b|c;d=", "notifyURL": "", "x": "é&"}) == (
        b"fops=a/b|c;d=&notifyURL=&x=%C3%A9%26"
    )


def test_async_variant_sends_the_same_request(wire: Wire) -> None:
    wire.answer(200, {"persistentId": "fmgr-2"})

    async def run() -> Response[Any]:
        async with wire.client() as client:
            return await fmgr_delete_prefix.asyncio_detailed(
                client=client,
                body=FmgrRequest(
                    fops="bucket/cmVmLWJ1Y2tldA==/prefix/c21hcnQv", separate=0, force=0
                ),
            )

    response = asyncio.run(run())
    assert request_line(wire.last) == "POST /fmgr/deletePrefix"
    assert wire.last.content == b"fops=bucket/cmVmLWJ1Y2tldA==/prefix/c21hcnQv&separate=0&force=0"
    assert wire.last.headers["Authorization"] == (
        f"{AK}:MTA5YmI4MmIwNWRmYTNmYjBkNzBlNjQ0ZDM0YzgzOWZkMTI5YjRiMA=="
    )
    assert isinstance(response.parsed, PersistentIdResult)
