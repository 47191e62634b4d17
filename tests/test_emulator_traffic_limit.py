"""``x-wos-traffic-limit`` in the emulator: bodies paced to the rate (bits a second),
bad values refused with a 400. The pace is checked on a fake clock (what the middleware
asked to sleep), never by timing a request."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from starlette.types import Message, Receive, Scope, Send

from wcs_ext.emulator.traffic_limit import (
    MAX_LIMIT,
    MIN_LIMIT,
    PIECE,
    BadTrafficLimit,
    TrafficLimitMiddleware,
    parse_traffic_limit,
)

from .conftest import EmulatorProcess
from .test_emulator_server import BUCKET, token

KiB = 1024


class FakeTime:
    def __init__(self) -> None:
        self.now = 50.0
        self.slept = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept += seconds
        self.now += seconds


def scope_of(path: str, limit: str | None) -> Scope:
    headers = [] if limit is None else [(b"x-wos-traffic-limit", limit.encode())]
    return {"type": "http", "method": "POST", "path": path, "headers": headers}


async def echo_length(scope: Scope, receive: Receive, send: Send) -> None:
    """Reads the whole body, answers with a body of twice its size."""
    size = 0
    while True:
        message = await receive()
        size += len(message.get("body", b""))
        if not message.get("more_body", False):
            break
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"x" * (2 * size), "more_body": False})


def run(
    middleware: TrafficLimitMiddleware, scope: Scope, body: bytes, piece: int = 16 * KiB
) -> list[Message]:
    incoming: list[Message] = [
        {"type": "http.request", "body": body[i : i + piece], "more_body": i + piece < len(body)}
        for i in range(0, len(body), piece)
    ]
    sent: list[Message] = []

    async def receive() -> Message:
        return incoming.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(middleware(scope, receive, send))
    return sent


@pytest.mark.parametrize("raw", [b"819200", b"8388608", b"1000000", b"838860800", b" 1000000 "])
def test_rates_in_range_are_bits_a_second(raw: bytes) -> None:
    assert MIN_LIMIT <= parse_traffic_limit(raw) <= MAX_LIMIT


@pytest.mark.parametrize(
    "raw", [b"", b"0", b"819199", b"838860801", b"-1000000", b"1e6", b"2M", b"1000000.5",
            b"\xff\xfe", b"9" * 40]
)  # fmt: skip
def test_other_values_are_refused(raw: bytes) -> None:
    with pytest.raises(BadTrafficLimit, match="x-wos-traffic-limit must be"):
        parse_traffic_limit(raw)


def test_both_bodies_go_at_the_rate() -> None:
    fake = FakeTime()
    middleware = TrafficLimitMiddleware(echo_length, sleep=fake.sleep, clock=fake.clock)
    body = b"u" * (300 * KiB)
    rate = 8 * 1024 * 1024  # bits a second: 1 MiB/s
    sent = run(middleware, scope_of("/mkblk/307200/0", str(rate)), body)
    # In, 300 KiB; out, 600 KiB: each byte in its turn, 900 KiB at 1 MiB/s.
    assert fake.slept == pytest.approx(900 * KiB / (rate / 8))
    bodies = [m for m in sent if m["type"] == "http.response.body"]
    assert b"".join(m["body"] for m in bodies) == b"x" * (2 * len(body))
    assert max(len(m["body"]) for m in bodies) == PIECE  # sent in even pieces
    assert [m["more_body"] for m in bodies][-2:] == [True, False]


@pytest.mark.parametrize(
    ("path", "limit"),
    [("/mkblk/4/0", None), ("/list", "1000000"), ("/list", "garbage"), ("/_emulator/stats", "1")],
)
def test_without_the_header_or_off_the_transfer_routes_nothing_waits(
    path: str, limit: str | None
) -> None:
    fake = FakeTime()
    middleware = TrafficLimitMiddleware(echo_length, sleep=fake.sleep, clock=fake.clock)
    sent = run(middleware, scope_of(path, limit), b"z" * (100 * KiB))
    assert fake.slept == 0
    assert sent[0]["status"] == 200


def test_a_bad_value_is_a_400_before_the_route_runs() -> None:
    fake = FakeTime()
    ran: list[bool] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        ran.append(True)

    middleware = TrafficLimitMiddleware(app, sleep=fake.sleep, clock=fake.clock)
    sent = run(middleware, scope_of("/dl/b/k", "fast"), b"")
    assert not ran
    assert sent[0]["status"] == 400


@pytest.mark.parametrize("limit", ["fast", "0", "-5", "99999999999", "1.5"])
def test_the_emulator_answers_a_bad_limit_with_400(emulator: EmulatorProcess, limit: str) -> None:
    upload_token = token(f"{BUCKET}:limit/x.bin")
    headers = {"Authorization": upload_token, "x-wos-traffic-limit": limit}
    block = httpx.post(f"{emulator.put_url}/mkblk/4/0", content=b"1234", headers=headers)
    assert block.status_code == 400, block.text
    assert "x-wos-traffic-limit" in block.json()["message"]
    assert block.headers["x-reqid"]
    got = httpx.get(emulator.url_of(BUCKET, "limit/none.bin"), headers=headers)
    assert got.status_code == 400


def test_the_emulator_serves_a_limited_upload_and_download(emulator: EmulatorProcess) -> None:
    upload_token = token(f"{BUCKET}:limit/small.bin")
    headers: dict[str, Any] = {"Authorization": upload_token, "x-wos-traffic-limit": MAX_LIMIT}
    headers = {k: str(v) for k, v in headers.items()}
    block = httpx.post(f"{emulator.put_url}/mkblk/4/0", content=b"abcd", headers=headers)
    assert block.status_code == 200, block.text
    made = httpx.post(f"{emulator.put_url}/mkfile/4", content=block.json()["ctx"], headers=headers)
    assert made.status_code == 200, made.text
    got = httpx.get(emulator.url_of(BUCKET, "limit/small.bin"), headers=headers)
    assert (got.status_code, got.content) == (200, b"abcd")
