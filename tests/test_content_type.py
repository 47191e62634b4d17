"""The MIME type of an upload: forced (``content_type=``, ``--content-type``), guessed from
the key the same way on every machine (``transfer/content_types.py``), or not sent
(``guess_mime_type=False``, ``--no-guess-mime-type``); stored by the emulator and served
back by its downloads, its stat and its listings."""

from __future__ import annotations

import asyncio
import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import httpx
import pytest

from tests.cli_helpers import (  # noqa: F401  (the cli fixture)
    Cli,
    assert_ok,
    cli,
    describe,
)
from tests.conftest import EmulatorFactory, EmulatorProcess, wait_until
from wcs_ext import AsyncWcs, Wcs, WcsConfig, WcsInputError, WcsNotFoundError
from wcs_ext.protocol.encoding import urlsafe_b64encode
from wcs_ext.protocol.media_types import is_media_type
from wcs_ext.protocol.signing import Credentials, PutPolicy, upload_token
from wcs_ext.transfer.content_types import (
    WEB_TYPES,
    check_content_type,
    content_type_for,
    guess_content_type,
)

BLOCK = 4 * 1024 * 1024
OCTETS = "application/octet-stream"
FORCED = "text/html; charset=gbk"
DATA = b"<p>\xc4\xe3\xba\xc3</p>\n"  # GBK: a charset the emulator must not replace

# -- the guess (no I/O) ------------------------------------------------------------------


@pytest.mark.parametrize(("extension", "expected"), sorted(WEB_TYPES.items()))
def test_every_web_type_is_what_a_key_gets(extension: str, expected: str) -> None:
    assert guess_content_type(f"site/v1.2/asset{extension}") == expected
    assert guess_content_type(f"ASSET{extension.upper()}") == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("app.js", "text/javascript"),  # Python 3.11 says application/javascript
        ("fonts/a.woff2", "font/woff2"),  # missing from Python 3.11's table
        ("img/a.webp", "image/webp"),  # non-strict only in Python 3.11
        ("README.md", "text/markdown"),  # only from the host's /etc/mime.types
        ("hls/seg-001.ts", "video/mp2t"),  # the host may say text/vnd.trolltech.linguist
        ("backup.tar.gz", "application/gzip"),  # not a tar: no Content-Encoding is served
        ("notes.txt", "text/plain"),  # Python's own table
        ("photo.JPG", "image/jpeg"),
        ("main.rs", None),  # the host may say application/rls-services+xml
        ("blob.bin", None),  # octet-stream says nothing: not sent as a guess
        ("Makefile", None),
        (".env", None),
        ("dir.d/file", None),  # a dot in a folder is no extension
        ("trailing.", None),
    ],
)
def test_the_guess(name: str, expected: str | None) -> None:
    assert guess_content_type(name) == expected


def test_the_guess_ignores_the_hosts_mime_files(tmp_path: Path) -> None:
    # A host whose mime.types says otherwise: mimetypes.guess_type follows it, we do not.
    bogus = tmp_path / "mime.types"
    bogus.write_text("application/x-host-says js ts txt rs md\n")
    script = textwrap.dedent(f"""
        import json, mimetypes
        mimetypes.init([{str(bogus)!r}])
        from wcs_ext.transfer.content_types import guess_content_type
        names = ["a.js", "a.ts", "a.txt", "a.rs", "a.md"]
        print(json.dumps([[mimetypes.guess_type(n)[0], guess_content_type(n)] for n in names]))
    """)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    host, ours = zip(*json.loads(done.stdout), strict=True)
    assert set(host) == {"application/x-host-says"}  # the trap is real
    assert list(ours) == ["text/javascript", "video/mp2t", "text/plain", None, "text/markdown"]


def test_a_forced_type_wins_and_guessing_can_be_off() -> None:
    assert content_type_for("a.js", {}, guess=True) == "text/javascript"
    assert content_type_for("a.js", {"content_type": "text/plain"}, guess=True) == "text/plain"
    assert content_type_for("a.js", {"content_type": "text/plain"}, guess=False) == "text/plain"
    assert content_type_for("a.js", {"content_type": ""}, guess=True) == "text/javascript"
    assert content_type_for("a.js", {}, guess=False) is None
    assert content_type_for("a.js", {"guess_mime_type": False}, guess=True) is None
    assert content_type_for("a.js", {"guess_mime_type": True}, guess=False) == "text/javascript"
    with pytest.raises(WcsInputError, match="guess_mime_type"):
        content_type_for("a.js", {"guess_mime_type": "no"}, guess=True)


@pytest.mark.parametrize(
    "good",
    ["text/plain", FORCED, 'multipart/mixed; boundary="a b"', "application/vnd.api+json"],
)
def test_types_a_header_can_carry(good: str) -> None:
    assert is_media_type(good)
    assert check_content_type(good) == good


