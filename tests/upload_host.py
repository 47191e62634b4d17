"""An in-memory WCS upload host for tests: faithful mkblk/bput/mkfile and form upload.

It keeps each block by ctx, checks every bput offset, answers the chunk's real crc32,
assembles the object on mkfile and answers its etag. Tests tamper with its answers or
inject failures to see the client notice (crc32, offset, hash) or retry.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import threading
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from wcs_ext import RetryPolicy, Wcs, WcsConfig
from wcs_ext.protocol.encoding import parse_entry

BASE_URL = "http://127.0.0.1:18765"
AK = "ref-capture-ak-0001"
SK = "ref-capture-sk-secret-0001"
MiB = 1024 * 1024
BLOCK = 4 * MiB
EMPTY_ETAG = "Fto5o-5ea0sNMlW_75VgGJCv2AcJ"


def etag(data: bytes) -> str:
    """WCS etag, computed here independently of ``wcs_ext.checksum``."""
    blocks = [data[i : i + BLOCK] for i in range(0, len(data), BLOCK)] or [b""]
    if len(blocks) == 1:
        raw = b"\x16" + hashlib.sha1(blocks[0]).digest()
    else:
        raw = b"\x96" + hashlib.sha1(b"".join(hashlib.sha1(b).digest() for b in blocks)).digest()
    return base64.urlsafe_b64encode(raw).decode()


def scope_key(token: str) -> str:
    policy = json.loads(base64.urlsafe_b64decode(token.split(":")[2]))
    scope: str = policy["scope"]
    return scope.partition(":")[2]


def file_part(request: httpx.Request) -> tuple[str, bytes]:
    """(token, file bytes) of a form upload: the token part, the file part, and at most
    the ``mimeType`` field besides (sent when the upload has a Content-Type)."""
    boundary = request.headers["Content-Type"].split("boundary=", 1)[1].encode()
    body = request.content
    assert body.endswith(b"\r\n--" + boundary + b"--\r\n")
    parts = body[: -len(b"\r\n--" + boundary + b"--\r\n")].split(b"--" + boundary + b"\r\n")
    assert parts[0] == b""
    fields: dict[str, bytes] = {}
    for index, part in enumerate(parts[1:], start=1):
        head, _, value = part.partition(b"\r\n\r\n")
        name = head.split(b'name="', 1)[1].split(b'"', 1)[0].decode()
        assert name not in fields, f"two {name!r} parts"
        # Each part but the last ends with the CRLF that comes before the next boundary.
        fields[name] = value[:-2] if index < len(parts) - 1 else value
    assert set(fields) <= {"token", "file", "mimeType"}, sorted(fields)
    assert next(iter(fields)) == "token"
    return fields["token"].decode(), fields["file"]


def reply(status: int, body: Any) -> httpx.Response:
    return httpx.Response(status, json=body, headers={"X-Reqid": "req-up"})


Injected = httpx.Response | type[httpx.RequestError]


class UploadHost:
    """An in-memory WCS upload host (form upload, mkblk, bput, mkfile).

    ``inject(target, answer)`` makes the next request of that verb (``"mkblk"``) or with that
    exact path (``"/mkblk/4194304/0"``) get ``answer`` (or raise it); ``tamper(verb, change)``
    rewrites the JSON of that verb's successful answers.
    """

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.blocks: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self.stored: dict[str, bytes] = {}
        self._injected: dict[str, list[Injected]] = {}
        self._tamper: dict[str, Callable[[dict[str, Any]], None]] = {}

    def inject(self, verb: str, *answers: Injected) -> None:
        self._injected.setdefault(verb, []).extend(answers)

    def tamper(self, verb: str, change: Callable[[dict[str, Any]], None]) -> None:
        self._tamper[verb] = change

    @staticmethod
    def verb(request: httpx.Request) -> str:
        path = request.url.path
        return "upload" if path == "/file/upload" else path.split("/")[1]

    def verbs(self) -> list[str]:
        return [self.verb(r) for r in self.requests]

    def lines(self, verb: str | None = None) -> list[str]:
        return [
            f"{r.method} {r.url.raw_path.decode()}"
            for r in self.requests
            if verb is None or self.verb(r) == verb
        ]

    def handler(self, request: httpx.Request) -> httpx.Response:
        with self._lock:  # blocks are sent from several threads at once
            return self._respond(request)

    def _respond(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        verb = self.verb(request)
        pending = self._injected.get(request.url.path) or self._injected.get(verb)
        if pending:
            injected = pending.pop(0)
            if isinstance(injected, httpx.Response):
                return injected
            raise injected(f"injected {injected.__name__}", request=request)
        if verb == "stat" and parse_entry(request.url.path.split("/")[2])[1] not in self.stored:
            return reply(404, {"code": 404, "message": "file not exist"})
        body = self._handle(verb, request)
        if verb in self._tamper:
            self._tamper[verb](body)
        return reply(200, body)

    def _handle(self, verb: str, request: httpx.Request) -> dict[str, Any]:
        segments = request.url.path.split("/")
        if verb == "stat":  # what a management host answers about a stored key
            _, key = parse_entry(segments[2])
            stored = self.stored[key or ""]
            return {"code": 200, "name": key, "hash": etag(stored), "fsize": len(stored)}
        if verb == "upload":
            token, data = file_part(request)
            key = scope_key(token)
            self.stored[key] = data
            return {"hash": etag(data), "key": key}
        if verb == "mkfile":
            data = b"".join(self.blocks[c] for c in request.content.decode().split(","))
            assert len(data) == int(segments[2])
            key = scope_key(request.headers["Authorization"])
            self.stored[key] = data
            return {"hash": etag(data), "key": key}
        chunk = request.content
        if verb == "mkblk":
            assert len(chunk) <= int(segments[2])
            data = chunk
        else:
            assert verb == "bput"
            assert int(segments[3]) == len(self.blocks[segments[2]])
            data = self.blocks[segments[2]] + chunk
        ctx = f"ctx{len(self.blocks)}"
        self.blocks[ctx] = data
        return {
            "ctx": ctx,
            "checksum": hashlib.sha1(data).hexdigest(),
            "crc32": zlib.crc32(chunk),
            "offset": len(data),
        }


@pytest.fixture
def host() -> UploadHost:
    return UploadHost()


@pytest.fixture
def make_wcs(host: UploadHost, tmp_path: Path) -> Iterator[Callable[..., Wcs]]:
    clients: list[Wcs] = []

    def make(*, retries: int = 0, threshold: int | None = None, **config: Any) -> Wcs:
        values: dict[str, Any] = {
            "access_key": AK,
            "secret_key": SK,
            "put_url": BASE_URL,
            "mgr_url": BASE_URL,
            "block_size": BLOCK,
            "bput_size": MiB,
            # Whatever an upload may keep for resuming stays in the test's folder.
            "tmp_record_folder": str(tmp_path / "records"),
            # Attempts per upload step come from the config, as in a .wcscfg.
            "mkblk_retries": retries,
            "bput_retries": retries,
            "mkfile_retries": retries,
            "max_concurrency": 0,  # pinned: the order of requests is what tests check
        }
        values.update(config)
        extra: dict[str, Any] = {} if threshold is None else {"multipart_threshold": threshold}
        wcs = Wcs(
            WcsConfig(**values),
            transport=httpx.MockTransport(host.handler),
            retry=RetryPolicy(max_retries=retries, initial_delay=0, max_delay=0),
            **extra,
        )
        clients.append(wcs)
        return wcs

    yield make
    for wcs in clients:
        wcs.close()


def data_of(size: int) -> bytes:
    return random.Random(size).randbytes(size)


def write(tmp_path: Path, data: bytes, name: str = "f.bin") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path
