"""The original SDK (``wcs-python3-sdk`` 5.0.36) as a foreign client, in a virtualenv of its own.

The original is the reference client of the emulator and the baseline of the benchmarks,
never a dependency of ``wcs_ext``: it is installed from PyPI into
``.cache/original-sdk/venv`` (gitignored), with the runtime packages it uses but does not
declare. The virtualenv is built on first use and rebuilt when it is missing or when
:data:`REQUIREMENTS` or the interpreter change (a stamp file inside it records both).
Two processes needing it at once (two test runs, a test run and ``make bench``) take
turns on a lock file; the second one finds the finished virtualenv and reuses it.

Code that runs inside that virtualenv lives in ``tests/interop/`` (see
``tests/interop/sdk_calls.py``); :meth:`OriginalSdk.call` runs it and returns its JSON.

``python -m tests.original_sdk`` builds the virtualenv (``make original-sdk``).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "INTEROP_DIR",
    "REQUIREMENTS",
    "OriginalSdk",
    "OriginalSdkError",
    "ensure_original_sdk",
    "write_wcscfg",
]

ROOT = Path(__file__).resolve().parents[1]
CACHE_DIR = ROOT / ".cache" / "original-sdk"
INTEROP_DIR = Path(__file__).resolve().parent / "interop"

# Exact pins: the reference client must behave the same on every machine and every day;
# these are the versions the wire captures (wire-examples.md) were made with. The SDK
# declares requests, requests-toolbelt, PyYAML, crcmod and lockfile without versions;
# chardet (imported by wcscmd) it does not declare at all; urllib3 shapes the wire.
REQUIREMENTS: tuple[str, ...] = (
    "wcs-python3-sdk==5.0.36",
    "requests==2.34.2",
    "urllib3==2.8.0",
    "requests-toolbelt==1.0.0",
    "PyYAML==6.0.4",
    "crcmod==1.7",
    "lockfile==0.12.2",
    "chardet==7.7.0",
)
_STAMP = ".wcs-ext-spec.json"
_PIP_TIMEOUT = 600.0


class OriginalSdkError(RuntimeError):
    """The virtualenv could not be built, or a driver run failed (with its output)."""


def _spec() -> dict[str, Any]:
    """What the virtualenv depends on: a change of any of it means a rebuild."""
    return {
        "requirements": list(REQUIREMENTS),
        "python": sys.version,
        "base_prefix": sys.base_prefix,
    }


def _bin(venv: Path) -> Path:
    # POSIX layout only, like the flock below: the project's tests and CI run on Linux.
    return venv / "bin"


@dataclass(frozen=True)
class OriginalSdk:
    """A ready virtualenv of the original SDK."""

    venv: Path
    build_seconds: float
    """Time spent building it in this call: 0.0 when an existing one was reused."""

    @property
    def python(self) -> Path:
        return _bin(self.venv) / "python"

    @property
    def etag_cal(self) -> Path:
        """The SDK's ``wcs_etag_cal`` console script (a normal, runnable entry point)."""
        return _bin(self.venv) / "wcs_etag_cal"

    def find_wcscmd(self) -> Path:
        """The ``wcscmd`` script, as pip installed it (a data script: CRLF line ends and a
        ``#!/usr/bin/python`` shebang, so it is run as ``python wcscmd``)."""
        # Asked from the distribution's RECORD rather than assumed: a data script goes
        # wherever pip's scheme puts scripts (bin/ in a virtualenv, but not everywhere).
        probe = (
            "import importlib.metadata as m, sys\n"
            "files = m.distribution('wcs-python3-sdk').files or []\n"
            "hit = [f for f in files if f.name == 'wcscmd']\n"
            "print(hit[0].locate().resolve() if hit else '')\n"
        )
        found = subprocess.run(
            [str(self.python), "-c", probe], capture_output=True, text=True, check=True
        ).stdout.strip()
        if not found:
            raise OriginalSdkError(f"wcscmd is not among the files of the SDK in {self.venv}")
        return Path(found)

    def run(
        self,
        args: Sequence[str],
        *,
        stdin: str | None = None,
        cwd: Path | None = None,
        timeout: float = 120.0,
    ) -> subprocess.CompletedProcess[str]:
        """Run the virtualenv's python with ``args``; the result whatever its exit code."""
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        return subprocess.run(
            [str(self.python), *args],
            input=stdin,
            capture_output=True,
            text=True,
            cwd=cwd,
            env=env,
            timeout=timeout,
            check=False,
        )

    def call(
        self,
        config: Path,
        calls: Sequence[Mapping[str, Any]],
        *,
        cwd: Path | None = None,
        timeout: float = 120.0,
    ) -> dict[str, Any]:
        """Run ``calls`` on one ``Client(Config(config))`` in a fresh process (the SDK's
        config is process-wide) with ``tests/interop/sdk_calls.py``; see there for the
        shape of a call and of the answer."""
        plan = json.dumps({"config": str(config), "calls": list(calls)})
        done = self.run([str(INTEROP_DIR / "sdk_calls.py")], stdin=plan, cwd=cwd, timeout=timeout)
        if done.returncode != 0:
            raise OriginalSdkError(
                f"sdk_calls.py exited {done.returncode}\n--- stdout\n{done.stdout}\n"
                f"--- stderr\n{done.stderr[-20000:]}"
            )
        try:
            answer: dict[str, Any] = json.loads(done.stdout)
        except json.JSONDecodeError as exc:
            raise OriginalSdkError(
                f"sdk_calls.py printed no JSON ({exc}):\n{done.stdout}"
            ) from None
        answer["stderr"] = done.stderr
        return answer


