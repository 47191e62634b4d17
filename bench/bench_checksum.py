"""Checksum benchmark: CRC-64/XZ libraries side by side, and etag throughput.

Run from the project root::

    python -m bench.bench_checksum                      # 256 MiB buffer and files
    python bench/bench_checksum.py --etag-file-mib 1024 # etag on a 1 GiB file

CRC candidates are imported if installed and skipped otherwise: ``crcmod`` (the
original SDK's choice, with its C extension: the floor), ``anycrc``, ``fastcrc``
(what ``wcs_ext.checksum`` uses) and ``libscrc``. Each is checked for the CRC-64/XZ
check value and for chaining before it is timed. Files are read from a warm page cache
(they were just written), so the file numbers measure the code, not the disk. Peak RSS
of ``etag_file`` is taken in a child process per mode (VmHWM on Linux, else ru_maxrss).
"""

from __future__ import annotations

import argparse
import functools
import importlib
import importlib.metadata
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from io import FileIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from a checkout that is not installed
    sys.path.insert(0, str(ROOT))

from wcs_ext.protocol.checksum import (  # noqa: E402
    ETAG_BLOCK_SIZE,
    crc64_bytes,
    crc64_file,
    etag_bytes,
    etag_file,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    Buffer = bytes | bytearray | memoryview
    CrcFunction = Callable[[Buffer, int], int]

MIB = 1024 * 1024
CHECK_INPUT = b"123456789"
CHECK_VALUE = 0x995DC9BBDF1939FA
FILE_READ_SIZE = MIB


@dataclass(frozen=True)
class Candidate:
    name: str
    version: str
    crc: CrcFunction  # (data, previous crc) -> crc, chainable
    note: str = ""


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def _crcmod() -> Candidate:
    crcmod: Any = importlib.import_module("crcmod")
    # crcmod silently falls back to pure Python when its C extension did not build.
    with_extension = getattr(importlib.import_module("crcmod.crcmod"), "_usingExtension", False)
    # The SDK's spelling: poly with the implicit top bit, init 0 + xor-out all ones.
    function = crcmod.mkCrcFun(0x142F0E1EBA9EA3693, initCrc=0, rev=True, xorOut=(1 << 64) - 1)
    name = "crcmod-plus" if _version("crcmod-plus") != "?" else "crcmod"
    note = "C extension" if with_extension else "PURE PYTHON (C extension missing)"
    return Candidate(name, _version(name), lambda data, crc: int(function(data, crc)), note)


def _anycrc() -> Candidate:
    anycrc: Any = importlib.import_module("anycrc")
    model = anycrc.Model("CRC64-XZ")
    return Candidate("anycrc", _version("anycrc"), lambda data, crc: int(model.calc(data, crc)))


def _fastcrc() -> Candidate:
    fastcrc: Any = importlib.import_module("fastcrc")
    xz = fastcrc.crc64.xz
    return Candidate("fastcrc", _version("fastcrc"), lambda data, crc: int(xz(data, crc)))


def _libscrc() -> Candidate:
    libscrc: Any = importlib.import_module("libscrc")
    xz64 = libscrc.xz64
    return Candidate("libscrc", _version("libscrc"), lambda data, crc: int(xz64(data, crc)))


def _wcs_ext() -> Candidate:
    return Candidate("wcs_ext.checksum", "-", crc64_bytes, "crc64_bytes / crc64_file")


LOADERS: list[Callable[[], Candidate]] = [_crcmod, _anycrc, _fastcrc, _libscrc, _wcs_ext]


def load_candidates() -> tuple[list[Candidate], list[str]]:
    found: list[Candidate] = []
    missing: list[str] = []
    for loader in LOADERS:
        try:
            found.append(loader())
        except ImportError:
            missing.append(loader.__name__.lstrip("_"))
    return found, missing


def is_correct(crc: CrcFunction) -> bool:
    """The CRC-64/XZ check value, the empty input, and chaining across a split."""
    head, tail = CHECK_INPUT[:4], CHECK_INPUT[4:]
    return (
        crc(CHECK_INPUT, 0) == CHECK_VALUE
        and crc(b"", 0) == 0
        and crc(tail, crc(head, 0)) == CHECK_VALUE
    )


def median_seconds(action: Callable[[], object], runs: int) -> float:
    action()  # warm-up: caches, page cache, lazy initialisation
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def mb_per_s(size: int, seconds: float) -> str:
    return f"{size / seconds / 1e6:,.0f}"


def crc_of_file(crc: CrcFunction, path: Path) -> int:
    buffer = bytearray(FILE_READ_SIZE)
    view = memoryview(buffer)
    value = 0
    with FileIO(path, "r") as file:
        while got := file.readinto(buffer):
            value = crc(view[:got], value)
    return value


def write_random_file(path: Path, size: int) -> None:
    with path.open("wb") as sink:
        for offset in range(0, size, 4 * MIB):
            sink.write(os.urandom(min(4 * MIB, size - offset)))


# -- peak RSS of a child process --------------------------------------------------------

# The child reports its own peak: VmHWM belongs to the memory map that exec created, while
# ru_maxrss would also count the pages of this (large) process the child was forked from.
_CHILD = """
import resource, sys
from wcs_ext.protocol.checksum import etag_file
if sys.argv[1] != "-":
    etag_file(sys.argv[1], workers=int(sys.argv[2]) if sys.argv[2] != "default" else None)
try:
    with open("/proc/self/status") as status:
        kib = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except OSError:
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kib //= 1024 if sys.platform == "darwin" else 1
print(kib)
"""


def peak_rss_mib(path: str, workers: str) -> float:
    """Peak RSS of a fresh interpreter that imports wcs_ext.checksum and hashes ``path``."""
    pythonpath = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": pythonpath}
    child = subprocess.run(
        [sys.executable, "-c", _CHILD, path, workers],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(child.stdout) / 1024


def _rss(value: float) -> str:
    return f"{value:,.0f}"


# -- the two reports --------------------------------------------------------------------


def bench_crc(buffer: bytes, path: Path, runs: int) -> None:
    candidates, missing = load_candidates()
    size = len(buffer)
    print(f"CRC-64/XZ on {size // MIB} MiB, median of {runs} runs, MB/s = 10^6 bytes/s")
    print(f"(file: warm page cache, {FILE_READ_SIZE // MIB} MiB reads chained)")
    print(f"{'library':<18}{'version':<10}{'correct':<9}{'buffer':>10}{'file':>10}  notes")
    expected = crc64_bytes(buffer)
    for candidate in candidates:
        correct = is_correct(candidate.crc) and candidate.crc(buffer, 0) == expected
        in_memory = median_seconds(functools.partial(candidate.crc, buffer, 0), runs)
        if candidate.name == "wcs_ext.checksum":
            from_file = median_seconds(functools.partial(crc64_file, path), runs)
        else:
            from_file = median_seconds(functools.partial(crc_of_file, candidate.crc, path), runs)
        print(
            f"{candidate.name:<18}{candidate.version:<10}{'yes' if correct else 'NO':<9}"
            f"{mb_per_s(size, in_memory):>10}{mb_per_s(size, from_file):>10}  {candidate.note}"
        )
    if missing:
        print(f"not installed, skipped: {', '.join(missing)}")
    print()


def bench_etag(buffer: bytes, path: Path, runs: int) -> None:
    size = path.stat().st_size
    default = min(4, os.cpu_count() or 1)
    print(f"Etag on {size // MIB} MiB ({os.cpu_count()} CPUs), median of {runs} runs")
    print(f"{'mode':<34}{'MB/s':>10}{'peak RSS MiB':>14}")
    print(f"{'interpreter + import (baseline)':<34}{'':>10}{_rss(peak_rss_mib('-', '-')):>14}")
    seconds = median_seconds(functools.partial(etag_bytes, buffer), runs)
    label = f"etag_bytes ({len(buffer) // MIB} MiB in memory)"
    print(f"{label:<34}{mb_per_s(len(buffer), seconds):>10}{'':>14}")
    modes: list[tuple[str, int | None]] = [("1", 1), (f"default ({default})", None)]
    if default != 4:
        modes.append(("4", 4))
    reference = etag_file(path, workers=1)
    for label, workers in modes:
        if etag_file(path, workers=workers) != reference:
            raise RuntimeError(f"etag_file(workers={workers}) disagrees with workers=1")
        seconds = median_seconds(functools.partial(etag_file, path, workers=workers), runs)
        rss = peak_rss_mib(str(path), "default" if workers is None else str(workers))
        print(f"{'etag_file workers=' + label:<34}{mb_per_s(size, seconds):>10}{_rss(rss):>14}")
    print()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size-mib", type=int, default=256, help="CRC buffer and file size")
    parser.add_argument("--etag-file-mib", type=int, default=256, help="etag_file file size")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per measurement")
    parser.add_argument("--skip-crc", action="store_true")
    parser.add_argument("--skip-etag", action="store_true")
    args = parser.parse_args(argv)

    buffer = os.urandom(args.size_mib * MIB)
    with tempfile.TemporaryDirectory(prefix="wcs-bench-") as folder:
        if not args.skip_crc:
            crc_path = Path(folder, "crc.bin")
            crc_path.write_bytes(buffer)
            bench_crc(buffer, crc_path, args.runs)
            crc_path.unlink()
        if not args.skip_etag:
            etag_path = Path(folder, "etag.bin")
            write_random_file(etag_path, args.etag_file_mib * MIB)
            bench_etag(buffer, etag_path, args.runs)
    print(f"etag block size: {ETAG_BLOCK_SIZE // MIB} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
