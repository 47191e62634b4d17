"""What every command does the same way, run as a subprocess against the emulator:
errors as JSON with ``--json``, ``-v`` (requests and retries, secrets masked), the
original's ``--debug VALUE``, the line of a resumed upload, and listings that stream
their pages and say where to continue when stopped part-way.
"""

from __future__ import annotations

import io
import json
import re
import signal
from pathlib import Path

from tests.cli_helpers import (  # noqa: F401  (the cli fixture)
    Cli,
    assert_ok,
    cli,
    describe,
    json_lines,
)
from tests.conftest import EmulatorFactory, EmulatorProcess

REQUEST_ID = re.compile(r"[0-9a-f]{16,}")
SLOW = ("--fault-rate", "1", "--fault-kinds", "slow")  # every request 0.5-1.5 s late


def seed(emulator: EmulatorProcess, bucket: str, keys: list[str]) -> None:
    with emulator.client() as wcs:
        for key in keys:
            wcs.stream_upload(io.BytesIO(key.encode()), bucket, key)


def slow_emulator(factory: EmulatorFactory, bucket: str, keys: list[str]) -> EmulatorProcess:
    """An emulator holding ``keys`` that answers every request late: a listing of them a
    page at a time takes seconds, long enough to stop it part-way on a busy machine."""
    server = factory(buckets=(bucket,))
    seed(server, bucket, keys)  # quickly, before the faults
    server.extra_args = SLOW
    server.restart()
    return server


def cli_of(emulator: EmulatorProcess, tmp_path: Path, **settings: object) -> Cli:
    workdir = tmp_path / "work"
    workdir.mkdir()
    cli = Cli(workdir=workdir, config=workdir / "cfg", emulator=emulator)
    cli.write_config("cfg", **settings)
    return cli


# -- errors with --json ----------------------------------------------------------------


def test_json_errors_are_documents_on_stdout_with_the_same_exit_codes(cli: Cli) -> None:
    missing, plain, bad_url, unknown, after = cli.run_many(
        ("--json", "stat", "wcs://e2e/no/such/key"),
        ("stat", "wcs://e2e/no/such/key"),
        ("--json", "stat", "photos/x"),
        ("--json", "nosuchcommand"),
        ("list", "wcs://e2e", "--json", "--limit", "0"),
    )
    assert missing.returncode == plain.returncode == 1, describe(missing)
    [document] = json_lines(missing.stdout)
    error = document["error"]
    assert set(document) == {"error"}
    assert (error["status"], error["code"]) == (404, 404)  # the emulator sends "404"
    assert error["message"] == "stat wcs://e2e/no/such/key: file not exist"
    assert REQUEST_ID.fullmatch(error["request_id"])
    # stderr keeps its one line, as without --json.
    assert missing.stderr.count("\n") == 1
    assert missing.stderr.startswith("error: HTTP 404: stat wcs://e2e/no/such/key")
    assert plain.stdout == ""

    for usage in (bad_url, unknown, after):
        assert usage.returncode == 2, describe(usage)
        [document] = json_lines(usage.stdout)
        assert document["error"]["status"] is None
        assert document["error"]["code"] is None
        assert document["error"]["request_id"] is None
        assert usage.stderr == f"error: {document['error']['message']}\n"
    assert "wcs://" in json_lines(bad_url.stdout)[0]["error"]["message"]
    assert "nosuchcommand" in json_lines(unknown.stdout)[0]["error"]["message"]
    assert "between 1 and 1000" in json_lines(after.stdout)[0]["error"]["message"]


# -- -v / --verbose ----------------------------------------------------------------------


def test_verbose_logs_each_request_with_its_secrets_masked(cli: Cli) -> None:
    seed(cli.emulator, "e2e", ["verbose/a.txt"])
    url = cli.emulator.url_of("e2e", "verbose/a.txt")
    private = f"{url}?token=tok-secret-1&wsSecret=ws-secret-2&part=1"
    stat, got, quiet = cli.run_many(
        ("-v", "stat", "wcs://e2e/verbose/a.txt"),
        ("--verbose", "get", private, "a.txt"),
        ("stat", "wcs://e2e/verbose/a.txt"),
    )
    [line] = assert_ok(stat).stderr.splitlines()
    mgr = re.escape(cli.emulator.mgr_url)
    assert re.fullmatch(rf"GET {mgr}/stat/\S+ \[auth \*\*\*\*\] -> 200 \(request id \w+\)", line)
    got_lines = assert_ok(got).stderr.splitlines()
    masked = f"{url}?token=****&wsSecret=****&part=1"
    assert any(line.startswith(f"GET {masked} -> 20") for line in got_lines), got.stderr
    everything = stat.stderr + got.stderr
    for secret in (cli.emulator.secret_key, "tok-secret-1", "ws-secret-2", "Authorization"):
        assert secret not in everything
    assert assert_ok(quiet).stderr == ""  # no -v: no request lines


