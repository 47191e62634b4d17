"""The clients go through the proxy of the standard variables, as the README says:
``HTTP_PROXY`` for http URLs, ``HTTPS_PROXY`` for https ones (a ``CONNECT`` tunnel),
``ALL_PROXY`` for both, lower-case names too, hosts in ``NO_PROXY`` directly; the
command line too; a ``transport=`` of the caller's own takes none. ``SSL_CERT_FILE``
names the certificates to trust.

A local server plays the proxy: it records each request line and answers a management
call itself, so the hosts of the config (``.invalid``, which never resolves) are reached
only through it. Everything stays on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from wcs_ext import AsyncWcs, Wcs, WcsConfig, WcsTransportError

MGR_HOST = "wcs-mgr.invalid"
BUCKETS = {"buckets": [{"name": "listed-bucket", "ctime": "2026-01-01 00:00:00"}]}
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


class Recorder(ThreadingHTTPServer):
    """Answers every GET with the bucket list, refuses every CONNECT; keeps the lines."""

    daemon_threads = True

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.lines: list[str] = []
        self.authorizations: list[str | None] = []
        super().__init__(("127.0.0.1", 0), _Handler)
        self.scheme = "http"
        if tls is not None:
            self.socket = tls.wrap_socket(self.socket, server_side=True)
            self.scheme = "https"

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: Recorder

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.server.lines.append(self.requestline)
        self.server.authorizations.append(self.headers.get("Authorization"))
        body = json.dumps(BUCKETS).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Reqid", "proxy-test")
        self.end_headers()
        self.wfile.write(body)

    def do_CONNECT(self) -> None:
        self.server.lines.append(self.requestline)
        self.send_response(403)
        self.send_header("Content-Length", "0")
        self.end_headers()


def _serve(tls: ssl.SSLContext | None = None) -> Iterator[Recorder]:
    server = Recorder(tls)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def proxy() -> Iterator[Recorder]:
    yield from _serve()


@pytest.fixture
def direct() -> Iterator[Recorder]:
    yield from _serve()


@pytest.fixture(autouse=True)
def _no_proxy_of_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*PROXY_VARIABLES, "SSL_CERT_FILE", "SSL_CERT_DIR"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def _config(mgr_url: str) -> WcsConfig:
    return WcsConfig(
        access_key="proxy-test-ak",
        secret_key="proxy-test-sk",
        put_url=mgr_url,
        mgr_url=mgr_url,
        connection_retries=0,
    )


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY"])
def test_http_proxy_carries_management_calls(
    variable: str, proxy: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, proxy.url)
    with Wcs(_config(f"http://{MGR_HOST}")) as wcs:
        assert [b.name for b in wcs.list_buckets()] == ["listed-bucket"]
    # The absolute form a proxy gets, signed as ever (the signature covers the path).
    assert proxy.lines == [f"GET http://{MGR_HOST}/bucket/list HTTP/1.1"]
    assert (proxy.authorizations[0] or "").startswith("proxy-test-ak:")


def test_the_asyncio_client_goes_through_the_proxy_too(
    proxy: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one the ``wcs://`` filesystem uses."""
    monkeypatch.setenv("HTTP_PROXY", proxy.url)

    async def list_buckets() -> list[str]:
        async with AsyncWcs(_config(f"http://{MGR_HOST}")) as wcs:
            return [b.name for b in await wcs.list_buckets()]

    assert asyncio.run(list_buckets()) == ["listed-bucket"]
    assert proxy.lines == [f"GET http://{MGR_HOST}/bucket/list HTTP/1.1"]


@pytest.mark.parametrize("variable", ["HTTPS_PROXY", "https_proxy", "ALL_PROXY"])
def test_https_proxy_is_asked_for_a_tunnel(
    variable: str, proxy: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, proxy.url)
    with Wcs(_config(f"https://{MGR_HOST}")) as wcs, pytest.raises(WcsTransportError):
        wcs.list_buckets()  # this proxy refuses the tunnel
    assert proxy.lines == [f"CONNECT {MGR_HOST}:443 HTTP/1.1"]


@pytest.mark.parametrize("no_proxy", ["127.0.0.1", "localhost,127.0.0.1", "*"])
def test_no_proxy_hosts_are_reached_directly(
    no_proxy: str, proxy: Recorder, direct: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", no_proxy)
    with Wcs(_config(direct.url)) as wcs:
        assert [b.name for b in wcs.list_buckets()] == ["listed-bucket"]
    assert direct.lines == ["GET /bucket/list HTTP/1.1"]
    assert proxy.lines == []


def test_the_command_line_goes_through_the_proxy(proxy: Recorder, tmp_path: Path) -> None:
    config = tmp_path / "proxy.wcscfg"
    config.write_text(
        f"[default]\naccess_key = proxy-test-ak\nsecret_key = proxy-test-sk\n"
        f"put_url = http://{MGR_HOST}\nmgr_url = http://{MGR_HOST}\n"
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "HTTP_PROXY": proxy.url}
    result = subprocess.run(
        [sys.executable, "-m", "wcs_ext.cli", "-c", str(config), "--json", "listbucket"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "listed-bucket" in result.stdout
    assert proxy.lines == [f"GET http://{MGR_HOST}/bucket/list HTTP/1.1"]


def test_a_transport_of_your_own_takes_no_proxy_from_the_environment(
    proxy: Recorder, direct: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    with Wcs(_config(direct.url), transport=httpx.HTTPTransport()) as wcs:
        wcs.list_buckets()
    assert direct.lines == ["GET /bucket/list HTTP/1.1"]
    assert proxy.lines == []


@pytest.fixture
def self_signed(tmp_path: Path) -> tuple[Path, ssl.SSLContext]:
    """A certificate for 127.0.0.1 that no CA list holds, and a server context for it."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("needs the openssl command to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return cert, context


def test_ssl_cert_file_names_the_certificates_to_trust(
    self_signed: tuple[Path, ssl.SSLContext], monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, context = self_signed
    for server in _serve(context):
        with Wcs(_config(server.url)) as wcs, pytest.raises(WcsTransportError):
            wcs.list_buckets()  # checked against the default list, which lacks it
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        with Wcs(_config(server.url)) as wcs:
            assert [b.name for b in wcs.list_buckets()] == ["listed-bucket"]
        assert server.lines == ["GET /bucket/list HTTP/1.1"]


def test_an_https_proxy_of_plain_http_hosts_is_verified(
    self_signed: tuple[Path, ssl.SSLContext], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The hosts are plain http, so their clients build no TLS context of their own; the
    # proxy's certificate is still checked (httpcore's own context, the default list).
    _, context = self_signed
    for server in _serve(context):
        monkeypatch.setenv("HTTP_PROXY", server.url)
        with Wcs(_config(f"http://{MGR_HOST}")) as wcs, pytest.raises(WcsTransportError) as err:
            wcs.list_buckets()
        assert "CERTIFICATE_VERIFY_FAILED" in str(err.value.__cause__ or err.value)
        assert server.lines == []  # refused before any request reached it
