"""The Dask example (``examples/dask_etags.py``) run as a user runs it: two worker
processes upload 200 files through ``wcs://`` and check their etags; this test then
checks every object itself against its own files."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

pytest.importorskip("dask.distributed", reason="dask[distributed] is not installed (dev extra)")
pytest.importorskip("fsspec", reason="the fsspec extra is not installed")

from tests.conftest import EmulatorProcess
from tests.fs_helpers import fs_options
from wcs_ext import Wcs
from wcs_ext.protocol.checksum import etag_file

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "dask_etags.py"
FILES = 200


def test_dask_uploads_200_files_and_checks_their_etags(
    emulator: EmulatorProcess, emulator_wcs: Wcs, tmp_path: Path
) -> None:
    source = tmp_path / "files"
    source.mkdir()
    for index in range(FILES):
        (source / f"f{index:03d}.bin").write_bytes(os.urandom(100 + index * 13))
    # The workers find their settings as the CLI does: here, in WCS_* variables.
    env = {k: v for k, v in os.environ.items() if not k.startswith("WCS_")}
    env["HOME"] = str(tmp_path)  # no ~/.wcscfg of the machine's user
    for name, value in fs_options(emulator).items():
        env[f"WCS_{name.upper()}"] = str(value)
    prefix = f"dask-{uuid.uuid4().hex[:12]}"
    run = subprocess.run(
        [sys.executable, str(EXAMPLE), f"wcs://e2e/{prefix}", "--source", str(source)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert f"{FILES} of {FILES} etags match" in run.stdout
    stored = {o.key: o.hash for o in emulator_wcs.iter_objects("e2e", prefix=f"{prefix}/")}
    expected = {f"{prefix}/{p.name}": etag_file(p) for p in source.iterdir()}
    assert stored == expected
