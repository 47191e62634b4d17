"""The ORIGINAL SDK (wcs-python3-sdk 5.0.36, from PyPI) as a foreign client of the emulator.

The original is the reference client: the emulator must serve it unchanged. It runs in a
virtualenv of its own (``tests/original_sdk.py``; built on first use, then cached), its
``Client`` driven by ``tests/interop/sdk_calls.py`` and its ``wcscmd`` run as
``python wcscmd -c CFG ...`` (the installed script has CRLF line ends). Nothing here is
skipped: if the virtualenv cannot be built, the tests fail with pip's output.

The checks are on results, not on "it answered 200": the SDK's own etag of each file
equals the hash the emulator reports, bytes the original uploaded read back equal with
wcs-ext and vice versa, ``bucket_listAll`` pages through every key, jobs do what they say.
"""

from __future__ import annotations

import ast
import base64
import json
import os
import re
from collections.abc import Callable, Iterator, Mapping
from operator import itemgetter
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EmulatorFactory, EmulatorProcess
from tests.original_sdk import OriginalSdk, ensure_original_sdk, write_wcscfg
from wcs_ext import Wcs, WcsNotFoundError
from wcs_ext.emulator.faults import FaultKind, FaultPlan
from wcs_ext.protocol.checksum import etag_file

MiB = 1024 * 1024
BUCKET, BUCKET2 = "orig", "orig2"
NINE = 9438208  # 2 full 4 MiB blocks + a short one, as in the wire captures
UNFINISHED = (0, 1)


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


def entry(bucket: str, key: str) -> str:
    return b64(f"{bucket}:{key}")


def status_of(result: Any) -> int:
    """The HTTP status of an SDK result ``[status, body, headers]``, failing clearly on
    anything else (an exception, an incomplete-multipart record dict)."""
    assert isinstance(result, list), result
    status = result[0]
    assert isinstance(status, int), result
    return status


def body_of(result: Any) -> Any:
    assert status_of(result) == 200, result
    return result[1]


# -- fixtures --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def original_sdk() -> OriginalSdk:
    # Built here (not skipped) so a broken build fails every test with pip's output.
    sdk = ensure_original_sdk()
    if sdk.build_seconds:
        print(f"\noriginal SDK virtualenv built in {sdk.build_seconds:.1f} s")
    return sdk


@pytest.fixture(scope="module")
def emu(emulator_factory: EmulatorFactory) -> EmulatorProcess:
    """An emulator of its own: list_buckets and listAll can then be checked exactly."""
    return emulator_factory(buckets=(BUCKET, BUCKET2))


CfgMaker = Callable[..., Path]


def sdk_settings(emulator: EmulatorProcess, **overrides: object) -> dict[str, object]:
    """The test .wcscfg of the wire captures, pointed at ``emulator``."""
    settings: dict[str, object] = {
        "access_key": emulator.access_key,
        "secret_key": emulator.secret_key,
        "put_url": emulator.put_url,
        "mgr_url": emulator.mgr_url,
        "block_size": 4 * MiB,
        "bput_size": 4 * MiB,
        "concurrency": 4,
        "connection_retries": 1,
        "connection_timeout": 15,
        "mkblk_retries": 3,
        "bput_retries": 3,
        "mkfile_retries": 3,
        "ishttps": False,
        "isverify": True,
        "keepalive": False,
        "limit": 1000,
        "mode": 3,
        "deadline": 7200,
        "traffic_limit": 0,
    }
    settings.update(overrides)
    return settings


@pytest.fixture(scope="module")
def make_cfg(emu: EmulatorProcess, tmp_path_factory: pytest.TempPathFactory) -> CfgMaker:
    folder = tmp_path_factory.mktemp("wcscfg")
    count = iter(range(1000))

    def make(**overrides: object) -> Path:
        path = folder / f"wcscfg-{next(count)}"
        return write_wcscfg(path, sdk_settings(emu, **overrides))

    return make


@pytest.fixture(scope="module")
def cfg(make_cfg: CfgMaker) -> Path:
    return make_cfg()


@pytest.fixture
def ours(emu: EmulatorProcess) -> Iterator[Wcs]:
    with emu.client(block_size=4 * MiB, bput_size=MiB) as client:
        yield client


def random_file(path: Path, size: int) -> Path:
    path.write_bytes(os.urandom(size))
    return path


def sdk_etags(sdk: OriginalSdk, *files: Path) -> list[str]:
    """Etags computed by the original's own tool: ``wcs_etag_cal etag FILE...`` prints
    the argument list, then the etags separated by spaces."""
    done = sdk.run([str(sdk.etag_cal), "etag", *map(str, files)])
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    etags = lines[-1].split()
    assert len(etags) == len(files), done.stdout
    return etags


