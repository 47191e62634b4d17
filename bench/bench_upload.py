"""Upload benchmark: wcs-ext against the original SDK, side by side, on the same emulator.

Run from the project root::

    python -m bench.bench_upload                       # 1 GiB, 5 runs, and RSS
    python -m bench.bench_upload --sweep               # and pinned concurrency 1, 2, 4, 8
    python -m bench.bench_upload --size-mib 64 --runs 5 --skip-rss

What it measures, all in ONE run against ONE emulator (``wcs-ext emulator`` started in a
temporary directory, on 127.0.0.1):

1. A multipart upload of a random file (default 1 GiB; blocks and chunks of 4 MiB,
   4 blocks in flight at first) with wcs-ext (``Wcs.multipart_upload``) and with the original
   (``Client.multipart_upload``, from its own virtualenv, see ``tests/original_sdk.py``),
   alternating A B A B, plus wcs-ext at its default concurrency when that is not 4.
   Every upload runs in a fresh child process, so start-up and memory are comparable;
   "upload s" is timed inside the child around the upload call, "process s" is the
   child's whole life (interpreter, imports, upload) as seen from here.
2. Peak RSS (VmHWM, read by the child itself) of uploading 64 MiB and 1 GiB: memory
   that grows with the file size is a bug.
3. With ``--sweep``, wcs-ext pinned at 1, 2, 4, 8 at once: how the default compares.

Every upload's answered hash is checked against the file's etag, then the object is
deleted. The files and the emulator's storage go to ``/dev/shm`` when it has room (else
the system temporary folder; ``--tmp`` chooses): disk write-back made timings on a disk
vary by 2x from run to run. The emulator is part of every number: on a machine with
few CPUs it competes with the client for them, so the "CPU s" column (the client's own
CPU time) is the steadier comparison. The project's modules are compiled to bytecode
first (:mod:`bench.bytecode`), as the original's are in its virtualenv. Results are
printed and written as JSON under ``bench/results/``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import signal
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

import attrs  # noqa: E402

from bench.bytecode import compile_project  # noqa: E402
from bench.results import save  # noqa: E402
from tests.original_sdk import (  # noqa: E402
    REQUIREMENTS,
    OriginalSdk,
    OriginalSdkError,
    ensure_original_sdk,
    write_wcscfg,
)
from wcs_ext import Wcs, WcsConfig  # noqa: E402
from wcs_ext._version import __version__  # noqa: E402
from wcs_ext.protocol.checksum import etag_file  # noqa: E402

MIB = 1024 * 1024
BLOCK = 4 * MIB
AK = "bench-ak"
SK = "bench-sk-not-secret"
BUCKET = "bench"
SWEEP = (1, 2, 4, 8)
# What a user who sets nothing gets; the sweep is there to choose it.
DEFAULT_CONCURRENCY = int(attrs.fields(WcsConfig).concurrency.default or 0)

# -- the emulator ---------------------------------------------------------------------


class Emulator:
    """``wcs-ext emulator`` as a child process; its ready line gives the URLs.

    ``source``: a folder holding another ``wcs_ext`` (an older commit's) to run instead of
    this checkout's, put first on the child's PYTHONPATH.
    """

    def __init__(
        self, data_dir: Path, extra_args: Sequence[str] = (), *, source: Path | None = None
    ) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("WCS_")}
        env["WCS_SECRET_KEY"] = SK  # through the environment, not the process list
        if source is not None:
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(source), env.get("PYTHONPATH")]))
        args = [sys.executable, "-m", "wcs_ext.cli", "emulator", "--port", "0"]
        args += ["--data", str(data_dir), "--ak", AK, "--bucket", BUCKET, *extra_args]
        self._log = (data_dir.parent / "emulator.log").open("w")
        # ``python -m`` puts the working folder first on sys.path, before PYTHONPATH: the
        # other tree's folder must be it, or this checkout's wcs_ext would run instead.
        self._proc = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=self._log, text=True, env=env, cwd=source
        )
        assert self._proc.stdout is not None
        ready = self._proc.stdout.readline()
        if not ready:
            raise RuntimeError(f"the emulator did not start; see {self._log.name}")
        info = json.loads(ready)
        self.put_url: str = info["put_url"]
        self.mgr_url: str = info["mgr_url"]
        self.download_url: str = info["download_url"]
        self.pid = self._proc.pid

    def stop(self) -> None:
        self._proc.send_signal(signal.SIGTERM)
        try:
            self._proc.wait(30)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._log.close()


# -- one upload in a fresh child process ----------------------------------------------


@dataclass(frozen=True)
class Sample:
    seconds: float  # the upload call, timed in the child
    process_seconds: float  # the child's whole life
    peak_rss_mib: float  # VmHWM of the child
    cpu_seconds: float  # user + system CPU of the child (and of its helper, if any)
    helper_rss_mib: float | None = None  # the original's multiprocessing helper process


# The child measures its own peak: VmHWM belongs to the memory map that exec created,
# while a parent-side ru_maxrss could also count pages inherited from this process.
_WCS_EXT_CHILD = """
import json, resource, sys, time
from wcs_ext import Wcs, WcsConfig
import httpx  # before the timer, as the original's requests is: wcs-ext imports it on first use
job = json.loads(sys.stdin.read())
seconds, hash_ = 0.0, None
with Wcs(WcsConfig(**job["config"])) as wcs:
    if job["path"]:
        start = time.perf_counter()
        hash_ = wcs.multipart_upload(job["path"], job["bucket"], job["key"]).hash
        seconds = time.perf_counter() - start
try:
    with open("/proc/self/status") as status:
        kib = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except OSError:
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
own = resource.getrusage(resource.RUSAGE_SELF)
cpu = own.ru_utime + own.ru_stime
print(json.dumps({"seconds": seconds, "hash": hash_, "peak_rss_kib": kib, "cpu_seconds": cpu}))
"""


class Uploaders:
    """Starts the child processes of both clients against one emulator."""

    def __init__(self, emulator: Emulator, sdk: OriginalSdk, work: Path) -> None:
        self.emulator = emulator
        self.sdk = sdk
        self.work = work
        self._count = 0
        self._expected: dict[tuple[Path, int, int], str] = {}
        self._cleaner = Wcs(WcsConfig(**self._wcs_settings(4)))
        # The original's configuration: the brief's block/chunk/concurrency, and its
        # own defaults for everything else (keep-alive off, 3 retries, 40 s timeout).
        self.original_cfg = write_wcscfg(
            work / "wcscfg",
            {
                "access_key": AK,
                "secret_key": SK,
                "put_url": emulator.put_url,
                "mgr_url": emulator.mgr_url,
                "block_size": BLOCK,
                "bput_size": BLOCK,
                "concurrency": 4,
            },
        )

    def _wcs_settings(self, concurrency: int | None) -> dict[str, Any]:
        settings: dict[str, Any] = {
            "access_key": AK,
            "secret_key": SK,
            "put_url": self.emulator.put_url,
            "mgr_url": self.emulator.mgr_url,
            "block_size": BLOCK,
            "bput_size": BLOCK,
            "tmp_record_folder": str(self.work / "records"),
        }
        if concurrency is not None:
            settings["concurrency"] = concurrency
        return settings

    def _key(self) -> str:
        self._count += 1
        return f"run/{self._count:04d}"

    def _check(self, path: Path, key: str, answered: str | None) -> None:
        """The answered hash must be the file's etag (computed once per file version)."""
        stat = path.stat()
        version = (path, stat.st_size, stat.st_mtime_ns)
        if version not in self._expected:
            self._expected[version] = etag_file(path)
        if answered != self._expected[version]:
            raise RuntimeError(f"{key}: hash {answered!r}, expected {self._expected[version]!r}")
        self._cleaner.delete(BUCKET, key)

    def wcs_ext(self, path: Path | None, concurrency: int | None) -> Sample:
        """``path=None`` measures the interpreter and imports only."""
        key = self._key()
        job = {
            "config": self._wcs_settings(concurrency),
            "path": str(path) if path else "",
            "bucket": BUCKET,
            "key": key,
        }
        pythonpath = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
        start = time.perf_counter()
        child = subprocess.run(
            # The job holds the keys: on stdin, never in a child's argv.
            [sys.executable, "-c", _WCS_EXT_CHILD],
            input=json.dumps(job),
            env={**os.environ, "PYTHONPATH": pythonpath},
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.perf_counter() - start
        if child.returncode != 0:
            raise RuntimeError(f"wcs-ext upload failed:\n{child.stderr[-5000:]}")
        answer = json.loads(child.stdout)
        if path:
            self._check(path, key, answer["hash"])
        return Sample(
            answer["seconds"], elapsed, answer["peak_rss_kib"] / 1024, answer["cpu_seconds"]
        )

    def original(self, path: Path | None, timeout: float = 600.0) -> Sample:
        key = self._key()
        calls = [{"method": "multipart_upload", "args": [str(path), BUCKET, key]}] if path else []
        start = time.perf_counter()
        answer = self.sdk.call(self.original_cfg, calls, timeout=timeout)
        elapsed = time.perf_counter() - start
        seconds = 0.0
        if path:
            result = answer["results"][0]
            if not (isinstance(result, list) and result[0] == 200):
                raise RuntimeError(f"original upload failed: {str(result)[:2000]}")
            self._check(path, key, result[1].get("hash"))
            seconds = answer["seconds"][0]
        helper = answer["children_max_rss_kib"] / 1024
        cpu = answer["cpu_seconds"] + answer["children_cpu_seconds"]
        return Sample(seconds, elapsed, answer["peak_rss_kib"] / 1024, cpu, helper or None)

    def close(self) -> None:
        self._cleaner.close()


# -- the three measurements -----------------------------------------------------------


@dataclass
class Row:
    client: str
    samples: list[Sample] = field(default_factory=list)

    def median(self, attribute: str) -> float:
        return float(statistics.median(getattr(s, attribute) for s in self.samples))

    def summary(self, size: int) -> dict[str, Any]:
        seconds = self.median("seconds")
        helpers = [s.helper_rss_mib for s in self.samples if s.helper_rss_mib]
        return {
            "client": self.client,
            "median_seconds": round(seconds, 3),
            "best_seconds": round(min(s.seconds for s in self.samples), 3),
            "mb_per_s": round(size / seconds / 1e6, 1),
            "median_process_seconds": round(self.median("process_seconds"), 3),
            "median_cpu_seconds": round(self.median("cpu_seconds"), 3),
            "peak_rss_mib": round(max(s.peak_rss_mib for s in self.samples), 1),
            "helper_rss_mib": round(max(helpers), 1) if helpers else None,
            "runs_seconds": [round(s.seconds, 3) for s in self.samples],
        }


def write_random_file(path: Path, size: int) -> Path:
    with path.open("wb") as sink:
        for offset in range(0, size, 4 * MIB):
            sink.write(os.urandom(min(4 * MIB, size - offset)))
    return path


def _wcs_label(concurrency: int) -> str:
    default = " (default)" if concurrency == DEFAULT_CONCURRENCY else ""
    return f"wcs-ext c={concurrency}{default}"


def compare(up: Uploaders, path: Path, runs: int) -> dict[str, Any]:
    size = path.stat().st_size
    ours, theirs = Row(_wcs_label(4)), Row("original c=4")
    rows = [ours, theirs]
    default = Row(_wcs_label(DEFAULT_CONCURRENCY)) if DEFAULT_CONCURRENCY != 4 else None
    if default:
        rows.append(default)
    print(
        f"== upload: {size // MIB} MiB multipart (block 4 MiB, chunk 4 MiB), "
        f"median of {runs} runs, alternating, one fresh process per upload",
        flush=True,
    )
    for run in range(runs):
        ours.samples.append(up.wcs_ext(path, 4))
        theirs.samples.append(up.original(path))
        if default:
            default.samples.append(up.wcs_ext(path, DEFAULT_CONCURRENCY))
        print(
            f"   run {run + 1}/{runs}: "
            + ", ".join(f"{r.client} {r.samples[-1].seconds:.2f} s" for r in rows),
            flush=True,
        )
    summaries = [row.summary(size) for row in rows]
    print(
        f"{'client':<24}{'upload s':>10}{'best s':>8}{'MB/s':>8}{'process s':>11}{'CPU s':>8}"
        f"{'peak RSS MiB':>14}{'+ helper MiB':>14}"
    )
    for s in summaries:
        helper = f"{s['helper_rss_mib']:.0f}" if s["helper_rss_mib"] else "-"
        print(
            f"{s['client']:<24}{s['median_seconds']:>10.2f}{s['best_seconds']:>8.2f}"
            f"{s['mb_per_s']:>8.0f}"
            f"{s['median_process_seconds']:>11.2f}{s['median_cpu_seconds']:>8.2f}"
            f"{s['peak_rss_mib']:>14.0f}{helper:>14}"
        )
    ratio = theirs.median("seconds") / ours.median("seconds")
    process_ratio = theirs.median("process_seconds") / ours.median("process_seconds")
    cpu_ratio = theirs.median("cpu_seconds") / ours.median("cpu_seconds")
    print(
        f"ratio original/wcs-ext (c=4; above 1 = wcs-ext faster): {ratio:.2f}x upload time, "
        f"{process_ratio:.2f}x process time, {cpu_ratio:.2f}x client CPU\n",
        flush=True,
    )
    return {
        "size_bytes": size,
        "runs": runs,
        "rows": summaries,
        "ratio_original_over_wcs_ext": round(ratio, 3),
        "process_ratio_original_over_wcs_ext": round(process_ratio, 3),
        "cpu_ratio_original_over_wcs_ext": round(cpu_ratio, 3),
    }


def memory(up: Uploaders, work: Path, sizes_mib: Sequence[int]) -> list[dict[str, Any]]:
    print("== peak RSS (VmHWM of the client process), concurrency 4, MiB", flush=True)
    files = [(mib, write_random_file(work / f"rss-{mib}.bin", mib * MIB)) for mib in sizes_mib]
    header = "".join(f"{f'{mib} MiB':>12}" for mib, _ in files)
    print(f"{'client':<24}{'imports':>12}{header}{'   seconds':>12}")
    rows: list[dict[str, Any]] = []
    for client in ("wcs-ext", "original"):
        baseline = up.wcs_ext(None, 4) if client == "wcs-ext" else up.original(None)
        row: dict[str, Any] = {"client": client, "imports_only_mib": round(baseline.peak_rss_mib)}
        cells, times = [], []
        for mib, path in files:
            try:
                sample = up.wcs_ext(path, 4) if client == "wcs-ext" else up.original(path)
            except (RuntimeError, subprocess.TimeoutExpired, OriginalSdkError) as exc:
                row[f"{mib}_mib"] = None
                cells.append(f"{'failed':>12}")
                print(f"   {client} {mib} MiB: {str(exc).splitlines()[0]}", file=sys.stderr)
                continue
            row[f"{mib}_mib"] = round(sample.peak_rss_mib, 1)
            row[f"{mib}_mib_seconds"] = round(sample.seconds, 2)
            if sample.helper_rss_mib:
                row[f"{mib}_mib_helper"] = round(sample.helper_rss_mib, 1)
            cells.append(f"{sample.peak_rss_mib:>12.0f}")
            times.append(f"{sample.seconds:.1f}")
        rows.append(row)
        print(f"{client:<24}{row['imports_only_mib']:>12}{''.join(cells)}   {'/'.join(times)}")
        helpers = [row.get(f"{mib}_mib_helper") for mib, _ in files]
        if any(helpers):
            print(f"{'  + helper process':<36}" + "".join(f"{h or 0:>12.0f}" for h in helpers))
    for _, path in files:
        path.unlink()
    print(flush=True)
    return rows


def sweep(up: Uploaders, path: Path, runs: int) -> list[dict[str, Any]]:
    size = path.stat().st_size
    print(
        f"== wcs-ext concurrency sweep: {size // MIB} MiB, median of {runs} runs "
        f"(round-robin), {os.cpu_count()} CPUs",
        flush=True,
    )
    rows = [Row(_wcs_label(c)) for c in SWEEP]
    for _ in range(runs):
        for concurrency, row in zip(SWEEP, rows, strict=True):
            row.samples.append(up.wcs_ext(path, concurrency))
    summaries = [row.summary(size) for row in rows]
    print(
        f"{'concurrency':<24}{'upload s':>10}{'best s':>8}{'MB/s':>8}{'CPU s':>8}"
        f"{'peak RSS MiB':>14}"
    )
    for s in summaries:
        print(
            f"{s['client']:<24}{s['median_seconds']:>10.2f}{s['best_seconds']:>8.2f}"
            f"{s['mb_per_s']:>8.0f}"
            f"{s['median_cpu_seconds']:>8.2f}{s['peak_rss_mib']:>14.0f}"
        )
    best = min(summaries, key=lambda s: s["median_seconds"])
    print(f"fastest: {best['client']}\n", flush=True)
    return summaries


def work_root(needed: int) -> str | None:
    """``/dev/shm`` when it can hold ``needed`` bytes with room to spare, else None (the
    system temporary folder)."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK) and shutil.disk_usage(shm).free > 2 * needed:
        return str(shm)
    return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size-mib", type=int, default=1024, help="size of the compared upload")
    # Five: on a 2-core machine shared with the emulator, the client-CPU ratio of three
    # runs moved by 0.07 between two runs of unchanged code, more than its margin.
    parser.add_argument("--runs", type=int, default=5, help="timed runs per client")
    parser.add_argument("--skip-rss", action="store_true", help="skip the 64 MiB / 1 GiB RSS")
    parser.add_argument(
        "--sweep", action="store_true", help="also time pinned concurrencies 1, 2, 4, 8"
    )
    parser.add_argument(
        "--rss-sizes",
        default="64,1024",
        help="comma-separated MiB sizes of the RSS measurement (default 64,1024)",
    )
    parser.add_argument("--tmp", help="folder for the files and the emulator's storage")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.rss_sizes.split(",") if s] if not args.skip_rss else []

    try:
        sdk = ensure_original_sdk()
    except OriginalSdkError as exc:
        print(f"error: the original SDK (the baseline) is unavailable:\n{exc}", file=sys.stderr)
        return 1
    compile_project()  # each child starts from bytecode, as the original's does
    report: dict[str, Any] = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "wcs_ext": __version__,
        "original": list(REQUIREMENTS),
        "wcs_ext_default_concurrency": DEFAULT_CONCURRENCY,
    }
    # At most: the compared file, the largest RSS file, and the emulator's copy of each
    # (blocks, then the assembled object).
    needed = (args.size_mib + 2 * max(sizes, default=0) + 2 * args.size_mib) * MIB
    root = args.tmp or work_root(needed)
    with tempfile.TemporaryDirectory(prefix="wcs-bench-upload-", dir=root) as folder:
        work = Path(folder)
        report["work_folder"] = folder
        print(f"(files and emulator storage in {folder})", flush=True)
        (work / "data").mkdir()
        emulator = Emulator(work / "data")
        up = Uploaders(emulator, sdk, work)
        try:
            path = write_random_file(work / "upload.bin", args.size_mib * MIB)
            # Warm-up, untimed, at full size: the first upload into a fresh folder was
            # measured up to 4x slower (the emulator's first blocks, fresh pages).
            up.wcs_ext(path, 4)
            up.original(path)
            report["comparison"] = compare(up, path, args.runs)
            if args.sweep:
                report["concurrency_sweep"] = sweep(up, path, args.runs)
            path.unlink()
            if sizes:
                report["peak_rss"] = memory(up, work, sizes)
        finally:
            up.close()
            emulator.stop()
    save("upload", report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
