"""The project's own modules compiled to bytecode before anything is timed.

``pip install`` compiles a package's modules, so the original SDK in its virtualenv
starts from bytecode. A checkout run with ``PYTHONDONTWRITEBYTECODE`` (or one that never
wrote ``__pycache__``) would compile every wcs-ext module in every child a benchmark
starts: about 40 ms of CPU an upload child on a 2-core machine, which is neither the
client's work nor what a user who installed it pays.
"""

from __future__ import annotations

import compileall
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("wcs_ext", "generated/wcs_client")


def compile_project(root: Path = ROOT) -> None:
    """Write ``__pycache__`` for the project's packages under ``root`` (files whose
    bytecode is current are skipped)."""
    for package in PACKAGES:
        if not compileall.compile_dir(root / package, quiet=1):
            raise RuntimeError(f"{package}: a module does not compile")
