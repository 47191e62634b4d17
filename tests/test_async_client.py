"""``AsyncWcs`` sends byte-identical requests to ``Wcs`` and fails the same way.

Each scenario runs once through the sync client and once through the async twin, against
the same scripted server; the recorded requests (method, target, headers, body; multipart
boundaries normalised) and the results or errors must be equal.
"""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

import wcs_ext._async._io
import wcs_ext._sync._io
import wcs_ext.protocol.signing
from wcs_ext import (
    AsyncWcs,
    RetryPolicy,
    Wcs,
    WcsConfig,
    WcsConfigError,
    WcsError,
    WcsIntegrityError,
    WcsNotFoundError,
    WcsTimeoutError,
    WcsTransportError,
)
from wcs_ext.models import Job as JobRecord

BASE_URL = "http://127.0.0.1:18765"
AK = "ref-capture-ak-0001"
SK = "ref-capture-sk-secret-0001"
HELLO_ETAG = "FiJansjy9XVdTONVcAYheClQyUjF"

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both twins issue upload tokens at the same instant, so their bytes can be compared."""
    monkeypatch.setattr(
        wcs_ext.protocol.signing, "time", SimpleNamespace(time=lambda: 1795572386.0)
    )


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[float]]:
    """The waits of both retry loops, recorded instead of slept."""
    recorded: dict[str, list[float]] = {"sync": [], "async": []}

    async def async_sleep(delay: float) -> None:
        recorded["async"].append(delay)

    monkeypatch.setattr(wcs_ext._sync._io, "sleep", recorded["sync"].append)
    monkeypatch.setattr(wcs_ext._async._io, "sleep", async_sleep)
    return recorded


Step = httpx.Response | type[httpx.RequestError] | Callable[[httpx.Request], httpx.Response]


def reply(status: int, body: Any = None, **headers: str) -> httpx.Response:
    headers.setdefault("X-Reqid", "req-twin")
    if isinstance(body, bytes):
        return httpx.Response(status, content=body, headers=headers)
    return httpx.Response(status, json=body, headers=headers)


def upload_answer(request: httpx.Request) -> httpx.Response:
    token = request.content.split(b'name="token"', 1)[1].split(b"\r\n\r\n", 1)[1]
    policy = json.loads(base64.urlsafe_b64decode(token.split(b"\r\n", 1)[0].split(b":")[2]))
    return reply(200, {"hash": HELLO_ETAG, "key": policy["scope"].partition(":")[2]})


class Server:
    """Plays a fresh copy of the same script for each twin and records what each sent."""

    def __init__(self, *steps: Step) -> None:
        self.seen: dict[str, list[httpx.Request]] = {"sync": [], "async": []}
        self._pending: dict[str, list[Step]] = {"sync": list(steps), "async": list(steps)}

    def _answer(self, twin: str, request: httpx.Request) -> httpx.Response:
        self.seen[twin].append(request)
        pending = self._pending[twin]
        step = pending.pop(0) if len(pending) > 1 else pending[0]
        if isinstance(step, httpx.Response):
            # A fresh response each time: a response object can be read once only.
            return httpx.Response(step.status_code, headers=step.headers, content=step.content)
        if isinstance(step, type):
            raise step(f"injected {step.__name__}", request=request)
        return step(request)

    def sync_handler(self, request: httpx.Request) -> httpx.Response:
        request.read()
        return self._answer("sync", request)

    async def async_handler(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        return self._answer("async", request)

    def wire(self, twin: str) -> list[tuple[str, str, list[tuple[str, str]], bytes]]:
        """What one twin sent, with the random multipart boundary replaced."""
        out = []
        for request in self.seen[twin]:
            content_type = request.headers.get("Content-Type", "")
            boundary = content_type.partition("boundary=")[2]
            content = request.content
            headers = list(request.headers.multi_items())
            if boundary:
                content = content.replace(boundary.encode(), b"BOUNDARY")
                headers = [(k, v.replace(boundary, "BOUNDARY")) for k, v in headers]
            out.append((request.method, str(request.url), headers, content))
        return out


def config(**overrides: Any) -> WcsConfig:
    values: dict[str, Any] = {
        "access_key": AK,
        "secret_key": SK,
        "put_url": BASE_URL,
        "mgr_url": BASE_URL,
    }
    values.update(overrides)
    return WcsConfig(**values)


def no_wait(retries: int) -> RetryPolicy:
    return RetryPolicy(max_retries=retries, initial_delay=0, max_delay=0)


Outcome = tuple[str, Any]


def _outcome_of_error(err: WcsError) -> Outcome:
    return (
        "error",
        (
            type(err).__name__,
            str(err),
            getattr(err, "status", None),
            getattr(err, "code", None),
            err.request_id,
        ),
    )


async def both(
    server: Server,
    sync_call: Callable[[Wcs], Any],
    async_call: Callable[[AsyncWcs], Awaitable[Any]],
    *,
    retry: RetryPolicy | None = None,
    **overrides: Any,
) -> tuple[Outcome, Outcome]:
    """Run the scenario through each twin; their outcomes (result or error summary)."""
    policy = retry or no_wait(0)
    outcomes: list[Outcome] = []
    with Wcs(
        config(**overrides), transport=httpx.MockTransport(server.sync_handler), retry=policy
    ) as wcs:
        try:
            outcomes.append(("result", _plain(sync_call(wcs))))
        except WcsError as err:
            outcomes.append(_outcome_of_error(err))
    async with AsyncWcs(
        config(**overrides), transport=httpx.MockTransport(server.async_handler), retry=policy
    ) as awcs:
        try:
            outcomes.append(("result", _plain(await async_call(awcs))))
        except WcsError as err:
            outcomes.append(_outcome_of_error(err))
    return outcomes[0], outcomes[1]


def _plain(result: Any) -> Any:
    """Submitted jobs as their record: the twins' Job and AsyncJob differ in class (and
    in how they wait) only."""
    if isinstance(result, JobRecord):
        return JobRecord(persistent_id=result.persistent_id, request_id=result.request_id)
    if isinstance(result, tuple):
        return tuple(_plain(item) for item in result)
    return result


# --------------------------------------------------------------------- same requests


STAT = {"name": "docs/hello.txt", "fsize": 10, "hash": HELLO_ETAG, "putTime": 1795572386432}
PAGE = {"marker": "", "commonPrefixes": ["big/"], "items": [{"key": "big/nine.bin", "fsize": 1}]}
JOB = {"persistentId": "fmgr-000007"}
DAY = "2026-01-01"
FMGR_STATUS = {"id": "fmgr-000007", "code": 3, "desc": "done", "items": [{"cmd": "x", "code": 3}]}


def _scenarios() -> Iterator[Any]:
    yield pytest.param(
        [reply(200, STAT)],
        lambda w: w.stat("ref-bucket", "目录/文件 名.txt"),
        lambda a: a.stat("ref-bucket", "目录/文件 名.txt"),
        id="stat",
    )
    yield pytest.param(
        [reply(200, PAGE)],
        lambda w: w.list_objects("ref-bucket", prefix="big/", limit=1, marker="bTE=", mode=1),
        lambda a: a.list_objects("ref-bucket", prefix="big/", limit=1, marker="bTE=", mode=1),
        id="list",
    )
    yield pytest.param(
        [reply(200, {"code": 200, "message": "OK"})],
        lambda w: w.set_deadline("ref-bucket", "docs/hello.txt", 3),
        lambda a: a.set_deadline("ref-bucket", "docs/hello.txt", 3),
        id="setdeadline",
    )
    yield pytest.param(
        [reply(200, {"code": 200, "message": "OK"})],
        lambda w: (w.delete("b", "k"), w.move("b", "k", "b2"), w.copy("b", "k", "b2", "k2")),
        _async_tuple(
            lambda a: a.delete("b", "k"),
            lambda a: a.move("b", "k", "b2"),
            lambda a: a.copy("b", "k", "b2", "k2"),
        ),
        id="delete+move+copy",
    )
    yield pytest.param(
        [reply(200, JOB), reply(200, FMGR_STATUS)],
        lambda w: (w.fmgr.delete_prefix("ref-bucket", "smart/"), w.fmgr.status("fmgr-000007")),
        _async_tuple(
            lambda a: a.fmgr.delete_prefix("ref-bucket", "smart/"),
            lambda a: a.fmgr.status("fmgr-000007"),
        ),
        id="fmgr delete_prefix+status",
    )
    yield pytest.param(
        [reply(200, {"persistentId": "fops-1"})],
        lambda w: w.fops.execute("ref-bucket", "docs/hello.txt", "avthumb/mp4", force=True),
        lambda a: a.fops.execute("ref-bucket", "docs/hello.txt", "avthumb/mp4", force=True),
        id="fops execute",
    )
    yield pytest.param(
        [
            reply(
                200,
                {
                    "buckets": [
                        {"name": "b1", "detail": [{"data_time": "2026-01-01", "storage": 1}]}
                    ]
                },
            )
        ],
        lambda w: w.bucket_usage("b1|b2", "2026-01-01", "2026-01-02", list_details=True),
        lambda a: a.bucket_usage("b1|b2", "2026-01-01", "2026-01-02", list_details=True),
        id="bucket_usage",
    )
    yield pytest.param(
        [reply(200, {"total": 1, "items": [{"name": "r1"}]})],
        lambda w: w.wslive_list("ch", "20260101000000", "20260102000000", "b", start=1, limit=5),
        lambda a: a.wslive_list("ch", "20260101000000", "20260102000000", "b", start=1, limit=5),
        id="wslive_list",
    )


def _async_tuple(*calls: Callable[[AsyncWcs], Awaitable[Any]]) -> Callable[[AsyncWcs], Any]:
    async def run(awcs: AsyncWcs) -> tuple[Any, ...]:
        return tuple([await call(awcs) for call in calls])

    return run


@pytest.mark.parametrize(("steps", "sync_call", "async_call"), list(_scenarios()))
async def test_management_requests_are_byte_identical(
    steps: list[Step],
    sync_call: Callable[[Wcs], Any],
    async_call: Callable[[AsyncWcs], Awaitable[Any]],
) -> None:
    server = Server(*steps)
    sync_outcome, async_outcome = await both(server, sync_call, async_call)
    assert sync_outcome[0] == "result"
    assert sync_outcome == async_outcome
    assert server.wire("sync") == server.wire("async")
    assert len(server.seen["sync"]) >= 1


async def test_config_flags_reach_both_twins_alike() -> None:
    server = Server(reply(200, JOB))
    flags: dict[str, Any] = {"notifyurl": "http://n.example.com/", "separate": 1, "force": 1}
    await both(
        server,
        lambda w: w.fmgr.delete_prefix("b", "p/"),
        lambda a: a.fmgr.delete_prefix("b", "p/"),
        **flags,
    )
    assert server.wire("sync") == server.wire("async")
    assert server.seen["async"][0].content.endswith(b"&separate=1&force=1")


async def test_iter_objects_pages_alike() -> None:
    server = Server(
        reply(200, {"marker": "bTE=", "items": [{"key": "a", "fsize": 1}]}),
        reply(200, {"marker": "bTI=", "items": [{"key": "b", "fsize": 1}]}),
        reply(200, {"marker": "", "items": [{"key": "c", "fsize": 1}]}),
    )

    async def collect(awcs: AsyncWcs) -> list[str]:
        return [obj.key async for obj in awcs.iter_objects("b", limit=1)]

    sync_outcome, async_outcome = await both(
        server, lambda w: [obj.key for obj in w.iter_objects("b", limit=1)], collect
    )
    assert sync_outcome == async_outcome == ("result", ["a", "b", "c"])
    assert [r.url.raw_path for r in server.seen["async"]] == [
        b"/list?bucket=b&limit=1",
        b"/list?bucket=b&marker=bTE=&limit=1",
        b"/list?bucket=b&marker=bTI=&limit=1",
    ]
    assert server.wire("sync") == server.wire("async")


async def test_simple_upload_is_byte_identical(tmp_path: Path) -> None:
    path = tmp_path / "hello.txt"
    path.write_bytes(b"hello wcs\n")
    server = Server(upload_answer)
    sync_outcome, async_outcome = await both(
        server,
        lambda w: w.simple_upload(path, "ref-bucket", "目录/文件 名.txt"),
        lambda a: a.simple_upload(path, "ref-bucket", "目录/文件 名.txt"),
        traffic_limit=8388608,
        overwrite=1,
    )
    assert sync_outcome == async_outcome
    assert sync_outcome[1].hash == HELLO_ETAG
    assert server.wire("sync") == server.wire("async")
    (request,) = server.seen["async"]
    assert request.headers["x-wos-traffic-limit"] == "8388608"
    assert b'filename="%E7%9B%AE%E5%BD%95/%E6%96%87%E4%BB%B6%20%E5%90%8D.txt"' in request.content
    # Key defaults to the file's name in both.
    server = Server(upload_answer)
    outcomes = await both(
        server, lambda w: w.simple_upload(path, "b"), lambda a: a.simple_upload(path, "b")
    )
    assert outcomes[0] == outcomes[1]
    assert outcomes[1][1].key == "hello.txt"


async def test_download_is_byte_identical(tmp_path: Path) -> None:
    server = Server(reply(200, b"hello wcs\n"))
    url = f"{BASE_URL}/ref-bucket/cli/hello.txt"
    sync_outcome, async_outcome = await both(
        server,
        lambda w: w.download(url, tmp_path / "sync.txt"),
        lambda a: a.download(url, tmp_path / "async.txt"),
        traffic_limit=1000,
    )
    assert sync_outcome[1].size == async_outcome[1].size == 10
    assert (tmp_path / "async.txt").read_bytes() == b"hello wcs\n"
    assert (tmp_path / "sync.txt").read_bytes() == b"hello wcs\n"
    assert server.wire("sync") == server.wire("async")
    assert server.seen["async"][0].headers["x-wos-traffic-limit"] == "1000"
    assert "Authorization" not in server.seen["async"][0].headers


# --------------------------------------------------------------------- same errors

NGINX = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"


@pytest.mark.parametrize(
    "step",
    [
        pytest.param(reply(404, {"code": 404, "message": "file not exist"}), id="404"),
        pytest.param(reply(401, {"code": "401", "message": "bad token"}), id="401 str code"),
        pytest.param(reply(614, {"code": 614, "message": "exists"}), id="614"),
        pytest.param(reply(579, {"code": 579, "message": "callback failed"}), id="579"),
        pytest.param(reply(502, NGINX), id="html 502"),
        pytest.param(reply(200, b"not json"), id="200 not json"),
        pytest.param(reply(200, b"[]"), id="200 wrong shape"),
        pytest.param(httpx.ConnectError, id="connect error"),
        pytest.param(httpx.ReadTimeout, id="read timeout"),
    ],
)
async def test_errors_map_the_same(step: Step) -> None:
    server = Server(step)
    sync_outcome, async_outcome = await both(
        server,
        lambda w: w.stat("ref-bucket", "docs/hello.txt"),
        lambda a: a.stat("ref-bucket", "docs/hello.txt"),
    )
    assert sync_outcome[0] == "error"
    assert sync_outcome == async_outcome


@pytest.mark.parametrize(
    ("steps", "attempts"),
    [
        pytest.param([reply(503, {"message": "busy"}), reply(200, STAT)], 2, id="503 then ok"),
        pytest.param([reply(500, {"message": "x"})], 3, id="500 exhausted"),
        pytest.param([httpx.ConnectError, reply(200, STAT)], 2, id="connect then ok"),
    ],
)
async def test_get_retries_alike(steps: list[Step], attempts: int, sleeps: Any) -> None:
    server = Server(*steps)
    sync_outcome, async_outcome = await both(
        server,
        lambda w: w.stat("b", "k"),
        lambda a: a.stat("b", "k"),
        retry=no_wait(2),
    )
    assert sync_outcome == async_outcome
    assert len(server.seen["sync"]) == len(server.seen["async"]) == attempts
    assert server.wire("sync") == server.wire("async")


@pytest.mark.parametrize(
    ("step", "attempts"),
    [
        pytest.param(reply(500, {"message": "maybe"}), 1, id="500"),
        pytest.param(httpx.ReadTimeout, 1, id="read timeout"),
        pytest.param(reply(503, {"message": "not done"}), 2, id="503"),
        pytest.param(reply(429, {"message": "not done"}), 2, id="429"),
        pytest.param(httpx.ConnectError, 2, id="connect error"),
    ],
)
async def test_delete_retries_alike(step: Step, attempts: int, sleeps: Any) -> None:
    server = Server(step, reply(200, {"code": 200, "message": "OK"}))
    sync_outcome, async_outcome = await both(
        server, lambda w: w.delete("b", "k"), lambda a: a.delete("b", "k"), retry=no_wait(3)
    )
    assert sync_outcome == async_outcome
    assert len(server.seen["sync"]) == len(server.seen["async"]) == attempts


async def test_retry_after_is_honoured_alike(sleeps: dict[str, list[float]]) -> None:
    server = Server(reply(503, {"message": "busy"}, **{"Retry-After": "2"}), reply(200, STAT))
    await both(
        server,
        lambda w: w.stat("b", "k"),
        lambda a: a.stat("b", "k"),
        retry=RetryPolicy(max_retries=2, initial_delay=0.5),
    )
    assert sleeps == {"sync": [2.0], "async": [2.0]}


async def test_wrong_upload_hash_is_an_integrity_error_alike(tmp_path: Path) -> None:
    path = tmp_path / "hello.txt"
    path.write_bytes(b"hello wcs, changed\n")
    server = Server(upload_answer)
    sync_outcome, async_outcome = await both(
        server, lambda w: w.simple_upload(path, "b", "k"), lambda a: a.simple_upload(path, "b", "k")
    )
    assert sync_outcome == async_outcome
    assert sync_outcome[1][0] == WcsIntegrityError.__name__


async def test_missing_keys_fail_before_any_request_alike(tmp_path: Path) -> None:
    path = tmp_path / "hello.txt"
    path.write_bytes(b"hello wcs\n")
    server = Server(reply(200, STAT))
    for sync_call, async_call in [
        (lambda w: w.stat("b", "k"), lambda a: a.stat("b", "k")),
        (lambda w: w.simple_upload(path, "b"), lambda a: a.simple_upload(path, "b")),
    ]:
        sync_outcome, async_outcome = await both(
            server, sync_call, async_call, access_key="", secret_key=""
        )
        assert sync_outcome == async_outcome
        assert sync_outcome[1][0] == WcsConfigError.__name__
        assert sync_outcome[1][1].startswith("missing access_key, secret_key")
    assert server.seen == {"sync": [], "async": []}


# --------------------------------------------------------------------- async downloads


async def test_download_404_leaves_no_file(tmp_path: Path) -> None:
    server = Server(reply(404, {"code": 404, "message": "file not exist"}))
    url = f"{BASE_URL}/b/missing.bin"
    async with AsyncWcs(config(), transport=httpx.MockTransport(server.async_handler)) as awcs:
        with pytest.raises(WcsNotFoundError, match="file not exist"):
            await awcs.download(url, tmp_path / "f.bin")
    assert list(tmp_path.iterdir()) == []


class CutBody(httpx.AsyncByteStream):
    def __init__(self, error: type[httpx.RequestError]) -> None:
        self.error = error

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"x" * (2 * 1024 * 1024)
        raise self.error("connection cut")


@pytest.mark.parametrize(
    ("error", "cls"),
    [(httpx.ReadError, WcsTransportError), (httpx.ReadTimeout, WcsTimeoutError)],
)
async def test_download_cut_mid_body_leaves_no_file(
    tmp_path: Path, error: type[httpx.RequestError], cls: type[WcsError]
) -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=CutBody(error))

    (tmp_path / "f.bin").write_bytes(b"old")
    async with AsyncWcs(config(), transport=httpx.MockTransport(handler)) as awcs:
        with pytest.raises(cls) as caught:
            await awcs.download(f"{BASE_URL}/b/f.bin", tmp_path / "f.bin")
    assert type(caught.value) is cls
    assert [p.name for p in tmp_path.iterdir()] == ["f.bin"]
    assert (tmp_path / "f.bin").read_bytes() == b"old"
