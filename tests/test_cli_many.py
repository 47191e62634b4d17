"""Recursive ``put -r``/``get -r``, ``get wcs://B/KEY`` and batch ``del``/``cp``/``mv``
(``--from-file``, the failure file) as subprocesses against the emulator; the split of
a batch into several jobs through the library."""

from __future__ import annotations

import io

import pytest

from tests.cli_helpers import (  # noqa: F401  (the cli fixture)
    Cli,
    assert_one_line_error,
    cli,
    describe,
)
from tests.conftest import EmulatorProcess
from wcs_ext.bulk.batch_run import BatchOp, run_batch
from wcs_ext.protocol.fmgr_ops import delete_op


@pytest.fixture
def dl(cli: Cli) -> Cli:
    config = cli.write_config("dl.cfg", download_url=cli.emulator.download_url + "/{bucket}")
    return Cli(workdir=cli.workdir, config=config, emulator=cli.emulator)


def seed(emulator: EmulatorProcess, objects: dict[str, bytes]) -> None:
    with emulator.client() as wcs:
        for key, data in objects.items():
            wcs.stream_upload(io.BytesIO(data), "e2e", key)


def keys_under(emulator: EmulatorProcess, prefix: str) -> list[str]:
    with emulator.client() as wcs:
        return sorted(o.key for o in wcs.iter_objects("e2e", prefix=prefix))


FILES = {"a.txt": b"a", "sub dir/b.txt": b"bb", "sub dir/ü/c.txt": b"ccc", "skip.tmp": b"t"}


def test_put_r_and_get_r_copy_a_tree_both_ways(dl: Cli) -> None:
    src = dl.workdir / "src"
    for rel, data in FILES.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_bytes(data)
    up = dl.ok("put", "-r", "src", "wcs://e2e/rec/", "--exclude", "*.tmp")
    assert up.stdout.splitlines()[-1] == "sent 3, failed 0"
    assert keys_under(dl.emulator, "rec/") == [
        "rec/a.txt",
        "rec/sub dir/b.txt",
        "rec/sub dir/ü/c.txt",
    ]
    # Not a sync: an object holding other bytes is not overwritten unless asked (as put).
    (src / "a.txt").write_bytes(b"A")
    again = dl.run("put", "-r", "wcs://e2e/rec", "src", "--include", "a.txt")
    assert again.returncode == 1, describe(again)
    assert again.stderr.startswith("failed to send wcs://e2e/rec/a.txt:")
    dl.ok("put", "-r", "src", "wcs://e2e/rec", "--include", "a.txt", "--overwrite", "1")

    down = dl.json("get", "-r", "wcs://e2e/rec/", "copy")
    assert down[-1] == {"summary": {"fetched": 3, "skipped": 0, "deleted": 0, "failed": 0,
                                    "left_alone": 0}}  # fmt: skip
    assert sorted(d["path"] for d in down[:-1]) == sorted(r for r in FILES if r != "skip.tmp")
    for rel in FILES:
        copied = dl.workdir / "copy" / rel
        if rel == "skip.tmp":
            assert not copied.exists()
        else:
            assert copied.read_bytes() == (src / rel).read_bytes()


def test_get_takes_a_key_with_the_download_url_setting(dl: Cli) -> None:
    seed(dl.emulator, {"by-key/dir/ünï code.txt": b"by key", "by-key/dot/..": b"d"})
    result = dl.ok("get", "wcs://e2e/by-key/dir/ünï code.txt")
    assert result.stdout == "saved ünï code.txt (6 B)\n"
    assert (dl.workdir / "ünï code.txt").read_bytes() == b"by key"
    # A dot segment is sent encoded: not resolved away into another object.
    dl.ok("get", "wcs://e2e/by-key/dot/..", "x.bin")
    assert (dl.workdir / "x.bin").read_bytes() == b"d"
    # The URL form of the original still works, with or without the setting.
    dl.ok("get", dl.emulator.url_of("e2e", "by-key/dir/ünï code.txt"), "url.txt")
    assert (dl.workdir / "url.txt").read_bytes() == b"by key"


