"""The emulator's data directory is its user's alone: folders 0700, files 0600 (the
SQLite file holds the ctx secret), whatever the umask it was started with."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from wcs_ext.protocol.signing import Credentials, PutPolicy, upload_token

from .conftest import EMULATOR_AK, EMULATOR_SK, EmulatorFactory

BUCKET = "e2e"
CREDENTIALS = Credentials(access_key=EMULATOR_AK, secret_key=EMULATOR_SK)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The common umask 022, under which files default to world-readable."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _modes(paths: list[Path]) -> dict[str, str]:
    return {str(p): oct(_mode(p)) for p in paths}


@pytest.mark.usefixtures("open_umask")
def test_the_data_directory_is_private(emulator_factory: EmulatorFactory) -> None:
    emulator = emulator_factory()
    token = upload_token(CREDENTIALS, PutPolicy.for_object(BUCKET, "private/k", lifetime=600))
    stored = httpx.post(
        f"{emulator.put_url}/file/upload",
        data={"token": token},
        files={"file": ("f", b"secret data", "text/plain")},
    )
    assert stored.status_code == 200, stored.text
    block = httpx.post(
        f"{emulator.put_url}/mkblk/4/0", content=b"abcd", headers={"Authorization": token}
    )
    assert block.status_code == 200, block.text
    data = emulator.data_dir
    folders = [data, *(p for p in data.rglob("*") if p.is_dir())]
    files = [p for p in data.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"meta.sqlite3", "meta.sqlite3-wal", "meta.sqlite3-shm"}
    assert any(p.parent.parent.name == "objects" for p in files)
    assert any(p.parent.name == "blocks" for p in files)
    assert _modes(folders) == {str(p): "0o700" for p in folders}
    assert _modes(files) == {str(p): "0o600" for p in files}


@pytest.mark.usefixtures("open_umask")
def test_files_of_an_earlier_run_are_made_private(
    emulator_factory: EmulatorFactory, tmp_path: Path
) -> None:
    """A data directory made before this rule: its own folders and files are fixed."""
    emulator = emulator_factory()
    assert emulator.stop() == 0
    for path in [*emulator.data_dir.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    emulator.start()
    inside = list(emulator.data_dir.rglob("*"))
    assert _modes(inside) == {str(p): "0o700" if p.is_dir() else "0o600" for p in inside}