def downloaded(client: Wcs, emulator: EmulatorProcess, bucket: str, key: str, dest: Path) -> bytes:
    client.download(emulator.url_of(bucket, key), dest)
    return dest.read_bytes()


# -- uploads ---------------------------------------------------------------------------


def test_original_uploads_are_stored_exactly(
    original_sdk: OriginalSdk,
    emu: EmulatorProcess,
    make_cfg: CfgMaker,
    cfg: Path,
    ours: Wcs,
    tmp_path: Path,
) -> None:
    hello = tmp_path / "hello.txt"
    hello.write_bytes(b"hello wcs\n")
    nine = random_file(tmp_path / "nine.bin", NINE)
    odd = random_file(tmp_path / "odd.bin", 5 * MiB + 12345)
    uploads = {
        "up/hello.txt": hello,
        "up/目录/文件 a+b.txt": hello,  # non-ASCII and reserved characters in the key
        "up/nine.bin": nine,  # multipart: one mkblk per 4 MiB block
        "up/nine-bput.bin": nine,  # multipart: mkblk + 3 bput per block
        "up/odd-bput.bin": odd,  # last block not a multiple of the chunk size
        "up/stream.txt": hello,  # stream_upload of up/hello.txt's download URL
    }
    answer = original_sdk.call(
        cfg,
        [
            {"method": "simple_upload", "args": [str(hello), BUCKET, "up/hello.txt"]},
            {"method": "simple_upload", "args": [str(hello), BUCKET, "up/目录/文件 a+b.txt"]},
            {"method": "multipart_upload", "args": [str(nine), BUCKET, "up/nine.bin"]},
            {
                "method": "stream_upload",
                "args": [emu.url_of(BUCKET, "up/hello.txt"), BUCKET, "up/stream.txt"],
            },
        ],
    )
    chunked = original_sdk.call(
        make_cfg(bput_size=MiB),
        [
            {"method": "multipart_upload", "args": [str(nine), BUCKET, "up/nine-bput.bin"]},
            {"method": "multipart_upload", "args": [str(odd), BUCKET, "up/odd-bput.bin"]},
        ],
    )
    results = answer["results"] + chunked["results"]
    assert [status_of(r) for r in results] == [200] * 6, results
    # simple upload answers raw text; multipart answers parsed JSON with the same fields.
    assert '"key":"up/hello.txt"' in results[0][1].replace(" ", "")
    assert results[2][1]["key"] == "up/nine.bin"

    etag_of = dict(zip([hello, nine, odd], sdk_etags(original_sdk, hello, nine, odd), strict=True))
    for path, etag in etag_of.items():
        assert etag == etag_file(path)  # the original's etag helper and ours agree
    stats = original_sdk.call(cfg, [{"method": "stat", "args": [BUCKET, k]} for k in uploads])
    for (key, path), result in zip(uploads.items(), stats["results"], strict=True):
        body = body_of(result)
        assert (body["hash"], body["fsize"]) == (etag_of[path], path.stat().st_size), key
        # Read back with wcs-ext: the bytes the original sent are the bytes stored.
        assert downloaded(ours, emu, BUCKET, key, tmp_path / "dl") == path.read_bytes(), key
        (tmp_path / "dl").unlink()


def test_original_reads_what_wcs_ext_uploaded(
    original_sdk: OriginalSdk, emu: EmulatorProcess, cfg: Path, ours: Wcs, tmp_path: Path
) -> None:
    nine = random_file(tmp_path / "nine.bin", NINE)
    small = random_file(tmp_path / "small.bin", 1000)
    ours.multipart_upload(nine, BUCKET, "ours/nine.bin")
    ours.simple_upload(small, BUCKET, "ours/small.bin")
    stats = original_sdk.call(
        cfg, [{"method": "stat", "args": [BUCKET, k]} for k in ("ours/nine.bin", "ours/small.bin")]
    )
    etags = sdk_etags(original_sdk, nine, small)
    assert [body_of(r)["hash"] for r in stats["results"]] == etags
    # Downloaded by the original (`wcscmd get`): the same bytes.
    wcscmd = original_sdk.find_wcscmd()
    done = original_sdk.run(
        [str(wcscmd), "-c", str(cfg), "get", emu.url_of(BUCKET, "ours/nine.bin"), "got.bin"],
        cwd=tmp_path,
    )
    assert "File saved successfully" in done.stderr, done.stderr
    assert (tmp_path / "got.bin").read_bytes() == nine.read_bytes()


