"""The crash suite: a process SIGKILLed at seeded points of an upload or a download, and
the emulator SIGKILLed under a running upload; every rerun ends byte-identical and
sends again only what was not acknowledged.

The kills are not timed: the child (``tests/crash_child.py``) dies at the n-th request
of a step, at a phase of it (before sending, halfway, once the server answered, once
the answer was checked but not recorded, once recorded, with its record line half
written), or after n bytes of a download. Which request is seeded (:data:`SEED`). The
child sends one block at a time unless the point says otherwise, so the resume record
it leaves is known exactly; each rerun is counted request by request.
"""

from __future__ import annotations

import io
import random
from pathlib import Path
from typing import Any

import pytest

from tests.cli_helpers import clean_env, config_text
from tests.conftest import EmulatorFactory, EmulatorProcess
from tests.crash_helpers import (
    BLOCK,
    CHUNK,
    CHUNKS,
    REQUIRED_POINTS,
    SIZE,
    Counting,
    EmulatorCrasher,
    MiB,
    UploadPoint,
    acked_chunks,
    child_settings,
    killed,
    logged,
    recorded_blocks,
    run_child,
    upload_points,
)
from wcs_ext import RetryPolicy, Wcs, WcsError, WcsNotFoundError, etag_file

SEED = 20260311
POINTS = upload_points(SEED)
FAST = RetryPolicy(max_retries=3, initial_delay=0.01, max_delay=0.05)


def seeded_file(path: Path, size: int, seed: int) -> Path:
    path.write_bytes(random.Random(seed).randbytes(size))
    return path


def client(emulator: EmulatorProcess, records: Path, transport: Counting, **more: object) -> Wcs:
    settings = {"block_size": BLOCK, "bput_size": CHUNK, "tmp_record_folder": str(records)}
    return Wcs(emulator.config(**settings | more), transport=transport, retry=FAST)


def stored(emulator: EmulatorProcess, key: str) -> str | None:
    """The stored hash of ``e2e:key``, or None."""
    with emulator.client() as wcs:
        try:
            return wcs.stat("e2e", key).hash
        except WcsNotFoundError:
            return None


def assert_stored(emulator: EmulatorProcess, key: str, local: Path) -> None:
    """The object is the local file, byte for byte (downloaded back), and its etag."""
    assert stored(emulator, key) == etag_file(local)
    back = local.with_name("back.bin")
    with emulator.client() as wcs:
        wcs.download(emulator.url_of("e2e", key), back)
    assert back.read_bytes() == local.read_bytes()
    back.unlink()


def test_the_seeded_points_cover_every_step_and_phase() -> None:
    assert len(POINTS) >= 10
    covered = {(point.verb, point.phase) for point in POINTS}
    assert covered >= set(REQUIRED_POINTS)
    assert {("mkfile", "before-send"), ("mkfile", "server-done")} <= covered
    assert any(point.cli for point in POINTS)
    assert upload_points(SEED) == POINTS  # the same points on every run


@pytest.mark.parametrize("point", POINTS, ids=str)
def test_killed_upload_reruns_byte_identical_sending_only_what_was_not_acknowledged(
    emulator: EmulatorProcess, tmp_path: Path, point: UploadPoint
) -> None:
    local = seeded_file(tmp_path / "f.bin", SIZE, SEED + len(str(point)))
    records, log = tmp_path / "records", tmp_path / "requests.jsonl"
    key = f"crash/{point}.bin"
    kill = {"verb": point.verb, "nth": point.nth, "phase": point.phase}
    plan: dict[str, Any]
    env: dict[str, str] | None = None
    if point.cli:  # `wcs-ext put`, as its console script runs it
        config = tmp_path / "wcscfg"
        config.touch(mode=0o600)
        more = {"block_size": BLOCK, "bput_size": CHUNK, "concurrency": 1}
        config.write_text(config_text(emulator, tmp_record_folder=records, **more))
        args = ["-c", str(config), "put", f"wcs://e2e/{key}", str(local)]
        plan, env = {"mode": "cli", "args": args}, clean_env(tmp_path)
    else:
        settings = child_settings(emulator, records, concurrency=point.concurrency)
        plan = {"mode": "upload", "settings": settings, "args": [str(local), "e2e", key]}
    child = run_child(plan | {"kill": kill, "log": str(log)}, env)
    assert killed(child), child.stderr

    acked = acked_chunks(recorded_blocks(records))
    if point.concurrency == 1:
        assert acked == point.acked_at_kill()
    else:
        assert acked < CHUNKS
    assert (stored(emulator, key) is not None) == point.server_stored_it

    if point.cli:  # the same command again, counted the same way
        rerun = run_child(plan | {"kill": None, "log": str(tmp_path / "rerun.jsonl")}, env)
        assert rerun.returncode == 0, rerun.stderr
        verbs = [line["verb"] for line in logged(tmp_path / "rerun.jsonl")]
        sent, mkfiles = verbs.count("mkblk") + verbs.count("bput"), verbs.count("mkfile")
    else:
        counted = Counting()
        with client(emulator, records, counted, concurrency=2) as wcs:
            assert wcs.multipart_upload(local, "e2e", key).hash == etag_file(local)
        sent, mkfiles = counted.count("mkblk", "bput"), counted.count("mkfile")
    # A chunk the server took but the record did not hold (server-done, unrecorded,
    # torn) is sent again: it is in CHUNKS - acked.
    assert sent == CHUNKS - acked
    assert mkfiles == 1
    assert_stored(emulator, key, local)
    assert recorded_blocks(records) == {}  # the record is gone after success


