"""The benchmarks' children start from bytecode even where none is ever written."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from bench.bytecode import PACKAGES, compile_project


def _layout(root: Path) -> list[Path]:
    sources = []
    for package in PACKAGES:
        for name in ("__init__.py", "sub/__init__.py", "sub/leaf.py"):
            path = root / package / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("VALUE = 1\n")
            sources.append(path)
    return sources


def test_every_module_of_the_project_gets_its_bytecode(tmp_path: Path) -> None:
    sources = _layout(tmp_path)
    compile_project(tmp_path)
    missing = [s for s in sources if not Path(importlib.util.cache_from_source(str(s))).exists()]
    assert missing == []


def test_a_module_that_does_not_compile_stops_the_benchmark(tmp_path: Path) -> None:
    _layout(tmp_path)
    (tmp_path / PACKAGES[0] / "broken.py").write_text("def (:\n")
    with pytest.raises(RuntimeError, match="does not compile"):
        compile_project(tmp_path)


def test_an_import_after_it_reads_bytecode_not_source(tmp_path: Path) -> None:
    """What the benchmarks gain: under PYTHONDONTWRITEBYTECODE the import compiles
    nothing (``-v`` names the source when it does)."""
    _layout(tmp_path)
    compile_project(tmp_path)
    package = PACKAGES[0]
    child = subprocess.run(
        [sys.executable, "-v", "-c", f"import {package}.sub.leaf"],
        cwd=tmp_path,
        env={"PYTHONDONTWRITEBYTECODE": "1", "PATH": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    # The three modules of the layout, each from its file under tmp_path (not another copy).
    loaded = [
        line
        for line in child.stderr.splitlines()
        if "code object" in line and str(tmp_path / package) in line
    ]
    assert len(loaded) == 3
    assert all(".pyc" in line for line in loaded)
