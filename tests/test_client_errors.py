"""How the ``Wcs`` facade reports failures and when it tries again.

Every failure is a :class:`~wcs_ext.errors.WcsError` of the class its cause calls for,
carrying the HTTP status, the WCS code as sent, the server's message prefixed by what was
being done, and the ``X-Reqid`` of the answer; ``str()`` is one line. Retries follow one
rule: idempotent calls are repeated after any retryable failure, the others only when the
request provably did not take effect (not connected, 408, 429, 503). Waits are observed,
never slept: the retry loop's ``sleep`` is replaced by a recorder.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pytest_httpx import HTTPXMock

import wcs_ext._sync._io
from wcs_ext import (
    RetryPolicy,
    Wcs,
    WcsAPIError,
    WcsAuthError,
    WcsBadRequestError,
    WcsConfig,
    WcsConfigError,
    WcsConflictError,
    WcsError,
    WcsNotFoundError,
    WcsProtocolError,
    WcsRateLimitError,
    WcsServerError,
    WcsTimeoutError,
    WcsTransportError,
)

BASE_URL = "http://127.0.0.1:18765"
AK = "ref-capture-ak-0001"
SK = "ref-capture-sk-secret-0001"
STAT_WHAT = "stat wcs://ref-bucket/docs/hello.txt"
STAT_OK = {"name": "docs/hello.txt", "fsize": 10, "hash": "FiJansjy9XVdTONVcAYheClQyUjF"}
ACK = {"code": 200, "message": "OK"}
NGINX_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)

Step = httpx.Response | type[httpx.RequestError]


def answer(
    status: int, body: Any = None, *, reqid: str | None = "req-err", **headers: str
) -> httpx.Response:
    if reqid is not None:
        headers["X-Reqid"] = reqid
    if isinstance(body, bytes):
        return httpx.Response(status, content=body, headers=headers)
    return httpx.Response(status, json=body, headers=headers)


class Script:
    """A WCS that plays its steps in order (the last one repeats) and records requests.

    A step is an answer or an httpx exception class, raised as the transport would.
    """

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.requests: list[httpx.Request] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        step = self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]
        if isinstance(step, httpx.Response):
            return step
        raise step(f"injected {step.__name__}", request=request)


def make_config(**overrides: Any) -> WcsConfig:
    values: dict[str, Any] = {
        "access_key": AK,
        "secret_key": SK,
        "put_url": BASE_URL,
        "mgr_url": BASE_URL,
    }
    values.update(overrides)
    return WcsConfig(**values)


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The delays the retry loop waits, recorded instead of slept."""
    recorded: list[float] = []
    monkeypatch.setattr(wcs_ext._sync._io, "sleep", recorded.append)
    return recorded


@pytest.fixture
def connect(sleeps: list[float]) -> Iterator[Callable[..., Wcs]]:
    """``connect(*steps, retries=N, **config)``: a client over a :class:`Script`."""
    clients: list[Wcs] = []

    def make(
        script: Script, *, retries: int = 0, policy: RetryPolicy | None = None, **config: Any
    ) -> Wcs:
        retry = policy or RetryPolicy(max_retries=retries, initial_delay=0, max_delay=0)
        wcs = Wcs(make_config(**config), transport=httpx.MockTransport(script.handler), retry=retry)
        clients.append(wcs)
        return wcs

    yield make
    for wcs in clients:
        wcs.close()


# --------------------------------------------------------------------- status -> class


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, WcsBadRequestError),
        (401, WcsAuthError),
        (403, WcsAuthError),
        (404, WcsNotFoundError),
        (409, WcsConflictError),
        (614, WcsConflictError),
        (429, WcsRateLimitError),
        (418, WcsBadRequestError),
        (500, WcsServerError),
        (502, WcsServerError),
        (503, WcsServerError),
        (504, WcsServerError),
        (579, WcsServerError),
    ],
)
def test_error_status_maps_to_its_class(
    connect: Callable[..., Wcs], status: int, cls: type[WcsAPIError]
) -> None:
    script = Script(answer(status, {"code": status, "message": "it went wrong"}))
    with pytest.raises(WcsError) as caught:
        connect(script).stat("ref-bucket", "docs/hello.txt")
    err = caught.value
    assert type(err) is cls
    assert isinstance(err, WcsAPIError)
    assert (err.status, err.code, err.request_id) == (status, status, "req-err")
    assert err.message == f"{STAT_WHAT}: it went wrong"
    assert err.body == {"code": status, "message": "it went wrong"}
    assert str(err) == f"HTTP {status}: {STAT_WHAT}: it went wrong (request id req-err)"
    assert len(script.requests) == 1