DOWNLOAD_SIZE = 6 * MiB + 5


def download_points(seed: int) -> list[tuple[int, bool]]:
    """(bytes written when the child dies, through the CLI?)."""
    rng = random.Random(seed)
    low, high = MiB // 2, DOWNLOAD_SIZE - MiB // 2
    return [(rng.randint(low, high), False) for _ in range(3)] + [(rng.randint(low, high), True)]


@pytest.fixture(scope="module")
def remote(emulator: EmulatorProcess, tmp_path_factory: pytest.TempPathFactory) -> Path:
    local = seeded_file(tmp_path_factory.mktemp("crash") / "remote.bin", DOWNLOAD_SIZE, SEED)
    with emulator.client() as wcs:
        wcs.upload_file(local, "e2e", "crash/remote.bin")
    return local


@pytest.mark.parametrize(
    ("written", "cli"),
    [pytest.param(n, cli, id=f"{'cli-' if cli else ''}{n}B") for n, cli in download_points(SEED)],
)
def test_killed_download_reruns_byte_identical_asking_only_for_the_missing_bytes(
    emulator: EmulatorProcess, remote: Path, tmp_path: Path, written: int, cli: bool
) -> None:
    url = emulator.url_of("e2e", "crash/remote.bin")
    folder = tmp_path / "dl"
    folder.mkdir()
    target = folder / "got.bin"
    kill = {"bytes": written}
    if cli:
        config = tmp_path / "wcscfg"
        config.touch(mode=0o600)
        config.write_text(config_text(emulator))
        args = ["-c", str(config), "get", url, str(target)]
        plan = {"mode": "cli", "args": args, "kill": kill, "log": str(tmp_path / "log")}
        child = run_child(plan, clean_env(tmp_path))
    else:
        settings = child_settings(emulator, tmp_path / "records")
        plan = {"mode": "download", "settings": settings, "args": [url, str(target)]}
        child = run_child(plan | {"kill": kill, "log": str(tmp_path / "log")})
    assert killed(child), child.stderr
    assert not target.exists()  # nothing under the final name until it is complete
    kept = (folder / ".got.bin.wcs-part").stat().st_size
    # The child died once it had written `written` bytes or more; what it had not
    # flushed yet (less than a buffer) was lost with it.
    assert written - io.DEFAULT_BUFFER_SIZE < kept < DOWNLOAD_SIZE

    counted = Counting()
    with client(emulator, tmp_path / "records", counted) as wcs:
        result = wcs.download(url, target)
    assert result.resumed_from == kept
    [(_, asked, status, answered)] = counted.seen
    assert (asked, status) == (f"bytes={kept}-", 206)
    assert answered == f"bytes {kept}-{DOWNLOAD_SIZE - 1}/{DOWNLOAD_SIZE}"
    assert target.read_bytes() == remote.read_bytes()
    assert result.hash == etag_file(remote)
    assert sorted(p.name for p in folder.iterdir()) == ["got.bin"]  # no partial, meta, lock


EMULATOR_POINTS = [
    # (verb, nth, phase): the emulator must keep what it acknowledged, and a retry
    # reaches the restarted one.
    ("mkblk", 2, "after-answer"),
    ("bput", 2, "after-answer"),
    ("bput", 7, "after-answer"),  # every block done: mkfile needs them all from disk
    ("bput", 4, "before-send"),
    ("bput", 5, "mid-send"),
    ("mkblk", 3, "mid-send"),
    ("mkfile", 1, "answer-lost"),  # stored, then died: the retry gets the same answer
]


@pytest.fixture(scope="module")
def restartable(emulator_factory: EmulatorFactory) -> EmulatorProcess:
    return emulator_factory()


