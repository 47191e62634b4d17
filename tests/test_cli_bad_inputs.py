"""Bad input to the real `wcs-ext`: one clear line on stderr, the right exit code.

Exit 2 for usage, input and configuration errors (nothing was sent, or the answer could
not have been different); exit 1 for operations the server refused, with its request
id. Never a traceback, never anything on stdout. The original wcscmd exited 0 for most
of these, or crashed with a traceback (wcs-api.md §9, §11).

All cases run at once in a module fixture (a subprocess start is most of their cost);
each case is still its own test.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.cli_helpers import Cli, Result, assert_one_line_error, config_text
from tests.conftest import EmulatorProcess


class Case(NamedTuple):
    args: tuple[str, ...]
    code: int
    texts: tuple[str, ...]
    request_id: bool = False
    env: tuple[tuple[str, str], ...] = ()
    program: str = "wcs-ext"


G = ("-c", "wcscfg")  # the good config file
DL = "{download_url}"  # replaced by the emulator's download address

CASES: dict[str, Case] = {
    # wcs:// arguments
    "url-without-scheme": Case((*G, "stat", "photos/x"), 2, ("'photos/x'", "wcs://")),
    "url-without-bucket": Case((*G, "stat", "wcs://"), 2, ("no bucket name",)),
    "url-empty-bucket": Case((*G, "del", "wcs:///k"), 2, ("no bucket name", "wcs:///k")),
    "url-other-scheme": Case((*G, "cp", "s3://b/k", "wcs://e2e/k"), 2, ("'s3://b/k'",)),
    "stat-without-key": Case((*G, "stat", "wcs://e2e"), 2, ("no object key",)),
    "del-empty-key": Case((*G, "del", "wcs://e2e/"), 2, ("no object key", "wcs://e2e/")),
    "mv-without-key": Case((*G, "mv", "wcs://e2e", "wcs://other/x"), 2, ("no object key",)),
    "list-with-a-key": Case((*G, "list", "wcs://e2e/k"), 2, ("without a key",)),
    # the original crashed with a traceback on these two
    "deleteprefix-without-scheme": Case((*G, "deletePrefix", "e2e", "p/"), 2, ("wcs://",)),
    "listall-without-scheme": Case((*G, "listall", "e2e", "out.txt"), 2, ("wcs://",)),
    # local files
    "put-missing-file": Case((*G, "put", "wcs://e2e/x", "missing.txt"), 2, ("missing.txt",)),
    "multiput-a-directory": Case((*G, "multiput", "wcs://e2e/x", "adir"), 2, ("not a regular",)),
    "put-stdin-without-key": Case((*G, "put", "wcs://e2e", "-"), 2, ("needs a key",)),
    # numbers
    "limit-not-a-number": Case((*G, "list", "wcs://e2e", "--limit", "abc"), 2, ("limit",)),
    "limit-zero": Case((*G, "--limit", "0", "list", "wcs://e2e"), 2, ("between 1 and 1000",)),
    "limit-too-big": Case((*G, "list", "wcs://e2e", "--limit", "5000"), 2, ("1000", "5000")),
    "limit-without-value": Case((*G, "list", "wcs://e2e", "--limit"), 2, ("'--limit' requires",)),
    "mode-seven": Case((*G, "list", "wcs://e2e", "--mode", "7"), 2, ("mode", "7")),
    "deadline-not-a-number": Case(
        (*G, "put", "wcs://e2e/x", "hello.txt", "--deadline", "x"), 2, ("deadline", "'x'")
    ),
    "traffic-limit-negative": Case(
        (*G, "--traffic_limit", "-1", "put", "wcs://e2e/x", "hello.txt"), 2, ("traffic_limit",)
    ),
    "limit-rate-unknown-unit": Case(
        (*G, "--limit-rate", "2X", "put", "wcs://e2e/x", "hello.txt"), 2, ("limit_rate", "'2X'")
    ),
    "limit-rate-negative": Case(
        (*G, "get", "wcs://e2e/x", "--limit-rate", "-1M"), 2, ("limit_rate", "2M, 500K")
    ),
    "overwrite-two": Case(
        (*G, "put", "wcs://e2e/x", "hello.txt", "--overwrite", "2"), 2, ("0 or 1",)
    ),
    "setdeadline-soon": Case((*G, "setdeadline", "wcs://e2e/x", "soon"), 2, ("'soon'", "DAYS")),
    "setdeadline-minus-two": Case((*G, "setdeadline", "wcs://e2e/x", "-2"), 2, ("-1 or more",)),
    # configuration
    "config-is-a-directory": Case(("-c", "adir", "listbucket"), 2, ("adir is a directory",)),
    "config-not-utf8": Case(("-c", "latin1.cfg", "listbucket"), 2, ("line 2", "UTF-8")),
    "config-bad-line": Case(("-c", "badline.cfg", "listbucket"), 2, ("badline.cfg line 3",)),
    "config-block-size": Case(("-c", "block.cfg", "listbucket"), 2, ("block_size", "4194304")),
    "config-bput-size": Case(("-c", "bput.cfg", "listbucket"), 2, ("bput_size", "divide")),
    "config-url-scheme": Case(("-c", "scheme.cfg", "listbucket"), 2, ("mgr_url", "'ftp'")),
    "config-host-list-bad-entry": Case(
        ("-c", "hosts.cfg", "listbucket"),
        2,
        ("hosts.cfg line", "mgr_url", "'127.0.0.1:x' (host 2 of 2: bad port"),
    ),
    "env-host-list-empty-entry": Case(
        (*G, "put", "wcs://e2e/x", "hello.txt"),
        2,
        ("env WCS_PUT_URL", "put_url", "host 2 of 3: it is empty"),
        env=(("WCS_PUT_URL", "http://127.0.0.1:1,,http://127.0.0.1:2"),),
    ),
    "option-host-list-bad-scheme": Case(
        (*G, "--mgr-url", "http://127.0.0.1:1,ftp://127.0.0.1:2", "listbucket"),
        2,
        ("override", "mgr_url", "(host 2 of 2: scheme 'ftp'"),
    ),
    "download-url-list": Case(
        (*G, "--download-url", "http://127.0.0.1:1,http://127.0.0.1:2", "get", "wcs://e2e/x"),
        2,
        ("download_url", "one URL only"),
    ),
    "config-missing-file": Case(("-c", "missing.cfg", "listbucket"), 2, ("does not exist",)),
    "config-missing-via-env": Case(
        ("listbucket",),
        2,
        ("missing.cfg (from WCS_CONFIG) does not exist",),
        env=(("WCS_CONFIG", "missing.cfg"),),
    ),
    "config-bad-env-value": Case((*G, "listbucket"), 2, ("WCS_LIMIT",), env=(("WCS_LIMIT", "x"),)),
    "config-no-keys": Case(("-c", "nokeys.cfg", "listbucket"), 2, ("missing access_key",)),
    "config-no-hosts": Case(
        ("-c", "nohosts.cfg", "put", "wcs://e2e/x", "hello.txt"), 2, ("put_url",)
    ),
    "no-config-at-all": Case(("listbucket",), 2, ("--configure",)),
    "unknown-profile": Case((*G, "--profile", "nope", "listbucket"), 2, ("'nope'", "wcscfg")),
    # the server refuses
    "wrong-secret": Case(("-c", "wrong.cfg", "listbucket"), 1, ("HTTP 401",), request_id=True),
    "wrong-secret-upload": Case(
        ("-c", "wrong.cfg", "put", "wcs://e2e/x", "hello.txt"), 1, ("HTTP 401",), request_id=True
    ),
    "unknown-bucket": Case(
        (*G, "stat", "wcs://nobucket/k"), 1, ("HTTP 404", "nobucket"), request_id=True
    ),
    "unknown-bucket-list": Case((*G, "list", "wcs://nobucket"), 1, ("HTTP 404",), request_id=True),
    "unknown-key": Case((*G, "del", "wcs://e2e/no/such/key"), 1, ("HTTP 404",), request_id=True),
    "unknown-job": Case((*G, "fmgrStatus", "fmgr-nope"), 1, ("fmgr-nope",), request_id=True),
    "get-missing-object": Case(
        (*G, "get", f"{DL}/e2e/no/such/key", "out.bin"), 1, ("HTTP 404",), request_id=True
    ),
    # get
    "get-not-http": Case((*G, "get", "ftp://host/x"), 2, ("http://", "'ftp://host/x'")),
    "get-into-missing-directory": Case(
        (*G, "get", f"{DL}/e2e/x", "nodir/x.bin"), 2, ("no such directory: nodir",)
    ),
    "get-onto-a-directory": Case((*G, "get", f"{DL}/e2e/x", "adir"), 2, ("adir",)),
    # usage
    "unknown-command": Case((*G, "nosuchcommand"), 2, ("No such command 'nosuchcommand'",)),
    "unknown-command-wcscmd": Case(
        (*G, "nosuchcommand"), 2, ("'nosuchcommand'", "wcscmd --help"), program="wcscmd"
    ),
    "verbose-bad-url": Case((*G, "-v", "stat", "photos/x"), 2, ("'photos/x'", "wcs://")),
    "debug-value-bad-url": Case((*G, "--debug", "1", "stat", "photos/x"), 2, ("wcs://",)),
    "unknown-option": Case((*G, "--nosuch", "listbucket"), 2, ("No such option '--nosuch'",)),
    "extra-argument": Case(
        (*G, "stat", "wcs://e2e/a", "wcs://e2e/b"), 2, ("unexpected extra argument",)
    ),
    "missing-argument": Case((*G, "stat"), 2, ("Missing argument",)),
    "get-without-url": Case((*G, "get"), 2, ("Missing argument 'URL|wcs://BUCKET/KEY'",)),
    "bucketstat-bad-date": Case(
        (*G, "bucketstat", "e2e", "--startdate", "2026-13-01"), 2, ("--startdate", "2026-13-01")
    ),
    "bucketstat-no-bucket": Case((*G, "bucketstat", "|"), 2, ("at least one bucket",)),
    "bucketstat-bad-flag": Case(
        (*G, "--islistdetails", "yes", "bucketstat", "e2e"), 2, ("--islistdetails",)
    ),
    "deleteprefix-empty-prefix": Case(
        (*G, "deletePrefix", "wcs://e2e", ""), 2, ("empty prefix", "whole bucket")
    ),
    # wslive: times as the request carries them, a window that runs forwards
    "wslive-bad-time": Case(
        (*G, "wslive", "wcs://e2e", "ch", "2026", "20260102000000"),
        2,
        ("START", "YYYYMMDDhhmmss", "'2026'"),
    ),
    "wslive-end-before-start": Case(
        (*G, "wslive", "wcs://e2e", "ch", "20260102000000", "20260101000000"),
        2,
        ("END", "before START"),
    ),
    "wslive-zero-count": Case(
        (*G, "wslive", "wcs://e2e", "ch", "20260101000000", "20260102000000", "--count", "0"),
        2,
        ("--count",),
    ),
    "wslive-with-a-key": Case(
        (*G, "wslive", "wcs://e2e/k", "ch", "20260101000000", "20260102000000"),
        2,
        ("without a key",),
    ),
    # content types: the line names the option, the value and what a type is
    "content-type-without-slash": Case(
        (*G, "put", "wcs://e2e/x", "hello.txt", "--content-type", "html"),
        2,
        ("--content-type", "'html' is not a MIME type", "type/subtype"),
    ),
    "content-type-control-char": Case(
        (*G, "multiput", "wcs://e2e/x", "hello.txt", "--content-type", "text/plain\x07"),
        2,
        ("--content-type", "'text/plain\\x07'", "printable ASCII"),
    ),
    "content-type-line-break": Case(
        (*G, "sync", "adir", "wcs://e2e/x", "--content-type", "text/plain\r\nX-Evil: 1"),
        2,
        ("--content-type", "\\r\\n", "type/subtype"),
    ),
    "content-type-put-r-empty": Case(
        (*G, "put", "-r", "adir", "wcs://e2e/x/", "--content-type", ""),
        2,
        ("--content-type", "'' is not a MIME type"),
    ),
    "guess-mime-type-bad-env": Case(
        (*G, "put", "wcs://e2e/x", "hello.txt"),
        2,
        ("WCS_GUESS_MIME_TYPE", "'maybe'"),
        env=(("WCS_GUESS_MIME_TYPE", "maybe"),),
    ),
    "upload-id-with-slash": Case(
        (*G, "multiput", "wcs://e2e/x", "hello.txt", "--upload-id", "a/b"), 2, ("'a/b'",)
    ),
    # many files: sync, recursive transfers, batches
    "sync-two-local-sides": Case((*G, "sync", "adir", "other"), 2, ("one side must be",)),
    "sync-two-remote-sides": Case(
        (*G, "sync", "wcs://e2e/a", "wcs://e2e/b"), 2, ("one side must be",)
    ),
    "sync-missing-source": Case((*G, "sync", "nodir", "wcs://e2e/x"), 2, ("nodir",)),
    "sync-file-as-source": Case(
        (*G, "sync", "hello.txt", "wcs://e2e/x"), 2, ("not a directory", "hello.txt")
    ),
    "sync-negative-max-delete": Case(
        (*G, "sync", "adir", "wcs://e2e/x", "--max-delete", "-1"), 2, ("--max-delete",)
    ),
    "sync-missing-exclude-from": Case(
        (*G, "sync", "adir", "wcs://e2e/x", "--exclude-from", "none.txt"), 2, ("none.txt",)
    ),
    "sync-down-without-download-url": Case(
        (*G, "sync", "wcs://e2e/x", "adir"), 2, ("download_url", "WCS_DOWNLOAD_URL")
    ),
    "get-key-without-download-url": Case(
        (*G, "get", "wcs://e2e/x"), 2, ("download_url", "--configure")
    ),
    "get-key-ending-in-dots": Case(
        (*G, "--download-url", "127.0.0.1:1", "get", "wcs://e2e/a/.."), 2, ("give FILENAME",)
    ),
    "put-r-without-remote": Case((*G, "put", "-r", "adir", "other"), 2, ("one side must be",)),
    "put-r-jobs-zero": Case((*G, "put", "-r", "adir", "wcs://e2e/x", "-j", "0"), 2, ("--jobs",)),
    "del-nothing": Case((*G, "del"), 2, ("no object given", "--from-file")),
    "del-from-missing-file": Case((*G, "del", "--from-file", "none.txt"), 2, ("none.txt",)),
    "del-from-file-bad-line": Case(
        (*G, "del", "--from-file", "keys.txt"), 2, ("keys.txt: line 2", "'plain-key'")
    ),
    "cp-many-bad-destination": Case(
        (*G, "cp", "wcs://e2e/a", "wcs://e2e/b", "backup/"), 2, ("'backup/'", "wcs://")
    ),
}


def _write_workspace(root: Path, emulator: EmulatorProcess) -> None:
    (root / "hello.txt").write_bytes(b"hello wcs\n")
    (root / "adir").mkdir()
    (root / "keys.txt").write_text("wcs://e2e/a\nplain-key\n")
    (root / "wcscfg").write_text(config_text(emulator))
    (root / "wrong.cfg").write_text(config_text(emulator, secret_key="not-the-secret"))
    (root / "latin1.cfg").write_bytes(b"[default]\naccess_key = caf\xe9\n")
    (root / "badline.cfg").write_text("[default]\naccess_key = ak\nthis is not a setting\n")
    (root / "block.cfg").write_text(config_text(emulator, block_size=1000000))
    (root / "bput.cfg").write_text(config_text(emulator, bput_size=3000000))
    (root / "scheme.cfg").write_text(config_text(emulator, mgr_url="ftp://127.0.0.1:1"))
    (root / "hosts.cfg").write_text(
        config_text(emulator, mgr_url="http://127.0.0.1:1, 127.0.0.1:x")
    )
    (root / "nokeys.cfg").write_text(config_text(emulator, access_key="", secret_key=""))
    (root / "nohosts.cfg").write_text(config_text(emulator, put_url="", mgr_url=""))


@pytest.fixture(scope="module")
def results(
    emulator: EmulatorProcess, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Result]:
    root = tmp_path_factory.mktemp("bad-inputs")
    _write_workspace(root, emulator)
    cli = Cli(workdir=root, config=root / "wcscfg", emulator=emulator)

    def run(case: Case) -> Result:
        args = [arg.replace(DL, emulator.download_url) for arg in case.args]
        return cli.run(*args, program=case.program, env=dict(case.env), with_config=False)

    with ThreadPoolExecutor(max_workers=4) as pool:
        done = dict(zip(CASES, pool.map(run, CASES.values()), strict=True))
    assert not (root / "out.bin").exists()
    assert not (root / "out.txt").exists()
    return done


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 25
    assert {case.code for case in CASES.values()} == {1, 2}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_one_line_and_an_exit_code(name: str, results: dict[str, Result]) -> None:
    case = CASES[name]
    line = assert_one_line_error(results[name], case.code, *case.texts, request_id=case.request_id)
    assert line.startswith("error: ")
    if not case.request_id:
        assert "request id" not in line  # nothing was sent, or nothing came back
