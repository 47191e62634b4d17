"""Every command of the real `wcs-ext` / `wcscmd`, run as a subprocess against the emulator.

What a user sees is checked: exit codes, stdout, stderr, the files written. The data a
test needs but does not test (objects to list, stat, move) is put there with the library,
which is quicker than a subprocess per object.
"""

from __future__ import annotations

import io
import json
import random
import re
import signal
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.cli_helpers import (  # noqa: F401  (the cli fixture)
    Cli,
    assert_ok,
    assert_one_line_error,
    cli,
    describe,
    json_lines,
    normalize,
)
from tests.conftest import EmulatorProcess, wait_until
from wcs_ext import WcsConfig, etag_bytes, etag_file
from wcs_ext.config import FILE_KEYS
from wcs_ext.models import ObjectInfo
from wcs_ext.protocol.encoding import urlsafe_b64encode
from wcs_ext.transfer.record import read_record

MiB = 1024 * 1024
HELLO = b"hello wcs\n"
HELLO_ETAG = "FiJansjy9XVdTONVcAYheClQyUjF"
VOLATILE = {
    "request_id": "<request id>",
    "put_time_ms": "<put time>",
    "created": "<created>",
    "id": "<job id>",
    "persistent_id": "<job id>",
}


def seed(emulator: EmulatorProcess, bucket: str, objects: dict[str, bytes]) -> None:
    """Store objects with the library (not what these tests are about)."""
    with emulator.client() as wcs:
        for key, data in objects.items():
            wcs.stream_upload(io.BytesIO(data), bucket, key)


def stat_of(emulator: EmulatorProcess, bucket: str, key: str) -> ObjectInfo:
    with emulator.client() as wcs:
        return wcs.stat(bucket, key)


def random_bytes(size: int, seed_value: int) -> bytes:
    return random.Random(seed_value).randbytes(size)


def keys_of(screen: str) -> list[str]:
    """The keys of `list` screen output (the last column)."""
    return [line.split()[-1] for line in screen.splitlines()]


def marker_of(stderr: str) -> str:
    match = re.fullmatch(r"\(more: --marker (\S+)\)\n", stderr)
    assert match, stderr
    return match[1]


# -- listing ---------------------------------------------------------------------------

LS = {f"ls/{name}": name.encode() for name in ("a.txt", "b.txt", "c.txt", "d.txt", "sub/e.txt")}


@pytest.fixture(scope="module")
def listed(emulator: EmulatorProcess) -> None:
    seed(emulator, "e2e", LS)


@pytest.mark.usefixtures("listed")
def test_list_pages_with_the_printed_marker_options_before_or_after(cli: Cli) -> None:
    first = cli.ok("list", "wcs://e2e", "--prefix", "ls/", "--limit", "2")
    assert keys_of(first.stdout) == ["ls/a.txt", "ls/b.txt"]
    assert first.stdout.splitlines()[0].split()[:2] == ["5", "B"]  # size for people
    marker = marker_of(first.stderr)

    # The same options before the command, as the original's users wrote them.
    second = cli.ok("--limit", "2", "--prefix", "ls/", "list", "wcs://e2e", "--marker", marker)
    assert keys_of(second.stdout) == ["ls/c.txt", "ls/d.txt"]
    marker = marker_of(second.stderr)

    # Mixed positions, and RESFILE: the page as JSON, the way WCS answers it.
    last = cli.ok(
        "--prefix", "ls/", "list", "wcs://e2e", "page.json", "--limit=2", "--marker", marker
    )
    assert last.stdout == "saved 1 objects to page.json\n"
    assert last.stderr == ""
    page = json.loads((cli.workdir / "page.json").read_text())
    assert page["marker"] == ""
    assert page["commonPrefixes"] == []
    [item] = page["items"]
    assert item["key"] == "ls/sub/e.txt"
    assert item["fsize"] == len(LS["ls/sub/e.txt"])
    assert item["hash"] == etag_bytes(b"sub/e.txt")
    assert set(item) == {
        "key", "putTime", "hash", "fsize", "mimeType", "expirationDate", "storageClass",
    }  # fmt: skip

    # RESFILE with a page to follow says where it goes on.
    more = cli.ok("list", "wcs://e2e", "more.json", "--prefix", "ls/", "--limit", "4")
    saved = json.loads((cli.workdir / "more.json").read_text())
    assert [i["key"] for i in saved["items"]] == ["ls/a.txt", "ls/b.txt", "ls/c.txt", "ls/d.txt"]
    assert more.stdout == f"saved 4 objects to more.json\nmore: --marker {saved['marker']}\n"