@pytest.mark.parametrize(("verb", "nth", "phase"), EMULATOR_POINTS, ids=str)
def test_emulator_killed_mid_upload_keeps_what_it_acknowledged(
    restartable: EmulatorProcess, tmp_path: Path, verb: str, nth: int, phase: str
) -> None:
    local = seeded_file(tmp_path / "f.bin", SIZE, SEED + nth)
    key = f"emulator-crash/{verb}{nth}-{phase}.bin"
    crasher = EmulatorCrasher(restartable, verb, nth, phase)
    with client(restartable, tmp_path / "records", crasher, concurrency=1) as wcs:
        assert wcs.multipart_upload(local, "e2e", key).hash == etag_file(local)
    assert not crasher.down
    # Each chunk was answered once: nothing acknowledged had to be sent again.
    assert crasher.count("mkblk", "bput", status=200) == CHUNKS
    assert crasher.count("mkfile", status=200) == 1
    assert len(crasher.failed) == (phase != "after-answer")
    assert_stored(restartable, key, local)
    assert recorded_blocks(tmp_path / "records") == {}


def test_emulator_killed_under_an_upload_that_gives_up_the_rerun_sends_the_rest(
    restartable: EmulatorProcess, tmp_path: Path
) -> None:
    local = seeded_file(tmp_path / "f.bin", SIZE, SEED)
    key, records = "emulator-crash/rerun.bin", tmp_path / "records"
    nth = random.Random(SEED).randint(2, 7)
    crasher = EmulatorCrasher(restartable, "bput", nth, "before-send", restart_later=True)
    no_retries = {"mkblk_retries": 0, "bput_retries": 0, "mkfile_retries": 0}
    with (
        client(restartable, records, crasher, concurrency=1, **no_retries) as wcs,
        pytest.raises(WcsError),
    ):
        wcs.multipart_upload(local, "e2e", key)
    acked = acked_chunks(recorded_blocks(records))
    assert acked == UploadPoint("bput", "before-send", nth).acked_at_kill()
    crasher.restart()
    counted = Counting()
    with client(restartable, records, counted, concurrency=2) as wcs:
        assert wcs.multipart_upload(local, "e2e", key).hash == etag_file(local)
    assert counted.count("mkblk", "bput") == CHUNKS - acked
    assert_stored(restartable, key, local)
    assert recorded_blocks(records) == {}


def test_an_upload_killed_twice_resumes_from_both_records(
    emulator: EmulatorProcess, tmp_path: Path
) -> None:
    """A torn record line, then a kill in the rerun: the third run still sends only
    what neither run got acknowledged."""
    local = seeded_file(tmp_path / "f.bin", SIZE, SEED - 1)
    records, key = tmp_path / "records", "crash/twice.bin"
    settings = child_settings(emulator, records, concurrency=1)
    plan = {"mode": "upload", "settings": settings, "args": [str(local), "e2e", key]}
    rng = random.Random(SEED)
    first = UploadPoint("bput", "torn", rng.randint(1, 3))  # in block 0
    second = UploadPoint("bput", "server-done", rng.randint(2, 4))  # in blocks 1 and 2
    done = 0
    for point in (first, second):
        kill = {"verb": point.verb, "nth": point.nth, "phase": point.phase}
        assert killed(run_child(plan | {"kill": kill, "log": str(tmp_path / "log")}))
        assert acked_chunks(recorded_blocks(records)) == point.acked_at_kill(done)
        done = point.acked_at_kill(done)
    counted = Counting()
    with client(emulator, records, counted) as wcs:
        assert wcs.multipart_upload(local, "e2e", key).hash == etag_file(local)
    assert counted.count("mkblk", "bput") == CHUNKS - done
    assert_stored(emulator, key, local)
    assert recorded_blocks(records) == {}


CRASH_EMULATOR = Path(__file__).with_name("crash_emulator.py")


@pytest.mark.parametrize("step", ["after-store", "after-remember", "after-discard"])
def test_emulator_killed_inside_a_mkfile_answers_its_retry_with_nothing_resent(
    emulator_factory: EmulatorFactory, tmp_path: Path, step: str
) -> None:
    marker = tmp_path / "died"
    dying = emulator_factory(launcher=(str(CRASH_EMULATOR), step, str(marker)))
    local = seeded_file(tmp_path / "f.bin", SIZE, SEED + 7)
    key = f"emulator-crash/inside-{step}.bin"
    crasher = EmulatorCrasher(dying, "mkfile", 1, "dies-inside")
    with client(dying, tmp_path / "records", crasher, concurrency=1) as wcs:
        assert wcs.multipart_upload(local, "e2e", key).hash == etag_file(local)
    assert marker.exists()
    assert crasher.failed == ["mkfile"]  # the mkfile the emulator died in, then its retry
    assert crasher.count("mkblk", "bput", status=200) == CHUNKS
    assert crasher.count("mkfile", status=200) == 1
    assert_stored(dying, key, local)
    assert recorded_blocks(tmp_path / "records") == {}