def test_a_numeric_code_is_an_int_whether_sent_as_text_or_number(
    connect: Callable[..., Wcs],
) -> None:
    script = Script(answer(614, {"code": "614", "message": "file exists"}))
    with pytest.raises(WcsConflictError) as caught:
        connect(script).copy("b", "k", "b2", "k2")
    assert caught.value.code == 614
    assert caught.value.message == "copy wcs://b/k to wcs://b2/k2: file exists"
    assert caught.value.body == {"code": "614", "message": "file exists"}  # as sent


def test_a_code_that_is_no_number_is_kept_as_text(connect: Callable[..., Wcs]) -> None:
    script = Script(answer(400, {"code": "BadKey", "message": "bad key"}))
    with pytest.raises(WcsAPIError) as caught:
        connect(script).stat("b", "k")
    assert caught.value.code == "BadKey"


def test_error_without_request_id_or_code(connect: Callable[..., Wcs]) -> None:
    script = Script(answer(401, {"error": "token expired"}, reqid=None))
    with pytest.raises(WcsAuthError) as caught:
        connect(script).list_buckets()
    err = caught.value
    assert (err.code, err.request_id) == (None, None)
    assert str(err) == "HTTP 401: list buckets: token expired"


def test_error_without_message(connect: Callable[..., Wcs]) -> None:
    script = Script(answer(400, {"code": 400}))
    with pytest.raises(WcsBadRequestError) as caught:
        connect(script).list_objects("ref-bucket")
    assert caught.value.message == "list wcs://ref-bucket: no error message in the answer"


@pytest.mark.parametrize(
    ("call", "what"),
    [
        pytest.param(lambda w: w.delete("b", "k"), "delete wcs://b/k", id="delete"),
        pytest.param(lambda w: w.move("b", "k", "b2"), "move wcs://b/k to wcs://b2/k", id="move"),
        pytest.param(
            lambda w: w.set_deadline("b", "k", 1), "set deadline of wcs://b/k", id="setdeadline"
        ),
        pytest.param(
            lambda w: w.bucket_usage("b1|b2", "2026-01-01", "2026-01-02"),
            "bucket usage of b1|b2",
            id="bucket_usage",
        ),
        pytest.param(lambda w: w.fmgr.delete_prefix("b", "p/"), "fmgr deletePrefix", id="fmgr"),
        pytest.param(lambda w: w.fmgr.status("id-1"), "fmgr status of id-1", id="fmgr status"),
        pytest.param(
            lambda w: w.fops.execute("b", "k", "avthumb/mp4"), "fops on wcs://b/k", id="fops"
        ),
        pytest.param(
            lambda w: w.wslive_list("ch", "20260101000000", "20260102000000", "b"),
            "live recordings of ch",
            id="wslive",
        ),
    ],
)
def test_message_says_what_was_being_done(
    connect: Callable[..., Wcs], call: Callable[[Wcs], object], what: str
) -> None:
    with pytest.raises(WcsNotFoundError) as caught:
        call(connect(Script(answer(404, {"code": 404, "message": "no such thing"}))))
    assert caught.value.message == f"{what}: no such thing"


def test_html_error_page_keeps_a_readable_one_line_message(connect: Callable[..., Wcs]) -> None:
    script = Script(answer(502, NGINX_502, reqid=None, **{"Content-Type": "text/html"}))
    with pytest.raises(WcsServerError) as caught:
        connect(script).stat("ref-bucket", "docs/hello.txt")
    err = caught.value
    assert err.message == f"{STAT_WHAT}: 502 Bad Gateway"
    assert str(err) == f"HTTP 502: {STAT_WHAT}: 502 Bad Gateway"
    assert err.code is None
    assert isinstance(err.body, str)
    assert "nginx" in err.body  # the raw page stays available for debugging


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(b"upstream timed out\n", "upstream timed out", id="text"),
        pytest.param(b"<p>busy,\n  try &amp; retry</p>", "busy, try & retry", id="html fragment"),
        pytest.param(
            b'{"code": 500, "message": "line one\\nline two"}', "line one line two", id="json"
        ),
        pytest.param(b"x" * 500, "x" * 200, id="long text is cut"),
    ],
)
def test_error_message_is_one_line(connect: Callable[..., Wcs], body: bytes, message: str) -> None:
    with pytest.raises(WcsServerError) as caught:
        connect(Script(answer(500, body))).list_buckets()
    assert caught.value.message == f"list buckets: {message}"
    assert "\n" not in str(caught.value)