def test_verbose_shows_the_retries(emulator_factory: EmulatorFactory, tmp_path: Path) -> None:
    busy = emulator_factory(extra_args=("--fault-rate", "1", "--fault-kinds", "error-503"))
    cli = cli_of(busy, tmp_path, connection_retries=1)
    result = cli.run("-v", "listbucket")
    assert result.returncode == 1, describe(result)
    lines = result.stderr.splitlines()
    assert len(lines) == 4, describe(result)
    assert lines[0].startswith(f"GET {busy.mgr_url}/bucket/list [auth ****] -> 503")
    assert re.fullmatch(r"retrying after \d\.\d\ds: HTTP 503: list buckets: .*", lines[1])
    assert lines[2].startswith("GET ")
    assert lines[3].startswith("error: HTTP 503: list buckets")


# -- a resumed upload says so ------------------------------------------------------------
# (tests/test_cli_e2e.py, the Ctrl-C test, checks the line after a real interruption)


# -- streaming listings ------------------------------------------------------------------


def test_listall_streams_and_ctrl_c_says_the_marker_that_continues(
    emulator_factory: EmulatorFactory, tmp_path: Path
) -> None:
    keys = [f"s/{i}" for i in range(8)]
    slow = slow_emulator(emulator_factory, "slow", keys)
    cli = cli_of(slow, tmp_path)
    process = cli.popen("--json", "listall", "wcs://slow", "--limit", "1")
    try:
        assert process.stdout is not None
        first = process.stdout.readline()  # page 1, while the listing still runs
        assert process.poll() is None
        process.send_signal(signal.SIGINT)
        rest, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, f"stdout: {first}{rest}\nstderr: {stderr}"
    assert json.loads(first)["key"] == "s/0"
    [stopped] = json_lines(rest)  # the last line: the error, with where to go on
    assert "marker" in stopped, f"{rest}\n{stderr}"
    marker = stopped["marker"]
    assert marker
    assert stopped["error"]["message"] == f"interrupted: continue with --marker {marker}"
    assert stderr == f"interrupted: continue with --marker {marker}\n"

    resumed = cli.json("listall", "wcs://slow", "--limit", "4", "--marker", marker)
    assert [document["key"] for document in resumed] == keys[1:]


def test_listall_stopped_by_an_error_says_the_marker_and_continues(
    emulator_factory: EmulatorFactory, tmp_path: Path
) -> None:
    keys = [f"g/{i}" for i in range(8)]
    server = slow_emulator(emulator_factory, "gone", keys)
    cli = cli_of(server, tmp_path, connection_retries=0)
    process = cli.popen("--json", "listall", "wcs://gone", "--limit", "1")
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        port = server.port
        server.stop(signal.SIGKILL)  # the next page's request fails
        rest, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 1, f"stdout: {first}{rest}\nstderr: {stderr}"
    shown = [json.loads(first), *json_lines(rest)]
    stopped = shown.pop()
    marker = stopped["marker"]
    assert stopped["error"]["message"].startswith("list wcs://gone: ")
    lines = stderr.splitlines()
    assert lines[0] == f"listing stopped part-way: continue with --marker {marker}"
    assert lines[1].startswith("error: list wcs://gone: ")
    assert len(lines) == 2

    server.start(port=port)
    resumed = cli.json("listall", "wcs://gone", "--limit", "4", "--marker", marker)
    assert [d["key"] for d in shown] + [d["key"] for d in resumed] == keys


def test_an_error_on_the_first_page_is_only_the_error(cli: Cli) -> None:
    result = cli.run("--json", "listall", "wcs://nobucket")
    assert result.returncode == 1, describe(result)
    [document] = json_lines(result.stdout)
    assert set(document) == {"error"}  # nothing shown: nothing to continue
    assert result.stderr.count("\n") == 1