def test_batch_delete_copy_move_with_from_file_and_a_failure_file(dl: Cli) -> None:
    seed(dl.emulator, {f"batch/k{i}": f"v{i}".encode() for i in range(5)})
    listed = dl.workdir / "keys.txt"
    listed.write_text(
        "".join(f"wcs://e2e/batch/k{i}\n" for i in range(5)) + "wcs://e2e/batch/none\n"
    )

    copied = dl.run("cp", "--from-file", "keys.txt", "wcs://e2e/copies/")
    assert copied.returncode == 1, describe(copied)
    assert copied.stdout.splitlines()[-1] == "copied 5, failed 1"
    assert copied.stderr.splitlines() == [
        "failed to copy wcs://e2e/batch/none: file not exist",
        "error: 1 of 6 failed: listed in wcs-ext-failed.txt "
        "(run again with --from-file wcs-ext-failed.txt)",
    ]
    assert (dl.workdir / "wcs-ext-failed.txt").read_text() == "wcs://e2e/batch/none\n"
    assert keys_under(dl.emulator, "copies/") == [f"copies/batch/k{i}" for i in range(5)]

    # The failure file is the next run's input: once the object is there, it goes.
    seed(dl.emulator, {"batch/none": b"now here"})
    retried = dl.ok("cp", "--from-file", "wcs-ext-failed.txt", "wcs://e2e/copies/")
    assert retried.stdout.splitlines() == ["copied wcs://e2e/batch/none", "copied 1, failed 0"]

    moved = dl.json("mv", "wcs://e2e/batch/k0", "wcs://e2e/batch/k1", "wcs://e2e/moved")
    assert moved[-1] == {"summary": {"moved": 2, "failed": 0}}
    assert keys_under(dl.emulator, "moved/") == ["moved/batch/k0", "moved/batch/k1"]

    stdin = "wcs://e2e/batch/k2\nwcs://e2e/batch/k3\n\nwcs://e2e/batch/k2\n"
    deleted = dl.ok("del", "--from-file", "-", "wcs://e2e/batch/k4", stdin=stdin)
    assert sorted(deleted.stdout.splitlines()[:-1]) == [
        f"deleted wcs://e2e/batch/k{i}" for i in (2, 3, 4)
    ]  # each once
    assert keys_under(dl.emulator, "batch/") == ["batch/none"]


def test_a_batch_goes_in_several_jobs_with_a_result_per_key(emulator: EmulatorProcess) -> None:
    seed(emulator, {f"jobs/k{i}": b"x" for i in range(7)})
    results: dict[str, str | None] = {}
    ops = [BatchOp(f"k{i}", delete_op("e2e", f"jobs/k{i}")) for i in range(7)]
    ops.append(BatchOp("bad bucket", delete_op("no-such-bucket", "k")))
    with emulator.client() as wcs:
        submitted: list[str] = []
        submit = wcs.fmgr.submit

        def counting(name: str, fops: str, **kwargs: object) -> object:
            submitted.append(fops)
            return submit(name, fops)  # type: ignore[arg-type]

        wcs.fmgr.submit = counting  # type: ignore[method-assign, assignment]
        run_batch(wcs, "delete", ops, done=results.__setitem__, max_ops=3)
    assert [len(job.split(";")) for job in submitted] == [3, 3, 2]
    assert {k: v for k, v in results.items() if v is None} == {f"k{i}": None for i in range(7)}
    failure = results["bad bucket"]
    assert failure is not None
    assert "no-such-bucket" in failure
    assert keys_under(emulator, "jobs/") == []


def test_one_object_still_takes_the_direct_way(dl: Cli) -> None:
    seed(dl.emulator, {"direct/k": b"x"})
    assert dl.ok("del", "wcs://e2e/direct/k").stdout == "deleted wcs://e2e/direct/k\n"
    missing = dl.run("mv", "wcs://e2e/direct/k", "wcs://e2e/direct/j")
    assert_one_line_error(missing, 1, "file not exist", request_id=True)
    # The direct way says a missing object is missing (an fmgr delete reports success).
    gone = dl.run("del", "wcs://e2e/direct/k")
    assert_one_line_error(gone, 1, "file not exist", request_id=True)
