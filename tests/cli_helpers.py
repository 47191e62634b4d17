"""Running the real ``wcs-ext`` / ``wcscmd`` console scripts against the emulator.

:class:`Cli` runs a command the way a user does: a clean environment (no ``WCS_*``
variable inherited, ``HOME`` and the state folder inside the test's own directory), keys
and hosts from a config file the test wrote (``-c FILE``), no terminal, its own session
(so no controlling terminal either). The checks shared by the CLI tests live here too.
"""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import attrs
import pytest

from tests.conftest import EmulatorProcess

BIN_DIR = Path(sys.executable).parent
REQUEST_ID = re.compile(r"\(request id [0-9a-f]{16,}\)")
Result = subprocess.CompletedProcess[str]


def clean_env(home: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a user without WCS_* settings, whose home is ``home``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WCS_")}
    env.update(HOME=str(home), XDG_STATE_HOME=str(home / ".state"), COLUMNS="100")
    env.update(extra or {})
    return env


def config_text(emulator: EmulatorProcess, **settings: object) -> str:
    """A ``.wcscfg`` for ``emulator``; ``settings`` are more file keys (``bput_size=...``)."""
    values: dict[str, object] = {
        "access_key": emulator.access_key,
        "secret_key": emulator.secret_key,
        "put_url": emulator.put_url,
        "mgr_url": emulator.mgr_url,
        "connection_timeout": 20,
        "max_concurrency": 0,  # pinned, as in every test that does not widen on purpose
    }
    values.update(settings)
    return "[default]\n" + "".join(f"{key} = {value}\n" for key, value in values.items())


def describe(result: Result) -> str:
    return f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"


def assert_ok(result: Result) -> Result:
    assert result.returncode == 0, describe(result)
    assert "Traceback" not in result.stderr, describe(result)
    return result


def assert_one_line_error(result: Result, code: int, *texts: str, request_id: bool = False) -> str:
    """Exit ``code``, nothing on stdout, exactly one line on stderr holding ``texts``."""
    assert result.returncode == code, describe(result)
    assert result.stdout == "", describe(result)
    assert "Traceback" not in result.stderr, describe(result)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, describe(result)
    line = lines[0]
    for text in texts:
        assert text in line, describe(result)
    if request_id:
        assert REQUEST_ID.search(line), describe(result)
    return line


def json_lines(text: str) -> list[Any]:
    return [json.loads(line) for line in text.splitlines()]


def normalize(document: Any, volatile: Mapping[str, str]) -> Any:
    """``document`` with the values of ``volatile`` keys (at any depth) replaced by the
    placeholder given for them; a ``None`` value stays ``None``."""
    if isinstance(document, dict):
        return {
            key: (
                volatile[key]
                if key in volatile and value is not None
                else normalize(value, volatile)
            )
            for key, value in document.items()
        }
    if isinstance(document, list):
        return [normalize(value, volatile) for value in document]
    return document


@attrs.define
class Cli:
    """The console scripts, run in ``workdir`` with ``-c config``."""

    workdir: Path
    config: Path
    emulator: EmulatorProcess

    def argv(
        self, program: str, args: tuple[str, ...], with_config: bool, config: Path | None = None
    ) -> list[str]:
        options = ["-c", str(config or self.config)] if with_config else []
        return [str(BIN_DIR / program), *options, *args]

    def run(
        self,
        *args: str,
        program: str = "wcs-ext",
        stdin: str | None = None,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        with_config: bool = True,
        config: Path | None = None,
        timeout: float = 60.0,
        preexec_fn: Callable[[], None] | None = None,
    ) -> Result:
        """``preexec_fn`` runs in the child before the program (resource limits)."""
        return subprocess.run(
            self.argv(program, args, with_config, config),
            cwd=cwd or self.workdir,
            env=clean_env(self.workdir, env),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            start_new_session=True,
            check=False,
            preexec_fn=preexec_fn,
        )

    def run_bytes(self, *args: str, stdin: bytes) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            self.argv("wcs-ext", args, True),
            cwd=self.workdir,
            env=clean_env(self.workdir),
            input=stdin,
            capture_output=True,
            timeout=60.0,
            start_new_session=True,
            check=False,
        )

    def run_many(self, *commands: Sequence[str], **kwargs: Any) -> list[Result]:
        """Independent commands at the same time (start-up is most of their cost)."""
        with ThreadPoolExecutor(max_workers=4) as pool:
            return list(pool.map(lambda args: self.run(*args, **kwargs), commands))

    def ok(self, *args: str, **kwargs: Any) -> Result:
        return assert_ok(self.run(*args, **kwargs))

    def json(self, *args: str, **kwargs: Any) -> list[Any]:
        """The documents a ``--json`` run prints, one per line."""
        result = self.ok("--json", *args, **kwargs)
        assert result.stderr == "", describe(result)
        return json_lines(result.stdout)

    def write_config(self, name: str, **settings: object) -> Path:
        path = self.workdir / name
        path.touch(mode=0o600)  # it holds a (test) secret key: readable by the owner only
        path.write_text(config_text(self.emulator, **settings))
        return path

    def popen(self, *args: str, config: Path | None = None) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.argv("wcs-ext", args, True, config),
            cwd=self.workdir,
            env=clean_env(self.workdir),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )

    def run_on_terminal(self, *args: str, config: Path | None = None) -> tuple[int, str, str]:
        """Run with stderr on a pseudo-terminal (stdout a pipe): (exit, stdout, stderr)."""
        controller, terminal = pty.openpty()
        env = clean_env(self.workdir, {"TERM": "xterm"})
        try:
            process = subprocess.Popen(
                self.argv("wcs-ext", args, True, config),
                cwd=self.workdir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=terminal,
                start_new_session=True,
            )
        finally:
            os.close(terminal)
        chunks: list[bytes] = []

        def drain() -> None:  # the terminal's buffer is small: read while it runs
            while True:
                try:
                    data = os.read(controller, 65536)
                except OSError:  # EIO: the last writer closed it
                    return
                if not data:
                    return
                chunks.append(data)

        reader = threading.Thread(target=drain, daemon=True)
        reader.start()
        try:
            stdout, _ = process.communicate(timeout=60)
            reader.join(10)
        finally:
            os.close(controller)
        return process.returncode, stdout.decode(), b"".join(chunks).decode(errors="replace")


@pytest.fixture
def cli(emulator: EmulatorProcess, tmp_path: Path) -> Cli:
    """A working directory with a config file for the session's emulator."""
    workdir = tmp_path / "work"
    workdir.mkdir()
    config = workdir / "wcscfg"
    records = tmp_path / "records"
    config.touch(mode=0o600)
    config.write_text(config_text(emulator, tmp_record_folder=records))
    return Cli(workdir=workdir, config=config, emulator=emulator)
