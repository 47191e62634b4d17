"""Tokens, signatures and encodings against the public vectors and the protocol's examples.

``tests/data/vectors-public.json`` was produced by the original SDK with a fixed clock;
``wcs-api.md`` section 3 gives examples with AK ``AKEXAMPLE`` / SK ``SKEXAMPLE``; the fmgr
op strings come from ``wire-examples.md``. Every expected value below is one of those, or
is computed here with ``hmac``/``base64`` independently of ``wcs_ext``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest

from wcs_ext import Credentials, ManagementAuth, PutPolicy, WcsConfig, management_token
from wcs_ext import upload_token as make_upload_token
from wcs_ext._policy import policy_from_config
from wcs_ext.protocol.encoding import entry, parse_entry, urlsafe_b64decode, urlsafe_b64encode
from wcs_ext.protocol.fmgr_ops import (
    compress_op,
    copy_op,
    delete_m3u8_op,
    delete_op,
    delete_prefix_op,
    fetch_op,
    join_ops,
    move_op,
    parse_op,
)
from wcs_ext.protocol.signing import DEFAULT_TOKEN_LIFETIME, sign

VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parent / "data" / "vectors-public.json").read_text(encoding="utf-8")
)
EXAMPLE = Credentials(access_key="AKEXAMPLE", secret_key="SKEXAMPLE")
CAPTURE = Credentials(access_key="ref-capture-ak-0001", secret_key="ref-capture-sk-secret-0001")


def hmac_sign(secret: str, message: bytes) -> str:
    digest = hmac.new(secret.encode(), message, hashlib.sha1).hexdigest()
    return base64.urlsafe_b64encode(digest.encode()).decode()


def vector_ids(name: str) -> list[Any]:
    return [pytest.param(v, id=v["name"]) for v in VECTORS[name]]


# --------------------------------------------------------------------- upload tokens (vectors)


@pytest.mark.parametrize("vector", vector_ids("upload_tokens"))
def test_upload_token_vector_from_its_policy(vector: dict[str, Any]) -> None:
    credentials = Credentials(access_key=vector["ak"], secret_key=vector["sk"])
    policy = PutPolicy.from_dict(vector["policy"])
    assert policy.to_json() == vector["policy_json"]
    assert policy.encode() == vector["encoded_policy"] == vector["signed_string"]
    assert sign(vector["sk"], vector["signed_string"].encode()) == vector["encoded_sign"]
    assert make_upload_token(credentials, policy) == vector["token"]


def _relative_policy(vector: dict[str, Any]) -> PutPolicy:
    """The vector's input policy through ``for_object``: deadline = seconds from now."""
    given = dict(vector["input_policy"])
    bucket, sep, key = given.pop("scope").partition(":")
    lifetime = int(given.pop("deadline", DEFAULT_TOKEN_LIFETIME))
    renamed = {"overwrite": "overwrite", "saveKey": "save_key", "returnBody": "return_body"}
    options = {attr: given.pop(name) for name, attr in renamed.items() if name in given}
    assert given == {}, "a field of the vector is not mapped"
    return PutPolicy.for_object(
        bucket,
        key if sep else None,
        lifetime=lifetime,
        now=vector["fixed_now_seconds"],
        **options,
    )


@pytest.mark.parametrize("vector", vector_ids("upload_tokens"))
def test_upload_token_vector_from_a_relative_deadline(vector: dict[str, Any]) -> None:
    credentials = Credentials(access_key=vector["ak"], secret_key=vector["sk"])
    policy = _relative_policy(vector)
    assert policy.to_dict() == vector["policy"]
    assert make_upload_token(credentials, policy) == vector["token"]


def test_relative_deadline_vectors_are_the_two_expected() -> None:
    relative = [v["name"] for v in VECTORS["upload_tokens"] if "deadline" in v["input_policy"]]
    assert relative == ["pub-overwrite-deadline-600-returnbody", "pub-client-default-config"]
    (vector,) = [
        v for v in VECTORS["upload_tokens"] if v["name"] == "pub-overwrite-deadline-600-returnbody"
    ]
    policy = _relative_policy(vector)
    assert policy.deadline == (vector["fixed_now_seconds"] + 600) * 1000
    assert (policy.bucket, policy.key) == ("pub-bucket", None)