# --------------------------------------------------------------------- broken success answers


@pytest.mark.parametrize(
    ("call", "body"),
    [
        pytest.param(lambda w: w.stat("ref-bucket", "docs/hello.txt"), b"not json", id="text"),
        pytest.param(lambda w: w.stat("ref-bucket", "docs/hello.txt"), b"", id="empty"),
        pytest.param(lambda w: w.list_objects("b"), b'[{"key": "k"}]', id="list not object"),
        pytest.param(lambda w: w.list_objects("b"), b'{"items": [{"fsize": 1}]}', id="item no key"),
        pytest.param(lambda w: w.fmgr.delete("b", "k"), b'{"code": 200}', id="no persistentId"),
        pytest.param(lambda w: w.fops.execute("b", "k", "x"), b'{"persistentId": ', id="truncated"),
        pytest.param(
            lambda w: w.bucket_usage("b", "2026-01-01", "2026-01-02"),
            b'[{"bucket": "b", "data": []}]',
            id="bucket stat list",
        ),
    ],
)
def test_success_status_with_a_wrong_body_is_a_protocol_error(
    connect: Callable[..., Wcs], call: Callable[[Wcs], object], body: bytes
) -> None:
    script = Script(answer(200, body))
    with pytest.raises(WcsProtocolError) as caught:
        call(connect(script, retries=3))
    err = caught.value
    assert (err.status, err.request_id) == (200, "req-err")
    assert err.message.endswith(": the answer is not the documented JSON")
    assert str(err).startswith("HTTP 200: ")
    # A broken answer is not a transient failure: no retry.
    assert len(script.requests) == 1


def test_upload_stored_under_another_key_is_a_protocol_error(
    connect: Callable[..., Wcs], tmp_path: Path
) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"hello wcs\n")
    script = Script(answer(200, {"hash": "FiJansjy9XVdTONVcAYheClQyUjF", "key": "other.txt"}))
    with pytest.raises(WcsProtocolError, match=r"the server stored key 'other\.txt'"):
        connect(script).simple_upload(path, "ref-bucket", "docs/hello.txt")


# --------------------------------------------------------------------- transport failures


@pytest.mark.parametrize(
    ("exc", "cls", "detail"),
    [
        (httpx.ConnectError, WcsTransportError, "injected ConnectError"),
        (httpx.RemoteProtocolError, WcsTransportError, "injected RemoteProtocolError"),
        (httpx.ReadError, WcsTransportError, "injected ReadError"),
        (httpx.ReadTimeout, WcsTimeoutError, "timed out (ReadTimeout)"),
        (httpx.ConnectTimeout, WcsTimeoutError, "timed out (ConnectTimeout)"),
        (httpx.WriteTimeout, WcsTimeoutError, "timed out (WriteTimeout)"),
    ],
)
def test_transport_failure_maps_to_its_class(
    connect: Callable[..., Wcs], exc: type[httpx.RequestError], cls: type[WcsError], detail: str
) -> None:
    with pytest.raises(WcsError) as caught:
        connect(Script(exc)).stat("ref-bucket", "docs/hello.txt")
    err = caught.value
    assert type(err) is cls
    assert not isinstance(err, WcsAPIError)
    assert err.message == f"{STAT_WHAT}: {detail}"
    assert str(err) == err.message
    assert err.request_id is None
    assert isinstance(err.__cause__ or err.__context__, httpx.HTTPError)


