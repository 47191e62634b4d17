"""Where the benchmarks keep their results: one JSON file per run under ``bench/results/``
(kept out of git), named by benchmark and time, the newest of each read back for the
README's table."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["RESULTS_DIR", "newest", "save"]

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def save(name: str, report: Mapping[str, Any], folder: Path = RESULTS_DIR) -> Path:
    """Write ``report`` as ``bench_NAME-YYYYmmdd-HHMMSS.json`` and say where."""
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"bench_{name}-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"results written to bench/results/{out.name}")
    return out


def newest(name: str, folder: Path = RESULTS_DIR) -> dict[str, Any] | None:
    """The newest saved report of benchmark ``name`` (the stamps sort by time)."""
    found = sorted(folder.glob(f"bench_{name}-*.json"))
    report: dict[str, Any] | None = json.loads(found[-1].read_text()) if found else None
    return report
