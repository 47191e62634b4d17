"""Over a simulated internet link: wcs-ext against the original SDK, both ways, side by side.

Run from the project root::

    python -m bench.bench_wan                      # profiles wan and far, 3 runs each
    python -m bench.bench_wan --profiles wan --size-mib 32 --runs 1

One emulator on 127.0.0.1; for each link profile (``bench/link.py``: one-way delay,
per-connection and whole-link rates, slow start, a bounded buffer) a link simulator in
front of it, which both clients go through. With each tool's defaults (only the keys
and the hosts are configured), alternating A B A B, each run in a fresh process:

* upload: wcs-ext ``Wcs.multipart_upload`` against the original ``Client.multipart_upload``;
* download: wcs-ext ``Wcs.download`` against the original ``wcscmd get``.

Every upload's hash and every downloaded file's etag is checked. Each figure is shown
as MB/s, as the ratio to the original (above 1: wcs-ext faster) and as a share of the
link's capacity (its whole-link rate). Results go to ``bench/results/``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from a checkout that is not installed
    sys.path.insert(0, str(ROOT))

from bench.bench_upload import AK, BUCKET, SK, Emulator, work_root, write_random_file  # noqa: E402
from bench.bytecode import compile_project  # noqa: E402
from bench.link import PROFILES, LinkProfile  # noqa: E402
from bench.results import save  # noqa: E402
from tests.original_sdk import (  # noqa: E402
    OriginalSdk,
    OriginalSdkError,
    ensure_original_sdk,
    write_wcscfg,
)
from wcs_ext import Wcs, WcsConfig  # noqa: E402
from wcs_ext._version import __version__  # noqa: E402
from wcs_ext.protocol.checksum import etag_file  # noqa: E402

MIB = 1024 * 1024
# MiB. The same on both links: "as well relative to its capacity" is about the link, and
# a smaller file would be mostly TCP's slow start on the far one (0.9 s per connection).
DEFAULT_SIZES = {"wan": 128, "far": 128}

# Runs in a fresh interpreter; the job (with the keys) comes on stdin, never in argv.
_WCS_EXT_CHILD = """
import json, sys, time
from wcs_ext import Wcs, WcsConfig
import httpx  # before the timer, as the original's requests is: wcs-ext imports it on first use
job = json.loads(sys.stdin.read())
with Wcs(WcsConfig(**job["config"])) as wcs:
    start = time.perf_counter()
    if job["op"] == "upload":
        answer = wcs.multipart_upload(job["path"], job["bucket"], job["key"]).hash
    else:
        answer = wcs.download(job["url"], job["path"]).hash
    seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "hash": answer}))
"""


@contextmanager
def link(profile: LinkProfile, target_port: int) -> Iterator[str]:
    """A link simulator in front of the emulator; yields its base URL."""
    args = [sys.executable, "-m", "bench.link", "--target", f"127.0.0.1:{target_port}"]
    proc = subprocess.Popen(
        [*args, "--profile", profile.name], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        assert proc.stdout is not None
        ready = json.loads(proc.stdout.readline())
        yield f"http://127.0.0.1:{ready['port']}"
    finally:
        proc.terminate()
        proc.wait(10)


class Clients:
    """Both tools' uploads and downloads through one base URL, checked and timed."""

    def __init__(self, sdk: OriginalSdk, work: Path, base_url: str, etag: str) -> None:
        self.sdk, self.work, self.base_url, self.etag = sdk, work, base_url, etag
        self._count = 0
        settings = {"access_key": AK, "secret_key": SK, "put_url": base_url, "mgr_url": base_url}
        self._config: dict[str, Any] = {**settings, "tmp_record_folder": str(work / "records")}
        home = work / "home"
        home.mkdir(exist_ok=True)
        self._home = home  # `wcscmd get` reads the default ~/.wcscfg
        self.original_cfg = write_wcscfg(home / ".wcscfg", settings)
        self._wcscmd = sdk.find_wcscmd()

    def key(self) -> str:
        self._count += 1
        return f"wan/{self._count:04d}"

    def _ours(self, job: dict[str, Any]) -> float:
        done = subprocess.run(
            [sys.executable, "-c", _WCS_EXT_CHILD],
            input=json.dumps({"config": self._config, "bucket": BUCKET, **job}),
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"wcs-ext {job['op']} failed:\n{done.stderr[-3000:]}")
        answer = json.loads(done.stdout)
        if answer["hash"] != self.etag:
            raise RuntimeError(f"wcs-ext {job['op']}: hash {answer['hash']}, not {self.etag}")
        return float(answer["seconds"])

    def upload_ours(self, path: Path, key: str) -> float:
        return self._ours({"op": "upload", "path": str(path), "key": key})

    def download_ours(self, key: str) -> float:
        out = self.work / "down-ours.bin"
        url = f"{self.base_url}/dl/{BUCKET}/{key}"
        seconds = self._ours({"op": "download", "url": url, "path": str(out)})
        self._check_file(out, "wcs-ext download")
        return seconds

    def upload_original(self, path: Path, key: str) -> float:
        calls = [{"method": "multipart_upload", "args": [str(path), BUCKET, key]}]
        answer = self.sdk.call(self.original_cfg, calls, timeout=1800)
        result = answer["results"][0]
        if not (isinstance(result, list) and result[0] == 200):
            raise RuntimeError(f"original upload failed: {str(result)[:2000]}")
        if result[1].get("hash") != self.etag:
            raise RuntimeError(f"original upload: hash {result[1].get('hash')}, not {self.etag}")
        return float(answer["seconds"][0])

    def download_original(self, key: str) -> float:
        out = self.work / "down-original.bin"
        url = f"{self.base_url}/dl/{BUCKET}/{key}"
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        start = time.perf_counter()  # includes its start-up: it has no timer of its own
        done = subprocess.run(
            [str(self.sdk.python), str(self._wcscmd), "get", url, out.name],
            cwd=self.work,
            env={**env, "HOME": str(self._home)},
            capture_output=True,
            text=True,
            check=False,
            timeout=1800,
        )
        seconds = time.perf_counter() - start
        if done.returncode != 0 or not out.exists():
            raise RuntimeError(f"original download failed:\n{done.stderr[-3000:]}")
        self._check_file(out, "original download")
        return seconds

    def _check_file(self, path: Path, what: str) -> None:
        got = etag_file(path)
        path.unlink()
        if got != self.etag:
            raise RuntimeError(f"{what}: etag {got}, not {self.etag}")

    def forget(self, key: str) -> None:
        with Wcs(WcsConfig(**self._config)) as wcs:
            wcs.delete(BUCKET, key)


