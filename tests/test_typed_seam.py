"""The seam between ``wcs_ext`` and the generated client is typed: a rename in the spec
fails the type check of ``wcs_ext``, instead of reaching users at run time.

The spec is copied, the listing's ``marker`` parameter renamed, the client generated
from the copy into a temporary folder, and mypy run over ``wcs_ext`` against it; the
unchanged spec generated the same way is the control, which must type-check.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.generation import generate_client

ROOT = Path(__file__).resolve().parent.parent
USERS_OF_THE_LISTING = ["wcs_ext/_async/resources/buckets.py", "wcs_ext/_sync/resources/buckets.py"]

pytestmark = pytest.mark.slow


def generate(spec_text: str, folder: Path) -> Path:
    """The client generated from ``spec_text``, in a folder to put on ``MYPYPATH``."""
    spec = folder / "wcs.yaml"
    spec.write_text(spec_text)
    result = generate_client(spec, folder / "generated" / "wcs_client")
    assert result.returncode == 0, result.stdout + result.stderr
    return folder / "generated"


def type_check(generated: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MYPYPATH": str(generated)}
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(cache), *USERS_OF_THE_LISTING],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )


def test_a_renamed_spec_parameter_fails_the_type_check(tmp_path: Path) -> None:
    original = (ROOT / "spec" / "wcs.yaml").read_text()
    declared = "        - name: marker\n          in: query\n"
    assert original.count(declared) == 1, "the listing's marker parameter moved in the spec"
    renamed = original.replace(declared, "        - name: cursor\n          in: query\n")

    (tmp_path / "control").mkdir()
    control = type_check(generate(original, tmp_path / "control"), tmp_path / "cache")
    assert control.returncode == 0, control.stdout + control.stderr

    (tmp_path / "renamed").mkdir()
    broken = type_check(generate(renamed, tmp_path / "renamed"), tmp_path / "cache")
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert 'Unexpected keyword argument "marker" for "build_request"' in broken.stdout
    # Both twins call the generated builder, so both break.
    assert all(user in broken.stdout for user in USERS_OF_THE_LISTING), broken.stdout