def test_original_multipart_resumes_with_its_upload_id(
    original_sdk: OriginalSdk,
    emulator_factory: EmulatorFactory,
    tmp_path: Path,
) -> None:
    """A block fails (an injected 500 with no retries left): the original returns its
    records instead of a result; called again with that upload id it sends only the
    missing block, then mkfile with the ctxs of both runs."""
    rate = 0.3
    seed = resume_seed(rate)
    faulty = emulator_factory(
        buckets=(BUCKET,), extra_args=("--fault-rate", str(rate), "--fault-seed", str(seed))
    )
    settings = sdk_settings(
        faulty, concurrency=0, mkblk_retries=0, bput_retries=0, mkfile_retries=0
    )
    cfg = write_wcscfg(tmp_path / "wcscfg", settings)
    nine = random_file(tmp_path / "nine.bin", NINE)

    first = original_sdk.call(
        cfg, [{"method": "multipart_upload", "args": [str(nine), BUCKET, "resume/nine.bin"]}]
    )
    record = first["results"][0]
    assert isinstance(record, dict), record  # incomplete: its records, not a result
    records = [json.loads(text) for text in record["upload_record"]]
    blocks = sorted(records, key=itemgetter("offset"))
    assert [(b["offset"], b["code"]) for b in blocks] == [(0, 200), (4 * MiB, 200), (8 * MiB, 500)]
    upload_id = record["uploadBatch"]
    assert upload_id
    second = original_sdk.call(
        cfg,
        [{"method": "multipart_upload", "args": [str(nine), BUCKET, "resume/nine.bin", upload_id]}],
    )
    body = body_of(second["results"][0])
    assert body["hash"] == etag_file(nine)
    # Downloads are never faulted: read it back with wcs-ext.
    with faulty.client() as client:
        assert (
            downloaded(client, faulty, BUCKET, "resume/nine.bin", tmp_path / "dl")
            == nine.read_bytes()
        )
    assert "injecting error-500 into POST /mkblk/1049600/2" in faulty.stderr()


def resume_seed(rate: float) -> int:
    """A fault seed for the resume scenario. Faults are drawn per request in arrival
    order, and blocks go one at a time (concurrency 0): requests 1-2 (blocks 0 and 1)
    must pass, request 3 (block 2) must get a 500, and the resume's two requests (block 2
    again, then mkfile) must pass."""
    for seed in range(10_000):
        plan = FaultPlan(rate, seed)
        draws = [plan.next() for _ in range(5)]
        fault = draws.pop(2)
        if fault is not None and fault.kind is FaultKind.ERROR_500 and draws == [None] * 4:
            return seed
    raise AssertionError(f"no fault seed fits at rate {rate}")


# -- listing and object management -----------------------------------------------------


def test_original_lists_pages_and_buckets(
    original_sdk: OriginalSdk, cfg: Path, ours: Wcs, tmp_path: Path
) -> None:
    keys = [f"list/k{i:02d}" for i in range(7)] + ["list/sub/deep.txt"]
    small = random_file(tmp_path / "s.bin", 10)
    for key in keys:
        ours.simple_upload(small, BUCKET2, key)
    answer = original_sdk.call(
        cfg,
        [
            {"method": "list_buckets"},
            {
                "method": "bucket_listAll",
                "args": [BUCKET2],
                "kwargs": {"prefix": "list/", "limit": 3},
            },
            {"method": "bucket_list", "args": [BUCKET2], "kwargs": {"prefix": "list/", "limit": 3}},
            {
                "method": "bucket_list",
                "args": [BUCKET2],
                "kwargs": {"prefix": "list/", "limit": 3, "marker": {"$result": [2, 1, "marker"]}},
            },
            {"method": "bucket_stat", "args": [f"{BUCKET}|{BUCKET2}", "2026-01-01", "2026-01-02"]},
        ],
    )
    buckets, all_items, page1, page2, usage = answer["results"]
    assert sorted(b["name"] for b in body_of(buckets)["buckets"]) == [BUCKET, BUCKET2]
    # listAll follows the markers to the end and returns every key exactly once.
    assert sorted(item["key"] for item in body_of(all_items)["items"]) == sorted(keys)
    first, second = body_of(page1), body_of(page2)
    assert [i["key"] for i in first["items"]] == keys[:3]
    assert [i["key"] for i in second["items"]] == keys[3:6]
    assert first["marker"]
    assert second["marker"]
    assert [b["name"] for b in body_of(usage)["buckets"]] == [BUCKET, BUCKET2]


