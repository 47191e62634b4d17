"""Memory benchmark: is a multipart upload's memory bounded independently of the file size?

Run from the project root::

    python -m bench.bench_memory                 # 1 GiB file vs 1 TiB sparse file, 6 s window
    python -m bench.bench_memory --seconds 10

The claim it measures: "Uploading a 1 TiB sparse file holds no more than 1.15x the memory
of a 1 GiB upload." Against ONE emulator (``wcs-ext emulator`` in a temporary folder, on
127.0.0.1), each upload runs ``Wcs.multipart_upload`` with the default settings (blocks,
chunks and concurrency as a user who sets nothing gets them) in a fresh child process,
whose ``/proc/PID/status`` is read here every 0.1 s (VmRSS, and VmHWM: the peak):

* the 1 TiB sparse file (``truncate``: no data on disk, zeros when read) is stopped
  (SIGTERM, then SIGKILL) after a fixed window (``--seconds``, default 6): it would take
  hours, and memory that grows with the file size shows within seconds;
* the 1 GiB file (random data) is measured over its whole upload, or over the same window
  when the upload takes longer;
* a child that only imports ``wcs_ext`` gives the floor that every upload starts from.

"sent MiB" is what the server acknowledged in the window (the upload's progress callback,
written by the child to its stdout). The benchmark reports and does not judge: it exits 0
whatever the ratio, 1 only when something failed to run. It is skipped (exit 0, reason
printed) where there is no ``/proc`` or where the folder cannot hold a sparse file.
Everything (the files, the emulator's storage) is deleted at the end; results are also
written as JSON under ``bench/results/``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from a checkout that is not installed
    sys.path.insert(0, str(ROOT))

import attrs  # noqa: E402

from bench.bench_upload import AK, BUCKET, SK, Emulator, work_root, write_random_file  # noqa: E402
from bench.results import save  # noqa: E402
from wcs_ext import WcsConfig  # noqa: E402
from wcs_ext._version import __version__  # noqa: E402

MIB = 1024 * 1024
GIB = 1024 * MIB
TIB = 1024 * GIB
LIMIT = 1.15  # the claim: 1 TiB upload's peak <= 1.15x the 1 GiB upload's
INTERVAL = 0.1  # seconds between two reads of /proc/PID/status
STOP_GRACE = 3.0  # seconds between SIGTERM and SIGKILL
# A sparse file of 1 TiB occupies nothing; a filesystem without holes would allocate it.
SPARSE_MAX_ALLOCATED = 16 * MIB

# -- reading /proc/PID/status ---------------------------------------------------------


def parse_status(text: str) -> dict[str, int]:
    """The memory lines of a ``/proc/PID/status`` text, in KiB: ``{"VmRSS": 51200, ...}``.

    Lines that are not ``Vm*: <number> kB`` are ignored (a zombie has none of them).
    """
    values: dict[str, int] = {}
    for line in text.splitlines():
        name, sep, rest = line.partition(":")
        parts = rest.split()
        if sep and name.startswith("Vm") and len(parts) == 2 and parts[1] == "kB":
            try:
                values[name] = int(parts[0])
            except ValueError:
                continue
    return values


def read_status(pid: int) -> dict[str, int] | None:
    """``parse_status`` of a live process; None once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            return parse_status(status.read())
    except (FileNotFoundError, ProcessLookupError):
        return None


# -- one upload in a fresh child process ----------------------------------------------

# The keys come from the environment (never the process list); everything else from argv.
# Progress lines are throttled; the last line is the result, with the child's own VmHWM
# (the parent's last sample can be up to INTERVAL older than the end of the upload).
_CHILD = """
import json, os, sys, threading, time
from wcs_ext import Wcs, WcsConfig
job = json.loads(sys.argv[1])
lock = threading.Lock()
last = [0.0]
def say(line):
    with lock:
        sys.stdout.write(line + "\\n")
        sys.stdout.flush()
def progress(p):
    now = time.monotonic()
    if now - last[0] >= 0.05:
        last[0] = now
        say(f"progress {p.done}")
seconds, hash_ = 0.0, None
config = WcsConfig(
    access_key=os.environ["WCS_ACCESS_KEY"], secret_key=os.environ["WCS_SECRET_KEY"],
    **job["config"],
)
with Wcs(config) as wcs:
    if job["path"]:
        start = time.perf_counter()
        result = wcs.multipart_upload(job["path"], job["bucket"], job["key"], progress=progress)
        seconds, hash_ = time.perf_counter() - start, result.hash
        say(f"progress {os.path.getsize(job['path'])}")
with open("/proc/self/status") as status:
    kib = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
say("result " + json.dumps({"seconds": seconds, "hash": hash_, "peak_rss_kib": kib}))
"""