def test_transport_errors_through_pytest_httpx(httpx_mock: HTTPXMock) -> None:
    # The same mapping over httpx's real transport class (patched by pytest-httpx).
    httpx_mock.add_exception(httpx.ConnectError("connection refused"))
    httpx_mock.add_exception(httpx.ReadTimeout("slow"))
    with Wcs(make_config(), retry=RetryPolicy(max_retries=0)) as wcs:
        with pytest.raises(WcsTransportError, match="connection refused") as refused:
            wcs.list_buckets()
        assert type(refused.value) is WcsTransportError
        with pytest.raises(WcsTimeoutError, match=r"list buckets: timed out \(ReadTimeout\)"):
            wcs.list_buckets()


# --------------------------------------------------------------------- retries of idempotent calls


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (500, WcsServerError),
        (502, WcsServerError),
        (503, WcsServerError),
        (504, WcsServerError),
        (408, WcsBadRequestError),
        (429, WcsRateLimitError),
    ],
)
def test_get_is_retried_up_to_max_retries(
    connect: Callable[..., Wcs], sleeps: list[float], status: int, cls: type[WcsAPIError]
) -> None:
    script = Script(answer(status, {"code": status, "message": "again"}))
    with pytest.raises(cls) as caught:
        connect(script, retries=2).stat("ref-bucket", "docs/hello.txt")
    assert caught.value.status == status
    assert len(script.requests) == 3
    assert len(sleeps) == 2
    # Every attempt is the same request.
    assert {(r.method, r.url.raw_path, r.headers["Authorization"]) for r in script.requests} == {
        (
            "GET",
            b"/stat/cmVmLWJ1Y2tldDpkb2NzL2hlbGxvLnR4dA==",
            f"{AK}:Zjg5N2RjNWI4OTM3ZjcwODNmMzNiNTkzNDM5ZDhlMTM4YjIyMWNmMA==",
        )
    }


def test_the_last_error_is_raised(connect: Callable[..., Wcs]) -> None:
    script = Script(
        answer(500, {"message": "first"}, reqid="r1"),
        answer(502, {"message": "second"}, reqid="r2"),
        answer(503, {"message": "third"}, reqid="r3"),
        answer(200, STAT_OK),
    )
    with pytest.raises(WcsServerError) as caught:
        connect(script, retries=2).stat("ref-bucket", "docs/hello.txt")
    assert (caught.value.status, caught.value.request_id) == (503, "r3")
    assert caught.value.message == f"{STAT_WHAT}: third"
    assert len(script.requests) == 3


def test_retry_then_success(connect: Callable[..., Wcs]) -> None:
    script = Script(answer(503, {"message": "busy"}), answer(200, STAT_OK, reqid="r-ok"))
    info = connect(script, retries=3).stat("ref-bucket", "docs/hello.txt")
    assert (info.size, info.request_id) == (10, "r-ok")
    assert len(script.requests) == 2


@pytest.mark.parametrize(
    "exc", [httpx.ConnectError, httpx.ConnectTimeout, httpx.ReadTimeout, httpx.ReadError]
)
def test_get_is_retried_after_transport_failures(
    connect: Callable[..., Wcs], exc: type[httpx.RequestError]
) -> None:
    script = Script(exc, exc, answer(200, STAT_OK))
    assert connect(script, retries=2).stat("ref-bucket", "docs/hello.txt").size == 10
    assert len(script.requests) == 3


def test_transport_failures_exhaust_the_retries(connect: Callable[..., Wcs]) -> None:
    script = Script(httpx.ConnectError)
    with pytest.raises(WcsTransportError):
        connect(script, retries=3).list_buckets()
    assert len(script.requests) == 4


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 614, 579])
def test_final_statuses_are_not_retried(connect: Callable[..., Wcs], status: int) -> None:
    script = Script(answer(status, {"message": "final"}), answer(200, STAT_OK))
    with pytest.raises(WcsAPIError):
        connect(script, retries=3).stat("ref-bucket", "docs/hello.txt")
    assert len(script.requests) == 1


def test_579_of_an_upload_is_not_retried(connect: Callable[..., Wcs], tmp_path: Path) -> None:
    # 579: the object is stored but the callback failed; sending it again changes nothing.
    path = tmp_path / "f.txt"
    path.write_bytes(b"hello wcs\n")
    script = Script(answer(579, {"code": 579, "message": "callback failed"}))
    with pytest.raises(WcsServerError) as caught:
        connect(script, retries=3).simple_upload(path, "ref-bucket", "docs/hello.txt")
    assert caught.value.status == 579
    assert caught.value.message == "upload wcs://ref-bucket/docs/hello.txt: callback failed"
    assert len(script.requests) == 1


