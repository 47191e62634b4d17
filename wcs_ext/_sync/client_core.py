# Generated from wcs_ext/_async/client_core.py by `make generate` (unasync): do not edit.
# Change the async source and regenerate; `make test` fails when this file drifts.
"""The client's core: one HTTP client per host, opened on first use, the send loop with
retries (and failover, when a setting names several hosts), and the lifecycle (a call
after ``close`` raises :class:`WcsClosedError`).

Every resource and transfer class builds on :class:`SyncClientCore`; they describe
their calls as :class:`~wcs_ext._base_client.Operation` s and hand them to :meth:`_run`.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Self, TypeVar

import httpx

from wcs_client.types import release

from .. import transfer
from .._base_client import PLAIN_HTTP, BaseClient, Host, max_connections, plain_http
from .._hosts import Route
from .._operation import Operation
from .._request_log import exchange_line, request_log
from .._responses import Failure, next_delay, status_failure, transport_failure
from .._retry import AttemptClock, RetryPolicy
from ..config import WcsConfig
from . import _io
from .transfer.throttle import send_paced

if TYPE_CHECKING:
    # Names for annotations; at run time these modules load on first use
    # (``transfer.record.BlockState``): a program that never transfers skips them.
    from ..transfer.controls import CancelSignal, RateOption, TransferControls

__all__ = ["SyncClientCore"]

T = TypeVar("T")


class SyncClientCore(BaseClient):
    """Configuration, the HTTP clients of the hosts, and the send loop."""

    def __init__(
        self,
        config: WcsConfig | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy | None = None,
        multipart_threshold: int | None = None,
    ) -> None:
        super().__init__(config, retry=retry, multipart_threshold=multipart_threshold)
        self._transport = transport
        # One per host and base URL: put_url and mgr_url may each name several.
        self._http_clients: dict[tuple[Host, str | None], httpx.Client] = {}
        # The threaded twin's workers ask for a host's client at once when a transfer
        # starts: unguarded, each made its own (tens of ms in a fresh process) and all
        # but one were never closed. The asyncio one never waits here (nothing awaits).
        self._http_lock = threading.Lock()
        self._request_limit = _io.RequestLimit(max_connections(self.config))

    def _http(self, host: Host, base_url: str | None = None) -> httpx.Client:
        """The pooled HTTP client of ``base_url``, one of ``host``'s (downloads: none,
        or :data:`PLAIN_HTTP`: see :meth:`_download_http`), made on first use."""
        self._check_open()
        if base_url is None and (pool := self._pool(host)) is not None:
            base_url = pool.urls[0]  # a caller that does not choose gets the first host
        client = self._http_clients.get((host, base_url))
        if client is None:
            with self._http_lock:
                client = self._http_clients.get((host, base_url))
                if client is None:
                    client = self._new_http(host, base_url)
                    self._http_clients[(host, base_url)] = client
        return client

    def _download_http(self, url: str) -> httpx.Client:
        """The pooled HTTP client for a download of ``url`` (any host): plain-http URLs
        get one of their own, which builds no TLS context (loading the CA store costs
        tens of milliseconds, paid inside the first download's time and never used)."""
        return self._http("download", PLAIN_HTTP if plain_http(url) else None)

    def _new_http(self, host: Host, base_url: str | None) -> httpx.Client:
        # Asked only when requests are logged (-v): no cost per request otherwise.
        logged = request_log.isEnabledFor(logging.DEBUG)
        return httpx.Client(
            transport=self._transport,
            event_hooks={"response": [self._log_exchange]} if logged else None,
            **self._client_options(host, base_url),
        )

    def _controls(self, limit_rate: RateOption, cancel: CancelSignal | None) -> TransferControls:
        """The bandwidth bucket and cancel signal of one transfer call."""
        return transfer.controls.TransferControls.of(
            limit_rate, cancel, self._transfer_config.limit_rate
        )

    def _log_exchange(self, response: httpx.Response) -> None:
        request_log.debug("%s", exchange_line(response))

    def _run(
        self,
        op: Operation[T],
        retry: RetryPolicy | None = None,
        controls: TransferControls | None = None,
        clock: AttemptClock | None = None,
    ) -> T:
        """Send ``op`` until it succeeds or fails for good (``retry``: the client's
        policy; ``controls``: the bandwidth limit and cancel signal of its transfer;
        ``clock``: told when each attempt goes, for timing the answered one);
        with several hosts, a retry after a host failed goes to the next (``_hosts.py``)."""
        policy = retry or self._retry
        pool = self._pool(op.host)
        route = None if pool is None else Route.start(pool, time.monotonic())
        retries_taken = 0
        while True:
            if controls is not None:
                controls.check()  # not even a retry once cancelled
            outcome = self._attempt(op, None if route is None else route.url, controls, clock)
            if not isinstance(outcome, Failure):
                if route is not None:
                    route.succeeded()
                return outcome
            if route is not None:
                outcome = route.failed(outcome, time.monotonic())
            self._wait_to_retry(outcome, policy, retries_taken, controls)
            if route is not None:
                route.log_move()
            retries_taken += 1

    def _wait_to_retry(
        self,
        failure: Failure,
        policy: RetryPolicy,
        retries_taken: int,
        controls: TransferControls | None = None,
    ) -> None:
        """The policy's wait, then a token of the client's retry budget; raises the
        failure when it is final or the retries are used up (and stops there when the
        transfer of ``controls`` was cancelled meanwhile)."""
        _io.sleep(next_delay(failure, policy, retries_taken))
        self._request_limit.before_retry()
        if controls is not None:
            controls.check()

    def _attempt(
        self,
        op: Operation[T],
        base_url: str | None,
        controls: TransferControls | None = None,
        clock: AttemptClock | None = None,
    ) -> T | Failure:
        with self._request_limit:
            outcome = self._send(op, base_url, controls, clock)
        if isinstance(outcome, Failure):
            if outcome.retryable:
                self._request_limit.throttled()  # the client backs off as a whole
        else:
            self._request_limit.succeeded()
        return outcome

    def _send(
        self,
        op: Operation[T],
        base_url: str | None,
        controls: TransferControls | None = None,
        clock: AttemptClock | None = None,
    ) -> T | Failure:
        try:
            if op.host == "download":  # any URL: its own client, by the URL's scheme
                http = self._download_http(str(op.request["url"]))
            else:
                http = self._http(op.host, base_url)
            if clock is not None:
                clock.sending()
            if controls is not None and controls.active:
                response = send_paced(http, op.request, controls)
            else:
                response = http.request(**op.request)
        except httpx.HTTPError as exc:
            return transport_failure(exc, op.what, idempotent=op.idempotent)
        release(response)  # frees the request body (a chunk) now, not at the next GC
        if 200 <= response.status_code < 400:
            return op.parse(response)
        return status_failure(response, op.what, idempotent=op.idempotent)

    def close(self) -> None:
        """Close the connections; the client cannot be used afterwards."""
        self._closed = True
        clients, self._http_clients = list(self._http_clients.values()), {}
        for client in clients:
            client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
