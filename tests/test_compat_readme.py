"""Every code snippet of the original SDK's README, run through ``wcs_ext.compat``
against the emulator, in the README's order and in one namespace, as a script would.

The snippets (``data/original_readme_snippets.txt``) are kept verbatim. What the test
changes is listed here and nowhere else: the imports; the README's typos that make
its Python invalid (``_TYPOS``); and the blanks it leaves (``key = ''``) or the
examples that need a real server (``_FILLS``), filled with objects of the emulator.
Each answer is then held against the original's shape: ``(status, body, {"x-reqid"})``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EmulatorFactory, EmulatorProcess, wait_until
from wcs_ext import Wcs, WcsNotFoundError, etag_bytes, etag_file

SNIPPETS = Path(__file__).parent / "data" / "original_readme_snippets.txt"
BUCKETS = ("test", "srcbucket", "dstbucket", "bucket")

_IMPORTS = {
    "from wcs.commons.config import Config": "from wcs_ext.compat import Config",
    "from wcs.services.client import Client": "from wcs_ext.compat import Client",
}
# The README calls urlsafe_base64_encode without importing it; its users imported it
# from wcs.commons.util, which becomes this.
_HELPER_IMPORT = "from wcs_ext.compat import urlsafe_base64_encode"
_TYPOS = {
    "cli = Client(cfg) 初始化Client": "cli = Client(cfg) # 初始化Client",  # a comment without #
    "key\uff0cupload_id": "key, upload_id",  # a full-width comma
    "Notes: No need to do BASE64 encoding in the para prefix input. ": "",  # prose
    "eg: cli.wslive_list": "cli.wslive_list",  # a label before the call
}
# wcs-ext's results of these carry no request id (a list of buckets, of usages).
WITHOUT_REQUEST_ID = ("List Bucket", "Get the Storage Volume")
SMALL = b"hello from the original README\n"
TODAY = dt.date.today().isoformat()


def read_snippets() -> list[tuple[str, str]]:
    text = SNIPPETS.read_text(encoding="utf-8")
    blocks = text.split("\n=== ")[1:]
    return [(block.partition("\n")[0], block.partition("\n")[2]) for block in blocks]


def prepared(code: str, fills: dict[str, Any]) -> str:
    """The snippet with imports and typos mended, blanks filled, and the answer of a
    last line that calls the client kept as ``answer``."""
    for old, new in {**_IMPORTS, **_TYPOS}.items():
        code = code.replace(old, new)
    lines = []
    for line in code.splitlines():
        name, sep, _ = line.partition(" = ")
        lines.append(f"{name} = {fills[name]!r}" if sep and name in fills else line)
    if lines[-1].startswith("cli."):
        lines[-1] = f"answer = {lines[-1]}"
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def readme_emulator(emulator_factory: EmulatorFactory) -> EmulatorProcess:
    return emulator_factory(buckets=BUCKETS)


@pytest.fixture
def home(readme_emulator: EmulatorProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home whose ~/.wcscfg names the emulator, as the README's users' does theirs."""
    for name in list(os.environ):
        if name.startswith("WCS_"):
            monkeypatch.delenv(name)
    (tmp_path / ".wcscfg").write_text(
        "[default]\n"
        f"access_key = {readme_emulator.access_key}\n"
        f"secret_key = {readme_emulator.secret_key}\n"
        f"put_url = {readme_emulator.put_url}\n"
        f"mgr_url = {readme_emulator.mgr_url}\n"
        "max_concurrency = 0\n"
        f"tmp_record_folder = {tmp_path / 'records'}\n"
    )
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


def job_done(wcs: Wcs, persistent_id: str) -> bool:
    return wcs.fmgr.status(persistent_id).finished