# --------------------------------------------------------------------- retries of the others

NON_IDEMPOTENT: list[Any] = [
    pytest.param(lambda w: w.delete("b", "k"), "POST /delete/Yjpr", id="delete"),
    pytest.param(lambda w: w.move("b", "k", "b2", "k2"), "POST /move/Yjpr/YjI6azI=", id="move"),
    pytest.param(lambda w: w.fmgr.delete("b", "k"), "POST /fmgr/delete", id="fmgr"),
    pytest.param(lambda w: w.fops.execute("b", "k", "avthumb/mp4"), "POST /fops", id="fops"),
]


def _ok_for(line: str) -> httpx.Response:
    if "/fmgr/" in line or line.endswith("/fops"):
        return answer(200, {"persistentId": "p-1"})
    return answer(200, ACK)


@pytest.mark.parametrize(("call", "line"), NON_IDEMPOTENT)
@pytest.mark.parametrize(
    "failure",
    [
        pytest.param(answer(500, {"message": "maybe done"}), id="500"),
        pytest.param(answer(502, {"message": "maybe done"}), id="502"),
        pytest.param(answer(504, {"message": "maybe done"}), id="504"),
        pytest.param(httpx.ReadTimeout, id="read timeout"),
        pytest.param(httpx.ReadError, id="read error"),
    ],
)
def test_non_idempotent_call_is_not_repeated_when_it_may_have_happened(
    connect: Callable[..., Wcs], call: Callable[[Wcs], object], line: str, failure: Step
) -> None:
    script = Script(failure, _ok_for(line))
    with pytest.raises(WcsError):
        call(connect(script, retries=3))
    assert [f"{r.method} {r.url.raw_path.decode()}" for r in script.requests] == [line]


@pytest.mark.parametrize(("call", "line"), NON_IDEMPOTENT)
@pytest.mark.parametrize(
    "failure",
    [
        pytest.param(answer(503, {"message": "not now"}), id="503"),
        pytest.param(answer(429, {"message": "slow down"}), id="429"),
        pytest.param(answer(408, {"message": "too slow"}), id="408"),
        pytest.param(httpx.ConnectError, id="connect error"),
        pytest.param(httpx.ConnectTimeout, id="connect timeout"),
    ],
)
def test_non_idempotent_call_is_repeated_when_it_did_not_happen(
    connect: Callable[..., Wcs], call: Callable[[Wcs], object], line: str, failure: Step
) -> None:
    script = Script(failure, _ok_for(line))
    call(connect(script, retries=3))
    assert [f"{r.method} {r.url.raw_path.decode()}" for r in script.requests] == [line, line]
    assert script.requests[0].content == script.requests[1].content
    assert (
        script.requests[0].headers["Authorization"] == script.requests[1].headers["Authorization"]
    )


def test_copy_is_idempotent_and_repeated_after_500(connect: Callable[..., Wcs]) -> None:
    script = Script(answer(500, {"message": "oops"}), answer(200, ACK))
    assert connect(script, retries=1).copy("b", "k", "b2").message == "OK"
    assert len(script.requests) == 2


# --------------------------------------------------------------------- waits between attempts


def test_retry_after_seconds_is_honoured(connect: Callable[..., Wcs], sleeps: list[float]) -> None:
    script = Script(
        answer(503, {"message": "busy"}, **{"Retry-After": "2"}),
        answer(429, {"message": "slow"}, **{"Retry-After": "0"}),
        answer(200, STAT_OK),
    )
    policy = RetryPolicy(max_retries=3, initial_delay=0.5, max_delay=8)
    connect(script, policy=policy).stat("ref-bucket", "docs/hello.txt")
    # "Retry-After: 0" asks for no wait: the policy's own backoff applies (retry 2: 1 s
    # less at most a quarter of jitter), so a storm of such answers is not retried at once.
    assert sleeps[0] == 2.0
    assert 0.75 <= sleeps[1] <= 1.0