@dataclass
class Measurement:
    label: str
    size: int  # bytes of the uploaded file, 0 for the imports-only child
    outcome: str = ""  # "finished" or "stopped" (the window ended first)
    seconds: float = 0.0  # from start to the end (or the stop) of the child
    sent: int = 0  # bytes acknowledged by the server, as last reported by the child
    peak_rss_kib: int = 0  # max VmHWM seen (sampled, or reported by the child at its end)
    last_rss_kib: int = 0  # VmRSS of the last sample
    samples: int = 0
    rss_timeline_kib: list[tuple[float, int]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "file": self.label,
            "size_bytes": self.size,
            "outcome": self.outcome,
            "seconds": round(self.seconds, 2),
            "sent_bytes": self.sent,
            "peak_rss_mib": round(self.peak_rss_kib / 1024, 1),
            "last_rss_mib": round(self.last_rss_kib / 1024, 1),
            "samples": self.samples,
            "rss_mib_timeline": [[t, round(kib / 1024, 1)] for t, kib in self.rss_timeline_kib],
        }


class _ChildOutput:
    """Reads the child's stdout on a thread: the latest progress, and the result line."""

    def __init__(self, stream: IO[str]) -> None:
        self.sent = 0
        self.result: dict[str, Any] | None = None
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            kind, _, value = line.strip().partition(" ")
            if kind == "progress":
                self.sent = int(value)
            elif kind == "result":
                self.result = json.loads(value)

    def join(self) -> None:
        self._thread.join(10)


def _stop(child: subprocess.Popen[str]) -> None:
    if child.poll() is not None:
        return
    child.send_signal(signal.SIGTERM)
    try:
        child.wait(STOP_GRACE)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


class Uploader:
    """Starts the upload children against one emulator, and samples their memory."""

    def __init__(self, emulator: Emulator, work: Path) -> None:
        self._settings = {
            "put_url": emulator.put_url,
            "mgr_url": emulator.mgr_url,
            "tmp_record_folder": str(work / "records"),
        }
        self._work = work
        self._count = 0
        env = {k: v for k, v in os.environ.items() if not k.startswith("WCS_")}
        env["WCS_ACCESS_KEY"] = AK
        env["WCS_SECRET_KEY"] = SK
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        self._env = env

    def run(self, label: str, path: Path | None, window: float) -> Measurement:
        """Upload ``path`` (None: imports only) for at most ``window`` seconds."""
        self._count += 1
        job = {
            "config": self._settings,
            "path": str(path) if path else "",
            "bucket": BUCKET,
            "key": f"memory/{self._count:02d}",
        }
        measured = Measurement(label, path.stat().st_size if path else 0)
        stderr_path = self._work / f"child-{self._count:02d}.err"
        with stderr_path.open("w") as stderr:
            start = time.monotonic()
            child = subprocess.Popen(
                [sys.executable, "-c", _CHILD, json.dumps(job)],
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
                env=self._env,
            )
            assert child.stdout is not None
            output = _ChildOutput(child.stdout)
            try:
                measured.outcome = self._sample(child, measured, start, window)
            finally:
                _stop(child)
                output.join()
        measured.seconds = min(time.monotonic() - start, window)
        measured.sent = output.sent
        if measured.outcome == "finished":
            if child.returncode != 0 or output.result is None:
                tail = stderr_path.read_text(errors="replace")[-4000:]
                raise RuntimeError(f"{label}: the child failed ({child.returncode}):\n{tail}")
            reported = int(output.result["peak_rss_kib"])
            measured.peak_rss_kib = max(measured.peak_rss_kib, reported)
        return measured

    @staticmethod
    def _sample(
        child: subprocess.Popen[str], measured: Measurement, start: float, window: float
    ) -> str:
        next_at = start
        while True:
            status = read_status(child.pid)
            elapsed = time.monotonic() - start
            if status and "VmRSS" in status:
                measured.samples += 1
                measured.last_rss_kib = status["VmRSS"]
                measured.peak_rss_kib = max(measured.peak_rss_kib, status.get("VmHWM", 0))
                measured.rss_timeline_kib.append((round(elapsed, 1), status["VmRSS"]))
            if child.poll() is not None:
                return "finished"
            if elapsed >= window:
                return "stopped"
            next_at += INTERVAL
            time.sleep(max(0.0, next_at - time.monotonic()))


# -- the files ------------------------------------------------------------------------


def make_sparse(path: Path, size: int) -> str | None:
    """Create a sparse file of ``size`` bytes; the reason why not, else None."""
    try:
        with path.open("wb") as sink:
            sink.truncate(size)
        allocated = os.stat(path).st_blocks * 512
    except OSError as exc:
        path.unlink(missing_ok=True)
        return f"cannot create a {size // GIB} GiB sparse file in {path.parent}: {exc}"
    if allocated > SPARSE_MAX_ALLOCATED:
        path.unlink(missing_ok=True)
        return (
            f"the filesystem of {path.parent} does not keep files sparse "
            f"({allocated // MIB} MiB allocated for a {size // GIB} GiB hole)"
        )
    return None


