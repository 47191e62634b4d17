"""HTTP settings both twins use: one place decides timeouts, TLS, headers and pooling."""

from __future__ import annotations

from typing import Any

import httpx

from ._base_client import USER_AGENT
from .config import WcsConfig

__all__ = ["httpx_settings"]


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
