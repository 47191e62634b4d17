"""Several hosts from the command line (the real ``wcs-ext`` in a subprocess): a dead
first host in the config file, ``WCS_*`` or an option is failed over, ``-v`` says so, and
when every host fails the one error line names each."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli_helpers import Cli, assert_ok, assert_one_line_error, describe
from tests.conftest import EmulatorProcess
from tests.failover_proxy import dead_host


@pytest.fixture
def dead() -> Iterator[str]:
    with dead_host() as url:
        yield url


def _cli(emulator: EmulatorProcess, tmp_path: Path, **settings: object) -> Cli:
    workdir = tmp_path / "work"
    workdir.mkdir()
    cli = Cli(workdir=workdir, config=workdir / "cfg", emulator=emulator)
    cli.write_config("cfg", download_url=f"{emulator.download_url}/{{bucket}}", **settings)
    return cli


def test_behind_a_dead_first_host_put_stat_list_and_get_work(
    emulator: EmulatorProcess, tmp_path: Path, dead: str
) -> None:
    cli = _cli(
        emulator,
        tmp_path,
        put_url=f"{dead},{emulator.put_url}",
        mgr_url=f"{dead}, {emulator.mgr_url}",
        bput_size=1024 * 1024,
    )
    data = os.urandom(5 * 1024 * 1024)  # 2 blocks
    (cli.workdir / "up.bin").write_bytes(data)
    (cli.workdir / "small.txt").write_text("small\n")
    cli.ok("multiput", "wcs://e2e/cli-hosts/up.bin", "up.bin")
    cli.ok("put", "wcs://e2e/cli-hosts/small.txt", "small.txt")
    stat, listing, got = cli.run_many(
        ("--json", "stat", "wcs://e2e/cli-hosts/up.bin"),
        ("list", "wcs://e2e", "--prefix", "cli-hosts/"),
        ("get", "wcs://e2e/cli-hosts/up.bin", "down.bin"),
    )
    assert json.loads(assert_ok(stat).stdout)["size"] == len(data)
    assert "cli-hosts/small.txt" in assert_ok(listing).stdout
    assert "cli-hosts/up.bin" in listing.stdout
    assert_ok(got)
    assert (cli.workdir / "down.bin").read_bytes() == data


def test_hosts_from_the_environment_and_options_fail_over_and_show_in_dump_config(
    emulator: EmulatorProcess, tmp_path: Path, dead: str
) -> None:
    cli = _cli(emulator, tmp_path)
    hosts = f"{dead},{emulator.mgr_url}"
    by_env, by_option, dump = cli.run_many(
        ("-v", "listbucket"),
        ("listbucket", "--mgr-url", hosts),
        ("--dump-config", "--put-url", f"{dead},{emulator.put_url}"),
        env={"WCS_MGR_URL": hosts},
    )
    assert "e2e" in assert_ok(by_env).stdout
    assert f"mgr_url {dead} (connection refused) failed; trying {emulator.mgr_url}" in (
        by_env.stderr
    ), describe(by_env)
    assert "e2e" in assert_ok(by_option).stdout
    lines = assert_ok(dump).stdout.splitlines()
    assert any(line.startswith(f"put_url = {dead},{emulator.put_url} ") for line in lines)
    assert any(line.startswith(f"mgr_url = {hosts} ") and "WCS_MGR_URL" in line for line in lines)


def test_when_every_host_is_dead_one_line_names_each_and_the_exit_is_1(
    emulator: EmulatorProcess, tmp_path: Path, dead: str
) -> None:
    with dead_host() as other:
        cli = _cli(emulator, tmp_path, mgr_url=f"{dead},{other}", connection_retries=1)
        result = cli.run("stat", "wcs://e2e/anything")
    line = assert_one_line_error(
        result,
        1,
        f"stat wcs://e2e/anything: mgr_url {dead}: connection refused; {other}: connection refused",
    )
    assert emulator.secret_key not in line