@pytest.mark.usefixtures("listed")
def test_list_mode_shows_folders(cli: Cli) -> None:
    flat, mode0, mode1, as_json = cli.run_many(
        ("list", "wcs://e2e", "--prefix", "ls/"),
        ("--mode", "0", "list", "wcs://e2e", "--prefix", "ls/"),
        ("list", "wcs://e2e", "--prefix", "ls/", "--mode", "1"),
        ("--json", "list", "wcs://e2e", "--prefix", "ls/", "--mode", "0"),
    )
    assert keys_of(assert_ok(flat).stdout) == [*LS]
    for folders in (mode0, mode1):
        lines = assert_ok(folders).stdout.splitlines()
        assert lines[0].split() == ["DIR", "ls/sub/"]
        assert keys_of("\n".join(lines[1:])) == ["ls/a.txt", "ls/b.txt", "ls/c.txt", "ls/d.txt"]
    documents = json_lines(assert_ok(as_json).stdout)
    assert documents[-1] == {"prefix": "ls/sub/"}
    assert [d["key"] for d in documents[:-1]] == ["ls/a.txt", "ls/b.txt", "ls/c.txt", "ls/d.txt"]


@pytest.mark.usefixtures("listed")
def test_json_list_ends_with_the_marker_of_the_next_page(cli: Cli) -> None:
    documents = cli.json("list", "wcs://e2e", "--prefix", "ls/", "--limit", "2")
    assert [d["key"] for d in documents[:2]] == ["ls/a.txt", "ls/b.txt"]
    assert set(documents[2]) == {"marker"}
    rest = cli.json("list", "wcs://e2e", "--prefix", "ls/", "--marker", documents[2]["marker"])
    assert [d["key"] for d in rest] == ["ls/c.txt", "ls/d.txt", "ls/sub/e.txt"]  # no marker


@pytest.mark.usefixtures("listed")
def test_listall_resfile_has_one_json_page_per_line(cli: Cli) -> None:
    saved, as_json, screen = cli.run_many(
        ("--limit", "2", "listall", "wcs://e2e", "all.txt", "--prefix", "ls/"),
        ("--json", "listall", "wcs://e2e", "--prefix", "ls/", "--limit", "2"),
        ("listall", "wcs://e2e", "--prefix", "ls/", "--limit", "2"),
    )
    assert assert_ok(saved).stdout == "saved 5 objects to all.txt\n"
    pages = json_lines((cli.workdir / "all.txt").read_text())
    assert [[i["key"] for i in page["items"]] for page in pages] == [
        ["ls/a.txt", "ls/b.txt"], ["ls/c.txt", "ls/d.txt"], ["ls/sub/e.txt"],
    ]  # fmt: skip
    assert [bool(page["marker"]) for page in pages] == [True, True, False]

    documents = json_lines(assert_ok(as_json).stdout)
    assert [d["key"] for d in documents] == [*LS]
    assert all(d["size"] == len(LS[d["key"]]) for d in documents)

    assert keys_of(assert_ok(screen).stdout) == [*LS]
    assert screen.stderr == ""


def test_bucketstat_dates_details_and_storage_type(cli: Cli) -> None:
    default, ranged, as_json = cli.run_many(
        ("bucketstat", "e2e|other"),
        (
            "--startdate", "2026-01-01", "bucketstat", "e2e", "--enddate", "2026-01-03",
            "--islistdetails", "true", "--storagetype", "Standard",
        ),
        (
            "--json", "bucketstat", "e2e", "--startdate", "2026-01-01", "--enddate",
            "2026-01-02", "--storagetype", "0",
        ),
    )  # fmt: skip
    rows = [line.split() for line in assert_ok(default).stdout.splitlines()]
    assert rows[0] == ["BUCKET", "DATE", "STORAGE", "(MB)"]
    assert sorted({row[0] for row in rows[1:]}) == ["e2e", "other"]
    assert len(rows) == 1 + 2 * 2  # yesterday and today, per bucket

    dates = [line.split()[1] for line in assert_ok(ranged).stdout.splitlines()[1:]]
    assert dates == ["2026-01-01", "2026-01-02", "2026-01-03"]

    [usage] = json_lines(assert_ok(as_json).stdout)
    assert usage["name"] == "e2e"
    assert [day["date"] for day in usage["days"]] == ["2026-01-01", "2026-01-02"]


# -- uploads and downloads -------------------------------------------------------------


