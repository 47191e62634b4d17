"""Running the client generator as ``make generate`` does, into a folder of a test's own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def generate_client(spec: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """``wcs_client`` from ``spec`` into ``out`` with the project's generator settings."""
    pytest.importorskip("openapi_python_client")
    env = dict(os.environ)
    # The post hooks run `ruff` by name: use the one installed next to this interpreter.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(spec),
            "--config",
            str(ROOT / "generator" / "config.yml"),
            "--meta",
            "none",
            "--overwrite",
            "--custom-template-path",
            str(ROOT / "generator" / "templates"),
            "--output-path",
            str(out),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=spec.parent,
        timeout=120,
        check=False,
    )
    if result.returncode == 0:
        (out / "py.typed").touch()
    return result
