"""``wcs-ext emulator --host <not loopback>`` with the public demo keys is refused in
one line (exit 2) unless keys are given or ``--allow-demo-keys`` says it is meant.

Every run goes through a guard that ends the process (exit 99) the moment anything
tries to bind a socket to an address other than loopback: nothing here ever listens
on a public address, and "it got as far as binding" is visible as exit 99.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping

import pytest

from wcs_ext.emulator import DEMO_ACCESS_KEY, DEMO_SECRET_KEY

GUARD = """
import os, socket, sys

real_bind = socket.socket.bind

def bind(self, address):
    host = address[0] if isinstance(address, tuple) else address
    if host not in ("127.0.0.1", "::1"):
        sys.stderr.write(f"GUARD: bind to {host} stopped\\n")
        sys.stderr.flush()
        os._exit(99)
    return real_bind(self, address)

socket.socket.bind = bind
from wcs_ext.cli import run
raise SystemExit(run(sys.argv[1:]))
"""
STOPPED_AT_BIND = 99


def emulator(*args: str, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("WCS_")}
    return subprocess.run(
        [sys.executable, "-c", GUARD, "emulator", "--port", "0", *args],
        capture_output=True,
        text=True,
        env={**clean, **(env or {})},
        check=False,
        timeout=60,
    )


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "[::]"])
def test_public_host_with_the_demo_keys_is_refused(host: str) -> None:
    result = emulator("--host", host)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: --host {host} is not a loopback address")
    assert "demo keys" in lines[0]
    assert "--allow-demo-keys" in lines[0]
    assert result.stdout == ""


def test_the_demo_keys_given_by_hand_are_still_the_demo_keys() -> None:
    result = emulator(
        "--host", "0.0.0.0", "--ak", DEMO_ACCESS_KEY, env={"WCS_SECRET_KEY": DEMO_SECRET_KEY}
    )
    assert result.returncode == 2, result.stderr
    assert "demo keys" in result.stderr


def test_own_keys_may_listen_anywhere() -> None:
    result = emulator("--host", "0.0.0.0", "--ak", "my-ak", env={"WCS_SECRET_KEY": "my-sk"})
    assert result.returncode == STOPPED_AT_BIND, result.stderr
    assert result.stderr.strip().splitlines() == ["GUARD: bind to 0.0.0.0 stopped"]


def test_allow_demo_keys_lets_it_listen_with_a_warning() -> None:
    result = emulator("--host", "0.0.0.0", "--allow-demo-keys")
    assert result.returncode == STOPPED_AT_BIND, result.stderr
    warning, guard = result.stderr.strip().splitlines()
    assert warning.startswith("warning: ")
    assert "public demo keys" in warning
    assert guard == "GUARD: bind to 0.0.0.0 stopped"


def test_the_flag_is_in_the_help() -> None:
    result = emulator("--help")
    assert result.returncode == 0, result.stderr
    assert "--allow-demo-keys" in result.stdout


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("LOCALHOST", True),
        ("0.0.0.0", False),
        ("::", False),
        ("10.0.0.1", False),
        ("", False),
        ("emulator.example", False),  # a name may resolve to anything
        ("127.0.0.1.example", False),
    ],
)
def test_what_counts_as_loopback(host: str, loopback: bool) -> None:
    from wcs_ext.cli.emulator_cmd import is_loopback

    assert is_loopback(host) is loopback
