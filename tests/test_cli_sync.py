"""``wcs-ext sync`` as a subprocess against the emulator: decided by content, both ways,
filters and deletions, refusals, interruptions, and keys that try to leave the target.

Each test works under its own prefix of the session's emulator (or its own emulator);
what a test only needs there is stored or read with the library.
"""

from __future__ import annotations

import io
import os
import signal
from pathlib import Path

import pytest

from tests.cli_helpers import (  # noqa: F401  (the cli fixture)
    Cli,
    assert_ok,
    assert_one_line_error,
    cli,
    describe,
)
from tests.conftest import EmulatorFactory, EmulatorProcess
from wcs_ext import etag_file


@pytest.fixture
def dl(cli: Cli) -> Cli:
    """The CLI with a config that also names the emulator's download domain."""
    config = cli.write_config(
        "dl.cfg",
        download_url=cli.emulator.download_url + "/{bucket}",
        tmp_record_folder=cli.workdir.parent / "records",
    )
    return Cli(workdir=cli.workdir, config=config, emulator=cli.emulator)


def remote_hashes(emulator: EmulatorProcess, bucket: str, prefix: str) -> dict[str, str | None]:
    with emulator.client() as wcs:
        return {o.key: o.hash for o in wcs.iter_objects(bucket, prefix=prefix)}


def seed(emulator: EmulatorProcess, bucket: str, objects: dict[str, bytes]) -> None:
    with emulator.client() as wcs:
        for key, data in objects.items():
            wcs.stream_upload(io.BytesIO(data), bucket, key)


def tree(root: Path, files: dict[str, bytes]) -> Path:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def local_etags(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): etag_file(path)
        for path in root.rglob("*")
        if path.is_file() and not path.is_symlink()
    }


def last_line(text: str) -> str:
    return text.splitlines()[-1]


NAMES = {
    "a.txt": b"alpha",
    "with space/b c.txt": b"bravo",
    "ünïcode/日本.txt": b"charlie",
    "deep/er/d.bin": bytes(range(256)) * 40,
}


def test_sync_up_sends_by_content_and_sends_a_same_size_edit_with_its_mtime_restored(
    dl: Cli,
) -> None:
    src = tree(dl.workdir / "src", NAMES)
    (src / "empty" / "nested").mkdir(parents=True)
    first = dl.ok("sync", "src", "wcs://e2e/sync-up")
    assert last_line(first.stdout) == "sent 4, skipped 0 (same content), deleted 0, failed 0"
    assert first.stderr == ""
    expected = {f"sync-up/{rel}": etag for rel, etag in local_etags(src).items()}
    assert remote_hashes(dl.emulator, "e2e", "sync-up/") == expected  # no folder objects
    cache_files = list((dl.workdir / ".cache" / "wcs-ext").glob("etags-*.json"))
    assert len(cache_files) == 1

    second = dl.ok("sync", "src", "wcs://e2e/sync-up/")
    assert second.stdout == "sent 0, skipped 4 (same content), deleted 0, failed 0\n"

    # Same size, same mtime, other bytes: only the content says it changed.
    edited = src / "ünïcode" / "日本.txt"
    before = edited.stat()
    edited.write_bytes(b"CHARLIE")
    os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (edited.stat().st_size, edited.stat().st_mtime_ns) == (
        before.st_size,
        before.st_mtime_ns,
    )
    third = dl.ok("sync", "src", "wcs://e2e/sync-up")
    assert third.stdout.splitlines() == [
        "sent wcs://e2e/sync-up/ünïcode/日本.txt",
        "sent 1, skipped 3 (same content), deleted 0, failed 0",
    ]
    assert remote_hashes(dl.emulator, "e2e", "sync-up/ünïcode/") == {
        "sync-up/ünïcode/日本.txt": etag_file(edited)
    }


def test_no_cache_keeps_no_etags_and_still_compares_content(dl: Cli) -> None:
    src = tree(dl.workdir / "src", {"x.txt": b"one"})
    dl.ok("sync", "src", "wcs://e2e/no-cache", "--no-cache")
    (src / "x.txt").write_bytes(b"two")
    result = dl.ok("sync", "--no-cache", "src", "wcs://e2e/no-cache")
    assert "sent 1," in result.stdout
    assert not (dl.workdir / ".cache" / "wcs-ext").exists()