# -- the report -----------------------------------------------------------------------


def _print_table(rows: Sequence[Measurement], window: float) -> None:
    print(
        f"{'file':<22}{'outcome':>10}{'seconds':>9}{'sent MiB':>10}{'MB/s':>7}"
        f"{'RSS at end MiB':>16}{'peak RSS MiB':>14}"
    )
    for m in rows:
        sent = f"{m.sent / MIB:.0f}" if m.size else "-"
        rate = f"{m.sent / m.seconds / 1e6:.0f}" if m.size and m.seconds else "-"
        print(
            f"{m.label:<22}{m.outcome:>10}{m.seconds:>9.1f}{sent:>10}{rate:>7}"
            f"{m.last_rss_kib / 1024:>16.0f}{m.peak_rss_kib / 1024:>14.0f}"
        )
    for m in rows:
        if m.size:
            print(f"{'  RSS MiB each second':<22}{m.label}: " + " ".join(_by_second(m)))
    print(
        f"(window {window:g} s, 'stopped' = still uploading when it ended; RSS sampled every "
        f"{INTERVAL:g} s from /proc/PID/status, peak = VmHWM; sent = acknowledged by the server)"
    )


def _by_second(m: Measurement) -> list[str]:
    """VmRSS at 1 s, 2 s, ... (the last sample at or before each), growth shows as it goes."""
    timeline = m.rss_timeline_kib
    if not timeline:
        return []
    cells = []
    for second in range(1, int(timeline[-1][0]) + 1):
        kib = next(kib for t, kib in reversed(timeline) if t <= second)
        cells.append(f"{kib / 1024:.0f}")
    return cells


def _defaults() -> Mapping[str, int]:
    """What a user who sets nothing gets (and what the children use)."""
    fields = attrs.fields(WcsConfig)
    return {
        name: int(getattr(fields, name).default or 0)
        for name in ("block_size", "bput_size", "concurrency")
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--seconds", type=float, default=6.0, help="window of each upload (default 6)"
    )
    parser.add_argument(
        "--small-mib", type=int, default=1024, help="size of the real file (default 1024)"
    )
    parser.add_argument("--tmp", help="folder for the files and the emulator's storage")
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.small_mib <= 0:
        parser.error("--seconds and --small-mib must be positive")
    if not Path("/proc/self/status").is_file():
        print("skipped: no /proc/PID/status on this system (the sampler reads it)")
        return 0

    settings = _defaults()
    small = args.small_mib * MIB
    small_label = f"{small // GIB} GiB" if small % GIB == 0 else f"{args.small_mib} MiB"
    # The small file, the emulator's copy of it (blocks, then the object), and what the
    # 1 TiB upload sends in the window (at most ~1 GB/s).
    needed = 3 * small + int(args.seconds * 1e9)
    root = args.tmp or work_root(needed)
    with tempfile.TemporaryDirectory(prefix="wcs-bench-memory-", dir=root) as folder:
        work = Path(folder)
        reason = make_sparse(work / "sparse-1tib.bin", TIB)
        if reason:
            print(f"skipped: {reason}")
            return 0
        print(
            f"== memory: multipart upload, peak RSS of a fresh client process, defaults "
            f"(block {settings['block_size'] // MIB} MiB, chunk {settings['bput_size'] // MIB}"
            f" MiB, concurrency {settings['concurrency']}), {os.cpu_count()} CPUs",
            flush=True,
        )
        print(f"(files and emulator storage in {folder})", flush=True)
        big = work / "sparse-1tib.bin"
        small_path = write_random_file(work / "real.bin", small)
        (work / "data").mkdir()
        emulator = Emulator(work / "data")
        try:
            uploader = Uploader(emulator, work)
            floor = uploader.run("imports only", None, 60.0)
            small_run = uploader.run(small_label, small_path, args.seconds)
            small_path.unlink()
            big_run = uploader.run("1 TiB sparse", big, args.seconds)
        except RuntimeError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        finally:
            emulator.stop()
    _print_table([floor, small_run, big_run], args.seconds)
    ratio = big_run.peak_rss_kib / small_run.peak_rss_kib
    verdict = "within" if ratio <= LIMIT else "ABOVE"
    print(
        f"ratio peak RSS 1 TiB / {small_label}: {ratio:.2f}x "
        f"(claim: <= {LIMIT:.2f}x; {verdict} it)",
        flush=True,
    )
    if big_run.outcome == "finished":
        print("note: the 1 TiB upload finished inside the window", flush=True)

    report = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "wcs_ext": __version__,
        "settings": dict(settings),
        "window_seconds": args.seconds,
        "rows": [m.summary() for m in (floor, small_run, big_run)],
        "ratio_1tib_over_small": round(ratio, 3),
        "limit": LIMIT,
    }
    save("memory", report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