def _read_stamp(venv: Path) -> dict[str, Any] | None:
    try:
        stamp: dict[str, Any] = json.loads((venv / _STAMP).read_text())
    except (OSError, ValueError):
        return None
    return stamp


def _checked(args: Sequence[str], what: str, log: list[str]) -> None:
    done = subprocess.run(
        list(args),
        capture_output=True,
        text=True,
        timeout=_PIP_TIMEOUT,
        check=False,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"},
    )
    log.append(f"$ {' '.join(args)}\n{done.stdout}{done.stderr}")
    if done.returncode != 0:
        raise OriginalSdkError(f"{what} failed (exit {done.returncode}):\n" + "\n".join(log))


def _build(venv: Path) -> None:
    shutil.rmtree(venv, ignore_errors=True)
    log: list[str] = []
    _checked([sys.executable, "-m", "venv", str(venv)], "creating the virtualenv", log)
    python = str(_bin(venv) / "python")
    _checked([python, "-m", "pip", "install", *REQUIREMENTS], "pip install", log)
    # The stamp is written last: a build that died half-way has none and is redone.
    (venv / _STAMP).write_text(json.dumps(_spec(), indent=1))


def ensure_original_sdk(cache_dir: Path = CACHE_DIR) -> OriginalSdk:
    """The virtualenv, built (under a lock) if it is missing or out of date.

    Raises :class:`OriginalSdkError` with pip's output when it cannot be built.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    venv = cache_dir / "venv"
    # The lock file sits beside the virtualenv, not in it, so a rebuild cannot delete it
    # from under a process that waits on it.
    with (cache_dir / ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if _read_stamp(venv) == _spec() and (_bin(venv) / "python").exists():
                return OriginalSdk(venv, 0.0)
            start = time.perf_counter()
            _build(venv)
            return OriginalSdk(venv, time.perf_counter() - start)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def write_wcscfg(path: Path, settings: Mapping[str, object]) -> Path:
    """Write a ``.wcscfg`` the original reads: one ``[default]`` section, ``key = value``.

    Keys must be at least 2 characters long for ``access_key``/``secret_key`` (its parser
    crashes on shorter ones). Values are written with ``str()``.
    """
    for name in ("access_key", "secret_key"):
        if len(str(settings.get(name, ""))) < 2:
            raise ValueError(f"{name} must have at least 2 characters for the original SDK")
    lines = ["[default]", *(f"{key} = {value}" for key, value in settings.items())]
    path.touch(mode=0o600)  # it holds a (test) secret key: readable by the owner only
    path.write_text("\n".join(lines) + "\n")
    return path


def main() -> int:
    start = time.perf_counter()
    try:
        sdk = ensure_original_sdk()
    except OriginalSdkError as exc:
        print(exc, file=sys.stderr)
        return 1
    state = f"built in {sdk.build_seconds:.1f} s" if sdk.build_seconds else "up to date"
    print(f"original SDK: {sdk.venv} ({state}; {time.perf_counter() - start:.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
