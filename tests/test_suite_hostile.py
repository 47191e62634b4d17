"""The CLI against servers that stall or send heads too large (``tests/hostile_server.py``).

A stall: the server reads the request and then sends nothing more, from the start or
after the headers and part of a body; for a download and for management calls
(``stat``, ``list``, ``del``) and an upload pointed at it. A head too large: one
header line of a MiB, or thousands of headers. Every run ends by its configured
timeouts and retries (the subprocess's own timeout is only a hang guard), with its exit
code and one line on stderr, no traceback, and nothing written outside its folder.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import attrs
import pytest

from tests.cli_helpers import Result, assert_ok, assert_one_line_error
from tests.hostile_server import (
    BODY,
    HANG_GUARD,
    HostileServer,
    Huge,
    Serve,
    Stall,
    Step,
    hostile,  # noqa: F401  (fixture)
    run_wcs,
    snapshot,
)
from wcs_ext import AsyncWcs, WcsConfig
from wcs_ext.errors import WcsTransportError

RETRIES = 1
SETTINGS = {
    "WCS_CONNECTION_TIMEOUT": "1",
    "WCS_CONNECTION_RETRIES": str(RETRIES),
    "WCS_ACCESS_KEY": "hostile-ak",
    "WCS_SECRET_KEY": "hostile-sk",
}
TIMED_OUT = "timed out (ReadTimeout)"


@attrs.frozen
class Case:
    step: Step
    args: tuple[str, ...]  # {url}: the URL of the scripted path
    what: str  # in the error line
    attempts: int  # requests the command makes before it gives up


def run_against(
    hostile: HostileServer, tmp_path: Path, case: Case, path: str
) -> tuple[Result, Path]:
    """``case`` run in a fresh folder with both hosts set to the hostile server; checks
    that nothing outside that folder changed. The result and the folder."""
    url = hostile.script(path, [case.step])
    hostile.default = case.step  # the management and upload calls' paths
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious\n")
    folder = tmp_path / "a" / "folder"
    folder.mkdir(parents=True)
    (folder / "upload.txt").write_bytes(BODY)
    before = snapshot(tmp_path, folder)
    env = SETTINGS | {"WCS_MGR_URL": hostile.base_url, "WCS_PUT_URL": hostile.base_url}

    result = run_wcs(tmp_path / "home", folder, *(a.format(url=url) for a in case.args), env=env)

    assert snapshot(tmp_path, folder) == before  # nothing outside changed or appeared
    assert victim.read_bytes() == b"precious\n"
    return result, folder


GET = ("get", "{url}", "k.bin")
# A download is tried 1 + RETRIES times before its first byte, or continued RETRIES
# times after a cut mid-body; stat and list are tried 1 + RETRIES times; delete may
# have happened, so once only; a simple upload 1 + RETRIES times.
STALLS = {
    "get-silent": Case(Stall(), GET, "download", 1 + RETRIES),
    "get-after-the-headers": Case(Stall(size=1000), GET, "download", 1 + RETRIES),
    "get-mid-body": Case(Stall(size=1000, sent=b"x" * 400), GET, "download", 1 + RETRIES),
    "stat": Case(Stall(), ("stat", "wcs://b/k.bin"), "stat wcs://b/k.bin", 1 + RETRIES),
    "list": Case(Stall(), ("list", "wcs://b"), "list wcs://b", 1 + RETRIES),
    "del": Case(Stall(), ("del", "wcs://b/k.bin"), "delete wcs://b/k.bin", 1),
    "put": Case(Stall(), ("put", "wcs://b/k.bin", "upload.txt"), "upload wcs://b/k.bin", 2),
}


@pytest.mark.parametrize("name", STALLS, ids=list(STALLS))
def test_a_stalled_server_is_given_up_on_after_the_timeouts(
    hostile: HostileServer, tmp_path: Path, name: str
) -> None:
    case = STALLS[name]
    result, folder = run_against(hostile, tmp_path, case, "/stalled/k.bin")

    assert_one_line_error(result, 1, case.what, TIMED_OUT)
    assert len(hostile.requests) == case.attempts, hostile.requests
    assert not (folder / "k.bin").exists()
    left = sorted(p.name for p in folder.iterdir())
    if name == "get-mid-body":  # what arrived is kept, to be continued by the next run
        assert left == [".k.bin.wcs-part", ".k.bin.wcs-part.json", "upload.txt"]
        assert (folder / ".k.bin.wcs-part").read_bytes() == b"x" * 400
    else:
        assert left == ["upload.txt"]


def test_a_download_stalled_mid_body_is_continued_by_the_next_run(
    hostile: HostileServer, tmp_path: Path
) -> None:
    data = b"x" * 400 + b"y" * 600
    case = Case(Stall(size=len(data), sent=data[:400]), GET, "download", 1 + RETRIES)
    result, folder = run_against(hostile, tmp_path, case, "/stalled/k.bin")
    assert_one_line_error(result, 1, "download", TIMED_OUT)
    rest = (("ETag", '"stalled-1"'), ("Content-Range", f"bytes 400-999/{len(data)}"))
    url = hostile.script("/stalled/k.bin", [Serve(data[400:], status=206, headers=rest)])

    result = assert_ok(run_wcs(tmp_path / "home", folder, "get", url, "k.bin", env=SETTINGS))

    assert result.stdout == "saved k.bin (1000 B, continued from 400 B)\n"
    assert (folder / "k.bin").read_bytes() == data


MiB = 1024 * 1024
TOO_LARGE = {
    "get-a-header-of-a-mib": Case(Huge(line=MiB), GET, "download", 1 + RETRIES),
    "get-20000-headers": Case(Huge(count=20_000), GET, "download", 1 + RETRIES),
    "stat-a-header-of-a-mib": Case(
        Huge(line=MiB), ("stat", "wcs://b/k.bin"), "stat wcs://b/k.bin", 1 + RETRIES
    ),
}


@pytest.mark.parametrize("name", TOO_LARGE, ids=list(TOO_LARGE))
def test_a_head_too_large_is_an_error(hostile: HostileServer, tmp_path: Path, name: str) -> None:
    case = TOO_LARGE[name]
    result, folder = run_against(hostile, tmp_path, case, "/huge/k.bin")

    assert_one_line_error(result, 1, case.what, "the answer's headers are too large")
    assert len(hostile.requests) == case.attempts, hostile.requests
    assert sorted(p.name for p in folder.iterdir()) == ["upload.txt"]


def test_thousands_of_small_headers_are_read(hostile: HostileServer, tmp_path: Path) -> None:
    case = Case(Huge(count=2000), GET, "download", 1)
    result, folder = run_against(hostile, tmp_path, case, "/many/k.bin")

    assert_ok(result)
    assert result.stdout == "saved k.bin (14 B)\n"
    assert (folder / "k.bin").read_bytes() == BODY


def test_the_async_twin_names_a_head_too_large_too(hostile: HostileServer, tmp_path: Path) -> None:
    url = hostile.script("/huge/k.bin", [Huge(line=MiB)])
    config = WcsConfig(connection_timeout=10, connection_retries=0)

    async def run() -> None:
        async with AsyncWcs(config) as awcs:
            await awcs.download(url, tmp_path / "k.bin")

    with pytest.raises(WcsTransportError, match="the answer's headers are too large"):
        asyncio.run(asyncio.wait_for(run(), HANG_GUARD))
    assert list(tmp_path.iterdir()) == []
