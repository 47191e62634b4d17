"""Dask over ``wcs://``: one job over N objects with 1 and with 2 worker processes, side
by side (A B A B ...), on one emulator.

Run from the project root::

    python -m bench.bench_dask                     # 200 objects of 64 KiB, 3 runs
    python -m bench.bench_dask --runs 1 --objects 50

Each task of the job makes its object's bytes, writes them with ``fs.pipe_file`` and
reads the stored etag back (``fs.ukey``) to compare it with the local one, as
``examples/dask_etags.py`` does with files. A ``LocalCluster`` of worker processes
(one thread each) is started before each timed job and a warm-up task imports
everything first, so the times are of the job alone: ``client.map`` to ``gather``. The
workers find their settings as the CLI does, in ``WCS_*`` variables; the filesystem
reaches them pickled, without its secret.

There is no original to compare with (the original SDK has no filesystem): the ratio
printed is 1 worker's time over 2 workers'. On a 2-core machine the emulator, the
scheduler and the workers share the cores, so it stays well below 2. Results are
printed and written as JSON under ``bench/results/``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from dask.distributed import Client, LocalCluster

from wcs_ext._version import __version__
from wcs_ext.fs import WcsFileSystem
from wcs_ext.protocol.checksum import etag_bytes

from .bench_upload import AK, BUCKET, SK, Emulator
from .results import save

WORKER_COUNTS = (1, 2)


def store_and_check(fs: WcsFileSystem, path: str, size: int) -> bool:
    """One task: write ``size`` bytes at ``path``; True when the server's etag is theirs."""
    data = os.urandom(size)
    fs.pipe_file(path, data)
    return fs.ukey(path) == etag_bytes(data)


def settings(emulator: Emulator, work: Path) -> dict[str, Any]:
    return {
        "access_key": AK,
        "secret_key": SK,
        "put_url": emulator.put_url,
        "mgr_url": emulator.mgr_url,
        "download_url": f"{emulator.download_url}/{{bucket}}",
        "tmp_record_folder": str(work / "records"),
    }


def timed_job(workers: int, options: Mapping[str, Any], run: int, objects: int, size: int) -> float:
    """Seconds for ``objects`` tasks on a fresh cluster of ``workers`` processes."""
    env = {f"WCS_{name.upper()}": str(value) for name, value in options.items()}
    fs = WcsFileSystem(**options)
    paths = [f"{BUCKET}/dask-{workers}w-{run}/{i:04d}" for i in range(objects)]
    with (
        LocalCluster(  # type: ignore[no-untyped-call]  # distributed's is not annotated
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            env=env,
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        warm_paths = [f"{BUCKET}/warm-{i}" for i in range(workers)]
        warm = client.map(store_and_check, [fs] * workers, warm_paths, [1] * workers, pure=False)
        if not all(client.gather(warm)):
            raise RuntimeError("a warm-up etag differs")
        started = time.perf_counter()
        futures = client.map(store_and_check, [fs] * objects, paths, [size] * objects, pure=False)
        matched = client.gather(futures)
        elapsed = time.perf_counter() - started
    if not all(matched):
        raise RuntimeError(f"{matched.count(False)} etags differ with {workers} worker(s)")
    return elapsed


def summarize(times: Mapping[int, Sequence[float]], objects: int) -> dict[str, Any]:
    """Medians per worker count, objects a second, and 1 worker's time over 2's."""
    medians = {workers: statistics.median(runs) for workers, runs in times.items()}
    return {
        "seconds": {str(w): list(runs) for w, runs in times.items()},
        "median_seconds": {str(w): m for w, m in medians.items()},
        "objects_per_second": {str(w): objects / m for w, m in medians.items()},
        "ratio_1_over_2": medians[1] / medians[2],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=3, help="A B rounds (1 then 2 workers)")
    parser.add_argument("--objects", type=int, default=200, help="objects per job")
    parser.add_argument("--size", type=int, default=64, help="KiB per object")
    args = parser.parse_args(argv)
    times: dict[int, list[float]] = {workers: [] for workers in WORKER_COUNTS}
    with tempfile.TemporaryDirectory(prefix="wcs-bench-dask-") as folder:
        work = Path(folder)
        (work / "data").mkdir()
        emulator = Emulator(work / "data")
        try:
            options = settings(emulator, work)
            for run in range(args.runs):
                for workers in WORKER_COUNTS:  # A B A B: drift on a busy machine hits both
                    seconds = timed_job(workers, options, run, args.objects, args.size * 1024)
                    times[workers].append(seconds)
                    print(f"run {run + 1}: {workers} worker(s): {seconds:.2f} s", flush=True)
        finally:
            emulator.stop()
    summary = summarize(times, args.objects)
    print(
        f"{args.objects} objects of {args.size} KiB, put + etag check each: "
        f"1 worker {summary['median_seconds']['1']:.2f} s, "
        f"2 workers {summary['median_seconds']['2']:.2f} s "
        f"(1 over 2: {summary['ratio_1_over_2']:.2f}x)\n",
        flush=True,
    )
    save(
        "dask",
        {
            "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count()},
            "wcs_ext": __version__,
            "runs": args.runs,
            "objects": args.objects,
            "size_kib": args.size,
            **summary,
        },
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