def test_original_manages_objects(
    original_sdk: OriginalSdk, cfg: Path, ours: Wcs, tmp_path: Path
) -> None:
    data = random_file(tmp_path / "obj.bin", 3000)
    for key in ("mgmt/a.bin", "mgmt/gone.bin", "mgmt/dead.bin"):
        ours.simple_upload(data, BUCKET, key)
    answer = original_sdk.call(
        cfg,
        [
            {"method": "stat", "args": [BUCKET, "mgmt/a.bin"]},
            {"method": "copy", "args": [BUCKET, "mgmt/a.bin", BUCKET2, "mgmt/a-copy.bin"]},
            {"method": "move", "args": [BUCKET, "mgmt/gone.bin", BUCKET2, "mgmt/moved.bin"]},
            {"method": "delete", "args": [BUCKET2, "mgmt/a-copy.bin"]},
            {"method": "setdeadline", "args": [BUCKET, "mgmt/a.bin", 3]},
            {"method": "setdeadline", "args": [BUCKET, "mgmt/dead.bin", 0]},
            {"method": "stat", "args": [BUCKET, "mgmt/missing.bin"]},
            {"method": "delete", "args": [BUCKET, "mgmt/missing.bin"]},
        ],
    )
    stat, copied, moved, deleted, deadline, expired, missing, delete_missing = answer["results"]
    assert body_of(stat)["hash"] == etag_file(data)
    for result in (copied, moved, deleted, deadline, expired):
        assert body_of(result)["code"] in ("200", 200), result
    assert status_of(missing) == 404, missing
    assert missing[1]["message"], missing
    assert status_of(delete_missing) == 404, delete_missing

    assert ours.stat(BUCKET2, "mgmt/moved.bin").hash == etag_file(data)
    for bucket, key in [
        (BUCKET, "mgmt/gone.bin"),  # moved away
        (BUCKET2, "mgmt/a-copy.bin"),  # copied, then deleted
        (BUCKET, "mgmt/dead.bin"),  # deadline 0: expired at once
    ]:
        with pytest.raises(WcsNotFoundError):
            ours.stat(bucket, key)
    assert ours.stat(BUCKET, "mgmt/a.bin").expiration_date


# -- jobs ------------------------------------------------------------------------------


def fmgr_calls(method: str, fops: str) -> list[Mapping[str, Any]]:
    """A submission, then its status polled until the job is finished."""
    persistent_id = {"$result": [0, 1, "persistentId"]}
    return [
        {"method": method, "args": [fops]},
        {"method": "fmgr_status", "args": [persistent_id], "poll": True},
    ]


def test_original_runs_fmgr_jobs(
    original_sdk: OriginalSdk, emu: EmulatorProcess, cfg: Path, ours: Wcs, tmp_path: Path
) -> None:
    data = random_file(tmp_path / "job.bin", 5000)
    for key in (
        "jobs/src.bin",
        "jobs/del.bin",
        "jobs/dir/x.bin",
        "jobs/dir/y.bin",
        "jobs/hls/s0.ts",
        "jobs/hls/s1.ts",
    ):
        ours.simple_upload(data, BUCKET, key)
    playlist = tmp_path / "index.m3u8"
    playlist.write_text("#EXTM3U\n#EXTINF:10,\ns0.ts\n#EXTINF:10,\ns1.ts\n#EXT-X-ENDLIST\n")
    ours.simple_upload(playlist, BUCKET, "jobs/hls/index.m3u8")

    src = entry(BUCKET, "jobs/src.bin")
    submissions = [
        ("fmgr_copy", f"resource/{src}/bucket/{b64(BUCKET2)}/key/{b64('jobs/copied.bin')}"),
        ("fmgr_move", f"resource/{src}/bucket/{b64(BUCKET2)}/key/{b64('jobs/moved.bin')}"),
        ("fmgr_delete", f"bucket/{b64(BUCKET)}/key/{b64('jobs/del.bin')}"),
        ("prefix_delete", f"bucket/{b64(BUCKET)}/prefix/{b64('jobs/dir')}"),
        (
            "fmgr_fetch",
            f"fetchURL/{b64(emu.url_of(BUCKET2, 'jobs/copied.bin'))}"
            f"/bucket/{b64(BUCKET)}/key/{b64('jobs/fetched.bin')}",
        ),
        ("m3u8_delete", f"bucket/{b64(BUCKET)}/key/{b64('jobs/hls/index.m3u8')}"),
    ]
    # One job at a time: fetch reads what copy wrote, and the jobs run in order anyway.
    for method, fops in submissions:
        submitted, status = original_sdk.call(cfg, fmgr_calls(method, fops))["results"]
        job = body_of(status)
        assert job["id"] == body_of(submitted)["persistentId"]
        assert job["code"] not in UNFINISHED, (method, job)
        assert [item["code"] for item in job["items"]] == [3], (method, job)

    assert ours.stat(BUCKET2, "jobs/copied.bin").hash == etag_file(data)
    assert ours.stat(BUCKET2, "jobs/moved.bin").hash == etag_file(data)
    assert ours.stat(BUCKET, "jobs/fetched.bin").hash == etag_file(data)
    for key in (
        "jobs/src.bin",
        "jobs/del.bin",
        "jobs/dir/x.bin",
        "jobs/dir/y.bin",
        "jobs/hls/index.m3u8",
        "jobs/hls/s0.ts",
        "jobs/hls/s1.ts",
    ):
        with pytest.raises(WcsNotFoundError):
            ours.stat(BUCKET, key)


