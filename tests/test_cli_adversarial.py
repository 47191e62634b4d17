"""Hostile and broken surroundings of the real `wcs-ext`, run as a subprocess.

A disk that fills up while a listing is saved, a config file that is a symlink, a
device or unparseable, object keys made of terminal control sequences, files the user
may not read, a record folder that cannot be one. Each must end in the state a user
expects: old files intact, one clear line, the documented exit code.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import resource
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli_helpers import (  # noqa: F401  (the cli fixture)
    Cli,
    assert_ok,
    assert_one_line_error,
    cli,
    json_lines,
)
from tests.test_cli_e2e import seed
from wcs_ext._config_file import atomic_file

# -- helpers ---------------------------------------------------------------------------


def file_size_limit(size: int) -> Callable[[], None]:
    """A child whose files cannot grow beyond ``size`` bytes (a disk that is full)."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return limit


def memory_limit() -> None:
    """A child that cannot take the machine down however much it reads."""
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def as_user_without_override() -> None:
    """Root in the child loses the right to read any file: file modes apply to it too."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    pr_capbset_drop, cap_dac_override, cap_dac_read_search = 24, 1, 2
    for capability in (cap_dac_override, cap_dac_read_search):
        if libc.prctl(pr_capbset_drop, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# -- 1. every file the CLI writes appears whole, or not at all -------------------------

ATOMIC = {f"atomic/{i:03d}.txt": b"x" * i for i in range(40)}


@pytest.mark.parametrize("command", ["list", "listall"])
def test_resfile_that_cannot_be_written_leaves_the_old_file(cli: Cli, command: str) -> None:
    seed(cli.emulator, "e2e", ATOMIC)
    resfile = cli.workdir / "listing.json"
    old = "the listing of yesterday\n" * 200  # larger than the limit: it was written before
    resfile.write_text(old)
    before = listing(cli.workdir)
    result = cli.run(
        command, "wcs://e2e", "listing.json", "--prefix", "atomic/",
        preexec_fn=file_size_limit(2048),
    )  # fmt: skip
    assert_one_line_error(result, 1, "File too large", "listing.json")
    assert resfile.read_text() == old
    assert listing(cli.workdir) == before  # no temporary file left

    # Without the limit the file is replaced whole, its mode kept, nothing else left.
    resfile.chmod(0o640)
    assert_ok(cli.run(command, "wcs://e2e", "listing.json", "--prefix", "atomic/"))
    pages = json_lines(resfile.read_text())
    assert sum(len(page["items"]) for page in pages) == len(ATOMIC)
    assert stat.S_IMODE(resfile.stat().st_mode) == 0o640
    assert listing(cli.workdir) == before


def test_resfile_through_a_symlink_writes_the_target(cli: Cli) -> None:
    seed(cli.emulator, "e2e", ATOMIC)
    (cli.workdir / "saved").mkdir()
    target = cli.workdir / "saved" / "page.json"
    target.write_text("old\n")
    link = cli.workdir / "page.json"
    link.symlink_to(Path("saved") / "page.json")
    assert_ok(cli.run("list", "wcs://e2e", "page.json", "--prefix", "atomic/", "--limit", "3"))
    assert link.is_symlink()
    assert len(json.loads(target.read_text())["items"]) == 3
    assert listing(cli.workdir / "saved") == ["page.json"]


def write_half_then_fill_the_disk(target: Path) -> None:
    with atomic_file(target) as out:
        out.write(b"the first half of the new")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_write_that_fails_midway_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old\n")
    with pytest.raises(OSError, match="No space left") as raised:
        write_half_then_fill_the_disk(target)
    assert raised.value.errno == errno.ENOSPC
    assert raised.value.filename == str(target)  # the file the user named, not the temp
    assert target.read_text() == "old\n"
    assert listing(tmp_path) == ["out.json"]


def test_a_write_that_fails_when_flushed_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(fd: int) -> None:  # NFS and friends report a full disk only here
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    target = tmp_path / "out.json"
    target.write_text("old\n")
    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space left"), atomic_file(target) as out:
        out.write(b"new\n")
    assert target.read_text() == "old\n"
    assert listing(tmp_path) == ["out.json"]