@pytest.mark.parametrize(
    "bad",
    ["html", "text/", "/plain", "text/plain\r\nX-Evil: 1", "text/pl\x07in", "tëxt/plain",
     "text/plain;", "text / plain", "a" * 250 + "/bcdef"],
)  # fmt: skip
def test_types_that_are_refused(bad: str) -> None:
    assert not is_media_type(bad)
    with pytest.raises(WcsInputError, match="is not a MIME type: give type/subtype"):
        check_content_type(bad)


# -- the library against the emulator -----------------------------------------------------


def served(emulator: EmulatorProcess, wcs: Wcs, key: str) -> tuple[str | None, str, bytes]:
    """What stat, a download and a listing say of ``key``'s type; and the bytes."""
    download = httpx.get(emulator.url_of("e2e", key))
    assert download.status_code == 200, download.text
    [listed] = [item for item in wcs.iter_objects("e2e", prefix=key) if item.key == key]
    stated = wcs.stat("e2e", key).mime_type
    assert listed.mime_type == stated
    assert download.headers["content-type"] == stated
    return stated, download.headers["content-type"], download.content


@pytest.fixture
def page(tmp_path: Path) -> Path:
    path = tmp_path / "page.bin"
    path.write_bytes(DATA)
    return path


def test_a_forced_type_is_stored_and_served_by_every_upload(
    emulator: EmulatorProcess, page: Path
) -> None:
    with emulator.client(block_size=BLOCK) as wcs:
        for name in ("simple_upload", "multipart_upload", "upload_file", "smart_upload"):
            key = f"ct/forced-{name}.js"  # the forced type wins over the key's
            getattr(wcs, name)(page, "e2e", key, content_type=FORCED)
            assert served(emulator, wcs, key) == (FORCED, FORCED, DATA)
        wcs.stream_upload(io.BytesIO(DATA), "e2e", "ct/forced-stream", content_type=FORCED)
        assert served(emulator, wcs, "ct/forced-stream")[0] == FORCED
        big = b"b" * (BLOCK + 1)  # a stream in blocks: mkfile's /mimeType/ segment
        wcs.stream_upload(io.BytesIO(big), "e2e", "ct/forced-blocks", content_type="video/mp4")
        assert served(emulator, wcs, "ct/forced-blocks") == ("video/mp4", "video/mp4", big)
        writer = wcs.object_writer("e2e", "ct/writer.json")  # wcs_ext.fs writes this way
        writer.commit(b"{}")
        assert served(emulator, wcs, "ct/writer.json")[0] == "application/json"
        with pytest.raises(WcsInputError, match="is not a MIME type"):
            wcs.simple_upload(page, "e2e", "ct/bad", content_type="no slash")


def test_the_guess_is_stored_and_served_as_is(emulator: EmulatorProcess, page: Path) -> None:
    with emulator.client() as wcs:
        for name in ("simple_upload", "multipart_upload"):
            for key, expected in (("README.md", "text/markdown"), ("app.mjs", "text/javascript")):
                wcs_key = f"ct/guess-{name}/{key}"
                getattr(wcs, name)(page, "e2e", wcs_key)
                # exactly the type: no "; charset=utf-8" the uploader never stated
                assert served(emulator, wcs, wcs_key)[:2] == (expected, expected)


def test_without_guessing_no_type_is_sent_and_the_default_applies(
    emulator: EmulatorProcess, page: Path
) -> None:
    with emulator.client(guess_mime_type=False) as wcs:
        for name in ("simple_upload", "multipart_upload"):
            wcs_key = f"ct/none-{name}.js"
            getattr(wcs, name)(page, "e2e", wcs_key)
            assert served(emulator, wcs, wcs_key)[0] == OCTETS
            getattr(wcs, name)(page, "e2e", wcs_key + ".again.js", guess_mime_type=True)
            assert served(emulator, wcs, wcs_key + ".again.js")[0] == "text/javascript"
    with emulator.client() as wcs:
        wcs.simple_upload(page, "e2e", "ct/none-per-call.js", guess_mime_type=False)
        assert served(emulator, wcs, "ct/none-per-call.js")[0] == OCTETS


def test_the_async_client_takes_the_same_options(emulator: EmulatorProcess, page: Path) -> None:
    async def main() -> None:
        async with AsyncWcs(emulator.config()) as wcs:
            await wcs.upload_file(page, "e2e", "ct/async-forced", content_type="image/avif")
            await wcs.multipart_upload(page, "e2e", "ct/async-none.css", guess_mime_type=False)
            await wcs.multipart_upload(page, "e2e", "ct/async-guess.css")
            stats = [await wcs.stat("e2e", f"ct/async-{k}") for k in ("forced", "none.css")]
            guessed = await wcs.stat("e2e", "ct/async-guess.css")
        assert [s.mime_type for s in (*stats, guessed)] == ["image/avif", OCTETS, "text/css"]

    asyncio.run(main())


