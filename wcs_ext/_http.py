"""HTTP settings both twins use: one place decides timeouts, TLS, headers and pooling."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import httpx

from ._base_client import USER_AGENT
from .auth import Credentials, ManagementAuth
from .config import WcsConfig

__all__ = ["credentials_of", "httpx_settings", "management_auth"]


def httpx_settings(config: WcsConfig, *, base_url: str | None = None) -> dict[str, Any]:
    """Client arguments; for a plain-http ``base_url`` no TLS context is built (loading
    the CA store costs tens of milliseconds per client and would never be used)."""
    headers = {"User-Agent": USER_AGENT}
    if not config.keepalive:
        headers["Connection"] = "close"
    # One pooled connection per block in flight, plus a few for management calls.
    connections = max(config.concurrency, 1) + 4
    return {
        "timeout": httpx.Timeout(config.connection_timeout),
        "verify": config.isverify and not (base_url or "").startswith("http://"),
        "headers": headers,
        "follow_redirects": False,
        "limits": httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
    }


def credentials_of(config: WcsConfig) -> Credentials:
    """The configured keys; a clear configuration error when they are missing."""
    config.require("access_key", "secret_key")
    return Credentials(access_key=config.access_key, secret_key=config.secret_key)


class _CredentialsRequired(httpx.Auth):
    """Stands in for the signer when no keys are configured: fails at the first signed call."""

    def __init__(self, config: WcsConfig) -> None:
        self._config = config

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        credentials_of(self._config)  # raises WcsConfigError naming what is missing
        yield request


def management_auth(config: WcsConfig) -> httpx.Auth:
    if config.access_key and config.secret_key:
        return ManagementAuth(credentials_of(config))
    return _CredentialsRequired(config)
