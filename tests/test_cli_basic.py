"""The first commands of `wcs-ext`, run as a real subprocess: etag, crc64, token."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wcs_ext.protocol.encoding import urlsafe_b64decode
from wcs_ext.protocol.signing import Credentials, PutPolicy, management_token, sign

HELLO_WCS = b"hello wcs\n"
HELLO_WCS_ETAG = "FiJansjy9XVdTONVcAYheClQyUjF"
HELLO_WCS_CRC64 = "11047039988190061689"
AK, SK = "cli-test-ak", "cli-test-secret-key-0001"


def wcs_ext(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The installed console script, as a user runs it (no config file, no WCS_ env)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("WCS_")}
    clean["HOME"] = str(cwd)
    clean.update(env or {})
    script = Path(sys.executable).with_name("wcs-ext")
    return subprocess.run(
        [str(script), *args], cwd=cwd, env=clean, capture_output=True, text=True, check=False
    )


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "hello.txt").write_bytes(HELLO_WCS)
    (tmp_path / "two blocks.bin").write_bytes(bytes(4194305))
    return tmp_path


def assert_one_line_error(result: subprocess.CompletedProcess[str], code: int, text: str) -> None:
    assert result.returncode == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert text in lines[0]
    assert "Traceback" not in result.stderr


def test_etag_prints_value_and_file_per_line(files: Path) -> None:
    result = wcs_ext("etag", "hello.txt", "two blocks.bin", cwd=files)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"{HELLO_WCS_ETAG}  hello.txt\nlhCFgki5yzon0rjN9uJusf6qtsF6  two blocks.bin\n"
    )


def test_crc64_prints_unsigned_decimal(files: Path) -> None:
    result = wcs_ext("crc64", "hello.txt", cwd=files)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{HELLO_WCS_CRC64}  hello.txt\n"


def test_json_output_is_one_document_per_file(files: Path) -> None:
    result = wcs_ext("--json", "crc64", "hello.txt", "two blocks.bin", cwd=files)
    documents = [json.loads(line) for line in result.stdout.splitlines()]
    assert documents[0] == {"file": "hello.txt", "crc64": HELLO_WCS_CRC64}
    assert documents[1]["file"] == "two blocks.bin"
    assert len(documents) == 2


@pytest.mark.parametrize("command", ["etag", "crc64"])
def test_missing_file_is_a_usage_error_before_any_output(files: Path, command: str) -> None:
    result = wcs_ext(command, "hello.txt", "nope.txt", cwd=files)
    assert_one_line_error(result, 2, "no such file: nope.txt")
    assert result.stdout == ""


def test_directory_is_rejected(files: Path) -> None:
    assert_one_line_error(wcs_ext("etag", ".", cwd=files), 2, "not a regular file")


def test_no_file_argument_is_a_usage_error(files: Path) -> None:
    result = wcs_ext("etag", cwd=files)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_token_upload_signs_a_scoped_policy(files: Path) -> None:
    env = {"WCS_ACCESS_KEY": AK, "WCS_SECRET_KEY": SK}
    before_ms = int(time.time()) * 1000
    result = wcs_ext(
        "token", "upload", "--scope", "photos:2026/cat.jpg", "--lifetime", "600",
        cwd=files, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    access_key, _, encoded_policy = token.split(":")
    policy = PutPolicy.decode(encoded_policy)
    assert access_key == AK
    assert policy.scope == "photos:2026/cat.jpg"
    # deadline = now + 600 s, in milliseconds
    assert before_ms + 600_000 <= policy.deadline <= int(time.time()) * 1000 + 600_000
    # The token verifies with the secret key, as a server checks it.
    assert token.split(":")[1] == sign(SK, encoded_policy.encode())
    assert SK not in result.stdout + result.stderr


def test_token_upload_takes_policy_options_from_the_config_file(files: Path) -> None:
    config = files / "wcscfg"
    config.write_text(
        f"[default]\naccess_key = {AK}\nsecret_key = {SK}\noverwrite = 1\nreturnBody = key=$(key)\n"
    )
    result = wcs_ext("-c", "wcscfg", "--json", "token", "upload", "--scope", "b", cwd=files)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["policy"]["scope"] == "b"
    assert document["policy"]["overwrite"] == 1
    assert document["policy"]["returnBody"] == "key=$(key)"
    policy_json = urlsafe_b64decode(document["token"].split(":")[2])
    assert json.loads(policy_json) == document["policy"]


def test_token_manage_matches_the_protocol_vector(files: Path) -> None:
    # wcs-api.md §3.2: AKEXAMPLE/SKEXAMPLE, POST /setdeadline with a body
    env = {"WCS_ACCESS_KEY": "AKEXAMPLE", "WCS_SECRET_KEY": "SKEXAMPLE"}
    body = "bucket=Ymt0&key=azE=&deadline=3"
    result = wcs_ext("token", "manage", "/setdeadline", "--body", body, cwd=files, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "AKEXAMPLE:ZmQxODFlOThjZmRlNGY3NzdiMzg3MWZjNTBhNGY0ZDE1NTY4MTJkNw=="
    )
    query = wcs_ext(
        "token", "manage",
        "/bucket/stat?name=YjF8YjI=&startdate=2026-11-24&enddate=2026-11-25&isListDetails=false",
        cwd=files, env=env,
    )  # fmt: skip
    assert query.stdout.strip() == (
        "AKEXAMPLE:ZjhhNTE0ZWU3NjZhYmVkZDJiMjhlZTI4YWFmM2ZiYmQ2OWU4OTZlZQ=="
    )


def test_token_manage_equals_the_library_signer(files: Path) -> None:
    env = {"WCS_ACCESS_KEY": AK, "WCS_SECRET_KEY": SK}
    result = wcs_ext("token", "manage", "/bucket/list", cwd=files, env=env)
    expected = management_token(Credentials(access_key=AK, secret_key=SK), "/bucket/list")
    assert result.stdout.strip() == expected


def test_token_without_keys_says_how_to_configure(files: Path) -> None:
    result = wcs_ext("token", "manage", "/bucket/list", cwd=files)
    assert_one_line_error(result, 2, "missing access_key, secret_key")
    assert "WCS_ACCESS_KEY" in result.stderr


def test_token_manage_rejects_a_relative_path(files: Path) -> None:
    env = {"WCS_ACCESS_KEY": AK, "WCS_SECRET_KEY": SK}
    result = wcs_ext("token", "manage", "bucket/list", cwd=files, env=env)
    assert_one_line_error(result, 2, "must start with '/'")


def test_bad_config_file_names_key_and_file(files: Path) -> None:
    (files / "bad.cfg").write_text("[default]\nblock_size = lots\n")
    result = wcs_ext("-c", "bad.cfg", "token", "manage", "/bucket/list", cwd=files)
    assert_one_line_error(result, 2, "bad.cfg line 2: block_size must be an integer")


def test_help_teaches_with_examples(files: Path) -> None:
    import click

    from wcs_ext.cli import cli

    names = cli.list_commands(click.Context(cli))
    commands = [[name] for name in names] + [["token", "upload"], ["token", "manage"]]
    for args in ([], *commands):
        result = wcs_ext(*args, "--help", cwd=files)
        assert result.returncode == 0, args
        assert "Example" in result.stdout, f"no example in: wcs-ext {' '.join(args)} --help"


def test_debug_keeps_a_usage_error_one_line(files: Path) -> None:
    # --debug shows tracebacks of failures (tests/test_cli_adversarial.py), not of bad input.
    result = wcs_ext("--debug", "etag", "nope", cwd=files)
    assert_one_line_error(result, 2, "no such file: nope")
