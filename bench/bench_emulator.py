"""Emulator benchmark: the emulator's own CPU per GiB it receives, against an older one.

Run from the project root::

    python -m bench.bench_emulator                     # 256 MiB, 3 runs each
    python -m bench.bench_emulator --size-mib 512 --runs 5 --baseline 187deee

The emulator shares the machine with the client in every other benchmark and in the
tests, so its CPU is part of every number there. What it measures, in ONE run: two
``wcs-ext emulator`` processes, this checkout's ("current") and the one at the
``--baseline`` commit (its ``wcs_ext`` taken out of git into a temporary folder and put
first on the child's PYTHONPATH; the same third-party packages), each in a temporary
folder on 127.0.0.1. wcs-ext uploads the same random file (default 256 MiB; blocks and
chunks of 4 MiB, 4 blocks in flight) to each in turn, A B A B, after one untimed upload
each (the first into a fresh folder is slower). The emulator's CPU is the user + system
time of its process (all its threads) from ``/proc/PID/stat`` read just before and just
after the upload, so its start-up is not counted; every answered hash is checked against
the file's etag. Reported: the median CPU seconds per GiB of each, and their ratio (the
target: current at most 0.7x the baseline). Without git history (no such commit) or
without ``/proc``, the comparison is skipped and said so. Results are printed and
written as JSON under ``bench/results/``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from a checkout that is not installed
    sys.path.insert(0, str(ROOT))

from bench.bench_upload import AK, BUCKET, SK, Emulator, work_root, write_random_file  # noqa: E402
from bench.results import save  # noqa: E402
from wcs_ext import Wcs, WcsConfig  # noqa: E402
from wcs_ext._version import __version__  # noqa: E402
from wcs_ext.protocol.checksum import etag_file  # noqa: E402

MIB = 1024 * 1024
GIB = 1024 * MIB
BLOCK = 4 * MIB
BASELINE = "187deee"
TARGET = 0.7  # current CPU per GiB at most this share of the baseline's

# -- the emulator's CPU ---------------------------------------------------------------


def cpu_seconds_from_stat(text: str, ticks_per_second: int) -> float:
    """User + system CPU seconds of a ``/proc/PID/stat`` line (all the process's threads).

    The command name (field 2) is in parentheses and may hold spaces or ``)``, so the
    fields are counted after its last ``)``: there, utime and stime are the 12th and
    13th (fields 14 and 15 of the whole line).
    """
    _, paren, rest = text.rpartition(")")
    fields = rest.split()
    if not paren or len(fields) < 13:
        raise ValueError(f"not a /proc/PID/stat line: {text[:80]!r}")
    return (int(fields[11]) + int(fields[12])) / ticks_per_second


def process_cpu_seconds(pid: int) -> float:
    return cpu_seconds_from_stat(Path(f"/proc/{pid}/stat").read_text(), os.sysconf("SC_CLK_TCK"))


def per_gib(cpu_seconds: float, size: int) -> float:
    return cpu_seconds * GIB / size


# -- the baseline's source ------------------------------------------------------------


def extract_baseline(commit: str, into: Path) -> Path | None:
    """``wcs_ext`` at ``commit``, taken out of git into ``into``; None (and why, printed)
    when the checkout has no such commit (a shallow clone, an exported tree)."""
    known = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--verify", "--quiet", f"{commit}^{{commit}}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if known.returncode != 0:
        print(f"no git history with commit {commit}: the comparison is skipped", flush=True)
        return None
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit, "wcs_ext"], capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


# -- uploads against one emulator -----------------------------------------------------


@dataclass
class Side:
    """One emulator and what its uploads cost it."""

    label: str
    emulator: Emulator
    work: Path
    cpu_per_gib: list[float] = field(default_factory=list)
    upload_seconds: list[float] = field(default_factory=list)
    _count: int = 0

    def config(self) -> WcsConfig:
        return WcsConfig(
            access_key=AK,
            secret_key=SK,
            put_url=self.emulator.put_url,
            mgr_url=self.emulator.mgr_url,
            block_size=BLOCK,
            bput_size=BLOCK,
            concurrency=4,
            tmp_record_folder=str(self.work / "records"),
        )

    def upload(self, path: Path, expected: str, *, timed: bool = True) -> None:
        self._count += 1
        key = f"bench/{self._count:04d}"
        size = path.stat().st_size
        with Wcs(self.config()) as wcs:
            before = process_cpu_seconds(self.emulator.pid)
            start = time.perf_counter()
            answered = wcs.multipart_upload(str(path), BUCKET, key).hash
            seconds = time.perf_counter() - start
            cpu = process_cpu_seconds(self.emulator.pid) - before
            if answered != expected:
                raise RuntimeError(f"{self.label} {key}: hash {answered!r}, expected {expected!r}")
            wcs.delete(BUCKET, key)
        if timed:
            self.cpu_per_gib.append(per_gib(cpu, size))
            self.upload_seconds.append(seconds)

    def summary(self) -> dict[str, Any]:
        return {
            "emulator": self.label,
            "median_cpu_s_per_gib": round(statistics.median(self.cpu_per_gib), 3),
            "runs_cpu_s_per_gib": [round(c, 3) for c in self.cpu_per_gib],
            "median_upload_seconds": round(statistics.median(self.upload_seconds), 3),
        }


def start_side(label: str, work: Path, source: Path | None) -> Side:
    (work / "data").mkdir(parents=True)
    return Side(label, Emulator(work / "data", source=source), work)


def compare(sides: Sequence[Side], path: Path, runs: int) -> list[dict[str, Any]]:
    size = path.stat().st_size
    expected = etag_file(path)
    print(
        f"== emulator CPU: {size // MIB} MiB multipart from wcs-ext (block 4 MiB, chunk 4 MiB, "
        f"4 in flight), median of {runs} runs, alternating, {os.cpu_count()} CPUs",
        flush=True,
    )
    for side in sides:
        side.upload(path, expected, timed=False)  # warm-up
    for run in range(runs):
        for side in sides:
            side.upload(path, expected)
        print(
            f"   run {run + 1}/{runs}: "
            + ", ".join(f"{s.label} {s.cpu_per_gib[-1]:.2f} CPU s/GiB" for s in sides),
            flush=True,
        )
    summaries = [side.summary() for side in sides]
    print(f"{'emulator':<24}{'CPU s/GiB':>12}{'upload s':>10}")
    for s in summaries:
        print(
            f"{s['emulator']:<24}{s['median_cpu_s_per_gib']:>12.2f}{s['median_upload_seconds']:>10.2f}"
        )
    return summaries


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size-mib", type=int, default=256, help="size of the upload")
    parser.add_argument("--runs", type=int, default=3, help="timed uploads per emulator")
    parser.add_argument("--baseline", default=BASELINE, help="commit of the older emulator")
    parser.add_argument("--tmp", help="folder for the file and the emulators' storage")
    args = parser.parse_args(argv)
    if not Path(f"/proc/{os.getpid()}/stat").exists():
        print("no /proc: the emulator's CPU cannot be read here; skipped")
        return 0
    report: dict[str, Any] = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "wcs_ext": __version__,
        "baseline": args.baseline,
        "size_bytes": args.size_mib * MIB,
    }
    # The file, and in each emulator its blocks and the object they make.
    root = args.tmp or work_root(5 * args.size_mib * MIB)
    with tempfile.TemporaryDirectory(prefix="wcs-bench-emulator-", dir=root) as folder:
        work = Path(folder)
        print(f"(file and emulator storage in {folder})", flush=True)
        source = extract_baseline(args.baseline, work / "baseline-src")
        sides = [start_side("current", work / "current", None)]
        try:
            if source is not None:
                sides.append(start_side(f"at {args.baseline}", work / "baseline", source))
            path = write_random_file(work / "upload.bin", args.size_mib * MIB)
            report["rows"] = compare(sides, path, args.runs)
        finally:
            for side in sides:
                side.emulator.stop()
    if len(sides) == 2:
        ratio = statistics.median(sides[0].cpu_per_gib) / statistics.median(sides[1].cpu_per_gib)
        report["ratio_current_over_baseline"] = round(ratio, 3)
        verdict = "met" if ratio <= TARGET else "NOT met"
        print(
            f"ratio current/{args.baseline} (below 1 = current cheaper): {ratio:.2f}x CPU per "
            f"GiB; target <= {TARGET}x {verdict}\n",
            flush=True,
        )
    save("emulator", report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
