"""Concurrency, end to end: the real CLI in subprocesses against the real emulator.

Eight uploads at once (simple and multipart, some sharing a resume-record folder); four
uploads racing on one key, with and without ``--overwrite 1``; downloads of a key that
is overwritten again and again meanwhile; two downloads to one file at once. Sizes and
contents come from a seeded ``random.Random``; the assertions are about what is stored
and what is kept, never about how long anything took.
"""

from __future__ import annotations

import itertools
import json
import random
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.cli_helpers import (  # noqa: F401  (the cli fixture)
    Cli,
    Result,
    assert_ok,
    assert_one_line_error,
    cli,
    describe,
)
from tests.conftest import EmulatorProcess
from tests.hostile_server import (
    HostileServer,
    Paced,
    hostile,  # noqa: F401  (fixture)
)
from wcs_ext import etag_bytes, etag_file

SEED = 20_260_311
KiB, MiB = 1024, 1024 * 1024
BUCKET = "e2e"
CHUNK = 64 * KiB
"""bput_size of these tests: a multipart upload of a few hundred KiB has several chunks."""


def at_once(cli: Cli, commands: Sequence[tuple[Sequence[str], Path]]) -> list[Result]:
    """Every ``(args, config)`` started together, each in its own process."""
    with ThreadPoolExecutor(max_workers=len(commands)) as pool:
        runs = [pool.submit(cli.run, *args, config=config) for args, config in commands]
        return [run.result() for run in runs]


def stored(emulator: EmulatorProcess, key: str) -> tuple[str | None, bytes]:
    """The stored object's hash (stat) and bytes (a download)."""
    with emulator.client() as wcs:
        info = wcs.stat(BUCKET, key)
        path = emulator.data_dir.with_name("stored.bin")
        wcs.download(emulator.url_of(BUCKET, key), path, resume=False)
    data = path.read_bytes()
    path.unlink()
    return info.hash, data


def leftovers(*folders: Path) -> list[str]:
    """Whatever is in the record folders: resume records, temporary files."""
    return sorted(str(p) for folder in folders if folder.exists() for p in folder.iterdir())


def write_files(folder: Path, rng: random.Random, sizes: Sequence[int]) -> list[bytes]:
    datas = [rng.randbytes(size) for size in sizes]
    for n, data in enumerate(datas):
        (folder / f"in-{n}.bin").write_bytes(data)
    return datas


def test_eight_uploads_at_once_store_every_object_whole(cli: Cli, tmp_path: Path) -> None:
    rng = random.Random(SEED)
    shared, own = tmp_path / "shared-records", tmp_path / "own-records"
    shared_config = cli.write_config("shared.cfg", bput_size=CHUNK, tmp_record_folder=shared)
    own_config = cli.write_config("own.cfg", bput_size=CHUNK, tmp_record_folder=own)
    # (command, size): simple uploads below the multipart threshold (4 MiB), multiput
    # of a few chunks, and one put above the threshold (two blocks).
    plan = [("put", rng.randrange(0, 300 * KiB)) for _ in range(3)]
    plan += [("multiput", rng.randrange(CHUNK + 1, 600 * KiB)) for _ in range(4)]
    plan += [("put", 4 * MiB + rng.randrange(1, 256 * KiB))]
    datas = write_files(cli.workdir, rng, [size for _, size in plan])
    keys = [f"conc/eight/{n}-{command}.bin" for n, (command, _) in enumerate(plan)]
    commands = [
        (
            (command, f"wcs://{BUCKET}/{key}", f"in-{n}.bin"),
            own_config if n in (1, 5) else shared_config,
        )
        for n, ((command, _), key) in enumerate(zip(plan, keys, strict=True))
    ]

    results = at_once(cli, commands)

    for n, result in enumerate(results):
        assert_ok(result)
        assert result.stdout.startswith(f"uploaded in-{n}.bin to wcs://{BUCKET}/{keys[n]} ")
    for key, data in zip(keys, datas, strict=True):
        assert stored(cli.emulator, key) == (etag_bytes(data), data), key
    assert leftovers(shared, own) == []


CONFLICT = "file exists"


@pytest.mark.parametrize("overwrite", [0, 1], ids=["overwrite-0", "overwrite-1"])
def test_four_uploads_racing_on_one_key_leave_one_of_them_whole(
    cli: Cli, tmp_path: Path, overwrite: int
) -> None:
    rng = random.Random(SEED + overwrite)
    records = tmp_path / "race-records"
    config = cli.write_config(
        "race.cfg", bput_size=CHUNK, tmp_record_folder=records, overwrite=overwrite
    )
    sizes = [rng.randrange(1, 200 * KiB), rng.randrange(CHUNK + 1, 500 * KiB)]
    sizes += [rng.randrange(CHUNK + 1, 700 * KiB), 4 * MiB + rng.randrange(1, 128 * KiB)]
    datas = write_files(cli.workdir, rng, sizes)
    commands = ("put", "multiput", "multiput", "put")
    for round_ in range(2):
        key = f"conc/race-{overwrite}/{round_}.bin"
        results = at_once(
            cli,
            [
                ((command, f"wcs://{BUCKET}/{key}", f"in-{n}.bin"), config)
                for n, command in enumerate(commands)
            ],
        )

        winners = [n for n, result in enumerate(results) if result.returncode == 0]
        for n, result in enumerate(results):
            if n in winners:
                assert_ok(result)
            else:  # a conflict is the only way to lose, and only without overwrite
                assert overwrite == 0, describe(result)
                assert_one_line_error(result, 1, key, CONFLICT, request_id=True)
        if overwrite:
            assert winners == [0, 1, 2, 3]
        else:
            assert len(winners) == 1, [describe(result) for result in results]
        hash_, data = stored(cli.emulator, key)
        assert data in datas, f"{len(data)} bytes stored: not one of the inputs"
        assert hash_ == etag_bytes(data)
        if not overwrite:
            assert data == datas[winners[0]]
        assert leftovers(records) == []  # no winner or loser left a record behind