def test_retry_after_http_date_is_honoured(
    connect: Callable[..., Wcs], sleeps: list[float]
) -> None:
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    script = Script(answer(503, {"message": "busy"}, **{"Retry-After": when}), answer(200, STAT_OK))
    connect(script, policy=RetryPolicy(max_retries=1)).stat("ref-bucket", "docs/hello.txt")
    (delay,) = sleeps
    assert 20.0 <= delay <= 30.0  # an HTTP date has 1 s resolution; slack for a slow machine


def test_too_long_retry_after_fails_at_once(
    connect: Callable[..., Wcs], sleeps: list[float]
) -> None:
    script = Script(
        answer(503, {"message": "go away"}, **{"Retry-After": "3600"}), answer(200, STAT_OK)
    )
    with pytest.raises(WcsServerError):
        connect(script, policy=RetryPolicy(max_retries=3)).stat("ref-bucket", "docs/hello.txt")
    assert (len(script.requests), sleeps) == (1, [])


def test_backoff_grows_with_jitter_without_retry_after(
    connect: Callable[..., Wcs], sleeps: list[float]
) -> None:
    script = Script(
        answer(500, {}),
        answer(500, {}, **{"Retry-After": "soon"}),  # unreadable: the backoff applies
        answer(500, {}),
        answer(500, {}),
        answer(200, STAT_OK),
    )
    policy = RetryPolicy(max_retries=4, initial_delay=0.5, max_delay=1.5)
    connect(script, policy=policy).stat("ref-bucket", "docs/hello.txt")
    bounds = [(0.375, 0.5), (0.75, 1.0), (1.125, 1.5), (1.125, 1.5)]
    assert len(sleeps) == 4
    for delay, (low, high) in zip(sleeps, bounds, strict=True):
        assert low <= delay <= high


def test_retry_policy_delay_is_pure() -> None:
    import random

    policy = RetryPolicy(max_retries=2, initial_delay=1.0, max_delay=10.0)
    rng = random.Random(7)
    first = policy.delay(0, rng=rng)
    assert first is not None
    assert 0.75 < first <= 1.0
    assert policy.delay(0, retry_after=" 4.5 ") == 4.5
    for no_wait in ("-3", "0"):  # no wait asked for: the policy's own backoff
        assert 0.75 <= (policy.delay(0, retry_after=no_wait) or 0) <= 1.0
    assert policy.delay(1, retry_after="60") == 60.0
    assert policy.delay(1, retry_after="61") is None
    assert policy.delay(2) is None
    assert policy.delay(2, retry_after="1") is None
    past = email.utils.formatdate(time.time() - 100, usegmt=True)
    assert 0.75 <= (policy.delay(0, retry_after=past) or 0) <= 1.0
    with pytest.raises(ValueError, match="max_retries"):
        RetryPolicy(max_retries=-1)


def test_default_retries_come_from_the_config(sleeps: list[float]) -> None:
    script = Script(answer(503, {"message": "busy"}))
    config = make_config(connection_retries=2)
    with (
        Wcs(config, transport=httpx.MockTransport(script.handler)) as wcs,
        pytest.raises(WcsServerError),
    ):
        wcs.list_buckets()
    assert len(script.requests) == 3
    assert len(sleeps) == 2


# --------------------------------------------------------------------- configuration problems


@pytest.mark.parametrize(
    ("config", "missing"),
    [
        pytest.param({"access_key": "", "secret_key": ""}, "access_key, secret_key", id="both"),
        pytest.param({"secret_key": ""}, "secret_key", id="secret"),
        pytest.param({"access_key": ""}, "access_key", id="access"),
    ],
)
@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda w, p: w.stat("b", "k"), id="stat"),
        pytest.param(lambda w, p: w.list_buckets(), id="list_buckets"),
        pytest.param(lambda w, p: w.delete("b", "k"), id="delete"),
        pytest.param(lambda w, p: w.fmgr.delete_prefix("b", "p/"), id="fmgr"),
        pytest.param(lambda w, p: w.simple_upload(p, "b", "k"), id="simple_upload"),
        pytest.param(lambda w, p: w.multipart_upload(p, "b", "k"), id="multipart_upload"),
        pytest.param(lambda w, p: w.stream_upload([b"abc"], "b", "k"), id="stream_upload"),
    ],
)
def test_missing_keys_fail_before_any_request(
    connect: Callable[..., Wcs],
    tmp_path: Path,
    config: dict[str, str],
    missing: str,
    call: Callable[[Wcs, Path], object],
) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(b"12345")
    script = Script(answer(200, STAT_OK))
    with pytest.raises(WcsConfigError) as caught:
        call(connect(script, **config), path)
    assert str(caught.value).startswith(f"missing {missing}: ")
    assert "WCS_" in str(caught.value)
    assert script.requests == []