def test_excluded_files_are_never_deleted_and_max_delete_refuses_a_runaway_delete(
    dl: Cli,
) -> None:
    seed(dl.emulator, "e2e", {
        "sync-del/old.txt": b"old", "sync-del/keep.tmp": b"k", "sync-del/cache/x": b"c",
        "sync-del/a.txt": b"stale",
    })  # fmt: skip
    tree(dl.workdir / "src", {"a.txt": b"new", "b.tmp": b"tmp", "cache/y": b"y"})
    rules = ("--exclude", "*.tmp", "--exclude", "cache/")
    before = remote_hashes(dl.emulator, "e2e", "sync-del/")

    plan = dl.ok("sync", "src", "wcs://e2e/sync-del", "--delete", "--dry-run", *rules)
    assert plan.stdout.splitlines() == [
        "would send wcs://e2e/sync-del/a.txt",
        "would delete wcs://e2e/sync-del/old.txt",
        "dry run: would send 1 (3 B), skip 0 (same content), delete 1",
    ]
    refused = dl.run("sync", "src", "wcs://e2e/sync-del", "--delete", "--max-delete", "0", *rules)
    assert_one_line_error(refused, 2, "refusing to delete 1 files", "--max-delete 0")
    assert remote_hashes(dl.emulator, "e2e", "sync-del/") == before  # nothing sent either

    done = dl.ok("sync", "src", "wcs://e2e/sync-del", "--delete", "--max-delete", "1", *rules)
    assert last_line(done.stdout) == "sent 1, skipped 0 (same content), deleted 1, failed 0"
    assert sorted(remote_hashes(dl.emulator, "e2e", "sync-del/")) == [
        "sync-del/a.txt", "sync-del/cache/x", "sync-del/keep.tmp",
    ]  # fmt: skip


def test_links_are_left_alone_and_protect_their_counterpart(dl: Cli, tmp_path: Path) -> None:
    outside = tree(tmp_path / "outside", {"secret.txt": b"not for the bucket"})
    src = tree(dl.workdir / "src", {"a.txt": b"a"})
    (src / "linked.txt").symlink_to(outside / "secret.txt")
    (src / "linked-dir").symlink_to(outside)
    seed(dl.emulator, "e2e", {"sync-links/linked.txt": b"kept"})
    result = dl.run("sync", "src", "wcs://e2e/sync-links", "--delete")
    assert_ok(result)
    warnings = sorted(result.stderr.splitlines())
    assert warnings == [
        "warning: skipped src/linked-dir: a symbolic link (links are not followed)",
        "warning: skipped src/linked.txt: a symbolic link (links are not followed)",
    ]
    assert "left alone" in last_line(result.stdout)
    assert sorted(remote_hashes(dl.emulator, "e2e", "sync-links/")) == [
        "sync-links/a.txt", "sync-links/linked.txt",
    ]  # fmt: skip


def test_a_failed_file_does_not_stop_the_others_and_the_exit_code_says_so(dl: Cli) -> None:
    prefix = "p" * 985  # keys of at most 1000 bytes: "a" fits below it, a long name does not
    tree(dl.workdir / "src", {"a": b"fits", "b" * 20: b"too long a key"})
    result = dl.run("sync", "src", f"wcs://e2e/{prefix}")
    assert result.returncode == 1, describe(result)
    assert "Traceback" not in result.stderr
    assert f"sent wcs://e2e/{prefix}/a" in result.stdout
    assert last_line(result.stdout) == "sent 1, skipped 0 (same content), deleted 0, failed 1"
    failure, error = result.stderr.splitlines()
    assert failure.startswith(f"failed to send wcs://e2e/{prefix}/{'b' * 20}: its key would be")
    assert error.startswith("error: 1 of 2 files failed")
    assert list(remote_hashes(dl.emulator, "e2e", prefix + "/")) == [f"{prefix}/a"]