def test_put_key_defaults_overwrite_and_conflict(cli: Cli) -> None:
    (cli.workdir / "put-default.txt").write_bytes(HELLO)
    (cli.workdir / "v1.txt").write_bytes(b"version 1\n")
    (cli.workdir / "v2.txt").write_bytes(b"version 2, longer\n")

    named, first = cli.run_many(
        ("put", "wcs://other", "put-default.txt"), ("put", "wcs://other/put/k.txt", "v1.txt")
    )
    assert_ok(named)
    assert named.stdout == (
        f"uploaded put-default.txt to wcs://other/put-default.txt (10 B, hash {HELLO_ETAG})\n"
    )
    assert named.stderr == ""
    assert stat_of(cli.emulator, "other", "put-default.txt").hash == HELLO_ETAG
    assert_ok(first)

    conflict = cli.run("put", "wcs://other/put/k.txt", "v2.txt")
    assert_one_line_error(conflict, 1, "error: ", "wcs://other/put/k.txt", request_id=True)
    assert stat_of(cli.emulator, "other", "put/k.txt").hash == etag_bytes(b"version 1\n")

    cli.ok("put", "wcs://other/put/k.txt", "v2.txt", "--overwrite", "1")
    assert stat_of(cli.emulator, "other", "put/k.txt").hash == etag_bytes(b"version 2, longer\n")
    quiet = cli.ok("--overwrite", "1", "-q", "put", "wcs://other/put/k.txt", "v1.txt")
    assert (quiet.stdout, quiet.stderr) == ("", "")
    assert stat_of(cli.emulator, "other", "put/k.txt").hash == etag_bytes(b"version 1\n")


def test_put_reads_stdin(cli: Cli) -> None:
    data = bytes(range(256)) * 40 + b"\xff\x00"
    result = cli.run_bytes("put", "wcs://other/put/stdin.bin", "-", stdin=data)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == (
        f"uploaded - to wcs://other/put/stdin.bin (10.0 KiB, hash {etag_bytes(data)})\n"
    )
    cli.ok("get", cli.emulator.url_of("other", "put/stdin.bin"), "stdin.copy")
    assert (cli.workdir / "stdin.copy").read_bytes() == data


def test_multiput_with_small_chunks_from_the_config_then_get(cli: Cli, tmp_path: Path) -> None:
    # 9 MiB + 1 KiB: blocks of 4 MiB, chunks of 1 MiB (bput_size from a config file).
    data = random_bytes(9 * MiB + 1024, 9)
    (cli.workdir / "nine.bin").write_bytes(data)
    records = tmp_path / "big-records"
    config = cli.write_config("big.cfg", bput_size=MiB, tmp_record_folder=records)
    expected = etag_bytes(data)

    result = cli.ok(
        "multiput", "wcs://e2e/mp/nine.bin", "nine.bin", "--upload-id", "mp-nine", config=config
    )
    assert (
        result.stdout == f"uploaded nine.bin to wcs://e2e/mp/nine.bin (9.0 MiB, hash {expected})\n"
    )
    assert not (records / "mp-nine.json").exists()  # done: no resume record left
    info = stat_of(cli.emulator, "e2e", "mp/nine.bin")
    assert (info.size, info.hash) == (len(data), expected)

    url = cli.emulator.url_of("e2e", "mp/nine.bin")
    named = cli.ok("get", url, "copy.bin")
    assert named.stdout == "saved copy.bin (9.0 MiB)\n"
    assert (cli.workdir / "copy.bin").read_bytes() == data
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    default = cli.ok("get", url, cwd=downloads)
    assert default.stdout == "saved nine.bin (9.0 MiB)\n"
    assert (downloads / "nine.bin").read_bytes() == data
    assert sorted(p.name for p in downloads.iterdir()) == ["nine.bin"]  # no partial left


def test_limit_rate_before_or_after_the_command(cli: Cli) -> None:
    # The pace itself is measured by `make bench` (bench_limit_rate); here, that the
    # option reaches the transfers and leaves their bytes whole.
    data = random_bytes(5 * MiB + 7, 5)
    (cli.workdir / "paced.bin").write_bytes(data)
    cli.ok("--limit-rate", "256M", "put", "wcs://e2e/lr/paced.bin", "paced.bin")
    url = cli.emulator.url_of("e2e", "lr/paced.bin")
    cli.ok("get", url, "paced-copy.bin", "--limit-rate", "200M")
    assert (cli.workdir / "paced-copy.bin").read_bytes() == data
    dumped = cli.ok("--dump-config", env={"WCS_LIMIT_RATE": "1.5M"}).stdout
    line = next(line for line in dumped.splitlines() if line.startswith("limit_rate ="))
    assert line.split() == ["limit_rate", "=", "1.5M", "#", "env", "WCS_LIMIT_RATE"]


# -- object management -----------------------------------------------------------------