def test_downloads_during_overwrites_keep_one_version_whole(cli: Cli, tmp_path: Path) -> None:
    rng = random.Random(SEED)
    versions = [rng.randbytes(MiB + rng.randrange(0, 64 * KiB)) for _ in range(4)]
    etags = {etag_bytes(version) for version in versions}
    key = "conc/overwritten.bin"
    url = cli.emulator.url_of(BUCKET, key)
    readers, reads = 2, 4
    done = threading.Event()
    overwrites: list[int] = []
    failures: list[str] = []

    def overwrite() -> None:
        with cli.emulator.client(overwrite=1) as wcs:
            for n in itertools.count():
                if done.is_set() or n >= 500:  # readers done, or a bound in any case
                    return
                try:
                    wcs.stream_upload([versions[n % len(versions)]], BUCKET, key)
                except Exception as exc:  # the test reports it
                    failures.append(f"overwrite {n}: {exc!r}")
                    return
                overwrites.append(n)

    def read(reader: int) -> list[tuple[Result, Path]]:
        runs = []
        for n in range(reads):
            dest = cli.workdir / f"r{reader}-{n}.bin"
            runs.append((cli.run("--json", "get", url, dest.name), dest))
        return runs

    with cli.emulator.client() as wcs:
        wcs.stream_upload([versions[-1]], BUCKET, key)
    writer = threading.Thread(target=overwrite)
    writer.start()
    try:
        with ThreadPoolExecutor(max_workers=readers) as pool:
            runs = [run for runs in pool.map(read, range(readers)) for run in runs]
    finally:
        done.set()
        writer.join(60)
    assert not writer.is_alive()
    assert not failures, failures
    assert overwrites, "no overwrite happened"
    for result, dest in runs:
        assert_ok(result)
        [document] = [json.loads(line) for line in result.stdout.splitlines()]
        kept = dest.read_bytes()
        assert kept in versions, f"{dest.name}: {len(kept)} bytes, not one version whole"
        assert etag_file(dest) == document["hash"]
        assert document["hash"] in etags
    assert [p.name for p in cli.workdir.iterdir() if ".wcs-part" in p.name] == []


BUSY = "another download to same.bin is running"


def check_pair(results: Sequence[Result], dest: Path, data: bytes) -> None:
    """One download succeeded; the other did too, or failed cleanly as busy; the file
    is the object whole, with nothing beside it."""
    assert any(result.returncode == 0 for result in results), [describe(r) for r in results]
    for result in results:
        if result.returncode == 0:
            assert_ok(result)
            assert result.stdout.startswith("saved same.bin ")
        else:
            assert_one_line_error(result, 2, BUSY)
    assert dest.read_bytes() == data
    assert sorted(p.name for p in dest.parent.iterdir()) == ["same.bin"]


def test_two_downloads_to_one_file_at_once_from_a_slow_server(
    cli: Cli, tmp_path: Path, hostile: HostileServer
) -> None:
    # 1 MiB in slices of 32 KiB every 50 ms: the second starts while the first runs.
    data = random.Random(SEED).randbytes(MiB)
    url = hostile.script("/slow/same.bin", [Paced(data, slice=32 * KiB, interval=0.05)])
    folder = tmp_path / "downloads"
    folder.mkdir()

    results = cli.run_many(("get", url, "same.bin"), ("get", url, "same.bin"), cwd=folder)

    check_pair(results, folder / "same.bin", data)


def test_two_downloads_to_one_file_at_once_from_the_emulator(cli: Cli, tmp_path: Path) -> None:
    rng = random.Random(SEED)
    for round_ in range(3):
        data = rng.randbytes(2 * MiB + rng.randrange(0, 64 * KiB))
        key = f"conc/same-{round_}.bin"
        with cli.emulator.client() as wcs:
            wcs.stream_upload([data], BUCKET, key)
        folder = tmp_path / f"downloads-{round_}"
        folder.mkdir()
        url = cli.emulator.url_of(BUCKET, key)

        results = cli.run_many(("get", url, "same.bin"), ("get", url, "same.bin"), cwd=folder)

        check_pair(results, folder / "same.bin", data)