def test_an_interrupted_sync_run_again_finishes_the_job(dl: Cli) -> None:
    files = {f"f{i:03}.txt": f"file {i}".encode() for i in range(150)}
    src = tree(dl.workdir / "src", files)
    process = dl.popen("sync", "src", "wcs://e2e/sync-int", "-j", "1", config=dl.config)
    assert process.stdout is not None
    assert process.stdout.readline().startswith("sent ")  # under way
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert "run the same command again to finish the sync" in stderr
    sent_before = len(remote_hashes(dl.emulator, "e2e", "sync-int/"))
    assert 0 < sent_before < len(files)

    rerun = dl.ok("sync", "src", "wcs://e2e/sync-int")
    sent_again = int(last_line(rerun.stdout).split()[1].rstrip(","))
    assert sent_again <= len(files) - sent_before + 1  # at most the one cut mid-way twice
    expected = {f"sync-int/{rel}": etag for rel, etag in local_etags(src).items()}
    assert remote_hashes(dl.emulator, "e2e", "sync-int/") == expected


def test_sync_down_fetches_by_content_and_deletes_only_when_asked(dl: Cli) -> None:
    seed(dl.emulator, "e2e", {f"sync-down/{rel}": data for rel, data in NAMES.items()})
    first = dl.ok("sync", "wcs://e2e/sync-down", "dst")
    assert last_line(first.stdout) == "fetched 4, skipped 0 (same content), deleted 0, failed 0"
    assert {rel: (dl.workdir / "dst" / rel).read_bytes() for rel in NAMES} == NAMES

    (dl.workdir / "dst" / "a.txt").write_bytes(b"ALPHA")  # same size, other content
    (dl.workdir / "dst" / "mine.txt").write_bytes(b"local only")
    second = dl.ok("sync", "wcs://e2e/sync-down/", "dst")
    assert second.stdout.splitlines() == [
        "fetched dst/a.txt",
        "fetched 1, skipped 3 (same content), deleted 0, failed 0",
    ]
    assert (dl.workdir / "dst" / "a.txt").read_bytes() == b"alpha"
    third = dl.ok("sync", "wcs://e2e/sync-down", "dst", "--delete")
    assert last_line(third.stdout) == "fetched 0, skipped 4 (same content), deleted 1, failed 0"
    assert not (dl.workdir / "dst" / "mine.txt").exists()


HOSTILE = {
    "../evil": b"1",
    "..": b"2",
    "a/..": b"3",
    "a//b": b"4",
    "./x": b"5",
    "..\\up": b"6",
    "esc\x1b[2J.txt": b"7",
    "fine/ü n.txt": b"8",
    "link/through": b"9",
}


def test_sync_down_keeps_hostile_keys_inside_the_target(
    emulator_factory: EmulatorFactory, tmp_path: Path
) -> None:
    server = emulator_factory(buckets=("hostile",))
    seed(server, "hostile", HOSTILE)
    workdir = tmp_path / "work"
    target = workdir / "deep" / "target"
    target.mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (target / "link").symlink_to(outside)
    cli = Cli(workdir=workdir, config=workdir / "cfg", emulator=server)
    cli.write_config("cfg", download_url=server.download_url + "/{bucket}")
    result = cli.run("sync", "wcs://hostile", "deep/target", "--delete")
    assert_ok(result)
    assert last_line(result.stdout) == (
        "fetched 3, skipped 0 (same content), deleted 0, failed 0; 6 left alone (see the warnings)"
    )
    assert "\x1b" not in result.stdout + result.stderr  # shown escaped
    found = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert [path for path in found if not path.startswith("work/.cache/")] == [
        "work/cfg",
        "work/deep/target/.._up",
        "work/deep/target/esc_[2J.txt",
        "work/deep/target/fine/ü n.txt",
    ]
    assert sorted(os.listdir(outside)) == []


def test_progress_is_a_bar_on_a_terminal_and_nothing_in_a_pipe(dl: Cli) -> None:
    tree(dl.workdir / "src", {f"f{i}.txt": b"x" * i for i in range(12)})
    code, stdout, terminal = dl.run_on_terminal(
        "sync", "src", "wcs://e2e/sync-bar", config=dl.config
    )
    assert code == 0, terminal
    assert "12/12" in terminal  # the files column of the bar, on stderr
    assert last_line(stdout) == "sent 12, skipped 0 (same content), deleted 0, failed 0"
    piped = dl.ok("sync", "src", "wcs://e2e/sync-bar")
    assert piped.stderr == ""