def test_client_style_vector_from_a_config() -> None:
    (vector,) = [v for v in VECTORS["upload_tokens"] if v["name"] == "pub-client-default-config"]
    config = WcsConfig(access_key=vector["ak"], secret_key=vector["sk"])
    policy = policy_from_config(
        config, vector["bucket"], vector["key"], now=vector["fixed_now_seconds"]
    )
    credentials = Credentials(access_key=vector["ak"], secret_key=vector["sk"])
    assert make_upload_token(credentials, policy) == vector["token"]


def test_config_options_go_into_the_policy() -> None:
    config = WcsConfig(
        access_key="ak",
        secret_key="sk",
        overwrite=1,
        return_body="key=$(key)",
        callback_url="http://cb.example.com/",
        hash_algorithm="crc64ecma",
        deadline=60,
    )
    policy = policy_from_config(config, "b", "k", now=1000.9, return_body="override")
    assert policy.to_json() == (
        '{"scope": "b:k", "deadline": 1060000, "overwrite": 1, "returnBody": "override", '
        '"callbackUrl": "http://cb.example.com/", "hashAlgorithm": "crc64ecma"}'
    )
    # "overwrite": 0 is not sent (the original sent it when the file said 0).
    plain = policy_from_config(WcsConfig(overwrite=0), "b", None, now=0)
    assert plain.to_dict() == {"scope": "b", "deadline": 7200000}


def test_upload_token_example_of_the_protocol() -> None:
    policy = PutPolicy(scope="bkt:up/s.txt", deadline=1795578482000)
    assert policy.to_json() == '{"scope": "bkt:up/s.txt", "deadline": 1795578482000}'
    assert make_upload_token(EXAMPLE, policy) == (
        "AKEXAMPLE:ODNhMDViZTEwZDdiMzI2NjAwZThmOTQ5NjNmNmExM2E5NWMyNmYzZg==:"
        "eyJzY29wZSI6ICJia3Q6dXAvcy50eHQiLCAiZGVhZGxpbmUiOiAxNzk1NTc4NDgyMDAwfQ=="
    )


def test_non_ascii_scope_is_escaped_in_the_policy_json() -> None:
    policy = PutPolicy.for_object("ref-bucket", "目录/文件 名.txt", now=1795572386.9)
    text = (
        r'{"scope": "ref-bucket:\u76ee\u5f55/\u6587\u4ef6 \u540d.txt", "deadline": 1795579586000}'
    )
    assert policy.to_json() == text
    token = make_upload_token(CAPTURE, policy)
    encoded = base64.urlsafe_b64encode(text.encode()).decode()
    assert (
        token == f"{CAPTURE.access_key}:{hmac_sign(CAPTURE.secret_key, encoded.encode())}:{encoded}"
    )


def test_sign_is_the_base64_of_the_hex_digest() -> None:
    signature = sign("SKEXAMPLE", b"anything")
    assert len(signature) == 56
    assert signature.endswith("==")
    assert (
        base64.urlsafe_b64decode(signature).decode()
        == hmac.new(b"SKEXAMPLE", b"anything", hashlib.sha1).hexdigest()
    )


# --------------------------------------------------------------------- PutPolicy


FULL_POLICY = PutPolicy(
    scope="b:k",
    deadline=1,
    overwrite=1,
    save_key="s/$(fname)",
    fsize_limit=100,
    return_url="http://r/",
    return_body="rb",
    callback_url="http://c/",
    callback_body="cb",
    persistent_ops="avthumb/mp4",
    persistent_notify_url="http://n/",
    separate=0,
    content_detect="porn",
    detect_notify_url="http://d/",
    detect_notify_rule="all",
    hash_algorithm="crc64ecma",
    instant=1,
)


