"""Upload a folder's files to WCS in parallel with Dask, and check every etag.

    python examples/dask_etags.py wcs://BUCKET/PREFIX [--source DIR] [--count N] [--workers N]

Without ``--source`` it makes ``--count`` small files in a temporary folder first. The
workers are processes (``dask.distributed.LocalCluster``); each one gets the filesystem
pickled, without the secret key, and finds its settings as the command line does:
``WCS_*`` variables, ``~/.wcscfg``, or the ``--config``/``--profile`` given here. Each
task uploads one file and compares the object's etag (``fs.ukey``) with the local one.
Exit code 0 when every etag matches.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dask.distributed import Client, LocalCluster

from wcs_ext.fs import WcsFileSystem
from wcs_ext.protocol.checksum import etag_file


def make_files(folder: Path, count: int) -> list[Path]:
    """``count`` files of a few KiB each, each different."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = folder / f"part-{index:04d}.txt"
        path.write_text(f"line {index}\n" * (50 + index * 7))
        paths.append(path)
    return paths


def upload_and_check(fs: WcsFileSystem, local: str, remote: str) -> tuple[str, bool]:
    """One task: put the file, then read the object's etag back from the server."""
    fs.put_file(local, remote)
    return remote, fs.ukey(remote) == etag_file(local)


def run(
    target: str, files: Sequence[Path], *, workers: int, options: dict[str, Any]
) -> list[tuple[str, bool]]:
    """Every file uploaded and checked by ``workers`` worker processes."""
    fs = WcsFileSystem(**options)
    prefix = fs._strip_protocol(target)
    with (
        LocalCluster(  # type: ignore[no-untyped-call]  # distributed's is not annotated
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        futures = client.map(
            upload_and_check,
            [fs] * len(files),
            [str(path) for path in files],
            [f"{prefix}/{path.name}" for path in files],
            pure=False,
        )
        results: list[tuple[str, bool]] = client.gather(futures)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("target", help="wcs://BUCKET/PREFIX to upload under")
    parser.add_argument("--source", type=Path, help="the files to upload (a folder)")
    parser.add_argument("--count", type=int, default=200, help="files to make without --source")
    parser.add_argument("--workers", type=int, default=2, help="Dask worker processes")
    parser.add_argument("--config", help="a .wcscfg file (default: $WCS_CONFIG, ~/.wcscfg)")
    parser.add_argument("--profile", help="a profile of the config file")
    args = parser.parse_args(argv)
    options: dict[str, Any] = {
        name: getattr(args, name) for name in ("config", "profile") if getattr(args, name)
    }
    with tempfile.TemporaryDirectory() as scratch:
        if args.source is not None:
            files = sorted(p for p in args.source.iterdir() if p.is_file())
        else:
            files = make_files(Path(scratch), args.count)
        results = run(args.target, files, workers=args.workers, options=options)
    bad = [remote for remote, matched in results if not matched]
    print(f"{len(results) - len(bad)} of {len(results)} etags match")
    for remote in bad:
        print(f"etag differs: wcs://{remote}", file=sys.stderr)
    return 1 if bad or len(results) != len(files) else 0


if __name__ == "__main__":
    sys.exit(main())