def test_every_snippet_of_the_original_readme_runs(
    readme_emulator: EmulatorProcess, home: Path
) -> None:
    small = home / "small.txt"
    small.write_bytes(SMALL)
    big = home / "big.bin"
    big.write_bytes(os.urandom(5 * 1024 * 1024 + 123))  # two blocks
    with readme_emulator.client() as wcs:
        for bucket, key, data in (
            ("srcbucket", "1.doc", b"moved by fmgr"),
            ("srcbucket", "copy-source.doc", b"copied by fmgr"),
            ("bucket", "test/a.txt", b"under the prefix"),
            ("test", "test.mp4", b"not really a video"),
            ("test", "live/list.m3u8", b"#EXTM3U\nseg0.ts\n"),
            ("test", "live/seg0.ts", b"a segment"),
        ):
            path = home / "seed"
            path.write_bytes(data)
            wcs.simple_upload(path, bucket, key)
        answers: dict[str, Any] = {}
        fills: dict[str, dict[str, Any]] = {
            "Normal Upload": {"key": "readme/simple.txt", "bucket": "test", "filepath": str(small)},
            "Multipart Upload": {
                "key": "readme/multi.bin",
                "bucket": "test",
                "filepath": str(big),
                "upload_id": "readme-upload-1",
            },
            "Upload by Stream Address": {
                "key": "readme/stream.txt",
                "bucket": "test",
                "stream": readme_emulator.url_of("test", "readme/simple.txt"),
            },
            "Get the Storage Volume": {"startdate": TODAY, "enddate": TODAY, "bucket": "test"},
            "Get the Object Info": {"key": "readme/simple.txt", "bucket": "test"},
            "Delete Object (synchronous)": {"key": "readme/stream.txt", "bucket": "test"},
            "Move Object (synchronous)": {
                "srcbucket": "test",
                "srckey": "readme/simple.txt",
                "dstbucket": "dstbucket",
                "dstkey": "readme/moved.txt",
            },
            "Copy Object (synchronous)": {
                "srcbucket": "dstbucket",
                "srckey": "readme/moved.txt",
                "dstbucket": "test",
                "dstkey": "readme/copied.txt",
            },
            "Set the Expiration of Object": {"bucket": "test", "key": "readme/copied.txt"},
            # The move before took 1.doc away and holds 2.doc: the copy takes other names.
            "Copy Object (asynchronous)": {"srckey": "copy-source.doc", "dstkey": "2-copy.doc"},
            "Fetch Object": {"url": readme_emulator.url_of("test", "readme/copied.txt")},
            "Delete M3U8": {"bucket": "test", "key": "live/list.m3u8"},
        }
        namespace: dict[str, Any] = {}
        exec(_HELPER_IMPORT, namespace)
        for title, code in read_snippets():
            if title == "Inquire for Advanced Resource Management":
                fills[title] = {
                    "persistentId": answers["Delete Object by Prefix"][1]["persistentId"]
                }
            if title == "Query for Recording Files of Live":
                namespace.update(
                    channelname="channel1", startTime="20260101000000", bucket="test",
                    start=1, limit=10,
                )  # fmt: skip
            exec(prepared(code, fills.get(title, {})), namespace)
            if title == "Initialization":
                continue
            answer = namespace.pop("answer")
            assert isinstance(answer, tuple), (title, answer)
            assert len(answer) == 3, (title, answer)
            status, body, headers = answer
            assert status == 200, (title, answer)
            assert set(headers) == {"x-reqid"}, title
            if title not in WITHOUT_REQUEST_ID:
                assert headers["x-reqid"] not in ("", "None"), title
            answers[title] = answer
            fmgr_job = title != "Audio/Video Processing"
            if fmgr_job and isinstance(body, dict) and "persistentId" in body:
                wait_until(lambda: job_done(wcs, body["persistentId"]))  # noqa: B023
                assert wcs.fmgr.status(body["persistentId"]).succeeded, title

        assert len(answers) == len(read_snippets()) - 1 == 20  # all but the Initialization
        check_answers(answers, big, wcs)
    namespace["cli"].close()


def check_answers(answers: dict[str, Any], big: Path, wcs: Wcs) -> None:
    """Each answer holds what the original's did, and the server holds what it says."""
    simple = json.loads(answers["Normal Upload"][1])  # the form upload's body is text
    assert simple == {"hash": etag_bytes(SMALL), "key": "readme/simple.txt"}
    assert answers["Multipart Upload"][1]["hash"] == etag_file(big)
    assert json.loads(answers["Upload by Stream Address"][1])["hash"] == etag_bytes(SMALL)
    names = {b["name"] for b in answers["List Bucket"][1]["buckets"]}
    # Times and sizes as WCS writes them, which the original passed on as text.
    for bucket in answers["List Bucket"][1]["buckets"]:
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", bucket["ctime"]), bucket
    assert set(BUCKETS) <= names
    listed = answers["List Object"][1]
    assert {"readme/simple.txt", "readme/multi.bin", "readme/stream.txt"} <= {
        item["key"] for item in listed["items"]
    }
    assert listed["marker"] == ""
    usage = answers["Get the Storage Volume"][1]["buckets"]
    assert [b["name"] for b in usage] == ["test"]
    assert usage[0]["detail"][0]["data_time"] == TODAY
    assert re.fullmatch(r"\d+\.\d{3}", usage[0]["detail"][0]["storage"])
    info = answers["Get the Object Info"][1]
    assert (info["name"], info["fsize"], info["hash"]) == (
        "readme/simple.txt", len(SMALL), etag_bytes(SMALL),
    )  # fmt: skip
    assert answers["Delete Object (synchronous)"][1]["code"] == 200
    with pytest.raises(WcsNotFoundError):
        wcs.stat("test", "readme/stream.txt")
    assert wcs.stat("test", "readme/copied.txt").expiration_date  # setdeadline 3 days
    assert wcs.stat("dstbucket", "2.doc").size == len(b"moved by fmgr")
    assert wcs.stat("dstbucket", "2-copy.doc").size == len(b"copied by fmgr")
    with pytest.raises(WcsNotFoundError):
        wcs.stat("srcbucket", "1.doc")  # moved away
    with pytest.raises(WcsNotFoundError):
        wcs.stat("test", "1.doc")  # fetched, then deleted by the next snippet
    with pytest.raises(WcsNotFoundError):
        wcs.stat("bucket", "test/a.txt")  # deleted by prefix
    with pytest.raises(WcsNotFoundError):
        wcs.stat("test", "live/seg0.ts")  # deleted with its playlist
    status = answers["Inquire for Advanced Resource Management"][1]
    assert status["code"] in (3, 4, 5, 6)
    assert status["items"]
    assert answers["Audio/Video Processing"][1]["persistentId"]
    live = answers["Query for Recording Files of Live"][1]
    assert set(live) == {"total", "items"}