@pytest.mark.parametrize(
    ("url", "call"),
    [
        pytest.param("mgr_url", lambda w, p: w.list_buckets(), id="mgr_url"),
        pytest.param("put_url", lambda w, p: w.simple_upload(p, "b", "k"), id="put_url"),
    ],
)
def test_missing_url_fails_before_any_request(
    connect: Callable[..., Wcs], tmp_path: Path, url: str, call: Callable[[Wcs, Path], object]
) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(b"12345")
    script = Script(answer(200, STAT_OK))
    with pytest.raises(WcsConfigError, match=f"missing {url}"):
        call(connect(script, **{url: ""}), path)
    assert script.requests == []


def test_job_status_needs_no_keys(connect: Callable[..., Wcs]) -> None:
    # fmgr/fops status are unauthenticated endpoints: they work without keys.
    script = Script(answer(200, {"id": "f-1", "code": 3, "items": []}))
    status = connect(script, access_key="", secret_key="").fmgr.status("f-1")
    assert (status.id, status.finished) == ("f-1", True)
    assert "Authorization" not in script.requests[0].headers


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda w: w.list_objects("b", limit=0), id="limit 0"),
        pytest.param(lambda w: w.list_objects("b", limit=1001), id="limit 1001"),
        pytest.param(lambda w: w.list_objects("b", mode=2), id="mode 2"),
        pytest.param(lambda w: w.set_deadline("b", "k", -2), id="deadline -2"),
        pytest.param(lambda w: w.bucket_usage("b", "2026-13-01", "2026-01-02"), id="bad date"),
        pytest.param(lambda w: w.bucket_usage([], "2026-01-01", "2026-01-02"), id="no bucket"),
        pytest.param(lambda w: w.fmgr.submit("delete", ""), id="empty fmgr"),
        pytest.param(lambda w: w.fops.execute("b", "k", ""), id="empty fops"),
        pytest.param(lambda w: w.stream_upload("ftp://x/y", "b", "k"), id="stream not http"),
    ],
)
def test_bad_arguments_fail_before_any_request(
    connect: Callable[..., Wcs], call: Callable[[Wcs], object]
) -> None:
    from wcs_ext import WcsInputError

    script = Script(answer(200, STAT_OK))
    with pytest.raises(WcsInputError):
        call(connect(script))
    assert script.requests == []


# -------------------------------------------------------- answers whose values break the rules


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"name": "docs/hello.txt", "hash": "FiJansjy9XVdTONVcAYheClQyUjF"}, "no fsize"),
        ({**STAT_OK, "expirationDate": "next tuesday"}, "expirationDate 'next tuesday'"),
    ],
    ids=["size-missing", "expiry-not-a-time"],
)
def test_an_answer_without_a_promised_value_is_a_protocol_error(
    connect: Callable[..., Wcs], body: dict[str, Any], detail: str
) -> None:
    # A missing size or an unreadable expiry is reported, never shown as 0 or "never".
    with pytest.raises(WcsProtocolError) as caught:
        connect(Script(answer(200, body))).stat("ref-bucket", "docs/hello.txt")
    assert caught.value.message.startswith(f"{STAT_WHAT}: ")
    assert detail in caught.value.message


def test_wcs_times_are_aware_utc_datetimes(connect: Callable[..., Wcs]) -> None:
    script = Script(
        answer(200, {**STAT_OK, "expirationDate": "2026-12-04 10:30:00"}),
        answer(200, {**STAT_OK, "expirationDate": ""}),
    )
    wcs = connect(script)
    expires = wcs.stat("ref-bucket", "docs/hello.txt").expiration_date
    assert expires == dt.datetime(2026, 12, 4, 10, 30, tzinfo=dt.UTC)
    assert wcs.stat("ref-bucket", "docs/hello.txt").expiration_date is None
