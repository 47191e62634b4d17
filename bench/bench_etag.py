"""Etag of a large file: ``wcs_etag_cal`` of wcs-ext against the original's, side by side.

Run from the project root::

    python -m bench.bench_etag                     # 1 GiB, 5 runs each
    python -m bench.bench_etag --size-mib 256 --runs 3

Both tools are run as a user runs them: the command ``wcs_etag_cal etag FILE`` in a fresh
process (start-up included), alternating A B A B over one random file in the warm page
cache (it was just written and read once by each), so the figures are the code's, not the
disk's. Each answer is checked against the other's and against ``etag_file``. Reported:
the median seconds and MB/s of each, their ratio (above 1: wcs-ext faster), and each as a
share of the limit: SHA-1 on every core at once (the etag is SHA-1 of every 4 MiB piece,
so no tool can be faster than the machine hashes), measured here first. Results go to
``bench/results/``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from a checkout that is not installed
    sys.path.insert(0, str(ROOT))

from bench.bench_upload import write_random_file  # noqa: E402
from bench.results import save  # noqa: E402
from tests.original_sdk import OriginalSdk, OriginalSdkError, ensure_original_sdk  # noqa: E402
from wcs_ext.protocol.checksum import ETAG_BLOCK_SIZE, etag_file  # noqa: E402

MIB = 1024 * 1024


def sha1_limit(seconds: float = 1.0) -> float:
    """Bytes/s of SHA-1 over 4 MiB pieces on every core at once (hashlib lets go of the
    GIL for large inputs, so threads hash in parallel)."""
    piece = os.urandom(ETAG_BLOCK_SIZE)
    cores = os.cpu_count() or 1

    def hash_for(deadline: float) -> int:
        done = 0
        while time.perf_counter() < deadline:
            hashlib.sha1(piece, usedforsecurity=False).digest()
            done += len(piece)
        return done

    hash_for(time.perf_counter() + 0.1)  # warm up
    start = time.perf_counter()
    with ThreadPoolExecutor(cores) as pool:
        total = sum(pool.map(hash_for, [start + seconds] * cores))
    return total / (time.perf_counter() - start)


def run_etag_cal(command: Sequence[str], path: Path) -> tuple[float, str]:
    """Seconds of one ``wcs_etag_cal etag FILE`` and the etag it printed (last line)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    start = time.perf_counter()
    done = subprocess.run(
        [*command, "etag", str(path)], capture_output=True, text=True, env=env, check=False
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{command[-1]} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return seconds, done.stdout.strip().splitlines()[-1].strip()


def measure(sdk: OriginalSdk, path: Path, runs: int) -> dict[str, list[float]]:
    ours = [str(Path(sys.executable).parent / "wcs_etag_cal")]
    theirs = [str(sdk.etag_cal)]
    expected = etag_file(path)
    times: dict[str, list[float]] = {"wcs-ext": [], "original": []}
    for name, command in (("wcs-ext", ours), ("original", theirs)):
        _, etag = run_etag_cal(command, path)  # warm, untimed, and checked
        if etag != expected:
            raise RuntimeError(f"{name}'s wcs_etag_cal says {etag}, not {expected}")
    for _ in range(runs):
        for name, command in (("wcs-ext", ours), ("original", theirs)):
            seconds, etag = run_etag_cal(command, path)
            if etag != expected:
                raise RuntimeError(f"{name}'s wcs_etag_cal says {etag}, not {expected}")
            times[name].append(seconds)
    return times


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size-mib", type=int, default=1024, help="file size")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each tool")
    args = parser.parse_args(argv)
    try:
        sdk = ensure_original_sdk()
    except OriginalSdkError as exc:
        print(f"error: the original SDK (the baseline) is unavailable:\n{exc}", file=sys.stderr)
        return 1
    size = args.size_mib * MIB
    limit = sha1_limit()
    with tempfile.TemporaryDirectory(prefix="wcs-bench-etag-") as folder:
        path = write_random_file(Path(folder) / "etag.bin", size)
        times = measure(sdk, path, args.runs)
    rows = []
    print(f"etag of {args.size_mib} MiB with wcs_etag_cal, median of {args.runs} runs (A B A B)")
    print(f"the limit: SHA-1 on {os.cpu_count()} cores at once, {limit / 1e6:.0f} MB/s")
    print(f"{'client':<10}{'median s':>10}{'MB/s':>8}{'of limit':>10}")
    for name, seconds in times.items():
        median = statistics.median(seconds)
        rows.append(
            {
                "client": name,
                "median_seconds": round(median, 3),
                "runs_seconds": [round(s, 3) for s in seconds],
                "mb_per_s": round(size / median / 1e6, 1),
                "share_of_sha1_limit": round(size / median / limit, 3),
            }
        )
        print(f"{name:<10}{median:>10.2f}{size / median / 1e6:>8.0f}{size / median / limit:>9.0%}")
    ratio = rows[1]["median_seconds"] / rows[0]["median_seconds"]
    print(f"wcs-ext / original: {ratio:.2f}x faster (start-up included)\n")
    report: dict[str, Any] = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "size_bytes": size,
        "sha1_limit_bytes_per_s": round(limit),
        "rows": rows,
        "ratio_wcs_ext_over_original": round(ratio, 3),
    }
    save("etag", report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
