"""Signing as ``httpx.Auth`` flows: each management request is signed over its raw target
and body as sent, so what goes on the wire and what is signed can never drift apart
(e.g. ``=`` kept raw vs ``%3D``). The token maths live in :mod:`wcs_ext.protocol.signing`.
"""

from __future__ import annotations

from collections.abc import Generator

import httpx

from .config import WcsConfig
from .protocol.signing import (
    DEFAULT_TOKEN_LIFETIME,
    Credentials,
    PutPolicy,
    management_token,
    sign,
    upload_token,
)

__all__ = [
    "DEFAULT_TOKEN_LIFETIME",
    "Credentials",
    "ManagementAuth",
    "PutPolicy",
    "credentials_of",
    "management_auth",
    "management_token",
    "sign",
    "upload_token",
]


class ManagementAuth(httpx.Auth):
    """Signs each management request over its raw target and body, as sent."""

    requires_request_body = True

    def __init__(self, credentials: Credentials) -> None:
        self._credentials = credentials

    def __repr__(self) -> str:
        return f"ManagementAuth(access_key={self._credentials.access_key!r})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        # raw_path is the path plus "?query" exactly as it goes out on the wire.
        request.headers["Authorization"] = management_token(
            self._credentials, request.url.raw_path, request.content
        )
        yield request


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
    """The signer for the management host, or a stand-in that fails clearly without keys."""
    if config.access_key and config.secret_key:
        return ManagementAuth(credentials_of(config))
    return _CredentialsRequired(config)
