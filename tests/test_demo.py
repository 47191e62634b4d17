"""`make demo` runs the main job end to end; CI runs it too, so it keeps working."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_demo_runs_every_step() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "demo.py")],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    for step in range(1, 10):
        assert f"== {step}." in out
    assert "match: " in out
    assert "identical: big.bin == copy.bin" in out
    assert "emulator stopped, exit code 0" in out
    assert "big.bin: 100%" in result.stderr  # the upload's progress, shown as lines in a log
    assert out.rstrip().endswith("demo finished: every step worked")
