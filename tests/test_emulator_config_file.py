"""``wcs-ext emulator --write-config FILE``: a config that both command lines read, and
the emulator options that name files, refused in one line when they cannot be used."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_helpers import Cli, assert_ok, assert_one_line_error, clean_env
from tests.conftest import EMULATOR_AK, EMULATOR_SK, EmulatorFactory, EmulatorProcess
from tests.original_sdk import ensure_original_sdk
from tests.test_interop_original import wcscmd_statuses
from wcs_ext import WcsConfig


@pytest.fixture(scope="module")
def written(
    emulator_factory: EmulatorFactory, tmp_path_factory: pytest.TempPathFactory
) -> tuple[EmulatorProcess, Path]:
    config = tmp_path_factory.mktemp("written") / "emulator.wcscfg"
    return emulator_factory(buckets=("cfg",), extra_args=["--write-config", str(config)]), config


def test_the_config_is_there_with_the_ready_line(written: tuple[EmulatorProcess, Path]) -> None:
    emulator, config = written
    assert emulator.info["config"] == str(config.resolve())
    assert stat.S_IMODE(os.stat(config).st_mode) == 0o600
    lines = config.read_text().splitlines()
    assert lines[0].startswith("# ")
    assert lines[1:] == [
        "[default]",
        f"access_key = {EMULATOR_AK}",
        f"secret_key = {EMULATOR_SK}",
        f"put_url = {emulator.put_url}",
        f"mgr_url = {emulator.mgr_url}",
        f"download_url = {emulator.download_url}/{{bucket}}",
    ]
    loaded = WcsConfig.load(config, env={})
    assert (loaded.access_key, loaded.secret_key) == (EMULATOR_AK, EMULATOR_SK)
    # No temporary file of the atomic write is left beside it.
    assert [p.name for p in config.parent.iterdir()] == [config.name]


def test_wcs_ext_works_with_the_written_config(
    written: tuple[EmulatorProcess, Path], tmp_path: Path
) -> None:
    emulator, config = written
    cli = Cli(workdir=tmp_path, config=config, emulator=emulator)
    (tmp_path / "hello.txt").write_text("hello from the config\n")
    cli.ok("put", "wcs://cfg/hello.txt", "hello.txt")
    assert [b["name"] for b in cli.json("listbucket")] == ["cfg"]
    # download_url is in it too: objects are fetched by key.
    cli.ok("get", "wcs://cfg/hello.txt", "copy.txt")
    assert (tmp_path / "copy.txt").read_text() == "hello from the config\n"


def test_the_original_wcscmd_works_with_the_written_config(
    written: tuple[EmulatorProcess, Path], tmp_path: Path
) -> None:
    _, config = written
    original = ensure_original_sdk()
    done = original.run(
        [str(original.find_wcscmd()), "-c", str(config), "listbucket"], cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert wcscmd_statuses(done.stderr) == [200], done.stderr
    assert "'name': 'cfg'" in done.stderr


def emulator_run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``wcs-ext emulator ARGS`` that must fail before it listens."""
    return subprocess.run(
        [sys.executable, "-m", "wcs_ext.cli", "emulator", "--data", str(tmp_path / "d"), *args],
        cwd=tmp_path,
        env=clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "texts"),
    [
        (("--write-config", "no/such/dir/e.wcscfg"), ("--write-config", "no such directory")),
        (("--write-config", "."), ("--write-config",)),
        (("--log", "no/such/dir/r.jsonl"), ("cannot write the request log", "r.jsonl")),
        (("--live-recordings", "missing.json"), ("--live-recordings", "cannot read")),
        (("--live-recordings", "bad.json"), ("--live-recordings", "bad.json", "not JSON")),
        (("--live-recordings", "notalist.json"), ("expected a JSON list",)),
        (("--live-recordings", "notimes.json"), ("recording 1", "startTime")),
        (("--live-recordings", "backwards.json"), ("recording 1 ends before it starts",)),
        (("--live-recordings", "10001"), ("at most 10000",)),
    ],
    ids=lambda value: "-".join(value) if isinstance(value, tuple) else None,
)
def test_unusable_files_are_one_line_and_exit_2(
    tmp_path: Path, args: tuple[str, ...], texts: tuple[str, ...]
) -> None:
    (tmp_path / "bad.json").write_text("[{")
    (tmp_path / "notalist.json").write_text('{"items": []}')
    (tmp_path / "notimes.json").write_text('[{"channelname": "c", "bucket": "b"}]')
    (tmp_path / "backwards.json").write_text(
        '[{"channelname": "c", "bucket": "b", "startTime": "20260102000000",'
        ' "endTime": "20260101000000"}]'
    )
    result = emulator_run(tmp_path, *args)
    assert_one_line_error(result, 2, *texts)
    assert not (tmp_path / "d").exists()  # refused before anything was made


def test_a_key_the_file_cannot_hold_is_refused_unshown(tmp_path: Path) -> None:
    secret = "line one\nline two"
    result = subprocess.run(
        [sys.executable, "-m", "wcs_ext.cli", "emulator", "--ak", "ak", "--write-config", "e.cfg"],
        cwd=tmp_path,
        env=clean_env(tmp_path, {"WCS_SECRET_KEY": secret}),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    line = assert_one_line_error(result, 2, "secret_key cannot be written")
    assert "line one" not in line
    assert not (tmp_path / "e.cfg").exists()


def test_the_help_says_the_secret_is_local_only(tmp_path: Path) -> None:
    result = assert_ok(emulator_run(tmp_path, "--help"))
    text = " ".join(result.stdout.split())
    assert "secret_key" in text
    assert "local tests only" in text
    for option in ("--log FILE", "--write-config FILE", "--live-recordings N|FILE"):
        assert option in text
