"""Bandwidth limit: the rate a limited transfer achieves, as a share of its limit.

Run from the project root::

    python -m bench.bench_limit_rate                 # 8 MiB up and down at 2M
    python -m bench.bench_limit_rate --size-mib 4 --rate 1M

wcs-ext uploads a file with ``limit_rate`` (its blocks 4 at a time and more, as they
widen) and downloads it again (in two slices side by side): one token bucket holds every
worker of each transfer to the rate. Each call is timed in this process, so start-up
is not counted; the share is bytes / seconds / limit, and must be within 10% of 1.

Side by side, the original SDK uploads the same file with its only control,
``traffic_limit`` (the ``x-wos-traffic-limit`` header, taken by the emulator as bits a
second, set to the same rate): the server paces each request on its own, so the
original's concurrent requests together go faster than the limit. Skipped when its
virtualenv cannot be built (``make original-sdk``).
"""

from __future__ import annotations

import argparse
import os
import platform
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
from tests.original_sdk import OriginalSdkError, ensure_original_sdk, write_wcscfg  # noqa: E402
from wcs_ext import Wcs, WcsConfig  # noqa: E402
from wcs_ext.transfer.bandwidth import parse_rate, rate_text  # noqa: E402

MiB = 1024 * 1024
TOLERANCE = 0.10


def row(client: str, way: str, size: int, seconds: float, rate: int) -> dict[str, Any]:
    share = size / seconds / rate
    return {
        "client": client,
        "way": way,
        "seconds": round(seconds, 3),
        "mib_per_s": round(size / seconds / MiB, 3),
        "share_of_limit": round(share, 3),
    }


def wcs_ext_rows(emulator: Emulator, path: Path, limit: str, rate: int) -> list[dict[str, Any]]:
    config = WcsConfig(
        access_key=AK,
        secret_key=SK,
        put_url=emulator.put_url,
        mgr_url=emulator.mgr_url,
        tmp_record_folder=str(path.parent / "records"),
        # A download in slices of 4 MiB: several connections share the bucket.
        download_parallel_threshold=4 * MiB,
        download_slice_size=4 * MiB,
        limit_rate=limit,
    )
    size = path.stat().st_size
    rows = []
    with Wcs(config) as wcs:
        started = time.perf_counter()
        wcs.upload_file(path, BUCKET, "limit/ours.bin")
        rows.append(row("wcs-ext", "upload", size, time.perf_counter() - started, rate))
        url = f"{emulator.download_url.rstrip('/')}/{BUCKET}/limit/ours.bin"
        started = time.perf_counter()
        wcs.download(url, path.parent / "back.bin")
        rows.append(row("wcs-ext", "download", size, time.perf_counter() - started, rate))
    if (path.parent / "back.bin").read_bytes() != path.read_bytes():
        raise RuntimeError("the download differs from the file uploaded")
    return rows


def original_row(emulator: Emulator, path: Path, rate: int) -> dict[str, Any] | None:
    try:
        sdk = ensure_original_sdk()
    except OriginalSdkError as exc:
        print(f"original SDK unavailable, its row skipped: {str(exc).splitlines()[0]}")
        return None
    config = write_wcscfg(
        path.parent / "wcscfg",
        {"access_key": AK, "secret_key": SK, "put_url": emulator.put_url,
         "mgr_url": emulator.mgr_url, "traffic_limit": rate * 8,
         "tmp_record_folder": path.parent / "original-records"},
    )  # fmt: skip
    calls = [{"method": "multipart_upload", "args": [str(path), BUCKET, "limit/theirs.bin"]}]
    answer = sdk.call(config, calls, timeout=300)
    result = answer["results"][0]
    if isinstance(result, dict) and "exception" in result:
        raise RuntimeError(f"the original's upload failed: {result['exception']}")
    size = path.stat().st_size
    return row("original (traffic_limit)", "upload", size, answer["seconds"][0], rate)


def main(argv: Sequence[str] = ()) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_limit_rate", description=__doc__)
    parser.add_argument("--size-mib", type=int, default=8)
    parser.add_argument("--rate", default="2M", help="the limit, as --limit-rate takes it")
    parser.add_argument("--no-original", action="store_true", help="wcs-ext only")
    args = parser.parse_args(list(argv))
    rate = parse_rate(args.rate)
    if rate == 0:
        parser.error("--rate must be a limit, not none")
    with tempfile.TemporaryDirectory(prefix="bench-limit-") as tmp:
        base = Path(tmp)
        (base / "data").mkdir()
        path = base / "file.bin"
        path.write_bytes(os.urandom(args.size_mib * MiB))
        emulator = Emulator(base / "data")
        try:
            rows = wcs_ext_rows(emulator, path, args.rate, rate)
            theirs = None if args.no_original else original_row(emulator, path, rate)
        finally:
            emulator.stop()
    print(f"\n{args.size_mib} MiB at a limit of {rate_text(rate)}:")
    for item in [*rows, *([theirs] if theirs else [])]:
        share = item["share_of_limit"] * 100
        print(f"{item['client']:<26}{item['way']:<10}{item['seconds']:>7.2f} s"
              f"{item['mib_per_s']:>8.2f} MiB/s  {share:5.1f}% of the limit")  # fmt: skip
    within = all(abs(item["share_of_limit"] - 1) <= TOLERANCE for item in rows)
    print(f"wcs-ext within {TOLERANCE:.0%} of the limit: {'yes' if within else 'NO'}")
    report: dict[str, Any] = {
        "benchmark": "limit_rate",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "size_bytes": args.size_mib * MiB,
        "limit_bytes_per_s": rate,
        "limit": rate_text(rate),
        "tolerance": TOLERANCE,
        "within_tolerance": within,
        "rows": rows,
        "original": theirs,
    }
    save("limit_rate", report)
    return 0 if within else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
