"""Shared fixtures: the real emulator (``wcs-ext emulator``) as a subprocess.

``emulator`` is one instance for the whole session (buckets ``e2e`` and ``other``);
``emulator_factory`` starts more (own data directory, faults, short ctx lifetime) for
tests that restart or break them. Every instance is stopped with SIGTERM at the end
and must exit 0.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

from wcs_ext import RetryPolicy, Wcs, WcsConfig

EMULATOR_AK = "emulator-test-ak"
EMULATOR_SK = "emulator-test-sk-0001"
_READY_TIMEOUT = 20.0
_STOP_TIMEOUT = 15.0

# Property tests (tests/test_properties*.py) replay the same examples on every run: the
# examples derive from each test's source, nothing is stored between runs, and there is
# no per-example time limit (a loaded CI machine must not turn slowness into failure).
settings.register_profile("wcs-ext", derandomize=True, database=None, deadline=None)
settings.load_profile("wcs-ext")
# What hypothesis still caches (constants, Unicode tables) goes with the other caches.
set_hypothesis_home_dir(Path(__file__).resolve().parent.parent / ".cache" / "hypothesis")


class EmulatorProcess:
    """One ``wcs-ext emulator`` subprocess and what its ready line said."""

    def __init__(
        self,
        data_dir: Path,
        *,
        buckets: Sequence[str] = ("e2e",),
        extra_args: Sequence[str] = (),
        access_key: str = EMULATOR_AK,
        secret_key: str = EMULATOR_SK,
        launcher: Sequence[str] = ("-m", "wcs_ext.cli"),
    ) -> None:
        """``launcher``: what runs ``wcs-ext`` (a script of the tests may wrap it)."""
        self.data_dir = data_dir
        self.launcher = tuple(launcher)
        self.buckets = tuple(buckets)
        self.extra_args = tuple(extra_args)
        self.access_key = access_key
        self.secret_key = secret_key
        self.ready_line = ""
        self.info: dict[str, Any] = {}
        self._proc: subprocess.Popen[str] | None = None
        self._log = data_dir.with_name(f"{data_dir.name}.stderr.log")

    @property
    def put_url(self) -> str:
        return str(self.info["put_url"])

    @property
    def mgr_url(self) -> str:
        return str(self.info["mgr_url"])

    @property
    def download_url(self) -> str:
        return str(self.info["download_url"])

    @property
    def pid(self) -> int:
        assert self._proc is not None
        return self._proc.pid

    def url_of(self, bucket: str, key: str) -> str:
        """The download URL of an object; ``.`` and ``..`` segments are percent-encoded,
        or HTTP clients would resolve them away."""
        segments = [
            segment.replace(".", "%2E") if segment in (".", "..") else quote(segment, safe="")
            for segment in key.split("/")
        ]
        return f"{self.download_url}/{bucket}/{'/'.join(segments)}"

    @property
    def port(self) -> int:
        port = urlsplit(self.put_url).port
        assert port is not None
        return port

    def start(self, *, port: int = 0) -> None:
        """Start on ``port`` (0: any free one), e.g. the port of a killed instance."""
        # The secret goes through the environment, not argv (the process list).
        env = {k: v for k, v in os.environ.items() if not k.startswith("WCS_")}
        env["WCS_SECRET_KEY"] = self.secret_key
        args = [sys.executable, *self.launcher, "emulator", "--port", str(port)]
        args += ["--data", str(self.data_dir), "--ak", self.access_key]
        for bucket in self.buckets:
            args += ["--bucket", bucket]
        args += self.extra_args
        with self._log.open("a") as log:
            self._proc = subprocess.Popen(
                args, stdout=subprocess.PIPE, stderr=log, text=True, env=env
            )
        assert self._proc.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self._proc.stdout, selectors.EVENT_READ)
            if not selector.select(_READY_TIMEOUT):
                self._proc.kill()
                raise AssertionError(f"emulator not ready in time:\n{self.stderr()}")
        self.ready_line = self._proc.stdout.readline()
        if not self.ready_line:
            self._proc.wait(_STOP_TIMEOUT)
            raise AssertionError(f"emulator failed to start:\n{self.stderr()}")
        self.info = json.loads(self.ready_line)

    def stop(self, sig: int = signal.SIGTERM) -> int:
        """Stop the process with ``sig``; returns its exit code."""
        assert self._proc is not None
        if self._proc.poll() is None:
            self._proc.send_signal(sig)
        try:
            code = self._proc.wait(_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            code = self._proc.wait()
        assert self._proc.stdout is not None
        self._proc.stdout.close()
        self._proc = None
        return code

    def restart(self) -> None:
        """Stop cleanly and start again on the same data directory (the port changes)."""
        assert self.stop() == 0, self.stderr()
        self.start()

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def stderr(self) -> str:
        return self._log.read_text() if self._log.exists() else ""

    def config(self, **overrides: Any) -> WcsConfig:
        settings: dict[str, Any] = {
            "access_key": self.access_key,
            "secret_key": self.secret_key,
            "put_url": self.put_url,
            "mgr_url": self.mgr_url,
            "connection_timeout": 10.0,
            # Pinned (a test that widens with the throughput asks for it): what a test
            # counts must not depend on how fast this machine is today.
            "max_concurrency": 0,
            # Resume records of multipart uploads stay with this test run.
            "tmp_record_folder": str(self.data_dir.with_name("records")),
        }
        settings.update(overrides)
        return WcsConfig(**settings)

    def client(self, *, retries: int = 0, **overrides: Any) -> Wcs:
        """A client of this emulator; retries wait 10-100 ms, not seconds."""
        policy = RetryPolicy(max_retries=retries, initial_delay=0.01, max_delay=0.1)
        return Wcs(self.config(**overrides), retry=policy)


EmulatorFactory = Callable[..., EmulatorProcess]


@pytest.fixture(scope="session")
def emulator_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorFactory]:
    started: list[EmulatorProcess] = []

    def start(
        *,
        buckets: Sequence[str] = ("e2e",),
        extra_args: Sequence[str] = (),
        launcher: Sequence[str] = ("-m", "wcs_ext.cli"),
    ) -> EmulatorProcess:
        data_dir = tmp_path_factory.mktemp("emulator") / "data"
        process = EmulatorProcess(
            data_dir, buckets=buckets, extra_args=extra_args, launcher=launcher
        )
        started.append(process)
        process.start()
        return process

    yield start
    failures = []
    for process in started:
        if process.running:
            code = process.stop()
            if code != 0:
                failures.append(f"exit {code}:\n{process.stderr()}")
    assert not failures, "\n".join(failures)


@pytest.fixture(scope="session")
def emulator(emulator_factory: EmulatorFactory) -> EmulatorProcess:
    return emulator_factory(buckets=("e2e", "other"))


@pytest.fixture
def emulator_wcs(emulator: EmulatorProcess) -> Iterator[Wcs]:
    with emulator.client(block_size=4 * 1024 * 1024, bput_size=1024 * 1024) as client:
        yield client


def wait_until(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)
