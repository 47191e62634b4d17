"""Sync of many small files: ``wcs-ext sync`` to the emulator, files one at a time
against the default number at once, first run and a second run with nothing to send.

Run from the project root::

    python -m bench.bench_sync                  # 1,000 files of 1 KiB, 3 rounds
    python -m bench.bench_sync --files 200 --rounds 1

Each round runs both settings side by side, A B A B: ``-j 1`` then the default, each
a fresh prefix and a fresh etag cache, first run (every file sent) then second run
(every file compared by its cached etag, nothing sent). The figures are the medians of
the child's wall time; the ratio is -j 1 over the default (above 1: the default faster).
The second run must send nothing, and the first every file: the run fails otherwise.

The original has no sync: it puts one file per ``wcscmd`` process, whose start-up
alone (``bench_start``) would be most of its time, so it is not shown here.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from a checkout that is not installed
    sys.path.insert(0, str(ROOT))

from bench.bench_upload import AK, BUCKET, SK, Emulator  # noqa: E402
from bench.results import save  # noqa: E402
from tests.original_sdk import write_wcscfg  # noqa: E402
from wcs_ext.cli._tree import DEFAULT_JOBS  # noqa: E402


def make_files(root: Path, count: int, size: int) -> None:
    """``count`` files of ``size`` bytes, in folders of 100 (as a real tree would be)."""
    for number in range(count):
        path = root / f"d{number // 100:03}" / f"f{number:05}.bin"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(number.to_bytes(8, "big") * (size // 8) + b"x" * (size % 8))


def run_sync(config: Path, src: Path, prefix: str, jobs: int, cache: Path) -> tuple[float, str]:
    """Wall seconds of one ``wcs-ext sync`` child and its summary line."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WCS_")}
    env["XDG_CACHE_HOME"] = str(cache)
    args = [sys.executable, "-m", "wcs_ext.cli", "-c", str(config), "sync"]
    args += [str(src), f"wcs://{BUCKET}/{prefix}", "-j", str(jobs)]
    start = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"sync exited {done.returncode}:\n{done.stderr[-2000:]}")
    return wall, done.stdout.splitlines()[-1]


def check(summary: str, sent: int, skipped: int) -> None:
    expected = f"sent {sent}, skipped {skipped} (same content), deleted 0, failed 0"
    if summary != expected:
        raise RuntimeError(f"expected {expected!r}, got {summary!r}")


def main(argv: Sequence[str] = ()) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_sync", description=__doc__)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--size", type=int, default=1024, help="bytes per file")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(list(argv))
    settings = {"-j 1": 1, f"-j {DEFAULT_JOBS} (default)": DEFAULT_JOBS}
    samples: dict[str, dict[str, list[float]]] = {
        name: {"first": [], "second": []} for name in settings
    }
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
        base = Path(tmp)
        (base / "data").mkdir()
        emulator = Emulator(base / "data")
        try:
            config = write_wcscfg(
                base / "wcscfg",
                {"access_key": AK, "secret_key": SK, "put_url": emulator.put_url,
                 "mgr_url": emulator.mgr_url},
            )  # fmt: skip
            src = base / "src"
            make_files(src, args.files, args.size)
            for round_number in range(args.rounds):
                for name, jobs in settings.items():
                    prefix = f"r{round_number}-j{jobs}/"
                    cache = base / f"cache-{prefix.rstrip('/')}"
                    first, summary = run_sync(config, src, prefix, jobs, cache)
                    check(summary, args.files, 0)
                    second, summary = run_sync(config, src, prefix, jobs, cache)
                    check(summary, 0, args.files)
                    samples[name]["first"].append(first)
                    samples[name]["second"].append(second)
                    print(f"round {round_number + 1}  {name:<16} first {first:6.2f} s"
                          f"  second {second:6.2f} s", flush=True)  # fmt: skip
        finally:
            emulator.stop()
    medians = {
        name: {run: statistics.median(values) for run, values in runs.items()}
        for name, runs in samples.items()
    }
    one, default = medians["-j 1"], medians[f"-j {DEFAULT_JOBS} (default)"]
    print(f"\n{args.files} files of {args.size} B, median of {args.rounds} round(s):")
    print(f"{'':<18}{'first run':>12}{'second run':>12}")
    for name, runs in medians.items():
        print(f"{name:<18}{runs['first']:>10.2f} s{runs['second']:>10.2f} s")
    ratios = {run: one[run] / default[run] for run in ("first", "second")}
    print(f"{'ratio -j1/default':<18}{ratios['first']:>11.2f}x{ratios['second']:>11.2f}x")
    print(f"files a second, default: {args.files / default['first']:.0f} sent, "
          f"{args.files / default['second']:.0f} compared")  # fmt: skip
    report: dict[str, Any] = {
        "benchmark": "sync",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "files": args.files,
        "size": args.size,
        "rounds": args.rounds,
        "default_jobs": DEFAULT_JOBS,
        "medians_s": {
            name: {k: round(v, 4) for k, v in runs.items()} for name, runs in medians.items()
        },
        "samples_s": samples,
        "ratio_j1_over_default": {k: round(v, 3) for k, v in ratios.items()},
    }
    save("sync", report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