def test_policy_json_field_names_and_order() -> None:
    assert list(FULL_POLICY.to_dict()) == [
        "scope",
        "deadline",
        "overwrite",
        "saveKey",
        "fsizeLimit",
        "returnUrl",
        "returnBody",
        "callbackUrl",
        "callbackBody",
        "persistentOps",
        "persistentNotifyUrl",
        "separate",
        "contentDetect",
        "detectNotifyURL",
        "detectNotifyRule",
        "hashAlgorithm",
        "instant",
    ]
    assert PutPolicy(scope="b", deadline=5).to_dict() == {"scope": "b", "deadline": 5}


def test_policy_decode_round_trip() -> None:
    assert PutPolicy.decode(FULL_POLICY.encode()) == FULL_POLICY
    # Other SDKs strip the padding: still readable.
    assert PutPolicy.decode(FULL_POLICY.encode().rstrip("=")) == FULL_POLICY
    token_policy = VECTORS["upload_tokens"][1]["encoded_policy"]
    decoded = PutPolicy.decode(token_policy)
    assert (decoded.scope, decoded.overwrite, decoded.save_key) == ("pub-bucket", 1, "up/$(fname)")
    assert decoded.encode() == token_policy


def _b64json(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


@pytest.mark.parametrize(
    ("encoded", "message"),
    [
        pytest.param("not base64!", "not Base64 JSON", id="not base64"),
        pytest.param(
            base64.urlsafe_b64encode(b"{scope").decode(), "not Base64 JSON", id="not json"
        ),
        pytest.param(
            base64.urlsafe_b64encode(b"\xff\xfe").decode(), "not Base64 JSON", id="binary"
        ),
        pytest.param(_b64json(["scope"]), "not a JSON object", id="array"),
        pytest.param(_b64json({"scope": "b"}), "needs scope and deadline", id="no deadline"),
        pytest.param(_b64json({"deadline": 1}), "needs scope and deadline", id="no scope"),
        pytest.param(
            _b64json({"scope": "b", "deadline": "7200"}),
            "deadline must be an integer",
            id="str deadline",
        ),
        pytest.param(
            _b64json({"scope": "b", "deadline": 1, "overwrite": True}),
            "overwrite must be an integer",
            id="bool flag",
        ),
        pytest.param(
            _b64json({"scope": 7, "deadline": 1}), "scope must be a string", id="int scope"
        ),
        pytest.param(
            _b64json({"scope": "b", "deadline": 1, "overwrite": 2}), "must be 0 or 1", id="flag 2"
        ),
    ],
)
def test_policy_decode_errors(encoded: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PutPolicy.decode(encoded)


def test_policy_from_dict_ignores_unknown_and_null_fields() -> None:
    policy = PutPolicy.from_dict({"scope": "b:k", "deadline": 9, "x:custom": "v", "saveKey": None})
    assert policy == PutPolicy(scope="b:k", deadline=9)


def test_policy_scope_parts_and_lifetime() -> None:
    assert (PutPolicy(scope="b:k:with:colons", deadline=1).key) == "k:with:colons"
    assert (PutPolicy(scope="b", deadline=1).key) is None
    empty_key = PutPolicy.for_object("b", "", now=0)
    assert (empty_key.scope, empty_key.bucket, empty_key.key) == ("b:", "b", "")
    assert PutPolicy.for_object("b", "k", lifetime=1, now=10.99).deadline == 11000
    with pytest.raises(ValueError, match="lifetime must be positive"):
        PutPolicy.for_object("b", "k", lifetime=0)
    with pytest.raises(ValueError, match="must be 0 or 1"):
        PutPolicy(scope="b", deadline=1, separate=3)


def test_for_object_uses_the_clock_when_no_now_is_given() -> None:
    import time

    before = int(time.time())
    deadline = PutPolicy.for_object("b", "k").deadline
    after = int(time.time())
    assert (before + 7200) * 1000 <= deadline <= (after + 7200) * 1000


# --------------------------------------------------------------------- management tokens


@pytest.mark.parametrize("vector", vector_ids("management_tokens"))
def test_management_token_vector(vector: dict[str, Any]) -> None:
    credentials = Credentials(access_key=vector["ak"], secret_key=vector["sk"])
    target = vector["path"] + (f"?{vector['query']}" if vector["query"] else "")
    body = vector["body"] or ""
    assert f"{target}\n{body}" == vector["signed_string"]
    assert management_token(credentials, target, body) == vector["token"]
    assert management_token(credentials, target.encode(), body.encode()) == vector["token"]
    assert vector["url"] == vector["mgr_url"] + target


@pytest.mark.parametrize(
    ("target", "body", "token"),
    [
        pytest.param(
            "/bucket/list",
            "",
            "AKEXAMPLE:ZGNjMjU1YWM1ZjMwZDFmNDY5OWM3MWRhZTM4ZmU4ZWFjZjc1ZWYyOQ==",
            id="list buckets",
        ),
        pytest.param(
            "/setdeadline",
            "bucket=Ymt0&key=azE=&deadline=3",
            "AKEXAMPLE:ZmQxODFlOThjZmRlNGY3NzdiMzg3MWZjNTBhNGY0ZDE1NTY4MTJkNw==",
            id="setdeadline",
        ),
        pytest.param(
            "/bucket/stat?name=YjF8YjI=&startdate=2026-11-24&enddate=2026-11-25&isListDetails=false",
            "",
            "AKEXAMPLE:ZjhhNTE0ZWU3NjZhYmVkZDJiMjhlZTI4YWFmM2ZiYmQ2OWU4OTZlZQ==",
            id="bucket stat",
        ),
    ],
)
def test_management_token_examples_of_the_protocol(target: str, body: str, token: str) -> None:
    assert management_token(EXAMPLE, target, body) == token


def test_management_token_without_body_signs_an_empty_body() -> None:
    assert management_token(EXAMPLE, "/bucket/list") == management_token(
        EXAMPLE, "/bucket/list", b""
    )
    assert management_token(EXAMPLE, "/bucket/list") == (
        f"AKEXAMPLE:{hmac_sign('SKEXAMPLE', b'/bucket/list' + bytes([10]))}"
    )


class Signed:
    """An httpx client with ManagementAuth over a MockTransport that keeps the requests."""

    def __init__(self, base_url: str = "http://127.0.0.1:18765") -> None:
        self.requests: list[httpx.Request] = []
        self.client = httpx.Client(
            base_url=base_url,
            auth=ManagementAuth(CAPTURE),
            transport=httpx.MockTransport(self._handler),
        )

    def _handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, json={})


def test_management_auth_signs_the_raw_target_with_padding() -> None:
    signed = Signed()
    target = (
        "/bucket/stat?name=cmVmLWJ1Y2tldA==&startdate=2026-01-01&enddate=2026-01-02"
        "&isListDetails=false"
    )
    signed.client.get(target)
    (request,) = signed.requests
    # httpx leaves "=" raw in the query: the bytes sent are the bytes of the capture...
    assert request.url.raw_path == target.encode()
    # ...and so the captured header.
    assert request.headers["Authorization"] == (
        "ref-capture-ak-0001:NDg0ZmI4NmQxY2RkMjk5ZWRkZGQ3ZWUyMmYxMzZkOTE3N2U2ZTJhZA=="
    )


def test_management_auth_signs_the_body() -> None:
    signed = Signed()
    body = b"bucket=cmVmLWJ1Y2tldA==&key=ZG9jcy9oZWxsby50eHQ=&deadline=3"
    signed.client.post("/setdeadline", content=body)
    assert signed.requests[0].headers["Authorization"] == (
        "ref-capture-ak-0001:ZGI5MzBmZWRmYjhjZWFmN2Y2MzdkY2E0ZTc0OWMxNzVlZTYxNzNhZQ=="
    )


def test_management_auth_signs_what_is_sent_after_quoting() -> None:
    # httpx quotes a space and non-ASCII: the signature covers the quoted bytes on the wire.
    signed = Signed("http://127.0.0.1:18765/prefix")
    signed.client.get("/list")
    signed.client.get("/list?bucket=a b&marker=é")
    first, second = signed.requests
    assert first.url.raw_path == b"/prefix/list"
    assert second.url.raw_path == b"/prefix/list?bucket=a%20b&marker=%C3%A9"
    for request in signed.requests:
        expected = hmac_sign(CAPTURE.secret_key, request.url.raw_path + b"\n")
        assert request.headers["Authorization"] == f"ref-capture-ak-0001:{expected}"


def test_management_auth_and_credentials_hide_the_secret() -> None:
    assert "ref-capture-sk-secret-0001" not in repr(ManagementAuth(CAPTURE))
    assert "ref-capture-ak-0001" in repr(ManagementAuth(CAPTURE))
    assert "ref-capture-sk-secret-0001" not in repr(CAPTURE)
    assert repr(CAPTURE) == "Credentials(access_key='ref-capture-ak-0001')"
    assert CAPTURE.secret_key == "ref-capture-sk-secret-0001"


@pytest.mark.parametrize(("ak", "sk"), [("", "sk"), ("ak", ""), ("", "")])
def test_credentials_need_both_keys(ak: str, sk: str) -> None:
    with pytest.raises(ValueError, match="must both be non-empty"):
        Credentials(access_key=ak, secret_key=sk)


def test_credentials_are_immutable() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        CAPTURE.secret_key = "other"  # type: ignore[misc]


# --------------------------------------------------------------------- base64 and entries


@pytest.mark.parametrize(
    "vector", [pytest.param(v, id=v["input"]) for v in VECTORS["urlsafe_base64"]]
)
def test_urlsafe_base64_vector(vector: dict[str, str]) -> None:
    assert urlsafe_b64encode(vector["input"]) == vector["output"]
    assert urlsafe_b64encode(vector["input"].encode()) == vector["output"]
    assert urlsafe_b64decode(vector["output"]) == vector["input"].encode()
    assert urlsafe_b64decode(vector["output"].rstrip("=")) == vector["input"].encode()
    assert urlsafe_b64decode(vector["output"].encode()) == vector["input"].encode()


def test_urlsafe_base64_uses_dash_and_underscore() -> None:
    assert urlsafe_b64encode(b"\xfb\xff\xfe") == "-__-"
    assert urlsafe_b64decode("-__-") == b"\xfb\xff\xfe"
    assert urlsafe_b64encode("") == ""
    assert urlsafe_b64decode("") == b""


@pytest.mark.parametrize(
    "text",
    ["+/8=", "abc=d", "a", "cHVi===", "cHVi====", "cH Vi", "cHVi\n", "é"],
)
def test_urlsafe_base64_rejects_what_is_not(text: str) -> None:
    with pytest.raises(ValueError, match="not URL-safe Base64"):
        urlsafe_b64decode(text)


@pytest.mark.parametrize("vector", [pytest.param(v, id=str(v["key"])) for v in VECTORS["entries"]])
def test_entry_vector(vector: dict[str, Any]) -> None:
    assert entry(vector["bucket"], vector["key"]) == vector["entry"]
    assert parse_entry(vector["entry"]) == (vector["bucket"], vector["key"])
    assert parse_entry(vector["entry"].rstrip("=")) == (vector["bucket"], vector["key"])


def test_entry_edge_cases() -> None:
    assert entry("b", "") == urlsafe_b64encode("b:")
    assert parse_entry(entry("b", "")) == ("b", "")
    assert parse_entry(entry("b", "k:with:colons")) == ("b", "k:with:colons")
    assert entry("ref-bucket", "目录/文件 名.txt") == "cmVmLWJ1Y2tldDrnm67lvZUv5paH5Lu2IOWQjS50eHQ="
    assert parse_entry("cmVmLWJ1Y2tldDrnm67lvZUv5paH5Lu2IOWQjS50eHQ") == (
        "ref-bucket",
        "目录/文件 名.txt",
    )
    with pytest.raises(ValueError, match="not URL-safe Base64"):
        parse_entry("***")


# --------------------------------------------------------------------- fmgr op strings


CAPTURED_OPS: list[Any] = [
    pytest.param(
        copy_op("ref-bucket", "docs/hello.txt", "ref-bucket2", "fmgr/copied.txt"),
        "resource/cmVmLWJ1Y2tldDpkb2NzL2hlbGxvLnR4dA==/bucket/cmVmLWJ1Y2tldDI=/key/Zm1nci9jb3BpZWQudHh0",
        {
            "resource": "ref-bucket:docs/hello.txt",
            "bucket": "ref-bucket2",
            "key": "fmgr/copied.txt",
        },
        id="fmgr_copy",
    ),
    pytest.param(
        move_op("ref-bucket2", "fmgr/copied.txt", "ref-bucket2", "fmgr/moved.txt"),
        "resource/cmVmLWJ1Y2tldDI6Zm1nci9jb3BpZWQudHh0/bucket/cmVmLWJ1Y2tldDI=/key/Zm1nci9tb3ZlZC50eHQ=",
        {
            "resource": "ref-bucket2:fmgr/copied.txt",
            "bucket": "ref-bucket2",
            "key": "fmgr/moved.txt",
        },
        id="fmgr_move",
    ),
    pytest.param(
        fetch_op("http://src.example.com/a.jpg", "ref-bucket", "fetched/a.jpg"),
        "fetchURL/aHR0cDovL3NyYy5leGFtcGxlLmNvbS9hLmpwZw==/bucket/cmVmLWJ1Y2tldA==/key/ZmV0Y2hlZC9hLmpwZw==",
        {
            "fetchURL": "http://src.example.com/a.jpg",
            "bucket": "ref-bucket",
            "key": "fetched/a.jpg",
        },
        id="fmgr_fetch",
    ),
    pytest.param(
        delete_op("ref-bucket2", "fmgr/moved.txt"),
        "bucket/cmVmLWJ1Y2tldDI=/key/Zm1nci9tb3ZlZC50eHQ=",
        {"bucket": "ref-bucket2", "key": "fmgr/moved.txt"},
        id="fmgr_delete",
    ),
    pytest.param(
        delete_prefix_op("ref-bucket", "smart/"),
        "bucket/cmVmLWJ1Y2tldA==/prefix/c21hcnQv",
        {"bucket": "ref-bucket", "prefix": "smart/"},
        id="prefix_delete",
    ),
    pytest.param(
        delete_prefix_op("pub-bucket", "tmp/"),
        "bucket/cHViLWJ1Y2tldA==/prefix/dG1wLw==",
        {"bucket": "pub-bucket", "prefix": "tmp/"},
        id="prefix_delete vector",
    ),
    pytest.param(
        delete_m3u8_op("ref-bucket", "live/a.m3u8", delete_ts=True),
        "bucket/cmVmLWJ1Y2tldA==/key/bGl2ZS9hLm0zdTg=/deletets/1",
        {"bucket": "ref-bucket", "key": "live/a.m3u8", "deletets": "1"},
        id="m3u8_delete",
    ),
]


@pytest.mark.parametrize(("built", "captured", "parsed"), CAPTURED_OPS)
def test_op_builders_reproduce_the_captured_ops(
    built: str, captured: str, parsed: dict[str, str]
) -> None:
    assert built == captured
    assert parse_op(captured) == parsed


def test_two_ops_in_one_job() -> None:
    ops = join_ops(
        [delete_op("ref-bucket", "smart/small.txt"), delete_op("ref-bucket", "stream/s.bin")]
    )
    assert ops == (
        "bucket/cmVmLWJ1Y2tldA==/key/c21hcnQvc21hbGwudHh0;bucket/cmVmLWJ1Y2tldA==/key/c3RyZWFtL3MuYmlu"
    )
    assert [parse_op(op)["key"] for op in ops.split(";")] == ["smart/small.txt", "stream/s.bin"]
    with pytest.raises(ValueError, match="at least one operation"):
        join_ops([])


def test_optional_op_parameters() -> None:
    op = fetch_op(
        "http://x/y.zip",
        "b",
        prefix="in/",
        md5="d41d8cd98f00b204e9800998ecf8427e",
        decompression="zip",
        fetch_ts=False,
    )
    assert op == (
        "fetchURL/aHR0cDovL3gveS56aXA=/bucket/Yg==/prefix/aW4v/md5/d41d8cd98f00b204e9800998ecf8427e"
        "/decompression/zip/fetchTS/0"
    )
    assert parse_op(op) == {
        "fetchURL": "http://x/y.zip",
        "bucket": "b",
        "prefix": "in/",
        "md5": "d41d8cd98f00b204e9800998ecf8427e",
        "decompression": "zip",
        "fetchTS": "0",
    }
    assert move_op("b", "k", "b2") == "resource/Yjpr/bucket/YjI="
    assert move_op("b", "k", "b2", prefix="p/") == "resource/Yjpr/bucket/YjI=/prefix/cC8="
    assert delete_m3u8_op("b", "k") == "bucket/Yg==/key/aw=="
    assert delete_m3u8_op("b", "k", delete_ts=False).endswith("/deletets/0")
    assert delete_prefix_op("b", "p/", output=("b", "report.txt")) == (
        "bucket/Yg==/prefix/cC8=/output/YjpyZXBvcnQudHh0"
    )


def test_compress_op_grammar() -> None:
    op = compress_op("ref-bucket", ["a.txt", "b/c.txt"], ("ref-bucket", "out.zip"))
    assert (
        op == "bucket/cmVmLWJ1Y2tldA==/keys/YS50eHQ=|Yi9jLnR4dA==/saveas/cmVmLWJ1Y2tldDpvdXQuemlw"
    )
    # The saveas entry is the one inside the captured compress job's mkzip command.
    assert base64.urlsafe_b64decode("bWt6aXAvMnxzYXZlYXMvY21WbUxXSjFZMnRsZERwdmRYUXVlbWx3") == (
        b"mkzip/2|saveas/" + entry("ref-bucket", "out.zip").encode()
    )
    parsed = parse_op(op)
    assert parsed["keys"] == "YS50eHQ=|Yi9jLnR4dA=="  # left for the caller to split
    assert parsed["saveas"] == "ref-bucket:out.zip"
    assert compress_op("b", [], ("b", "z.zip"), key_list="index.txt") == (
        "bucket/Yg==/keyList/aW5kZXgudHh0/saveas/Yjp6LnppcA=="
    )
    with pytest.raises(ValueError, match="needs keys or a key_list"):
        compress_op("b", [], ("b", "z.zip"))


def test_captured_fops_saveas_is_an_entry() -> None:
    fops = base64.urlsafe_b64decode(
        "dmZyYW1lL2pwZy9vZmZzZXQvMXxzYXZlYXMvY21WbUxXSjFZMnRsZERwbUxtcHdadz09"
    ).decode()
    assert fops == f"vframe/jpg/offset/1|saveas/{entry('ref-bucket', 'f.jpg')}"


@pytest.mark.parametrize(
    "op",
    [
        "bucket",
        "bucket/Yg==/key",
        "bucket/Yg==/bucket/YjI=",
        "/Yg==",
        "bucket/!!!",
        "bucket/" + base64.urlsafe_b64encode(b"\xff").decode(),
    ],
)
def test_parse_op_rejects_malformed_ops(op: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - several messages, all ValueError
        parse_op(op)


@pytest.mark.parametrize(
    "op",
    [
        move_op("b", "目录/k", "b2", "新/k", prefix="p"),
        fetch_op("http://x/é", "b", "k", md5="abc", decompression="zip", fetch_ts=True),
        delete_m3u8_op("b", "live/x.m3u8", delete_ts=False),
        delete_prefix_op("b", "p/", output=("b", "out")),
    ],
)
def test_parse_op_round_trips(op: str) -> None:
    plain = ("md5", "decompression", "fetchTS", "deletets")
    parsed = parse_op(op)
    rebuilt = "/".join(
        f"{name}/{value if name in plain else urlsafe_b64encode(value)}"
        for name, value in parsed.items()
    )
    assert rebuilt == op
