"""Every HTTP attempt a client makes, with its times, for tests that measure retries.

:class:`AttemptLog` is an httpx transport around the real one: each request is one
:class:`Attempt` (when it started, when its answer ended or failed, its status, how
many body bytes came). Attempts of the same request (method, URL, body, ``Range``) in
a row form a chain: one call and its retries. The range tells apart the slices of one
download, which go to one URL at the same time: one slice's request is not another's
retry. :func:`retry_gaps` pairs each failed attempt with
the next one of its chain and says what the :class:`~wcs_ext.RetryPolicy` demands of
the wait between them, so tests can assert on the differences of attempt times (never
on a total wall-clock time).
"""

from __future__ import annotations

import hashlib
import itertools
import threading
import time
from collections.abc import Iterator
from typing import Any

import attrs
import httpx

from wcs_ext import RetryPolicy

__all__ = ["Attempt", "AttemptLog", "Gap", "retry_gaps"]

_JITTER_FLOOR = 0.75
"""The policy's wait is its backoff times a factor in (0.75, 1]."""
_EPSILON = 1e-3
"""Clock and float rounding; far below any wait measured."""


@attrs.define
class Attempt:
    method: str
    url: str
    digest: str
    """Of the body, a form's random boundary left out (the same for a call's retries);
    ``streamed`` for a body sent from a file."""
    start: float
    range: str | None = None
    end: float | None = None
    status: int | None = None
    retry_after: str | None = None
    error: str | None = None
    """A transport failure, or ``closed early`` when the client stopped reading."""
    body_bytes: int = 0
    complete: bool = False

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.method, self.url, self.digest, self.range or "")

    @property
    def is_download(self) -> bool:
        return "/dl/" in self.url

    @property
    def failed(self) -> bool:
        return self.error is not None or self.status is None or self.status >= 400

    @property
    def mid_body(self) -> bool:
        """A download cut (or given up on) after some bytes of a good answer."""
        return self.is_download and self.status in (200, 206) and self.body_bytes > 0

    @property
    def ambiguous(self) -> bool:
        """A failure after which the server may have done the work (not a 503/429/408,
        not a connection that never opened)."""
        if not self.failed:
            return False
        if self.error is not None:
            return self.error not in ("ConnectError", "ConnectTimeout")
        return self.status not in (408, 429, 503)


class _Stream(httpx.SyncByteStream):
    def __init__(self, inner: httpx.SyncByteStream, attempt: Attempt) -> None:
        self._inner = inner
        self._attempt = attempt

    def __iter__(self) -> Iterator[bytes]:
        try:
            for chunk in self._inner:
                self._attempt.body_bytes += len(chunk)
                yield chunk
        except httpx.HTTPError as exc:
            self._attempt.error = type(exc).__name__
            raise
        finally:
            if self._attempt.end is None:
                self._attempt.end = time.monotonic()
        self._attempt.complete = True

    def close(self) -> None:
        if not self._attempt.complete and self._attempt.error is None:
            self._attempt.error = "closed early"
        if self._attempt.end is None:
            self._attempt.end = time.monotonic()
        self._inner.close()


def _digest(request: httpx.Request) -> str:
    try:
        content = request.content
    except httpx.RequestNotRead:
        # Streamed from a file (a form upload) and hashed as it goes: not read twice
        # here. Such calls are told apart by method and URL alone.
        return "streamed"
    _, _, boundary = request.headers.get("content-type", "").partition("boundary=")
    if boundary:
        content = content.replace(boundary.encode(), b"")
    return hashlib.sha1(content).hexdigest()  # an identity, not a protection


class AttemptLog(httpx.BaseTransport):
    """A real transport that records every attempt. ``retry_after``: what a 503's
    ``Retry-After`` is changed into before the client sees it (the emulator says 0,
    which a client that ignored it could not be told from one that honours it)."""

    def __init__(self, *, retry_after: str | None = None) -> None:
        self._inner = httpx.HTTPTransport()
        self._retry_after = retry_after
        self._lock = threading.Lock()
        self.attempts: list[Attempt] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        attempt = Attempt(
            request.method,
            str(request.url),
            _digest(request),
            start=time.monotonic(),
            range=request.headers.get("range"),
        )
        with self._lock:
            self.attempts.append(attempt)
        try:
            response = self._inner.handle_request(request)
        except httpx.HTTPError as exc:
            attempt.end = time.monotonic()
            attempt.error = type(exc).__name__
            raise
        attempt.status = response.status_code
        if response.status_code == 503 and self._retry_after is not None:
            response.headers["Retry-After"] = self._retry_after
        attempt.retry_after = response.headers.get("retry-after")
        assert isinstance(response.stream, httpx.SyncByteStream)
        response.stream = _Stream(response.stream, attempt)
        return response

    def close(self) -> None:
        self._inner.close()

    def chains(self) -> list[list[Attempt]]:
        """Attempts grouped into calls: same request, in a row until one succeeded."""
        open_chains: dict[tuple[str, str, str, str], list[Attempt]] = {}
        done: list[list[Attempt]] = []
        with self._lock:
            attempts = sorted(self.attempts, key=lambda a: a.start)
        for attempt in attempts:
            chain = open_chains.setdefault(attempt.key, [])
            chain.append(attempt)
            if not attempt.failed:
                done.append(open_chains.pop(attempt.key))
        return done + list(open_chains.values())


@attrs.frozen
class Gap:
    """A failed attempt, the next attempt of its call, and the wait the policy demands."""

    failed: Attempt
    retry: Attempt
    retries_taken: int
    least: float

    @property
    def seconds(self) -> float:
        assert self.failed.end is not None
        return self.retry.start - self.failed.end

    def describe(self) -> dict[str, Any]:
        return {
            "request": f"{self.failed.method} {self.failed.url}",
            "failure": self.failed.error or self.failed.status,
            "retry_after": self.failed.retry_after,
            "retries_taken": self.retries_taken,
            "gap": round(self.seconds, 4),
            "least": round(self.least, 4),
        }


def _least(policy: RetryPolicy, failed: Attempt, retries_taken: int) -> float:
    if failed.status is not None and failed.status >= 400 and failed.retry_after is not None:
        return float(failed.retry_after)
    backoff = min(policy.initial_delay * 2.0**retries_taken, policy.max_delay)
    return _JITTER_FLOOR * backoff - _EPSILON


def retry_gaps(log: AttemptLog, policy: RetryPolicy) -> list[Gap]:
    """Every wait after a failure that the policy governs, with its lower bound.

    A download continued after a cut mid-body goes on at once (no bound), and its
    waits before a first byte count the retries of the whole download; any other call
    counts its own retries."""
    gaps: list[Gap] = []
    for chain in log.chains():
        retries_taken = 0
        for failed, retry in itertools.pairwise(chain):
            if failed.mid_body:
                continue
            gaps.append(Gap(failed, retry, retries_taken, _least(policy, failed, retries_taken)))
            retries_taken += 1
    return gaps