def test_the_wire_as_the_emulator_logged_it(
    emulator_factory: EmulatorFactory, tmp_path: Path, page: Path
) -> None:
    log = tmp_path / "requests.jsonl"
    emulator = emulator_factory(extra_args=["--log", str(log)])
    with emulator.client() as wcs:
        wcs.multipart_upload(page, "e2e", "wire/a.svg")
        wcs.multipart_upload(page, "e2e", "wire/b.svg", guess_mime_type=False)
        wcs.multipart_upload(page, "e2e", "wire/c.svg", content_type=FORCED)

    def mkfiles() -> list[str]:
        lines = [json.loads(line) for line in log.read_text().splitlines()]
        return [line["path"] for line in lines if line["path"].startswith("/mkfile/")]

    wait_until(lambda: log.exists() and len(mkfiles()) == 3)
    size = len(DATA)
    assert mkfiles() == [
        f"/mkfile/{size}/mimeType/{urlsafe_b64encode('image/svg+xml')}",
        f"/mkfile/{size}",  # none sent: the stat says the emulator's default
        f"/mkfile/{size}/mimeType/{urlsafe_b64encode(FORCED)}",
    ]


def test_the_emulator_refuses_a_type_no_header_can_carry(emulator: EmulatorProcess) -> None:
    credentials = Credentials(access_key=emulator.access_key, secret_key=emulator.secret_key)
    token = upload_token(credentials, PutPolicy.for_object("e2e", "ct/evil", lifetime=60))
    answer = httpx.post(
        f"{emulator.put_url}/file/upload",
        data={"token": token, "mimeType": "text/plain\r\nSet-Cookie: a=b"},
        files={"file": ("evil", b"x", OCTETS)},
    )
    assert answer.status_code == 400, answer.text
    assert "mimeType" in answer.json()["message"]
    with emulator.client() as wcs, pytest.raises(WcsNotFoundError):
        wcs.stat("e2e", "ct/evil")  # nothing was stored


# -- the command line ----------------------------------------------------------------------


def test_cli_options_end_to_end(cli: Cli, emulator: EmulatorProcess, tmp_path: Path) -> None:
    (cli.workdir / "app.js").write_bytes(DATA)
    tree = tmp_path / "site"
    (tree / "css").mkdir(parents=True)
    for rel in ("index.html", "css/a.css", "f.woff2"):
        (tree / rel).write_bytes(DATA)
    off = cli.write_config("off.wcscfg", guess_mime_type="false")
    results = cli.run_many(
        ("put", "wcs://e2e/cli/forced.js", "app.js", "--content-type", FORCED),
        ("put", "wcs://e2e/cli/guess.js", "app.js"),
        ("put", "wcs://e2e/cli/none.js", "app.js", "--no-guess-mime-type"),
        ("multiput", "wcs://e2e/cli/multi.bin", "app.js", "--content-type", "video/mp4"),
        ("put", "-r", str(tree), "wcs://e2e/cli/tree/", "--content-type", "text/plain"),
        ("sync", str(tree), "wcs://e2e/cli/sync", "--no-guess-mime-type"),
        ("put", "-r", str(tree), "wcs://e2e/cli/guessed/"),
    )
    for result in results:
        assert_ok(result)
    configured_off = (
        cli.run("put", "wcs://e2e/cli/off.js", "app.js", config=off),
        cli.run("put", "wcs://e2e/cli/on.js", "app.js", "--guess-mime-type", config=off),
        cli.run("put", "wcs://e2e/cli/env.js", "app.js", env={"WCS_GUESS_MIME_TYPE": "no"}),
    )
    for result in configured_off:
        assert_ok(result)
    stdin = cli.run("put", "wcs://e2e/cli/stdin", "-", "--content-type", "text/csv", stdin="a,b\n")
    assert_ok(stdin)
    with emulator.client() as wcs:

        def mime(key: str) -> str | None:
            return served(emulator, wcs, f"cli/{key}")[0]

        assert [mime(k) for k in ("forced.js", "guess.js", "none.js", "multi.bin")] == [
            FORCED, "text/javascript", OCTETS, "video/mp4",
        ]  # fmt: skip
        assert [mime(k) for k in ("off.js", "on.js", "env.js", "stdin")] == [
            OCTETS, "text/javascript", OCTETS, "text/csv",
        ]  # fmt: skip
        for rel, guessed in (("index.html", "text/html"), ("css/a.css", "text/css"),
                             ("f.woff2", "font/woff2")):  # fmt: skip
            assert mime(f"tree/{rel}") == "text/plain"
            assert mime(f"sync/{rel}") == OCTETS
            assert mime(f"guessed/{rel}") == guessed


def test_cli_help_shows_the_options_with_an_example(cli: Cli) -> None:
    for command in ("put", "multiput", "sync"):
        shown = cli.ok(command, "--help").stdout
        assert "--content-type TYPE" in shown, command
        assert "--guess-mime-type / --no-guess-mime-type" in shown, command
        assert f"$ wcs-ext {command} " in shown, command
        assert [line for line in shown.splitlines() if "$ " in line and "--content-type" in line]


def test_the_setting_comes_from_the_environment(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path)}
    assert WcsConfig.load(env=env).guess_mime_type is True
    assert WcsConfig.load(env={**env, "WCS_GUESS_MIME_TYPE": "off"}).guess_mime_type is False
