"""What every client shares, whatever its I/O: configuration, the two kinds of host (one
or several each, ``_hosts.py``), how their HTTP clients are set up (timeouts, TLS,
headers, pooling, the signer), the retry policy, and the lifecycle.

The twins (``_async/client_core.py`` and its generated sync copy) add the send loop.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

import httpx

from ._hosts import HostPool
from ._policy import upload_tokens
from ._retry import RetryPolicy
from ._version import __version__
from .auth import management_auth
from .config import WcsConfig
from .errors import WcsClosedError
from .transfer.settings import TransferConfig, widest_concurrency

if TYPE_CHECKING:
    # Names for annotations; at run time these modules load on first use
    # (``transfer.record.BlockState``): a program that never transfers skips them.
    from .protocol.signing import PutPolicy
    from .transfer.upload_plan import TokenSource

__all__ = [
    "PLAIN_HTTP",
    "USER_AGENT",
    "BaseClient",
    "Host",
    "httpx_settings",
    "max_connections",
    "plain_http",
]

Host = Literal["put", "mgr", "download"]
"""The upload host, the management host, and any other URL (downloads, stream sources)."""
USER_AGENT = f"wcs-ext/{__version__} (python-httpx)"
PLAIN_HTTP = "http://"
"""The base URL that stands for every plain-http download URL: their HTTP client needs
no TLS context."""


def max_connections(config: WcsConfig) -> int:
    """Connections per host: one per request in flight at most, plus a few for
    management calls made meanwhile."""
    return widest_concurrency(config) + 4


def plain_http(url: str | None) -> bool:
    """Whether ``url`` is plain http: its HTTP client needs no TLS context."""
    return (url or "")[:7].lower() == PLAIN_HTTP


def httpx_settings(config: WcsConfig, *, base_url: str | None = None) -> dict[str, Any]:
    """Client arguments; for a plain-http ``base_url`` no TLS context is built (loading
    the CA store costs tens of milliseconds per client and would never be used)."""
    headers = {"User-Agent": USER_AGENT}
    if not config.keepalive:
        headers["Connection"] = "close"
    connections = max_connections(config)
    return {
        "timeout": httpx.Timeout(config.connection_timeout),
        "verify": config.isverify and not plain_http(base_url),
        "headers": headers,
        "follow_redirects": False,
        "limits": httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
    }


class BaseClient:
    """Configuration, retry policy and transfer tunables; the options of each host's
    HTTP client; and the lifecycle rule: after ``close`` every call raises
    :class:`WcsClosedError`."""

    def __init__(
        self,
        config: WcsConfig | None,
        *,
        retry: RetryPolicy | None,
        multipart_threshold: int | None,
    ) -> None:
        self.config = config if config is not None else WcsConfig.load()
        self._retry = retry or RetryPolicy(max_retries=self.config.connection_retries)
        self._transfer_config = TransferConfig.from_config(
            self.config, self._retry, multipart_threshold=multipart_threshold
        )
        self._closed = False
        # Which hosts failed lately: this client's own, as its connections are.
        self._pools: dict[Host, HostPool] = {}

    def _pool(self, host: Host) -> HostPool | None:
        """The hosts of ``put_url`` or ``mgr_url`` (``None`` for downloads: any URL), made
        on first use: a client without them configured fails only when it needs them."""
        if host == "download":
            return None
        pool = self._pools.get(host)
        if pool is None:
            urls = self.config.put_base_urls if host == "put" else self.config.mgr_base_urls
            pool = self._pools[host] = HostPool(f"{host}_url", urls)
        return pool

    def _client_options(self, host: Host, base_url: str | None = None) -> dict[str, Any]:
        """httpx client arguments for ``base_url``, one of ``host``'s; for downloads (any
        URL) no base URL is set, but :data:`PLAIN_HTTP` says they are all plain http."""
        if host == "download" or base_url is None:
            return httpx_settings(self.config, base_url=base_url)
        return {
            "base_url": base_url,
            "auth": management_auth(self.config) if host == "mgr" else None,
            **httpx_settings(self.config, base_url=base_url),
        }

    def _upload_tokens(
        self,
        bucket: str,
        key: str,
        policy: PutPolicy | None = None,
        options: Mapping[str, object] | None = None,
    ) -> TokenSource:
        """Upload tokens for ``bucket:key``, renewed in time: the configured policy, or
        the call's ``policy``, with the call's ``options`` on top (``_policy.py``)."""
        return upload_tokens(self.config, bucket, key, policy=policy, options=options)

    def _check_open(self) -> None:
        if self._closed:
            raise WcsClosedError(
                f"this {type(self).__name__} is closed; create a new one to make more calls"
            )
