"""A ``wcs-ext emulator`` child process for tests, and what a test gets to reach it.

The emulator runs as its own process (``python -m wcs_ext.cli emulator``), as a user
would run it: a free port, a data directory of its own, a fresh random secret key
handed over in the environment (never in argv, where the process list shows it),
and a ``.wcscfg`` it writes itself (``--write-config``) once it listens.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import secrets
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, NoReturn

import attrs

from ..config import WcsConfig
from ..protocol.encoding import key_path

if TYPE_CHECKING:
    from ..client import Wcs

__all__ = ["WcsEmulator", "running_emulator"]

ACCESS_KEY: Final = "wcs-ext-testing-ak"
READY_TIMEOUT: Final = 30.0
"""Seconds to wait for the ready line: a loaded CI machine starts Python slowly."""
STOP_TIMEOUT: Final = 15.0


@attrs.frozen(kw_only=True)
class WcsEmulator:
    """A running emulator: where it listens, its keys, a ready config and config file.

    Objects are served at ``{download_url}/{bucket}/{key}`` (:meth:`url_of`); the
    config's ``download_url`` names them by key (``wcs-ext get wcs://B/K``). Its
    secret key is a random local one, shown by no repr and never pickled.
    """

    put_url: str
    mgr_url: str
    download_url: str
    stats_url: str
    access_key: str
    secret_key: str = attrs.field(repr=False)
    buckets: tuple[str, ...]
    data_dir: Path
    config_file: Path
    """A ``.wcscfg`` (0600) for ``wcs-ext -c FILE`` and the original ``wcscmd -c FILE``."""
    config: WcsConfig = attrs.field(repr=False)
    pid: int

    @property
    def bucket(self) -> str:
        """The first bucket (the only one, unless more were asked for)."""
        return self.buckets[0]

    def url_of(self, bucket: str, key: str) -> str:
        """The download URL of an object."""
        return f"{self.download_url}/{key_path(bucket)}/{key_path(key)}"

    def stats(self) -> dict[str, Any]:
        """``GET /_emulator/stats``: requests by endpoint and status, bytes, faults."""
        import httpx  # noqa: PLC0415 (only tests that ask pay for it)

        answer: dict[str, Any] = httpx.get(self.stats_url, timeout=10).raise_for_status().json()
        return answer

    def client(self, **overrides: object) -> Wcs:
        """A new client of this emulator (close it, or use it in a ``with``)."""
        from ..client import Wcs  # noqa: PLC0415

        return Wcs(self.config.with_overrides(**overrides) if overrides else self.config)

    def __getstate__(self) -> NoReturn:
        raise TypeError("a WcsEmulator holds its secret key and is not pickled")


def _ready_info(process: subprocess.Popen[str], stderr_log: Path) -> dict[str, Any]:
    """The ready line, read in a thread so that a stuck start cannot hang the tests;
    without one in time the process is stopped and what it said is raised."""
    stdout = process.stdout
    assert stdout is not None
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
    try:
        line = lines.get(timeout=READY_TIMEOUT)
    except queue.Empty:
        line = ""
    if not line:
        _stop(process)
        said = stderr_log.read_text(errors="replace").strip()
        raise RuntimeError(f"the WCS emulator did not start: {said or 'no message'}")
    info: dict[str, Any] = json.loads(line)
    return info


def _stop(process: subprocess.Popen[str]) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        code = process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        code = process.wait()
    if process.stdout is not None:
        process.stdout.close()
    return code


@contextlib.contextmanager
def running_emulator(
    folder: Path, *, buckets: Sequence[str] = ("test",), extra_args: Sequence[str] = ()
) -> Iterator[WcsEmulator]:
    """Start an emulator keeping everything in ``folder`` (data, config, its stderr),
    yield it once it listens, stop it afterwards; a failed start or stop raises with
    what the emulator said."""
    secret_key = secrets.token_urlsafe(24)
    config_file = folder / "emulator.wcscfg"
    stderr_log = folder / "emulator.stderr.log"
    args = [sys.executable, "-m", "wcs_ext.cli", "emulator", "--port", "0"]
    args += ["--data", str(folder / "data"), "--ak", ACCESS_KEY]
    args += ["--write-config", str(config_file)]
    for bucket in buckets:
        args += ["--bucket", bucket]
    args += extra_args
    # The user's own WCS_* settings must not reach the emulator (nor its keys ours).
    env = {k: v for k, v in os.environ.items() if not k.startswith("WCS_")}
    env["WCS_SECRET_KEY"] = secret_key
    with stderr_log.open("ab") as stderr:
        # Our own interpreter and arguments; nothing of it comes from outside.
        process = subprocess.Popen(  # noqa: S603
            args, stdout=subprocess.PIPE, stderr=stderr, text=True, env=env
        )
    try:
        info = _ready_info(process, stderr_log)
        config = WcsConfig(
            access_key=ACCESS_KEY,
            secret_key=secret_key,
            put_url=info["put_url"],
            mgr_url=info["mgr_url"],
            download_url=f"{info['download_url']}/{{bucket}}",
            tmp_record_folder=str(folder / "records"),
        )
        yield WcsEmulator(
            put_url=info["put_url"],
            mgr_url=info["mgr_url"],
            download_url=info["download_url"],
            stats_url=info["stats_url"],
            access_key=ACCESS_KEY,
            secret_key=secret_key,
            buckets=tuple(info["buckets"]),
            data_dir=Path(info["data"]),
            config_file=config_file,
            config=config,
            pid=process.pid,
        )
    finally:
        code = _stop(process)
    if code != 0:
        said = stderr_log.read_text(errors="replace").strip()
        raise RuntimeError(f"the WCS emulator ended with exit code {code}: {said}")
