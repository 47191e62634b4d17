"""A file that changes while a simple upload reads it is bad input (exit 2), never an
internal error, and the object is not stored from a body that was cut short or grew;
files whose size is unknown in advance (``/proc``) are refused with a way out."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli_helpers import Cli, assert_one_line_error, cli  # noqa: F401  (the cli fixture)
from tests.conftest import EmulatorProcess
from wcs_ext import WcsInputError, WcsNotFoundError
from wcs_ext.transfer.progress import TransferProgress

KiB = 1024


def _changing(path: Path, change: str) -> Callable[[TransferProgress], None]:
    changed: list[bool] = []

    def progress(snapshot: TransferProgress) -> None:
        if changed or snapshot.done == 0:
            return
        changed.append(True)
        if change == "grow":
            with path.open("ab") as out:
                out.write(b"x" * 100 * KiB)
        else:
            os.truncate(path, path.stat().st_size // 2)

    return progress


@pytest.mark.parametrize("change", ["grow", "shrink"])
def test_a_file_that_changes_during_a_simple_upload_is_bad_input(
    emulator: EmulatorProcess, tmp_path: Path, change: str
) -> None:
    path = tmp_path / f"{change}.bin"
    path.write_bytes(os.urandom(2 * 1024 * KiB))  # read in several pieces
    key = f"changing/{change}"
    with emulator.client() as wcs:
        with pytest.raises(WcsInputError, match="changed while it was being uploaded"):
            wcs.simple_upload(path, "e2e", key, progress=_changing(path, change))
        with pytest.raises(WcsNotFoundError):
            wcs.stat("e2e", key)  # nothing stored from a body that was not the file


def test_a_proc_file_is_refused_with_a_way_out(cli: Cli) -> None:
    result = cli.run("put", "wcs://e2e/proc-version", "/proc/version")
    message = assert_one_line_error(result, 2, "/proc/version")
    assert "size" in message
    assert "stdin" in message  # points to a stdin upload, which needs no size
