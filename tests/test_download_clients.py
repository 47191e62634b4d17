"""Which HTTP client a download gets: a plain-http URL builds no TLS context (loading
the CA store costs tens of milliseconds, inside the first download's time)."""

from __future__ import annotations

import asyncio
import ssl

import pytest

from wcs_ext import AsyncWcs, Wcs, WcsConfig

CONFIG = WcsConfig(access_key="ak", secret_key="sk", put_url="http://127.0.0.1:1")


def test_a_plain_http_download_builds_no_tls_context(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_ca_store(*args: object, **kwargs: object) -> ssl.SSLContext:
        raise AssertionError("a TLS context with the CA store was built")

    monkeypatch.setattr(ssl, "create_default_context", no_ca_store)
    with Wcs(CONFIG) as wcs:
        plain = wcs._download_http("http://cdn.example/bucket/key")
        assert wcs._download_http("HTTP://other.example/key") is plain  # one pool for all
        with pytest.raises(AssertionError, match="CA store"):
            wcs._download_http("https://cdn.example/bucket/key")  # https still verifies


def test_the_async_client_picks_its_download_clients_alike(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: list[object] = []
    real = ssl.create_default_context

    def counted(*args: object, **kwargs: object) -> ssl.SSLContext:
        built.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    async def run() -> None:
        async with AsyncWcs(CONFIG) as wcs:
            wcs._download_http("http://cdn.example/key")
            assert built == []
            secure = wcs._download_http("https://cdn.example/key")
            assert wcs._download_http("https://other.example/key") is secure
            assert len(built) == 1

    monkeypatch.setattr(ssl, "create_default_context", counted)
    asyncio.run(run())