def test_stat_cp_mv_del(cli: Cli) -> None:
    seed(cli.emulator, "e2e", {"obj/a.txt": HELLO})
    seed(cli.emulator, "other", {"obj/to-move.txt": b"m", "obj/to-delete.txt": b"d"})
    shown, copied, same_key, moved, deleted = cli.run_many(
        ("stat", "wcs://e2e/obj/a.txt"),
        ("cp", "wcs://e2e/obj/a.txt", "wcs://other/obj/copied.txt"),
        ("cp", "wcs://e2e/obj/a.txt", "wcs://other"),
        ("mv", "wcs://other/obj/to-move.txt", "wcs://other/obj/moved.txt"),
        ("del", "wcs://other/obj/to-delete.txt"),
    )
    lines = assert_ok(shown).stdout.splitlines()
    fields = {line.split(":", 1)[0]: line.split(":", 1)[1].strip() for line in lines}
    assert fields["key"] == "obj/a.txt"
    assert fields["size"] == "10 B (10 bytes)"
    assert fields["hash"] == HELLO_ETAG
    assert fields["mime type"] == "text/plain"
    assert fields["expires"] == "never"
    assert fields["storage class"] == "Standard"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", fields["uploaded"])

    assert assert_ok(copied).stdout == (
        "copied wcs://e2e/obj/a.txt to wcs://other/obj/copied.txt\n"
    )
    assert assert_ok(same_key).stdout == "copied wcs://e2e/obj/a.txt to wcs://other/obj/a.txt\n"
    assert assert_ok(moved).stdout == (
        "moved wcs://other/obj/to-move.txt to wcs://other/obj/moved.txt\n"
    )
    assert assert_ok(deleted).stdout == "deleted wcs://other/obj/to-delete.txt\n"
    with cli.emulator.client() as wcs:
        keys = [item.key for item in wcs.iter_objects("other", prefix="obj/")]
    assert keys == ["obj/a.txt", "obj/copied.txt", "obj/moved.txt"]
    assert stat_of(cli.emulator, "other", "obj/copied.txt").hash == HELLO_ETAG

    gone = cli.run("stat", "wcs://other/obj/to-delete.txt")
    assert_one_line_error(gone, 1, "HTTP 404", "obj/to-delete.txt", request_id=True)


def test_setdeadline_days_minus_one_and_the_originals_quoted_minus_one(cli: Cli) -> None:
    seed(cli.emulator, "e2e", {"expiry/a.txt": HELLO})
    target = "wcs://e2e/expiry/a.txt"

    def expires() -> bool:
        return stat_of(cli.emulator, "e2e", "expiry/a.txt").expiration_date is not None

    assert cli.ok("setdeadline", target, "3").stdout == f"{target}: expires in 3 days\n"
    assert expires()
    assert cli.ok("setdeadline", target, "-1").stdout == f"{target}: kept forever\n"
    assert not expires()
    cli.ok("setdeadline", target, "3")
    assert cli.ok("setdeadline", target, '"-1"').stdout == f"{target}: kept forever\n"
    assert not expires()


# -- jobs ------------------------------------------------------------------------------


def test_delete_prefix_with_and_without_wait_then_fmgr_status(cli: Cli) -> None:
    seed(cli.emulator, "e2e", {"jp/1.txt": b"1", "jp/2.txt": b"2", "jw/1.txt": b"3"})
    submitted = cli.ok("deletePrefix", "wcs://e2e", "jp/")
    # "persistentId": the word the original printed the id with, for scripts grepping it.
    match = re.fullmatch(
        r"persistentId: (\S+)\nsee how it goes: wcs-ext fmgrStatus (\S+)\n", submitted.stdout
    )
    assert match, submitted.stdout
    job_id = match[1]
    assert match[2] == job_id

    waited = cli.ok("deletePrefix", "wcs://e2e", "jw/", "--wait")
    lines = waited.stdout.splitlines()
    waited_id = lines[0].removeprefix("persistentId: ")
    assert waited_id != lines[0]
    assert lines[1] == f"job {waited_id}: done (fileOperateFinished)"
    assert lines[2].split() == ["RESULT", "COMMAND", "DETAIL"]
    cmd = f"bucket/{urlsafe_b64encode('e2e')}/prefix/{urlsafe_b64encode('jw/')}"
    assert lines[3].split() == ["ok", cmd, "fileOperateSucceed"]

    # Jobs run in order: the first one is done by now.
    status = cli.ok("fmgrStatus", job_id)
    assert status.stdout.splitlines()[0] == f"job {job_id}: done (fileOperateFinished)"
    with cli.emulator.client() as wcs:
        assert list(wcs.iter_objects("e2e", prefix="jp/")) == []
        assert list(wcs.iter_objects("e2e", prefix="jw/")) == []


