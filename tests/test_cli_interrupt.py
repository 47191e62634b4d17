"""Ctrl-C ends a transfer promptly, whatever the server does: a server that accepts
connections and never answers must not keep ``wcs-ext put`` alive until every worker's
request times out (it took ~196 s), and the resume record is kept for the next run."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli_helpers import BIN_DIR, Cli, clean_env, cli  # noqa: F401  (the cli fixture)

MiB = 1024 * 1024


class SilentServer:
    """Accepts connections on 127.0.0.1 and reads whatever comes; never answers."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.accepted = 0
        self._stop = threading.Event()
        self._clients: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self.sock.accept()
            except TimeoutError:
                continue
            client.settimeout(0.2)
            self._clients.append(client)
            self.accepted += 1
            threading.Thread(target=self._drain, args=(client,), daemon=True).start()

    def _drain(self, client: socket.socket) -> None:
        while not self._stop.is_set():
            try:
                if not client.recv(65536):
                    return
            except TimeoutError:
                continue
            except OSError:
                return

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        for client in self._clients:
            client.close()
        self.sock.close()


@pytest.fixture
def silent() -> Iterator[SilentServer]:
    server = SilentServer()
    yield server
    server.close()


def wait_for(check: object, bound: float) -> None:
    deadline = time.monotonic() + bound
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def test_ctrl_c_stops_a_multipart_upload_to_a_silent_server(
    silent: SilentServer, tmp_path: Path
) -> None:
    data = tmp_path / "big.bin"
    data.write_bytes(os.urandom(9 * MiB))  # three 4 MiB blocks: several workers in flight
    records = tmp_path / "records"
    config = tmp_path / "wcscfg"
    config.touch(mode=0o600)
    config.write_text(
        "[default]\naccess_key = ak\nsecret_key = sk\n"
        f"put_url = {silent.url}\nmgr_url = {silent.url}\n"
        f"connection_timeout = 40\nconcurrency = 4\ntmp_record_folder = {records}\n"
    )
    process = subprocess.Popen(
        [str(BIN_DIR / "wcs-ext"), "-c", str(config), "put", "wcs://b/big.bin", str(data)],
        cwd=tmp_path,
        env=clean_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        wait_for(lambda: silent.accepted >= 2, 20)  # requests of two blocks are in flight
        process.send_signal(signal.SIGINT)
        # Bounded by far less than one request's 40 s timeout: the workers are not waited for.
        _, stderr = process.communicate(timeout=15)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr
    assert "Traceback" not in stderr


def test_ctrl_c_during_a_stdin_upload_does_not_promise_a_resume(cli: Cli) -> None:
    process = subprocess.Popen(
        cli.argv("wcs-ext", ("put", "wcs://e2e/interrupted/stdin.bin", "-"), True),
        cwd=cli.workdir,
        env=clean_env(cli.workdir),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    assert process.stdin is not None
    try:
        process.stdin.write(os.urandom(5 * MiB))  # a first block; the stream stays open
        process.stdin.flush()
        time.sleep(0.5)  # let it start reading; the assertion does not depend on this
        process.send_signal(signal.SIGINT)
        _, stderr_bytes = process.communicate(timeout=30)
    finally:
        process.kill()
        process.wait()
    stderr = stderr_bytes.decode()
    assert process.returncode == 130, stderr
    assert "run the same command again" not in stderr
    assert "stream cannot be continued" in stderr, stderr
