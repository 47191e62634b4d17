"""`make bench`: every benchmark, each side by side with its baseline, ratios reported.

``python -m bench`` runs them all with their defaults; ``python -m bench upload`` (or
``checksum``, ``wan``, ``storm``, ``start``, ``emulator``, ``sync``, ``memory``,
``limit_rate``) runs one. For a
benchmark's own options run its module: ``python -m bench.bench_upload --help``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from bench import (
    bench_checksum,
    bench_dask,
    bench_emulator,
    bench_etag,
    bench_limit_rate,
    bench_memory,
    bench_start,
    bench_storm,
    bench_sync,
    bench_upload,
    bench_wan,
    readme_table,
)
from bench.bytecode import compile_project

BENCHMARKS: dict[str, tuple[str, Callable[[Sequence[str]], int]]] = {
    "checksum": (
        "checksums: CRC-64 libraries (crcmod = the original SDK's) and etag",
        bench_checksum.main,
    ),
    "etag": (
        "etag of a 1 GiB file: wcs_etag_cal of wcs-ext vs the original's",
        bench_etag.main,
    ),
    "upload": (
        "uploads: wcs-ext vs the original SDK's multipart_upload, on one emulator",
        bench_upload.main,
    ),
    "wan": (
        "over a simulated internet link (wan, far): uploads and downloads, both tools",
        bench_wan.main,
    ),
    "storm": (
        "retry storm: requests per acknowledged block under 503s, wcs-ext vs the original",
        bench_storm.main,
    ),
    "start": (
        "start-up: `wcs-ext stat` vs `wcscmd stat`, and importing each library",
        bench_start.main,
    ),
    "emulator": (
        "emulator: its own CPU per GiB received from wcs-ext, against the one at 187deee",
        bench_emulator.main,
    ),
    "sync": (
        "sync of 1,000 small files: -j 1 against the default, first run and nothing to send",
        bench_sync.main,
    ),
    "memory": (
        "memory: a 1 TiB sparse multipart upload's peak RSS against a 1 GiB upload's",
        bench_memory.main,
    ),
    "limit_rate": (
        "bandwidth limit: 8 MiB up and down at --limit-rate 2M, the rate as a share of it",
        bench_limit_rate.main,
    ),
    "dask": (
        "dask: a job over 200 wcs:// objects with 1 and 2 worker processes",
        bench_dask.main,
    ),
}


def main(argv: Sequence[str] | None = None) -> int:
    names = list(sys.argv[1:] if argv is None else argv) or list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
        return 2
    compile_project()  # every child starts from bytecode, as the original's does
    worst = 0
    for name in names:
        title, run = BENCHMARKS[name]
        print(f"== {title}", flush=True)
        worst = max(worst, run([]))
    readme_table.main([])  # the README's table, from the newest results
    return worst


if __name__ == "__main__":
    raise SystemExit(main())