def test_fops_submit_status_and_wait_failure(cli: Cli) -> None:
    # The emulator cannot transcode: every fops command ends as a failed item.
    seed(cli.emulator, "e2e", {"fo/v.mov": b"not a movie"})
    submitted = cli.ok("fops", "wcs://e2e/fo/v.mov", "avthumb/mp4")
    match = re.match(r"persistentId: (\S+)\n", submitted.stdout)
    assert match, submitted.stdout
    job_id = match[1]

    waited = cli.run("fops", "wcs://e2e/fo/v.mov", "avthumb/mp4|saveas/ZTJlOmZvL3YubXA0", "--wait")
    assert waited.returncode == 1, describe(waited)
    assert waited.stderr.count("\n") == 1
    assert re.fullmatch(r"error: job \S+ finished with failures\n", waited.stderr)
    lines = waited.stdout.splitlines()
    assert re.fullmatch(r"persistentId: \S+", lines[0])
    assert re.fullmatch(r"job \S+: done \(persistentOperateFinished\)", lines[1])
    assert lines[3].split()[:2] == ["FAILED", "avthumb/mp4|saveas/ZTJlOmZvL3YubXA0"]

    # Jobs run in order: the first one is done by now.
    status = cli.ok("fopsStatus", job_id).stdout.splitlines()
    assert status[0] == f"job {job_id}: done (persistentOperateFinished)"
    assert status[2].split()[:2] == ["FAILED", "avthumb/mp4"]


# -- configuration ---------------------------------------------------------------------