def test_original_fops_and_live_recordings(
    original_sdk: OriginalSdk, cfg: Path, ours: Wcs, tmp_path: Path
) -> None:
    video = random_file(tmp_path / "v.mp4", 2000)
    ours.simple_upload(video, BUCKET, "fops/v.mp4")
    answer = original_sdk.call(
        cfg,
        [
            {"method": "ops_execute", "args": ["vframe/jpg/offset/1", BUCKET, "fops/v.mp4"]},
            {"method": "ops_status", "args": [{"$result": [0, 1, "persistentId"]}], "poll": True},
            {
                "method": "wslive_list",
                "args": ["channel", "20260101000000", "20260102000000", BUCKET],
            },
            {
                "method": "wslive_list",
                "args": ["channel", "20260101000000", "20260102000000", BUCKET, 1, 10],
            },
        ],
    )
    submitted, status, live, live_paged = answer["results"]
    job = body_of(status)
    assert job["id"] == body_of(submitted)["persistentId"]
    assert job["code"] not in UNFINISHED
    assert (job["inputbucket"], job["inputkey"]) == (BUCKET, "fops/v.mp4")
    # The emulator cannot process media: the command fails, reported per item.
    assert [item["code"] for item in job["items"]] == [2]
    assert job["items"][0]["error"]
    assert body_of(live)["items"] == []
    assert body_of(live_paged)["items"] == []


# -- wcscmd ----------------------------------------------------------------------------

_RESULT_LINE = re.compile(r" - DEBUG - \((-?\d+), ")


def wcscmd_statuses(stderr: str) -> list[int]:
    """The statuses of the result tuples wcscmd logs, ``(200, {...}, {'x-reqid': ...})``."""
    return [int(m.group(1)) for m in _RESULT_LINE.finditer(stderr)]


def test_original_wcscmd_command_lines(
    original_sdk: OriginalSdk, cfg: Path, tmp_path: Path
) -> None:
    wcscmd = original_sdk.find_wcscmd()
    hello = tmp_path / "hello.txt"
    hello.write_bytes(b"hello wcs\n")
    random_file(tmp_path / "nine.bin", NINE)

    def run(*args: str) -> str:
        done = original_sdk.run([str(wcscmd), "-c", str(cfg), *args], cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        return done.stderr

    assert wcscmd_statuses(run("listbucket")) == [200]
    assert wcscmd_statuses(run("put", f"wcs://{BUCKET}/cli/hello.txt", "hello.txt")) == [200]
    assert wcscmd_statuses(run("multiput", f"wcs://{BUCKET}/cli/nine.bin", "nine.bin")) == [200]
    stat = run("stat", f"wcs://{BUCKET}/cli/nine.bin")
    assert wcscmd_statuses(stat) == [200]
    assert f"'fsize': {NINE}" in stat
    assert etag_file(tmp_path / "nine.bin") in stat

    listed = run("--limit", "1", "--prefix", "cli/", "list", f"wcs://{BUCKET}", "list.txt")
    assert "Request result saved to" in listed, listed
    page = ast.literal_eval((tmp_path / "list.txt").read_text())
    assert [item["key"] for item in page["items"]] == ["cli/hello.txt"]
    assert page["marker"]
    run("--limit", "1", "--prefix", "cli/", "listall", f"wcs://{BUCKET}", "all.txt")
    pages = [ast.literal_eval(line) for line in (tmp_path / "all.txt").read_text().splitlines()]
    assert [item["key"] for p in pages for item in p["items"]] == ["cli/hello.txt", "cli/nine.bin"]

    assert wcscmd_statuses(run("setdeadline", f"wcs://{BUCKET}/cli/hello.txt", "5")) == [200]
    assert wcscmd_statuses(run("del", f"wcs://{BUCKET}/cli/hello.txt")) == [200]
    assert wcscmd_statuses(run("stat", f"wcs://{BUCKET}/cli/hello.txt")) == [404]