def _summary(name: str, seconds: list[float], size: int, profile: LinkProfile) -> dict[str, Any]:
    median = statistics.median(seconds)
    rate = size / median
    return {
        "client": name,
        "median_seconds": round(median, 3),
        "runs_seconds": [round(s, 3) for s in seconds],
        "mb_per_s": round(rate / 1e6, 2),
        "share_of_link": round(rate / profile.link_rate, 3),
    }


def measure(
    clients: Clients, path: Path, profile: LinkProfile, runs: int
) -> dict[str, dict[str, Any]]:
    size = path.stat().st_size
    times: dict[str, list[float]] = {
        n: [] for n in ("up-ours", "up-original", "down-ours", "down-original")
    }
    for run in range(runs):
        ours_key, theirs_key = clients.key(), clients.key()
        times["up-ours"].append(clients.upload_ours(path, ours_key))
        times["up-original"].append(clients.upload_original(path, theirs_key))
        times["down-ours"].append(clients.download_ours(ours_key))
        times["down-original"].append(clients.download_original(ours_key))
        clients.forget(ours_key)
        clients.forget(theirs_key)
        print(
            f"   run {run + 1}/{runs}: "
            + ", ".join(f"{name} {values[-1]:.2f} s" for name, values in times.items()),
            flush=True,
        )
    result: dict[str, dict[str, Any]] = {}
    for way in ("up", "down"):
        ours = _summary("wcs-ext", times[f"{way}-ours"], size, profile)
        theirs = _summary("original", times[f"{way}-original"], size, profile)
        ratio = theirs["median_seconds"] / ours["median_seconds"]
        result["upload" if way == "up" else "download"] = {
            "rows": [ours, theirs],
            "ratio_wcs_ext_over_original": round(ratio, 3),
        }
    return result


def print_table(profile: LinkProfile, size: int, result: dict[str, dict[str, Any]]) -> None:
    print(f"{'':<10}{'client':<10}{'median s':>10}{'MB/s':>8}{'link %':>8}{'x original':>12}")
    for way, figures in result.items():
        for row in figures["rows"]:
            ratio = figures["ratio_wcs_ext_over_original"] if row["client"] == "wcs-ext" else 1.0
            print(
                f"{way:<10}{row['client']:<10}{row['median_seconds']:>10.2f}"
                f"{row['mb_per_s']:>8.1f}{row['share_of_link'] * 100:>7.0f}%{ratio:>11.2f}x"
            )
    print(flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--profiles", default="wan,far", help="link profiles, comma-separated")
    parser.add_argument("--size-mib", type=int, help="file size (default: 128 on both)")
    parser.add_argument("--runs", type=int, default=3, help="runs per client and direction")
    parser.add_argument("--tmp", help="folder for the files and the emulator's storage")
    args = parser.parse_args(argv)
    names = [p for p in args.profiles.split(",") if p]
    unknown = [p for p in names if p not in PROFILES]
    if unknown:
        print(f"error: unknown profile(s) {', '.join(unknown)}; known: {', '.join(PROFILES)}")
        return 2
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
        "profiles": {},
    }
    largest = max(args.size_mib or DEFAULT_SIZES.get(n, 128) for n in names) * MIB
    with tempfile.TemporaryDirectory(
        prefix="wcs-bench-wan-", dir=args.tmp or work_root(6 * largest)
    ) as folder:
        work = Path(folder)
        (work / "data").mkdir()
        emulator = Emulator(work / "data")
        port = int(emulator.put_url.rsplit(":", 1)[1])
        try:
            for name in names:
                profile = PROFILES[name]
                size = (args.size_mib or DEFAULT_SIZES.get(name, 128)) * MIB
                path = write_random_file(work / f"{name}.bin", size)
                etag = etag_file(path)
                print(f"== {profile.describe()}; {size // MIB} MiB, each tool's defaults, "
                      f"median of {args.runs} runs, alternating", flush=True)  # fmt: skip
                with link(profile, port) as base_url:
                    clients = Clients(sdk, work, base_url, etag)
                    result = measure(clients, path, profile, args.runs)
                print_table(profile, size, result)
                report["profiles"][name] = {
                    "description": profile.describe(),
                    "size_bytes": size,
                    "link_rate_bytes_per_s": profile.link_rate,
                    "connection_rate_bytes_per_s": profile.connection_rate,
                    "round_trip_s": profile.round_trip,
                    **result,
                }
                path.unlink()
        finally:
            emulator.stop()
    save("wan", report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