def test_configure_through_stdin_keeps_other_profiles(cli: Cli, tmp_path: Path) -> None:
    emulator = cli.emulator
    path = cli.workdir / "conf.cfg"
    path.write_text(
        "# my settings\n[default]\naccess_key = old-ak\nsecret_key = old-secret-1\n\n"
        "[work]\naccess_key = work-ak\nsecret_key = work-secret-1\n"
    )
    host = emulator.mgr_url.removeprefix("http://")
    answers = [
        emulator.access_key, emulator.secret_key, emulator.put_url, host,
        str(8 * MiB), str(2 * MiB), "5", "15", "1", "2", "3", str(tmp_path / "rec"), "2",
        "n", "n", "1", "n", "600", "1000",
        "y",  # Save settings?
    ]  # fmt: skip
    stdin = "\n".join(answers) + "\n"
    result = cli.run("-c", "conf.cfg", "--configure", with_config=False, stdin=stdin)
    assert_ok(result)
    assert result.stderr == ""
    assert emulator.secret_key not in result.stdout
    assert "old-secret-1" not in result.stdout
    assert "Secret Key [****-1]" in result.stdout  # the current one, masked
    assert result.stdout.endswith("Configuration saved to 'conf.cfg'\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    config = WcsConfig.load(path, env={})
    assert (config.access_key, config.secret_key) == (emulator.access_key, emulator.secret_key)
    assert (config.put_url, config.mgr_url) == (emulator.put_url, host)
    assert (config.block_size, config.bput_size) == (8 * MiB, 2 * MiB)
    assert (config.connection_retries, config.connection_timeout) == (5, 15.0)
    assert (config.mkblk_retries, config.bput_retries, config.mkfile_retries) == (1, 2, 3)
    assert (config.tmp_record_folder, config.concurrency) == (str(tmp_path / "rec"), 2)
    assert (config.ishttps, config.isverify, config.keepalive) == (False, False, False)
    assert (config.mode, config.deadline, config.traffic_limit) == (1, 600, 1000)
    work = WcsConfig.load(path, profile="work", env={})
    assert (work.access_key, work.secret_key) == ("work-ak", "work-secret-1")
    assert path.read_text().startswith("# my settings\n[default]\n")
    # The file works: a host without a scheme is http.
    assert cli.ok("-c", "conf.cfg", "listbucket", with_config=False).stdout.startswith("NAME")

    # Enter keeps every value; not saving leaves the file as it was.
    before = path.read_text()
    keep = cli.run("-c", "conf.cfg", "--configure", with_config=False, stdin="\n" * 19 + "n\nn\n")
    assert_ok(keep)
    assert keep.stdout.endswith("Configuration aborted. Changes were NOT saved.\n")
    assert f"Access Key [{emulator.access_key}]" in keep.stdout
    assert emulator.secret_key not in keep.stdout
    assert path.read_text() == before

    # A profile is configured in its own section; the others stay.
    profile = cli.run(
        "-c", "conf.cfg", "--profile", "work", "--configure",
        with_config=False, stdin="work-ak-2\n" + "\n" * 18 + "y\n",
    )  # fmt: skip
    assert_ok(profile)
    assert WcsConfig.load(path, profile="work", env={}).access_key == "work-ak-2"
    assert WcsConfig.load(path, profile="work", env={}).secret_key == "work-secret-1"
    assert WcsConfig.load(path, env={}).access_key == emulator.access_key


def test_dump_config_masks_the_secret_and_names_every_source(cli: Cli) -> None:
    result = cli.ok("--dump-config", "--limit", "7", env={"WCS_DEADLINE": "60"})
    lines = result.stdout.splitlines()
    assert lines[0] == "[default]"
    entries = {}
    for line in lines[1:]:
        setting, _, source = line.partition("  # ")
        key, _, value = setting.partition(" = ")
        entries[key] = (value.strip(), source)
    assert list(entries) == sorted(FILE_KEYS.values())
    assert len(entries) == 46
    assert all(source for _, source in entries.values())
    config_file = f"file {cli.config}"
    assert entries["access_key"] == (cli.emulator.access_key, config_file)
    assert entries["put_url"] == (cli.emulator.put_url, config_file)
    assert entries["limit"] == ("7", "override")
    assert entries["deadline"] == ("60", "env WCS_DEADLINE")
    assert entries["block_size"] == ("4194304", "default")
    assert entries["secret_key"][0].startswith("****")
    assert cli.emulator.secret_key not in result.stdout + result.stderr

    [document] = cli.json("-s", "--dump-config", "--prefix", "a/")
    assert sorted(document) == sorted(FILE_KEYS.values())
    assert document["ishttps"] == {"value": True, "source": "override"}
    assert document["prefix"] == {"value": "a/", "source": "override"}
    assert document["secret_key"]["source"] == config_file
    assert document["secret_key"]["value"].startswith("****")
    assert cli.emulator.secret_key not in json.dumps(document)


# -- --json documents ------------------------------------------------------------------


def test_json_documents_golden(cli: Cli) -> None:
    (cli.workdir / "hello.txt").write_bytes(HELLO)
    seed(cli.emulator, "e2e", {"gold/a.txt": HELLO})

    def golden(*args: str) -> list[Any]:
        documents = cli.json(*args)
        for document in documents:
            if document.get("request_id") is not None:
                assert re.fullmatch(r"[0-9a-f]{16,}", document["request_id"])
        return [normalize(document, VOLATILE) for document in documents]

    assert golden("stat", "wcs://e2e/gold/a.txt") == [
        {
            "bucket": "e2e", "key": "gold/a.txt", "size": 10, "hash": HELLO_ETAG,
            "mime_type": "text/plain", "put_time_ms": "<put time>", "expiration_date": None,
            "storage_class": "Standard", "request_id": "<request id>",
        }
    ]  # fmt: skip
    assert golden("put", "wcs://e2e/gold/b.txt", "hello.txt") == [
        {
            "bucket": "e2e", "key": "gold/b.txt", "hash": HELLO_ETAG, "size": 10,
            "request_id": "<request id>", "body": {"hash": HELLO_ETAG, "key": "gold/b.txt"},
            "redirect": None, "verified": True, "source": "hello.txt",
        }
    ]  # fmt: skip
    item = {
        "size": 10, "hash": HELLO_ETAG, "mime_type": "text/plain", "put_time_ms": "<put time>",
        "expiration_date": None, "storage_class": "Standard", "request_id": None,
    }  # fmt: skip
    assert golden("list", "wcs://e2e", "--prefix", "gold/") == [
        {"key": "gold/a.txt", **item},
        {"key": "gold/b.txt", **item},
    ]
    assert golden("listbucket") == [
        {"name": "e2e", "created": "<created>"},
        {"name": "other", "created": "<created>"},
    ]
    assert golden("deletePrefix", "wcs://e2e", "gold/") == [
        {"persistent_id": "<job id>", "request_id": "<request id>"}
    ]
    # The id at once, then the job's end.
    submitted, waited = cli.json("deletePrefix", "wcs://e2e", "gold/", "--wait")
    assert submitted["persistent_id"] == waited["id"]
    assert set(submitted) == {"persistent_id", "request_id"}
    cmd = f"bucket/{urlsafe_b64encode('e2e')}/prefix/{urlsafe_b64encode('gold/')}"
    status = {
        "id": "<job id>", "code": 3, "desc": "fileOperateFinished",
        "items": [
            {
                "cmd": cmd, "code": 3, "desc": "fileOperateSucceed", "error": None,
                "key": None, "hash": None, "size": None, "url": None,
            }
        ],
        "input_bucket": None, "input_key": None, "request_id": "<request id>",
        "raw": {
            "id": "<job id>", "code": 3, "desc": "fileOperateFinished", "separate": 0,
            "items": [{"cmd": cmd, "code": 3, "desc": "fileOperateSucceed", "error": None}],
        },
        "state": "DONE", "finished": True, "succeeded": True,
    }  # fmt: skip
    assert normalize(waited, VOLATILE) == status
    assert golden("fmgrStatus", waited["id"]) == [status]


# -- drop-in for the original ----------------------------------------------------------


def test_wcscmd_is_the_same_program(cli: Cli) -> None:
    seed(cli.emulator, "e2e", {"same/a.txt": HELLO})
    commands = (
        ("--json", "stat", "wcs://e2e/same/a.txt"),
        ("--json", "listbucket"),
        ("--help",),
        ("stat", "photos/x"),
        (),  # no command: the help, as the original printed it
    )
    ours = cli.run_many(*commands)
    theirs = cli.run_many(*commands, program="wcscmd")
    for command, mine, original in zip(commands[:2], ours[:2], theirs[:2], strict=True):
        assert_ok(original)
        assert normalize(json_lines(mine.stdout), VOLATILE) == normalize(
            json_lines(original.stdout), VOLATILE
        ), command
    assert theirs[2].stdout == ours[2].stdout.replace("Usage: wcs-ext", "Usage: wcscmd")
    assert assert_ok(theirs[4]).stdout == theirs[2].stdout
    assert_one_line_error(theirs[3], 2, "wcs://")
    assert theirs[3].stderr == ours[3].stderr
    assert cli.ok("--version", program="wcscmd").stdout.startswith("wcscmd ")


def test_the_originals_documented_command_lines(cli: Cli) -> None:
    """README and wire-examples §6 lines, with ~/.wcscfg as the original reads it; each
    must succeed. BUCKET is e2e, BUCKET2 other; keys under orig/. Lines that do not
    depend on each other run at the same time."""
    (cli.workdir / ".wcscfg").write_bytes(cli.config.read_bytes())
    (cli.workdir / "hello.txt").write_bytes(HELLO)
    (cli.workdir / "localPath").write_bytes(b"local path\n")
    url = cli.emulator.url_of("e2e", "orig/hello.txt")
    seed(cli.emulator, "e2e", {"orig-list/a": b"a", "orig-list/b": b"b", "orig-list/c": b"c"})
    seed(cli.emulator, "other", {"orig/to-move.txt": b"m", "orig/to-delete.txt": b"d"})
    with cli.emulator.client() as wcs:
        second_page = wcs.list_objects("e2e", prefix="orig-list/", limit=1).marker
    hello_marker = urlsafe_b64encode("orig/hello.txt")
    waves = [
        [
            "listbucket",
            "put wcs://e2e/orig/hello.txt hello.txt",
            "put wcs://other hello.txt",
            "multiput wcs://e2e/orig/nine.bin hello.txt",
            "put wcs://e2e/OBJECT localPath --overwrite 1",
            "multiput wcs://e2e/OBJECT2 localPath --upload-id 3IL3ce3kR6kDf4sihxh0LcWUpzTYEKFf",
            f"list wcs://e2e ./result --limit 4 --marker {second_page}",
            "mv wcs://other/orig/to-move.txt wcs://other/orig/moved.txt",
            "del wcs://other/orig/to-delete.txt",
            "crc64 hello.txt",
            "--startdate 2026-01-01 --enddate 2026-01-02 bucketstat e2e",
            "deletePrefix wcs://e2e test-prefix",
            "--debug=1 listbucket",
            "--debug 1 listbucket",
            "--dump-config",
        ],
        [
            "stat wcs://e2e/orig/nine.bin",
            "--limit 2 --prefix orig/ list wcs://e2e list.txt",
            f"--limit 2 --mode 0 --marker {hello_marker} list wcs://e2e l2.txt",
            "--limit 2 listall wcs://e2e listall.txt",
            "cp wcs://e2e/orig/hello.txt wcs://other/orig/hello-copy.txt",
            "setdeadline wcs://e2e/orig/hello.txt 5",
            "fops wcs://e2e/orig/hello.txt avthumb/mp4",
            f"get {url} got.txt",
            "setdeadline wcs://e2e/OBJECT 3",
            "--debug=1 stat wcs://e2e/OBJECT",
            "stat wcs://e2e/OBJECT --debug 1",
            "--overwrite 1 --deadline 60 --traffic_limit 1000000 "
            "put wcs://e2e/orig/hello.txt hello.txt",
        ],
        [f"get {url}", "setdeadline wcs://e2e/OBJECT '\"-1\"'", "deletePrefix wcs://other orig/"],
    ]
    outputs = {}
    for wave in waves:
        commands = [[arg.replace("'", "") for arg in line.split()] for line in wave]
        results = cli.run_many(*commands, program="wcscmd", with_config=False)
        for line, result in zip(wave, results, strict=True):
            assert result.returncode == 0, f"wcscmd {line}\n{describe(result)}"
            assert "Traceback" not in result.stderr
            outputs[line] = result
    assert (cli.workdir / "got.txt").read_bytes() == HELLO
    assert (cli.workdir / "hello.txt").read_bytes() == HELLO  # `get URL`: the same name
    assert json.loads((cli.workdir / "result").read_text())["items"][0]["key"] == "orig-list/b"
    assert [i["key"] for i in json.loads((cli.workdir / "list.txt").read_text())["items"]] == [
        "orig/hello.txt", "orig/nine.bin",
    ]  # fmt: skip
    assert len(json_lines((cli.workdir / "listall.txt").read_text())) >= 2
    assert not stat_of(cli.emulator, "e2e", "OBJECT").expiration_date
    fmgr = re.match(r"persistentId: (\S+)", outputs["deletePrefix wcs://other orig/"].stdout)
    fops = re.match(r"persistentId: (\S+)", outputs[waves[1][6]].stdout)
    assert fmgr
    assert fops
    statuses = cli.run_many(
        ("fmgrStatus", fmgr[1]), ("fopsStatus", fops[1]), program="wcscmd", with_config=False
    )
    for status in statuses:
        assert_ok(status)


# -- progress and Ctrl-C ---------------------------------------------------------------


def test_progress_bar_only_on_a_terminal_or_when_asked(cli: Cli) -> None:
    (cli.workdir / "five.bin").write_bytes(random_bytes(5 * MiB, 5))
    options = ("", "--quiet", "--json", "--no-progress")
    with ThreadPoolExecutor(max_workers=4) as pool:
        on_terminal = list(
            pool.map(
                lambda i: cli.run_on_terminal(
                    *filter(None, [options[i]]), "multiput", f"wcs://e2e/prog/{i}.bin", "five.bin"
                ),
                range(len(options)),
            )
        )
    code, out, err = on_terminal[0]
    assert code == 0, err
    assert out.startswith("uploaded five.bin to wcs://e2e/prog/0.bin")
    assert "five.bin" in err  # the bar, drawn on the terminal
    assert "5.0 MiB" in err
    for option, (code, out, err) in zip(options[1:], on_terminal[1:], strict=True):
        assert (code, err) == (0, ""), option
        assert (out == "") == (option == "--quiet"), option

    # No terminal: results only, unless --progress asks for lines.
    url = cli.emulator.url_of("e2e", "prog/0.bin")
    plain, logged, json_get = cli.run_many(
        ("multiput", "wcs://e2e/prog/5.bin", "five.bin"),
        ("--progress", "put", "wcs://e2e/prog/6.bin", "five.bin"),
        ("--json", "--progress", "get", url),
    )
    assert assert_ok(plain).stderr == ""
    lines = assert_ok(logged).stderr.splitlines()
    assert lines[-1].startswith("five.bin: 100% (5.0 MiB of 5.0 MiB, ")
    assert all(line.startswith("five.bin: ") for line in lines)
    assert logged.stdout.startswith("uploaded five.bin")
    assert assert_ok(json_get).stderr == ""
    assert json_lines(json_get.stdout)[0]["size"] == 5 * MiB


def test_ctrl_c_keeps_the_record_and_the_same_command_finishes(cli: Cli, tmp_path: Path) -> None:
    # Chunks of 16 KiB one at a time: hundreds of requests, so Ctrl-C lands mid-upload.
    data = random_bytes(4 * MiB + 4096, 130)
    (cli.workdir / "big.bin").write_bytes(data)
    records = tmp_path / "slow-records"
    config = cli.write_config(
        "slow.cfg",
        bput_size=16 * 1024,
        concurrency=1,
        max_concurrency=1,
        tmp_record_folder=records,
    )
    command = ("multiput", "wcs://e2e/ctrl-c/big.bin", "big.bin", "--upload-id", "ctrl-c")
    record = records / "ctrl-c.json"

    process = cli.popen(*command, config=config)
    try:
        wait_until(lambda: record.exists() or process.poll() is not None, timeout=30)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, f"stdout: {stdout}\nstderr: {stderr}"
    assert stdout == ""
    assert stderr == "interrupted: run the same command again to continue the upload\n"
    blocks = read_record(record)[1].values()
    assert 0 < sum(block.acked for block in blocks) < len(data)
    # Whole chunks of the config's bput_size (or a whole short block).
    assert all(b.acked % (16 * 1024) == 0 or b.acked == b.size for b in blocks)

    rerun = cli.ok(*command, config=config)
    assert rerun.stdout.endswith(f"hash {etag_file(cli.workdir / 'big.bin')})\n")
    complete = sum(block.complete for block in blocks)
    assert rerun.stderr == f"resuming upload ctrl-c: {complete} of 2 blocks already stored\n"
    assert not record.exists()
    [info] = cli.json("stat", "wcs://e2e/ctrl-c/big.bin")
    assert (info["size"], info["hash"]) == (len(data), etag_bytes(data))
